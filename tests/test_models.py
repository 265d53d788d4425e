"""The scenario model: times, defaults, lookups."""

from __future__ import annotations

import math
import re

import pytest

from supplyroute.checks.physics import Walking
from supplyroute.compound.travel import Travel, project
from supplyroute.errors import InputError
from supplyroute.io import validate_document
from supplyroute.models import Scenario
from supplyroute.models.base import MAX_TIME_S, TIME_JSON_SCHEMA, parse_time
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


@pytest.mark.parametrize("value", [True, False, None, [8, 0], {"h": 8}])
def test_a_time_is_not_true_false_null_or_a_container(value: object) -> None:
    with pytest.raises(ValueError, match="expected a time"):
        parse_time(value)


def test_time_schema_matches_what_parse_time_reads() -> None:
    pattern = re.compile(TIME_JSON_SCHEMA["anyOf"][1]["pattern"])
    for text in ("08:00", "8:00", " 08:00 ", "25:10:05", "99:59:59"):
        assert pattern.search(text) and parse_time(text) <= MAX_TIME_S
    for text in ("8h00", "08:60", "08:00:60", "100:00", "08", ""):
        assert not pattern.search(text)
        with pytest.raises(ValueError):
            parse_time(text)


def test_whole_number_fields_take_two_point_zero_but_not_true() -> None:
    s = compound([{"id": "h", "stairwell": "B1-1", "floor": 2.0, "residents": 3.0}])
    assert (s.households[0].floor, s.households[0].residents) == (2, 3)
    with pytest.raises(InputError, match=r"households\[0\]\.floor: expected a whole number"):
        compound([{"id": "h", "stairwell": "B1-1", "floor": True}])


def _astride(gate_lon: float, entrance_lon: float) -> Scenario:
    """One gate and one entrance 35 m apart: 11 m east-west, 33 m north-south."""
    return validate_document(Scenario, {
        "name": "meridian",
        "gates": [{"id": "G", "position": {"lat": -16.5, "lon": gate_lon}}],
        "buildings": [{"id": "B", "floors": 3, "stairwells": [
            {"id": "B-1", "entrance": {"lat": -16.4997, "lon": entrance_lon}}]}],
        "households": [{"id": "h", "stairwell": "B-1", "floor": 1}],
        "volunteers": [{"id": "V", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G"}],
    })


def test_distances_across_the_180th_meridian_planner_and_checker() -> None:
    """Planner (numpy projection) and checker (its own arithmetic) alike measure a
    compound astride the meridian as the same compound beside it."""
    astride, beside = _astride(179.99995, -179.99995), _astride(179.99985, 179.99995)
    for s in (astride, beside):
        xy = project([s.gates[0].position, s.buildings[0].stairwells[0].entrance])
        assert math.dist(*xy) == pytest.approx(35.0, abs=0.2)
        walking = Walking(s)
        assert walking.metres("G", "B-1") == pytest.approx(35.0 * 1.3, abs=0.3)
    assert Travel(astride).walk_s(astride.volunteers[0], 0, 1) == pytest.approx(
        Travel(beside).walk_s(beside.volunteers[0], 0, 1), rel=1e-6)


def test_a_compound_spread_over_continents_is_refused() -> None:
    with pytest.raises(InputError, match="within 100 km"):
        _astride(170.0, -100.0)
