"""Peer solvers run by the same harness: PyVRP and VROOM, when installed.

Each peer is set up the way its own documentation shows, from the same
:class:`RoutingProblem` and :class:`SearchLimit` as supplyroute's engines, on one core,
so that a results table puts them side by side:

* ``pyvrp``: PyVRP's modelling interface (``pyvrp.Model``: locations, depot, clients,
  one vehicle type, an edge per ordered pair) and its default ``solve``. Built apart
  from the ``pyvrp`` engine on purpose: a mistake in either conversion shows up as a
  difference between the two rows.
* ``vroom``: pyvroom on CVRP and VRPTW (VROOM has neither release dates nor reloads),
  exploration level 5, one thread, the time limit as timeout. Jobs VROOM leaves
  unassigned are left out of the routes, so the evaluator reports them missing.
* ``pyvrp-direct``: PyVRP exactly as its documentation runs a benchmark instance:
  ``pyvrp.read`` of the instance file itself with the set's rounding (``round`` for
  CVRP X, ``dimacs`` for the one-decimal sets) and ``pyvrp.solve`` with its default
  parameters. Nothing of supplyroute's conversion is involved, so any loss in the
  routing layer shows against this row. Under ``--fleet k`` the read fleet is cut to
  ``k`` (PyVRP's reader gives one vehicle per client when the file names none).
* ``supplyroute-pyvrp``: supplyroute's PyVRP engine
  (:mod:`supplyroute.routing.pyvrp_engine`), as the harness's other engines are run.

Registers into :data:`supplyroute.bench.harness.SOLVERS` at import
(:func:`supplyroute.bench.harness.solvers` imports this module); a peer whose package is
missing is not registered.
"""

from __future__ import annotations

import importlib.util
import math
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from supplyroute.bench.harness import SOLVERS, Solver
from supplyroute.routing.problem import (
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    engine,
)
from supplyroute.routing.pyvrp_engine import warnings_to_log

#: PyVRP iterations in deterministic runs when the limit gives no count.
PYVRP_ITERATIONS = 2000
#: VROOM's exploration level: 5 is its most thorough, the default of the vroom binary.
VROOM_EXPLORATION = 5
_EPS = 1e-9


def _scaled(problem: RoutingProblem) -> np.ndarray:
    """The distance (= travel time) matrix in integer units of ``1 / problem.scale``."""
    matrix = np.rint(np.asarray(problem.distance, dtype=float) * problem.scale)
    np.fill_diagonal(matrix, 0)
    return matrix.astype(np.int64)


def _times(problem: RoutingProblem) -> tuple[list[int], list[int | None], list[int], list[int]]:
    """Scaled opening and closing times (None: open), service and release times per node.

    Opening and release times round up, closing times down: an integer solution is then
    feasible on the real-valued problem."""
    n, scale = len(problem.demand), problem.scale
    early = np.zeros(n) if problem.earliest is None else problem.earliest
    late = np.full(n, math.inf) if problem.latest is None else problem.latest
    service = np.zeros(n) if problem.service is None else problem.service
    release = np.zeros(n) if problem.release is None else problem.release
    return (
        [max(0, math.ceil(float(e) * scale - _EPS)) for e in early],
        [math.floor(float(v) * scale + _EPS) if math.isfinite(v) else None for v in late],
        [round(float(s) * scale) for s in service],
        [max(0, math.ceil(float(r) * scale - _EPS)) for r in release],
    )


def _demands(problem: RoutingProblem) -> tuple[list[int], int]:
    """Demands (up) and the capacity (down) scaled like times and distances: PyVRP's
    penalties start alike per unit of load and of time, so every value is scaled alike,
    as ``pyvrp.read`` does."""
    scale = problem.scale
    demand = [math.ceil(float(d) * scale - _EPS) for d in problem.demand]
    return demand, math.floor(float(problem.capacity) * scale + _EPS)


def run_pyvrp(problem: RoutingProblem, limit: SearchLimit,
              options: dict[str, Any]) -> Routes | None:
    """PyVRP as its quickstart shows: a ``Model``, then ``model.solve`` with defaults."""
    if options:
        raise ValueError(f"the pyvrp peer takes no options, got {sorted(options)}")
    if (problem.release is not None and problem.latest is not None
            and np.any(problem.release[1:] > problem.latest[1:])):
        return None  # goods in after the window closes; PyVRP refuses such a client
    import pyvrp

    matrix = _scaled(problem).tolist()
    early, late, service, release = _times(problem)
    demand, capacity = _demands(problem)
    model = pyvrp.Model()
    locations = [model.add_location(x=0.0, y=0.0) for _ in demand]

    def window(node: int) -> dict[str, int]:
        return {"tw_early": early[node]} | ({} if late[node] is None else
                                            {"tw_late": late[node]})

    depot = model.add_depot(locations[0], **window(0))
    for node in range(1, len(demand)):
        model.add_client(locations[node], delivery=demand[node],
                         service_duration=service[node], release_time=release[node],
                         **window(node))
    model.add_vehicle_type(num_available=problem.vehicles, capacity=capacity,
                           reload_depots=[depot] if problem.reloads else [], **window(0))
    for i, frm in enumerate(locations):
        row = matrix[i]
        for j, to in enumerate(locations):
            model.add_edge(frm, to, distance=row[j], duration=row[j])

    with warnings_to_log():
        result = model.solve(stop=_stop(limit), seed=limit.seed, collect_stats=False,
                             display=False)
    return _routes(result)


