"""Ruin and recreate by string removals, around OR-Tools' local search.

Slack induction by string removals (SISR; Christiaens and Vanden Berghe, Transportation
Science 54(2), 2020): remove a few strings of consecutive clients from routes that lie
near a random client, put the removed clients back one by one, each where it adds the
least distance but now and then skipping a place ("blinks"), and accept the result by
a simulated-annealing rule. One step costs well under a millisecond, so tens of
thousands fit in ten seconds; and because strings leave several neighbouring routes at
once, they make room (slack) where no single move fits: on CVRP instances whose fleet
is as small as the demand allows, this is how clients change vehicles.

OR-Tools' local search is the other half (:func:`improve` takes it as ``polish``): its
operators (relocate, exchange, cross, Lin-Kernighan, ...) descend from the best
solution a few times during the run and at the end, and a better descent becomes the
current solution.

Every constraint of a :class:`RoutingProblem` is kept at every step: capacity per trip,
time windows (waiting allowed), service times, release dates (a trip leaves once all
its goods are in) and reloads (a vehicle's path is its trips, ``0`` between them; a
client may also go out on a trip of its own from any depot visit). A place is checked in
constant time from each path's start times and latest start times (the latest a visit
may begin with everything after it still on time); only a place whose trip must wait
longer for the new client's goods is checked by replaying that trip (all such trips of
a path at once, vectorised). A client that fits nowhere stays out; fewer clients out
always wins, then distance.

On a tight fleet (capacity only), putting clients back one by one often leaves one out
although the ruined routes have room for all of them, split differently; then a small
depth-first packing (largest first, at most ``repack_nodes`` nodes) assigns the removed
clients to vehicles with room, and each goes to its cheapest place in its vehicle.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from supplyroute.routing.problem import Routes, RoutingProblem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuinRecreateConfig:
    """SISR's parameters (the paper's names in brackets) and the annealing schedule."""

    mean_removed: float = 10.0  #: clients removed per step on average (c-bar).
    max_string: int = 10  #: longest string removed (L^max).
    blink: float = 0.01  #: chance of skipping an insertion place (beta).
    #: Start and end temperatures, as shares of the start solution's mean arc.
    start_temperature: float = 0.005
    end_temperature: float = 0.00025
    candidate_routes: int = 30  #: a client is inserted into the routes of its nearest this many.
    polish_rounds: int = 4  #: OR-Tools descents from the best, spread over the run (0: none).
    #: Capacity only: nodes of the depth-first packing tried when insertion one by one
    #: leaves clients out (0: none).
    repack_nodes: int = 200


@dataclass
class _State:
    paths: list[np.ndarray]  #: per vehicle: 0, trip, 0, trip, ..., 0 (unused: 0, 0).
    route_of: np.ndarray  #: client -> its vehicle (-1: out).
    loads: np.ndarray  #: per vehicle (single-trip problems).
    lengths: np.ndarray  #: distance per vehicle.
    out: list[int] = field(default_factory=list)  #: clients in no route.

    @property
    def cost(self) -> float:
        return float(self.lengths.sum())

    def key(self) -> tuple[int, float]:
        """Smaller is better: clients out, then distance."""
        return len(self.out), self.cost

    @property
    def routes(self) -> Routes:
        return [p[1:-1].tolist() for p in self.paths if len(p) > 2]

    def copy(self) -> _State:
        return _State(list(self.paths), self.route_of.copy(), self.loads.copy(),
                      self.lengths.copy(), list(self.out))


#: Rows of :attr:`_Times.table`.
ARRIVE, START, LATEST, RELEASE, LOAD, WALKED, CLOSE, TRIP, LEAVE, ARC = range(10)


@dataclass
class _Times:
    """One path's schedule, one row per quantity and one column per position (see the
    row constants): arrival; start (a depot: departure); latest start keeping the rest
    on time; release and load of the trip that a client inserted just after the
    position would join (the last position: infinite load, nothing joins there);
    distance and service walked to the position; the position's closing time; where
    that trip's depot is; when service there ends; and the arc to the next position.
    One table, so that an insertion joins all its candidate paths in one step."""

    table: np.ndarray
    feasible: bool

    @property
    def start(self) -> np.ndarray:
        return self.table[START]

    @property
    def latest(self) -> np.ndarray:
        return self.table[LATEST]


#: How :meth:`_Search.recreate` orders the removed clients (random, by demand, far from
#: the depot first, near first), with SISR's weights.
_ORDERS = np.cumsum([4, 4, 2, 1]) / 11


class _Search:
    def __init__(self, problem: RoutingProblem, config: RuinRecreateConfig, seed: int):
        self.d = np.asarray(problem.distance, dtype=float)
        self.d_to = np.ascontiguousarray(self.d.T)  #: row j: the distances to j.
        self.q = np.asarray(problem.demand, dtype=float)
        n = len(self.q)
        self.capacity = float(problem.capacity) + 1e-9
        self.fleet = problem.vehicles
        self.config = config
        self.rng = np.random.default_rng(seed)
        self.timed = problem.timed or problem.reloads or problem.released
        self.reloads = problem.reloads
        self.service = np.zeros(n) if problem.service is None else np.array(problem.service)
        self.service[0] = 0.0
        self.earliest = np.zeros(n) if problem.earliest is None else np.array(problem.earliest)
        self.latest = np.full(n, np.inf) if problem.latest is None else np.array(problem.latest)
        self.release = np.zeros(n) if problem.release is None else np.array(problem.release)
        self.release[0] = 0.0
        # Each client's other clients, nearest first (the depot left out).
        order = np.argsort(self.d[1:, 1:], axis=1, kind="stable") + 1
        self.near = np.zeros((n, n - 1), dtype=np.int64)
        self.near[1:] = order
        self.near_short = self.near[:, 1:1 + config.candidate_routes]
        self._times_of: dict[int, tuple[np.ndarray, _Times]] = {}

    def state(self, routes: Routes) -> _State:
        paths = [np.array([0, *r, 0], dtype=np.int64) for r in routes if r]
        paths += [np.zeros(2, dtype=np.int64) for _ in range(self.fleet - len(paths))]
        route_of = np.full(len(self.q), -1, dtype=np.int64)
        for r, path in enumerate(paths):
            route_of[path[path > 0]] = r
        loads = np.array([self.q[p].sum() for p in paths], dtype=float)
        lengths = np.array([self.length(p) for p in paths], dtype=float)
        out = np.flatnonzero(route_of[1:] < 0) + 1
        return _State(paths, route_of, loads, lengths, out.tolist())

    def length(self, path: np.ndarray) -> float:
        return float(self.d[path[:-1], path[1:]].sum())

    def times(self, path: np.ndarray) -> _Times:
        """``path``'s schedule (cached while the path lives)."""
        cached = self._times_of.get(id(path))
        if cached is not None and cached[0] is path:
            return cached[1]
        if len(self._times_of) > 4096:
            self._times_of.clear()
        d, e = self.d, self.earliest
        size = len(path)
        table = np.empty((10, size))
        depots = (path == 0).nonzero()[0]
        starts = depots[:-1]
        trips = depots[1:] - starts  # positions per trip, its starting depot included
        release, load = table[RELEASE], table[LOAD]
        release[:-1] = np.maximum.reduceat(self.release[path], starts).repeat(trips)
        load[:-1] = np.add.reduceat(self.q[path], starts).repeat(trips)
        release[-1] = load[-1] = 0.0
        opens = e[path]
        opens[starts] = np.maximum(e[0], release[starts])
        closes = table[CLOSE]
        closes[:] = self.latest[path]
        # start[i] = max(opens[i], start[i-1] + step[i-1]): with the running sum of the
        # steps, a running maximum; the latest starts are a running minimum backwards.
        step = self.service[path[:-1]] + d[path[:-1], path[1:]]
        walked = table[WALKED]
        walked[0] = 0.0
        step.cumsum(out=walked[1:])
        start = table[START]
        start[:] = walked + np.maximum.accumulate(opens - walked)
        table[ARRIVE, 0] = e[0]
        table[ARRIVE, 1:] = start[:-1] + step
        table[LATEST] = walked + np.minimum.accumulate((closes - walked)[::-1])[::-1]
        table[TRIP, :-1] = starts.repeat(trips)
        table[TRIP, -1] = size - 1
        table[LEAVE] = start + self.service[path]
        table[ARC, :-1] = d[path[:-1], path[1:]]
        table[ARC, -1] = 0.0
        feasible = bool((start <= closes + 1e-9).all() and (load <= self.capacity).all())
        load[-1] = math.inf
        times = _Times(table, feasible)
        self._times_of[id(path)] = (path, times)
        return times

    def ruin(self, s: _State) -> list[int]:
        """Remove strings (within one trip) from routes near a random client; return
        the removed clients."""
        c, rng = self.config, self.rng
        sizes = [int(np.count_nonzero(p)) for p in s.paths if len(p) > 2]
        max_length = min(c.max_string, sum(sizes) / max(1, len(sizes)))
        max_strings = 4 * c.mean_removed / (1 + max_length) - 1
        strings = int(rng.uniform(1, max_strings + 1))
        seed = int(rng.integers(1, len(self.q)))
        removed: list[int] = []
        ruined: set[int] = set()
        for client in (seed, *self.near[seed]):
            if len(ruined) >= strings:
                break
            r = int(s.route_of[client])
            if r < 0 or r in ruined:
                continue
            ruined.add(r)
            path = s.paths[r]
            at = int(np.flatnonzero(path == client)[0])
            depots = np.flatnonzero(path == 0)
            low = int(depots[depots < at].max()) + 1  # the trip is path[low:high]
            high = int(depots[depots > at].min())
            size = int(rng.uniform(1, min(high - low, max_length) + 1))
            first = int(rng.integers(max(low, at - size + 1), min(at, high - size) + 1))
            cut = path[first:first + size]
            s.paths[r] = _tidy(np.concatenate((path[:first], path[first + size:])))
            s.route_of[cut] = -1
            s.loads[r] -= self.q[cut].sum()
            s.lengths[r] = self.length(s.paths[r])
            if self.timed and not self.times(s.paths[r]).feasible:
                # Removing a visit made the path later (distances off the triangle
                # inequality): the string goes back, the route is left alone.
                s.paths[r], s.route_of[cut] = path, r
                s.loads[r] += self.q[cut].sum()
                s.lengths[r] = self.length(path)
                continue
            removed += cut.tolist()
        return removed

    def recreate(self, s: _State, removed: list[int]) -> None:
        """Insert ``removed`` and the clients out one by one; those that fit nowhere
        stay out."""
        rng, d, q = self.rng, self.d, self.q
        pending = removed + s.out
        s.out = []
        way = int(np.searchsorted(_ORDERS, rng.random()))
        if way == 0:
            rng.shuffle(pending)
        elif way == 1:
            pending.sort(key=lambda i: -q[i])
        elif way == 2:
            pending.sort(key=lambda i: -d[0, i])
        else:
            pending.sort(key=lambda i: d[0, i])
        insert = self._insert_timed if self.timed else self._insert
        ruined = None if self.timed or self.config.repack_nodes <= 0 else s.copy()
        for client in pending:
            near = s.route_of[self.near_short[client]]
            candidates = np.unique(near[near >= 0])
            empty = np.flatnonzero(s.lengths == 0)
            if len(empty):
                candidates = np.append(candidates, empty[0])
            if not insert(s, client, candidates):
                others = np.setdiff1d(np.arange(len(s.paths)), candidates)
                if not insert(s, client, others):
                    s.out.append(client)
        if s.out and ruined is not None:
            plan = self._repack(ruined, pending)
            if plan is not None:
                for client, r in plan:
                    self._insert_into(ruined, client, r)
                s.paths, s.route_of, s.loads = ruined.paths, ruined.route_of, ruined.loads
                s.lengths, s.out = ruined.lengths, []

    def _repack(self, s: _State, pending: list[int]) -> list[tuple[int, int]] | None:
        """Capacity only, when one-by-one insertion left clients out: a vehicle for
        every pending client within the room left (depth-first, largest clients first,
        each trying the vehicles where it adds least distance first), or None if none
        is found within ``config.repack_nodes`` nodes.

        On a fleet as small as the demand allows (X-n101-k25 has 3 units spare in
        5,150) most removals can only be put back as a bin packing: greedy insertion
        fails on about 70% of the steps there.
        """
        q, d = self.q, self.d
        room = self.capacity - s.loads
        order = sorted(pending, key=lambda i: (-q[i], i))
        if q[order].sum() > room.sum():
            return None
        joined = np.concatenate(s.paths)
        starts = np.cumsum([0] + [len(p) for p in s.paths[:-1]])
        before, after = joined[:-1], joined[1:]
        base = d[before, after]
        gaps = np.ones(len(before), dtype=bool)
        gaps[starts[1:] - 1] = False  # from one route's end to the next one's start
        options = []
        for client in order:
            added = np.where(gaps, d[before, client] + d[client, after] - base, math.inf)
            cost = np.minimum.reduceat(added, starts)
            fits = np.flatnonzero(room >= q[client])
            options.append(fits[np.argsort(cost[fits], kind="stable")].tolist())
        chosen: list[int] = []
        nodes = 0

        def place(level: int) -> bool:
            nonlocal nodes
            if level == len(order):
                return True
            demand = q[order[level]]
            for r in options[level]:
                if room[r] < demand:
                    continue
                nodes += 1
                if nodes > self.config.repack_nodes:
                    return False
                room[r] -= demand
                chosen.append(r)
                if place(level + 1):
                    return True
                chosen.pop()
                room[r] += demand
            return False

        if not place(0):
            return None
        return list(zip(order, chosen, strict=True))

    def _insert_into(self, s: _State, client: int, r: int) -> None:
        """Capacity only: ``client`` into route ``r`` where it adds least distance."""
        path = s.paths[r]
        added = self.d[path[:-1], client] + self.d[client, path[1:]] - self.d[path[:-1], path[1:]]
        at = int(added.argmin())
        self._put(s, r, np.concatenate((path[:at + 1], [client], path[at + 1:])), client,
                  float(added[at]))

    def _insert(self, s: _State, client: int, candidates: np.ndarray) -> bool:
        """Capacity only: put ``client`` where it adds the least distance among the
        routes with room (False if none has room), in one vectorised pass."""
        demand = self.q[client]
        fits = candidates[s.loads[candidates] + demand <= self.capacity]
        if not len(fits):
            return False
        paths = [s.paths[r] for r in fits]
        joined = np.concatenate(paths)
        ends = np.cumsum([len(p) for p in paths])
        before, after = joined[:-1], joined[1:]
        added = self.d[before, client] + self.d[client, after] - self.d[before, after]
        added[ends[:-1] - 1] = math.inf  # from one route's end to the next one's start
        added[self.rng.random(len(added)) < self.config.blink] = math.inf
        at = int(added.argmin())
        if not math.isfinite(added[at]):
            return False
        k = int(np.searchsorted(ends, at, side="right"))
        r = int(fits[k])
        offset = at - (ends[k - 1] if k else 0)
        path = s.paths[r]
        self._put(s, r, np.concatenate((path[:offset + 1], [client], path[offset + 1:])),
                  client, float(added[at]))
        return True

    def _put(self, s: _State, r: int, path: np.ndarray, client: int, added: float) -> None:
        s.paths[r] = path
        s.route_of[client] = r
        s.loads[r] += self.q[client]
        s.lengths[r] += added

    def _insert_timed(self, s: _State, client: int, candidates: np.ndarray) -> bool:
        """Time windows, release dates, reloads: the cheapest place on time and within
        the trip's capacity, or a new trip of its own from a depot visit (False if
        none); one vectorised pass over all the candidates' places."""
        if not len(candidates):
            return False
        d, q = self.d, self.q
        to_client, from_client = self.d_to[client], d[client]
        e_c, l_c = self.earliest[client], self.latest[client]
        s_c, r_c = self.service[client], self.release[client]
        paths = [s.paths[r] for r in candidates]
        lengths = np.fromiter(map(len, paths), dtype=np.int64, count=len(paths))
        ends = lengths.cumsum()
        joined = np.concatenate(paths)
        table = np.concatenate([self.times(p).table for p in paths], axis=1)
        before, after = joined[:-1], joined[1:]
        to_here, from_here = to_client.take(before), from_client.take(after)
        added = to_here + from_here - table[ARC, :-1]
        leave = table[LEAVE, :-1]
        ok = table[LOAD, :-1] <= self.capacity - q[client]
        waits = (table[RELEASE, :-1] < r_c) & ok
        if waits.any():
            # The trip leaves later, at max(departure, r_c): each visit starts at the
            # later of its old start and the new departure plus the way walked since,
            # and a place is on time if no visit of its trip up to it is late.
            depot = (table[TRIP] + np.repeat(ends - lengths, lengths)).astype(np.int64)[:-1]
            walked, start = table[WALKED, :-1], table[START, :-1]
            later = np.maximum(start, walked - walked[depot] + np.maximum(start[depot], r_c))
            late = np.cumsum(later > table[CLOSE, :-1] + 1e-9)
            leave = np.where(waits, later + self.service[before], leave)
            ok &= ~waits | (late == late[depot])
        reach = np.maximum(e_c, leave + to_here)
        ok &= reach <= l_c + 1e-9
        ok &= reach + (s_c - 1e-9) + from_here <= table[LATEST, 1:]
        ok &= self.rng.random(len(added)) >= self.config.blink
        added[~ok] = math.inf
        at = int(added.argmin())
        best = float(added[at])
        k = int(np.searchsorted(ends, at, side="right"))
        offset = at - (ends[k - 1] if k else 0)
        extra = d[0, client] + d[client, 0]
        if self.reloads and q[client] <= self.capacity and extra < best:
            # A trip of its own, leaving from any depot visit of a path that has a trip.
            depots = (joined == 0).nonzero()[0]
            owner = np.searchsorted(ends, depots, side="right")
            leave = np.maximum(np.maximum(table[ARRIVE, depots], r_c), self.earliest[0])
            reach_new = np.maximum(e_c, leave + d[0, client])
            back = reach_new + s_c + d[client, 0]
            fine = ((reach_new <= l_c + 1e-9)
                    & (np.maximum(back, table[RELEASE, depots]) <= table[LATEST, depots] + 1e-9)
                    & (lengths[owner] > 2))
            if fine.any():
                j = int(np.flatnonzero(fine)[0])
                k = int(owner[j])
                at_depot = int(depots[j] - (ends[k - 1] if k else 0))
                path = paths[k]
                self._put(s, int(candidates[k]), np.concatenate(
                    (path[:at_depot + 1], [client, 0], path[at_depot + 1:])), client, extra)
                return True
        if not math.isfinite(best):
            return False
        path = paths[k]
        self._put(s, int(candidates[k]),
                  np.concatenate((path[:offset + 1], [client], path[offset + 1:])), client, best)
        return True


