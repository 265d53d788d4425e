"""The routing evaluator reproduces every best-known cost of the standard instance sets
(``benchmarks/instances``) and catches broken solutions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("vrplib")

from supplyroute.bench.evaluate import evaluate  # noqa: E402
from supplyroute.bench.instances import instance_paths, read_instance, read_solution  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

INSTANCES = Path(os.environ.get("SUPPLYROUTE_INSTANCES", ROOT / "benchmarks" / "instances"))


@pytest.mark.parametrize("kind", ["cvrp", "vrptw", "mtvrptwr"])
def test_best_known_solutions_are_feasible_at_their_stated_cost(kind: str) -> None:
    paths = instance_paths(kind, INSTANCES)
    assert paths
    for path in paths:
        instance = read_instance(path)
        best = read_solution(path.with_suffix(".sol"))
        result = evaluate(instance, best.routes)
        assert result.feasible, (path.stem, result.problems[:3])
        assert result.cost == pytest.approx(best.cost, abs=0.05), path.stem


def test_broken_solutions_are_caught() -> None:
    path = INSTANCES / "mtvrptwr" / "C201R0.5.vrp"
    instance = read_instance(path)
    routes = [list(r) for r in read_solution(path.with_suffix(".sol")).routes]
    first = next(r for r in routes if 0 in r)
    merged = [c for c in first if c != 0]  # no reloads: one overfull trip
    broken = [merged if r is first else r for r in routes]
    assert any("carries" in p for p in evaluate(instance, broken).problems)
    missing = [r[1:] if i == 0 else r for i, r in enumerate(routes)]
    assert any("served 0 times" in p for p in evaluate(instance, missing).problems)
    late = [list(reversed(r)) for r in routes]
    assert not evaluate(instance, late).feasible
    cvrp = read_instance(INSTANCES / "cvrp" / "X-n101-k25.vrp")
    reload = [[*r, 0, *r] for r in read_solution(INSTANCES / "cvrp" / "X-n101-k25.sol").routes]
    problems = evaluate(cvrp, reload).problems
    assert any("reloads" in p for p in problems) and any("served 2 times" in p for p in problems)


def test_routing_layer_solves_cvrp_and_vrptw_feasibly() -> None:
    from supplyroute.bench.harness import routing_problem
    from supplyroute.routing.problem import SearchLimit, engine

    # A fixed number of solutions, no wall clock: the same routes on every machine.
    limit = SearchLimit(time_limit_s=120, deterministic=True, iterations=20)
    for kind, name in (("cvrp", "X-n101-k25"), ("vrptw", "C1_10_1")):
        instance = read_instance(INSTANCES / kind / f"{name}.vrp")
        routes = engine("ortools").solve(routing_problem(instance, fleet="k"), limit)
        assert routes is not None
        result = evaluate(instance, routes)
        assert result.feasible, result.problems[:3]
        assert result.vehicles <= instance.vehicles
        assert result.cost >= read_solution(INSTANCES / kind / f"{name}.sol").cost - 0.05


def test_bench_command_writes_results(tmp_path: Path) -> None:
    import json

    from tests.conftest import cli

    done = cli("bench", "cvrp", "--instances", str(INSTANCES), "--time-limit", "1", "--only",
               "X-n101-k25", "--fleet", "k", "-o", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "running mean" in done.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    by_solver = {row["solver"]: row for row in data["rows"]}
    assert {"ortools-default", "ortools", "supplyroute", "pyvrp-direct"} <= set(by_solver)
    assert by_solver["ortools"]["feasible"] and by_solver["ortools"]["vehicles"] <= 25
    assert all(s["instances"] == 1 for s in data["summary"])
    assert all(s["configuration"] == "fleet=k" for s in data["summary"])
