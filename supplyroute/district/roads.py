"""Driving in a district: distances between depots and supply gates.

With a road network, driving distance is the shortest path on it; each place joins the
network at its named node, or else at the nearest node by a straight link. Without one,
the straight line times ``parameters.road_factor``. Times are distance over the
vehicle's speed. Computed once per district into a matrix over the places: depots
first (by id), then each compound's supply gate (by compound id).
"""

from __future__ import annotations

from functools import cached_property

import networkx as nx
import numpy as np

from supplyroute.compound.travel import project
from supplyroute.errors import InputError, InputIssue
from supplyroute.models.district import DistrictScenario, Vehicle
from supplyroute.models.scenario import Position


class Roads:
    """Driving distances (m) and times (s) between a district's places."""

    def __init__(self, district: DistrictScenario):
        self.district = district
        self.places: list[str] = [d.id for d in district.depots] + [
            c.id for c in district.compounds]
        clash = set(d.id for d in district.depots) & set(c.id for c in district.compounds)
        if clash:
            raise InputError(InputIssue("compounds", f"{sorted(clash)[0]!r} names both a "
                                        "depot and a compound"))
        self.index = {p: i for i, p in enumerate(self.places)}
        positions = [d.position for d in district.depots] + [
            c.supply_gate.position for c in district.compounds]
        nodes = [d.node for d in district.depots] + [c.supply_gate.node for c in district.compounds]
        self.distance_m = self._distances(positions, nodes)

    def _distances(self, positions: list[Position], nodes: list[str | None]) -> np.ndarray:
        roads = self.district.roads
        if roads is None:
            if nodes and any(n is not None for n in nodes):
                raise InputError(InputIssue("roads", "missing: places name road nodes"))
            xy = self._project(positions)
            straight = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
            return straight * self.district.parameters.road_factor
        graph, node_positions = self._graph()
        xy = self._project(positions + list(node_positions.values()))
        place_xy, node_xy = xy[: len(positions)], xy[len(positions):]
        node_ids = list(node_positions)
        for ident, point in zip(node_ids, node_xy, strict=True):
            graph.nodes[ident]["xy"] = point
        for u, v, data in graph.edges(data=True):
            if data.get("length_m") is None:
                gap = graph.nodes[u]["xy"] - graph.nodes[v]["xy"]
                data["length_m"] = float(np.linalg.norm(gap))
        joins: list[tuple[str, float]] = []
        for k, (point, node) in enumerate(zip(place_xy, nodes, strict=True)):
            if node is not None:
                if node not in graph:
                    raise InputError(InputIssue(self._place_path(k) + ".node",
                                                f"unknown road node {node!r}"))
                joins.append((node, 0.0))
            else:
                gaps = np.linalg.norm(node_xy - point, axis=1)
                nearest = int(np.argmin(gaps))
                joins.append((node_ids[nearest], float(gaps[nearest])))
        n = len(positions)
        out = np.zeros((n, n))
        for i, (node_i, link_i) in enumerate(joins):
            lengths = nx.single_source_dijkstra_path_length(graph, node_i, weight="length_m")
            for j, (node_j, link_j) in enumerate(joins):
                if i == j:
                    continue
                if node_j not in lengths:
                    raise InputError(InputIssue(self._place_path(j), "cannot be reached by "
                                                f"road from {self.places[i]!r}"))
                out[i, j] = link_i + lengths[node_j] + link_j
        return out

    def _place_path(self, k: int) -> str:
        depots = len(self.district.depots)
        if k < depots:
            return f"depots[{k}]"
        return f"compounds[{k - depots}].supply_gate"

    @staticmethod
    def _project(positions: list[Position]) -> np.ndarray:
        kinds = {p.is_geographic for p in positions}
        if len(kinds) > 1:
            raise InputError(InputIssue("depots", "district places mix metres and "
                                        "latitude/longitude; use one system"))
        return project(positions)

    def _graph(self) -> tuple[nx.Graph, dict[str, Position]]:
        roads = self.district.roads
        assert roads is not None
        graph = nx.Graph()
        positions: dict[str, Position] = {}
        if roads.graphml is not None:
            try:
                raw = nx.read_graphml(roads.graphml)
            except (OSError, nx.NetworkXError, ValueError) as exc:  # unreadable or malformed
                raise InputError(InputIssue("roads.graphml", f"cannot read "
                                            f"{roads.graphml}: {exc}")) from None
            for node, data in raw.nodes(data=True):
                try:
                    if "x" in data and "y" in data:
                        positions[str(node)] = Position(x=float(data["x"]), y=float(data["y"]))
                    else:
                        positions[str(node)] = Position(lat=float(data["lat"]),
                                                        lon=float(data["lon"]))
                except (KeyError, ValueError):
                    raise InputError(InputIssue("roads.graphml", f"node {node!r} has no "
                                                "x/y nor lat/lon")) from None
                graph.add_node(str(node))
            for u, v, data in raw.edges(data=True):
                length = data.get("length_m", data.get("length"))
                _add_edge(graph, str(u), str(v), None if length is None else float(length))
        else:
            for k, node in enumerate(roads.nodes):
                if node.id in positions:
                    raise InputError(InputIssue(f"roads.nodes[{k}].id",
                                                f"duplicate id {node.id!r}"))
                positions[node.id] = node.position
                graph.add_node(node.id)
            for k, edge in enumerate(roads.edges):
                for end in ("a", "b"):
                    if getattr(edge, end) not in positions:
                        raise InputError(InputIssue(f"roads.edges[{k}].{end}",
                                                    f"unknown road node {getattr(edge, end)!r}"))
                _add_edge(graph, edge.a, edge.b, edge.length_m)
        if not positions:
            raise InputError(InputIssue("roads", "the road network has no nodes"))
        return graph, positions

    def metres(self, a: str, b: str) -> float:
        return float(self.distance_m[self.index[a], self.index[b]])

    def drive_s(self, vehicle: Vehicle, a: str, b: str) -> float:
        """Driving time from place ``a`` to ``b`` at the vehicle's speed."""
        return self.metres(a, b) / (vehicle.speed_kmh / 3.6)

    @cached_property
    def fastest_mps(self) -> float:
        return max(v.speed_kmh for v in self.district.vehicles) / 3.6


def _add_edge(graph: nx.Graph, a: str, b: str, length_m: float | None) -> None:
    """An edge; where two join the same points, the shorter counts (a stated length
    over a straight one)."""
    if graph.has_edge(a, b):
        known = graph.edges[a, b]["length_m"]
        if known is None or (length_m is not None and length_m >= known):
            return
    graph.add_edge(a, b, length_m=length_m)


def km(metres: float) -> float:
    return round(metres / 1000.0, 3)


__all__ = ["Roads", "km"]
