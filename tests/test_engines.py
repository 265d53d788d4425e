"""The PyVRP engine and the PyVRP and VROOM peers give routes the independent evaluator
accepts: on small synthetic problems (capacity, time windows, release dates, reloads)
and, on the standard instances of benchmarks/instances."""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import pytest

from supplyroute.bench.evaluate import Evaluation, evaluate
from supplyroute.bench.instances import Instance
from supplyroute.routing.problem import (
    Routes,
    RoutingProblem,
    SearchLimit,
    Unsupported,
    engine,
)
from tests.conftest import ROOT

INSTANCES = ROOT / "benchmarks" / "instances"
#: Small and fixed: the same routes on any machine, in well under a second each.
QUICK = SearchLimit(time_limit_s=30, seed=1, deterministic=True, iterations=300)
CLIENTS = 12
CAPACITY = 20.0


def synthetic(*, windows: bool = False, release: bool = False, reloads: bool = False,
              vehicles: int = 5, width: float = 150, seed: int = 7) -> RoutingProblem:
    """12 clients on a 100 x 100 square, the depot in the middle; distances truncated to
    one decimal (so scale 10 is exact); demands 3-8 against a capacity of 20: at least 3
    trips. With ``windows``, each client's window is ``width`` wide."""
    rng = np.random.default_rng(seed)
    n = CLIENTS + 1
    xy = rng.uniform(0, 100, size=(n, 2))
    xy[0] = (50, 50)
    distance = np.floor(np.linalg.norm(xy[:, None] - xy[None], axis=-1) * 10) / 10
    demand = np.concatenate([[0.0], rng.integers(3, 9, size=CLIENTS).astype(float)])
    service = earliest = latest = released = None
    timed = windows or release or reloads
    if timed:
        service = np.concatenate([[0.0], np.full(CLIENTS, 5.0)])
        earliest = np.zeros(n)
        latest = np.full(n, 2000.0)
        if windows:  # opening in [0, 300], wide enough to reach from the depot (<= 71)
            earliest[1:] = np.floor(rng.uniform(0, 300, size=CLIENTS))
            latest[1:] = earliest[1:] + width
        if release:  # with windows, early enough to reach any window: at most 100 + 71
            top = 100 if windows else 1000
            released = np.concatenate([[0.0], np.floor(rng.uniform(0, top, size=CLIENTS))])
    return RoutingProblem(distance=distance, demand=demand, capacity=CAPACITY,
                          vehicles=vehicles, service=service, earliest=earliest,
                          latest=latest, release=released, reloads=reloads, scale=10)


def as_instance(problem: RoutingProblem) -> Instance:
    """The problem as the evaluator's instance, the fleet binding."""
    n = len(problem.demand)
    zeros = np.zeros(n)
    return Instance(
        name="synthetic", kind="mtvrptwr" if problem.reloads else "vrptw",
        distance=problem.distance, demand=problem.demand, capacity=problem.capacity,
        vehicles=problem.vehicles, fleet_binding=True,
        service=zeros if problem.service is None else problem.service,
        earliest=zeros if problem.earliest is None else problem.earliest,
        latest=np.full(n, np.inf) if problem.latest is None else problem.latest,
        release=zeros if problem.release is None else problem.release,
        reloads=problem.reloads)


def check(problem: RoutingProblem, routes: Routes | None) -> Evaluation:
    assert routes is not None
    result = evaluate(as_instance(problem), routes)
    assert result.feasible, result.problems[:3]
    assert result.vehicles <= problem.vehicles
    return result


CASES = {
    "cvrp": {},
    "vrptw": {"windows": True},
    "release, reloads, 1 vehicle": {"release": True, "reloads": True, "vehicles": 1},
    "windows, release, reloads, 2 vehicles": {"windows": True, "release": True,
                                             "reloads": True, "vehicles": 2, "width": 500},
}


@pytest.mark.parametrize("case", CASES)
def test_pyvrp_engine_is_feasible_and_deterministic(case: str) -> None:
    pytest.importorskip("pyvrp")
    problem = synthetic(**CASES[case])
    routes = engine("pyvrp").solve(problem, QUICK)
    result = check(problem, routes)
    assert result.trips >= 3  # demand 3x-4x the capacity
    if problem.reloads and problem.vehicles == 1:
        assert len(routes) == 1 and routes[0].count(0) == result.trips - 1
    assert engine("pyvrp").solve(problem, QUICK) == routes


def test_pyvrp_engine_gives_none_when_goods_come_too_late() -> None:
    pytest.importorskip("pyvrp")
    problem = synthetic(release=True, reloads=True, vehicles=1)
    late = problem.release.copy()
    late[5] = problem.latest[5] + 1
    assert engine("pyvrp").solve(replace(problem, release=late), QUICK) is None


def test_pyvrp_engine_trips_follow_release_dates() -> None:
    """A trip leaves only once its goods are in: forcing late releases on the clients
    of one trip must push that trip's departure, never break feasibility."""
    pytest.importorskip("pyvrp")
    problem = synthetic(release=True, reloads=True, vehicles=1)
    late = problem.release.copy()
    late[1:4] = 1500.0  # three clients released late; the depot closes at 2000
    problem = replace(problem, release=late)
    routes = engine("pyvrp").solve(problem, QUICK)
    check(problem, routes)


