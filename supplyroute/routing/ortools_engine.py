"""The one module that talks to OR-Tools' routing library: the ``ortools`` engine.

The model is built in the standard order (index manager, routing model, transits, arc
costs, dimensions, search parameters). Choices that make it a tuned engine rather than
the guides' setup, each measured with ``supplyroute bench`` (see benchmarks/README.md):

* **Matrices, not callbacks.** Distances, demands and travel times are registered as
  matrices and vectors, so OR-Tools never calls back into Python during the search: the
  same time buys several times more local-search moves.
* **The fleet is the instance's.** Never more vehicles than ``problem.vehicles``. A
  tight fleet can defeat the first-solution heuristics, so every client is optional at a
  penalty far above any route cost: a first solution always exists, and the search
  puts every client back; a client still out at the end is reported missing (the
  evaluator says so) rather than hidden by an extra vehicle.
* **Multi-trip.** With reloads, optional copies of the depot empty the vehicle
  (OR-Tools' reload idiom: a negative load transit absorbed by slack); a vehicle makes
  up to ``trips_per_vehicle`` trips.
* **Release dates.** A zero-transit ``Release`` dimension is constant along a trip,
  never below a release of its clients, and each departure from the depot waits for
  it: a trip leaves only once all its goods are in. Every constraint is local to one
  node, so the local search's filters see them.
* **Search.** A ruin-and-recreate loop of our own
  (:mod:`supplyroute.routing.ruin_recreate`) around OR-Tools' local search, which
  polishes the loop's best routes a few times: tens of thousands of string removals
  and reinsertions (capacity, windows, releases and trips kept at every step) in the
  time guided local search makes a few thousand moves. On capacity-only problems it
  starts from sweep sectors when the fleet has room (from a fleet packing when it has
  not); with reloads from a greedy multi-trip start; with time windows alone from
  nothing (every client out: the loop puts them in, and OR-Tools' savings on 1000
  clients could not be stopped within the limit). It removes
  more clients per step with time windows (:data:`TIMED_MEAN_REMOVED`), and OR-Tools'
  polish is left out on large timed problems (:data:`POLISH_MAX_TIMED_CLIENTS`).
  ``ruin_recreate=False`` gives
  guided local search from the start above. The metaheuristic, the first solution,
  GLS's lambda, the operators' neighbourhood size and the loop's temperature, ruin
  size and polish rounds are options of the engine; benchmarks/README.md has the
  measurements behind the defaults. (OR-Tools 9.15's own iterated local search, set
  from Python with ``use_iterated_local_search`` and a SISR ruin, ran one descent and
  stopped.)
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from supplyroute.routing.fleet import fleet_start
from supplyroute.routing.problem import (
    EngineSpec,
    Routes,
    RoutingProblem,
    SearchLimit,
    register,
)
from supplyroute.routing.ruin_recreate import RuinRecreateConfig, improve

FIRST_SOLUTIONS = {
    name: getattr(routing_enums_pb2.FirstSolutionStrategy, name)
    for name in ("PATH_CHEAPEST_ARC", "SAVINGS", "PARALLEL_SAVINGS",
                 "PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION",
                 "GLOBAL_CHEAPEST_ARC", "CHRISTOFIDES", "SWEEP", "AUTOMATIC")
}
METAHEURISTICS = {
    name: getattr(routing_enums_pb2.LocalSearchMetaheuristic, name)
    for name in ("GUIDED_LOCAL_SEARCH", "SIMULATED_ANNEALING", "TABU_SEARCH",
                 "GREEDY_DESCENT", "AUTOMATIC")
}

log = logging.getLogger(__name__)

#: The penalty of leaving a client out, in multiples of the largest round trip.
DROP_PENALTY_FACTOR = 1000
#: Deterministic runs: ruin-and-recreate steps per OR-Tools solution of the count.
RUIN_RECREATE_STEPS_PER_SOLUTION = 50
#: With time windows and more clients than this, OR-Tools' descent does not polish the
#: loop's routes: on the 1000-client VRPTW set descents limited to 3 s ran for 21-23 s
#: (and gained under 0.1%), so the time limit could not be kept.
POLISH_MAX_TIMED_CLIENTS = 400
#: The loop's temperature falls by this factor over a run.
TEMPERATURE_FALL = 20
#: Clients the loop removes per step on average when the problem has time windows
#: (capacity only: :attr:`RuinRecreateConfig.mean_removed`, 10). On 12 hard MTVRPTWR
#: instances at 10 s: 6 -> 10.0%, 10 -> 8.6%, 15 -> 5.9% and 6.1% (two runs),
#: 20 -> 7.2%, 30 -> 8.5%; on 12 CVRP X instances 15 was worse than 10 (5.2% vs 4.9%).
TIMED_MEAN_REMOVED = 15.0


@dataclass(frozen=True)
class RoutingConfig:
    """How OR-Tools searches. A metaheuristic always runs under a limit."""

    first_solution: str = "PATH_CHEAPEST_ARC"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    time_limit_s: float = 10.0
    solution_limit: int | None = None  #: set for deterministic runs (no wall clock).
    gls_lambda: float = 0.1  #: guided local search's penalty coefficient.
    neighbors_ratio: float = 1.0  #: share of nearest neighbours the operators look at.
    min_neighbors: int = 20
    overload_penalty: float = 0.0  #: >0: capacity is soft, this x mean arc per unit over.
    trips_per_vehicle: int = 0  #: with reloads: trips per vehicle (0: from the demand).
    tuned: bool = True  #: False: the guides' setup (Python callbacks, no drop penalties).
    ruin_recreate: bool = True  #: the ruin-and-recreate loop (False: guided local search).
    #: The loop's settings (see :class:`RuinRecreateConfig`).
    loop: RuinRecreateConfig = RuinRecreateConfig()
    seed: int = 0  #: the fleet packer's random seed (OR-Tools' search has none).

    def __post_init__(self) -> None:
        if self.first_solution not in FIRST_SOLUTIONS:
            raise ValueError(f"first solution {self.first_solution!r} not understood; "
                             f"known: {', '.join(FIRST_SOLUTIONS)}")
        if self.metaheuristic not in METAHEURISTICS:
            raise ValueError(f"metaheuristic {self.metaheuristic!r} not understood; "
                             f"known: {', '.join(METAHEURISTICS)}")


def _search_parameters(config: RoutingConfig) -> object:
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTIONS[config.first_solution]
    params.local_search_metaheuristic = METAHEURISTICS[config.metaheuristic]
    params.guided_local_search_lambda_coefficient = config.gls_lambda
    if config.neighbors_ratio < 1:
        params.ls_operator_neighbors_ratio = config.neighbors_ratio
        params.ls_operator_min_neighbors = config.min_neighbors
    if config.solution_limit is not None:
        params.solution_limit = config.solution_limit
    params.time_limit.FromMilliseconds(max(1, int(config.time_limit_s * 1000)))
    return params


def trips_needed(problem: RoutingProblem) -> int:
    """Trips per vehicle to allow: the fleet's average loads, rounded, plus one.

    Every allowed trip is an optional reload visit the search must place or skip; a
    few more than needed leave room to balance, many more slow the search down (on
    MTVRPTWR C201R0.5 at 10 s: 5.4% above the optimum with 3, 12% with 4, 16% with 6).
    """
    loads = float(np.sum(problem.demand)) / (problem.capacity * problem.vehicles)
    return max(2, round(loads) + 1)


class _Model:
    """A routing problem as an OR-Tools model.

    With reloads, ``vehicles * (trips_per_vehicle - 1)`` copies of the depot are
    optional visits: reaching one empties the vehicle (its ``Capacity`` transit is
    minus the capacity, taken up by slack), and the next trip starts there.
    """

    def __init__(self, problem: RoutingProblem, config: RoutingConfig):
        self.problem = problem
        self.parameters = _search_parameters(config)
        self._closed = False
        n = len(problem.demand)
        self.clients = n
        trips = config.trips_per_vehicle or trips_needed(problem)
        self.reloads = problem.vehicles * (trips - 1) if problem.reloads else 0
        size = n + self.reloads
        node = np.r_[np.arange(n), np.zeros(self.reloads, dtype=int)]  # model node -> place
        self.manager = pywrapcp.RoutingIndexManager(size, problem.vehicles, 0)
        self.routing = pywrapcp.RoutingModel(self.manager)
        self.scaled = np.rint(problem.distance * problem.scale).astype(np.int64)[
            np.ix_(node, node)]
        if config.tuned:
            arc = self.routing.RegisterTransitMatrix(self.scaled.tolist())
        else:
            arc = self.routing.RegisterTransitCallback(self._arc)
        self.routing.SetArcCostEvaluatorOfAllVehicles(arc)
        self._capacity(config)
        if problem.timed:
            self._time()
        if config.tuned:
            penalty = int(DROP_PENALTY_FACTOR * (2 * int(self.scaled[0].max()) + 1))
            for client in range(1, n):
                self.routing.AddDisjunction([self.manager.NodeToIndex(client)], penalty)
        for reload in range(n, size):
            self.routing.AddDisjunction([self.manager.NodeToIndex(reload)], 0)

    def _arc(self, i: int, j: int) -> int:
        m = self.manager
        return int(self.scaled[m.IndexToNode(i), m.IndexToNode(j)])

    def _capacity(self, config: RoutingConfig) -> None:
        capacity = int(self.problem.capacity)
        demand = [int(math.ceil(d)) for d in self.problem.demand] + [-capacity] * self.reloads
        if config.tuned:
            load = self.routing.RegisterUnaryTransitVector(demand)
        else:
            load = self.routing.RegisterUnaryTransitCallback(
                lambda i: demand[self.manager.IndexToNode(i)])
        slack = capacity if self.reloads else 0
        soft = config.overload_penalty > 0 and not self.reloads
        hard = 2 * capacity if soft else capacity
        self.routing.AddDimension(load, slack, hard, True, "Capacity")
        if soft:
            dim = self.routing.GetDimensionOrDie("Capacity")
            mean_arc = max(1, int(self.scaled.mean()))
            for v in range(self.problem.vehicles):
                dim.SetCumulVarSoftUpperBound(self.routing.End(v), capacity,
                                              int(config.overload_penalty * mean_arc))
        if self.reloads:
            dim = self.routing.GetDimensionOrDie("Capacity")
            for client in range(1, self.clients):
                dim.SlackVar(self.manager.NodeToIndex(client)).SetValue(0)
            for v in range(self.problem.vehicles):
                dim.SlackVar(self.routing.Start(v)).SetValue(0)

    def _time(self) -> None:
        p, routing, manager = self.problem, self.routing, self.manager
        n, size = self.clients, self.clients + self.reloads
        scale = p.scale
        service = np.zeros(size)
        if p.service is not None:
            service[:n] = p.service
            service[0] = 0.0
        service_scaled = np.rint(service * scale).astype(np.int64)
        travel = self.scaled + service_scaled[:, None]
        transit = routing.RegisterTransitMatrix(travel.tolist())
        horizon = int(math.floor(float(p.latest[0]) * scale))
        routing.AddDimension(transit, horizon, horizon, False, "Time")
        time = routing.GetDimensionOrDie("Time")
        earliest = np.zeros(n) if p.earliest is None else p.earliest
        opens = int(math.ceil(earliest[0] * scale))
        for client in range(1, n):
            time.CumulVar(manager.NodeToIndex(client)).SetRange(
                int(math.ceil(earliest[client] * scale)),
                int(math.floor(p.latest[client] * scale)))
        for v in range(p.vehicles):
            time.CumulVar(routing.Start(v)).SetRange(opens, horizon)
            time.CumulVar(routing.End(v)).SetRange(opens, horizon)
        if p.released:
            self._release(time, horizon)
        for v in range(p.vehicles):
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.Start(v)))
            routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))

    def _release(self, time: object, horizon: int) -> None:
        """Trips wait for their goods, with constraints local to one node.

        A ``Release`` value is constant along a trip (it may rise only at the depot:
        starts and reloads) and at least the release of each of the trip's clients.
        Each client is reached no earlier than that value plus the direct drive from
        the depot. At a trip's first client this says exactly that the trip can leave
        after its releases (waiting at the first client is waiting at the depot); at
        the later clients it follows from the triangle inequality, so it costs nothing
        (up to the set's one-decimal truncation). The value rising along a route costs
        nothing either: departures rise too. Constraints on one node's cumuls are seen
        by OR-Tools' local-search filters; a version on slack variables was not.
        """
        p, routing, manager = self.problem, self.routing, self.manager
        n, size = self.clients, self.clients + self.reloads
        zero = routing.RegisterUnaryTransitVector([0] * size)
        routing.AddDimension(zero, horizon, horizon, False, "Release")
        release = routing.GetDimensionOrDie("Release")
        solver = routing.solver()
        for client in range(1, n):
            index = manager.NodeToIndex(client)
            released = int(math.ceil(p.release[client] * p.scale))
            drive = int(self.scaled[0, client])
            release.SlackVar(index).SetValue(0)
            if released + drive > time.CumulVar(index).Max():
                # Its goods come too late to reach it in time: nobody can serve it, and
                # the constraints below would make even leaving it out infeasible.
                routing.ActiveVar(index).SetValue(0)
                continue
            release.CumulVar(index).SetMin(released)
            solver.Add(time.CumulVar(index) >= release.CumulVar(index) + drive)

    def assignment(self, routes: Routes) -> object | None:
        """``routes`` (0 = reload) as an OR-Tools assignment, or None if it is rejected."""
        spare = iter(range(self.clients, self.clients + self.reloads))
        indices = []
        for route in routes:
            try:
                indices.append([self.manager.NodeToIndex(next(spare) if c == 0 else c)
                                for c in route])
            except StopIteration:
                return None
        indices += [[] for _ in range(self.problem.vehicles - len(indices))]
        self._close()
        return self.routing.ReadAssignmentFromRoutes(indices, True)

    def _close(self) -> None:
        """Close the model once, with the run's search parameters (closing again
        only makes OR-Tools warn)."""
        if not self._closed:
            self.routing.CloseModelWithParameters(self.parameters)
            self._closed = True

    def solve(self, parameters: object, start: object | None = None) -> object | None:
        """OR-Tools' search under ``parameters``, from ``start`` if given."""
        self._close()
        if start is None:
            return self.routing.SolveWithParameters(parameters)
        return self.routing.SolveFromAssignmentWithParameters(start, parameters)

    def routes(self, solution: object) -> Routes:
        """Each vehicle's visits, a reload written as 0 between two trips."""
        routing, manager = self.routing, self.manager
        routes = []
        for v in range(self.problem.vehicles):
            index = routing.Start(v)
            route: list[int] = []
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node >= self.clients:
                    if route and route[-1] != 0:
                        route.append(0)
                elif node:
                    route.append(node)
                index = solution.Value(routing.NextVar(index))
            while route and route[-1] == 0:
                route.pop()
            if route:
                routes.append(route)
        return routes


