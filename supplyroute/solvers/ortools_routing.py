"""The one module that talks to OR-Tools' routing library: the ``ortools`` engine.

:func:`solve_routing` builds the
model in the standard order (index manager, routing model, transit callbacks, arc
costs, dimensions, search parameters), solves it and reads the routes back. Distances
are scaled to integers once, here, and never leave this module as solver indices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from supplyroute.solvers.routing import (
    EngineSpec,
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    register,
)

FIRST_SOLUTIONS = {
    name: getattr(routing_enums_pb2.FirstSolutionStrategy, name)
    for name in ("PATH_CHEAPEST_ARC", "SAVINGS", "PARALLEL_CHEAPEST_INSERTION",
                 "LOCAL_CHEAPEST_INSERTION", "CHRISTOFIDES", "AUTOMATIC")
}
METAHEURISTICS = {
    name: getattr(routing_enums_pb2.LocalSearchMetaheuristic, name)
    for name in ("GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH",
                 "GREEDY_DESCENT", "AUTOMATIC")
}


@dataclass(frozen=True)
class RoutingConfig:
    """How OR-Tools searches. A metaheuristic always runs under a limit."""

    first_solution: str = "PATH_CHEAPEST_ARC"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    time_limit_s: float = 10.0
    solution_limit: int | None = None  #: set for deterministic runs (no wall clock).

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTIONS:
            raise ValueError(f"first solution {self.first_solution!r} not understood")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"metaheuristic {self.metaheuristic!r} not understood")


def solve_routing(problem: RoutingProblem, config: RoutingConfig) -> list[list[int]] | None:
    """Routes as lists of client nodes (depot left out), or None if none was found."""
    n = len(problem.demand)
    manager = pywrapcp.RoutingIndexManager(n, problem.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    scaled = np.rint(problem.distance * problem.scale).astype(np.int64)

    def arc(i: int, j: int) -> int:
        return int(scaled[manager.IndexToNode(i), manager.IndexToNode(j)])

    arc_cost = routing.RegisterTransitCallback(arc)
    routing.SetArcCostEvaluatorOfAllVehicles(arc_cost)

    demand = [int(math.ceil(d)) for d in problem.demand]
    load = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(
        load, 0, [int(problem.capacity)] * problem.vehicles, True, "Capacity")

    if problem.latest is not None:
        service = np.zeros(n) if problem.service is None else problem.service
        service_scaled = np.rint(service * problem.scale).astype(np.int64)

        def travel(i: int, j: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            return int(service_scaled[a] + scaled[a, b])

        transit = routing.RegisterTransitCallback(travel)
        horizon = int(math.floor(float(problem.latest[0]) * problem.scale))
        routing.AddDimension(transit, horizon, horizon, False, "Time")
        time = routing.GetDimensionOrDie("Time")
        earliest = np.zeros(n) if problem.earliest is None else problem.earliest
        for node in range(1, n):
            index = manager.NodeToIndex(node)
            time.CumulVar(index).SetRange(int(math.ceil(earliest[node] * problem.scale)),
                                          int(math.floor(problem.latest[node] * problem.scale)))
        for v in range(problem.vehicles):
            time.CumulVar(routing.Start(v)).SetRange(int(earliest[0] * problem.scale), horizon)
            time.CumulVar(routing.End(v)).SetRange(int(earliest[0] * problem.scale), horizon)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTIONS[config.first_solution]
    params.local_search_metaheuristic = METAHEURISTICS[config.metaheuristic]
    if config.solution_limit is not None:
        params.solution_limit = config.solution_limit
    else:
        params.time_limit.FromMilliseconds(int(config.time_limit_s * 1000))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    routes = []
    for v in range(problem.vehicles):
        index = routing.Start(v)
        route = []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node:
                route.append(node)
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return routes


@dataclass
class OrToolsEngine:
    """OR-Tools routing, set up by ``first_solution`` and ``metaheuristic``."""

    first_solution: str = "PATH_CHEAPEST_ARC"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    tuned: bool = True
    name: str = "ortools"

    def unsupported(self, problem: RoutingProblem) -> str | None:
        if problem.reloads or problem.released:
            return "reloads and release dates are not modelled yet"
        return None

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        reason = self.unsupported(problem)
        if reason:
            raise Unsupported(reason)
        config = RoutingConfig(self.first_solution, self.metaheuristic,
                               time_limit_s=limit.time_limit_s,
                               solution_limit=limit.iterations if limit.deterministic else None)
        return solve_routing(problem, config)


register("ortools", EngineSpec(
    OrToolsEngine, "OR-Tools routing library",
    {"first_solution": "PATH_CHEAPEST_ARC", "metaheuristic": "GUIDED_LOCAL_SEARCH",
     "tuned": True}))
