"""District benchmark: vans and rounds planned end to end, serially and on a Dask cluster.

    python benchmarks/district.py [--generated N ...] [--time-limit S] [--workers N] [-o OUT_DIR]

Per case (the example district, or generated districts of N households, a compound per
1,000): the joint plan's end-to-end makespan, its bound and gap, the sequential
baseline (vans by distance, then the rounds), the wall time serially and on a
LocalCluster of N workers, whether both runs gave the same plans (deterministic mode),
and the violations the district checker finds. Writes district.csv, district.json and
summary.md to OUT_DIR (default ``benchmarks/results/district``). The work is done by
:mod:`supplyroute.bench.district`; ``supplyroute bench district`` runs the same.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from supplyroute.bench.district import bench_case, example_case, generated_case, markdown, write
from supplyroute.bench.doorstep import machine
from supplyroute.district.joint import DistrictOptions

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, nargs="*", default=None, metavar="N")
    parser.add_argument("--time-limit", type=float, default=30.0,
                        help="the vans' search per iteration, seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("-o", "--output", type=Path, default=HERE / "results" / "district")
    args = parser.parse_args(argv)
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    cases = ([generated_case(n) for n in args.generated] if args.generated
             else [example_case(HERE.parent / "examples" / "district.json")])
    options = DistrictOptions(time_limit_s=args.time_limit, round_time_limit_s=10.0,
                              iterations=1 if args.generated else 3, deterministic=True,
                              round_effort=0.34 if args.generated else 1.0,
                              workers=args.workers, progress=say)
    rows = [bench_case(case, options, say, baseline=not args.generated) for case in cases]
    header = (f"{machine()}; deterministic; vans {args.time_limit:g} s per iteration, "
              f"{options.iterations} iterations; LocalCluster of {args.workers} workers")
    write(rows, args.output, header)
    print(header)
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
