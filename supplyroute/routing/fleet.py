"""Packing clients into a fixed fleet: a start for the routing search.

On capacitated instances whose fleet is as small as the demand allows (CVRP X's ``k``
is the fewest vehicles that can carry everything; X-n101-k25 leaves 3 units of 5,150
spare), route-building heuristics such as savings leave a client that fits nowhere,
and the routing search rarely makes room for it. :func:`fleet_start` packs the clients
into the vehicles first: sweep sectors of equal demand round the depot (so that each
vehicle's clients lie together), then a local search over moves and swaps that
removes every overload, preferring to move a client to a vehicle whose sector is near.
Each vehicle's clients, in sweep order, make its route; the routing search then
improves the routes while keeping everyone served.
"""

from __future__ import annotations

import time

import numpy as np

from supplyroute.routing.problem import Routes, RoutingProblem

#: Weight of the distance to the target sector against one unit of overload removed.
DISTANCE_WEIGHT = 1e-6
#: A client may move only to one of its this many nearest bins (or stay where it is).
NEAREST_BINS = 6


def sweep_order(problem: RoutingProblem) -> np.ndarray:
    """Clients sorted by angle round the depot (by nearest-neighbour order when the
    problem has no coordinates)."""
    n = len(problem.demand)
    if problem.coordinates is not None:
        rel = problem.coordinates[1:] - problem.coordinates[0]
        return 1 + np.argsort(np.arctan2(rel[:, 1], rel[:, 0]), kind="stable")
    order, left, here = [], set(range(1, n)), 0
    while left:
        here = min(left, key=lambda c: problem.distance[here, c])
        order.append(here)
        left.discard(here)
    return np.asarray(order)


def _overload(load: np.ndarray, capacity: float) -> np.ndarray:
    return np.maximum(load - capacity, 0.0)


def fleet_start(problem: RoutingProblem, time_limit_s: float, seed: int = 0,
                max_steps: int = 200_000, routes: Routes | None = None) -> Routes | None:
    """:func:`pack`, first keeping clients among their nearest bins, then, if that
    finds nothing in half the time, free to go anywhere."""
    return (pack(problem, time_limit_s / 2, seed, max_steps, routes, NEAREST_BINS)
            or pack(problem, time_limit_s / 2, seed, max_steps, routes, problem.vehicles))


def pack(problem: RoutingProblem, time_limit_s: float, seed: int = 0,
         max_steps: int = 200_000, routes: Routes | None = None,
         nearest_bins: int = NEAREST_BINS) -> Routes | None:
    """Routes serving every client with at most ``problem.vehicles`` vehicles, within
    capacity (time windows are left to the routing search), or None if the search
    found no packing within ``time_limit_s`` or ``max_steps``.

    Given ``routes`` that leave clients out (a savings solution, say), the packing
    starts from them instead of from sweep sectors: each missing client goes to the
    route nearest to it, and the search moves as little as it must; clients keep their
    places and the newcomers are inserted where they cost least.
    """
    k, capacity = problem.vehicles, float(problem.capacity)
    q = np.asarray(problem.demand, dtype=float)
    if q[1:].sum() > k * capacity + 1e-9 or q[1:].max(initial=0.0) > capacity + 1e-9:
        return None
    order, bins, near = _sweep_sectors(problem, q, k)
    kept = [list(r) for r in (routes or []) if r][:k]
    if kept:
        kept += [[] for _ in range(k - len(kept))]
        near = _bins_from_routes(problem, kept, bins)
    load = np.bincount(bins[1:], weights=q[1:], minlength=k)
    allowed = _allowed_bins(near, bins, nearest_bins)
    search = _OverloadSearch(q, capacity, bins, load, near, allowed, seed)
    if not search.relieve(time_limit_s, max_steps):
        return None
    if kept:
        return [r for r in _reroute(problem, kept, bins) if r]
    clients = np.arange(1, len(q))
    rank = np.empty(len(q), dtype=int)
    rank[order] = np.arange(len(order))
    packed = [sorted(clients[bins[1:] == b].tolist(), key=rank.__getitem__) for b in range(k)]
    return [r for r in packed if r]


