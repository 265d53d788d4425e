"""The district checker's own driving distances: metres between the district's places
(depots and compounds' supply gates), the straight line times the road factor, or
shortest paths on the road network (its nodes and edges, or a GraphML file).

Coordinators need it because every van's drive, arrival time and kilometre count is
judged against it; it is computed here from the positions and the roads alone, with the
checkers' own projection (:func:`supplyroute.checks.physics.plane`), apart from the
planner's roads, so that a mistake in the planner's distances is not repeated here and
passed as correct.
"""

from __future__ import annotations

import math

import networkx as nx

from supplyroute.checks.physics import plane
from supplyroute.models.district import DistrictScenario
from supplyroute.models.scenario import Position


class Driving:
    """Driving metres between the district's places (depots and compounds' gates),
    recomputed from their positions and the road network."""

    def __init__(self, district: DistrictScenario):
        self.district = district
        self.positions: dict[str, Position] = {d.id: d.position for d in district.depots}
        self.nodes: dict[str, str | None] = {d.id: d.node for d in district.depots}
        for c in district.compounds:
            self.positions[c.id] = c.supply_gate.position
            self.nodes[c.id] = c.supply_gate.node
        self.places = list(self.positions)
        self.problem: str | None = None
        self.metres_between: dict[tuple[str, str], float] = {}
        try:
            self._compute()
        except (OSError, nx.NetworkXError, ValueError, KeyError) as exc:
            self.problem = f"driving distances cannot be computed: {exc}"

    def _compute(self) -> None:
        roads = self.district.roads
        positions = [self.positions[p] for p in self.places]
        if roads is None:
            if len({p.is_geographic for p in positions}) > 1:
                raise ValueError("places mix metres and latitude/longitude")
            xy = plane(positions)
            factor = self.district.parameters.road_factor
            for i, a in enumerate(self.places):
                for j, b in enumerate(self.places):
                    self.metres_between[a, b] = float(math.dist(xy[i], xy[j])) * factor
            return
        node_positions, edges = self._network()
        node_ids = list(node_positions)
        everything = positions + [node_positions[n] for n in node_ids]
        if len({p.is_geographic for p in everything}) > 1:
            raise ValueError("places and road nodes mix metres and latitude/longitude")
        xy = plane(everything)
        place_xy = xy[: len(positions)]
        node_xy = {n: xy[len(positions) + k] for k, n in enumerate(node_ids)}
        graph = nx.Graph()
        graph.add_nodes_from(node_ids)
        for a, b, length in edges:
            metres = float(math.dist(node_xy[a], node_xy[b])) if length is None else length
            if not graph.has_edge(a, b) or graph[a][b]["metres"] > metres:
                graph.add_edge(a, b, metres=metres)
        joins: dict[str, tuple[str, float]] = {}
        for k, place in enumerate(self.places):
            node = self.nodes[place]
            if node is not None:
                if node not in node_xy:
                    raise ValueError(f"{place!r} stands at unknown road node {node!r}")
                joins[place] = (node, 0.0)  # it stands at that node
            else:
                # The nearest node (the first of equals), joined by a straight link.
                if not node_ids:
                    raise ValueError("the road network has no nodes")
                gaps = [math.dist(node_xy[n], place_xy[k]) for n in node_ids]
                nearest = min(range(len(gaps)), key=gaps.__getitem__)
                joins[place] = (node_ids[nearest], gaps[nearest])
        for a in self.places:
            node_a, link_a = joins[a]
            reach = nx.single_source_dijkstra_path_length(graph, node_a, weight="metres")
            for b in self.places:
                node_b, link_b = joins[b]
                if a == b:
                    self.metres_between[a, b] = 0.0
                elif node_b in reach:
                    self.metres_between[a, b] = link_a + reach[node_b] + link_b
                else:
                    self.metres_between[a, b] = math.inf

    def _network(self) -> tuple[dict[str, Position], list[tuple[str, str, float | None]]]:
        roads = self.district.roads
        assert roads is not None
        if roads.graphml is None:
            nodes = {n.id: n.position for n in roads.nodes}
            return nodes, [(e.a, e.b, e.length_m) for e in roads.edges]
        raw = nx.read_graphml(roads.graphml)
        nodes = {}
        for node, data in raw.nodes(data=True):
            if "x" in data and "y" in data:
                nodes[str(node)] = Position(x=float(data["x"]), y=float(data["y"]))
            else:
                nodes[str(node)] = Position(lat=float(data["lat"]), lon=float(data["lon"]))
        edges: list[tuple[str, str, float | None]] = []
        for a, b, data in raw.edges(data=True):
            length = data.get("length_m", data.get("length"))
            edges.append((str(a), str(b), None if length is None else float(length)))
        return nodes, edges

    def metres(self, a: str, b: str) -> float | None:
        """Driving metres from place ``a`` to ``b``; None if either is unknown."""
        return self.metres_between.get((a, b))
