"""Unit tests of :mod:`supplyroute.rounds.exact` (the exhaustive search on tiny
compounds) and of the round planner interface (:mod:`supplyroute.rounds.interface`):
a new planner is one class and its registration.

Stairwell S1 is 60 m from the gate, walking 1 m/s in straight lines: a trip to one
household of floor 3 hands over 120 + 60 + 36 + 30 = 246 s after loading begins and is
back at 326 s; one of floor 5 hands over at 282 s and is back at 382 s.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.bounds.carry import Bound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Timetable
from supplyroute.io import validate_document
from supplyroute.models import Scenario, UnservedReason
from supplyroute.rounds import RoundRequest, RoundResult, choose, planners
from supplyroute.rounds import manual as manual_round
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.exact import applies, solve
from supplyroute.rounds.interface import _PLANNERS, RoundMode, register

H = 3600.0
T8 = 8 * H
SHIFT = {"start": "08:00", "end": "18:00"}


def site(households: list[dict[str, Any]], volunteers: list[dict[str, Any]] | None = None,
         releases: list[dict[str, Any]] | None = None) -> Scenario:
    """Gate G at the origin, stairwell S1 60 m east, S2 60 m north; 6 floors."""
    data: dict[str, Any] = {
        "name": "exact",
        "parameters": {"detour_factor": 1.0, "walk_speed_mps": 1.0},
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}, "releases": releases or []}],
        "buildings": [{"id": "B1", "floors": 6,
                       "stairwells": [{"id": "S1", "entrance": {"x": 60, "y": 0}},
                                      {"id": "S2", "entrance": {"x": 0, "y": 60}}]}],
        "households": households,
        "volunteers": volunteers or [{"id": "V1", "shift": SHIFT, "gate": "G"}],
    }
    return validate_document(Scenario, data)


def home(hid: str, floor: int, bags: int = 1, **extra: Any) -> dict[str, Any]:
    """A household of S1 with ``bags`` bags of 5 kg."""
    return {"id": hid, "stairwell": extra.pop("stairwell", "S1"), "floor": floor,
            "bags": [{"kind": f"k{i}", "weight_kg": 5.0} for i in range(bags)], **extra}


def budget() -> Budget:
    return Budget(10.0, deterministic=True)


def makespan(table: Timetable) -> float:
    return table.last_delivery_s - T8


def trips_of(table: Timetable, v: int = 0) -> list[tuple[tuple[str, ...], float]]:
    return [(tuple(sorted(q.id for q in t.shape.parcels)), t.start_s) for t in table.trips[v]]


# applies


def test_applies_within_the_household_and_volunteer_limits() -> None:
    """Two households and two volunteers: within 10/3, not within 1 household nor 1
    volunteer."""
    two = [{"id": "V1", "shift": SHIFT, "gate": "G"}, {"id": "V2", "shift": SHIFT, "gate": "G"}]
    ctx = PreparedCompound(site([home("a", 3), home("b", 5)], two))
    assert applies(ctx, 10, 3)
    assert applies(ctx, 2, 2)
    assert not applies(ctx, 1, 3)
    assert not applies(ctx, 10, 1)


def test_applies_not_when_nobody_may_serve_anyone() -> None:
    """A compound whose only volunteer's zone holds none of its households has nothing
    to search."""
    vols = [{"id": "V1", "shift": SHIFT, "gate": "G", "zone": ["B2"]}]
    data = site([home("a", 3)]).model_dump(mode="json")
    data["buildings"].append({"id": "B2", "floors": 2, "stairwells": [
        {"id": "T1", "entrance": {"x": 10, "y": 10}}]})
    data["volunteers"] = vols
    ctx = PreparedCompound(validate_document(Scenario, data))
    assert ctx.servable == []
    assert not applies(ctx, 10, 3)


@pytest.mark.parametrize(("first_batch", "expected"), [(2, True), (1, False)])
def test_applies_only_if_the_first_count_batch_covers_the_pooled_bags(
        first_batch: int, expected: bool) -> None:
    """Two pooled one-bag households (a third is named in a batch of its own): the
    search applies if the first count batch holds both bags, not if the pool runs
    short in the morning (1 bag at 08:00, 5 more at 09:00)."""
    releases = [{"at": "08:00", "bags": first_batch}, {"at": "09:00", "bags": 5},
                {"at": "08:30", "households": ["n"]}]
    ctx = PreparedCompound(site([home("a", 3), home("b", 5), home("n", 2)],
                                releases=releases))
    assert applies(ctx, 10, 3) is expected


# solve


def test_no_plan_serves_a_deadline_nobody_can_meet() -> None:
    """A deadline at 08:04 on a hand-over that comes 246 s after 08:00 at best: no plan
    serves everyone, so the search returns None."""
    ctx = PreparedCompound(site([home("a", 3, deadline="08:04"), home("b", 5)]))
    assert applies(ctx, 10, 3)
    assert solve(ctx, budget()) is None


def _best_of_two_households(one_trip: float | None, a_first: tuple[float, float],
                            b_first: tuple[float, float]) -> float:
    """The best of {one trip with both, a's trip then b's, b's trip then a's}, each
    trip given as (its last hand-over, its return) offsets from its start."""
    options = [] if one_trip is None else [one_trip]
    options.append(a_first[1] + b_first[0])  # a, then b from a's return
    options.append(b_first[1] + a_first[0])
    return min(options)


def test_one_trip_with_both_when_the_hands_hold_them() -> None:
    """One bag each, floors 3 and 5: one trip hands over at 246 and 312 s; two trips
    would end at 326 + 282 = 608 s or 382 + 246 = 628 s. The optimum is 312 s."""
    ctx = PreparedCompound(site([home("a", 3), home("b", 5)]))
    table = solve(ctx, budget())
    assert table is not None
    best = _best_of_two_households(312.0, (246.0, 326.0), (282.0, 382.0))
    assert best == 312.0
    assert math.isclose(makespan(table), best)
    assert trips_of(table) == [(("a", "b"), T8)]


def test_two_trips_when_the_hands_cannot_hold_both() -> None:
    """Two bags each (the hands hold 2): two trips, floor 3 first: 326 + 282 = 608 s."""
    ctx = PreparedCompound(site([home("a", 3, bags=2), home("b", 5, bags=2)]))
    table = solve(ctx, budget())
    assert table is not None
    assert math.isclose(makespan(table), _best_of_two_households(None, (246.0, 326.0),
                                                                 (282.0, 382.0)))
    assert makespan(table) == 608.0
    assert trips_of(table) == [(("a",), T8), (("b",), T8 + 326.0)]


def test_two_trips_beat_one_when_a_batch_comes_later() -> None:
    """b's bags are released at 09:00. One trip with both leaves at 09:00 and ends at
    09:00 + 312 s; a's trip at 08:00 (back at 326 s) and b's at 09:00 end at
    09:00 + 282 s; b first would end at 09:00 + 382 + 246 s. The optimum is two trips,
    3882 s."""
    releases = [{"at": "09:00", "households": ["b"]}]
    ctx = PreparedCompound(site([home("a", 3), home("b", 5)], releases=releases))
    table = solve(ctx, budget())
    assert table is not None
    one_trip = H + 312.0
    a_then_b = max(326.0, H) + 282.0
    b_then_a = H + 382.0 + 246.0
    assert makespan(table) == min(one_trip, a_then_b, b_then_a) == 3882.0
    assert trips_of(table) == [(("a",), T8), (("b",), T8 + H)]


def test_two_volunteers_take_one_household_each() -> None:
    """Two bags each, two volunteers: each takes one trip, the makespan is the longer
    one, 282 s (not 608 s by one volunteer)."""
    two = [{"id": "V1", "shift": SHIFT, "gate": "G"}, {"id": "V2", "shift": SHIFT, "gate": "G"}]
    ctx = PreparedCompound(site([home("a", 3, bags=2), home("b", 5, bags=2)], two))
    table = solve(ctx, budget())
    assert table is not None
    assert makespan(table) == 282.0
    assert sorted(len(ts) for ts in table.trips) == [1, 1]


def test_the_best_order_of_two_stairwells() -> None:
    """S1 (60 m east) and S2 (60 m north), one ground-floor household each, one trip:
    60 + 85 + 60 m walked whichever way; the optimum hands the last over at
    120 + 60 + 30 + 84.85 + 30 s."""
    ctx = PreparedCompound(site([home("a", 1), home("b", 1, stairwell="S2")]))
    table = solve(ctx, budget())
    assert table is not None
    assert math.isclose(makespan(table), 120 + 60 + 30 + 60 * math.sqrt(2) + 30)


# The registered planner and choose


def request(s: Scenario, method: str = "optimized") -> RoundRequest:
    return RoundRequest(PreparedCompound(s), budget(), Bound(0.0, "work-lp", 0.0, 0.0, 0.0),
                        method=method)  # type: ignore[arg-type]


def test_choose_picks_the_exact_planner_for_tiny_compounds() -> None:
    """The exact planner is registered and chosen for two households; for eleven
    (above the limit of 10) the carry optimiser is; by hand, the manual planner."""
    assert planners()["exact"].mode == "carry"
    tiny = site([home("a", 3), home("b", 5)])
    assert choose("carry", request(tiny)) is planners()["exact"]
    big = site([home(f"h{i}", 1 + i % 6) for i in range(11)])
    assert choose("carry", request(big)) is planners()["carry"]
    assert choose("carry", request(tiny, "manual")) is planners()["manual"]


def test_plan_of_a_tiny_compound_is_proven_optimal() -> None:
    """``plan`` on a tiny compound gives the search's optimum, marked proven."""
    s = site([home("a", 3), home("b", 5)])
    p = plan(s, PlanOptions(deterministic=True))
    assert check(s, p) == []
    assert p.summary.proven_optimal
    assert p.summary.makespan_s == 312.0