def _sweep_sectors(problem: RoutingProblem, q: np.ndarray,
                   k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sweep order, each client's bin in ``k`` sectors of equal demand round the
    depot, and each client's weighted distance to every sector's seed client."""
    order = sweep_order(problem)
    cumulative = np.cumsum(q[order])
    sector = np.minimum((cumulative - q[order] / 2) * k // cumulative[-1], k - 1).astype(int)
    seeds = order[np.minimum(np.searchsorted(cumulative, (np.arange(k) + 0.5)
                                              * cumulative[-1] / k), len(order) - 1)]
    bins = np.zeros(len(q), dtype=int)
    bins[order] = sector
    near = problem.distance[:, seeds] * DISTANCE_WEIGHT  # client x bin
    return order, bins, near


def _bins_from_routes(problem: RoutingProblem, kept: Routes, bins: np.ndarray) -> np.ndarray:
    """Put each client in ``bins`` in its kept route, or in the route nearest to it if
    none serves it; return each client's weighted nearness to every route."""
    bins[:] = -1
    for b, route in enumerate(kept):
        bins[route] = b
    # Nearness to a route: the distance to its nearest client (the depot if empty).
    near = np.stack([problem.distance[:, r or [0]].min(axis=1) for r in kept], axis=1)
    near *= DISTANCE_WEIGHT
    for i in np.flatnonzero(bins[1:] < 0) + 1:
        bins[i] = int(np.argmin(near[i]))
    return near


def _allowed_bins(near: np.ndarray, bins: np.ndarray, nearest_bins: int) -> np.ndarray:
    """Client x bin: may the client go there? Only its nearest bins and its own, so
    that packs stay compact."""
    allowed = np.zeros(near.shape, dtype=bool)
    nearest = np.argsort(near, axis=1, kind="stable")[:, :nearest_bins]
    np.put_along_axis(allowed, nearest, True, axis=1)
    allowed[np.arange(len(bins)), bins] = True
    return allowed


class _OverloadSearch:
    """The local search that moves and swaps clients between bins until no vehicle is
    loaded over capacity; it updates ``bins`` and ``load`` in place."""

    def __init__(self, q: np.ndarray, capacity: float, bins: np.ndarray, load: np.ndarray,
                 near: np.ndarray, allowed: np.ndarray, seed: int) -> None:
        self.q, self.capacity = q, capacity
        self.bins, self.load = bins, load
        self.near, self.allowed = near, allowed
        self.rng = np.random.default_rng(seed)
        self.clients = np.arange(1, len(q))

    def relieve(self, time_limit_s: float, max_steps: int) -> bool:
        """Step until every bin is within capacity (True), or the steps or time run
        out (False)."""
        capacity, load, rng, bins = self.capacity, self.load, self.rng, self.bins
        started, steps = time.monotonic(), 0
        while load.max() > capacity + 1e-9:
            steps += 1
            if steps > max_steps or time.monotonic() - started > time_limit_s:
                return False
            b = int(rng.choice(np.flatnonzero(load > capacity + 1e-9)))
            i = int(rng.choice(self.clients[bins[1:] == b]))
            value, j, c = self._best_relief(i, b)
            if value >= 0 and rng.random() < 0.1:  # stuck: a random move shakes it up
                c, j = int(rng.choice(np.flatnonzero(self.allowed[i]))), -1
                if c == b:
                    continue
            self._apply(i, j, b, c)
        return True

    def _best_relief(self, i: int, b: int) -> tuple[float, int, int]:
        """The best way to take client ``i`` out of overloaded bin ``b``: its value
        (overload change plus a little distance), the client swapped in (-1 for a plain
        move) and the bin ``i`` goes to."""
        q, capacity, load, bins = self.q, self.capacity, self.load, self.bins
        allowed, near, clients = self.allowed, self.near, self.clients
        before = _overload(load, capacity)
        # Move i to bin c: the change in total overload, plus a little distance.
        moved = (_overload(load[b] - q[i], capacity) - before[b]
                 + _overload(load + q[i], capacity) - before + near[i])
        moved[b] = np.inf
        moved[~allowed[i]] = np.inf
        # Swap i with a lighter client j in another bin, each moving to an allowed bin.
        others = clients[(bins[1:] != b) & (q[1:] < q[i]) & allowed[i, bins[1:]]
                         & allowed[1:, b]]
        delta = q[i] - q[others]
        target = bins[others]
        swapped = (_overload(load[b] - delta, capacity) - before[b]
                   + _overload(load[target] + delta, capacity) - before[target]
                   + near[i, target])
        best_move = int(np.argmin(moved))
        best_swap = int(np.argmin(swapped)) if len(others) else -1
        if best_swap >= 0 and swapped[best_swap] < moved[best_move]:
            return swapped[best_swap], int(others[best_swap]), int(target[best_swap])
        return moved[best_move], -1, best_move

    def _apply(self, i: int, j: int, b: int, c: int) -> None:
        """Move client ``i`` from bin ``b`` to ``c``, and client ``j`` (unless -1) back
        the other way."""
        q, bins, load = self.q, self.bins, self.load
        if j < 0:
            bins[i] = c
            load[b] -= q[i]
            load[c] += q[i]
        else:
            bins[i], bins[j] = c, b
            load[b] -= q[i] - q[j]
            load[c] += q[i] - q[j]


def _reroute(problem: RoutingProblem, routes: Routes, bins: np.ndarray) -> Routes:
    """``routes`` with each client moved to its bin: those that stay keep their order,
    the others are inserted where they add the least distance."""
    d = problem.distance
    out = [[c for c in route if bins[c] == b] for b, route in enumerate(routes)]
    placed = {c for route in out for c in route}
    for c in range(1, len(bins)):
        if c in placed:
            continue
        route = out[bins[c]]
        path = [0, *route, 0]
        added = [d[a, c] + d[c, z] - d[a, z] for a, z in zip(path[:-1], path[1:], strict=True)]
        route.insert(int(np.argmin(added)), c)
    return out
