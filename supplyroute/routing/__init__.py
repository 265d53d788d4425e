"""The routing layer: vehicle routing problems and the engines that solve them.

It knows nothing of compounds, households or stairs: a depot, clients, a fleet,
capacities, time windows, release dates and reloads. The compound planners
(:mod:`supplyroute.rounds`) and the benchmark harness (:mod:`supplyroute.bench`) build
:class:`RoutingProblem` instances and ask an engine by name. Importing the package
registers every engine.
"""

from supplyroute.routing import ortools_engine, portfolio, pyvrp_engine  # noqa: F401
from supplyroute.routing.problem import (
    Engine,
    EngineSpec,
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    engine,
    engines,
    register,
    route_distance,
)

__all__ = [
    "Engine", "EngineSpec", "RoutingProblem", "Routes", "SearchLimit", "Unsupported",
    "engine", "engines", "register", "route_distance",
]
