"""Generated cycles planned and checked: do plan and check agree on compounds nobody
tuned for, how many shortage days end proven, and how evenly the climbing falls.

    python benchmarks/cycle_generated.py [--seeds 200] [--workers 2] [--effort 0.1]
                                         [-o docs/cycle-generated.md]

Each seed's cycle (:mod:`supplyroute.cycles.generate`: 20-300 households, four days) is
planned in deterministic mode (rounds at ``--effort`` of the full search, CP-SAT up to
5 s a short category stage) and its horizon held to the checker. The table gives, per
size band: the cycles, their exit codes as ``supplyroute cycle`` would give them (0:
everyone served; 3: some shortfall, each named in the plan), the checker's violations,
the shortage days and how many of them ended proven optimal, and the largest
``floors_alike_max_over_mean`` (floors per day on duty among volunteers who could swap
days). Times are wall-clock on this machine and only indicative.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from supplyroute.checks.horizon import check_horizon
from supplyroute.cycles.folder import read_horizon, write_horizon
from supplyroute.cycles.generate import CycleSpec, generate_cycle
from supplyroute.cycles.planner import CycleOptions, plan_cycle
from supplyroute.models.cycle import CycleScenario

BANDS = ((1, 100), (101, 200), (201, 300))


def run(seed: int, effort: float) -> dict[str, float]:
    started = time.monotonic()
    cs = CycleScenario.model_validate(generate_cycle(CycleSpec(seed=seed)))
    result = plan_cycle(cs, CycleOptions(time_limit_s=1, deterministic=True,
                                         round_effort=effort, allocation_time_limit_s=5))
    with tempfile.TemporaryDirectory() as folder:
        write_horizon(result.horizon, result.rounds, Path(folder) / "h")
        violations = check_horizon(cs, read_horizon(Path(folder) / "h"))
    s = result.horizon.summary
    short = [d.allocation for d in result.horizon.days if d.allocation.status != "enough"]
    return {
        "seed": seed, "households": len(cs.compound.households),
        "exit": 3 if s.unserved or s.undelivered else 0, "violations": len(violations),
        "short_days": len(short), "proven": sum(a.status == "optimal" for a in short),
        "alike": s.fairness.floors_alike_max_over_mean,
        "not_served": sum(len(d.not_served) for d in result.horizon.days),
        "seconds": time.monotonic() - started,
    }


def table(rows: list[dict[str, float]]) -> str:
    lines = ["| households | cycles | exit 0 | exit 3 | violations | shortage days | proven "
             "| floors alike max/mean: worst, median | s per cycle |",
             "|---|---|---|---|---|---|---|---|---|"]
    for lo, hi in (*BANDS, (1, 300)):
        band = [r for r in rows if lo <= r["households"] <= hi]
        if not band:
            continue
        alike = [r["alike"] for r in band]
        lines.append(
            f"| {'all' if (lo, hi) == (1, 300) else f'{lo}-{hi}'} | {len(band)} "
            f"| {sum(r['exit'] == 0 for r in band)} | {sum(r['exit'] == 3 for r in band)} "
            f"| {sum(r['violations'] for r in band)} | {sum(r['short_days'] for r in band)} "
            f"| {sum(r['proven'] for r in band)} | {max(alike):.3f}, "
            f"{statistics.median(alike):.3f} "
            f"| {statistics.fmean(r['seconds'] for r in band):.1f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--effort", type=float, default=0.1)
    ap.add_argument("-o", "--output", help="also write the table to this Markdown file")
    args = ap.parse_args()
    rows = []
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(run, seed, args.effort) for seed in range(args.seeds)]
        for k, future in enumerate(futures):
            rows.append(future.result())
            r = rows[-1]
            print(f"[{k + 1}/{args.seeds}] seed {r['seed']}: {r['households']} households, "
                  f"exit {r['exit']}, {r['violations']} violations, floors alike "
                  f"{r['alike']:.3f}, {r['seconds']:.1f} s",
                  file=sys.stderr, flush=True)
    text = table(rows)
    print(text, end="")
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    return 1 if any(r["violations"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