def _stop(limit: SearchLimit) -> Any:
    """The wall clock, or in deterministic runs an iteration count as well."""
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    stop = MaxRuntime(limit.time_limit_s)
    if limit.deterministic:
        stop = MultipleCriteria([MaxIterations(limit.iterations or PYVRP_ITERATIONS), stop])
    return stop


def _routes(result: Any) -> Routes | None:
    """A PyVRP result's best solution as routes, or None if it is infeasible."""
    if not result.is_feasible():
        return None
    routes: Routes = []
    for route in result.best.routes():
        visits: list[int] = []
        trip = None
        for activity in route:
            if not activity.is_client():
                continue
            if trip is not None and activity.trip != trip:
                visits.append(0)  # a reload at the depot between two trips
            trip = activity.trip
            visits.append(activity.idx + 1)  # PyVRP numbers clients from 0
        if visits:
            routes.append(visits)
    return routes


#: ``pyvrp.read``'s rounding per set, as PyVRP's documentation and benchmarks use it.
PYVRP_ROUNDING = {"cvrp": "round", "vrptw": "dimacs", "mtvrptwr": "dimacs"}


def run_pyvrp_direct(problem: RoutingProblem, limit: SearchLimit, options: dict[str, Any],
                     *, path: Path) -> Routes | None:
    """PyVRP on the instance file as its documentation shows: ``pyvrp.read`` and
    ``pyvrp.solve`` with default parameters. ``problem`` only says the fleet."""
    if options:
        raise ValueError(f"the pyvrp-direct peer takes no options, got {sorted(options)}")
    import pyvrp

    from supplyroute.bench.instances import kind_of

    data = pyvrp.read(path, round_func=PYVRP_ROUNDING[kind_of(path)])
    if problem.vehicles < data.num_vehicles:  # --fleet k on CVRP X
        (vehicle_type,) = data.vehicle_types()
        data = data.replace(vehicle_types=[
            vehicle_type.replace(num_available=problem.vehicles)])
    with warnings_to_log():
        result = pyvrp.solve(data, stop=_stop(limit), seed=limit.seed,
                             collect_stats=False, display=False)
    return _routes(result)


def run_vroom(problem: RoutingProblem, limit: SearchLimit,
              options: dict[str, Any]) -> Routes | None:
    """VROOM with a custom matrix: jobs with deliveries, ``problem.vehicles`` vehicles
    from and back to the depot within its opening hours, one thread."""
    if problem.released or problem.reloads:
        raise Unsupported("VROOM has no release dates or reloads")
    exploration = int(options.get("exploration_level", VROOM_EXPLORATION))
    unknown = sorted(set(options) - {"exploration_level"})
    if unknown:
        raise ValueError(f"the vroom peer has no option {unknown[0]!r}")
    import vroom

    matrix = _scaled(problem)
    if matrix.max(initial=0) >= 2**32:
        raise Unsupported("VROOM's matrices are 32-bit: lower problem.scale")
    early, late, service, _ = _times(problem)
    demand, capacity = _demands(problem)
    problem_input = vroom.Input()
    problem_input.set_durations_matrix("car", matrix)
    shift = vroom.TimeWindow(early[0], late[0]) if late[0] is not None else None
    for v in range(problem.vehicles):
        problem_input.add_vehicle(vroom.Vehicle(v, start=0, end=0, capacity=[capacity],
                                                time_window=shift))
    for node in range(1, len(demand)):
        windows = [] if late[node] is None else [vroom.TimeWindow(early[node], late[node])]
        problem_input.add_job(vroom.Job(node, location=node, default_service=service[node],
                                        delivery=[demand[node]], time_windows=windows))
    solution = problem_input.solve(exploration_level=exploration, nb_threads=1,
                                   timeout=timedelta(seconds=limit.time_limit_s))
    steps = solution.routes
    jobs = steps[steps["type"] == "job"]
    routes: Routes = []
    for _, visits in jobs.groupby("vehicle_id", sort=True):
        routes.append([int(node) for node in visits["location_index"]])
    return [r for r in routes if r]


def _supplyroute_pyvrp(problem: RoutingProblem, limit: SearchLimit,
                       options: dict[str, Any]) -> Routes | None:
    return engine("pyvrp", **options).solve(problem, limit)


if importlib.util.find_spec("pyvrp") is not None:
    SOLVERS["pyvrp"] = Solver(run_pyvrp, "PyVRP 0.14 as its docs show (Model, default solve)")
    SOLVERS["pyvrp-direct"] = Solver(
        run_pyvrp_direct, "PyVRP 0.14 on the file itself (pyvrp.read, default solve)",
        reads_file=True)
if importlib.util.find_spec("vroom") is not None:
    SOLVERS["vroom"] = Solver(run_vroom, "VROOM (pyvroom), exploration 5, one thread")
SOLVERS["supplyroute-pyvrp"] = Solver(_supplyroute_pyvrp, "supplyroute's PyVRP engine")
