"""The claim checker argues every claim again with its own code.

``supplyroute.checks.bound`` and ``supplyroute.checks.optimality`` restate the planner's
lower bounds and exhaustive search from the scenario and the checkers' physics. Here
they are held to the planner's values on many compounds (the tests may import the
planner; the checker may not): a checker bound below the planner's would refuse valid
plans, one above it would pass doctored ones.
"""

from __future__ import annotations

import ast
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.bounds.relay import relay_lower_bound
from supplyroute.checks import RoundRule, check, verify_claims
from supplyroute.checks.bound import ArguedBound, Grounds, carry_bound, relay_bound
from supplyroute.checks.optimality import optimal_makespan_s, reaches
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.generate import CompoundSpec, Shape, Shifts, generate
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.planner import PlanOptions, plan
from supplyroute.rounds import exact
from supplyroute.rounds.budget import Budget
from tests.conftest import ROOT, compound, random_households

QUICK = PlanOptions(deterministic=True, time_limit_s=2)
#: Property tests: no example database written into the tree.
PROPERTY = settings(max_examples=60, deadline=None, database=None)


def agree(ours: ArguedBound, theirs: Bound) -> None:
    """The checker's bound is the planner's, argument by argument: within a millionth
    and 0.01 s."""
    for name in ("value_s", "work_lp_s", "single_parcel_s", "release_pool_s"):
        a, b = getattr(ours, name), getattr(theirs, name)
        assert abs(a - b) <= 1e-6 * max(abs(a), abs(b)) + 0.01, (name, ours, theirs)
    if ours.value_s > 0.01 + 1e-6 * ours.value_s:
        assert {ours.work_lp_s, ours.single_parcel_s, ours.release_pool_s} & {ours.value_s}


def planner_carry(s: Scenario, households: set[str] | None = None,
                  with_lp: bool = True) -> Bound:
    ctx = PreparedCompound(s)
    parcels = [q for q in ctx.servable if households is None or q.id in households]
    if not parcels:
        return Bound(0.0, "empty", 0.0, 0.0, 0.0)
    return lower_bound(ctx.demand, ctx.travel, parcels, ctx.eligible, with_lp=with_lp)


def planner_relay(s: Scenario) -> Bound:
    ctx = PreparedCompound(s)
    return relay_lower_bound(ctx.demand, ctx.travel)


# Compounds with every feature the bounds read.
def _volunteers(rng: random.Random, buildings: int, stairwells: int) -> list[dict[str, Any]]:
    """A roster of 1-5: the first may bring anything (a cart, PPE); the others vary in
    gate, shift, cart, hands, speed, skills, zone, role and station."""
    out: list[dict[str, Any]] = [{
        "id": "V0", "shift": {"start": rng.choice([28800, 29400]), "end": 64800},
        "gate": "G", "skills": ["ppe"],
        "cart": {"capacity_bags": 12, "capacity_kg": 120,
                 "speed_mps": rng.choice([0.8, 1.0, 1.6])}}]
    if rng.random() < 0.3:
        out[0]["group"] = "first"
    for k in range(1, rng.randint(1, 5)):
        v: dict[str, Any] = {"id": f"V{k}", "gate": rng.choice(["G", "G2"]),
                             "shift": {"start": rng.choice([28800, 29400, 30600]),
                                       "end": rng.choice([36000, 64800])}}
        if rng.random() < 0.4:
            v["cart"] = {"capacity_bags": rng.choice([4, 8, 24]), "capacity_kg": 240,
                         "speed_mps": rng.choice([0.9, 1.4])}
        if rng.random() < 0.3:
            v["hand_capacity_bags"], v["hand_capacity_kg"] = 3, 25.0
        if rng.random() < 0.3:
            v["walk_speed_mps"] = rng.choice([0.9, 1.5])
        if rng.random() < 0.3:
            v["skills"] = ["ppe"]
        zone = None
        if rng.random() < 0.3:
            zone = sorted(rng.sample([f"B{i}" for i in range(1, buildings + 1)],
                                     rng.randint(1, buildings)))
            v["zone"] = zone
        v["role"] = rng.choice(["any", "any", "ferry", "climber"])
        if v["role"] != "ferry" and rng.random() < 0.4:
            b = rng.choice(zone or [f"B{i}" for i in range(1, buildings + 1)])
            v["station"] = [b] if rng.random() < 0.5 else [f"{b}-{rng.randint(1, stairwells)}"]
        out.append(v)
    return out


