"""Shipments: pickup-and-delivery routing with time windows, on OR-Tools.

The first echelon's problem: vehicles, each with its own start and end place, speed,
shift, capacities (kg, room, seats) and cost per km, carry *pairs* (a pickup node and
its delivery node, served by one vehicle, the pickup first): goods from a depot to a
gate, or a person from a gate to a hospital. A vehicle may pick up several pairs before
it delivers them and comes back for more, so multi-trip days need no reload idiom.

Every node may carry a time window and a service time (loading, unloading, boarding);
a delivery may carry a soft target (a time after which each second late costs
``weight``): how the joint planner asks for the goods a round needs first. Pairs may
be optional at a penalty (an infeasible day still gives the routes that serve most).

Times are whole seconds; distances metres. Deterministic runs stop on a solution
count, never on the clock.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from supplyroute.routing.problem import SearchLimit

if TYPE_CHECKING:
    from ortools.constraint_solver import routing_parameters_pb2

log = logging.getLogger(__name__)

#: Integer units per kg and per m3 of room in the capacity dimensions.
KG_UNITS = 10
M3_UNITS = 1000
#: Deterministic runs: solutions the search may find before it stops, for this many
#: pairs (fewer for more pairs, each solution taking longer)...
DETERMINISTIC_SOLUTIONS = 200
DETERMINISTIC_PAIRS = 50
#: ...and a wall-clock cap far above what the count takes.
DETERMINISTIC_CAP_S = 3600.0


def deterministic_solutions(problem: ShipmentProblem) -> int:
    pairs = max(1, len(problem.pairs))
    return max(50, DETERMINISTIC_SOLUTIONS * DETERMINISTIC_PAIRS // max(pairs, DETERMINISTIC_PAIRS))


@dataclass(frozen=True)
class Fleet:
    """One vehicle of a shipment problem."""

    start: int  #: node index of its start place.
    end: int
    speed_mps: float
    shift: tuple[int, int]
    capacity_kg: float
    capacity_m3: float | None = None
    seats: int = 0
    cost_per_km: float = 1.0


@dataclass(frozen=True)
class Pair:
    pickup: int
    delivery: int
    kg: float = 0.0
    m3: float = 0.0
    seats: int = 0
    vehicles: tuple[int, ...] | None = None  #: allowed vehicles (default: any).
    penalty: int | None = None  #: None: must be served.


@dataclass
class ShipmentProblem:
    """Node places, the pairs over them and the fleet. Start and end nodes are nodes
    too (one per vehicle end, at its depot)."""

    distance_m: np.ndarray  #: between nodes.
    service_s: np.ndarray  #: at each node.
    window: list[tuple[int, int]]  #: earliest and latest service start, per node.
    pairs: list[Pair]
    fleet: list[Fleet]
    #: Soft targets: node -> (time, cost per second later).
    targets: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: Cost per second of the fleet's span (last return minus first start).
    span_cost: int = 0


#: A pair joins a vehicle's last trip (picked up with that trip's goods, delivered
#: after them) only if no delivery already in the trip comes later by more than this.
MERGE_DELAY_S = 900.0


@dataclass
class _Vehicle:
    """A vehicle's first solution so far: closed trips, then its open last trip, each
    trip all its pickups then all its deliveries."""

    closed: list[int]
    last: list[Pair]
    before: tuple[int, float]  #: where and when the last trip starts.
    end: tuple[int, float]  #: where and when the last trip ends.
    times: dict[int, float]  #: service start of the last trip's nodes.


def _trip(problem: ShipmentProblem, transit: np.ndarray, pairs: list[Pair],
          before: tuple[int, float]) -> tuple[dict[int, float], tuple[int, float]] | None:
    """Service starts of a trip's nodes from ``before``, None if a window is missed."""
    node, t = before
    times: dict[int, float] = {}
    for x in [p.pickup for p in pairs] + [p.delivery for p in pairs]:
        t = max(t + transit[node, x], problem.window[x][0])
        if t > problem.window[x][1]:
            return None
        times[x], node = t, x
    return times, (node, t)


