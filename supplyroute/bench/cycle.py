"""The cycle benchmark: every cycle example planned over its horizon, checked, tabulated.

Per example: the horizon's deliveries, the worst and mean day gap of the delivery round
to its bound, the busiest day over the mean day, fairness among volunteers (floors,
kg, hours: max over mean), the shortage days and their smallest coverage share (with
CP-SAT's status), the garbage rounds' worst gap, violations found by the horizon
checker, and wall time. Per day: each round's makespan, bound and gap. Used by
``supplyroute bench cycle`` and ``benchmarks/cycle.py``.
"""

from __future__ import annotations

import csv
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from supplyroute.bench.doorstep import default_examples, named_paths
from supplyroute.checks.horizon import check_horizon
from supplyroute.cycles.folder import read_horizon, write_horizon
from supplyroute.cycles.planner import CycleOptions, plan_cycle
from supplyroute.io import load_cycle_scenario

COLUMNS = ["example", "days", "households", "deliveries", "visits", "garbage",
           "mean_gap", "worst_gap", "garbage_worst_gap", "busiest_day_over_mean",
           "floors_max_over_mean", "kg_max_over_mean", "hours_max_over_mean", "short_days",
           "shortage_min_share", "shortage_priority_min_share", "shortage_status",
           "unserved", "violations", "wall_s"]
DAY_COLUMNS = ["example", "day", "deliveries", "visits", "makespan_min", "lower_bound_min",
               "gap", "garbage_homes", "garbage_makespan_min", "garbage_gap", "work_h",
               "allocation", "min_share"]

Row = dict[str, object]


def cycle_paths(examples: str | Path, only: Iterable[str] | None = None) -> list[Path]:
    """The cycle examples (``*-cycle.json``), smallest file first."""
    return named_paths(examples, "*-cycle.json", only, "cycle examples")


def bench_one(path: Path, time_limit_s: float, workers: int = 2,
              deterministic: bool = False) -> tuple[Row, list[Row]]:
    """One example: planned, written, read back and checked as a user would."""
    cs = load_cycle_scenario(path)
    started = time.monotonic()
    result = plan_cycle(cs, CycleOptions(time_limit_s=time_limit_s, workers=workers,
                                         deterministic=deterministic))
    wall_s = time.monotonic() - started
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_horizon(result.horizon, result.rounds, Path(tmp) / "horizon")
        violations = check_horizon(cs, read_horizon(folder))
    h = result.horizon
    s = h.summary
    gaps = [d.delivery_round.gap for d in h.days
            if d.delivery_round is not None and d.delivery_round.gap is not None]
    garbage_gaps = [d.garbage_round.gap for d in h.days
                    if d.garbage_round is not None and d.garbage_round.gap is not None]
    short = [d for d in h.days if d.allocation.households_short]
    row: Row = {
        "example": path.stem, "days": s.days, "households": len(cs.compound.households),
        "deliveries": s.deliveries, "visits": s.visits, "garbage": s.garbage_pickups,
        "mean_gap": _pct(statistics.fmean(gaps)) if gaps else None,
        "worst_gap": _pct(max(gaps)) if gaps else None,
        "garbage_worst_gap": _pct(max(garbage_gaps)) if garbage_gaps else None,
        "busiest_day_over_mean": s.busiest_day_over_mean,
        "floors_max_over_mean": s.fairness.floors_max_over_mean,
        "kg_max_over_mean": s.fairness.kg_max_over_mean,
        "hours_max_over_mean": s.fairness.hours_max_over_mean,
        "short_days": s.short_days,
        "shortage_min_share": min((d.allocation.min_coverage for d in short), default=None),
        "shortage_priority_min_share": min((d.allocation.min_coverage_priority for d in short),
                                           default=None),
        "shortage_status": ",".join(sorted({d.allocation.status for d in short})) or None,
        "unserved": s.unserved, "violations": len(violations), "wall_s": round(wall_s, 1),
    }
    days = []
    for d in h.days:
        r, g = d.delivery_round, d.garbage_round
        days.append({
            "example": path.stem, "day": d.day + 1, "deliveries": len(d.deliveries),
            "visits": len(d.visits),
            "makespan_min": round(r.makespan_s / 60, 1) if r else None,
            "lower_bound_min": round(r.lower_bound_s / 60, 1) if r else None,
            "gap": _pct(r.gap) if r and r.gap is not None else None,
            "garbage_homes": g.households if g else 0,
            "garbage_makespan_min": round(g.makespan_s / 60, 1) if g else None,
            "garbage_gap": _pct(g.gap) if g and g.gap is not None else None,
            "work_h": round(d.work_s / 3600, 1), "allocation": d.allocation.status,
            "min_share": d.allocation.min_coverage,
        })
    return row, days


def _pct(value: float) -> float:
    return round(100 * value, 2)


def run(examples: str | Path | None = None, time_limit_s: float = 10.0, workers: int = 2,
        only: Iterable[str] | None = None, deterministic: bool = False,
        report: Callable[[Row], None] | None = None) -> tuple[list[Row], list[Row]]:
    rows: list[Row] = []
    days: list[Row] = []
    for path in cycle_paths(examples or default_examples(), only):
        row, per_day = bench_one(path, time_limit_s, workers, deterministic)
        rows.append(row)
        days += per_day
        if report is not None:
            report(row)
    return rows, days


def markdown(columns: list[str], rows: list[Row]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("-" if r[c] is None else str(r[c]) for c in columns) + " |"
              for r in rows]
    return "\n".join(lines)


def write(rows: list[Row], days: list[Row], out: str | Path, header: str = "") -> list[Path]:
    """``cycle.csv``, ``cycle_days.csv``, ``cycle.json`` and ``summary.md`` in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, columns, data in (("cycle.csv", COLUMNS, rows),
                                ("cycle_days.csv", DAY_COLUMNS, days)):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(data)
    (out / "cycle.json").write_text(json.dumps({"examples": rows, "days": days}, indent=2)
                                    + "\n", encoding="utf-8")
    (out / "summary.md").write_text(
        f"# cycle\n\n{header}\n\n{markdown(COLUMNS, rows)}\n\n## Days\n\n"
        f"{markdown(DAY_COLUMNS, days)}\n", encoding="utf-8")
    return [out / n for n in ("cycle.csv", "cycle_days.csv", "cycle.json", "summary.md")]
