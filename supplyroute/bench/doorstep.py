"""The doorstep benchmark: every example planned by both methods, checked, tabulated.

Each scenario is planned with the optimiser (carry mode, relay mode and auto, each
within the same time limit) and by hand; every plan goes through the independent
checker. Relay plans are measured against the relay bound. When the by-hand plan
runs out of shift time it is planned once more with the shifts left open, so that the
ratio optimised / by hand compares whole rounds. Used by ``supplyroute bench
doorstep`` and by ``benchmarks/doorstep.py``.
"""

from __future__ import annotations

import csv
import json
import platform
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from supplyroute import PlanOptions, Scenario, check, load_scenario, plan
from supplyroute.io import is_district

#: The examples' usual limits (s): a coordinator waits half a minute for a compound of
#: hundreds of households, a minute for thousands; other examples get the default.
DEFAULT_LIMITS: dict[str, float] = {"kandan576": 30.0, "anzhen4389": 60.0}
DEFAULT_TIME_LIMIT_S = 30.0
COLUMNS = ["example", "households", "volunteers", "makespan_min", "lower_bound_min", "gap",
           "manual_makespan_min", "manual_open_shift_min", "ratio", "bound_ratio", "solve_s",
           "check_s", "violations", "manual_violations", "unserved", "deadlines_met",
           "vulnerable_by", "relay_makespan_min", "relay_bound_min", "relay_gap",
           "relay_vs_carry", "relay_ratio", "relay_solve_s", "relay_violations",
           "relay_vulnerable_by", "auto_mode", "auto_makespan_min", "auto_violations"]

DoorstepRow = dict[str, object]


def default_examples() -> Path:
    """The project's ``examples/`` folder (a source checkout), else ``./examples``."""
    checkout = Path(__file__).resolve().parents[2] / "examples"
    return checkout if checkout.is_dir() else Path("examples")


def without_shift_ends(scenario: Scenario) -> Scenario:
    """The scenario with every shift running three days past its start."""
    volunteers = tuple(
        v.model_copy(update={"shift": v.shift.model_copy(update={"end": v.shift.start + 259200})})
        for v in scenario.volunteers)
    return scenario.with_changes(volunteers=volunteers)