def insertion_start(problem: ShipmentProblem) -> list[list[int]]:
    """A first solution: the pairs with deadlines first, then the others in order of
    their targets (else their earliest pickup), each given to the vehicle that delivers
    it soonest, either as a trip of its own or joining the vehicle's last trip (goods
    picked up together, delivered one after the other) when that fits the load and
    delays the trip's other deliveries little; within windows, shifts and capacities.
    Pairs no vehicle can take are left out. OR-Tools' own insertion heuristics weigh
    distance only and load one vehicle with everything, which its local search does not
    undo."""
    fleet = problem.fleet
    transit = [np.rint(problem.distance_m / f.speed_mps + problem.service_s[:, None])
               for f in fleet]
    state = [_Vehicle([], [], (f.start, float(f.shift[0])), (f.start, float(f.shift[0])), {})
             for f in fleet]

    horizon = max(f.shift[1] for f in fleet)

    def key(p: Pair) -> tuple[int, float, int]:
        """Pairs with a deadline of their own first (a patient, a medicine order), by it."""
        latest = problem.window[p.delivery][1]
        if latest < horizon:
            return (0, latest, p.pickup)
        target = problem.targets.get(p.delivery)
        return (1, target[0] if target else problem.window[p.pickup][0], p.pickup)

    def fits(f: Fleet, pairs: list[Pair]) -> bool:
        return (sum(p.kg for p in pairs) <= f.capacity_kg + 1e-9
                and sum(p.seats for p in pairs) <= f.seats
                and (f.capacity_m3 is None or sum(p.m3 for p in pairs) <= f.capacity_m3 + 1e-9))

    for p in sorted(problem.pairs, key=key):
        best: tuple[float, int, int, bool, dict[int, float], tuple[int, float]] | None = None
        for v, f in enumerate(fleet):
            if p.vehicles is not None and v not in p.vehicles:
                continue
            st = state[v]
            options = [(False, [p], st.end)]
            if st.last and not p.seats and not any(q.seats for q in st.last):
                options.append((True, [*st.last, p], st.before))
            for merged, pairs, before in options:
                if not fits(f, pairs):
                    continue
                timed = _trip(problem, transit[v], pairs, before)
                if timed is None:
                    continue
                times, end = timed
                if end[1] + transit[v][end[0], f.end] > f.shift[1]:
                    continue
                if merged and any(times[q.delivery] > st.times[q.delivery] + MERGE_DELAY_S
                                  for q in st.last):
                    continue
                score = (times[p.delivery], 0 if merged else 1, v)
                if best is None or score < (best[0], 0 if best[3] else 1, best[1]):
                    best = (times[p.delivery], v, 0, merged, times, end)
        if best is None:
            continue
        _, v, _, merged, times, end = best
        st = state[v]
        if not merged:
            st.closed += [q.pickup for q in st.last] + [q.delivery for q in st.last]
            st.last, st.before = [], st.end
        st.last.append(p)
        st.times, st.end = times, end
    return [st.closed + [q.pickup for q in st.last] + [q.delivery for q in st.last]
            for st in state]


def solve_shipments(problem: ShipmentProblem, limit: SearchLimit,
                    start_routes: list[list[int]] | None = None) -> list[list[int]] | None:
    """Each vehicle's nodes in visiting order (start and end left out), or None when no
    routes were found. ``start_routes`` seeds the search (a previous iteration's)."""
    n = len(problem.service_s)
    fleet = problem.fleet
    manager = pywrapcp.RoutingIndexManager(n, len(fleet), [f.start for f in fleet],
                                           [f.end for f in fleet])
    routing = pywrapcp.RoutingModel(manager)
    _register_arc_costs(routing, problem)
    time = _add_time_dimension(routing, problem)
    _add_capacities(routing, problem)
    _set_windows_and_shifts(routing, manager, time, problem)
    if not _add_pairs(routing, manager, problem):
        return None  # a pair that must be served, and cannot be
    for node, (target, weight) in problem.targets.items():
        time.SetCumulVarSoftUpperBound(manager.NodeToIndex(node), int(target), int(weight))
    if problem.span_cost:
        time.SetGlobalSpanCostCoefficient(int(problem.span_cost))

    params = _search_parameters(problem, limit)
    solution = _search(routing, manager, params, problem, start_routes)
    if solution is None:
        return None
    return _vehicle_routes(routing, manager, solution, len(fleet))


