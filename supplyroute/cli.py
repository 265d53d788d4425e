"""The ``supplyroute`` command: a thin layer over the library.

Exit codes: 0 ok; 1 internal error; 2 invalid input (one line with the JSON path and
the reason, no output written); 3 the plan leaves households unserved (the partial plan
is still written); 4 ``check`` found violations.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from supplyroute import __version__
from supplyroute.checker import check
from supplyroute.clock import hhmm
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import dump_model, load_plan, load_scenario, write_atomic
from supplyroute.models import Plan, Scenario
from supplyroute.planner import METHODS, PlanOptions, plan
from supplyroute.solvers.base import Progress
from supplyroute.travel import Travel


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supplyroute",
        description="Plan how supply bags reach every household of a sealed compound.",
    )
    parser.add_argument("--version", action="version", version=f"supplyroute {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a scenario file and describe it")
    p.add_argument("scenario", type=Path)

    p = sub.add_parser("plan", help="plan a doorstep round")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path, help="plan JSON to write (default: stdout)")
    p.add_argument("--method", choices=METHODS, default="optimized")
    p.add_argument("--time-limit", type=_positive, default=30.0, metavar="S",
                   help="seconds the search may take (default 30)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same plan")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = sub.add_parser("check", help="check a plan against its scenario")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)

    p = sub.add_parser("sheets", help="write one printable route sheet per volunteer")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.add_argument("--lang", choices=("en", "zh"), default="en")

    p = sub.add_parser("bench", help="run routing solvers over a standard instance set")
    p.add_argument("set", choices=("cvrp", "vrptw", "mtvrptwr"))
    p.add_argument("--instances", type=Path, default=None, metavar="DIR",
                   help="folder holding the set's folders (default ../shared/instances)")
    p.add_argument("--time-limit", type=_positive, default=10.0, metavar="S")
    p.add_argument("--solvers", default="ortools-default",
                   help="comma-separated: ortools-default, ortools-savings")
    p.add_argument("--only", nargs="*", metavar="NAME", help="instance names (default: all)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")

    p = sub.add_parser("schema", help="print the JSON Schema of a document")
    p.add_argument("document", choices=("scenario", "plan"), nargs="?", default="scenario")
    return parser


def _progress_printer(quiet: bool):
    if quiet:
        return None

    def show(p: Progress) -> None:
        parts = [f"[{p.elapsed_s:7.1f}s] {p.stage}"]
        if p.makespan_s is not None:
            parts.append(f"makespan {p.makespan_s / 60:.1f} min")
        if p.lower_bound_s:
            parts.append(f"bound {p.lower_bound_s / 60:.1f} min")
        if p.gap is not None:
            parts.append(f"gap {p.gap:.1%}")
        print(" | ".join(parts), file=sys.stderr, flush=True)

    return show


def _summary_lines(result: Plan) -> list[str]:
    s = result.summary
    gap = "n/a" if s.gap is None else f"{s.gap:.2%}"
    lines = [
        f"scenario      {result.scenario} ({s.method})",
        f"served        {s.households_served} households, {s.bags_delivered} bags, "
        f"{s.trips} trips; unserved {s.households_unserved}",
        f"makespan      {s.makespan_s / 60:.1f} min (last bag at {hhmm(s.last_delivery_s)})",
        f"lower bound   {s.lower_bound_s / 60:.1f} min ({s.bound}); gap {gap}"
        + ("; proven optimal" if s.proven_optimal else ""),
        f"deadlines     {s.deadlines_met} of {s.deadlines_total} met",
        f"walking       {s.walk_m / 1000:.1f} km; floors climbed {s.floors_climbed}",
    ]
    if s.vulnerable_served_by_s is not None:
        lines.append(f"vulnerable    all served by {hhmm(s.vulnerable_served_by_s)}")
    for u in result.unserved[:10]:
        lines.append(f"unserved      {u.household}: {u.reason.value} ({u.detail})")
    if len(result.unserved) > 10:
        lines.append(f"unserved      ... and {len(result.unserved) - 10} more (see the plan)")
    return lines


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    Travel(scenario)  # a walkway graph that leaves a place unreachable is invalid too
    bags = sum(len(scenario.bags_of(h)) for h in scenario.households)
    stairwells = sum(len(b.stairwells) for b in scenario.buildings)
    print(f"ok: {scenario.name}: {len(scenario.households)} households, {bags} bags, "
          f"{len(scenario.buildings)} buildings, {stairwells} stairwells, "
          f"{len(scenario.volunteers)} volunteers, {len(scenario.gates)} gates")
    return ExitCode.OK


def _plan(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    options = PlanOptions(
        method=args.method,
        time_limit_s=args.time_limit,
        deterministic=args.deterministic,
        progress=_progress_printer(args.quiet),
    )
    result = plan(scenario, options)
    text = dump_model(result)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.output, text)
        print("\n".join(_summary_lines(result)))
        print(f"plan written to {args.output}")
    return ExitCode.UNSERVED if result.unserved else ExitCode.OK


def _check(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    violations = check(scenario, result)
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} violations")
        return ExitCode.VIOLATIONS
    print(f"ok: 0 violations; {result.summary.households_served} households served, "
          f"{result.summary.households_unserved} unserved, makespan "
          f"{result.summary.makespan_s / 60:.1f} min")
    return ExitCode.OK


def _sheets(args: argparse.Namespace) -> int:
    from supplyroute.sheets import write_sheets

    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    _same_scenario(scenario, result)
    paths = write_sheets(scenario, result, args.output, lang=args.lang)
    print(f"{len(paths)} files written to {args.output}")
    return ExitCode.OK


def _same_scenario(scenario: Scenario, result: Plan) -> None:
    if result.scenario != scenario.name:
        raise InputError(InputIssue("scenario", f"the plan is for scenario "
                                    f"{result.scenario!r}, not {scenario.name!r}"))


def _schema(args: argparse.Namespace) -> int:
    model = Scenario if args.document == "scenario" else Plan
    print(json.dumps(model.model_json_schema(), indent=2))
    return ExitCode.OK


def _bench(args: argparse.Namespace) -> int:
    from supplyroute.bench import harness
    from supplyroute.bench.instances import DEFAULT_ROOT

    def progress(row: harness.Row, rows: list[harness.Row]) -> None:
        gaps = [r.gap for r in rows if r.gap is not None]
        mean = f"{sum(gaps) / len(gaps):.2%}" if gaps else "n/a"
        gap = "infeasible" if row.gap is None or not row.feasible else f"{row.gap:.2%}"
        print(f"[{len(rows)}] {row.instance} {row.solver}: {gap} (running mean {mean})",
              file=sys.stderr, flush=True)

    root = args.instances or DEFAULT_ROOT
    try:
        rows = harness.run(args.set, root, args.solvers.split(","), args.time_limit,
                           report=progress, names=args.only)
    except (ValueError, FileNotFoundError) as exc:
        raise InputError(InputIssue("set", str(exc))) from None
    harness.write(rows, args.output)
    for line in harness.summary(rows):
        print(json.dumps(line))
    return ExitCode.OK


COMMANDS = {"bench": _bench, "validate": _validate, "plan": _plan, "check": _check,
            "sheets": _sheets, "schema": _schema}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(COMMANDS[args.command](args))
    except InputError as exc:
        more = f" (and {len(exc.issues) - 1} more)" if len(exc.issues) > 1 else ""
        print(f"error: {exc.first}{more}", file=sys.stderr)
        return ExitCode.INVALID_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERNAL
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a CLI
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
