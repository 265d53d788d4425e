"""The ``pyvrp`` engine: PyVRP's iterated local search (optional: ``pip install
'supplyroute[bench]'``).

PyVRP has every constraint of a :class:`RoutingProblem` natively: capacities, service
durations, time windows, release times and, with ``reload_depots``, multi-trip routes.
PyVRP 0.14 applies a client's release time to the *trip* that carries it (a trip leaves
the depot only once all its clients are released), which is exactly the problem's rule,
so no modelling trick is needed. ``pyvrp`` is imported inside the methods: this module
imports (and registers the engine) without it, and :meth:`PyVrpEngine.unsupported`
says how to install it.

PyVRP works on integers: times, distances *and loads* are multiplied by
``problem.scale`` (exact for the standard sets: CVRP X at scale 1, the one-decimal sets
at scale 10), as ``pyvrp.read`` scales every value of a file alike. The loads matter:
PyVRP starts every penalty (per unit of excess load, per unit of time warp) at the same
value, so loads left unscaled beside distances times ten make excess load ten times
cheaper than PyVRP's own reader would, and the search drifts (MTVRPTWR R201R0.5, 2000
iterations: 6.36% above the optimum with unscaled loads, 5.37%, identical to
``pyvrp.read``, with them scaled). Opening times and release dates round up, closing
times and capacities down, demands up, so an integer solution is feasible for the
real-valued problem too.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from supplyroute.routing.problem import (
    EngineSpec,
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    register,
)

log = logging.getLogger(__name__)

#: Iterations of PyVRP's iterated local search in deterministic mode when the limit
#: gives none: enough to settle a 100-client instance in a few seconds.
DEFAULT_ITERATIONS = 2000
_MISSING = "pyvrp is not installed (pip install 'supplyroute[bench]')"
_EPS = 1e-9


def _installed() -> bool:
    try:
        import pyvrp  # noqa: F401
    except ImportError:
        return False
    return True


def _up(value: float, scale: int) -> int:
    """A time that must not be earlier than ``value`` (opening, release), scaled."""
    return int(math.ceil(value * scale - _EPS))


def _down(value: float, scale: int) -> int | None:
    """A time that must not be later than ``value`` (closing), scaled; None if open."""
    return int(math.floor(value * scale + _EPS)) if math.isfinite(value) else None


def released_too_late(problem: RoutingProblem) -> bool:
    """Whether some client's goods come in after its window closes: no solution then.

    PyVRP refuses such a client outright (``release_time must be <= tw_late``)."""
    if problem.release is None or problem.latest is None:
        return False
    return bool(np.any(problem.release[1:] > problem.latest[1:]))


def problem_data(problem: RoutingProblem) -> Any:
    """The problem as PyVRP's ``ProblemData``: location ``i`` is node ``i``; client
    ``i - 1`` (PyVRP numbers clients from 0) stands at location ``i``."""
    from pyvrp import Client, Depot, Location, ProblemData, VehicleType

    n = len(problem.demand)
    scale = problem.scale
    matrix = np.rint(np.asarray(problem.distance, dtype=float) * scale).astype(np.int64)
    np.fill_diagonal(matrix, 0)
    service = np.zeros(n) if problem.service is None else problem.service
    earliest = np.zeros(n) if problem.earliest is None else problem.earliest
    latest = np.full(n, math.inf) if problem.latest is None else problem.latest
    release = np.zeros(n) if problem.release is None else problem.release

    def window(node: int) -> dict[str, int]:
        tw = {"tw_early": max(0, _up(float(earliest[node]), scale))}
        late = _down(float(latest[node]), scale)
        if late is not None:
            tw["tw_late"] = late
        return tw

    clients = [
        Client(location=node,
               delivery=[int(math.ceil(float(problem.demand[node]) * scale - _EPS))],
               service_duration=int(round(float(service[node]) * scale)),
               release_time=max(0, _up(float(release[node]), scale)),
               **window(node))
        for node in range(1, n)
    ]
    depot = Depot(location=0, **window(0))
    vehicle = VehicleType(
        num_available=problem.vehicles,
        capacity=[int(math.floor(problem.capacity * scale + _EPS))],
        reload_depots=[0] if problem.reloads else [],
        **window(0))
    locations = [Location(0.0, 0.0) for _ in range(n)]  # coordinates unused: matrices given
    return ProblemData(locations, clients, [depot], [vehicle], [matrix], [matrix])


def solution_routes(solution: Any) -> Routes:
    """A PyVRP solution as :data:`Routes`: per route, its trips' client nodes joined by
    0. Each scheduled activity carries its trip number; clients are numbered from 0."""
    routes: Routes = []
    for route in solution.routes():
        trips: dict[int, list[int]] = {}
        for activity in route:
            if activity.is_client():
                trips.setdefault(activity.trip, []).append(activity.idx + 1)
        joined: list[int] = []
        for trip in sorted(trips):
            joined += ([0] if joined else []) + trips[trip]
        if joined:
            routes.append(joined)
    return routes


def stopping_criterion(limit: SearchLimit, default_iterations: int = DEFAULT_ITERATIONS) -> Any:
    """Wall clock, or in deterministic mode an iteration count (the clock still caps)."""
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    clock = MaxRuntime(limit.time_limit_s)
    if not limit.deterministic:
        return clock
    return MultipleCriteria([MaxIterations(limit.iterations or default_iterations), clock])


@contextmanager
def warnings_to_log() -> Iterator[None]:
    """PyVRP's warnings (a penalty at its bound on a tight fleet, say) go to the log,
    not to the user's terminal: the library never prints."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        log.info("PyVRP: %s", " ".join(str(warning.message).split()))


@dataclass
class PyVrpEngine:
    """PyVRP with its default parameters, on one core."""

    default_iterations: int = DEFAULT_ITERATIONS  #: deterministic runs without a count.
    name: str = "pyvrp"

    def unsupported(self, problem: RoutingProblem) -> str | None:
        return None if _installed() else _MISSING

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        reason = self.unsupported(problem)
        if reason:
            raise Unsupported(reason)
        if released_too_late(problem):
            return None
        import pyvrp

        with warnings_to_log():
            result = pyvrp.solve(problem_data(problem), stopping_criterion(
                limit, self.default_iterations), seed=limit.seed, collect_stats=False,
                display=False)
        if not result.best.is_feasible():
            return None
        return solution_routes(result.best)


register("pyvrp", EngineSpec(
    PyVrpEngine, "PyVRP iterated local search (time windows, release dates, reloads)",
    {"default_iterations": DEFAULT_ITERATIONS}))
