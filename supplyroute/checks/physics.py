"""The checkers' own physics: positions on a plane, walking between gates and stairwell
entrances, and the seconds of stairs and lifts.

Written from the physical model of ``docs/domain.md`` and the scenario alone, apart
from the planner's :mod:`supplyroute.compound`, so that a mistake in the planner's
arithmetic is not repeated here and passed as correct.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import networkx as nx

from supplyroute.models import Position, Scenario

EARTH_RADIUS_M = 6_371_000.0


def plane(positions: Sequence[Position]) -> list[tuple[float, float]]:
    """Positions in metres: x/y as given; latitude/longitude projected about their mean
    (equirectangular), longitudes west of the 180th meridian counted on past 180° east
    when the positions lie astride it."""
    if not positions or not positions[0].is_geographic:
        return [(float(p.x or 0.0), float(p.y or 0.0)) for p in positions]
    lats = [float(p.lat or 0.0) for p in positions]
    lons = [float(p.lon or 0.0) for p in positions]
    if max(lons) - min(lons) > 180:
        lons = [x + 360.0 if x < 0 else x for x in lons]
    lat0 = math.radians(sum(lats) / len(lats))
    lon0 = math.radians(sum(lons) / len(lons))
    return [((math.radians(lon) - lon0) * math.cos(lat0) * EARTH_RADIUS_M,
             (math.radians(lat) - lat0) * EARTH_RADIUS_M)
            for lat, lon in zip(lats, lons, strict=True)]


class Walking:
    """Walking distances between gates and stairwell entrances, computed on demand: the
    straight line times the detour factor, or the shortest path on the walkway graph
    (each place joining it at its named point, else at the nearest, by a straight
    link)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        positions = {g.id: g.position for g in scenario.gates}
        positions.update({w.id: w.entrance for b in scenario.buildings for w in b.stairwells})
        nodes = {g.id: g.node for g in scenario.gates}
        nodes.update({w.id: w.node for b in scenario.buildings for w in b.stairwells})
        points = list(scenario.walkways.points) if scenario.walkways else []
        xy = plane(list(positions.values()) + [p.position for p in points])
        self.xy = dict(zip(positions, xy, strict=False))
        self.graph: nx.Graph | None = None
        if scenario.walkways:
            point_xy = {p.id: xy[len(positions) + k] for k, p in enumerate(points)}
            self.graph = nx.Graph()
            self.graph.add_nodes_from(point_xy)
            for e in scenario.walkways.edges:
                length = e.length_m if e.length_m is not None \
                    else math.dist(point_xy[e.a], point_xy[e.b])
                old = self.graph.get_edge_data(e.a, e.b)
                if old is None or old["length"] > length:
                    self.graph.add_edge(e.a, e.b, length=length)
            self.attach = {}
            order = list(point_xy)
            for place, where in self.xy.items():
                node = nodes[place]
                if node is None:
                    node = min(point_xy, key=lambda pid: (math.dist(point_xy[pid], where),
                                                          order.index(pid)))
                self.attach[place] = (node, math.dist(point_xy[node], where))
        self._cache: dict[tuple[str, str], float] = {}

    def metres(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        if (a, b) not in self._cache:
            if self.graph is None:
                d = math.dist(self.xy[a], self.xy[b]) * self.scenario.parameters.detour_factor
            else:
                (na, la), (nb, lb) = self.attach[a], self.attach[b]
                d = la + nx.shortest_path_length(self.graph, na, nb, weight="length") + lb
            self._cache[a, b] = d
        return self._cache[a, b]


def stair_seconds(scenario: Scenario, stairwell: str
                  ) -> tuple[Callable[[int, int], float], Callable[[int], float], bool]:
    """A stairwell's ascent (from one floor to a higher one, loaded), descent (from a
    floor back to the entrance) and whether a lift runs there."""
    building = scenario.stairwell_building[stairwell]
    p = scenario.parameters
    up = building.stair_up_s_per_floor if building.stair_up_s_per_floor is not None \
        else p.stair_up_s_per_floor
    down = building.stair_down_s_per_floor if building.stair_down_s_per_floor is not None \
        else p.stair_down_s_per_floor
    wait = building.lift_wait_s if building.lift_wait_s is not None else p.lift_wait_s
    ride = building.lift_s_per_floor if building.lift_s_per_floor is not None \
        else p.lift_s_per_floor

    def ascent(floor_from: int, floor_to: int) -> float:
        if floor_to <= floor_from:
            return 0.0
        if building.lift:
            return (wait if floor_from == 1 else 0.0) + ride * (floor_to - floor_from)
        return up * (floor_to - floor_from)

    def descent(top: int) -> float:
        if top <= 1:
            return 0.0
        return wait + ride * (top - 1) if building.lift else down * (top - 1)

    return ascent, descent, building.lift
