"""Run solvers over a standard instance set and tabulate gaps to the best-known costs.

Every solution goes through :func:`supplyroute.bench.evaluate.evaluate`; the harness
never reports a solver's own cost.
"""

from __future__ import annotations

import csv
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from supplyroute.bench.evaluate import evaluate
from supplyroute.bench.instances import Instance, instance_paths, read_instance, read_solution
from supplyroute.solvers.routing import RoutingConfig, RoutingProblem, solve_routing

#: Named solver set-ups. ``ortools-default`` is OR-Tools as its guides show it.
SOLVERS: dict[str, RoutingConfig] = {
    "ortools-default": RoutingConfig("PATH_CHEAPEST_ARC", "GUIDED_LOCAL_SEARCH"),
    "ortools-savings": RoutingConfig("SAVINGS", "GUIDED_LOCAL_SEARCH"),
}
SUPPORTED = ("cvrp", "vrptw")


@dataclass
class Row:
    instance: str
    solver: str
    time_limit_s: float
    runtime_s: float
    cost: float | None
    bks: float
    gap: float | None
    feasible: bool
    vehicles: int | None
    k: int


def routing_problem(instance: Instance) -> RoutingProblem:
    """The instance as the routing layer's problem (CVRP: fleet of k plus slack)."""
    timed = instance.kind != "cvrp"
    vehicles = instance.vehicles if instance.fleet_binding else instance.vehicles + 5
    return RoutingProblem(
        distance=instance.distance,
        demand=instance.demand,
        capacity=instance.capacity,
        vehicles=vehicles,
        service=instance.service if timed else None,
        earliest=instance.earliest if timed else None,
        latest=instance.latest if timed else None,
        scale=1 if instance.kind == "cvrp" else 10,
    )


def run_one(path: Path, solver: str, time_limit_s: float) -> Row:
    instance = read_instance(path)
    best = read_solution(path.with_suffix(".sol"))
    config = RoutingConfig(SOLVERS[solver].first_solution, SOLVERS[solver].metaheuristic,
                           time_limit_s=time_limit_s)
    started = time.monotonic()
    routes = solve_routing(routing_problem(instance), config)
    runtime = time.monotonic() - started
    if routes is None:
        return Row(instance.name, solver, time_limit_s, runtime, None, best.cost, None, False,
                   None, instance.vehicles)
    result = evaluate(instance, routes)
    return Row(instance.name, solver, time_limit_s, round(runtime, 2), result.cost, best.cost,
               round(result.cost / best.cost - 1, 5), result.feasible, result.vehicles,
               instance.vehicles)


def run(kind: str, root: Path, solvers: list[str], time_limit_s: float,
        report: Callable[[Row, list[Row]], None] | None = None,
        names: list[str] | None = None) -> list[Row]:
    """Every solver on every instance of the set, one after the other (one core)."""
    if kind not in SUPPORTED:
        raise ValueError(f"the OR-Tools engine does not solve {kind!r} yet; "
                         f"supported: {', '.join(SUPPORTED)}")
    unknown = [s for s in solvers if s not in SOLVERS]
    if unknown:
        raise ValueError(f"unknown solver {unknown[0]!r}; known: {', '.join(SOLVERS)}")
    paths = instance_paths(kind, root)
    if names:
        paths = [p for p in paths if p.stem in names]
    if not paths:
        raise FileNotFoundError(f"no .vrp files in {Path(root) / kind}")
    rows: list[Row] = []
    for path in paths:
        for solver in solvers:
            rows.append(run_one(path, solver, time_limit_s))
            if report is not None:
                report(rows[-1], rows)
    return rows


def summary(rows: list[Row]) -> list[dict[str, object]]:
    """Mean and worst gap, and feasibility, per solver."""
    out = []
    for solver in dict.fromkeys(r.solver for r in rows):
        mine = [r for r in rows if r.solver == solver]
        gaps = [r.gap for r in mine if r.gap is not None and r.feasible]
        out.append({
            "solver": solver,
            "instances": len(mine),
            "feasible": sum(r.feasible for r in mine),
            "mean_gap": round(statistics.fmean(gaps), 5) if gaps else None,
            "worst_gap": round(max(gaps), 5) if gaps else None,
            "over_k": sum(1 for r in mine if r.vehicles is not None and r.vehicles > r.k),
        })
    return out


def write(rows: list[Row], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "results.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    (out / "results.json").write_text(json.dumps(
        {"rows": [asdict(r) for r in rows], "summary": summary(rows)}, indent=2) + "\n")
