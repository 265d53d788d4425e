"""Cycle benchmark: every cycle example planned over its horizon, checked, tabulated.

    python benchmarks/cycle.py [--examples DIR] [--time-limit S] [--workers N] [-o OUT_DIR]

Per example: deliveries, visits, garbage collections, the delivery rounds' mean and worst
gap to their bounds, the garbage rounds' worst gap, the busiest day over the mean day,
fairness (floors, kg, hours: max over mean), the shortage days' smallest coverage share
and CP-SAT's status, violations found by the horizon checker, wall time; and a table per
day. Writes cycle.csv, cycle_days.csv, cycle.json and summary.md to OUT_DIR (default
``benchmarks/results/cycle``). The work is done by :mod:`supplyroute.bench.cycle`;
``supplyroute bench cycle`` runs the same benchmark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.bench.cycle import COLUMNS, markdown, run, write
from supplyroute.bench.doorstep import machine

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=HERE.parent / "examples")
    parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per day")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="example names (default: all)")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results" / "cycle")
    args = parser.parse_args(argv)
    rows, days = run(args.examples, args.time_limit, args.workers, args.only)
    header = f"{machine()}; {args.time_limit:g} s per day, {args.workers} workers"
    write(rows, days, args.output, header)
    print(header)
    print(markdown(COLUMNS, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
