"""Doorstep benchmark: every example planned by both methods, checked, tabulated.

    python benchmarks/doorstep.py [--examples DIR] [--time-limit S] [-o OUT_DIR]

Prints a table (households, volunteers, makespan, lower bound, gap, by-hand makespan
within the shifts and with open shifts, ratio optimised / by hand, bound / by hand,
solve time, violations; then relay mode's makespan, relay bound and gap, its ratio to
carry and to by hand, and which mode auto keeps) and writes it as CSV and JSON to OUT_DIR (default
``benchmarks/results``). The time limit applies per plan; ``--time-limit-for NAME=S``
sets it for one example (by default 30 s for kandan576, 60 s for
anzhen4389). The work is done by :mod:`supplyroute.bench.doorstep`; ``supplyroute
bench doorstep`` runs the same benchmark.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.bench.doorstep import DEFAULT_LIMITS, machine, run, table, write

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=Path, default=HERE.parent / "examples")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--time-limit-for", action="append", default=[], metavar="NAME=S")
    parser.add_argument("--only", nargs="*", help="example names (default: all)")
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    limits = dict(DEFAULT_LIMITS)
    for item in args.time_limit_for:
        name, _, seconds = item.partition("=")
        limits[name] = float(seconds)
    rows = run(args.examples, args.time_limit, limits, args.only,
               started=lambda path, _: print(f"planning {path.stem} ...", file=sys.stderr,
                                             flush=True))
    print(machine())
    print(table(rows))
    write(rows, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