def _node_matrix(values: np.ndarray) -> list[list[int]]:
    """A node x node matrix rounded to the whole units OR-Tools works in."""
    return np.rint(values).astype(np.int64).tolist()


def _register_arc_costs(routing: pywrapcp.RoutingModel, problem: ShipmentProblem) -> None:
    """Each vehicle's arc cost: its cost per km times the distance (in cost units of a
    metre), one matrix per distinct cost."""
    costs: dict[float, int] = {}
    for v, f in enumerate(problem.fleet):
        if f.cost_per_km not in costs:
            costs[f.cost_per_km] = routing.RegisterTransitMatrix(
                _node_matrix(problem.distance_m * max(f.cost_per_km, 1e-3)))
        routing.SetArcCostEvaluatorOfVehicle(costs[f.cost_per_km], v)


def _add_time_dimension(routing: pywrapcp.RoutingModel,
                        problem: ShipmentProblem) -> pywrapcp.RoutingDimension:
    """The "Time" dimension: the service at the node left plus the drive at each
    vehicle's speed, one matrix per distinct speed."""
    fleet = problem.fleet
    transits: dict[float, int] = {}
    per_vehicle = []
    for f in fleet:
        if f.speed_mps not in transits:
            drive = problem.distance_m / f.speed_mps
            transits[f.speed_mps] = routing.RegisterTransitMatrix(
                _node_matrix(drive + problem.service_s[:, None]))
        per_vehicle.append(transits[f.speed_mps])
    horizon = max(max(f.shift[1] for f in fleet), max(w[1] for w in problem.window)) + 1
    routing.AddDimensionWithVehicleTransits(per_vehicle, horizon, horizon, False, "Time")
    return routing.GetDimensionOrDie("Time")


def _add_capacities(routing: pywrapcp.RoutingModel, problem: ShipmentProblem) -> None:
    """The load dimensions: kg always, room when a vehicle has a room limit, seats when
    a pair carries people; each pickup adds what its delivery takes off."""
    n = len(problem.service_s)
    fleet = problem.fleet

    def add_capacity(name: str, amounts: list[int], capacities: list[int]) -> None:
        vector = routing.RegisterUnaryTransitVector(amounts)
        routing.AddDimensionWithVehicleCapacity(vector, 0, capacities, True, name)

    kg = [0] * n
    m3 = [0] * n
    seats = [0] * n
    for p in problem.pairs:
        kg[p.pickup] += int(math.ceil(p.kg * KG_UNITS))
        kg[p.delivery] -= int(math.ceil(p.kg * KG_UNITS))
        m3[p.pickup] += int(math.ceil(p.m3 * M3_UNITS))
        m3[p.delivery] -= int(math.ceil(p.m3 * M3_UNITS))
        seats[p.pickup] += p.seats
        seats[p.delivery] -= p.seats
    add_capacity("Load", kg, [int(f.capacity_kg * KG_UNITS) for f in fleet])
    if any(f.capacity_m3 is not None for f in fleet):
        big = int(1e9)
        add_capacity("Room", m3, [big if f.capacity_m3 is None else int(f.capacity_m3 * M3_UNITS)
                                  for f in fleet])
    if any(p.seats for p in problem.pairs):
        add_capacity("Seats", seats, [f.seats for f in fleet])


