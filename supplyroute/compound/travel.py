"""Geometry and travel: walking between places, climbing stairs, riding lifts.

Places are the gates and the stairwell entrances. Walking distance is the shortest
path on the walkway graph when there is one (each place joins it at its named point or
else at the nearest point, by a straight link), otherwise the straight line times the
detour factor. Distances are computed once per scenario into a numpy matrix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np

from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Building, Position, Scenario, Volunteer

EARTH_RADIUS_M = 6_371_000.0
#: Cells of the distance matrix computed at once (16 MB of floats).
_BLOCK_CELLS = 2_000_000


def project(positions: list[Position]) -> np.ndarray:
    """Positions as an (n, 2) array of metres; lat/lon is projected about its mean
    (across the 180th meridian too)."""
    if not positions:
        return np.zeros((0, 2))
    if not positions[0].is_geographic:
        return np.array([[p.x, p.y] for p in positions], dtype=float)
    lat = np.radians([p.lat for p in positions])
    lon = np.radians([p.lon for p in positions])
    if lon.max() - lon.min() > math.pi:
        # A compound astride the 180th meridian: count its western half on past 180°
        # east, or its two halves would lie half the globe apart.
        lon = np.where(lon < 0, lon + 2 * math.pi, lon)
    lat0, lon0 = lat.mean(), lon.mean()
    x = (lon - lon0) * math.cos(lat0) * EARTH_RADIUS_M
    y = (lat - lat0) * EARTH_RADIUS_M
    return np.column_stack([x, y])


@dataclass(frozen=True)
class StairModel:
    """How long it takes to go up and down one stairwell of a building."""

    lift: bool
    up_s_per_floor: float
    down_s_per_floor: float
    lift_wait_s: float
    lift_s_per_floor: float

    def up_s(self, floor: int) -> float:
        """From the entrance to ``floor``, loaded."""
        if floor <= 1:
            return 0.0
        if self.lift:
            return self.lift_wait_s + self.lift_s_per_floor * (floor - 1)
        return self.up_s_per_floor * (floor - 1)

    def between_s(self, low: int, high: int) -> float:
        """Onwards from floor ``low`` to ``high`` within one run."""
        return self.up_s(high) - self.up_s(low) if low > 1 else self.up_s(high)

    def down_s(self, floor: int) -> float:
        """From ``floor`` back to the entrance."""
        if floor <= 1:
            return 0.0
        if self.lift:
            return self.lift_wait_s + self.lift_s_per_floor * (floor - 1)
        return self.down_s_per_floor * (floor - 1)

    def floors_climbed(self, top_floor: int) -> int:
        return 0 if self.lift else top_floor - 1


def stair_model(scenario: Scenario, building: Building) -> StairModel:
    p = scenario.parameters

    def pick(own: float | None, default: float) -> float:
        return default if own is None else own

    return StairModel(
        lift=building.lift,
        up_s_per_floor=pick(building.stair_up_s_per_floor, p.stair_up_s_per_floor),
        down_s_per_floor=pick(building.stair_down_s_per_floor, p.stair_down_s_per_floor),
        lift_wait_s=pick(building.lift_wait_s, p.lift_wait_s),
        lift_s_per_floor=pick(building.lift_s_per_floor, p.lift_s_per_floor),
    )


class Travel:
    """Walking distances between all places of a scenario, and stair models."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.gate_ids = [g.id for g in scenario.gates]
        self.stairwell_ids = [w.id for b in scenario.buildings for w in b.stairwells]
        self.gate_index = {gid: i for i, gid in enumerate(self.gate_ids)}
        n_gates = len(self.gate_ids)
        self.stairwell_index = {sid: n_gates + i for i, sid in enumerate(self.stairwell_ids)}
        self.dist_m = self._distances()

    @property
    def n_places(self) -> int:
        return len(self.gate_ids) + len(self.stairwell_ids)

    def place(self, place_id: str, *, gate: bool = False) -> int:
        return self.gate_index[place_id] if gate else self.stairwell_index[place_id]

    def _positions(self) -> tuple[list[Position], list[Position]]:
        s = self.scenario
        places = [g.position for g in s.gates]
        places += [w.entrance for b in s.buildings for w in b.stairwells]
        points = [p.position for p in s.walkways.points] if s.walkways else []
        return places, points

    def _distances(self) -> np.ndarray:
        s = self.scenario
        places, points = self._positions()
        xy = project(places + points)
        place_xy, point_xy = xy[: len(places)], xy[len(places):]
        if s.walkways is None:
            return straight_distances(place_xy, s.parameters.detour_factor)
        return self._graph_distances(place_xy, point_xy)

    def _graph_distances(self, place_xy: np.ndarray, point_xy: np.ndarray) -> np.ndarray:
        s = self.scenario
        graph = walkway_graph(s, point_xy)
        attach = attachments(s, place_xy, point_xy)
        nodes = sorted({node for node, _ in attach})
        lengths = {
            node: nx.single_source_dijkstra_path_length(graph, node, weight="length")
            for node in nodes
        }
        n = len(attach)
        dist = np.zeros((n, n))
        for i, (node_i, link_i) in enumerate(attach):
            reach = lengths[node_i]
            for j, (node_j, link_j) in enumerate(attach):
                if i == j:
                    continue
                if node_j not in reach:
                    raise _unreachable(s, i, j)
                dist[i, j] = link_i + reach[node_j] + link_j
        return dist

    @cached_property
    def xy(self) -> np.ndarray:
        """Each place's position in metres (gates, then stairwells), as :func:`project`
        lays them out: for directions, not distances (those follow the walkways)."""
        places, points = self._positions()
        return project(places + points)[: len(places)]

    def bearing(self, origin: int, place: int) -> float:
        """The direction of ``place`` seen from ``origin``, in radians."""
        (x0, y0), (x, y) = self.xy[origin], self.xy[place]
        return math.atan2(float(y - y0), float(x - x0))

    @cached_property
    def stairs(self) -> dict[str, StairModel]:
        """Stair model per stairwell id."""
        s = self.scenario
        return {
            w.id: model
            for b in s.buildings
            for model in [stair_model(s, b)]
            for w in b.stairwells
        }

    def walk_s(self, volunteer: Volunteer, a: int, b: int) -> float:
        return float(self.dist_m[a, b]) / self.scenario.speed_mps(volunteer)


