"""An evaluator for routing solutions, independent of every solver.

Recomputes a solution's cost with the instance's convention and checks it: every
client exactly once, the fleet size, capacity on every trip (a ``0`` inside a route is
a reload at the depot, allowed only where the problem has reloads), time windows with
waiting, service times, release dates (a trip leaves the depot only once all its
clients' goods are released) and the depot's closing time. On CVRP X instances the
``k`` in the name is the fewest vehicles that can serve the clients, not a fleet limit
(8 of the 32 best-known solutions use more), so exceeding it is reported as ``over_k``
rather than as a violation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from supplyroute.bench.instances import Instance

EPS = 1e-6


@dataclass
class Evaluation:
    cost: float
    vehicles: int
    trips: int
    problems: list[str] = field(default_factory=list)
    over_k: bool = False  #: more vehicles than the instance's k (CVRP X: not a violation).

    @property
    def feasible(self) -> bool:
        return not self.problems


def _trips(route: Sequence[int]) -> list[list[int]]:
    trips: list[list[int]] = [[]]
    for c in route:
        if c == 0:
            trips.append([])
        else:
            trips[-1].append(c)
    return [t for t in trips if t]


def evaluate(instance: Instance, routes: Sequence[Sequence[int]]) -> Evaluation:
    """Cost and every broken rule of ``routes`` on ``instance``."""
    d = instance.distance
    used = [r for r in routes if any(c != 0 for c in r)]
    result = Evaluation(cost=0.0, vehicles=len(used), trips=0,
                        over_k=len(used) > instance.vehicles)
    if len(used) > instance.vehicles and instance.fleet_binding:
        result.problems.append(f"{len(used)} vehicles used, the fleet has {instance.vehicles}")
    seen: dict[int, int] = {}
    for v, route in enumerate(used):
        trips = _trips(route)
        if len(trips) > 1 and not instance.reloads:
            result.problems.append(f"route {v + 1} reloads at the depot; this problem has none")
        clock = float(instance.earliest[0])
        for trip in trips:
            result.trips += 1
            load = sum(instance.demand[c] for c in trip)
            if load > instance.capacity + EPS:
                result.problems.append(f"route {v + 1}: a trip carries {load:g} > "
                                       f"{instance.capacity:g}")
            clock = max([clock] + [float(instance.release[c]) for c in trip])
            here = 0
            for c in trip:
                if not 0 < c < len(instance.demand):
                    result.problems.append(f"route {v + 1}: no client {c}")
                    continue
                seen[c] = seen.get(c, 0) + 1
                result.cost += d[here, c]
                clock += d[here, c]
                if clock > instance.latest[c] + EPS:
                    result.problems.append(f"route {v + 1}: client {c} reached at {clock:g}, "
                                           f"after {instance.latest[c]:g}")
                clock = max(clock, float(instance.earliest[c])) + instance.service[c]
                here = c
            result.cost += d[here, 0]
            clock += d[here, 0]
            if clock > instance.latest[0] + EPS:
                result.problems.append(f"route {v + 1}: back at the depot at {clock:g}, "
                                       f"after it closes at {instance.latest[0]:g}")
    for c in range(1, len(instance.demand)):
        if seen.get(c, 0) != 1:
            result.problems.append(f"client {c} served {seen.get(c, 0)} times")
    result.cost = round(result.cost, 6)
    return result
