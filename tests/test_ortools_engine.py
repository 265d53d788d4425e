"""The tuned OR-Tools engine, the fleet packer and the portfolio, on small problems.

Every solution is judged by the benchmark evaluator, which shares no code with the
engines. Searches stop on solution counts (deterministic mode), not on the clock.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from supplyroute.bench.evaluate import evaluate
from supplyroute.bench.instances import Instance, read_instance, read_solution
from supplyroute.routing.fleet import fleet_start
from supplyroute.routing.problem import RoutingProblem, SearchLimit, engine, route_distance
from tests.conftest import ROOT

INSTANCES = ROOT / "benchmarks" / "instances"
LIMIT = SearchLimit(time_limit_s=60, deterministic=True, iterations=50)


def problem(clients: int = 14, seed: int = 1, *, timed: bool = False, reloads: bool = False,
            released: bool = False, vehicles: int = 3, capacity: float = 20) -> RoutingProblem:
    """Random clients round a depot at the centre; one decimal, like the standard sets."""
    rng = np.random.default_rng(seed)
    xy = np.vstack([[50.0, 50.0], rng.uniform(0, 100, size=(clients, 2))])
    distance = np.floor(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
                        * 10) / 10
    demand = np.r_[0, rng.integers(3, 9, size=clients)].astype(float)
    n = clients + 1
    service = np.r_[0, np.full(clients, 5.0)]
    earliest, latest = np.zeros(n), np.full(n, 2000.0)
    if timed:
        earliest[1:] = rng.uniform(0, 400, size=clients)
        latest[1:] = earliest[1:] + 300
    release = np.r_[0, rng.choice([0.0, 150.0, 300.0], size=clients)] if released else None
    if timed and released:  # every client reachable once its goods are in
        latest[1:] = np.maximum(latest[1:], release[1:] + distance[0, 1:] + 200)
    return RoutingProblem(distance, demand, capacity, vehicles, service if timed else None,
                          earliest if timed else None, latest if timed else None,
                          release, reloads, coordinates=xy)


def as_instance(p: RoutingProblem, kind: str = "mtvrptwr") -> Instance:
    n = len(p.demand)
    return Instance(
        name="synthetic", kind=kind, distance=p.distance, demand=p.demand,
        capacity=p.capacity, vehicles=p.vehicles, fleet_binding=True,
        service=np.zeros(n) if p.service is None else p.service,
        earliest=np.zeros(n) if p.earliest is None else p.earliest,
        latest=np.full(n, np.inf) if p.latest is None else p.latest,
        release=np.zeros(n) if p.release is None else p.release, reloads=p.reloads)


@pytest.mark.parametrize("timed,reloads,released", [
    (False, False, False), (True, False, False), (True, True, False), (True, True, True),
    (False, True, True),
])
def test_ortools_engine_feasible_on_every_problem_kind(timed: bool, reloads: bool,
                                                        released: bool) -> None:
    p = problem(timed=timed, reloads=reloads, released=released,
                vehicles=2 if reloads else 5, capacity=20 if reloads else 25)
    routes = engine("ortools").solve(p, LIMIT)
    assert routes is not None
    result = evaluate(as_instance(p), routes)
    assert result.feasible, result.problems
    assert len(routes) <= p.vehicles
    if reloads:  # two vehicles cannot carry ~80 units in single 20-unit trips
        assert result.trips > p.vehicles


def test_release_dates_make_trips_wait() -> None:
    """Everything is released late: no trip may leave before then, and the evaluator's
    depart-when-released clock must agree with the engine."""
    p = problem(timed=True, reloads=True, released=True, vehicles=2)
    late = replace(p, release=np.r_[0, np.full(p.clients, 500.0)],
                   latest=np.r_[2000.0, np.full(p.clients, 2000.0)])
    routes = engine("ortools").solve(late, LIMIT)
    assert routes is not None
    assert evaluate(as_instance(late), routes).feasible
    early_window = replace(late, latest=np.r_[2000.0, np.full(p.clients, 450.0)])
    routes = engine("ortools").solve(early_window, LIMIT)
    # Nobody can be reached by 450 if trips leave at 500: every client is left out.
    assert not routes or not evaluate(as_instance(early_window), routes).feasible


def test_fleet_start_packs_a_tight_fleet() -> None:
    """Demand fills the fleet to within 2 units: the packer still serves everyone."""
    rng = np.random.default_rng(3)
    p = problem(clients=40, vehicles=8)
    demand = p.demand.copy()
    demand[1:] = rng.integers(5, 15, size=40)
    capacity = float(np.ceil((demand.sum() + 2) / 8))
    tight = replace(p, demand=demand, capacity=capacity)
    routes = fleet_start(tight, time_limit_s=30, max_steps=50_000)
    assert routes is not None and len(routes) <= 8
    result = evaluate(as_instance(tight, "cvrp"), routes)
    assert result.feasible, result.problems


def test_fleet_start_refuses_impossible_fleets() -> None:
    p = problem(clients=10, vehicles=1, capacity=10)
    assert fleet_start(p, time_limit_s=1) is None


def test_portfolio_keeps_the_best_member() -> None:
    p = problem(clients=25, vehicles=6, capacity=30)
    members = (("ortools", {}), ("ortools", {"first_solution": "PATH_CHEAPEST_ARC"}))
    best = engine("portfolio", members=members).solve(p, LIMIT)
    alone = [engine(n, **o).solve(p, replace(LIMIT, seed=k))
             for k, (n, o) in enumerate(members)]
    assert best is not None and evaluate(as_instance(p, "cvrp"), best).feasible
    assert route_distance(p, best) == pytest.approx(min(route_distance(p, r) for r in alone))


def test_ruin_size_follows_the_problem_unless_set() -> None:
    from supplyroute.routing.ortools_engine import TIMED_MEAN_REMOVED
    from supplyroute.routing.ruin_recreate import RuinRecreateConfig

    tuned = engine("ortools")
    assert tuned.config(LIMIT, problem(timed=True)).loop.mean_removed == TIMED_MEAN_REMOVED
    assert (tuned.config(LIMIT, problem()).loop.mean_removed
            == RuinRecreateConfig.mean_removed != TIMED_MEAN_REMOVED)
    assert engine("ortools", mean_removed=7.0).config(
        LIMIT, problem(timed=True)).loop.mean_removed == 7.0


def test_unknown_engine_and_option_are_named() -> None:
    with pytest.raises(ValueError, match="unknown engine 'nope'"):
        engine("nope")
    with pytest.raises(ValueError, match="no option 'speed'"):
        engine("ortools", speed=3)


@pytest.mark.parametrize("kind,name", [
    ("cvrp", "X-n101-k25"),  # held to k: 3 units of 5,150 spare, 25 vehicles, never 26
    ("mtvrptwr", "C201R0.5"),
])
def test_standard_instance_within_its_fleet(kind: str, name: str) -> None:
    from supplyroute.bench.harness import routing_problem

    path = INSTANCES / kind / f"{name}.vrp"
    instance = read_instance(path)
    routes = engine("ortools").solve(routing_problem(instance, fleet="k"), LIMIT)
    result = evaluate(instance, routes)
    assert result.feasible and result.vehicles <= instance.vehicles, result.problems[:3]
    assert result.cost >= read_solution(path.with_suffix(".sol")).cost - 0.05