def greedy_trips(problem: RoutingProblem) -> Routes:
    """A quick feasible start for multi-trip problems: vehicle by vehicle, trip by trip,
    go to the nearest client that still fits (capacity, its window, the trip's release,
    back at the depot before it closes), then reload.

    OR-Tools' first-solution heuristics leave most reloads out on tight fleets; a start
    that already has them lets the local search begin from a full solution. Clients it
    cannot place stay out; the search then tries to insert them at a penalty.
    """
    d, n = problem.distance, len(problem.demand)
    service = np.zeros(n) if problem.service is None else problem.service
    earliest = np.zeros(n) if problem.earliest is None else problem.earliest
    latest = np.full(n, np.inf) if problem.latest is None else problem.latest
    release = np.zeros(n) if problem.release is None else problem.release
    left = set(range(1, n))
    routes: Routes = []

    def finish(trip: list[int], depart: float) -> float | None:
        """When the trip is back at the depot leaving at ``depart``, or None."""
        clock, here = depart, 0
        for c in trip:
            clock += d[here, c]
            if clock > latest[c] + 1e-9:
                return None
            clock = max(clock, earliest[c]) + service[c]
            here = c
        clock += d[here, 0]
        return clock if clock <= latest[0] + 1e-9 else None

    for _ in range(problem.vehicles):
        route: list[int] = []
        free_at = float(earliest[0])
        while left:
            trip: list[int] = []
            load, depart = 0.0, free_at
            while True:
                best, best_key = None, None
                for c in left:
                    if load + problem.demand[c] > problem.capacity + 1e-9:
                        continue
                    start = max(depart, float(release[c]))
                    if finish(trip + [c], start) is None:
                        continue
                    here = trip[-1] if trip else 0
                    arrive = max(start, depart) + d[here, c]
                    key = (d[here, c] + (start - depart) + 0.3 * (latest[c] - arrive), 0)
                    if best_key is None or key < best_key:
                        best, best_key = c, key
                if best is None:
                    break
                trip.append(best)
                left.discard(best)
                load += problem.demand[best]
                depart = max(depart, float(release[best]))
            if not trip:
                break
            route += ([0] if route else []) + trip
            free_at = finish(trip, depart) or free_at
            if not problem.reloads:
                break
        if route:
            routes.append(route)
    return routes


