"""Walking distances and stair times."""

from __future__ import annotations

import math

import pytest

from supplyroute.compound.travel import StairModel, Travel
from tests.conftest import compound


def test_straight_line_times_detour() -> None:
    s = compound([{"id": "h", "stairwell": "B1-1", "floor": 1}], buildings=1, stairwells=1)
    travel = Travel(s)
    gate, stairwell = travel.place("G", gate=True), travel.place("B1-1")
    assert travel.dist_m[gate, stairwell] == pytest.approx(math.hypot(45, 40) * 1.3)
    assert travel.dist_m[stairwell, gate] == travel.dist_m[gate, stairwell]


def test_walkway_graph_shortest_path_with_links() -> None:
    walkways = {
        "points": [{"id": "a", "position": {"x": 0, "y": 10}},
                   {"id": "b", "position": {"x": 45, "y": 10}},
                   {"id": "c", "position": {"x": 45, "y": 40}}],
        "edges": [{"a": "a", "b": "b"}, {"a": "b", "b": "c", "length_m": 50}],
    }
    s = compound([{"id": "h", "stairwell": "B1-1", "floor": 1}], buildings=1, stairwells=1,
                 walkways=walkways)
    travel = Travel(s)
    # gate (0,0) -> a: 10 m link; a-b 45 m; b-c 50 m (stated); c -> entrance (45,40): 0 m.
    assert travel.dist_m[travel.place("G", gate=True), travel.place("B1-1")] == \
        pytest.approx(10 + 45 + 50)


def test_lat_lon_positions_are_projected_in_metres() -> None:
    from supplyroute.compound.travel import project
    from supplyroute.models import Position

    points = project([Position(lat=39.97, lon=116.41), Position(lat=39.971, lon=116.41)])
    assert math.dist(points[0], points[1]) == pytest.approx(111.2, abs=0.5)


def test_stairs_and_lift() -> None:
    stairs = StairModel(lift=False, up_s_per_floor=18, down_s_per_floor=10, lift_wait_s=45,
                        lift_s_per_floor=4)
    assert stairs.up_s(1) == 0 and stairs.up_s(6) == 90 and stairs.down_s(6) == 50
    assert stairs.between_s(3, 5) == 36 and stairs.floors_climbed(6) == 5
    lift = StairModel(lift=True, up_s_per_floor=18, down_s_per_floor=10, lift_wait_s=45,
                      lift_s_per_floor=4)
    assert lift.up_s(6) == 45 + 20 and lift.down_s(6) == 45 + 20
    assert lift.between_s(3, 5) == 8 and lift.floors_climbed(6) == 0