def test_pyvrp_peer_and_engine_agree() -> None:
    """The peer (PyVRP's Model interface) and the engine (ProblemData built directly)
    are two conversions of one problem: the same deterministic search, the same cost."""
    pytest.importorskip("pyvrp")
    from supplyroute.bench.harness import solvers

    known = solvers()
    for case in ("vrptw", "windows, release, reloads, 2 vehicles"):
        problem = synthetic(**CASES[case])
        peer = check(problem, known["pyvrp"].run(problem, QUICK, {}))
        mine = check(problem, known["supplyroute-pyvrp"].run(problem, QUICK, {}))
        assert peer.cost == pytest.approx(mine.cost)


@pytest.mark.parametrize("case", ["cvrp", "vrptw"])
def test_vroom_peer_is_feasible(case: str) -> None:
    pytest.importorskip("vroom")
    from supplyroute.bench.peers import run_vroom

    problem = synthetic(**CASES[case])
    check(problem, run_vroom(problem, SearchLimit(time_limit_s=2), {}))


def test_vroom_peer_refuses_release_dates_and_reloads() -> None:
    pytest.importorskip("vroom")
    from supplyroute.bench.peers import run_vroom

    for case in ("release, reloads, 1 vehicle", "windows, release, reloads, 2 vehicles"):
        with pytest.raises(Unsupported, match="release dates or reloads"):
            run_vroom(synthetic(**CASES[case]), SearchLimit(time_limit_s=1), {})


def test_vroom_unassigned_jobs_are_reported_missing() -> None:
    """One vehicle cannot carry 3-4 loads: VROOM leaves jobs out, the routes omit them
    and the evaluator names them, instead of a crash."""
    pytest.importorskip("vroom")
    from supplyroute.bench.peers import run_vroom

    problem = synthetic(vehicles=1)
    routes = run_vroom(problem, SearchLimit(time_limit_s=1), {})
    assert routes is not None and len(routes) <= 1
    problems = evaluate(as_instance(problem), routes).problems
    assert problems and all("served 0 times" in p for p in problems)


def test_pyvrp_engine_without_pyvrp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyvrp the engine still builds and says how to install it."""
    monkeypatch.setitem(sys.modules, "pyvrp", None)  # makes `import pyvrp` fail
    pyvrp_engine = engine("pyvrp")
    problem = synthetic()
    assert "pip install" in (pyvrp_engine.unsupported(problem) or "")
    with pytest.raises(Unsupported, match="not installed"):
        pyvrp_engine.solve(problem, QUICK)


def test_engines_and_solvers_are_registered() -> None:
    from supplyroute.bench.harness import solvers
    from supplyroute.routing.problem import engines

    assert "pyvrp" in engines()
    assert {"supplyroute-pyvrp", "pyvrp", "vroom"} <= set(solvers())
    with pytest.raises(ValueError, match="no option"):
        engine("pyvrp", nonsense=1)


# --- standard instances ------------------------------------------------------------------


@pytest.mark.parametrize("kind, name", [("cvrp", "X-n101-k25"), ("mtvrptwr", "C201R0.5")])
def test_pyvrp_engine_on_standard_instances(kind: str, name: str) -> None:
    pytest.importorskip("pyvrp")
    pytest.importorskip("vrplib")
    from supplyroute.bench.harness import routing_problem
    from supplyroute.bench.instances import read_instance, read_solution

    path = INSTANCES / kind / f"{name}.vrp"
    instance = read_instance(path)
    problem = routing_problem(instance)  # CVRP X: an unlimited fleet, as the BKS have it
    routes = engine("pyvrp").solve(problem, QUICK)
    assert routes is not None
    result = evaluate(instance, routes)
    assert result.feasible, result.problems[:3]
    assert result.vehicles <= problem.vehicles
    assert result.cost >= read_solution(path.with_suffix(".sol")).cost - 0.05


def test_vroom_rows_on_standard_instances() -> None:
    pytest.importorskip("vroom")
    pytest.importorskip("vrplib")
    from supplyroute.bench.harness import Task, run_task

    row = run_task(Task(str(INSTANCES / "cvrp" / "X-n204-k19.vrp"), "vroom", 1))
    assert row.feasible and row.gap is not None and row.gap >= -1e-9, row.problems
    # X-n101-k25 held to its k = 25 vehicles is tight (the best-known solution uses
    # 26): VROOM may leave clients out; the row then says which, with a cost and a gap.
    row = run_task(Task(str(INSTANCES / "cvrp" / "X-n101-k25.vrp"), "vroom", 1, fleet="k"))
    assert row.cost is not None and row.gap is not None
    assert row.feasible or all("served 0 times" in p for p in row.problems), row.problems
    row = run_task(Task(str(INSTANCES / "mtvrptwr" / "C201R0.5.vrp"), "vroom", 1))
    assert not row.feasible and row.problems[0].startswith("unsupported")


def test_pyvrp_warnings_go_to_the_log_not_the_terminal(caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import warnings

    from supplyroute.routing.pyvrp_engine import warnings_to_log

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would raise here
        with caplog.at_level(logging.INFO), warnings_to_log():
            warnings.warn("A penalty parameter\n   has reached its maximum value.", stacklevel=1)
    assert "PyVRP: A penalty parameter has reached its maximum value." in caplog.text
