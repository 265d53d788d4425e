"""Routing problems and the engines that solve them.

A :class:`RoutingProblem` is what the doorstep round and the standard benchmark sets
have in common: one depot (node 0: a compound's supply gate, or an instance's depot), a
fleet, capacities per trip, optional time windows, service times, release dates (goods
available at the depot from a time: disinfection batches) and reloads (a vehicle comes
back to the depot and leaves again: a volunteer's next trip).

An :class:`Engine` solves such a problem and returns :data:`Routes`. Engines live in
their own modules, one per solver library (:mod:`supplyroute.routing.ortools_engine`,
:mod:`supplyroute.routing.pyvrp_engine`), and are looked up by name with
:func:`engine`; an engine says with :meth:`Engine.unsupported` which problems are
outside its feature set, so a caller can use the better engine where it applies and
OR-Tools where only it has the constraint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

#: One list per vehicle used; client nodes in visiting order, ``0`` between two trips
#: (a reload at the depot). The depot is not written at either end.
Routes = list[list[int]]


@dataclass(frozen=True)
class RoutingProblem:
    """Node 0 is the depot. Times and distances share one unit (travel time = distance)."""

    distance: np.ndarray
    demand: np.ndarray
    capacity: float
    vehicles: int  #: the fleet: never more vehicles than this.
    service: np.ndarray | None = None
    earliest: np.ndarray | None = None
    latest: np.ndarray | None = None  #: ``latest[0]`` is when the depot closes.
    release: np.ndarray | None = None  #: a trip leaves only once its clients' goods are in.
    reloads: bool = False  #: vehicles may make several trips.
    coordinates: np.ndarray | None = None  #: planar positions, if known (for sweeps).
    scale: int = 10  #: integer units per distance unit, for integer engines.

    @property
    def clients(self) -> int:
        return len(self.demand) - 1

    @property
    def timed(self) -> bool:
        return self.latest is not None

    @property
    def released(self) -> bool:
        return self.release is not None and bool(np.any(self.release > 0))


@dataclass(frozen=True)
class SearchLimit:
    """How long an engine may search, and with which seed.

    With ``deterministic`` an engine stops on a count (solutions, iterations) so that
    the same problem gives the same routes on any machine; ``time_limit_s`` still caps it.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    deterministic: bool = False
    iterations: int | None = None  #: the count for deterministic runs (engine-specific unit).


def route_distance(problem: RoutingProblem, routes: Routes) -> float:
    """Total distance of ``routes``, each trip from and back to the depot."""
    total = 0.0
    for route in routes:
        here = 0
        for c in [*route, 0]:
            total += float(problem.distance[here, c])
            here = c
    return total


class Unsupported(Exception):
    """The engine (or peer) cannot solve this kind of problem; the message says why."""


class Engine(Protocol):
    """A routing engine: one solver library set up one way."""

    name: str

    def unsupported(self, problem: RoutingProblem) -> str | None:
        """Why this engine cannot solve ``problem``, or None if it can."""

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        """The best routes found within ``limit``, or None if none was found.

        Raises :class:`Unsupported` when :meth:`unsupported` gives a reason."""


@dataclass
class EngineSpec:
    """How to build an engine from options (a sweep's grid point, say)."""

    build: Callable[..., Engine]
    summary: str
    defaults: dict[str, Any] = field(default_factory=dict)


_ENGINES: dict[str, EngineSpec] = {}


def register(name: str, spec: EngineSpec) -> None:
    _ENGINES[name] = spec


def engines() -> dict[str, EngineSpec]:
    """The registered engines (each engine module registers itself; the package's
    ``__init__`` imports them all, so any import of the layer sees every engine)."""
    return dict(_ENGINES)


def engine(name: str, **options: Any) -> Engine:
    """Build the engine registered as ``name`` with ``options`` over its defaults."""
    known = engines()
    if name not in known:
        raise ValueError(f"unknown engine {name!r}; known: {', '.join(sorted(known))}")
    spec = known[name]
    unknown = sorted(set(options) - set(spec.defaults))
    if unknown:
        raise ValueError(f"engine {name!r} has no option {unknown[0]!r}; "
                         f"options: {', '.join(sorted(spec.defaults)) or 'none'}")
    return spec.build(**{**spec.defaults, **options})


#: The order in which :class:`AutoEngine` tries engines: the better one first.
PREFERENCE = ("pyvrp", "ortools")


@dataclass
class AutoEngine:
    """The first engine of :data:`PREFERENCE` that can solve the problem: PyVRP where
    it is installed and the problem is inside its feature set, OR-Tools otherwise."""

    name: str = "auto"

    def choose(self, problem: RoutingProblem) -> Engine:
        known = engines()
        for name in PREFERENCE:
            if name not in known:
                continue
            candidate = engine(name)
            if candidate.unsupported(problem) is None:
                return candidate
        raise Unsupported("no engine can solve this problem")

    def unsupported(self, problem: RoutingProblem) -> str | None:
        try:
            self.choose(problem)
        except Unsupported as exc:
            return str(exc)
        return None

    def solve(self, problem: RoutingProblem, limit: SearchLimit) -> Routes | None:
        return self.choose(problem).solve(problem, limit)


register("auto", EngineSpec(AutoEngine, "PyVRP where it applies, else OR-Tools"))
