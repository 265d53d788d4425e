"""The scenario model: times, defaults, lookups."""

from __future__ import annotations

import pytest

from supplyroute.io import validate_document
from supplyroute.models import Scenario
from supplyroute.models.scenario import parse_time
from tests.conftest import compound


def test_times_in_seconds_or_hh_mm() -> None:
    assert parse_time("08:30") == 30600
    assert parse_time("25:10:05") == 90605
    assert parse_time(61.5) == 61.5
    with pytest.raises(ValueError):
        parse_time("8h30")


def test_defaults_from_the_physical_model(small_scenario: Scenario) -> None:
    p = small_scenario.parameters
    assert (p.detour_factor, p.walk_speed_mps, p.stair_up_s_per_floor,
            p.stair_down_s_per_floor, p.handover_s, p.load_s) == (1.3, 1.2, 18, 10, 30, 120)
    v = small_scenario.volunteers[0]
    assert small_scenario.hand_capacity(v) == (2, 20.0)
    cart = small_scenario.volunteers[1]
    assert small_scenario.trip_capacity(cart) == (8, 80.0)
    assert small_scenario.speed_mps(cart) == 1.0


def test_household_latest_is_the_earlier_of_deadline_and_window() -> None:
    s = compound([{"id": "h", "stairwell": "B1-1", "floor": 1, "deadline": "11:00",
                   "window": {"start": "09:00", "end": "12:00"}}])
    assert s.households[0].latest_s == 11 * 3600
    assert s.households[0].earliest_s == 9 * 3600


def test_with_changes_forgets_cached_lookups(small_scenario: Scenario) -> None:
    assert "V1" in small_scenario.volunteer_by_id
    renamed = tuple(v.model_copy(update={"id": v.id + "x"}) for v in small_scenario.volunteers)
    changed = small_scenario.with_changes(volunteers=renamed)
    assert "V1x" in changed.volunteer_by_id and "V1" not in changed.volunteer_by_id


def test_scenario_round_trips_through_json(small_scenario: Scenario) -> None:
    again = validate_document(Scenario, small_scenario.model_dump(mode="json"))
    assert again == small_scenario