def _set_windows_and_shifts(routing: pywrapcp.RoutingModel,
                            manager: pywrapcp.RoutingIndexManager,
                            time: pywrapcp.RoutingDimension, problem: ShipmentProblem) -> None:
    """Bound each node's service start by its window and each vehicle's start and end by
    its shift, the finalizer keeping vehicles' starts and ends as early as it can."""
    fleet = problem.fleet
    ends = {f.start for f in fleet} | {f.end for f in fleet}
    for node in range(len(problem.service_s)):
        lo, hi = problem.window[node]
        if node not in ends and lo <= hi:  # an empty window: its pair is left out below
            time.CumulVar(manager.NodeToIndex(node)).SetRange(int(lo), int(hi))
    for v, f in enumerate(fleet):
        time.CumulVar(routing.Start(v)).SetRange(int(f.shift[0]), int(f.shift[1]))
        time.CumulVar(routing.End(v)).SetRange(int(f.shift[0]), int(f.shift[1]))
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.Start(v)))
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(v)))


def _add_pairs(routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager,
               problem: ShipmentProblem) -> bool:
    """Tie each pickup to its delivery (one vehicle, pickup first), optional pairs at
    their penalty; False if a pair that must be served has an empty window."""
    solver = routing.solver()
    for p in problem.pairs:
        pi, di = manager.NodeToIndex(p.pickup), manager.NodeToIndex(p.delivery)
        if any(problem.window[x][0] > problem.window[x][1] for x in (p.pickup, p.delivery)):
            if p.penalty is None:
                return False
            routing.AddDisjunction([pi], p.penalty)
            routing.AddDisjunction([di], p.penalty)
            routing.ActiveVar(pi).SetValue(0)
            routing.ActiveVar(di).SetValue(0)
            continue
        # Same vehicle, pickup first along the route (so also no later on the clock).
        routing.AddPickupAndDelivery(pi, di)
        solver.Add(routing.VehicleVar(pi) == routing.VehicleVar(di))
        if p.vehicles is not None:  # -1: left out (an optional pair)
            routing.VehicleVar(pi).SetValues([-1, *p.vehicles])
        if p.penalty is not None:
            routing.AddDisjunction([pi], p.penalty)
            routing.AddDisjunction([di], p.penalty)
            solver.Add(routing.ActiveVar(pi) == routing.ActiveVar(di))
    return True


def _search_parameters(problem: ShipmentProblem,
                       limit: SearchLimit) -> routing_parameters_pb2.RoutingSearchParameters:
    """Parallel cheapest insertion then guided local search, stopped by the solution
    count in deterministic runs (the clock then only guards against a hang)."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION)
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    seconds = limit.time_limit_s
    if limit.deterministic:  # the count stops it; the clock only guards against a hang
        params.solution_limit = limit.iterations or deterministic_solutions(problem)
        seconds = max(seconds, DETERMINISTIC_CAP_S)
    params.time_limit.FromMilliseconds(max(1, int(seconds * 1000)))
    return params


def _search(routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager,
            params: routing_parameters_pb2.RoutingSearchParameters, problem: ShipmentProblem,
            start_routes: list[list[int]] | None) -> pywrapcp.Assignment | None:
    """Search from ``start_routes`` (else from :func:`insertion_start`), falling back
    to OR-Tools' own first solution when those do not fit the model."""
    solution = None
    if start_routes is None:
        start_routes = insertion_start(problem)
    if start_routes is not None:
        routing.CloseModelWithParameters(params)
        initial = routing.ReadAssignmentFromRoutes(
            [[manager.NodeToIndex(node) for node in nodes] for nodes in start_routes], True)
        if initial is None:
            log.info("the first solution does not fit the routing model; OR-Tools' own")
        else:
            solution = routing.SolveFromAssignmentWithParameters(initial, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    return solution


def _vehicle_routes(routing: pywrapcp.RoutingModel, manager: pywrapcp.RoutingIndexManager,
                    solution: pywrapcp.Assignment, vehicles: int) -> list[list[int]]:
    """Each vehicle's nodes in visiting order in ``solution``, start and end left out."""
    routes: list[list[int]] = []
    for v in range(vehicles):
        index = routing.Start(v)
        nodes: list[int] = []
        index = solution.Value(routing.NextVar(index))
        while not routing.IsEnd(index):
            nodes.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(nodes)
    return routes