def _clock(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return f"{int(seconds) // 3600:02d}:{int(seconds) % 3600 // 60:02d}"


def bench_one(path: Path, time_limit: float, deterministic: bool = False,
              relay: bool = True) -> DoorstepRow:
    """One example's row: both methods planned within ``time_limit`` and checked; with
    ``relay``, relay and auto modes too (where the scenario allows relays)."""
    scenario = load_scenario(path)
    best = plan(scenario, PlanOptions(time_limit_s=time_limit, deterministic=deterministic))
    started = time.monotonic()
    violations = check(scenario, best)
    check_s = time.monotonic() - started
    manual_options = PlanOptions(method="manual", time_limit_s=time_limit,
                                 deterministic=deterministic)
    manual = plan(scenario, manual_options)
    manual_violations = check(scenario, manual)
    s, m = best.summary, manual.summary
    # By hand often cannot finish within the shifts; then it is timed once more with the
    # shifts left open, so that the ratio compares whole rounds.
    full_makespan = m.makespan_s
    if any(u.reason.value == "no_volunteer_time" for u in manual.unserved):
        open_ended = plan(without_shift_ends(scenario), manual_options)
        manual_violations += check(without_shift_ends(scenario), open_ended)
        full_makespan = open_ended.summary.makespan_s
    vulnerable = s.vulnerable_served_by_s
    relayed: DoorstepRow = dict.fromkeys(c for c in COLUMNS if c.startswith(("relay_", "auto_")))
    if relay and scenario.relay:
        r = plan(scenario, PlanOptions(mode="relay", time_limit_s=time_limit,
                                       deterministic=deterministic))
        auto = plan(scenario, PlanOptions(mode="auto", time_limit_s=time_limit,
                                          deterministic=deterministic))
        rs = r.summary
        relayed.update({
            "relay_makespan_min": round(rs.makespan_s / 60, 1),
            "relay_bound_min": round(rs.lower_bound_s / 60, 1),
            "relay_gap": None if rs.gap is None else round(rs.gap, 4),
            "relay_vs_carry": round(rs.makespan_s / s.makespan_s, 3) if s.makespan_s else None,
            "relay_ratio": round(rs.makespan_s / full_makespan, 3) if full_makespan else None,
            "relay_solve_s": rs.solve_s,
            "relay_violations": len(check(scenario, r)),
            "relay_vulnerable_by": _clock(rs.vulnerable_served_by_s),
            "auto_mode": auto.summary.mode,
            "auto_makespan_min": round(auto.summary.makespan_s / 60, 1),
            "auto_violations": len(check(scenario, auto)),
        })
    return {
        "example": path.stem,
        "households": len(scenario.households),
        "volunteers": len(scenario.volunteers),
        "makespan_min": round(s.makespan_s / 60, 1),
        "lower_bound_min": round(s.lower_bound_s / 60, 1),
        "gap": None if s.gap is None else round(s.gap, 4),
        "manual_makespan_min": round(m.makespan_s / 60, 1),
        "manual_open_shift_min": round(full_makespan / 60, 1),
        "ratio": round(s.makespan_s / full_makespan, 3) if full_makespan else None,
        "bound_ratio": round(s.lower_bound_s / full_makespan, 3) if full_makespan else None,
        "solve_s": s.solve_s,
        "check_s": round(check_s, 2),
        "violations": len(violations),
        "manual_violations": len(manual_violations),
        "unserved": f"{s.households_unserved}/{m.households_unserved}",
        "deadlines_met": f"{s.deadlines_met}/{s.deadlines_total}",
        "vulnerable_by": _clock(vulnerable),
        **relayed,
    }


def example_paths(examples: str | Path, only: Iterable[str] | None = None) -> list[Path]:
    """The example doorstep scenarios, smallest file first (plans, cycle scenarios
    ``*-cycle.json``, the day's events ``*-events.json`` and districts are not doorstep
    examples)."""
    return named_paths(examples, "*.json", only, "example scenarios",
                       lambda p: not p.name.endswith(".plan.json")
                       and not p.stem.endswith(("-cycle", "-events")) and not is_district(p))


def named_paths(examples: str | Path, pattern: str, only: Iterable[str] | None, what: str,
                keep: Callable[[Path], bool] = lambda p: True) -> list[Path]:
    """The files of ``examples`` matching ``pattern`` that ``keep`` keeps, smallest
    first, or those named in ``only`` (a name that is not there is an error)."""
    paths = sorted((p for p in Path(examples).glob(pattern) if keep(p)),
                   key=lambda p: p.stat().st_size)
    if only:
        wanted = set(only)
        missing = sorted(wanted - {p.stem for p in paths})
        if missing:
            raise FileNotFoundError(f"no {what.split()[0]} {missing[0]!r} in {examples}")
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        raise FileNotFoundError(f"no {what} ({pattern}) in {examples}")
    return paths


def run(examples: str | Path | None = None, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        limits: Mapping[str, float] | None = None, only: Iterable[str] | None = None,
        deterministic: bool = False,
        started: Callable[[Path, float], None] | None = None,
        report: Callable[[DoorstepRow, list[DoorstepRow]], None] | None = None,
        ) -> list[DoorstepRow]:
    """Every example's row, one after the other (timings are part of the table).

    ``limits`` sets the time limit of named examples (default :data:`DEFAULT_LIMITS`;
    pass ``{}`` for ``time_limit_s`` everywhere). ``started(path, limit)`` is called
    before and ``report(row, rows)`` after each example, for progress.
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    rows: list[DoorstepRow] = []
    for path in example_paths(examples or default_examples(), only):
        limit = limits.get(path.stem, time_limit_s)
        if started is not None:
            started(path, limit)
        rows.append(bench_one(path, limit, deterministic))
        if report is not None:
            report(rows[-1], rows)
    return rows


def machine() -> str:
    """The line that says where the table was measured."""
    return (f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
            f"Python {platform.python_version()}")


def table(rows: list[DoorstepRow]) -> str:
    """The rows as an aligned text table, one column per :data:`COLUMNS`."""
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in COLUMNS}
    lines = [" | ".join(c.ljust(widths[c]) for c in COLUMNS)]
    lines.append("-|-".join("-" * widths[c] for c in COLUMNS))
    for r in rows:
        lines.append(" | ".join(str(r[c]).ljust(widths[c]) for c in COLUMNS))
    return "\n".join(lines)


def write(rows: list[DoorstepRow], out: str | Path) -> list[Path]:
    """Write ``doorstep.csv`` and ``doorstep.json`` into ``out``."""
    return write_table(rows, out, COLUMNS, "doorstep")


def write_table(rows: list[DoorstepRow], out: str | Path, columns: list[str],
                stem: str) -> list[Path]:
    """Write ``STEM.csv`` (``columns`` in order) and ``STEM.json`` into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"{stem}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    (out / f"{stem}.json").write_text(json.dumps(rows, indent=2) + "\n")
    return [out / f"{stem}.csv", out / f"{stem}.json"]