def _households(rng: random.Random, n: int, buildings: int, stairwells: int,
                floors: int) -> list[dict[str, Any]]:
    hh = random_households(rng, n, buildings=buildings, stairwells=stairwells, floors=floors,
                           one_bag_share=rng.random())
    for h in hh:
        r = rng.random()
        if r < 0.1:
            h["delivery"] = "entrance"
        elif r < 0.2:
            h["priority"], h["deadline"] = "urgent", rng.choice([30600, 36000])
        elif r < 0.3:
            h["window"] = {"start": rng.choice([30600, 32400]), "end": 43200}
        elif r < 0.35:
            h["risk"] = "red"
        elif r < 0.42:
            h["risk"] = "orange"
        elif r < 0.5:
            h["priority"] = "vulnerable"
        if rng.random() < 0.15:
            h["bags"] = [{"kind": "water", "weight_kg": rng.choice([5.0, 12.0, 15.0])}
                         for _ in range(rng.randint(3, 5))]
    return hh


def _releases(rng: random.Random, hh: list[dict[str, Any]]) -> tuple[list, list]:
    """Count batches at none, one or both gates, and a named batch or two."""
    bags = sum(len(h.get("bags") or [1, 1]) for h in hh)
    at_g: list[dict[str, Any]] = []
    at_g2: list[dict[str, Any]] = []
    if rng.random() < 0.5:
        at_g = [{"at": 28800, "bags": rng.choice([0, bags // 3])},
                {"at": 31500, "bags": bags}]
    if rng.random() < 0.5:
        at_g2 = [{"at": rng.choice([27000, 30000]), "bags": rng.choice([4, bags])}]
    named = rng.sample(hh, min(len(hh), rng.randint(0, 3)))
    for k, h in enumerate(named):
        (at_g if k % 2 else at_g2).append({"at": rng.choice([29000, 33000]),
                                           "households": [h["id"]]})
    return at_g, at_g2


def _walkways(rng: random.Random, places: list[tuple[float, float]]) -> dict[str, Any]:
    """A path near every place, in a chain, with a shortcut or two of stated length."""
    points = [{"id": f"p{k}", "position": {"x": x + rng.uniform(-3, 3), "y": y - 4}}
              for k, (x, y) in enumerate(sorted(places))]
    edges: list[dict[str, Any]] = [{"a": f"p{k}", "b": f"p{k + 1}"}
                                   for k in range(len(points) - 1)]
    for _ in range(2):
        a, b = rng.sample(range(len(points)), 2) if len(points) > 1 else (0, 0)
        if a != b:
            edges.append({"a": f"p{a}", "b": f"p{b}", "length_m": rng.uniform(5, 80)})
    return {"points": points, "edges": edges}


def _geographic(doc: Any) -> Any:
    """The same compound on latitude and longitude (near Beijing)."""
    if isinstance(doc, dict):
        if set(doc) == {"x", "y"}:
            lat = 39.9 + doc["y"] / 111_320
            return {"lat": lat, "lon": 116.4 + doc["x"] / (111_320 * math.cos(math.radians(lat)))}
        return {k: _geographic(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_geographic(v) for v in doc]
    return doc


def varied(seed: int, most: int = 40) -> Scenario:
    """A compound of 2 to ``most`` households with releases (count and named) at two
    gates, windows, deadlines, red and orange homes, PPE, entrance deliveries, lifts,
    carts, zones, roles and stations, sometimes walkways, sometimes lat/lon."""
    rng = random.Random(seed)
    buildings, stairwells = rng.randint(1, 3), rng.randint(1, 3)
    floors = rng.choice([3, 6, 12])
    hh = _households(rng, rng.randint(2, most), buildings, stairwells, floors)
    at_g, at_g2 = _releases(rng, hh)
    s = compound(
        hh, _volunteers(rng, buildings, stairwells), buildings=buildings,
        stairwells=stairwells, floors=floors, lift=rng.random() < 0.3, name=f"varied-{seed}",
        relay=rng.random() < 0.8,
        parameters={"disinfection_s": rng.choice([0, 300]),
                    "ppe_for_orange": rng.random() < 0.5,
                    "relay_drop_s_per_bag": rng.choice([None, 4.0]),
                    "load_s": rng.choice([60, 120]), "handover_s": rng.choice([20, 30])},
        gates=[{"id": "G", "position": {"x": 0, "y": 0}, "releases": at_g},
               {"id": "G2", "position": {"x": 70, "y": 90}, "releases": at_g2}])
    doc = s.model_dump(mode="json", exclude_none=True)
    if rng.random() < 0.3:
        places = [(g["position"]["x"], g["position"]["y"]) for g in doc["gates"]]
        places += [(w["entrance"]["x"], w["entrance"]["y"])
                   for b in doc["buildings"] for w in b["stairwells"]]
        doc["walkways"] = _walkways(rng, places)
        if rng.random() < 0.5:
            doc["gates"][0]["node"] = "p0"
    if rng.random() < 0.3:
        doc = _geographic(doc)
    return validate_document(Scenario, doc)


def generated(households: int, shape: Shape, zones: int = 0, shifts: Shifts = Shifts.OPEN,
              seed: int = 0, cart_share: float = 1 / 3) -> Scenario:
    return validate_document(Scenario, generate(CompoundSpec(
        households=households, shape=shape, zones=zones, shifts=shifts, seed=seed,
        cart_share=cart_share)))


# The bounds agree with the planner's.
@PROPERTY
@given(st.integers(0, 10**6))
def test_the_checkers_bounds_are_the_planners_on_varied_compounds(seed: int) -> None:
    s = varied(seed)
    grounds = Grounds(s)
    agree(carry_bound(s, grounds=grounds), planner_carry(s))
    agree(carry_bound(s, with_lp=False, grounds=grounds), planner_carry(s, with_lp=False))
    served = {h.id for h in random.Random(seed).sample(s.households, len(s.households) // 2)}
    agree(carry_bound(s, served, grounds=grounds), planner_carry(s, served))
    agree(relay_bound(s, grounds), planner_relay(s))


@pytest.mark.parametrize("seed", range(12))
def test_the_checkers_bounds_are_the_planners_on_fixed_seeds(seed: int) -> None:
    s = varied(seed, most=25)
    agree(carry_bound(s), planner_carry(s))
    agree(relay_bound(s), planner_relay(s))


@pytest.mark.parametrize(("households", "shape", "zones", "shifts"), [
    (180, Shape.WALKUP, 0, Shifts.OPEN),
    (150, Shape.HIGHRISE, 2, Shifts.OPEN),
    (240, Shape.MIXED, 3, Shifts.TIGHT),
    (120, Shape.MIXED, 0, Shifts.TIGHT),
])
def test_the_checkers_bounds_are_the_planners_on_generated_compounds(
        households: int, shape: Shape, zones: int, shifts: Shifts) -> None:
    s = generated(households, shape, zones, shifts, seed=households)
    agree(carry_bound(s), planner_carry(s))
    agree(relay_bound(s), planner_relay(s))


def test_a_relay_roster_of_ferries_and_climbers_at_stations() -> None:
    rng = random.Random(3)
    hh = random_households(rng, 14, buildings=2, stairwells=2, floors=8)
    hh[0]["delivery"] = "entrance"
    hh[1]["risk"] = "red"
    shift = {"start": "08:00", "end": "18:00"}
    volunteers = [
        {"id": "F1", "shift": shift, "gate": "G", "role": "ferry",
         "cart": {"capacity_bags": 10, "capacity_kg": 100}},
        {"id": "F2", "shift": shift, "gate": "G", "role": "ferry",
         "cart": {"capacity_bags": 10, "capacity_kg": 100}},
        {"id": "C1", "shift": shift, "gate": "G", "role": "climber", "station": ["B1"]},
        {"id": "C2", "shift": {"start": "08:30", "end": "18:00"}, "gate": "G",
         "role": "climber", "station": ["B2-1", "B2-2"], "skills": ["ppe"]},
        {"id": "A1", "shift": shift, "gate": "G", "skills": ["ppe"]},
    ]
    s = compound(hh, volunteers, floors=8, buildings=2, stairwells=2)
    ours = relay_bound(s)
    agree(ours, planner_relay(s))
    assert ours.kind == "relay-work-lp"
    agree(carry_bound(s), planner_carry(s))


@pytest.mark.parametrize("path", ["nanxiu12.json", "bjxilu7.json", "kandan576.json"])
def test_the_checkers_bounds_are_the_planners_on_the_examples(path: str) -> None:
    from supplyroute.io import load_scenario

    s = load_scenario(ROOT / "examples" / path)
    agree(carry_bound(s), planner_carry(s))
    if len(s.households) < 200:
        agree(relay_bound(s), planner_relay(s))


def test_nobody_to_serve_is_an_empty_bound() -> None:
    s = varied(5)
    assert carry_bound(s, households=set()).kind == "empty"
    assert carry_bound(s, households={"no such household"}).value_s == 0.0


# The exhaustive search agrees with the planner's.
def tiny(seed: int) -> Scenario:
    """2-8 households, 1-3 volunteers: windows, deadlines, red and orange homes with a
    disinfection, entrance drops, named and count releases at two gates, carts, lifts."""
    rng = random.Random(seed)
    floors = rng.choice([4, 6, 12])
    hh = random_households(rng, rng.randint(2, 8), floors=floors, one_bag_share=rng.random())
    for h in hh:
        r = rng.random()
        if r < 0.1:
            h["delivery"] = "entrance"
        elif r < 0.2:
            h["priority"], h["deadline"] = "urgent", rng.choice(["08:40", "09:30"])
        elif r < 0.3:
            h["window"] = {"start": "08:30", "end": rng.choice(["09:00", "12:00"])}
        elif r < 0.4:
            h["risk"] = rng.choice(["red", "orange"])
        elif r < 0.5:
            h["priority"] = "vulnerable"
    volunteers: list[dict[str, Any]] = []
    for k in range(rng.randint(1, 3)):
        v: dict[str, Any] = {"id": f"V{k}", "gate": rng.choice(["G", "G", "G2"]),
                             "shift": {"start": rng.choice(["08:00", "08:10"]),
                                       "end": rng.choice(["18:00", "18:00", "09:00"])}}
        if rng.random() < 0.5:
            v["cart"] = {"capacity_bags": rng.choice([4, 6, 8]), "capacity_kg": 80,
                         "speed_mps": rng.choice([0.8, 1.5])}
        if rng.random() < 0.2:
            v["hand_capacity_bags"] = 3
        volunteers.append(v)
    volunteers[0]["skills"] = ["ppe"]
    named = [{"at": "08:20", "households": [hh[-1]["id"]]}] if rng.random() < 0.3 else []
    counted = [{"at": "08:05", "bags": rng.choice([3, 40])}] if rng.random() < 0.3 else []
    gates = [{"id": "G", "position": {"x": 0, "y": 0}, "releases": named + counted},
             {"id": "G2", "position": {"x": 90, "y": 60}, "releases": []}]
    return compound(hh, volunteers, floors=floors, lift=rng.random() < 0.3, gates=gates,
                    name=f"tiny-{seed}",
                    parameters={"disinfection_s": rng.choice([0, 300]),
                                "ppe_for_orange": rng.random() < 0.5})


def planner_optimum(s: Scenario) -> float | None:
    ctx = PreparedCompound(s)
    found = exact.solve(ctx, Budget(60, deterministic=True))
    return None if found is None else found.last_delivery_s - ctx.demand.round_start_s


@PROPERTY
@given(st.integers(0, 10**6))
def test_the_checkers_optimum_is_the_planners_on_tiny_compounds(seed: int) -> None:
    s = tiny(seed)
    assert reaches(s) == exact.applies(PreparedCompound(s), 10, 3)
    if not reaches(s):
        return
    ours, theirs = optimal_makespan_s(s), planner_optimum(s)
    assert (ours is None) == (theirs is None)
    if ours is not None and theirs is not None:
        assert ours == pytest.approx(theirs, abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_the_checkers_optimum_on_fixed_seeds(seed: int) -> None:
    s = tiny(seed)
    if reaches(s):
        assert optimal_makespan_s(s) == pytest.approx(planner_optimum(s), abs=1e-6)


def test_a_trip_of_more_stairwells_than_are_permuted_takes_the_planners_order() -> None:
    """Seven stairwells on one cart trip, six on others: the nearest stairwell next, or
    the shortest walk over every order, as the planner chooses them."""
    for n in (7,):
        rng = random.Random(n)
        stairwells = rng.sample([f"B{b}-{k}" for b in range(1, 5) for k in (1, 2)], n)
        hh = [{"id": f"h{i}", "stairwell": w, "floor": rng.randint(1, 6),
               "bags": [{"kind": "water", "weight_kg": 3.0}]} for i, w in enumerate(stairwells)]
        s = compound(hh, [{"id": "V", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
                           "cart": {"capacity_bags": 12, "capacity_kg": 100, "speed_mps": 2.0}}],
                     buildings=4, stairwells=2)
        assert optimal_makespan_s(s) == pytest.approx(planner_optimum(s), abs=1e-6)


def test_no_plan_within_the_shift_is_none() -> None:
    hh = random_households(random.Random(1), 6, floors=6)
    s = compound(hh, [{"id": "V", "shift": {"start": "08:00", "end": "08:20"}, "gate": "G"}])
    assert reaches(s) and optimal_makespan_s(s) is None and planner_optimum(s) is None


def test_the_search_reaches_as_far_as_the_planners() -> None:
    hh = random_households(random.Random(2), 11)
    assert not reaches(compound(hh)) and not reaches(compound(hh[:5]), max_households=4)
    four = [{"id": f"V{k}", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}
            for k in range(4)]
    assert not reaches(compound(hh[:5], four))
    short = [{"at": "08:00", "bags": 4}, {"at": "09:00", "bags": 20}]
    assert not reaches(compound(hh[:5], releases=short))
    assert reaches(compound(hh[:5], releases=[{"at": "08:00", "bags": 10}]))


# verify_claims: honest plans pass, doctored claims do not.
def doctored(made: Plan, **summary: object) -> Plan:
    data = made.model_dump(mode="json")
    data["summary"].update(summary)
    return validate_document(Plan, data)


def claimed(s: Scenario, made: Plan) -> set[str]:
    return {v.path for v in verify_claims(s, made)[0] if v.rule is RoundRule.CLAIM}


@pytest.fixture(scope="module")
def optimum() -> tuple[Scenario, Plan]:
    s = compound(random_households(random.Random(11), 6),
                 [{"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"},
                  {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
                   "cart": {"capacity_bags": 6, "capacity_kg": 60}}])
    made = plan(s, QUICK)
    assert made.summary.proven_optimal
    return s, made


def test_an_honest_optimal_plan_is_accepted(optimum: tuple[Scenario, Plan]) -> None:
    s, made = optimum
    assert check(s, made) == [] and verify_claims(s, made) == ([], [])
    assert made.summary.makespan_s == pytest.approx(optimal_makespan_s(s), abs=0.01)


def test_a_raised_bound_is_refused(optimum: tuple[Scenario, Plan]) -> None:
    s, made = optimum
    assert claimed(s, doctored(made, lower_bound_s=made.summary.lower_bound_s + 1)) == {
        "summary.lower_bound_s"}
    assert claimed(s, doctored(made, lower_bound_s=made.summary.lower_bound_s + 0.01)) == set()


def test_a_false_optimum_is_refused(optimum: tuple[Scenario, Plan]) -> None:
    s, made = optimum
    slower = doctored(made, makespan_s=made.summary.makespan_s + 60)
    assert claimed(s, slower) == {"summary.proven_optimal"}
    bigger = compound(random_households(random.Random(12), 12))
    beyond = plan(bigger, QUICK)
    assert not beyond.summary.proven_optimal
    assert claimed(bigger, doctored(beyond, proven_optimal=True)) == {"summary.proven_optimal"}


@pytest.mark.parametrize("mode", ["carry", "relay", "auto"])
def test_honest_plans_of_varied_compounds_are_accepted(mode: str) -> None:
    for seed in range(3):
        s = varied(100 + seed, most=20)
        if mode != "carry" and not s.relay:
            continue
        made = plan(s, PlanOptions(deterministic=True, time_limit_s=1, mode=mode))
        assert verify_claims(s, made) == ([], []), (seed, made.summary)
        bound = made.summary.lower_bound_s
        if made.deliveries and bound > 0:
            raised = doctored(made, lower_bound_s=round(bound * 1.01 + 1, 2), gap=None)
            assert claimed(s, raised) == {"summary.lower_bound_s"}


def test_a_bound_for_the_households_served_is_argued_for_those() -> None:
    s = compound(random_households(random.Random(4), 30),
                 [{"id": "V1", "shift": {"start": "08:00", "end": "09:00"}, "gate": "G"}])
    made = plan(s, QUICK)
    assert made.summary.bound_covers == "served" and made.unserved
    assert verify_claims(s, made) == ([], [])
    served = {d.household for d in made.deliveries}
    assert made.summary.lower_bound_s <= carry_bound(s, served).value_s
    assert carry_bound(s, served).value_s < carry_bound(s).value_s
    assert claimed(s, doctored(made, lower_bound_s=carry_bound(s).value_s)) == {
        "summary.lower_bound_s"}


def test_a_slip_in_the_planners_bound_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker no longer runs the planner's arithmetic: a planner whose LP bound
    comes out 2% high is refused."""
    import supplyroute.bounds.carry as planner_bounds

    s = compound(random_households(random.Random(7), 30),
                 [{"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"},
                  {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}])
    honest = plan(s, QUICK)
    monkeypatch.setattr(planner_bounds, "LP_RELATIVE_SLACK", -0.02)
    slipped = plan(s, QUICK)
    assert slipped.summary.bound == "work-lp"
    assert slipped.summary.lower_bound_s > honest.summary.lower_bound_s
    assert claimed(s, slipped) == {"summary.lower_bound_s"}


def test_the_claim_checker_imports_nothing_of_the_planner() -> None:
    forbidden = ("supplyroute.bounds", "supplyroute.rounds", "supplyroute.compound",
                 "supplyroute.routing", "supplyroute.planner")
    for name in ("bound.py", "optimality.py", "claims.py"):
        tree = ast.parse((ROOT / "supplyroute" / "checks" / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            assert not [m for m in modules if m.startswith(forbidden)], (name, modules)
