"""Sweeps: grid files, executors (local processes, Dask) and ``supplyroute bench``.

Everything runs on a tiny CVRP instance written here (no shared instance folder).
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from supplyroute.bench import plot, sweep
from supplyroute.bench.executor import DaskExecutor, LocalExecutor
from supplyroute.bench.harness import Row, Task
from supplyroute.bench.instances import read_instance, read_solution
from tests.conftest import cli

NAME = "tiny-n16-k3"
OPTIONS = {"first_solution": ["SAVINGS", "PATH_CHEAPEST_ARC"],
           "metaheuristic": ["GUIDED_LOCAL_SEARCH", "TABU_SEARCH"]}


def write_tiny_cvrp(folder: Path, name: str = NAME, clients: int = 15, seed: int = 3) -> Path:
    """A 15-client CVRP (VRPLIB text) and a valid 3-route solution with its cost.

    The solution is a plain sweep, not an optimum: solvers beat it (negative gaps)."""
    rng = random.Random(seed)
    coords = [(50, 50)] + [(rng.randint(0, 100), rng.randint(0, 100)) for _ in range(clients)]
    demand = [0] + [rng.randint(1, 10) for _ in range(clients)]
    capacity = math.ceil(sum(demand) / 3) + max(demand)
    # Clients by angle around the depot, cut into routes when the next one does not fit:
    # each closed route carries more than a third of the demand, so three routes suffice.
    order = sorted(range(1, clients + 1), key=lambda c: math.atan2(coords[c][1] - 50,
                                                                   coords[c][0] - 50))
    routes: list[list[int]] = [[]]
    for c in order:
        if sum(demand[i] for i in routes[-1]) + demand[c] > capacity:
            routes.append([])
        routes[-1].append(c)
    assert len(routes) <= 3

    def dist(a: int, b: int) -> int:
        return math.floor(math.dist(coords[a], coords[b]) + 0.5)

    cost = sum(dist(a, b) for r in routes for a, b in zip([0, *r], [*r, 0], strict=True))
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"NAME : {name}", "COMMENT : a tiny test instance", "TYPE : CVRP",
             f"DIMENSION : {clients + 1}", "EDGE_WEIGHT_TYPE : EUC_2D",
             f"CAPACITY : {capacity}", "NODE_COORD_SECTION"]
    lines += [f"{i + 1} {x} {y}" for i, (x, y) in enumerate(coords)]
    lines += ["DEMAND_SECTION"] + [f"{i + 1} {d}" for i, d in enumerate(demand)]
    lines += ["DEPOT_SECTION", "1", "-1", "EOF"]
    path = folder / f"{name}.vrp"
    path.write_text("\n".join(lines) + "\n")
    solution = [f"Route #{i + 1}: {' '.join(map(str, r))}" for i, r in enumerate(routes)]
    path.with_suffix(".sol").write_text("\n".join([*solution, f"Cost {cost}"]) + "\n")
    return path


@pytest.fixture
def instances(tmp_path: Path) -> Path:
    root = tmp_path / "instances"
    write_tiny_cvrp(root / "cvrp")
    write_tiny_cvrp(root / "cvrp", "tiny-n16-k4", seed=5)
    return root


def key(row: Row) -> tuple[object, ...]:
    return (row.instance, row.solver, row.configuration, row.time_limit_s, row.seed,
            row.cost, row.feasible)


def test_tiny_instance_reads_and_its_solution_is_valid(instances: Path) -> None:
    path = instances / "cvrp" / f"{NAME}.vrp"
    instance = read_instance(path)
    assert instance.name == NAME and instance.clients == 15 and instance.vehicles == 3
    best = read_solution(path.with_suffix(".sol"))
    from supplyroute.bench.evaluate import evaluate
    result = evaluate(instance, [list(r) for r in best.routes])
    assert result.feasible, result.problems
    assert result.cost == pytest.approx(best.cost)


def test_grid_expands_to_the_cartesian_product(instances: Path) -> None:
    grid = sweep.parse_grid({"solvers": {"ortools": OPTIONS, "ortools-default": {}},
                             "time_limits": [1, 5], "seeds": [0, 1], "instances": [NAME]})
    tasks = sweep.expand(grid, "cvrp", instances)
    assert len(tasks) == 1 * (4 + 1) * 2 * 2
    assert {Path(t.path).stem for t in tasks} == {NAME}
    names = list(dict.fromkeys(t.configuration for t in tasks if t.solver == "ortools"))
    assert names == [
        "first_solution=SAVINGS,metaheuristic=GUIDED_LOCAL_SEARCH",
        "first_solution=SAVINGS,metaheuristic=TABU_SEARCH",
        "first_solution=PATH_CHEAPEST_ARC,metaheuristic=GUIDED_LOCAL_SEARCH",
        "first_solution=PATH_CHEAPEST_ARC,metaheuristic=TABU_SEARCH",
    ]
    assert {t.configuration for t in tasks if t.solver == "ortools-default"} == {"default"}
    first = tasks[0]
    assert first.options == (("first_solution", "SAVINGS"),
                             ("metaheuristic", "GUIDED_LOCAL_SEARCH"))
    assert (first.time_limit_s, first.seed, first.deterministic) == (1.0, 0, False)
    # Every instance of the set when the grid names none.
    every = sweep.expand(sweep.parse_grid({"solvers": ["ortools"]}), "cvrp", instances)
    assert [Path(t.path).stem for t in every] == ["tiny-n16-k3", "tiny-n16-k4"]
    assert every[0].time_limit_s == sweep.DEFAULT_TIME_LIMIT_S


def test_yaml_grid_and_flags_compose(tmp_path: Path, instances: Path) -> None:
    path = tmp_path / "grid.yaml"
    path.write_text("solvers:\n  ortools:\n    first_solution: [SAVINGS]\n"
                    "  ortools-default: {}\ntime_limits: [1, 5]\nseeds: 0\n")
    grid = sweep.load_grid(path)
    assert grid.solvers == {"ortools": {"first_solution": ["SAVINGS"]}, "ortools-default": {}}
    assert grid.time_limits == (1.0, 5.0) and grid.seeds == (0,)
    mixed = sweep.compose(grid, solver_names=["ortools"], time_limits=[2.0, 3.0],
                          instances=[NAME], deterministic=True)
    assert mixed.solvers == {"ortools": {"first_solution": ["SAVINGS"]}}
    assert mixed.time_limits == (2.0, 3.0) and mixed.instances == (NAME,)
    assert mixed.deterministic
    defaults = sweep.compose(None).solvers
    assert list(defaults)[:3] == ["ortools-default", "ortools", "supplyroute"]
    assert set(defaults) <= set(sweep.DEFAULT_SOLVERS) and not any(defaults.values())
    assert sweep.parse_time_limits("1,5,10") == (1.0, 5.0, 10.0)
    with pytest.raises(sweep.GridError, match=r"^only: no instance 'X-n1-k1'"):
        sweep.expand(sweep.compose(grid, instances=["X-n1-k1"]), "cvrp", instances)


@pytest.mark.parametrize(("grid", "message"), [
    ({"solvers": {"ortools": {"first_solution": ["FASTEST"]}}},
     r"^grid\.solvers\.ortools\.first_solution: .*'FASTEST' not understood"),
    ({"solvers": {"ortools": {"first_solutions": ["SAVINGS"]}}},
     r"^grid\.solvers\.ortools\.first_solutions: is not an option"),
    ({"solvers": {"ortools": {"gls_lambda": ["high"]}}},
     r"^grid\.solvers\.ortools\.gls_lambda: 'high' is not a float"),
    ({"solvers": {"ortools": {"metaheuristic": []}}},
     r"^grid\.solvers\.ortools\.metaheuristic: empty list"),
    ({"solvers": {"ortools-default": {"metaheuristic": ["TABU_SEARCH"]}}},
     r"^grid\.solvers\.ortools-default\.metaheuristic: is fixed"),
    ({"solvers": {"cplex": {}}}, r"^grid\.solvers\.cplex: unknown solver"),
    ({"solvers": {}}, r"^grid\.solvers: must map"),
    ({}, r"^grid\.solvers: missing"),
    ({"solvers": ["ortools"], "time_limit": [1]}, r"^grid\.time_limit: unknown field"),
    ({"solvers": ["ortools"], "time_limits": [1, -5]}, r"^grid\.time_limits: -5 is not"),
    ({"solvers": ["ortools"], "seeds": [0.5]}, r"^grid\.seeds: 0\.5 is not"),
    ({"solvers": ["ortools"], "instances": [1]}, r"^grid\.instances: must be a list"),
    ({"solvers": ["ortools"], "deterministic": "yes"}, r"^grid\.deterministic: must be"),
])
def test_grid_errors_name_the_field(grid: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sweep.parse_grid(grid)


def test_unknown_grid_instance_and_unreadable_files(tmp_path: Path, instances: Path) -> None:
    grid = sweep.parse_grid({"solvers": ["ortools"], "instances": ["X-n101-k25"]})
    with pytest.raises(sweep.GridError, match=r"^grid\.instances: no instance 'X-n101-k25'"):
        sweep.expand(grid, "cvrp", instances)
    (tmp_path / "bad.json").write_text("{\"solvers\": ")
    with pytest.raises(sweep.GridError, match=r"^grid: .* is not valid JSON"):
        sweep.load_grid(tmp_path / "bad.json")
    with pytest.raises(sweep.GridError, match=r"^grid: cannot read"):
        sweep.load_grid(tmp_path / "missing.json")


@pytest.mark.slow  # about 80 s: a local Dask cluster starts, and both executors run
def test_local_and_dask_executors_give_the_same_rows(instances: Path) -> None:
    from distributed import LocalCluster

    grid = sweep.parse_grid({"solvers": {"ortools": OPTIONS}, "time_limits": [10],
                             "deterministic": True})
    tasks = sweep.expand(grid, "cvrp", instances)
    assert len(tasks) == 8
    reports: list[tuple[str, int]] = []

    def report(row: Row, rows: list[Row]) -> None:
        reports.append((row.configuration, len(rows)))

    local = LocalExecutor(workers=2).map(tasks, report)
    assert [n for _, n in reports] == list(range(1, 9))
    # Rows come back in task order, whatever order they completed in.
    assert [(r.instance, r.configuration) for r in local] == [
        (Path(t.path).stem, t.configuration) for t in tasks]
    assert all(r.feasible and r.cost is not None for r in local), [r.problems for r in local]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        with DaskExecutor(cluster) as dask:
            remote = dask.map(tasks)
        # The command line on the same cluster, by its scheduler's address.
        grid_file = instances / "grid.json"
        grid_file.write_text(json.dumps({"solvers": {"ortools": OPTIONS}, "time_limits": [10]}))
        done = run_cli("bench", "cvrp", "--instances", str(instances), "--grid", str(grid_file),
                       "--deterministic", "--scheduler", cluster.scheduler_address,
                       "-o", str(instances / "out"))
    assert [key(r) for r in remote] == [key(r) for r in local]
    assert done.returncode == 0, done.stderr
    assert "[8/8]" in done.stderr
    cli_rows = json.loads((instances / "out" / "results.json").read_text())["rows"]
    assert [(r["instance"], r["configuration"], r["cost"], r["feasible"]) for r in cli_rows] == [
        (r.instance, r.configuration, r.cost, r.feasible) for r in local]
    in_process = LocalExecutor(workers=1).map(tasks[:2])
    assert [key(r) for r in in_process] == [key(r) for r in local[:2]]


def test_local_executor_respects_the_cores() -> None:
    executor = LocalExecutor(workers=64)
    tasks = [Task("x.vrp", "ortools", 1.0)] * 10
    import os
    assert executor.concurrency(tasks) == min(os.cpu_count() or 1, 10)
    assert LocalExecutor(workers=1).concurrency(tasks) == 1
    assert executor.concurrency(tasks[:1]) == 1
    with pytest.raises(ValueError):
        LocalExecutor(workers=0)


def test_plot_and_summary(tmp_path: Path) -> None:
    def row(solver: str, t: float, gap: float | None, feasible: bool = True) -> Row:
        return Row("i", "cvrp", solver, "default", 0, t, t, None, 100.0, gap, feasible, 3, 3)

    rows = [row("a", 1, 0.1), row("a", 5, 0.05), row("b", 1, 0.2), row("b", 5, None, False)]
    assert plot.gap_curves(rows) == {"a": [(1, 0.1), (5, 0.05)], "b": [(1, 0.2)]}
    paths = plot.plot_gap_vs_time(rows, tmp_path)
    assert [p.name for p in paths] == ["gap_vs_time.png", "gap_vs_time.svg"]
    assert paths[0].read_bytes().startswith(b"\x89PNG") and paths[1].stat().st_size > 0
    text = plot.summary_markdown(rows)
    assert text.splitlines()[0].startswith("| set | solver | configuration | time limit (s)")
    assert "| cvrp | b | default | 5 | 1 | 0 | - | - | 0 | 0 |" in text  # vehicles, over k
    assert "| cvrp | a | default | 1 | 1 | 1 | 10.00% | 10.00% | 3 | 0 |" in text
    per_instance = plot.instances_markdown(rows)
    assert "| i | 3 | 1 | 0 | 10.00% (3) | 20.00% (3) |" in per_instance
    assert "| i | 3 | 5 | 0 | 5.00% (3) | infeasible |" in per_instance


#: The command in this process (see ``tests.conftest.cli``).
run_cli = cli


def test_cli_sweep_writes_results_summary_and_plot(tmp_path: Path, instances: Path) -> None:
    grid = tmp_path / "grid.json"
    grid.write_text(json.dumps({"solvers": {"ortools": {"first_solution": ["SAVINGS",
                                                                           "PATH_CHEAPEST_ARC"]}},
                                "time_limits": [1, 2], "instances": [NAME]}))
    out = tmp_path / "out"
    done = run_cli("bench", "cvrp", "--instances", str(instances), "--grid", str(grid),
                   "--deterministic", "-o", str(out))
    assert done.returncode == 0, done.stderr
    for name in ("results.csv", "results.json", "summary.md", "gap_vs_time.png",
                 "gap_vs_time.svg"):
        assert (out / name).is_file(), name
    rows = json.loads((out / "results.json").read_text())["rows"]
    assert len(rows) == 4 and all(r["feasible"] for r in rows)
    assert {r["configuration"] for r in rows} == {"first_solution=SAVINGS",
                                                 "first_solution=PATH_CHEAPEST_ARC"}
    assert "[4/4] tiny-n16-k3 ortools" in done.stderr and "running mean" in done.stderr
    assert "| cvrp | ortools | first_solution=SAVINGS | 1 |" in done.stdout
    assert "first_solution=SAVINGS" in (out / "summary.md").read_text()


def test_cli_flags_override_the_grid(tmp_path: Path, instances: Path) -> None:
    out = tmp_path / "out"
    grid = tmp_path / "grid.yml"
    grid.write_text("solvers:\n  ortools:\n    first_solution: [SAVINGS]\n"
                    "  ortools-default: {}\ntime_limits: [5]\n")
    done = run_cli("bench", "cvrp", "--instances", str(instances), "--solvers", "ortools",
                   "--grid", str(grid), "--time-limit", "0.5,1", "--time-limit", "1",
                   "--only", "tiny-n16-k4", "--deterministic", "--workers", "2",
                   "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "results.json").read_text())["rows"]
    assert [(r["instance"], r["solver"], r["configuration"], r["time_limit_s"])
            for r in rows] == [("tiny-n16-k4", "ortools", "first_solution=SAVINGS", 0.5),
                               ("tiny-n16-k4", "ortools", "first_solution=SAVINGS", 1.0)]
    assert (out / "gap_vs_time.svg").is_file()
    one = run_cli("bench", "cvrp", "--instances", str(instances), "--solvers", "ortools",
                  "--time-limit", "1", "--only", NAME, "--deterministic", "-o", str(out / "1"))
    assert one.returncode == 0, one.stderr
    assert (out / "1" / "summary.md").is_file() and not (out / "1" / "gap_vs_time.png").exists()


@pytest.mark.parametrize(("grid", "field"), [
    ({"solvers": {"ortools": {"first_solution": ["FASTEST"]}}},
     "grid.solvers.ortools.first_solution"),
    ({"solvers": {"ortools": {}}, "time_limits": "soon"}, "grid.time_limits"),
])
def test_cli_bad_grid_exits_2_naming_the_field(tmp_path: Path, instances: Path, grid: dict,
                                               field: str) -> None:
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(grid))
    out = tmp_path / "out"
    done = run_cli("bench", "cvrp", "--instances", str(instances), "--grid", str(path),
                   "-o", str(out))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {field}: ")
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_cli_doorstep_rejects_sweep_flags(tmp_path: Path) -> None:
    done = run_cli("bench", "doorstep", "--time-limit", "1,2", "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "error: time-limit:" in done.stderr
    done = run_cli("bench", "doorstep", "--only", "nowhere", "-o", str(tmp_path / "out"))
    assert done.returncode == 2 and "no example 'nowhere'" in done.stderr


def test_cli_doorstep_plans_an_example(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_cli("bench", "doorstep", "--only", "nanxiu12", "--time-limit", "2",
                   "--deterministic", "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = json.loads((out / "doorstep.json").read_text())
    assert [r["example"] for r in rows] == ["nanxiu12"]
    assert rows[0]["violations"] == 0 and rows[0]["manual_violations"] == 0
    assert "[1/1] nanxiu12" in done.stderr
    assert done.stdout.startswith("machine: ") and "makespan_min" in done.stdout
    assert "| nanxiu12 |" in (out / "summary.md").read_text()


def test_a_failing_run_is_a_row_not_the_end_of_the_sweep(instances: Path) -> None:
    """An option the engine rejects fails that run alone: its row says why, and the
    other runs of the sweep still come back."""
    path = str(instances / "cvrp" / f"{NAME}.vrp")
    bad = Task(path, "ortools", 1.0, (("no_such_option", 1),), deterministic=True)
    good = Task(path, "ortools", 1.0, deterministic=True)
    rows = LocalExecutor(workers=1).map([bad, good])
    assert not rows[0].feasible and rows[0].cost is None
    assert rows[0].problems and "no_such_option" in rows[0].problems[0]
    assert rows[1].feasible