def _unserved(model: _Model, solution: object) -> int:
    served = {c for route in model.routes(solution) for c in route if c}
    return model.clients - 1 - len(served)


def solve_routing(problem: RoutingProblem, config: RoutingConfig) -> Routes | None:
    """Routes (client nodes, 0 between trips), or None if no solution was found.

    Tuned, the ruin-and-recreate loop (:mod:`supplyroute.routing.ruin_recreate`)
    searches around OR-Tools' local search from: the greedy multi-trip start with
    reloads; nothing (it inserts every client itself) with time windows; on
    capacity-only problems, sweep sectors, or, when savings cannot fit the clients
    into the fleet, a packing round savings' routes
    (:func:`supplyroute.routing.fleet.fleet_start`). With ``ruin_recreate`` off,
    guided local search runs from the first-solution heuristic's routes (or those
    starts).
    """
    started = time.monotonic()
    model = _Model(problem, config)
    if not config.tuned:
        solution = model.solve(model.parameters)
        return None if solution is None else model.routes(solution)
    capacity_only = not problem.timed and not problem.reloads
    packed_round_savings = False
    greedy = None
    if problem.reloads:
        greedy = greedy_trips(problem)
        start = model.assignment(greedy)
    elif problem.timed and config.ruin_recreate:
        # The loop builds its own routes: savings on a thousand clients with time
        # windows can take most of a minute and cannot be stopped, and the loop did
        # better from nothing (RC2_10_1 at 60 s: 4.5% above the best known, 6.1%
        # from savings).
        start = None
    else:
        first = replace(config, metaheuristic="GREEDY_DESCENT", solution_limit=1)
        start = model.solve(_search_parameters(first))
        packed_round_savings = capacity_only and (start is None or _unserved(model, start) > 0)
        if packed_round_savings:
            partial = None if start is None else model.routes(start)
            packed = fleet_start(problem, 0.2 * config.time_limit_s, config.seed,
                                 routes=partial)
            if packed is not None:
                start = model.assignment(packed) or start
    if config.ruin_recreate:
        routes = greedy if greedy is not None else [] if start is None else model.routes(start)
        if capacity_only and not packed_round_savings:
            # The loop does better from sweep sectors than from savings' routes when
            # the fleet has room (X-n204..X-n308 at 10 s: 5.2% above the best known
            # against 8.9%); a tight fleet keeps the packing made round savings' routes.
            routes = fleet_start(problem, 0.1 * config.time_limit_s, config.seed) or routes
        left = max(0.1, config.time_limit_s - (time.monotonic() - started))
        improved = _ruin_and_recreate(model, routes, config, left)
        if improved is not None:
            return improved
    left = max(0.1, config.time_limit_s - (time.monotonic() - started))
    params = _search_parameters(replace(config, time_limit_s=left))
    solution = None if start is None else model.solve(params, start)
    if solution is None:  # no start, or OR-Tools rejected it: its own first solution
        solution = model.solve(params)
    if solution is None:
        return None
    return model.routes(solution)


