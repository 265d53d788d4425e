"""Run solvers over a standard instance set and tabulate gaps to the best-known costs.

A run is a list of :class:`Task` (instance x solver x options x time limit x seed);
:func:`run_task` is a top-level function of picklable arguments so that any executor
(local processes, a Dask cluster) can run it. Every solution goes through
:func:`supplyroute.bench.evaluate.evaluate`; the harness never reports a solver's own
cost.

Solvers are named in :data:`SOLVERS`: supplyroute's engines (from
:mod:`supplyroute.routing.problem`) and peers (:mod:`supplyroute.bench.peers`), all
given the same :class:`RoutingProblem` and the same :class:`SearchLimit`.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from supplyroute.bench.evaluate import evaluate
from supplyroute.bench.instances import Instance, instance_paths, read_instance, read_solution
from supplyroute.routing.problem import Routes, RoutingProblem, SearchLimit, Unsupported, engine

SETS = ("cvrp", "vrptw", "mtvrptwr")
#: Fleet conventions for CVRP X: ``unlimited`` as the literature and the best-known
#: costs have it (``k`` in the name is the fewest vehicles, not a limit), or ``k``: at
#: most ``k`` vehicles, its own configuration. The other sets' fleets are in their files.
FLEETS = ("unlimited", "k")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Solver:
    """A named way to solve a routing problem, for the harness."""

    run: Callable[..., Routes | None]
    summary: str
    cores: int = 1  #: processes it runs at once (a portfolio uses more than one).
    #: The solver reads the instance file itself: ``run`` also gets ``path=`` (the
    #: problem still says the fleet and the set's conventions).
    reads_file: bool = False


def _engine_solver(name: str, **fixed: Any) -> Callable[..., Routes | None]:
    def run(problem: RoutingProblem, limit: SearchLimit, options: dict[str, Any]):
        return engine(name, **{**fixed, **options}).solve(problem, limit)
    return run


def _baseline(problem: RoutingProblem, limit: SearchLimit, options: dict[str, Any]):
    """OR-Tools as its guides show it: PATH_CHEAPEST_ARC + guided local search, and on
    CVRP X a few spare vehicles over the fewest loads (the guides size the fleet
    generously, never to one vehicle per client)."""
    if not problem.timed:
        fewest = math.ceil(float(problem.demand.sum()) / problem.capacity - 1e-9)
        problem = replace(problem, vehicles=min(problem.vehicles, fewest + 5))
    return engine("ortools", first_solution="PATH_CHEAPEST_ARC",
                  metaheuristic="GUIDED_LOCAL_SEARCH", tuned=False, **options).solve(
                      problem, limit)


#: Named solvers. Peers add themselves from :mod:`supplyroute.bench.peers`.
SOLVERS: dict[str, Solver] = {
    "ortools-default": Solver(_baseline, "OR-Tools as its guides show it (baseline)"),
    "ortools": Solver(_engine_solver("ortools"), "supplyroute's tuned OR-Tools engine"),
    "portfolio": Solver(_engine_solver("portfolio"),
                        "two tuned OR-Tools searches on two cores, best kept", cores=2),
    "supplyroute": Solver(_engine_solver("auto"),
                          "the engine the planner picks: PyVRP where it applies, else OR-Tools"),
}


def solvers() -> dict[str, Solver]:
    """Every known solver, peers included where their packages are installed."""
    from supplyroute.bench import peers  # noqa: F401 - registers the peers
    return dict(SOLVERS)


@dataclass(frozen=True)
class Task:
    """One solver on one instance: picklable, so any executor can run it."""

    path: str
    solver: str
    time_limit_s: float
    options: tuple[tuple[str, Any], ...] = ()  #: a grid point: engine options.
    seed: int = 0
    deterministic: bool = False
    configuration: str = "default"  #: the grid point's name in tables.
    fleet: str = "unlimited"  #: CVRP X: one of :data:`FLEETS`.


@dataclass
class Row:
    instance: str
    set: str
    solver: str
    configuration: str
    seed: int
    time_limit_s: float
    runtime_s: float
    cost: float | None
    bks: float
    gap: float | None
    feasible: bool
    vehicles: int | None
    k: int
    problems: list[str] = field(default_factory=list)
    fleet: str = "unlimited"  #: the fleet convention the run had (CVRP X).


def fleet_size(instance: Instance, fleet: str = "unlimited") -> int:
    """Vehicles the solvers may use: the file's fleet where it binds; on CVRP X one per
    client (unlimited) unless ``fleet`` is ``k``."""
    if fleet not in FLEETS:
        raise ValueError(f"unknown fleet {fleet!r}; known: {', '.join(FLEETS)}")
    if instance.fleet_binding or fleet == "k":
        return instance.vehicles
    return instance.clients


def routing_problem(instance: Instance, fleet: str = "unlimited") -> RoutingProblem:
    """The instance as the routing layer's problem, with the set's fleet convention."""
    timed = instance.kind != "cvrp"
    return RoutingProblem(
        distance=instance.distance,
        demand=instance.demand,
        capacity=instance.capacity,
        vehicles=fleet_size(instance, fleet),
        service=instance.service if timed else None,
        earliest=instance.earliest if timed else None,
        latest=instance.latest if timed else None,
        release=instance.release if instance.kind == "mtvrptwr" else None,
        reloads=instance.reloads,
        coordinates=instance.coordinates,
        scale=1 if instance.kind == "cvrp" else 10,
    )


def run_task(task: Task) -> Row:
    """Solve, evaluate independently, and return the table row."""
    path = Path(task.path)
    instance = read_instance(path)
    if task.fleet == "k":  # at most k: more is a violation, not just over_k
        instance = replace(instance, fleet_binding=True)
    best = read_solution(path.with_suffix(".sol"))
    solver = solvers()[task.solver]
    limit = SearchLimit(time_limit_s=task.time_limit_s, seed=task.seed,
                        deterministic=task.deterministic)
    started = time.monotonic()
    try:
        extra = {"path": path} if solver.reads_file else {}
        routes = solver.run(routing_problem(instance, task.fleet), limit,
                            dict(task.options), **extra)
        unsupported = None
    except Unsupported as exc:
        routes, unsupported = None, f"unsupported: {exc}"
    except Exception as exc:  # noqa: BLE001 - one failed run must not sink a sweep
        log.exception("%s on %s failed", task.solver, instance.name)
        routes, unsupported = None, f"failed: {type(exc).__name__}: {exc}"
    runtime = round(time.monotonic() - started, 2)
    row = Row(instance.name, instance.kind, task.solver, task.configuration, task.seed,
              task.time_limit_s, runtime, None, best.cost, None, False, None,
              instance.vehicles, fleet=task.fleet)
    if unsupported:
        row.problems = [unsupported]
        return row
    if routes is None:
        row.problems = ["no solution found"]
        return row
    result = evaluate(instance, routes)
    row.cost, row.feasible, row.vehicles = float(result.cost), result.feasible, result.vehicles
    row.gap = round(float(result.cost) / best.cost - 1, 5)
    row.problems = result.problems[:5]
    return row


def tasks(kind: str, root: str | Path, solver_names: Iterable[str], time_limit_s: float,
          names: Iterable[str] | None = None, seed: int = 0,
          deterministic: bool = False) -> list[Task]:
    """Every solver on every instance of the set (``names`` picks instances)."""
    if kind not in SETS:
        raise ValueError(f"unknown set {kind!r}; known: {', '.join(SETS)}")
    known = solvers()
    solver_names = list(solver_names)
    unknown = [s for s in solver_names if s not in known]
    if unknown:
        raise ValueError(f"unknown solver {unknown[0]!r}; known: {', '.join(known)}")
    paths = instance_paths(kind, root)
    if names:
        wanted = set(names)
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        raise FileNotFoundError(f"no .vrp files in {Path(root) / kind}")
    return [Task(str(p), s, time_limit_s, seed=seed, deterministic=deterministic)
            for p in paths for s in solver_names]


def run(kind: str, root: str | Path, solver_names: list[str], time_limit_s: float,
        report: Callable[[Row, list[Row]], None] | None = None,
        names: list[str] | None = None) -> list[Row]:
    """Every solver on every instance of the set, one after the other (one core)."""
    rows: list[Row] = []
    for task in tasks(kind, root, solver_names, time_limit_s, names):
        rows.append(run_task(task))
        if report is not None:
            report(rows[-1], rows)
    return rows


def summary(rows: list[Row]) -> list[dict[str, object]]:
    """Mean and worst gap, feasibility and vehicles used, per set, solver and
    configuration."""
    out = []
    keys = dict.fromkeys((r.set, r.solver, r.configuration, r.time_limit_s) for r in rows)
    for key in keys:
        mine = [r for r in rows if (r.set, r.solver, r.configuration, r.time_limit_s) == key]
        gaps = [r.gap for r in mine if r.gap is not None and r.feasible]
        out.append({
            "set": key[0],
            "solver": key[1],
            "configuration": key[2],
            "time_limit_s": key[3],
            "instances": len(mine),
            "feasible": sum(r.feasible for r in mine),
            "mean_gap": round(statistics.fmean(gaps), 5) if gaps else None,
            "worst_gap": round(max(gaps), 5) if gaps else None,
            "over_k": sum(1 for r in mine if r.vehicles is not None and r.vehicles > r.k),
            "vehicles": sum(r.vehicles for r in mine if r.vehicles is not None and r.feasible),
        })
    return out


def write(rows: list[Row], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        for r in rows:
            writer.writerow({**asdict(r), "problems": "; ".join(r.problems)})
    (out / "results.json").write_text(json.dumps(
        {"rows": [asdict(r) for r in rows], "summary": summary(rows)}, indent=2) + "\n")
