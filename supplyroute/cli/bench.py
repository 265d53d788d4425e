"""``bench``: engines and peers on the standard routing sets, the doorstep examples (or
generated compounds), the cycle examples and the district (see
:mod:`supplyroute.bench.suites`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.bench.suites import SUITES, BenchRequest, run_bench
from supplyroute.cli.common import count, seconds_list, sizes
from supplyroute.io import check_folder


def register(sub: argparse._SubParsersAction) -> None:
    """The bench command's parser."""
    p = sub.add_parser(
        "bench", help="run routing solvers over a standard instance set, or the doorstep "
        "benchmark of the examples",
        description="Run solvers over a standard instance set (cvrp, vrptw, mtvrptwr) and "
        "tabulate gaps to the best-known costs, or ('doorstep') plan every example by both "
        "methods, or ('cycle') plan every cycle example over its horizon. Writes "
        "results.csv, results.json, summary.md and, with two or more time "
        "limits, gap_vs_time.png/.svg (doorstep: doorstep.csv/.json and summary.md).")
    p.add_argument("set", choices=SUITES)
    p.add_argument("--instances", type=Path, default=None, metavar="DIR",
                   help="folder holding the set's folders (default benchmarks/instances); "
                   "for doorstep, the examples folder")
    p.add_argument("--time-limit", action="append", type=seconds_list, default=None,
                   metavar="S", help="seconds per run; repeat or give '1,5,10' for several "
                   "(default: the grid's, else 10; doorstep: 30, 60 for anzhen4389)")
    p.add_argument("--solvers", default=None, metavar="A,B",
                   help="comma-separated solvers (default: the grid's, else ortools-default, "
                   "ortools, supplyroute and the installed peers pyvrp and vroom)")
    p.add_argument("--grid", type=Path, default=None, metavar="FILE",
                   help="a sweep: solvers' option values, time limits, seeds, instances "
                   "(JSON, or YAML for .yaml/.yml)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786)")
    where.add_argument("--workers", type=count, default=1, metavar="N",
                       help="local processes at once (default 1; at most the core count)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts: same results on any machine")
    p.add_argument("--fleet", default=None, metavar="unlimited|k",
                   help="cvrp: the fleet, unlimited as the best-known costs assume "
                   "(default), or at most the k of the instance's name; 'unlimited,k' "
                   "runs both as separate configurations")
    p.add_argument("--generated", type=sizes, default=None, metavar="N,N,...",
                   help="doorstep: plan generated compounds of these sizes instead of the "
                   "examples (walk-ups with open shifts at every size; two tight-shift "
                   "cases up to 5,000), each plan in a process of its own; district: "
                   "generated districts of these many households (a compound per 1,000) "
                   "instead of the example")
    p.add_argument("--only", nargs="*", metavar="NAME", help="instance names (default: all)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.set_defaults(run=bench_command)


def bench_command(args: argparse.Namespace) -> int:
    """The suite run, progress on standard error, its tables on standard output."""
    check_folder(args.output)  # before any run, not after an hour of them
    request = BenchRequest(
        set=args.set, output=args.output, instances=args.instances,
        time_limits=tuple(t for group in args.time_limit or [] for t in group),
        solvers=args.solvers, grid=args.grid, scheduler=args.scheduler, workers=args.workers,
        deterministic=args.deterministic, fleet=args.fleet,
        generated=tuple(args.generated) if args.generated else None,
        only=tuple(args.only) if args.only else None)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    return run_bench(request, say, print)
