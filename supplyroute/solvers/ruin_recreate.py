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

Capacity only: problems with time windows or reloads are not for this loop
(:func:`applies` says which are).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from supplyroute.solvers.routing import Routes, RoutingProblem

log = logging.getLogger(__name__)


def applies(problem: RoutingProblem) -> bool:
    """Whether the loop can search ``problem``: capacities, no times, no reloads."""
    return not problem.timed and not problem.reloads and problem.service is None


@dataclass(frozen=True)
class RuinRecreateConfig:
    """SISR's parameters (the paper's names in brackets) and the annealing schedule."""

    mean_removed: float = 10.0  #: clients removed per step on average (c-bar).
    max_string: int = 10  #: longest string removed (L^max).
    blink: float = 0.01  #: chance of skipping an insertion place (beta).
    #: Start and end temperatures, as shares of the start solution's mean arc.
    start_temperature: float = 0.01
    end_temperature: float = 0.0005
    candidate_routes: int = 30  #: a client is inserted into the routes of its nearest this many.
    polish_rounds: int = 4  #: OR-Tools descents from the best, spread over the run.


@dataclass
class _State:
    paths: list[np.ndarray]  #: per vehicle: 0, its clients, 0 (an unused vehicle: 0, 0).
    route_of: np.ndarray  #: client -> its vehicle (-1: none).
    loads: np.ndarray
    lengths: np.ndarray  #: distance per vehicle.

    @property
    def cost(self) -> float:
        return float(self.lengths.sum())

    @property
    def routes(self) -> Routes:
        return [p[1:-1].tolist() for p in self.paths if len(p) > 2]

    def copy(self) -> _State:
        return _State(list(self.paths), self.route_of.copy(), self.loads.copy(),
                      self.lengths.copy())


#: How :meth:`_Search.recreate` orders the removed clients (random, by demand, far from
#: the depot first, near first), with SISR's weights.
_ORDERS = np.cumsum([4, 4, 2, 1]) / 11


class _Search:
    def __init__(self, problem: RoutingProblem, config: RuinRecreateConfig, seed: int):
        self.d = np.asarray(problem.distance, dtype=float)
        self.q = np.asarray(problem.demand, dtype=float)
        self.capacity = float(problem.capacity) + 1e-9
        self.fleet = problem.vehicles
        self.config = config
        self.rng = np.random.default_rng(seed)
        n = len(self.q)
        # Each client's other clients, nearest first (the depot left out).
        order = np.argsort(self.d[1:, 1:], axis=1, kind="stable") + 1
        self.near = np.zeros((n, n - 1), dtype=np.int64)
        self.near[1:] = order
        self.near_short = self.near[:, 1:1 + config.candidate_routes]

    def state(self, routes: Routes) -> _State:
        paths = [np.array([0, *r, 0], dtype=np.int64) for r in routes if r]
        paths += [np.zeros(2, dtype=np.int64) for _ in range(self.fleet - len(paths))]
        route_of = np.full(len(self.q), -1, dtype=np.int64)
        for r, path in enumerate(paths):
            route_of[path[1:-1]] = r
        loads = np.array([self.q[p].sum() for p in paths], dtype=float)
        lengths = np.array([self.length(p) for p in paths], dtype=float)
        return _State(paths, route_of, loads, lengths)

    def length(self, path: np.ndarray) -> float:
        return float(self.d[path[:-1], path[1:]].sum())

    def ruin(self, s: _State) -> list[int]:
        """Remove strings from routes near a random client; return the removed."""
        c, rng = self.config, self.rng
        sizes = [len(p) - 2 for p in s.paths if len(p) > 2]
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
            size = int(rng.uniform(1, min(len(path) - 2, max_length) + 1))
            at = int(np.flatnonzero(path == client)[0])  # 1 .. len - 2
            first = int(rng.integers(max(1, at - size + 1), min(at, len(path) - 1 - size) + 1))
            cut = path[first:first + size]
            s.paths[r] = np.concatenate((path[:first], path[first + size:]))
            s.route_of[cut] = -1
            s.loads[r] -= self.q[cut].sum()
            s.lengths[r] = self.length(s.paths[r])
            removed += cut.tolist()
        return removed

    def recreate(self, s: _State, removed: list[int]) -> bool:
        """Insert ``removed`` one by one; False if one fits in no route."""
        rng, d, q = self.rng, self.d, self.q
        way = int(np.searchsorted(_ORDERS, rng.random()))
        if way == 0:
            rng.shuffle(removed)
        elif way == 1:
            removed.sort(key=lambda i: -q[i])
        elif way == 2:
            removed.sort(key=lambda i: -d[0, i])
        else:
            removed.sort(key=lambda i: d[0, i])
        for client in removed:
            near = s.route_of[self.near_short[client]]
            candidates = np.unique(near[near >= 0])
            empty = np.flatnonzero(s.lengths == 0)
            if len(empty):
                candidates = np.append(candidates, empty[0])
            if not self._insert(s, client, candidates):
                others = np.setdiff1d(np.arange(len(s.paths)), candidates)
                if not self._insert(s, client, others):
                    return False
        return True

    def _insert(self, s: _State, client: int, candidates: np.ndarray) -> bool:
        """Put ``client`` where it adds the least distance among the routes with room
        (False if none has room): one vectorised pass over all their places."""
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
        s.paths[r] = np.concatenate((path[:offset + 1], [client], path[offset + 1:]))
        s.route_of[client] = r
        s.loads[r] += demand
        s.lengths[r] += float(added[at])
        return True


def improve(problem: RoutingProblem, routes: Routes, time_limit_s: float, seed: int = 0,
            config: RuinRecreateConfig | None = None,
            polish: Callable[[Routes], Routes | None] | None = None,
            iterations: int | None = None) -> Routes:
    """Better routes from ``routes``, which must serve every client within capacity.

    Runs for ``time_limit_s``, or for ``iterations`` steps when given (then the same
    input gives the same routes on any machine, the time limit permitting). The
    temperature falls geometrically over the run. ``polish`` (OR-Tools' descent) runs
    on the best routes ``config.polish_rounds`` times, the last at the end.
    """
    config = config or RuinRecreateConfig()
    search = _Search(problem, config, seed)
    current = search.state(routes)
    best = current.copy()
    mean_arc = current.cost / max(1, problem.clients + len(routes))
    hot = config.start_temperature * mean_arc
    cold = config.end_temperature * mean_arc
    started = time.monotonic()
    rounds = max(1, config.polish_rounds)
    polished = 0
    step = failed = 0
    start_cost = best.cost

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
                if candidate.cost < best.cost - 1e-9 and candidate.route_of[1:].min() >= 0:
                    log.debug("polish %d at step %d: %.1f -> %.1f", polished, step,
                              best.cost, candidate.cost)
                    best, current = candidate, candidate.copy()
        if done >= 1.0:
            break
        step += 1
        temperature = hot * (cold / hot) ** done if hot > 0 else 0.0
        candidate = current.copy()
        removed = search.ruin(candidate)
        if not search.recreate(candidate, removed):
            failed += 1
            continue
        threshold = current.cost - temperature * math.log(search.rng.random())
        if candidate.cost < threshold:
            current = candidate
            if current.cost < best.cost - 1e-9:
                best = current.copy()
    log.debug("ruin and recreate: %d steps (%d could not reinsert), %.1f -> %.1f",
              step, failed, start_cost, best.cost)
    return best.routes
