"""Property-based fuzzing with hypothesis: mutated scenarios never crash the planner, and
mutated plans never get past the checker.

1. Scenario fuzz: a valid scenario (nanxiu12, bjxilu7, a compound built here) with one
   to three named mutations applied to its JSON; ``supplyroute plan`` returns 0, 2 or 3,
   never 1 (an internal error), and never leaves its output half-written.
2. Plan fuzz: valid plans of nanxiu12, bjxilu7 and kandan576 (and a relay plan of
   bjxilu7) with one named mutation that breaks a rule; ``check`` plus
   ``verify_claims`` names the rule, and ``supplyroute check`` returns 4.

Every run is deterministic (``derandomize=True``): the same examples in CI every time.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import random
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from supplyroute.checks import RoundRule, check, verify_claims
from supplyroute.cli import main
from supplyroute.io import load_plan, load_scenario, validate_document
from supplyroute.models import Plan, Scenario
from tests.conftest import ROOT, ExamplePlan, compound

EXAMPLES = ROOT / "examples"
K = RoundRule

# ======================================================================================
# 1. Scenario fuzz
# ======================================================================================

Doc = dict[str, Any]
ScenarioMutation = Callable[[Doc, random.Random], Doc]


def _small_compound() -> Doc:
    """A compound with what the examples lack: an entrance delivery, a red home, a
    window, a deadline, a cart, named and counted releases."""
    households = [
        {"id": "a", "stairwell": "B1-1", "floor": 5},
        {"id": "b", "stairwell": "B1-2", "floor": 2, "priority": "vulnerable"},
        {"id": "c", "stairwell": "B1-2", "floor": 3, "deadline": "10:00",
         "priority": "urgent"},
        {"id": "d", "stairwell": "B2-1", "floor": 4,
         "window": {"start": "08:30", "end": "11:00"}},
        {"id": "e", "stairwell": "B2-2", "floor": 1, "delivery": "entrance"},
        {"id": "r", "stairwell": "B2-2", "floor": 6, "risk": "red"},
    ]
    volunteers = [
        {"id": "V1", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
         "zone": ["B1", "B2"]},
        {"id": "V2", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
         "cart": {"capacity_bags": 8, "capacity_kg": 80}, "skills": ["ppe"]},
        {"id": "V3", "shift": {"start": "08:30", "end": "12:00"}, "gate": "G",
         "zone": ["B1"]},
    ]
    releases = [{"at": "08:00", "bags": 8}, {"at": "08:30", "bags": 20},
                {"at": "08:15", "households": ["d"]}]
    scenario = compound(households, volunteers, releases=releases, name="fuzz-compound")
    return json.loads(scenario.model_dump_json(exclude_defaults=True))


BASES: dict[str, Doc] = {
    "nanxiu12": json.loads((EXAMPLES / "nanxiu12.json").read_text(encoding="utf-8")),
    "bjxilu7": json.loads((EXAMPLES / "bjxilu7.json").read_text(encoding="utf-8")),
    "compound": _small_compound(),
}


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return items[rng.randrange(len(items))]


def _stairwells(doc: Doc) -> list[dict[str, Any]]:
    return [w for b in doc["buildings"] for w in b["stairwells"]]


def _positions(doc: Doc) -> list[dict[str, Any]]:
    """Every position object (gates, entrances, walkway points), in place."""
    out = [g["position"] for g in doc["gates"]]
    out += [w["entrance"] for w in _stairwells(doc)]
    if doc.get("walkways"):
        out += [p["position"] for p in doc["walkways"]["points"]]
    return out


def _bags(doc: Doc, h: dict[str, Any]) -> list[dict[str, Any]]:
    if "bags" not in h:
        h["bags"] = copy.deepcopy(doc.get("parameters", {}).get(
            "default_bags", [{"kind": "prevention", "weight_kg": 2.0},
                             {"kind": "living", "weight_kg": 8.0}]))
    return h["bags"]


def m_delete_required_field(doc: Doc, rng: random.Random) -> Doc:
    where, key = _pick(rng, [
        (doc, "name"), (doc, "gates"), (doc, "households"),
        (_pick(rng, doc["households"]), "stairwell"), (_pick(rng, doc["households"]), "floor"),
        (_pick(rng, doc["households"]), "id"), (_pick(rng, doc["volunteers"]), "shift"),
        (_pick(rng, doc["volunteers"]), "gate"), (_pick(rng, doc["buildings"]), "floors"),
        (doc["gates"][0], "position"), (_pick(rng, _stairwells(doc)), "entrance")])
    where.pop(key)
    return doc


def m_duplicate_household_id(doc: Doc, rng: random.Random) -> Doc:
    if len(doc["households"]) > 1:
        doc["households"][-1]["id"] = doc["households"][0]["id"]
    else:
        doc["households"].append(copy.deepcopy(doc["households"][0]))
    return doc


def m_duplicate_volunteer_id(doc: Doc, rng: random.Random) -> Doc:
    doc["volunteers"].append(copy.deepcopy(_pick(rng, doc["volunteers"])))
    return doc


def m_duplicate_stairwell_id(doc: Doc, rng: random.Random) -> Doc:
    building = _pick(rng, doc["buildings"])
    building["stairwells"].append(copy.deepcopy(_pick(rng, _stairwells(doc))))
    return doc


def m_duplicate_gate_id(doc: Doc, rng: random.Random) -> Doc:
    doc["gates"].append(copy.deepcopy(doc["gates"][0]))
    return doc


def m_dangling_stairwell(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["households"])["stairwell"] = "nowhere-9"
    return doc


def m_dangling_gate(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["volunteers"])["gate"] = "back-gate"
    return doc


def m_zone_unknown_building(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["volunteers"])["zone"] = ["B99"]
    return doc


def m_zone_naming_no_building(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["volunteers"])["zone"] = []
    return doc


def m_release_unknown_household(doc: Doc, rng: random.Random) -> Doc:
    gate = _pick(rng, doc["gates"])
    gate["releases"] = [*gate.get("releases", []), {"at": "08:00", "households": ["ghost"]}]
    return doc


def m_household_in_two_releases(doc: Doc, rng: random.Random) -> Doc:
    hid = _pick(rng, doc["households"])["id"]
    gate = doc["gates"][0]
    gate["releases"] = [*gate.get("releases", []), {"at": "08:00", "households": [hid]},
                        {"at": "09:00", "households": [hid]}]
    return doc


NUMBER_PATHS: list[Callable[[Doc, random.Random], tuple[dict[str, Any], str]]] = [
    lambda d, r: (_pick(r, d["households"]), "floor"),
    lambda d, r: (_pick(r, d["households"]), "residents"),
    lambda d, r: (_pick(r, _bags(d, _pick(r, d["households"]))), "weight_kg"),
    lambda d, r: (_pick(r, d["buildings"]), "floors"),
    lambda d, r: (_pick(r, d["volunteers"]), "hand_capacity_bags"),
    lambda d, r: (_pick(r, d["volunteers"]), "hand_capacity_kg"),
    lambda d, r: (_pick(r, d["volunteers"]), "walk_speed_mps"),
    lambda d, r: (_pick(r, d["volunteers"])["shift"], "start"),
    lambda d, r: (_pick(r, d["volunteers"])["shift"], "end"),
    lambda d, r: (d["gates"][0]["position"], _pick(r, ["x", "y"])),
    lambda d, r: (d.setdefault("parameters", {}), _pick(r, [
        "walk_speed_mps", "load_s", "handover_s", "hand_capacity_bags", "detour_factor",
        "stair_up_s_per_floor", "disinfection_s", "entrance_buffer_bags"])),
    lambda d, r: (_pick(r, d["households"]), "deadline"),
]


def _set_number(doc: Doc, rng: random.Random, values: list[Any]) -> Doc:
    where, key = _pick(rng, NUMBER_PATHS)(doc, rng)
    where[key] = _pick(rng, values)
    return doc


def m_negative_number(doc: Doc, rng: random.Random) -> Doc:
    return _set_number(doc, rng, [-1, -0.5, -3600, -1e9])


def m_zero_number(doc: Doc, rng: random.Random) -> Doc:
    return _set_number(doc, rng, [0, 0.0])


def m_huge_number(doc: Doc, rng: random.Random) -> Doc:
    return _set_number(doc, rng, [10**9, 1e12, 10**30, 1e308])


def m_nan_or_infinity(doc: Doc, rng: random.Random) -> Doc:
    return _set_number(doc, rng, [float("nan"), float("inf"), float("-inf")])


def m_wrong_type(doc: Doc, rng: random.Random) -> Doc:
    return _set_number(doc, rng, ["x", "3rd", [], {}, None, True, [1], {"id": 1}])


def m_floor_above_building(doc: Doc, rng: random.Random) -> Doc:
    h = _pick(rng, doc["households"])
    building = next(b for b in doc["buildings"]
                    if any(w["id"] == h["stairwell"] for w in b["stairwells"]))
    h["floor"] = building["floors"] + rng.randint(1, 5)
    return doc


def m_empty_list(doc: Doc, rng: random.Random) -> Doc:
    where, key = _pick(rng, [
        (doc, "gates"), (doc, "buildings"), (doc, "households"),
        (_pick(rng, doc["buildings"]), "stairwells"), (_pick(rng, doc["households"]), "bags"),
        (doc.setdefault("parameters", {}), "default_bags")])
    where[key] = []
    return doc


def m_zero_volunteers(doc: Doc, rng: random.Random) -> Doc:
    doc["volunteers"] = []
    return doc


def m_shift_end_before_start(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["volunteers"])["shift"] = {"start": "12:00", "end": "08:00"}
    return doc


def m_deadline_before_shift_start(doc: Doc, rng: random.Random) -> Doc:
    h = _pick(rng, doc["households"])
    h.pop("window", None)
    h["deadline"] = "06:00"
    return doc


def m_window_end_before_start(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["households"])["window"] = {"start": "11:00", "end": "09:00"}
    return doc


def m_window_outside_shifts(doc: Doc, rng: random.Random) -> Doc:
    h = _pick(rng, doc["households"])
    h.pop("deadline", None)
    h["window"] = {"start": "22:00", "end": "23:00"}
    return doc


def m_release_after_every_shift(doc: Doc, rng: random.Random) -> Doc:
    doc["gates"][0]["releases"] = [{"at": "23:30", "bags": 10_000}]
    return doc


def m_bag_heavier_than_any_capacity(doc: Doc, rng: random.Random) -> Doc:
    _bags(doc, _pick(rng, doc["households"]))[0]["weight_kg"] = 99.0
    return doc


def m_climbers_only(doc: Doc, rng: random.Random) -> Doc:
    for v in doc["volunteers"]:
        v["role"] = "climber"
    return doc


def m_one_climber_one_ferry(doc: Doc, rng: random.Random) -> Doc:
    """Valid: a relay crew (the other volunteers carry as before)."""
    doc["volunteers"][0]["role"] = "climber"
    doc["volunteers"].append({**copy.deepcopy(doc["volunteers"][0]), "id": "ferry-1",
                              "role": "ferry"})
    doc["volunteers"][-1].pop("station", None)
    return doc


def m_walkway_edge_unknown_point(doc: Doc, rng: random.Random) -> Doc:
    doc["walkways"] = {"points": [{"id": "p1", "position": {"x": 0, "y": 0}}],
                       "edges": [{"a": "p1", "b": "p-missing"}]}
    return doc


def m_walkways_disconnected(doc: Doc, rng: random.Random) -> Doc:
    """Valid: a walkway graph whose gate and entrances attach to points never joined."""
    doc["walkways"] = {
        "points": [{"id": "p-gate", "position": copy.deepcopy(doc["gates"][0]["position"])}]
        + [{"id": f"p-{w['id']}", "position": copy.deepcopy(w["entrance"])}
           for w in _stairwells(doc)],
        "edges": [],
    }
    return doc


def m_walkways_connected(doc: Doc, rng: random.Random) -> Doc:
    """Valid: a star of walkways from the gate to every entrance."""
    m_walkways_disconnected(doc, rng)
    doc["walkways"]["edges"] = [{"a": "p-gate", "b": p["id"]}
                                for p in doc["walkways"]["points"][1:]]
    return doc


def m_unicode_ids(doc: Doc, rng: random.Random) -> Doc:
    """Valid: every household and stairwell id in Chinese, emoji and combining marks."""
    names = {}
    for i, w in enumerate(_stairwells(doc)):
        names[w["id"]] = f"{i}单元🏠é"
        w["id"] = names[w["id"]]
    for h in doc["households"]:
        h["stairwell"] = names[h["stairwell"]]
        h["id"] = f"户-{h['id']}-\u00e9\u0301"
    for g in doc["gates"]:
        for r in g.get("releases", []):
            if "households" in r:
                r["households"] = [f"户-{x}-\u00e9\u0301" for x in r["households"]]
    return doc


def m_very_long_strings(doc: Doc, rng: random.Random) -> Doc:
    """Valid: a 20,000-character name, note and household id."""
    doc["name"] = "n" * 20_000
    h = doc["households"][0]
    old = h["id"]
    h["id"] = "h" * 20_000
    h["note"] = "x" * 20_000
    for g in doc["gates"]:
        for r in g.get("releases", []):
            if "households" in r:
                r["households"] = [h["id"] if x == old else x for x in r["households"]]
    return doc


def m_latlon_mixed_with_xy(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, _positions(doc)).clear()
    _pick(rng, _positions(doc)).update({"lat": 32.06, "lon": 118.78})
    for p in _positions(doc):
        if not p:
            p.update({"lat": 32.06, "lon": 118.78})
    return doc


def m_all_latlon(doc: Doc, rng: random.Random) -> Doc:
    """Valid: every position as latitude and longitude, near Nanjing."""
    for p in _positions(doc):
        x, y = p.pop("x", 0.0), p.pop("y", 0.0)
        p.update({"lat": 32.06 + y / 111_000, "lon": 118.78 + x / 94_000})
    return doc


def m_position_both_systems(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, _positions(doc)).update({"lat": 32.0, "lon": 118.0})
    return doc


def m_cart_capacity_zero(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["volunteers"])["cart"] = {"capacity_bags": 0, "capacity_kg": 0}
    return doc


def m_households_5x(doc: Doc, rng: random.Random) -> Doc:
    """Valid: every household five times over (new ids); capped at 60 households so that
    the property stays quick."""
    originals = doc["households"][:12]
    doc["households"] = [{**copy.deepcopy(h), "id": f"{h['id']}~{k}"} if k else h
                         for h in originals for k in range(5)]
    for g in doc["gates"]:  # named releases keep naming households that exist
        g["releases"] = [r for r in g.get("releases", [])
                         if "bags" in r or set(r["households"]) <= {h["id"] for h in originals}]
    return doc


def m_unknown_field(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, [doc, _pick(rng, doc["households"]), _pick(rng, doc["volunteers"]),
                doc["gates"][0]])["flat"] = "3-2"
    return doc


def m_bad_time_text(doc: Doc, rng: random.Random) -> Doc:
    shift = _pick(rng, doc["volunteers"])["shift"]
    shift[_pick(rng, ["start", "end"])] = _pick(rng, ["25:99", "8h00", "08:60", "", "noon"])
    return doc


def m_red_without_ppe(doc: Doc, rng: random.Random) -> Doc:
    _pick(rng, doc["households"])["risk"] = "red"
    for v in doc["volunteers"]:
        v["skills"] = []
    return doc


def m_station_outside_zone(doc: Doc, rng: random.Random) -> Doc:
    v = _pick(rng, doc["volunteers"])
    v["zone"] = [doc["buildings"][0]["id"]]
    v["station"] = [doc["buildings"][-1]["stairwells"][0]["id"]] if len(doc["buildings"]) > 1 \
        else ["nowhere"]
    return doc


def m_relay_forbidden_with_tiny_buffer(doc: Doc, rng: random.Random) -> Doc:
    """Valid: relays forbidden, one-bag entrance buffers (planning carries everything)."""
    doc["relay"] = rng.random() < 0.5
    doc.setdefault("parameters", {})["entrance_buffer_bags"] = 1
    return doc


def m_lifts_and_towers(doc: Doc, rng: random.Random) -> Doc:
    """Valid: every building a 30-floor tower with a lift."""
    for b in doc["buildings"]:
        b.update(lift=True, floors=30)
    for h in doc["households"]:
        h["floor"] = rng.randint(1, 30)
    return doc


def m_entrance_delivery_everywhere(doc: Doc, rng: random.Random) -> Doc:
    """Valid: every household fetches its bags at the entrance."""
    for h in doc["households"]:
        h["delivery"] = "entrance"
    return doc


def m_risky_homes_and_disinfection(doc: Doc, rng: random.Random) -> Doc:
    """Valid: red and orange homes, PPE for orange too, a long disinfection."""
    for h in doc["households"]:
        h["risk"] = _pick(rng, ["red", "orange", "green", "yellow"])
    doc["volunteers"][0]["skills"] = ["ppe"]
    doc.setdefault("parameters", {}).update(disinfection_s=900, ppe_for_orange=True)
    return doc


def m_release_bags_huge(doc: Doc, rng: random.Random) -> Doc:
    """Valid: a release of more bags than exist, and one of none."""
    doc["gates"][0]["releases"] = [{"at": "08:00", "bags": 10**12}, {"at": "07:00", "bags": 0}]
    return doc


SCENARIO_MUTATIONS: dict[str, ScenarioMutation] = {
    name[2:]: fn for name, fn in globals().items() if name.startswith("m_") and callable(fn)
}

#: What an error line names: ``error: <JSON path>: <reason>``.
ERROR_LINE = re.compile(r"error: (\$|[a-z_]+(\[\d+\]|\.[a-z_]+)*): \S")


def test_there_are_at_least_25_scenario_mutations() -> None:
    assert len(SCENARIO_MUTATIONS) >= 25


@st.composite
def mutated_scenarios(draw: st.DrawFn) -> tuple[str, list[str], Doc]:
    base = draw(st.sampled_from(sorted(BASES)))
    names = draw(st.lists(st.sampled_from(sorted(SCENARIO_MUTATIONS)), min_size=1,
                          max_size=3))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    doc = SCENARIO_MUTATIONS[names[0]](copy.deepcopy(BASES[base]), rng)
    for name in names[1:]:
        # An earlier mutation may have taken away what this one changes: invalid already.
        with contextlib.suppress(LookupError, TypeError, AttributeError, ValueError,
                                 StopIteration):
            doc = SCENARIO_MUTATIONS[name](doc, rng)
    return base, names, doc


@pytest.mark.parametrize(("examples", "refused", "planned"), [
    pytest.param(40, 15, 5, id="40"),
    # The full count: about 25 s.
    pytest.param(200, 30, 20, id="200", marks=pytest.mark.slow),
])
def test_a_mutated_scenario_is_planned_or_refused_never_a_crash(
        examples: int, refused: int, planned: int,
        capsys: pytest.CaptureFixture[str]) -> None:
    outcomes: dict[int, int] = {0: 0, 2: 0, 3: 0}
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / "scenario.json", Path(tmp) / "plan.json"

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(mutated_scenarios())
        def planned_or_refused(case: tuple[str, list[str], Doc]) -> None:
            base, names, doc = case
            said = f"{base} + {names}"
            path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")  # NaN too
            out.unlink(missing_ok=True)
            code = main(["plan", str(path), "--time-limit", "1", "--deterministic",
                         "--quiet", "-o", str(out)])
            err = capsys.readouterr().err
            assert code in (0, 2, 3), f"{said}: exit {code}: {err}"
            assert "Traceback" not in err, said
            outcomes[code] += 1
            if code == 2:
                assert not out.exists(), said
                assert ERROR_LINE.match(err), f"{said}: {err}"
                assert sorted(p.name for p in Path(tmp).iterdir()) == ["scenario.json"], said
                return
            result = load_plan(out)
            assert check(load_scenario(path), result) == [], said
            assert (code == 3) == bool(result.unserved), said

        planned_or_refused()
    # Both sides of the property were exercised.
    assert outcomes[2] >= refused and outcomes[0] + outcomes[3] >= planned, outcomes


# ======================================================================================
# 2. Plan fuzz
# ======================================================================================

PlanMutation = Callable[[Scenario, Doc, random.Random], set[RoundRule] | None]


@pytest.fixture(scope="module")
def plans(example_plan: ExamplePlan) -> dict[str, tuple[Scenario, Path, Doc]]:
    """Carry plans of the three examples, and a relay plan of bjxilu7 (ferries' drops
    at the entrances, climbers' runs) for the relay rules."""
    made = {}
    for name, mode in (("nanxiu12", "carry"), ("bjxilu7", "carry"), ("kandan576", "carry"),
                       ("bjxilu7", "relay")):
        path = EXAMPLES / f"{name}.json"
        scenario, result = example_plan(name, mode=mode)
        assert check(scenario, result) == [] and verify_claims(scenario, result)[0] == []
        made[name if mode == "carry" else f"{name}-{mode}"] = (
            scenario, path, result.model_dump(mode="json"))
    assert any(vp["climbs"] for vp in made["bjxilu7-relay"][2]["volunteers"])
    return made


def _trips(doc: Doc) -> list[tuple[int, int]]:
    return [(v, t) for v, vp in enumerate(doc["volunteers"]) for t in range(len(vp["trips"]))]


def _runs(doc: Doc) -> list[dict[str, Any]]:
    return [run for vp in doc["volunteers"] for trip in vp["trips"] for stop in trip["stops"]
            for run in stop["runs"]]


def _doors(doc: Doc) -> list[dict[str, Any]]:
    return [door for run in _runs(doc) for door in run["doors"]]


def _trip(doc: Doc, at: tuple[int, int]) -> dict[str, Any]:
    return doc["volunteers"][at[0]]["trips"][at[1]]


def _households_of(trip: dict[str, Any]) -> list[str]:
    return [d["household"] for st in trip["stops"] for d in st["drops"]] + [
        d["household"] for st in trip["stops"] for r in st["runs"] for d in r["doors"]]


def _shift(node: Any, delta: float) -> Any:
    """Every time (a ``..._s`` number) in ``node`` moved by ``delta``, in place."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_s") and isinstance(value, (int, float)) \
                    and not isinstance(value, bool):
                node[key] = value + delta
            else:
                _shift(value, delta)
    elif isinstance(node, list):
        for item in node:
            _shift(item, delta)
    return node


def p_handover_time(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, _doors(doc))["delivered_s"] += _pick(rng, [-90, 45, 300])
    return {K.TIMING}


def _without(doc: Doc, hid: str) -> None:
    """``hid`` taken off every run, drop and relay drop, and runs, stops, trips and
    climbs left empty."""
    for vp in doc["volunteers"]:
        for climb in vp["climbs"]:
            climb["run"]["doors"] = [d for d in climb["run"]["doors"] if d["household"] != hid]
        vp["climbs"] = [c for c in vp["climbs"] if c["run"]["doors"]]
        for trip in vp["trips"]:
            for stop in trip["stops"]:
                stop["drops"] = [d for d in stop["drops"] if d["household"] != hid]
                stop["relays"] = [r for r in stop["relays"] if r["household"] != hid]
                for run in stop["runs"]:
                    run["doors"] = [d for d in run["doors"] if d["household"] != hid]
                stop["runs"] = [r for r in stop["runs"] if r["doors"]]
            trip["stops"] = [st for st in trip["stops"] if st["runs"] or st["drops"]
                             or st["relays"]]
        vp["trips"] = [t for t in vp["trips"] if t["stops"]]


def p_drop_door(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """One door taken off its run (with the run, stop or trip it leaves empty)."""
    _pick(rng, _doors(doc))["household"] = "(dropped)"  # a mark for _without
    _without(doc, "(dropped)")
    return {K.MISSING, K.BAGS}


def p_duplicate_door(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    run = _pick(rng, _runs(doc))
    i = rng.randrange(len(run["doors"]))
    run["doors"].insert(i, copy.deepcopy(run["doors"][i]))
    return {K.DUPLICATE}


def p_other_stairwell(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    stop = _pick(rng, [st for vp in doc["volunteers"] for t in vp["trips"]
                       for st in t["stops"]])
    stop["stairwell"] = _pick(rng, [w for w in s.stairwells if w != stop["stairwell"]])
    return {K.PLACE}


def p_door_floor(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    door = _pick(rng, _doors(doc))
    door["floor"] = door["floor"] + 1 if door["floor"] == 1 else door["floor"] - 1
    return {K.PLACE}


def p_extra_bag_index(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    door = _pick(rng, _doors(doc))
    door["bags"].append(len(s.bags_of(s.household_by_id[door["household"]])) + rng.randint(0, 3))
    return {K.BAGS}


def p_bag_index_dropped(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    doors = [d for d in _doors(doc) if len(d["bags"]) >= 2]
    if not doors:
        return None
    door = _pick(rng, doors)
    door["bags"].pop(rng.randrange(len(door["bags"])))
    return {K.BAGS}


def p_remove_trip(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    v, t = _pick(rng, _trips(doc))
    doc["volunteers"][v]["trips"].pop(t)
    return {K.MISSING, K.BAGS, K.SYNC}  # in a relay: its drops are missing at the climbs


def p_trip_before_shift(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    v, t = _pick(rng, [(v, 0) for v, vp in enumerate(doc["volunteers"]) if vp["trips"]])
    trip = _trip(doc, (v, t))
    start = s.volunteer_by_id[doc["volunteers"][v]["volunteer"]].shift.start
    _shift(trip, start - trip["start_s"] - rng.randint(60, 3600))
    return {K.SHIFT}


def p_overlap_trips(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    pairs = [(v, t) for v, t in _trips(doc) if t + 1 < len(doc["volunteers"][v]["trips"])]
    if not pairs:
        return None
    v, t = _pick(rng, pairs)
    first, second = _trip(doc, (v, t)), _trip(doc, (v, t + 1))
    new_start = rng.uniform(first["start_s"], first["return_s"] - 1)
    _shift(second, new_start - second["start_s"])
    return {K.OVERLAP}


def p_wrong_gate(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _trip(doc, _pick(rng, _trips(doc)))["gate"] = _pick(rng, ["G2", "north gate"])
    return {K.GATE}


def p_cart_without_cart(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    trips = [(v, t) for v, t in _trips(doc)
             if s.volunteer_by_id[doc["volunteers"][v]["volunteer"]].cart is None]
    if not trips:
        return None
    _trip(doc, _pick(rng, trips))["mode"] = "cart"
    return {K.MODE}


def p_cart_trip_on_hands(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    trips = []
    for v, t in _trips(doc):
        volunteer = s.volunteer_by_id[doc["volunteers"][v]["volunteer"]]
        trip = _trip(doc, (v, t))
        cap_bags, cap_kg = s.hand_capacity(volunteer)
        if trip["mode"] == "cart" and (trip["bags"] > cap_bags or trip["carry_kg"] > cap_kg):
            trips.append((v, t))
    if not trips:
        return None
    _trip(doc, _pick(rng, trips))["mode"] = "hands"
    return {K.TRIP_CAPACITY}


def p_merge_trips(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    """Two trips' stops on one trip, more than it can carry."""
    pairs = []
    for v, t in _trips(doc):
        trips = doc["volunteers"][v]["trips"]
        if t + 1 < len(trips):
            cap_bags, cap_kg = s.trip_capacity(s.volunteer_by_id[doc["volunteers"][v]
                                                                 ["volunteer"]])
            bags = trips[t]["bags"] + trips[t + 1]["bags"]
            kg = trips[t]["carry_kg"] + trips[t + 1]["carry_kg"]
            if bags > cap_bags or kg > cap_kg + 0.1:
                pairs.append((v, t))
    if not pairs:
        return None
    v, t = _pick(rng, pairs)
    trips = doc["volunteers"][v]["trips"]
    first, second = trips[t], trips.pop(t + 1)
    first["stops"] += second["stops"]
    first["bags"] += second["bags"]
    first["carry_kg"] += second["carry_kg"]
    return {K.TRIP_CAPACITY}


def p_served_dropped_from_everything(s: Scenario, doc: Doc, rng: random.Random
                                     ) -> set[K]:
    """A served household taken off every trip and the ledger, the counts made to fit."""
    hid = _pick(rng, doc["deliveries"])["household"]
    _without(doc, hid)
    doc["deliveries"] = [d for d in doc["deliveries"] if d["household"] != hid]
    doc["summary"]["households_served"] -= 1
    return {K.MISSING}


def p_unserved_also_served(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    hid = _pick(rng, doc["deliveries"])["household"]
    doc["unserved"].append({"household": hid, "reason": "no_volunteer_time", "detail": "x"})
    return {K.DUPLICATE}


def p_unserved_unknown(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["unserved"].append({"household": "ghost", "reason": "not_released", "detail": "x"})
    return {K.UNKNOWN}


def p_unknown_volunteer(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, doc["volunteers"])["volunteer"] = _pick(rng, ["nobody", "V-99", "志愿者"])
    return {K.UNKNOWN}


def p_duplicate_volunteer_plan(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["volunteers"].append(copy.deepcopy(_pick(rng, doc["volunteers"])))
    return {K.DUPLICATE}


def p_volunteer_without_ppe(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    """The trips serving a red home handed to a volunteer without PPE."""
    red = {h.id for h in s.households if s.needs_ppe(h)}
    plain = [v.id for v in s.volunteers if "ppe" not in v.skills]
    vps = [vp for vp in doc["volunteers"]
           if any(red & set(_households_of(t)) for t in vp["trips"])]
    if not vps or not plain:
        return None
    _pick(rng, vps)["volunteer"] = _pick(rng, plain)
    return {K.SKILL}


def p_volunteer_outside_zone(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    options = []
    for vp in doc["volunteers"]:
        served = {s.stairwell_building[s.household_by_id[h].stairwell].id
                  for t in vp["trips"] for h in _households_of(t)}
        options += [(vp, v.id) for v in s.volunteers
                    if v.zone is not None and served - set(v.zone)]
    if not options:
        return None
    vp, other = _pick(rng, options)
    vp["volunteer"] = other
    return {K.ZONE}


def p_late_for_deadline(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    limited = {h.id for h in s.households if h.latest_s is not None}
    trips = [at for at in _trips(doc) if limited & set(_households_of(_trip(doc, at)))]
    if not trips:
        return None
    _shift(_trip(doc, _pick(rng, trips)), rng.randint(3, 6) * 3600)
    return {K.DEADLINE}


def p_before_release(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    """A trip leaves with a named household's bags before they are released."""
    named = {hid: r.at for g in s.gates for r in g.releases for hid in r.households or ()}
    options = []
    for at in _trips(doc):
        trip = _trip(doc, at)
        shift_start = s.volunteer_by_id[doc["volunteers"][at[0]]["volunteer"]].shift.start
        for hid in set(named) & set(_households_of(trip)):
            if named[hid] - shift_start >= 60:
                options.append((at, named[hid] - rng.randint(60, int(named[hid] - shift_start))))
    if not options:
        return None
    at, start = _pick(rng, options)
    _shift(_trip(doc, at), start - _trip(doc, at)["start_s"])
    return {K.RELEASE}


def p_trip_after_shift(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """A volunteer's last trip moved to end after the shift does."""
    v = _pick(rng, [v for v, vp in enumerate(doc["volunteers"]) if vp["trips"]])
    trip = doc["volunteers"][v]["trips"][-1]
    end = s.volunteer_by_id[doc["volunteers"][v]["volunteer"]].shift.end
    _shift(trip, end - trip["return_s"] + rng.randint(60, 3600))
    return {K.SHIFT}


def p_run_bags_stated(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    run = _pick(rng, _runs(doc))
    run[_pick(rng, ["bags", "carry_kg"])] += _pick(rng, [-1, 1, 3])
    return {K.SUMMARY}


def p_bound_by_another_argument(s: Scenario, doc: Doc, rng: random.Random
                                ) -> set[K] | None:
    """A work-LP bound said to come from an argument that cannot reach it."""
    sm = doc["summary"]
    if sm["bound"] in ("single-parcel", "release-pool", "none", "empty"):
        return None
    sm["bound"] = _pick(rng, ["single-parcel", "none", "empty", "release-pool"])
    return {K.CLAIM}


def _climbs(doc: Doc) -> list[dict[str, Any]]:
    return [c for vp in doc["volunteers"] for c in vp["climbs"]]


def _relays(doc: Doc) -> list[list[dict[str, Any]]]:
    """The relay-drop lists of every stop that has some."""
    return [st["relays"] for vp in doc["volunteers"] for t in vp["trips"]
            for st in t["stops"] if st["relays"]]


def p_climb_before_drop(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    """A ferry's drop stated later than the climb that takes its bags up starts."""
    climbs = _climbs(doc)
    if not climbs:
        return None
    climb = _pick(rng, climbs)
    taken = {(d["household"], i) for d in climb["run"]["doors"] for i in d["bags"]}
    for relays in _relays(doc):
        for relay in relays:
            if any((relay["household"], i) in taken for i in relay["bags"]):
                relay["dropped_s"] = climb["run"]["start_s"] + rng.randint(60, 1800)
    return {K.SYNC}


def p_relay_drop_removed(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    if not _relays(doc):
        return None
    relays = _pick(rng, _relays(doc))
    relays.pop(rng.randrange(len(relays)))
    return {K.SYNC}


def p_climb_removed(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    vps = [vp for vp in doc["volunteers"] if vp["climbs"]]
    if not vps:
        return None
    vp = _pick(rng, vps)
    vp["climbs"].pop(rng.randrange(len(vp["climbs"])))
    return {K.SYNC}


def p_climb_twice(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    vps = [vp for vp in doc["volunteers"] if vp["climbs"]]
    if not vps:
        return None
    vp = _pick(rng, vps)
    vp["climbs"].append(copy.deepcopy(_pick(rng, vp["climbs"])))
    return {K.DUPLICATE}


def p_climb_elsewhere(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    climbs = _climbs(doc)
    if not climbs:
        return None
    climb = _pick(rng, climbs)
    climb["stairwell"] = _pick(rng, [w for w in s.stairwells if w != climb["stairwell"]])
    return {K.SYNC, K.PLACE}


def p_climb_times(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    climbs = _climbs(doc)
    if not climbs:
        return None
    climb = _pick(rng, climbs)
    field = _pick(rng, ["walk_m", "arrive_s", "run.start_s", "run.end_s", "run.top_floor"])
    where = climb["run"] if field.startswith("run.") else climb
    key = field.removeprefix("run.")
    if key == "arrive_s":  # arriving early is waiting; arriving after the run starts is not
        climb["arrive_s"] = climb["run"]["start_s"] + rng.randint(60, 600)
    else:
        where[key] += rng.randint(2, 30)
    return {K.TIMING}


def p_ledger_ferry(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    lines = [d for d in doc["deliveries"] if d["ferry"] is not None]
    if not lines:
        return None
    line = _pick(rng, lines)
    line["ferry"] = _pick(rng, [v.id for v in s.volunteers if v.id != line["ferry"]])
    return {K.SUMMARY}


def p_ledger_climb(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    lines = [d for d in doc["deliveries"] if d["climb"] is not None]
    if not lines:
        return None
    line = _pick(rng, lines)
    line["climb"] += rng.randint(1, 5)
    return {K.SUMMARY}


def p_relay_called_carry(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    if not _climbs(doc):
        return None
    doc["summary"]["mode"] = "carry"
    return {K.SUMMARY}


def p_top_floor(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, _runs(doc))["top_floor"] += rng.randint(1, 3)
    return {K.TIMING}


def p_visits_out_of_order(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    """A run's doors, a stop's runs or a trip's stops in reverse, their times kept."""
    options = [r["doors"] for r in _runs(doc) if len({d["floor"] for d in r["doors"]}) >= 2]
    options += [st["runs"] for vp in doc["volunteers"] for t in vp["trips"]
                for st in t["stops"] if len(st["runs"]) >= 2]
    options += [t["stops"] for vp in doc["volunteers"] for t in vp["trips"]
                if len({st["stairwell"] for st in t["stops"]}) >= 2]
    if not options:
        return None
    _pick(rng, options).reverse()
    return {K.TIMING}


def p_depart_time(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _trip(doc, _pick(rng, _trips(doc)))["depart_s"] += _pick(rng, [-60, 30, 600])
    return {K.TIMING}


def p_return_time(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _trip(doc, _pick(rng, _trips(doc)))["return_s"] += _pick(rng, [-60, 5, 900])
    return {K.TIMING}


def p_stop_arrival(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    stop = _pick(rng, _trip(doc, _pick(rng, _trips(doc)))["stops"])
    stop[_pick(rng, ["arrive_s", "leave_s"])] += _pick(rng, [-45, 20, 180])
    return {K.TIMING}


def p_trip_walk(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _trip(doc, _pick(rng, _trips(doc)))["walk_m"] += _pick(rng, [-20.0, 3.0, 500.0])
    return {K.TIMING}


def p_trip_bags_stated(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    trip = _trip(doc, _pick(rng, _trips(doc)))
    trip[_pick(rng, ["bags", "carry_kg"])] += _pick(rng, [-1, 1, 5])
    return {K.SUMMARY}


def p_volunteer_totals(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    vp = _pick(rng, doc["volunteers"])
    field = _pick(rng, ["busy_s", "walk_m", "floors_climbed"])
    vp[field] += _pick(rng, [-30, 7, 600])
    return {K.SUMMARY}


def _summary_lie(field: str, deltas: list[float]) -> PlanMutation:
    def lie(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
        value = doc["summary"][field]
        if value is None:
            return None
        doc["summary"][field] = value + _pick(rng, deltas)
        if doc["summary"][field] < 0:
            doc["summary"][field] = value + abs(max(deltas, key=abs))
        return {K.SUMMARY}
    return lie


SUMMARY_LIES = {
    "makespan_s": [-300.0, 120.0, 3600.0], "bags_delivered": [-3, 1, 10],
    "walk_m": [-100.0, 50.0, 2000.0], "floors_climbed": [-5, 2, 40], "trips": [-1, 1, 3],
    "deadlines_met": [-1, 1], "deadlines_total": [-1, 1], "households_served": [-1, 1, 5],
    "households_unserved": [1, 2], "last_delivery_s": [-120.0, 60.0],
    "finish_s": [-60.0, 600.0], "round_start_s": [-3600.0, 60.0], "climbs": [1, 4],
    "urgent_served_by_s": [-600.0, 600.0], "vulnerable_served_by_s": [-600.0, 600.0],
}


def p_gap_wrong(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    sm = doc["summary"]
    if sm["gap"] is None or sm["lower_bound_s"] <= 0:
        return None
    sm["gap"] += _pick(rng, [0.01, 0.25, 3.0])
    return {K.SUMMARY}


def p_gap_negative(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["summary"]["gap"] = -_pick(rng, [0.01, 0.2, 1.0])
    return {K.CLAIM}


def p_bound_above_makespan(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    sm = doc["summary"]
    sm["lower_bound_s"] = sm["makespan_s"] + rng.randint(60, 3600)
    sm["gap"] = _pick(rng, [None, 0.0])
    return {K.CLAIM}


def p_bound_inflated(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """A bound above what its argument gives, still below the makespan: only the
    argument made again refutes it."""
    sm = doc["summary"]
    if sm["lower_bound_s"] > sm["makespan_s"] - 1:
        return None
    sm["lower_bound_s"] = sm["makespan_s"] - rng.uniform(0, 1) * 0.1
    sm["gap"] = sm["makespan_s"] / sm["lower_bound_s"] - 1
    return {K.CLAIM}


def p_claim_proven_optimal(s: Scenario, doc: Doc, rng: random.Random) -> set[K] | None:
    sm = doc["summary"]
    if sm["proven_optimal"]:  # claimed already: claim it for a longer round
        sm["makespan_s"] += rng.randint(300, 900)
        return {K.CLAIM}
    sm["proven_optimal"] = True
    return {K.CLAIM}


def p_interrupted_and_proven(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["summary"].update(interrupted=True, proven_optimal=True)
    return {K.CLAIM}


def p_service_bound_below_served(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["summary"]["service_bound"] = doc["summary"]["households_served"] - rng.randint(1, 5)
    return {K.SUMMARY}


def p_ledger_time(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, doc["deliveries"])["delivered_s"] += _pick(rng, [-120, 30, 3600])
    return {K.SUMMARY}


def p_ledger_unknown_volunteer(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, doc["deliveries"])["volunteer"] = _pick(rng, ["nobody", "V-99"])
    return {K.UNKNOWN}


def p_ledger_priority(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    line = _pick(rng, doc["deliveries"])
    line["priority"] = _pick(rng, [p for p in ("urgent", "vulnerable", "standard")
                                   if p != line["priority"]])
    return {K.SUMMARY}


def p_ledger_latest(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    line = _pick(rng, doc["deliveries"])
    line["latest_s"] = (line["latest_s"] or 36000.0) + rng.randint(60, 3600)
    return {K.SUMMARY}


def p_ledger_line_dropped(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["deliveries"].pop(rng.randrange(len(doc["deliveries"])))
    return {K.SUMMARY}


def p_ledger_line_unserved(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """A ledger line for a household no trip serves (a copy under another name)."""
    line = copy.deepcopy(_pick(rng, doc["deliveries"]))
    line["household"] = "ghost"
    doc["deliveries"].append(line)
    return {K.SUMMARY}


def p_ledger_line_twice(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """One household's ledger line twice (the second with another time)."""
    line = copy.deepcopy(_pick(rng, doc["deliveries"]))
    line["delivered_s"] += _pick(rng, [0, 60])
    doc["deliveries"].insert(rng.randrange(len(doc["deliveries"]) + 1), line)
    return {K.DUPLICATE, K.SUMMARY}


def p_ledger_names_a_climb(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    _pick(rng, doc["deliveries"]).update(trip=None, climb=0)
    return {K.SUMMARY}


def p_scenario_name(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["scenario"] = _pick(rng, ["other", doc["scenario"] + "-v2", doc["scenario"].upper()])
    return {K.SCENARIO}


def p_scenario_sha256(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    doc["scenario_sha256"] = hashlib.sha256(rng.randbytes(8)).hexdigest()
    return {K.SCENARIO}


def p_mode_relay_makespans(s: Scenario, doc: Doc, rng: random.Random) -> set[K]:
    """The kept mode's makespan in ``mode_makespans_s`` is not the plan's."""
    sm = doc["summary"]
    sm["mode_makespans_s"] = {"carry": sm["makespan_s"] + rng.randint(60, 600),
                              "relay": sm["makespan_s"] + 1000}
    return {K.SUMMARY, K.CLAIM}


PLAN_MUTATIONS: dict[str, PlanMutation] = {
    name[2:]: fn for name, fn in globals().items() if name.startswith("p_") and callable(fn)
}
PLAN_MUTATIONS.update({f"summary_{field}": _summary_lie(field, deltas)
                       for field, deltas in SUMMARY_LIES.items()})


def test_there_are_at_least_25_plan_mutations() -> None:
    assert len(PLAN_MUTATIONS) >= 25


@pytest.mark.parametrize(("examples", "at_least_distinct", "at_least_applied"), [
    pytest.param(50, 40, 30, id="50"),
    # The full count: about 45 s.
    pytest.param(220, 100, 50, id="220", marks=pytest.mark.slow),
])
def test_every_mutated_plan_is_refused_naming_the_rule(
        examples: int, at_least_distinct: int, at_least_applied: int,
        plans: dict[str, tuple[Scenario, Path, Doc]],
        capsys: pytest.CaptureFixture[str]) -> None:
    distinct: set[str] = set()
    applied: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "plan.json"

        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(st.sampled_from(sorted(plans)), st.sampled_from(sorted(PLAN_MUTATIONS)),
               st.integers(0, 2**32 - 1))
        def refused(base: str, name: str, seed: int) -> None:
            # The drawn plan first, then the others: a mutation that needs what one plan
            # lacks (climbs, runs with two doors, a red home) is made on another.
            order = sorted(plans)
            at = order.index(base)
            for base in order[at:] + order[:at]:
                scenario, scenario_path, good = plans[base]
                doc = copy.deepcopy(good)
                expected = PLAN_MUTATIONS[name](scenario, doc, random.Random(seed))
                if expected is not None:
                    break
            assume(expected is not None)
            assert expected is not None
            said = f"{base} + {name} (seed {seed})"
            broken = validate_document(Plan, doc)
            found = check(scenario, broken)
            if not any(v.rule is K.SCENARIO for v in found):
                found += verify_claims(scenario, broken)[0]
            assert {v.rule for v in found} & expected, \
                f"{said}: expected {sorted(expected)}, found {[str(v) for v in found]}"
            text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
            distinct.add(hashlib.sha256(text.encode()).hexdigest())
            applied.add(name)
            plan_path.write_text(text, encoding="utf-8")
            assert main(["check", str(scenario_path), str(plan_path)]) == 4, said
            capsys.readouterr()

        refused()
    assert len(distinct) >= at_least_distinct, len(distinct)
    assert len(applied) >= at_least_applied, sorted(set(PLAN_MUTATIONS) - applied)
