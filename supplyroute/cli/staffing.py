"""``staff`` and ``compare``: how many volunteers to call, and what a change to the
roster, the zones, the carts, the releases or the shifts would cost."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.cli.common import clock, naturals, search_options, to_stdout
from supplyroute.clock import hhmm
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import check_writable, dump_model, load_scenario, write_atomic
from supplyroute.planner import MODES, PlanOptions
from supplyroute.staffing import StaffingAnswer


def register(sub: argparse._SubParsersAction) -> None:
    """The staffing commands' parsers."""
    p = sub.add_parser("staff", help="the fewest volunteers that serve every household "
                       "by a time", description="Find the fewest volunteers drawn from the "
                       "scenario's roster (by zone, cloned above it) whose plan serves every "
                       "household by --finish-by, and the lower bound proving that a team of "
                       "one fewer, drawn the same way, cannot. Writes the answer JSON (and "
                       "its plan to FILE's sibling *.plan.json).")
    p.add_argument("scenario", type=Path)
    p.add_argument("--finish-by", required=True, metavar="HH:MM",
                   help="last hand-over by then (a clock time on the scenario's day)")
    p.add_argument("--carts", type=naturals, default=None, metavar="N",
                   help="at most N of the volunteers have carts (default: as on the roster)")
    search_options(p, 10.0, "seconds per plan")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")
    p.set_defaults(run=staff_command)

    p = sub.add_parser("compare", help="plan a scenario and its variants side by side",
                       description="Plan the scenario and each variant (one per --vary) and "
                       "show makespans, bounds and what each change costs in minutes. "
                       "Specs: zones=off, carts=+N|-N, volunteers=+N|-N, releases=off|+HH:MM|"
                       "-HH:MM, shifts=HH:MM-HH:MM.")
    p.add_argument("scenario", type=Path)
    p.add_argument("--vary", action="append", required=True, metavar="SPEC",
                   help="a variant, e.g. zones=off or carts=+2 (repeat for more)")
    p.add_argument("--mode", choices=MODES, default="carry")
    search_options(p, 30.0, "seconds per plan")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")
    p.set_defaults(run=compare_command)


def staff_command(args: argparse.Namespace) -> int:
    """The fewest volunteers that serve every household by a time, with the proof."""
    from supplyroute.staffing import staff

    scenario = load_scenario(args.scenario)
    finish_by = clock(args.finish_by, "--finish-by")
    start = min(v.shift.start for v in scenario.volunteers)
    if finish_by <= start:
        raise InputError(InputIssue("--finish-by", f"{hhmm(finish_by)} is not after the "
                                    f"round starts ({hhmm(start)})"))
    plan_path = None
    stdout = args.output is not None and to_stdout(args.output)  # the answer JSON, no plan
    if args.output is not None and not stdout:
        check_writable(args.output)
        plan_path = args.output.with_suffix(".plan.json")
        check_writable(plan_path)
        check_writable(args.output.with_suffix(".scenario.json"))

    def show(step: object) -> None:
        print(f"[staff] {step}", file=sys.stderr, flush=True)

    answer = staff(scenario, finish_by, carts=args.carts,
                   options=PlanOptions(time_limit_s=args.time_limit,
                                       deterministic=args.deterministic),
                   progress=None if args.quiet else show)
    print("\n".join(staffing_lines(answer)), file=sys.stderr if stdout else sys.stdout)
    text = dump_model(answer.model_copy(update={"plan": None, "team": None}))
    if stdout:
        sys.stdout.write(text)
    elif args.output is not None:
        write_atomic(args.output, text)
        print(f"answer written to {args.output}")
        if answer.plan is not None and answer.team is not None and plan_path is not None:
            team_path = args.output.with_suffix(".scenario.json")
            write_atomic(team_path, answer.team.model_dump_json(indent=1) + "\n")
            write_atomic(plan_path, dump_model(answer.plan))
            print(f"plan written to {plan_path} (its scenario, with the team: {team_path})")
    return ExitCode.OK if answer.enough is not None else ExitCode.UNSERVED


def staffing_lines(a: StaffingAnswer) -> list[str]:
    """A staffing answer as a coordinator reads it on the screen."""
    window = f"{hhmm(a.round_start_s)} to {hhmm(a.finish_by_s)}"
    lines = [f"scenario      {a.scenario}: {a.households} households, roster of {a.roster}; "
             f"finish by {hhmm(a.finish_by_s)} ({window})"]
    if a.lower is not None:
        lines.append(f"lower         {a.lower} volunteers: no team of fewer drawn this way "
                     f"can (bound of {a.lower - 1}: {a.below_lower_reason})")
    if a.fewest_any is not None:
        lines.append(f"any team      at least {a.fewest_any} volunteers, however drawn from "
                     f"the roster's kinds (team LP {a.fewest_any_lp:.2f})")
    if a.enough is not None and a.makespan_s is not None and a.last_delivery_s is not None:
        lines.append(f"enough        {a.enough} volunteers ({a.carts} with carts, {a.cloned} "
                     f"above the roster): last bag at {hhmm(a.last_delivery_s)}, makespan "
                     f"{a.makespan_s / 60:.1f} min; gap to lower {a.gap}")
        zones = ", ".join(f"{z.zone} {z.volunteers} ({z.carts} carts)" for z in a.zones)
        lines.append(f"zones         {zones}")
    if a.reason:
        lines.append(f"not found     {a.reason}")
    return lines


def compare_command(args: argparse.Namespace) -> int:
    """The scenario and its variants planned side by side."""
    from supplyroute.whatif import VariationError, compare, parse_variation, table, vary

    scenario = load_scenario(args.scenario)
    try:
        variations = [parse_variation(spec) for spec in args.vary]
        for v in variations:  # every variant valid before any plan
            vary(scenario, v)
    except VariationError as exc:
        raise InputError(InputIssue("--vary", str(exc))) from None
    stdout = args.output is not None and to_stdout(args.output)  # the comparison JSON
    if args.output is not None and not stdout:
        check_writable(args.output)

    def show(message: str) -> None:
        print(f"[compare] {message}", file=sys.stderr, flush=True)

    result = compare(scenario, variations,
                     PlanOptions(mode=args.mode, time_limit_s=args.time_limit,
                                 deterministic=args.deterministic),
                     progress=None if args.quiet else show)
    print("\n".join(table(result)), file=sys.stderr if stdout else sys.stdout)
    if stdout:
        sys.stdout.write(dump_model(result))
    elif args.output is not None:
        write_atomic(args.output, dump_model(result))
        print(f"comparison written to {args.output}")
    return ExitCode.VIOLATIONS if any(r.violations for r in result.rows) else ExitCode.OK