def _ruin_and_recreate(model: _Model, start: Routes, config: RoutingConfig,
                       time_limit_s: float) -> Routes | None:
    """The ruin-and-recreate loop from ``start``, OR-Tools' descent as its polish (None
    if ``start`` breaks a constraint, so the loop cannot take it).

    Each descent may take a twentieth of the time (or, deterministic, stops on a
    solution count like the rest of the engine); the loop stops early enough for the
    last one to end within the limit."""
    share = max(0.05, time_limit_s / 20)
    params = _search_parameters(replace(config, metaheuristic="GREEDY_DESCENT",
                                        time_limit_s=share))

    def polish(routes: Routes) -> Routes | None:
        began = time.monotonic()
        start = model.assignment(routes)
        solution = None if start is None else model.solve(params, start)
        log.debug("OR-Tools descent: %.2f s (limit %.2f s)%s", time.monotonic() - began,
                  share, "" if start is not None else ", routes not read")
        return None if solution is None else model.routes(solution)

    iterations = None
    if config.solution_limit is not None:
        iterations = config.solution_limit * RUIN_RECREATE_STEPS_PER_SOLUTION
    loop = config.loop
    if model.problem.timed and model.problem.clients > POLISH_MAX_TIMED_CLIENTS:
        loop = replace(loop, polish_rounds=0)
    loop_s = time_limit_s - (share if loop.polish_rounds > 0 else 0.0)
    return improve(model.problem, start, max(0.05, loop_s), config.seed, loop,
                   polish=polish, iterations=iterations)


