"""The routing layer loses nothing to PyVRP: the layer's PyVRP engine, given the
problem the harness builds from an instance, searches exactly the problem PyVRP's own
reader builds from the file, so with the same seed and iteration count the two find
the same routes. Also the CVRP X fleet convention (unlimited unless ``--fleet k``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from supplyroute.bench.evaluate import evaluate
from supplyroute.bench.harness import Task, fleet_size, routing_problem, run_task
from supplyroute.bench.instances import read_instance
from supplyroute.bench.sweep import GridError, compose, expand
from supplyroute.routing.problem import SearchLimit, engine

LIMIT = SearchLimit(time_limit_s=60, seed=3, deterministic=True, iterations=400)


def _lines(rows: list[tuple[int, ...]]) -> str:
    return "".join("\t".join(map(str, r)) + "\n" for r in rows)


def write_cvrp(folder: Path, k: int = 3, clients: int = 30, seed: int = 5) -> Path:
    """A small X-like CVRP file: integer coordinates, ``k`` the fewest vehicles."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 1000, size=(clients + 1, 2))
    demand = [0, *rng.integers(1, 10, size=clients).tolist()]
    capacity = int(np.ceil(sum(demand) / k))
    path = folder / "cvrp" / f"T-n{clients + 1}-k{k}.vrp"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"NAME : T-n{clients + 1}-k{k}\nTYPE : CVRP\nDIMENSION : {clients + 1}\n"
        f"EDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : {capacity}\nNODE_COORD_SECTION\n"
        + _lines([(i + 1, *xy[i]) for i in range(clients + 1)])
        + "DEMAND_SECTION\n" + _lines([(i + 1, d) for i, d in enumerate(demand)])
        + "DEPOT_SECTION\n1\n-1\nEOF\n")
    # a "best-known" solution for the harness's gap: every client on a trip of its own
    back = np.floor(np.linalg.norm(xy[1:] - xy[0], axis=1) + 0.5)
    path.with_suffix(".sol").write_text(
        "".join(f"Route #{c}: {c}\n" for c in range(1, clients + 1))
        + f"Cost {int(2 * back.sum())}\n")
    return path


def write_mtvrptwr(folder: Path, clients: int = 25, seed: int = 2) -> Path:
    """A small Solomon-like multi-trip file with release dates and two vehicles."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 100, size=(clients + 1, 2))
    xy[0] = (50, 50)
    demand = [0, *rng.integers(5, 30, size=clients).tolist()]
    opening = rng.integers(0, 400, size=clients + 1)
    windows = [(0, 3000)] + [(int(o), int(o) + 600) for o in opening[1:]]
    release = [0, *rng.integers(0, 300, size=clients).tolist()]
    path = folder / "mtvrptwr" / "T25R0.5.vrp"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"NAME: T25R0.5\nTYPE: MTVRPTWR\nEDGE_WEIGHT_TYPE: EUC_2D\nDIMENSION: {clients + 1}\n"
        "VEHICLES: 2\nCAPACITY: 100\nSERVICE_TIME: 10\nNODE_COORD_SECTION\n"
        + _lines([(i + 1, *xy[i]) for i in range(clients + 1)])
        + "DEMAND_SECTION\n" + _lines([(i + 1, d) for i, d in enumerate(demand)])
        + "TIME_WINDOW_SECTION\n" + _lines([(i + 1, *w) for i, w in enumerate(windows)])
        + "RELEASE_TIME_SECTION\n" + _lines([(i + 1, r) for i, r in enumerate(release)])
        + "VEHICLES_RELOAD_DEPOT_SECTION\n1\t1\n2\t1\nDEPOT_SECTION\n1\n-1\nEOF\n")
    return path


@pytest.mark.parametrize("kind", ["cvrp", "mtvrptwr"])
def test_layer_and_pyvrp_direct_find_the_same_routes(tmp_path: Path, kind: str) -> None:
    pytest.importorskip("pyvrp")
    pytest.importorskip("vrplib")
    from supplyroute.bench.peers import run_pyvrp_direct

    path = write_cvrp(tmp_path) if kind == "cvrp" else write_mtvrptwr(tmp_path)
    instance = read_instance(path)
    problem = routing_problem(instance)
    layer = engine("auto").solve(problem, LIMIT)
    direct = run_pyvrp_direct(problem, LIMIT, {}, path=path)
    assert layer is not None and direct is not None
    mine, theirs = evaluate(instance, layer), evaluate(instance, direct)
    assert mine.feasible and theirs.feasible, (mine.problems, theirs.problems)
    assert mine.cost == theirs.cost
    assert sorted(map(tuple, layer)) == sorted(map(tuple, direct))


def test_cvrp_x_fleet_is_unlimited_unless_held_to_k(tmp_path: Path) -> None:
    pytest.importorskip("vrplib")
    instance = read_instance(write_cvrp(tmp_path, k=3))
    assert fleet_size(instance) == instance.clients
    assert fleet_size(instance, "k") == 3
    assert routing_problem(instance, "k").vehicles == 3
    mt = read_instance(write_mtvrptwr(tmp_path))
    assert fleet_size(mt) == fleet_size(mt, "k") == 2  # the file's fleet binds


def test_fleet_k_is_its_own_configuration_and_binds(tmp_path: Path) -> None:
    """Under ``fleet=k`` a solution with more than k vehicles is infeasible (the
    evaluator holds it), and the configuration says so in every table."""
    pytest.importorskip("pyvrp")
    pytest.importorskip("vrplib")
    write_cvrp(tmp_path, k=3)
    grid = compose(solver_names=["supplyroute"], fleets=["unlimited", "k"],
                   time_limits=[1.0], deterministic=True)
    tasks = expand(grid, "cvrp", tmp_path)
    assert [t.configuration for t in tasks] == ["default", "fleet=k"]
    rows = [run_task(t) for t in tasks]
    assert all(r.feasible for r in rows), [r.problems for r in rows]
    held = rows[1]
    assert held.fleet == "k" and held.vehicles is not None and held.vehicles <= 3
    # one vehicle per client breaks the k-fleet, not the unlimited one
    path = Path(tasks[0].path)
    each = [[c] for c in range(1, read_instance(path).clients + 1)]
    assert evaluate(read_instance(path), each).feasible
    from dataclasses import replace
    assert not evaluate(replace(read_instance(path), fleet_binding=True), each).feasible


def test_fleet_applies_to_cvrp_only(tmp_path: Path) -> None:
    pytest.importorskip("vrplib")
    write_mtvrptwr(tmp_path)
    grid = compose(solver_names=["ortools"], fleets=["k"])
    with pytest.raises(GridError, match="cvrp only") as caught:
        expand(grid, "mtvrptwr", tmp_path)
    assert caught.value.field == "fleet"
    with pytest.raises(GridError, match="unlimited and k"):
        compose(solver_names=["ortools"], fleets=["some"])


def test_pyvrp_direct_reads_the_file_and_the_table_says_vehicles(tmp_path: Path) -> None:
    pytest.importorskip("pyvrp")
    path = write_cvrp(tmp_path)
    row = run_task(Task(str(path), "pyvrp-direct", 1.0, deterministic=True))
    assert row.feasible and row.vehicles is not None and row.cost is not None
    from supplyroute.bench.plot import instances_markdown, summary_markdown
    assert "vehicles used" in summary_markdown([row])
    assert f"({row.vehicles})" in instances_markdown([row])
