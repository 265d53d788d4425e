"""Disinfection after trips to red or orange homes, and PPE for orange homes."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.checks import RoundRule
from supplyroute.errors import InputError
from supplyroute.models import Parameters, Plan, Risk, Scenario
from tests.conftest import compound

DISINFECTION_S = 600.0
#: Exhaustive search (one volunteer, five households), the carry planner, by hand.
METHODS = {
    "exact": PlanOptions(deterministic=True, time_limit_s=5),
    "carry": PlanOptions(deterministic=True, time_limit_s=5, exact_max_households=0),
    "manual": PlanOptions(method="manual", deterministic=True, time_limit_s=5),
}


def risky_round(disinfection_s: float = DISINFECTION_S, risk: str = "red") -> Scenario:
    """One volunteer in PPE: an urgent risky household first (its deadline), then four
    ordinary ones, one trip each (two bags fill the hands)."""
    households: list[dict[str, Any]] = [
        {"id": "r", "stairwell": "B1-1", "floor": 3, "risk": risk, "priority": "urgent",
         "deadline": "08:30"},
        {"id": "a", "stairwell": "B1-2", "floor": 5},
        {"id": "b", "stairwell": "B2-1", "floor": 2},
        {"id": "c", "stairwell": "B2-2", "floor": 4, "delivery": "entrance"},
        {"id": "d", "stairwell": "B1-1", "floor": 6},
    ]
    volunteers = [{"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
                   "skills": ["ppe"]}]
    return compound(households, volunteers, parameters={"disinfection_s": disinfection_s})


def served_by(trip: Any) -> list[str]:
    ids = [d.household for s in trip.stops for d in s.drops]
    return ids + [d.household for s in trip.stops for r in s.runs for d in r.doors]


def risky_trips(scenario: Scenario, result: Plan) -> list[tuple[int, int]]:
    """(volunteer, trip) of every trip that serves a red or orange household."""
    return [(v, t) for v, vp in enumerate(result.volunteers) for t, trip in enumerate(vp.trips)
            if any(scenario.household_by_id[h].risk in (Risk.RED, Risk.ORANGE)
                   for h in served_by(trip))]


@pytest.mark.parametrize("method", sorted(METHODS))
def test_planned_round_waits_for_disinfection(method: str) -> None:
    scenario = risky_round()
    result = plan(scenario, METHODS[method])
    assert check(scenario, result) == []
    assert not result.unserved
    risky = risky_trips(scenario, result)
    assert risky
    followed = 0
    for v, t in risky:
        trips = result.volunteers[v].trips
        if t + 1 < len(trips):
            followed += 1
            assert trips[t + 1].start_s >= trips[t].return_s + DISINFECTION_S - 0.01
    assert followed  # the deadline puts the risky trip first: something follows it


@pytest.mark.parametrize("method", sorted(METHODS))
def test_no_disinfection_by_default(method: str) -> None:
    assert Parameters().disinfection_s == 0 and not Parameters().ppe_for_orange
    scenario = risky_round(disinfection_s=0.0)
    result = plan(scenario, METHODS[method])
    assert check(scenario, result) == []
    trips = result.volunteers[0].trips
    (v, t), = risky_trips(scenario, result)
    assert trips[t + 1].start_s == pytest.approx(trips[t].return_s)


def test_checker_flags_a_trip_before_disinfection_ends() -> None:
    without = risky_round(disinfection_s=0.0)
    result = plan(without, METHODS["carry"])
    assert check(without, result) == []
    (v, t), = risky_trips(without, result)
    trips = result.volunteers[v].trips
    assert trips[t + 1].start_s == pytest.approx(trips[t].return_s)  # straight on

    # The same plan against the scenario with disinfection (its fingerprint set aside:
    # the rule is what is tested here).
    violations = check(risky_round(), result.model_copy(update={"scenario_sha256": None}))
    assert [x.rule for x in violations] == [RoundRule.DISINFECTION]
    assert violations[0].path == f"volunteers[{v}].trips[{t + 1}].start_s"


def test_checker_accepts_a_risk_free_trip_followed_at_once() -> None:
    scenario = risky_round(risk="yellow")
    result = plan(scenario, METHODS["carry"])
    assert check(scenario, result) == []
    assert risky_trips(scenario, result) == []
    trips = result.volunteers[0].trips
    assert any(b.start_s == pytest.approx(a.return_s) for a, b in itertools.pairwise(trips))


def orange_round(ppe_for_orange: bool) -> Scenario:
    """Two volunteers alike but for V2's PPE; an orange household among four."""
    households: list[dict[str, Any]] = [
        {"id": "o", "stairwell": "B1-1", "floor": 4, "risk": "orange"},
        {"id": "a", "stairwell": "B1-2", "floor": 5},
        {"id": "b", "stairwell": "B2-1", "floor": 2},
        {"id": "c", "stairwell": "B2-2", "floor": 3},
    ]
    volunteers = [
        {"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"},
        {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
         "skills": ["ppe"]},
    ]
    return compound(households, volunteers, parameters={"ppe_for_orange": ppe_for_orange})


def volunteer_of(result: Plan, household: str) -> str:
    return next(d.volunteer for d in result.deliveries if d.household == household)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_orange_needs_ppe_when_asked(method: str) -> None:
    scenario = orange_round(ppe_for_orange=True)
    v1, v2 = scenario.volunteers
    orange = scenario.household_by_id["o"]
    assert not scenario.may_serve(v1, orange)
    assert scenario.may_serve(v2, orange)
    result = plan(scenario, METHODS[method])
    assert check(scenario, result) == []
    assert not result.unserved
    assert volunteer_of(result, "o") == "V2"


def test_orange_needs_no_ppe_by_default() -> None:
    scenario = orange_round(ppe_for_orange=False)
    assert all(scenario.may_serve(v, scenario.household_by_id["o"])
               for v in scenario.volunteers)


def test_checker_flags_orange_without_ppe() -> None:
    strict = orange_round(ppe_for_orange=True)
    result = plan(strict, METHODS["carry"])
    assert check(strict, result) == []
    # The two volunteers are alike but for PPE: swapping them keeps every time right.
    swap = {"V1": "V2", "V2": "V1"}
    swapped = result.model_copy(update={"volunteers": tuple(
        vp.model_copy(update={"volunteer": swap[vp.volunteer]}) for vp in result.volunteers),
        "deliveries": tuple(d.model_copy(update={"volunteer": swap[d.volunteer]})
                            for d in result.deliveries)})
    assert volunteer_of(result, "o") == "V2"
    violations = check(strict, swapped)
    assert {x.rule for x in violations} == {RoundRule.SKILL}
    assert all("'o'" in x.message for x in violations)
    lenient = swapped.model_copy(update={"scenario_sha256": None})  # the rule, not the file
    assert check(orange_round(ppe_for_orange=False), lenient) == []


def test_orange_with_ppe_required_and_nobody_in_ppe_is_an_input_error() -> None:
    households = [{"id": "o", "stairwell": "B1-1", "floor": 4, "risk": "orange"}]
    assert compound(households).households[0].risk is Risk.ORANGE
    with pytest.raises(InputError, match="orange-risk household needs"):
        compound(households, parameters={"ppe_for_orange": True})


@pytest.mark.parametrize("value", [-1, 7201])
def test_disinfection_range(value: float) -> None:
    with pytest.raises(InputError):
        risky_round(disinfection_s=value)
