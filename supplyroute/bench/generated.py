"""The generated-compound benchmark: compounds of many sizes and shapes, planned as a
user would plan them, timed, measured and checked.

Each case is a compound from :mod:`supplyroute.generate`, written to a file and planned
by the command line in a process of its own (``supplyroute plan``), once optimised and
once by hand, so that the table's wall time and peak memory are what a coordinator's
machine sees: reading, the bound, the search and writing the plan. Every plan goes
through the independent checker. Cases:

* ``walkup-open``: walk-ups, no zones, open shifts: everyone can be served; the round
  of a large estate, and the time limit kept at any size;
* ``highrise-tight-z4``: high-rises with lifts in four zone groups, six-hour shifts;
* ``mixed-tight``: walk-ups and high-rises, no zones, six-hour shifts.

In the tight cases not everyone can be served: the table compares how many each method
serves (urgent and vulnerable ones apart) with the service bound, the most any plan can
serve. Used by ``supplyroute bench doorstep --generated SIZES``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyroute.bench.doorstep import write_table
from supplyroute.checks import check
from supplyroute.generate import CompoundSpec, Shape, Shifts, generate
from supplyroute.io import load_plan, load_scenario, write_atomic
from supplyroute.models import Plan, Scenario

DEFAULT_SIZES = (576, 2000, 4389, 10000, 20000)
#: The tight cases run up to this size: they are about service, not scale.
TIGHT_MAX_HOUSEHOLDS = 5000


@dataclass(frozen=True)
class Case:
    name: str
    shape: Shape
    zones: int
    shifts: Shifts

    def spec(self, households: int) -> CompoundSpec:
        return CompoundSpec(households=households, shape=self.shape, zones=self.zones,
                            shifts=self.shifts)


CASES = (
    Case("walkup-open", Shape.WALKUP, 0, Shifts.OPEN),
    Case("highrise-tight-z4", Shape.HIGHRISE, 4, Shifts.TIGHT),
    Case("mixed-tight", Shape.MIXED, 0, Shifts.TIGHT),
)
COLUMNS = ["case", "households", "volunteers", "time_limit_s", "served", "manual_served",
           "priority_served", "manual_priority_served", "service_bound", "makespan_min",
           "lower_bound_min", "gap", "manual_makespan_min", "wall_s", "peak_mb",
           "manual_wall_s", "manual_peak_mb", "violations", "manual_violations"]

Row = dict[str, object]


def time_limit_for(households: int) -> float:
    """The limit a coordinator would give: 30 s up to 2,000 households, 60 s up to
    5,000, 120 s beyond."""
    if households <= 2000:
        return 30.0
    return 60.0 if households <= 5000 else 120.0


def cases_for(sizes: Iterable[int]) -> list[tuple[Case, int]]:
    """Every case at every size (tight cases up to :data:`TIGHT_MAX_HOUSEHOLDS`)."""
    return [(case, n) for n in sizes for case in CASES
            if case.shifts is Shifts.OPEN or n <= TIGHT_MAX_HOUSEHOLDS]


@dataclass(frozen=True)
class Run:
    """One ``supplyroute plan`` process: its plan, wall time and peak memory."""

    plan: Plan
    wall_s: float
    peak_mb: float


def plan_in_process(scenario_path: Path, out: Path, time_limit_s: float,
                    method: str = "optimized") -> Run:
    """Plan through the command line in a child process; its wall time and peak
    resident memory (from the kernel's accounting of that child alone)."""
    command = [sys.executable, "-m", "supplyroute", "plan", str(scenario_path), "-o",
               str(out), "--time-limit", f"{time_limit_s:g}", "--method", method, "--quiet"]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    stderr = child.stderr.read().decode() if child.stderr else ""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 3):  # 3: some households unserved, the plan written
        raise RuntimeError(f"supplyroute plan {scenario_path.name} ended with exit code "
                           f"{child.returncode}: {stderr.strip()[-500:]}")
    return Run(load_plan(out), round(wall, 1), round(usage.ru_maxrss / 1024, 0))


def _priority_served(scenario: Scenario, plan: Plan) -> int:
    served = {d.household for d in plan.deliveries}
    return sum(1 for h in scenario.households
               if h.priority.value in ("urgent", "vulnerable") and h.id in served)


def bench_case(case: Case, households: int, out: Path,
               time_limit_s: float | None = None) -> Row:
    """Generate, plan both ways in child processes, check, and return the row."""
    spec = case.spec(households)
    name = spec.default_name
    scenario_path = out / "scenarios" / f"{name}.json"
    scenario_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(scenario_path, json.dumps(generate(spec), ensure_ascii=False) + "\n")
    scenario = load_scenario(scenario_path)
    limit = time_limit_s or time_limit_for(households)
    plans = out / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    best = plan_in_process(scenario_path, plans / f"{name}.plan.json", limit)
    manual = plan_in_process(scenario_path, plans / f"{name}.manual.plan.json", limit,
                             "manual")
    s, m = best.plan.summary, manual.plan.summary
    return {
        "case": case.name,
        "households": households,
        "volunteers": len(scenario.volunteers),
        "time_limit_s": limit,
        "served": s.households_served,
        "manual_served": m.households_served,
        "priority_served": _priority_served(scenario, best.plan),
        "manual_priority_served": _priority_served(scenario, manual.plan),
        "service_bound": s.service_bound,
        "makespan_min": round(s.makespan_s / 60, 1),
        "lower_bound_min": round(s.lower_bound_s / 60, 1),
        "gap": None if s.gap is None else round(s.gap, 4),
        "manual_makespan_min": round(m.makespan_s / 60, 1),
        "wall_s": best.wall_s,
        "peak_mb": best.peak_mb,
        "manual_wall_s": manual.wall_s,
        "manual_peak_mb": manual.peak_mb,
        "violations": len(check(scenario, best.plan)),
        "manual_violations": len(check(scenario, manual.plan)),
    }


def run(sizes: Iterable[int], out: str | Path, time_limit_s: float | None = None,
        started: Callable[[Case, int, float], None] | None = None,
        report: Callable[[Row, list[Row]], None] | None = None) -> list[Row]:
    """Every case at every size, one after the other (timings are part of the table)."""
    out = Path(out)
    rows: list[Row] = []
    for case, n in cases_for(sizes):
        if started is not None:
            started(case, n, time_limit_s or time_limit_for(n))
        rows.append(bench_case(case, n, out, time_limit_s))
        if report is not None:
            report(rows[-1], rows)
    return rows


def write(rows: list[Row], out: str | Path) -> list[Path]:
    """``generated.csv`` and ``generated.json`` into ``out``."""
    return write_table(rows, out, COLUMNS, "generated")


def as_rows(rows: list[Row]) -> list[list[Any]]:
    return [[r[c] for c in COLUMNS] for r in rows]
