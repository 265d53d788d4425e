"""Small cases of issue 30 on cycle_small: a horizon of an earlier version of its
scenario, empty flats, a garbage point in the wrong system of positions, and households
whose bags take several trips by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supplyroute.checks import check
from supplyroute.checks.claims import verify_claims
from supplyroute.checks.horizon import HorizonRule, check_horizon
from supplyroute.checks.round_rules import RoundRule
from supplyroute.cycles.folder import HORIZON_FILE, read_horizon, write_horizon
from supplyroute.cycles.planner import CycleOptions, plan_cycle
from supplyroute.errors import InputError
from supplyroute.io import validate_document
from supplyroute.models import Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.digest import cycle_sha256
from supplyroute.models.horizon import HorizonFolder
from supplyroute.models.plan import Unserved, UnservedReason
from supplyroute.planner import PlanOptions, plan
from tests.conftest import DATA
from tests.conftest import cli as run

CYCLE_SMALL = DATA / "cycle_small.json"
EMPTY = ("B1-1-0302", "B2-1-0101", "B1-1-0501")  # B1-1-0501 is on the daily ledger


def small() -> dict[str, Any]:
    return json.loads(CYCLE_SMALL.read_text(encoding="utf-8"))


def plan_and_read(cs: CycleScenario, out: Path) -> HorizonFolder:
    result = plan_cycle(cs, CycleOptions(time_limit_s=1, deterministic=True))
    write_horizon(result.horizon, result.rounds, out)
    return read_horizon(out)


def served_on_several_trips(planned: Any) -> set[str]:
    trips: dict[str, set[tuple[str, int]]] = {}
    for vp in planned.volunteers:
        for t_i, trip in enumerate(vp.trips):
            for stop in trip.stops:
                for hid in [d.household for d in stop.drops] + [
                        door.household for r in stop.runs for door in r.doors]:
                    trips.setdefault(hid, set()).add((vp.volunteer, t_i))
    return {hid for hid, on in trips.items() if len(on) > 1}


# 1. A horizon made from an earlier version of the scenario.
@pytest.fixture(scope="module")
def horizon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cycle") / "horizon"
    plan_and_read(validate_document(CycleScenario, small()), out)
    return out


def test_the_horizon_records_the_cycle_scenarios_fingerprint(horizon: Path) -> None:
    cs = validate_document(CycleScenario, small())
    assert read_horizon(horizon).horizon.scenario_sha256 == cycle_sha256(cs)
    # The first days of the same scenario ('cycle --days D') are still of it.
    assert cycle_sha256(cs.model_copy(update={"days": 2})) == cycle_sha256(cs)


def test_a_horizon_of_an_earlier_scenario_gets_one_plain_message(horizon: Path,
                                                                  tmp_path: Path) -> None:
    data = small()
    data["compound"]["households"][0]["residents"] += 1  # the scenario edited since
    edited = tmp_path / "cycle.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    checked = run("check", str(edited), str(horizon))
    assert checked.returncode == 4  # as a round plan of another scenario
    lines = checked.stdout.strip().splitlines()
    assert lines[0].startswith("structure: scenario_sha256: the horizon was made from "
                               "another version of this cycle scenario")
    assert len(lines) == 2, checked.stdout  # the message and the count
    assert run("check", str(CYCLE_SMALL), str(horizon)).returncode == 0


def test_a_horizon_without_a_fingerprint_is_checked_as_before(horizon: Path) -> None:
    folder = read_horizon(horizon)
    old = folder.horizon.model_copy(update={"scenario_sha256": None})
    data = json.loads((horizon / HORIZON_FILE).read_text(encoding="utf-8"))
    assert "scenario_sha256" in data
    cs = validate_document(CycleScenario, small())
    assert check_horizon(cs, HorizonFolder(old, folder.rounds, folder.picklists)) == []
    edited = small()
    edited["compound"]["households"][0]["residents"] += 1
    found = check_horizon(validate_document(CycleScenario, edited),
                          HorizonFolder(old, folder.rounds, folder.picklists))
    assert found and all(v.path != "scenario_sha256" for v in found)


# 2. Empty flats.
def with_empty_flats() -> CycleScenario:
    data = small()
    for h in data["compound"]["households"]:
        if h["id"] in EMPTY:
            h["residents"] = 0
    return validate_document(CycleScenario, data)


@pytest.fixture(scope="module")
def empty_planned(tmp_path_factory: pytest.TempPathFactory) -> HorizonFolder:
    return plan_and_read(with_empty_flats(), tmp_path_factory.mktemp("empty") / "horizon")


def test_empty_flats_get_nothing_and_the_cycle_checks_clean(
        empty_planned: HorizonFolder) -> None:
    cs = with_empty_flats()
    assert check_horizon(cs, empty_planned) == []
    for day in empty_planned.horizon.days:
        named = {x.household for x in day.deliveries} | set(day.visits) | set(day.garbage)
        assert not named & set(EMPTY)
    assert empty_planned.horizon.summary.unserved == 0


def test_the_checker_flags_an_empty_flat_visited_or_collected(
        empty_planned: HorizonFolder) -> None:
    days = list(empty_planned.horizon.days)
    days[0] = days[0].model_copy(update={"visits": (*days[0].visits, EMPTY[2]),
                                         "garbage": (*days[0].garbage, EMPTY[0])})
    doctored = HorizonFolder(empty_planned.horizon.model_copy(update={"days": tuple(days)}),
                             empty_planned.rounds, empty_planned.picklists)
    found = [v for v in check_horizon(with_empty_flats(), doctored) if "empty flat" in v.message]
    assert {(v.rule, v.path) for v in found} == {
        (HorizonRule.VISIT, f"days[0].visits[{len(days[0].visits) - 1}]"),
        (HorizonRule.GARBAGE, f"days[0].garbage[{len(days[0].garbage) - 1}]")}


def test_an_order_for_an_empty_flat_is_refused() -> None:
    data = small()
    ordered = data["orders"][0]["household"]
    next(h for h in data["compound"]["households"] if h["id"] == ordered)["residents"] = 0
    with pytest.raises(InputError) as caught:
        validate_document(CycleScenario, data)
    assert [i.path for i in caught.value.issues] == ["orders[0].household"]


def test_an_empty_flat_in_a_round_gets_the_bags_it_lists() -> None:
    data = small()["compound"]
    data["households"][0]["residents"] = 0
    scenario = validate_document(Scenario, data)
    planned = plan(scenario, PlanOptions(time_limit_s=1, deterministic=True))
    assert check(scenario, planned) == []
    assert data["households"][0]["id"] in {d.household for d in planned.deliveries}


# 3. A garbage collection point in lat/lon in an x/y compound.
def test_a_collection_point_in_lat_lon_names_its_own_path(tmp_path: Path) -> None:
    data = small()
    data["garbage"]["collection_point"] = {"lat": 31.2, "lon": 121.4}
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run("cycle", str(path), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    said = done.stdout + done.stderr
    assert "garbage.collection_point" in said and "x/y metres" in said
    assert "gates[0]" not in said


def test_a_collection_point_far_from_the_compound_names_its_own_path() -> None:
    data = small()
    data["garbage"]["collection_point"] = {"x": 500_000, "y": 0}
    with pytest.raises(InputError) as caught:
        validate_document(CycleScenario, data)
    assert [i.path for i in caught.value.issues] == ["garbage.collection_point"]


# 4. Bags of up to 15 kg and zones without carts: several trips by hand.
def heavy_bags_no_carts() -> CycleScenario:
    data = small()
    data["packing"]["bag_kg"] = 15
    for i, v in enumerate(data["compound"]["volunteers"]):
        v.pop("cart", None)
        v["zone"] = ["B1"] if i % 2 == 0 else ["B2"]
        v["skills"] = ["ppe"]
    for h in data["compound"]["households"]:
        h["residents"] = max(h.get("residents", 1), 5) if h.get("residents", 1) >= 2 else 1
    return validate_document(CycleScenario, data)


def test_three_bag_households_without_carts_are_served_and_check_clean(
        tmp_path: Path) -> None:
    cs = heavy_bags_no_carts()
    folder = plan_and_read(cs, tmp_path / "horizon")
    assert check_horizon(cs, folder) == []
    rounds = [pair for (_, kind), pair in folder.rounds.items() if kind == "delivery"]
    assert all(not planned.unserved for _, planned in rounds)
    three = {x.household for day in folder.horizon.days for x in day.deliveries
             if len(x.bags) >= 3}
    assert three  # the case of the issue: more bags than two hands hold
    assert three <= set().union(*(served_on_several_trips(p) for _, p in rounds))


def heavy_round(households: int) -> Scenario:
    data = small()["compound"]
    data["volunteers"] = data["volunteers"][:3]
    for i, v in enumerate(data["volunteers"]):
        v.pop("cart", None)
        v["skills"] = ["ppe"]
        v["zone"] = ["B2"] if i == 1 else ["B1", "B2"]
    data["households"] = data["households"][:households]
    for k, h in enumerate(data["households"]):
        h["bags"] = ([{"kind": "prevention", "weight_kg": 1.0},
                      {"kind": "living", "weight_kg": 15}, {"kind": "living", "weight_kg": 9.5}]
                     if k % 2 == 0 else [{"kind": "living", "weight_kg": 8}])
    return validate_document(Scenario, data)


@pytest.mark.parametrize(("households", "method", "mode"), [
    (6, "optimized", "carry"), (6, "manual", "carry"), (6, "optimized", "relay"),
    (14, "optimized", "carry")])
def test_a_round_of_three_bag_households_by_hand_plans_everyone(
        households: int, method: str, mode: str) -> None:
    scenario = heavy_round(households)
    planned = plan(scenario, PlanOptions(time_limit_s=2, deterministic=True, method=method,
                                         mode=mode))  # type: ignore[arg-type]
    assert planned.unserved == ()
    assert check(scenario, planned) == []
    assert verify_claims(scenario, planned, None)[0] == []
    assert served_on_several_trips(planned) >= {h.id for h in scenario.households
                                                if len(h.bags or ()) == 3}


def test_the_exhaustive_search_proves_a_round_with_trips_by_hand() -> None:
    scenario = heavy_round(6)
    planned = plan(scenario, PlanOptions(time_limit_s=2, deterministic=True))
    assert planned.summary.proven_optimal
    assert verify_claims(scenario, planned, None)[0] == []


def test_the_checker_refuses_leaving_out_a_household_a_shuttle_serves() -> None:
    scenario = heavy_round(6)
    planned = plan(scenario, PlanOptions(time_limit_s=2, deterministic=True))
    hid = scenario.households[0].id
    volunteers = []
    for vp in planned.volunteers:
        trips = tuple(t for t in vp.trips if not any(
            door.household == hid for stop in t.stops for run in stop.runs
            for door in run.doors))
        volunteers.append(vp.model_copy(update={"trips": trips}))
    cut = planned.model_copy(update={
        "volunteers": tuple(volunteers),
        "deliveries": tuple(d for d in planned.deliveries if d.household != hid),
        "unserved": (Unserved(household=hid, reason=UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                              detail="doctored"),)})
    assert any(v.rule is RoundRule.LEFT_OUT and v.path == "unserved[0]"
               for v in check(scenario, cut))