def _tidy(path: np.ndarray) -> np.ndarray:
    """``path`` without empty trips (two depots in a row)."""
    keep = np.ones(len(path), dtype=bool)
    keep[1:] = ~((path[1:] == 0) & (path[:-1] == 0))
    tidy = path[keep]
    return tidy if len(tidy) >= 2 else np.zeros(2, dtype=np.int64)


def improve(problem: RoutingProblem, routes: Routes, time_limit_s: float, seed: int = 0,
            config: RuinRecreateConfig | None = None,
            polish: Callable[[Routes], Routes | None] | None = None,
            iterations: int | None = None) -> Routes | None:
    """Better routes from feasible ``routes`` (which may leave clients out), or None
    if ``routes`` break a constraint (the loop keeps constraints, it does not repair).

    Runs for ``time_limit_s``, or for ``iterations`` steps when given (then the same
    input gives the same routes on any machine, the time limit permitting). The
    temperature falls geometrically over the run. ``polish`` (OR-Tools' descent) runs
    on the best routes ``config.polish_rounds`` times, the last at the end; its routes
    are taken only if they keep as many clients and are shorter.
    """
    config = config or RuinRecreateConfig()
    search = _Search(problem, config, seed)
    current = search.state(routes)
    if not _valid(search, current):
        log.debug("ruin and recreate: the start breaks a constraint")
        return None
    best = current.copy()
    if current.out:  # a start that leaves clients out: arcs as long as from the depot
        mean_arc = float(np.mean(search.d[0, 1:]))
    else:
        mean_arc = current.cost / max(1, problem.clients + len(routes))
    hot = config.start_temperature * mean_arc
    cold = config.end_temperature * mean_arc
    started = time.monotonic()
    rounds = max(1, config.polish_rounds)
    if config.polish_rounds <= 0:
        polish = None
    polished = step = accepted = 0
    start_key = best.key()

    def progress() -> float:
        by_time = (time.monotonic() - started) / time_limit_s if time_limit_s > 0 else 1.0
        by_count = step / iterations if iterations else 0.0
        return min(1.0, max(by_time, by_count))

    while True:
        done = progress()
        if polish is not None and done >= (polished + 1) / rounds:
            polished += 1
            better = polish(best.routes)
            if better is not None:
                candidate = search.state(better)
                if candidate.key() < best.key() and _valid(search, candidate):
                    log.debug("polish %d at step %d: %s -> %s", polished, step,
                              best.key(), candidate.key())
                    best, current = candidate, candidate.copy()
        if done >= 1.0:
            break
        step += 1
        temperature = hot * (cold / hot) ** done if hot > 0 else 0.0
        candidate = current.copy()
        search.recreate(candidate, search.ruin(candidate))
        if len(candidate.out) > len(current.out):
            continue
        threshold = current.cost - temperature * math.log(search.rng.random())
        if len(candidate.out) < len(current.out) or candidate.cost < threshold:
            current = candidate
            accepted += 1
            if current.key() < best.key():
                best = current.copy()
    log.debug("ruin and recreate: %d steps, %d accepted; (out, distance) %s -> %s",
              step, accepted, start_key, best.key())
    return best.routes


def _valid(search: _Search, s: _State) -> bool:
    """Every path within capacity and on time (for routes that came from elsewhere)."""
    if not search.timed:
        return bool(np.all(s.loads <= search.capacity))
    return all(search.times(p).feasible for p in s.paths)
