"""A portfolio engine: several engines at once, one process each, best routes kept.

OR-Tools' routing search is single-threaded, so on a machine with two cores the
second core is only used by running a second, different search beside the first. The
members differ in configuration (and seed); each gets the full time limit, and the
portfolio returns the routes that serve the most clients at the lowest distance.

Inside a daemonic process (a Dask worker, say), which may not start children, the
members run one after the other with an equal share of the time instead.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field, replace
from typing import Any

from supplyroute.routing.problem import (
    EngineSpec,
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    engine,
    register,
    route_distance,
)

#: The default members: OR-Tools from two different first solutions.
DEFAULT_MEMBERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("ortools", {}),
    ("ortools", {"first_solution": "PATH_CHEAPEST_ARC"}),
)


def _run_member(args: tuple[str, dict[str, Any], RoutingProblem, SearchLimit]) -> Routes | None:
    name, options, problem, limit = args
    try:
        return engine(name, **options).solve(problem, limit)
    except Unsupported:
        return None


def _quality(problem: RoutingProblem, routes: Routes | None) -> tuple[int, float]:
    """Smaller is better: clients left out first, then distance."""
    if routes is None:
        return (problem.clients + 1, float("inf"))
    served = {c for route in routes for c in route if c}
    return (problem.clients - len(served), route_distance(problem, routes))


@dataclass
class PortfolioEngine:
    """Runs ``members`` (engine name, options) side by side; keeps the best routes."""

    members: tuple[tuple[str, dict[str, Any]], ...] = DEFAULT_MEMBERS
    name: str = "portfolio"
    cores: int = field(init=False)

    def __post_init__(self) -> None:
        self.members = tuple((str(n), dict(o)) for n, o in self.members)
        self.cores = len(self.members)

    def unsupported(self, problem: RoutingProblem) -> str | None:
        reasons = [engine(n, **o).unsupported(problem) for n, o in self.members]
        return None if any(r is None for r in reasons) else "; ".join(map(str, reasons))

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        reason = self.unsupported(problem)
        if reason:
            raise Unsupported(reason)
        jobs = [(n, o, problem, replace(limit, seed=limit.seed + k))
                for k, (n, o) in enumerate(self.members)]
        if multiprocessing.current_process().daemon or len(jobs) == 1:
            share = limit.time_limit_s / len(jobs)
            results = [_run_member((n, o, p, replace(lim, time_limit_s=share)))
                       for n, o, p, lim in jobs]
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(len(jobs)) as pool:
                results = pool.map(_run_member, jobs)
        return min(results, key=lambda r: _quality(problem, r))


register("portfolio", EngineSpec(
    PortfolioEngine, "several engines side by side, one process each, best kept",
    {"members": DEFAULT_MEMBERS}))
