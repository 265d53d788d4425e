"""The relay planner on random small compounds (every plan passes the checker, never
beats the relay bound, accounts for every household, and is byte-identical when
deterministic), and on tiny compounds against the exhaustive search of
:mod:`tests.relay_brute` (bound <= optimum <= planner)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.bounds.relay import relay_lower_bound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.models import Plan, Scenario
from tests.relay_brute import relay_brute_force

SHIFT = {"start": "08:00", "end": "18:00"}


# Random small relay compounds.

def random_relay_compound(seed: int) -> Scenario:
    """1 gate; 1-3 buildings of 2-7 floors with 1-3 stairwells; 3-12 households of 1-3
    bags; a ferry with a cart, climbers (some with a station) and "any" volunteers; now
    and then zones, entrance deliveries, vulnerable or urgent households (generous
    deadlines), entrance buffers and release batches."""
    rng = random.Random(seed)
    buildings = []
    for i in range(1, rng.randint(1, 3) + 1):
        stairwells = []
        for j in range(1, rng.randint(1, 3) + 1):
            well: dict[str, Any] = {"id": f"B{i}-{j}", "entrance": {"x": 30 + 15 * j,
                                                                     "y": 40 * i}}
            if rng.random() < 0.25:
                well["buffer_bags"] = rng.randint(2, 6)
            stairwells.append(well)
        buildings.append({"id": f"B{i}", "floors": rng.randint(2, 7),
                          "stairwells": stairwells})
    wells = [(b, w) for b in buildings for w in b["stairwells"]]

    households = []
    for k in range(rng.randint(3, 12)):
        b, w = rng.choice(wells)
        h: dict[str, Any] = {
            "id": f"h{k}", "stairwell": w["id"], "floor": rng.randint(1, b["floors"]),
            "bags": [{"kind": f"k{i}", "weight_kg": round(rng.uniform(0.5, 9.5), 1)}
                     for i in range(rng.choice((1, 2, 2, 3)))],
        }
        roll = rng.random()
        if roll < 0.15:
            h["delivery"] = "entrance"
        elif roll < 0.3:
            h["priority"] = "vulnerable"
        elif roll < 0.4:
            h["priority"] = "urgent"
            h["deadline"] = rng.choice(("12:00", "14:00", "17:00"))
        households.append(h)

    ids = [b["id"] for b in buildings]
    volunteers: list[dict[str, Any]] = [
        {"id": "F0", "shift": SHIFT, "gate": "G", "role": "ferry",
         "cart": {"capacity_bags": rng.randint(6, 16), "capacity_kg": 150}},
    ]
    for v in range(1, rng.randint(2, 4) + 1):
        vol: dict[str, Any] = {"id": f"V{v}", "gate": "G", "shift": {
            "start": rng.choice(("08:00", "08:00", "08:15")), "end": "18:00"}}
        role = rng.choice(("climber", "climber", "any", "ferry"))
        vol["role"] = role
        if len(ids) > 1 and rng.random() < 0.3:
            vol["zone"] = rng.sample(ids, rng.randint(1, len(ids) - 1))
        if role == "climber" and rng.random() < 0.5:
            allowed = [(b, w) for b, w in wells if b["id"] in vol.get("zone", ids)]
            b, w = rng.choice(allowed)
            vol["station"] = [rng.choice((b["id"], w["id"]))]
        if role != "climber" and rng.random() < 0.5:
            vol["cart"] = {"capacity_bags": rng.randint(4, 10), "capacity_kg": 100}
        volunteers.append(vol)

    releases = []
    if rng.random() < 0.3:
        total = sum(len(h["bags"]) for h in households)
        first = rng.randint(0, total)
        releases = [{"at": "08:00", "bags": first}, {"at": "08:40", "bags": total - first}]
    return Scenario.model_validate({
        "name": f"relay-random-{seed}",
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}, "releases": releases}],
        "buildings": buildings, "households": households, "volunteers": volunteers,
    })


class BoundAboveMakespan(AssertionError):
    """A plan that passes the checker is shorter than the stated lower bound."""


def assert_sound(scenario: Scenario, result: Plan) -> None:
    assert check(scenario, result) == []
    served = [d.household for d in result.deliveries]
    unserved = [u.household for u in result.unserved]
    assert len(set(served)) == len(served)
    assert not set(served) & set(unserved)
    assert set(served) | set(unserved) == {h.id for h in scenario.households}
    assert all(u.reason and u.detail for u in result.unserved)
    sm = result.summary
    if sm.gap is not None and sm.makespan_s < sm.lower_bound_s - 1e-6:
        raise BoundAboveMakespan(f"{scenario.name} ({sm.mode}): makespan {sm.makespan_s} "
                                 f"below the lower bound {sm.lower_bound_s}")


RANDOM_SEEDS = range(25)


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_relay_and_auto_plans_are_sound_and_deterministic(seed: int) -> None:
    scenario = random_relay_compound(seed)
    options = PlanOptions(mode="relay", time_limit_s=2, deterministic=True)
    relayed = plan(scenario, options)
    auto = plan(scenario, PlanOptions(mode="auto", time_limit_s=2, deterministic=True))
    assert relayed.summary.mode == "relay"
    assert plan(scenario, options).model_dump_json() == relayed.model_dump_json()
    assert auto.summary.mode_makespans_s is not None
    assert auto.summary.makespan_s in auto.summary.mode_makespans_s.values()
    assert_sound(scenario, relayed)
    assert_sound(scenario, auto)


def test_relay_bound_with_an_idle_late_climber() -> None:
    """One household, an "any" volunteer from 08:00 and a climber from 09:00: carrying it
    takes 350.5 s, and a climber who climbs nothing must not lift the relay bound."""
    scenario = Scenario.model_validate({
        "name": "late-climber",
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [{"id": "B1", "floors": 3,
                       "stairwells": [{"id": "B1-1", "entrance": {"x": 30, "y": 40}}]}],
        "households": [{"id": "h1", "stairwell": "B1-1", "floor": 2}],
        "volunteers": [anyone("A"), climber("C", shift={"start": "09:00", "end": "18:00"})],
    })
    for mode in ("relay", "auto"):
        assert_sound(scenario, plan(scenario, PlanOptions(mode=mode, deterministic=True)))


# Tiny compounds against the exhaustive search.

def tiny(households: list[dict[str, Any]], volunteers: list[dict[str, Any]], *,
         stairwells: int = 2, relay: bool = True, name: str = "tiny") -> Scenario:
    """One 6-floor building with 1-2 stairwells, the gate at the origin."""
    return Scenario.model_validate({
        "name": name, "relay": relay,
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [{"id": "B1", "floors": 6, "stairwells": [
            {"id": f"B1-{j}", "entrance": {"x": 30 + 15 * j, "y": 40}}
            for j in range(1, stairwells + 1)]}],
        "households": households, "volunteers": volunteers,
    })


def ferry(vid: str = "F", **extra: Any) -> dict[str, Any]:
    return {"id": vid, "shift": SHIFT, "gate": "G", "role": "ferry",
            "cart": {"capacity_bags": 8, "capacity_kg": 80}, **extra}


def climber(vid: str = "C", **extra: Any) -> dict[str, Any]:
    return {"id": vid, "shift": SHIFT, "gate": "G", "role": "climber", **extra}


def anyone(vid: str, **extra: Any) -> dict[str, Any]:
    return {"id": vid, "shift": SHIFT, "gate": "G", **extra}


def random_tiny(seed: int, relay: bool = True) -> Scenario:
    rng = random.Random(seed)
    wells = rng.randint(1, 2)
    households = []
    for k in range(rng.randint(2, 3)):
        bags = [{"kind": "living", "weight_kg": 8.0}]
        if rng.random() < 0.6:
            bags.insert(0, {"kind": "prevention", "weight_kg": 2.0})
        households.append({"id": f"h{k}", "stairwell": f"B1-{rng.randint(1, wells)}",
                           "floor": rng.randint(1, 6), "bags": bags})
    if not relay:
        pair = [anyone("A1"), anyone("A2")]
    else:
        pair = rng.choice(([ferry(), climber()], [anyone("A1"), anyone("A2")],
                           [ferry(), anyone("A1")], [anyone("A1"), climber()]))
    if rng.random() < 0.4 and "cart" not in pair[0]:
        pair[0]["cart"] = {"capacity_bags": 6, "capacity_kg": 60}
    return tiny(households, pair, stairwells=wells, relay=relay, name=f"tiny-{seed}")


HH3 = [{"id": "h1", "stairwell": "B1-1", "floor": 5},
       {"id": "h2", "stairwell": "B1-2", "floor": 3},
       {"id": "h3", "stairwell": "B1-1", "floor": 2, "bags": [{"kind": "x", "weight_kg": 5}]}]
HH2 = [{"id": "h1", "stairwell": "B1-1", "floor": 6},
       {"id": "h2", "stairwell": "B1-1", "floor": 4}]

TINY_CASES: dict[str, Any] = {
    "ferry+climber, 3 households": lambda: tiny(HH3, [ferry(), climber()]),
    "two any, 3 households": lambda: tiny(HH3, [anyone("A1"), anyone("A2")]),
    "ferry+any, 3 households": lambda: tiny(HH3, [ferry(), anyone("A1")]),
    "ferry+climber, 1 stairwell": lambda: tiny(HH2, [ferry(), climber()], stairwells=1),
    "any with cart+climber, 1 stairwell": lambda: tiny(
        HH2, [anyone("A1", cart={"capacity_bags": 6, "capacity_kg": 60}), climber()],
        stairwells=1),
    **{f"random tiny {seed}": (lambda seed=seed: random_tiny(seed)) for seed in range(5)},
}
#: Cases where the relay planner reaches the optimum of the exhaustive search.
PLANNER_EXACT = {"random tiny 1", "random tiny 2", "random tiny 3",
                 "ferry+climber, 1 stairwell", "any with cart+climber, 1 stairwell"}


def tiny_figures(scenario: Scenario) -> tuple[float, float, Plan]:
    """(relay lower bound, exhaustive optimum, the relay planner's plan)."""
    ctx = PreparedCompound(scenario)
    bound = relay_lower_bound(ctx.demand, ctx.travel).value_s
    optimum = relay_brute_force(scenario)
    return bound, optimum, plan(scenario, PlanOptions(mode="relay", deterministic=True))


@pytest.mark.parametrize("case", sorted(TINY_CASES))
def test_tiny_relay_bound_optimum_planner(case: str) -> None:
    scenario = TINY_CASES[case]()
    bound, optimum, result = tiny_figures(scenario)
    assert optimum < float("inf")
    assert check(scenario, result) == []
    assert not result.unserved
    assert bound <= optimum + 1e-6
    assert result.summary.lower_bound_s <= optimum + 1e-6
    assert result.summary.makespan_s >= optimum - 0.01  # plans state times to 0.01 s
    if case in PLANNER_EXACT:  # tiny exact relay cases match
        assert result.summary.makespan_s == pytest.approx(optimum, abs=0.05)


@pytest.mark.parametrize("seed", range(8))
def test_brute_force_matches_the_carry_exact_search(seed: int) -> None:
    scenario = random_tiny(1000 + seed, relay=False)
    optimum = relay_brute_force(scenario)
    assert optimum == relay_brute_force(scenario, relays=False)  # relays are forbidden
    result = plan(scenario, PlanOptions(mode="carry", deterministic=True))
    assert check(scenario, result) == []
    assert result.summary.proven_optimal
    assert result.summary.makespan_s == pytest.approx(optimum, abs=0.05)


def test_a_household_only_climbers_could_carry_is_refused() -> None:
    """A climber makes no trips from the gate: a household whose bags fit no one else's
    trip is an input error, naming its bags."""
    from supplyroute.errors import InputError

    with pytest.raises(InputError, match=r"households\[0\]\.bags"):
        tiny([{"id": "h1", "stairwell": "B1-1", "floor": 2,
               "bags": [{"kind": "x", "weight_kg": 5}] * 3}],
             [ferry(cart=None), climber(cart={"capacity_bags": 6,
                                                         "capacity_kg": 60})])


@pytest.mark.parametrize(("station", "extra", "where", "reason"), [
    (["B9"], {}, "volunteers[1].station[0]", "unknown stairwell or building"),
    (["B1"], {"zone": ["B2"]}, "volunteers[1].station[0]", "outside the volunteer's zone"),
])
def test_a_bad_station_is_refused_with_its_path(station: list[str], extra: dict[str, Any],
                                                 where: str, reason: str) -> None:
    from supplyroute.errors import InputError

    households = [{"id": "h1", "stairwell": "B1-1", "floor": 2}]
    with pytest.raises(InputError) as raised:
        tiny(households, [ferry(), climber(station=station, **extra)])
    assert where in str(raised.value) and reason in str(raised.value)


def test_a_ferry_with_a_station_is_refused() -> None:
    from supplyroute.errors import InputError

    with pytest.raises(InputError, match=r"volunteers\[0\]\.station: a ferry never climbs"):
        tiny([{"id": "h1", "stairwell": "B1-1", "floor": 2}],
             [ferry(station=["B1"]), climber()])