def test_plan_falls_back_when_no_plan_serves_everyone() -> None:
    """With a deadline nobody can meet the search has no optimum: the carry optimiser
    plans the rest, not proven optimal, and the household is left out for its
    deadline."""
    s = site([home("a", 3, deadline="08:04"), home("b", 5)])
    p = plan(s, PlanOptions(deterministic=True))
    assert check(s, p) == []
    assert not p.summary.proven_optimal
    assert [(u.household, u.reason) for u in p.unserved] == [
        ("a", UnservedReason.DEADLINE_UNREACHABLE)]
    assert [d.household for d in p.deliveries] == ["b"]


class ToyPlanner:
    """A planner in one class: the by-hand method under another name."""

    name = "toy"
    mode: RoundMode = "carry"

    def __init__(self, priority: int):
        self.priority = priority
        self.calls = 0

    def applies(self, request: RoundRequest) -> bool:
        return request.method == "optimized"

    def solve(self, request: RoundRequest) -> RoundResult:
        self.calls += 1
        return manual_round.solve(request.compound, request.budget)


@pytest.fixture
def registry() -> Iterator[dict]:
    """The planner registry, restored as it was after the test."""
    saved = dict(_PLANNERS)
    try:
        yield _PLANNERS
    finally:
        _PLANNERS.clear()
        _PLANNERS.update(saved)