def straight_distances(place_xy: np.ndarray, detour_factor: float) -> np.ndarray:
    """Straight-line metres between all places times the detour factor, a block of rows
    at a time: a compound may have thousands of stairwells, and the matrix is all the
    memory it takes (the same numbers as one ``sqrt(dx**2 + dy**2)`` of it all)."""
    n = len(place_xy)
    x, y = place_xy[:, 0], place_xy[:, 1]
    dist = np.empty((n, n))
    rows = max(1, _BLOCK_CELLS // max(n, 1))
    for start in range(0, n, rows):
        block = slice(start, start + rows)
        dx = x[block, None] - x[None, :]
        dx *= dx
        dy = y[block, None] - y[None, :]
        dy *= dy
        dx += dy
        np.sqrt(dx, out=dx)
        dx *= detour_factor
        dist[block] = dx
    return dist


def walkway_graph(scenario: Scenario, point_xy: np.ndarray) -> nx.Graph:
    """The walkway points joined by their edges (the shorter of repeated edges), each
    edge its given length or else the straight line."""
    assert scenario.walkways is not None
    point_ids = [p.id for p in scenario.walkways.points]
    point_index = {pid: i for i, pid in enumerate(point_ids)}
    graph = nx.Graph()
    graph.add_nodes_from(point_ids)
    for e in scenario.walkways.edges:
        a, b = point_index[e.a], point_index[e.b]
        length = e.length_m if e.length_m is not None else float(
            np.linalg.norm(point_xy[a] - point_xy[b]))
        if not graph.has_edge(e.a, e.b) or graph[e.a][e.b]["length"] > length:
            graph.add_edge(e.a, e.b, length=length)
    return graph


def attachments(scenario: Scenario, place_xy: np.ndarray,
                point_xy: np.ndarray) -> list[tuple[str, float]]:
    """Where each place (gates, then stairwells) joins the walkways: its named point or
    else the nearest one, and the straight link to it in metres."""
    assert scenario.walkways is not None
    point_ids = [p.id for p in scenario.walkways.points]
    point_index = {pid: i for i, pid in enumerate(point_ids)}
    named = [g.node for g in scenario.gates]
    named += [w.node for b in scenario.buildings for w in b.stairwells]
    attach: list[tuple[str, float]] = []
    for i, node in enumerate(named):
        if node is None:
            gaps = np.linalg.norm(point_xy - place_xy[i], axis=1)
            j = int(np.argmin(gaps))
            attach.append((point_ids[j], float(gaps[j])))
        else:
            link = float(np.linalg.norm(point_xy[point_index[node]] - place_xy[i]))
            attach.append((node, link))
    return attach


def _place_name(scenario: Scenario, place: int) -> str:
    """A place by its index (gates, then stairwells) as a message names it."""
    if place < len(scenario.gates):
        return f"gate {scenario.gates[place].id!r}"
    place -= len(scenario.gates)
    for b in scenario.buildings:
        if place < len(b.stairwells):
            return f"stairwell {b.stairwells[place].id!r}"
        place -= len(b.stairwells)
    raise IndexError(place)


def _unreachable(scenario: Scenario, i: int, j: int) -> InputError:
    return InputError(InputIssue("walkways.edges", f"no walkway path from "
                                 f"{_place_name(scenario, i)} to {_place_name(scenario, j)}"))


def check_reachable(scenario: Scenario) -> None:
    """Raise the error :class:`Travel` would if the walkways leave a place unreachable
    from another, without building the distances: linear in places and walkways."""
    if scenario.walkways is None:
        return
    places = [g.position for g in scenario.gates]
    places += [w.entrance for b in scenario.buildings for w in b.stairwells]
    xy = project(places + [p.position for p in scenario.walkways.points])
    place_xy, point_xy = xy[: len(places)], xy[len(places):]
    attach = attachments(scenario, place_xy, point_xy)
    # Undirected: the first place the first one cannot reach is the pair Travel names.
    reach = nx.node_connected_component(walkway_graph(scenario, point_xy), attach[0][0])
    for j, (node, _) in enumerate(attach):
        if node not in reach:
            raise _unreachable(scenario, 0, j)
