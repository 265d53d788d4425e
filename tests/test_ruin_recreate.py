"""The ruin-and-recreate loop around OR-Tools' local search, on small CVRPs.

Every solution is judged by the benchmark evaluator (no code shared with the loop);
runs stop on step counts, not on the clock.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from supplyroute.bench.evaluate import evaluate
from supplyroute.routing.fleet import fleet_start
from supplyroute.routing.ortools_engine import greedy_trips
from supplyroute.routing.problem import (
    Routes,
    RoutingProblem,
    SearchLimit,
    engine,
    route_distance,
)
from supplyroute.routing.ruin_recreate import RuinRecreateConfig, _Search, improve
from tests.test_ortools_engine import as_instance, problem

FOREVER = 600.0  # a time limit that never binds: the step count stops the runs


def start_routes(clients: int, seed: int, vehicles: int, capacity: float) -> tuple:
    p = problem(clients=clients, seed=seed, vehicles=vehicles, capacity=capacity)
    routes = fleet_start(p, 5.0, seed)
    assert routes is not None
    return p, routes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_improve_keeps_every_client_within_capacity_and_never_worsens(seed: int) -> None:
    p, start = start_routes(40, seed, vehicles=8, capacity=30)
    routes = improve(p, start, FOREVER, seed, iterations=400)
    result = evaluate(as_instance(p, "cvrp"), routes)
    assert result.feasible, result.problems
    assert len(routes) <= p.vehicles
    assert route_distance(p, routes) <= route_distance(p, start) + 1e-6


def test_improve_finds_better_routes_than_the_sweep_start() -> None:
    p, start = start_routes(40, 4, vehicles=8, capacity=30)
    routes = improve(p, start, FOREVER, 0, iterations=2000)
    assert route_distance(p, routes) < 0.9 * route_distance(p, start)


def test_tight_fleet_stays_within_the_fleet() -> None:
    """The demand fills the fleet to within a few units: clients still change vehicles
    only where they fit."""
    p = problem(clients=30, seed=5, vehicles=6)
    p = replace(p, capacity=float(-(-p.demand.sum() // p.vehicles)) + 1)
    start = fleet_start(p, 10.0, 0)
    assert start is not None
    routes = improve(p, start, FOREVER, 0, iterations=500)
    result = evaluate(as_instance(p, "cvrp"), routes)
    assert result.feasible, result.problems
    assert len(routes) <= p.vehicles


def test_same_seed_and_step_count_give_the_same_routes() -> None:
    p, start = start_routes(30, 6, vehicles=6, capacity=30)
    first = improve(p, start, FOREVER, 3, iterations=300)
    again = improve(p, start, FOREVER, 3, iterations=300)
    assert first == again


def test_polish_runs_the_set_number_of_times_and_a_bad_polish_is_ignored() -> None:
    p, start = start_routes(30, 7, vehicles=6, capacity=30)
    calls: list[Routes] = []

    def polish(routes: Routes) -> Routes:
        calls.append(routes)
        return [r[:-1] for r in routes]  # drops clients: shorter, and must be refused

    routes = improve(p, start, FOREVER, 0, RuinRecreateConfig(polish_rounds=3),
                     polish=polish, iterations=300)
    assert len(calls) == 3
    assert evaluate(as_instance(p, "cvrp"), routes).feasible


@pytest.mark.parametrize("timed,reloads,released", [
    (True, False, False), (True, True, False), (True, True, True), (False, True, True),
])
def test_improve_keeps_windows_releases_and_trips(timed: bool, reloads: bool,
                                                  released: bool) -> None:
    """Every constraint holds at every step: the evaluator (no shared code) checks the
    result, and it is never longer than the start."""
    p = problem(clients=25, seed=9, timed=timed, reloads=reloads, released=released,
                vehicles=2 if reloads else 6, capacity=20 if reloads else 25)
    start = greedy_trips(p)
    assert start
    assert all("served 0 times" in x for x in evaluate(as_instance(p), start).problems)
    served = sum(1 for r in start for c in r if c)
    routes = improve(p, start, FOREVER, 0, iterations=300)
    assert routes is not None
    result = evaluate(as_instance(p), routes)
    assert result.feasible or (
        # a start that leaves clients out may still leave some out, never more
        all("served 0 times" in x for x in result.problems)
        and sum(1 for r in routes for c in r if c) >= served), result.problems
    assert route_distance(p, routes) <= route_distance(p, start) + 1e-6 or \
        sum(1 for r in routes for c in r if c) > served


def test_a_start_that_breaks_a_constraint_is_refused() -> None:
    p = problem(clients=12, seed=10, vehicles=2, capacity=30)
    everyone = [list(range(1, p.clients + 1))]  # one vehicle carries it all: overloaded
    assert improve(p, everyone, FOREVER, 0, iterations=10) is None


def test_ortools_engine_runs_the_loop_deterministically_on_cvrp() -> None:
    p = problem(clients=40, seed=8, vehicles=8, capacity=30)
    limit = SearchLimit(time_limit_s=FOREVER, deterministic=True, iterations=20)
    with_loop = engine("ortools").solve(p, limit)
    assert with_loop == engine("ortools").solve(p, limit)
    without = engine("ortools", ruin_recreate=False).solve(p, limit)
    for routes in (with_loop, without):
        assert evaluate(as_instance(p, "cvrp"), routes).feasible
    assert route_distance(p, with_loop) <= route_distance(p, without) + 1e-6


def test_schedule_of_a_path_matches_a_plain_replay() -> None:
    """The vectorised start and latest-start times equal a step-by-step replay: wait
    for a window to open, leave the depot once the trip's goods are in, and the latest
    start keeps every later visit within its window."""
    import numpy as np

    from supplyroute.routing.ruin_recreate import _Search

    p = problem(clients=20, seed=11, timed=True, reloads=True, released=True, vehicles=2)
    search = _Search(p, RuinRecreateConfig(), 0)
    rng = np.random.default_rng(0)
    feasible = 0
    for _ in range(40):
        clients = rng.permutation(np.arange(1, 21))[:rng.integers(2, 12)]
        cuts = sorted(rng.choice(np.arange(1, len(clients)), size=min(2, len(clients) - 1),
                                 replace=False))
        path = [0]
        for i, c in enumerate(clients):
            if i in cuts:
                path.append(0)
            path.append(int(c))
        path = np.array([*path, 0])
        t = search.times(path)
        e, lat, s, r, d = p.earliest, p.latest, p.service, p.release, p.distance
        clock, start = e[0], []
        for i, node in enumerate(path):
            if i:
                clock += s[path[i - 1]] * (path[i - 1] != 0) + d[path[i - 1], node]
            if node == 0 and i < len(path) - 1:
                nxt = i + 1 + int(np.argmax(path[i + 1:] == 0))
                clock = max(clock, e[0], r[path[i + 1:nxt]].max(initial=0.0))
            elif node:
                clock = max(clock, e[node])
            start.append(clock)
        assert np.allclose(t.start, start)
        closes = np.where(path == 0, lat[0], lat[path])
        depots = np.flatnonzero(path == 0)
        assert t.feasible == bool(np.all(np.array(start) <= closes + 1e-9) and all(
            p.demand[path[a:b]].sum() <= p.capacity
            for a, b in zip(depots[:-1], depots[1:], strict=True)))
        if not t.feasible:
            continue
        feasible += 1
        for i in range(len(path) - 1):  # latest start: one second later breaks a window
            for delay, on_time in ((0.0, True), (1.0, False)):
                later = np.array(start, dtype=float)
                later[i] = t.latest[i] + delay
                for j in range(i + 1, len(path)):
                    step = s[path[j - 1]] * (path[j - 1] != 0) + d[path[j - 1], path[j]]
                    later[j] = max(later[j - 1] + step, start[j])
                assert bool(np.all(later[i:] <= closes[i:] + 1e-6)) == on_time
    assert feasible >= 5


def exact_fit_problem() -> RoutingProblem:
    """Two vehicles of 10 for demands 4, 4, 3, 3, 3, 3: the only packing is 4+3+3 twice,
    and insertion in most orders fills one vehicle with three 3s."""
    rng = np.random.default_rng(7)
    xy = np.vstack([[50.0, 50.0], rng.uniform(0, 100, size=(6, 2))])
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    demand = np.array([0, 4, 4, 3, 3, 3, 3], dtype=float)
    return RoutingProblem(distance, demand, 10, 2, coordinates=xy)


@pytest.mark.parametrize("repack_nodes", [0, 200])
def test_recreate_packs_removed_clients_that_insertion_one_by_one_leaves_out(
        repack_nodes: int) -> None:
    p = exact_fit_problem()
    config = RuinRecreateConfig(blink=0.0, repack_nodes=repack_nodes)
    left_out = 0
    for seed in range(40):
        search = _Search(p, config, seed)
        state = search.state([[], []])
        assert state.out == list(range(1, 7))
        search.recreate(state, [])
        left_out += bool(state.out)
        assert np.all(state.loads <= p.capacity)
        served = sorted(c for path in state.paths for c in path.tolist() if c)
        assert served == sorted(set(range(1, 7)) - set(state.out))
    if repack_nodes:
        assert left_out == 0
    else:  # the case the packing exists for
        assert left_out > 0