def test_a_registered_planner_is_chosen_by_priority_and_used_by_plan(registry: dict) -> None:
    """Registered with priority 1 (before the exact search's 10), the toy planner is the
    one ``choose`` picks and ``plan`` uses: two trips by hand instead of the optimal
    one; registered with priority 50 it loses to the exact search again."""
    s = site([home("a", 3), home("b", 5)])
    toy = register(ToyPlanner(priority=1))
    assert planners()["toy"] is toy
    assert choose("carry", request(s)) is toy
    p = plan(s, PlanOptions(deterministic=True))
    assert toy.calls == 1
    assert check(s, p) == []
    assert p.summary.trips == 2 and p.summary.makespan_s == 608.0
    assert not p.summary.proven_optimal

    late = register(ToyPlanner(priority=50))  # same name: replaces the first
    assert choose("carry", request(s)) is planners()["exact"]
    assert plan(s, PlanOptions(deterministic=True)).summary.makespan_s == 312.0
    assert late.calls == 0


def test_the_registry_is_restored(registry: dict) -> None:
    """After the tests above, no toy is left behind (the fixture restores the registry),
    and a mode with no planner that applies is refused."""
    assert "toy" not in planners()
    assert set(planners()) >= {"carry", "exact", "manual", "relay"}
    with pytest.raises(LookupError):
        choose("relay", request(site([home("a", 3)])))  # no relay eligibility given
