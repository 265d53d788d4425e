"""The checker accepts sound plans and catches each kind of hand-broken one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.checks import RoundRule
from supplyroute.models import Plan, Scenario
from tests.conftest import compound


@pytest.fixture
def scenario() -> Scenario:
    households = [
        {"id": "a", "stairwell": "B1-1", "floor": 5},
        {"id": "b", "stairwell": "B1-1", "floor": 2},
        {"id": "c", "stairwell": "B1-2", "floor": 3, "deadline": "09:00",
         "priority": "urgent"},
        {"id": "d", "stairwell": "B2-1", "floor": 4},
        {"id": "e", "stairwell": "B2-2", "floor": 1, "delivery": "entrance"},
        {"id": "r", "stairwell": "B2-2", "floor": 6, "risk": "red"},
    ]
    volunteers = [
        {"id": "V1", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
         "zone": ["B1", "B2"]},
        {"id": "V2", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
         "cart": {"capacity_bags": 8, "capacity_kg": 80}, "skills": ["ppe"]},
        {"id": "V3", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
         "zone": ["B1"]},
    ]
    releases = [{"at": "08:00", "bags": 8}, {"at": "08:30", "bags": 20}]
    return compound(households, volunteers, releases=releases)


@pytest.fixture
def good(scenario: Scenario) -> Plan:
    result = plan(scenario, PlanOptions(deterministic=True, exact_max_households=0))
    assert check(scenario, result) == []
    assert not result.unserved
    return result


def edit(model: Any, path: list[Any], update: Callable[[Any], Any]) -> Any:
    """A copy of a frozen model with the item at ``path`` replaced by ``update(item)``."""
    if not path:
        return update(model)
    head, *rest = path
    if isinstance(head, int):
        items = list(model)
        items[head] = edit(items[head], rest, update)
        return tuple(items)
    return model.model_copy(update={head: edit(getattr(model, head), rest, update)})


def first_trip_with(result: Plan, household: str) -> tuple[int, int]:
    for v, vp in enumerate(result.volunteers):
        for t, trip in enumerate(vp.trips):
            ids = [d.household for s in trip.stops for d in s.drops]
            ids += [d.household for s in trip.stops for r in s.runs for d in r.doors]
            if household in ids:
                return v, t
    raise AssertionError(household)


def kinds(scenario: Scenario, result: Plan) -> set[RoundRule]:
    return {v.rule for v in check(scenario, result)}


def test_missing_household(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "d")
    broken = edit(good, ["volunteers", v, "trips"], lambda trips: trips[:t] + trips[t + 1:])
    assert RoundRule.MISSING in kinds(scenario, broken)


def test_duplicate_trip(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "a")
    broken = edit(good, ["volunteers", v, "trips"], lambda trips: (*trips, trips[t]))
    found = kinds(scenario, broken)
    assert RoundRule.DUPLICATE in found


def test_wrong_bag_count(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "a")
    trip = good.volunteers[v].trips[t]
    s = next(i for i, st in enumerate(trip.stops) if any(
        d.household == "a" for r in st.runs for d in r.doors))
    r = next(i for i, run in enumerate(trip.stops[s].runs)
             if any(d.household == "a" for d in run.doors))
    d = next(i for i, door in enumerate(trip.stops[s].runs[r].doors) if door.household == "a")
    broken = edit(good, ["volunteers", v, "trips", t, "stops", s, "runs", r, "doors", d, "bags"],
                  lambda bags: bags[:1])
    assert RoundRule.BAGS in kinds(scenario, broken)


def test_trip_capacity(scenario: Scenario, good: Plan) -> None:
    v = next(i for i, vp in enumerate(good.volunteers) if vp.volunteer == "V2")
    if not good.volunteers[v].trips:
        pytest.skip("the cart volunteer got no trip")
    broken = edit(good, ["volunteers", v, "trips", 0, "mode"], lambda _: "hands")
    found = kinds(scenario, broken)
    assert RoundRule.TRIP_CAPACITY in found or RoundRule.TIMING in found


def test_climb_capacity(scenario: Scenario, good: Plan) -> None:
    tight = scenario.model_copy(update={
        "parameters": scenario.parameters.model_copy(update={"hand_capacity_bags": 1})})
    assert RoundRule.CLIMB_CAPACITY in kinds(tight, good)


def test_cart_without_cart(scenario: Scenario, good: Plan) -> None:
    v = next(i for i, vp in enumerate(good.volunteers) if vp.volunteer != "V2" and vp.trips)
    broken = edit(good, ["volunteers", v, "trips", 0, "mode"], lambda _: "cart")
    assert RoundRule.MODE in kinds(scenario, broken)


def test_release_and_shift(scenario: Scenario, good: Plan) -> None:
    v = next(i for i, vp in enumerate(good.volunteers) if vp.trips)

    def shift_back(trip):
        return _shift_trip(trip, -3600)

    broken = edit(good, ["volunteers", v, "trips", 0], shift_back)
    found = kinds(scenario, broken)
    assert RoundRule.SHIFT in found
    assert RoundRule.RELEASE in found


def test_late_shift_end_and_deadline(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "c")
    broken = edit(good, ["volunteers", v, "trips", t], lambda trip: _shift_trip(trip, 4 * 3600))
    found = kinds(scenario, broken)
    assert RoundRule.DEADLINE in found
    assert RoundRule.SHIFT in found


def test_zone_and_skill(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "r")
    assert good.volunteers[v].volunteer == "V2"
    broken = edit(good, ["volunteers", v, "volunteer"], lambda _: "V3")
    found = kinds(scenario, broken)
    assert RoundRule.ZONE in found
    assert RoundRule.SKILL in found


def test_times_that_do_not_add_up(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "a")
    broken = edit(good, ["volunteers", v, "trips", t, "return_s"], lambda x: x - 60)
    assert RoundRule.TIMING in kinds(scenario, broken)


def test_overlapping_trips(scenario: Scenario, good: Plan) -> None:
    v = next(i for i, vp in enumerate(good.volunteers) if len(vp.trips) >= 2)
    gap = good.volunteers[v].trips[1].start_s - good.volunteers[v].trips[0].start_s
    broken = edit(good, ["volunteers", v, "trips", 1], lambda trip: _shift_trip(trip, -gap))
    assert RoundRule.OVERLAP in kinds(scenario, broken)


def test_wrong_gate_and_unknown_volunteer(scenario: Scenario, good: Plan) -> None:
    v = next(i for i, vp in enumerate(good.volunteers) if vp.trips)
    assert RoundRule.UNKNOWN in kinds(
        scenario, edit(good, ["volunteers", v, "volunteer"], lambda _: "nobody"))
    assert RoundRule.GATE in kinds(
        scenario, edit(good, ["volunteers", v, "trips", 0, "gate"], lambda _: "G2"))


def test_wrong_place(scenario: Scenario, good: Plan) -> None:
    v, t = first_trip_with(good, "e")
    trip = good.volunteers[v].trips[t]
    s = next(i for i, st in enumerate(trip.stops) if any(d.household == "e" for d in st.drops))
    broken = edit(good, ["volunteers", v, "trips", t, "stops", s, "stairwell"], lambda _: "B1-1")
    assert RoundRule.PLACE in kinds(scenario, broken)


def test_summary_that_lies(scenario: Scenario, good: Plan) -> None:
    broken = edit(good, ["summary", "makespan_s"], lambda x: x - 100)
    assert RoundRule.SUMMARY in kinds(scenario, broken)
    broken = edit(good, ["deliveries"], lambda d: d[1:])
    assert RoundRule.SUMMARY in kinds(scenario, broken)


@pytest.mark.parametrize(("field", "lie"), [
    ("bags_delivered", lambda x: 5),
    ("walk_m", lambda x: 1.0),
    ("floors_climbed", lambda x: x + 3),
    ("deadlines_met", lambda x: x - 1),
    ("deadlines_total", lambda x: x + 1),
    ("last_delivery_s", lambda x: x - 60),
    ("finish_s", lambda x: x + 60),
    ("round_start_s", lambda x: x + 60),
    ("urgent_served_by_s", lambda x: None),
])
def test_every_summary_figure_is_recomputed(scenario: Scenario, good: Plan, field: str,
                                            lie: Callable[[Any], Any]) -> None:
    broken = edit(good, ["summary", field], lie)
    assert [v.path for v in check(scenario, broken)] == [f"summary.{field}"]


def test_volunteer_totals_and_ledger_are_recomputed(scenario: Scenario, good: Plan) -> None:
    broken = edit(good, ["volunteers", 0, "floors_climbed"], lambda x: x + 7)
    assert RoundRule.SUMMARY in kinds(scenario, broken)
    broken = edit(good, ["deliveries", 0, "priority"], lambda x: "standard" if x != "standard"
                  else "urgent")
    assert RoundRule.SUMMARY in kinds(scenario, broken)


def test_served_and_unserved(scenario: Scenario, good: Plan) -> None:
    from supplyroute.models import Unserved, UnservedReason

    extra = Unserved(household="a", reason=UnservedReason.NO_VOLUNTEER_TIME, detail="x")
    broken = edit(good, ["unserved"], lambda u: (*u, extra))
    assert RoundRule.DUPLICATE in kinds(scenario, broken)


def _shift_trip(trip, delta: float):
    """Move a whole trip in time, keeping it internally consistent."""
    data = trip.model_dump()

    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (v + delta if k.endswith("_s") and isinstance(v, float) else move(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [move(x) for x in node]
        return node

    return type(trip).model_validate(move(data))


def test_a_gap_with_only_unservable_households_left_out(scenario: Scenario) -> None:
    # Nobody in full PPE: the red home cannot be served by any plan; the others can.
    volunteers = tuple(v.model_copy(update={"skills": ()}) for v in scenario.volunteers)
    without_ppe = scenario.with_changes(volunteers=volunteers)
    result = plan(without_ppe, PlanOptions(deterministic=True, exact_max_households=0))
    assert [u.household for u in result.unserved] == ["r"]
    assert result.summary.gap is not None and result.summary.gap >= 0
    assert check(without_ppe, result) == []
    # A gap stated while a servable household is left out is refused.
    dropped = edit(result, ["unserved"], lambda u: (*u, u[0].model_copy(update={
        "household": "a"})))
    assert "summary.gap" in {v.path for v in check(without_ppe, dropped)}


def test_progress_shows_no_gap_below_the_bound() -> None:
    from supplyroute import Progress

    assert Progress(1.0, "search", makespan_s=2628.0, lower_bound_s=9180.0).gap is None
    assert Progress(1.0, "search", makespan_s=110.0, lower_bound_s=100.0).gap == \
        pytest.approx(0.1)


def test_the_ledger_has_one_line_a_household_naming_known_volunteers(
        scenario: Scenario, good: Plan) -> None:
    # The same line twice: the ledger read as a dict kept only one, and passed.
    twice = edit(good, ["deliveries"], lambda d: (d[0], *d))
    assert [(v.rule, v.path) for v in check(scenario, twice)] == [
        (RoundRule.DUPLICATE, "deliveries[1]")]
    # A carried household's volunteer is not matched (alike volunteers may swap), but it
    # must be someone on the roster.
    nobody = edit(good, ["deliveries", 0, "volunteer"], lambda _: "nobody")
    assert [(v.rule, v.path) for v in check(scenario, nobody)] == [
        (RoundRule.UNKNOWN, "deliveries[0].volunteer")]