@dataclass
class OrToolsEngine:
    """OR-Tools routing; the options are :class:`RoutingConfig`'s search fields."""

    first_solution: str = "SAVINGS"
    metaheuristic: str = "GUIDED_LOCAL_SEARCH"
    gls_lambda: float = 0.1
    neighbors_ratio: float = 1.0
    min_neighbors: int = 20
    trips_per_vehicle: int = 0
    tuned: bool = True
    ruin_recreate: bool = True
    temperature: float = RuinRecreateConfig.start_temperature
    #: None: :data:`TIMED_MEAN_REMOVED` with time windows, else the loop's default.
    mean_removed: float | None = None
    polish_rounds: int = RuinRecreateConfig.polish_rounds
    name: str = "ortools"

    def unsupported(self, problem: RoutingProblem) -> str | None:
        return None

    def config(self, limit: SearchLimit,
               problem: RoutingProblem | None = None) -> RoutingConfig:
        """The search for ``problem`` (None: the settings alone, as for a capacity-only
        problem)."""
        mean_removed = self.mean_removed
        if mean_removed is None:
            timed = problem is not None and problem.timed
            mean_removed = TIMED_MEAN_REMOVED if timed else RuinRecreateConfig.mean_removed
        return RoutingConfig(
            self.first_solution, self.metaheuristic, time_limit_s=limit.time_limit_s,
            solution_limit=(limit.iterations or 200) if limit.deterministic else None,
            gls_lambda=self.gls_lambda,
            neighbors_ratio=self.neighbors_ratio, min_neighbors=self.min_neighbors,
            trips_per_vehicle=self.trips_per_vehicle,
            tuned=self.tuned, ruin_recreate=self.ruin_recreate, seed=limit.seed,
            loop=RuinRecreateConfig(
                mean_removed=mean_removed, start_temperature=self.temperature,
                end_temperature=self.temperature / TEMPERATURE_FALL,
                polish_rounds=self.polish_rounds))

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        return solve_routing(problem, self.config(limit, problem))


register("ortools", EngineSpec(
    OrToolsEngine, "OR-Tools routing library (tuned)",
    {"first_solution": "SAVINGS", "metaheuristic": "GUIDED_LOCAL_SEARCH", "gls_lambda": 0.1,
     "neighbors_ratio": 1.0, "min_neighbors": 20, "trips_per_vehicle": 0, "tuned": True,
     "ruin_recreate": True, "temperature": RuinRecreateConfig.start_temperature,
     "mean_removed": None,
     "polish_rounds": RuinRecreateConfig.polish_rounds}))
