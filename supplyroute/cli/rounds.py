"""``validate``, ``plan``, ``check`` and ``replan``: a compound's round, or a district's
vans and rounds, from a scenario file to a checked plan."""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from supplyroute.checks import RoundRule, check, check_replan, verify_claims
from supplyroute.cli.common import (
    InputKind,
    clock,
    count,
    effort,
    input_kind,
    interruptible,
    positive,
    progress_printer,
    report_violations,
    search_options,
    share,
    to_stdout,
    write_document,
)
from supplyroute.clock import hhmm
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import (
    check_writable,
    dump_model,
    load_cycle_scenario,
    load_district,
    load_district_plan,
    load_plan,
    load_scenario,
    write_atomic,
)
from supplyroute.models import Plan
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.events import Events
from supplyroute.planner import METHODS, MODES, PlanOptions, plan


def register(sub: argparse._SubParsersAction) -> None:
    """The round commands' parsers."""
    p = sub.add_parser("validate", help="check a scenario file and describe it")
    p.add_argument("scenario", type=Path)
    p.set_defaults(run=validate)

    p = sub.add_parser("plan", help="plan a doorstep round")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path,
                   help="plan JSON to write ('-' or none: standard output)")
    p.add_argument("--method", choices=METHODS, default="optimized")
    p.add_argument("--mode", choices=MODES, default="carry",
                   help="carry: whoever brings the bags takes them up (default); relay: "
                        "ferries bring them to the entrances, climbers take them up; "
                        "auto: plan both, keep the better")
    p.add_argument("--time-limit", type=positive, default=30.0, metavar="S",
                   help="seconds the search may take (default 30)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same plan")
    default = PlanOptions.vulnerable_preference
    p.add_argument("--vulnerable-preference", type=share, default=default, metavar="SHARE",
                   help="how much longer the round may be so that urgent and vulnerable "
                        f"households are served sooner (default {default:g}; 0: the "
                        "shortest round only)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    _district_options(p)
    p.set_defaults(run=plan_command)

    p = sub.add_parser("check", help="check a plan (or a cycle's horizon folder) against "
                       "its scenario")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path, help="a plan JSON, or a folder written by 'cycle'")
    p.add_argument("--original", type=Path, default=None, metavar="PLAN",
                   help="with a replan: the plan it replans (what it had to keep is "
                   "checked too)")
    p.set_defaults(run=check_command)

    p = sub.add_parser("replan", help="replan the rest of the day after events",
                       description="Replan a plan at a time of day with the day's events "
                       "(a volunteer leaves or comes late, households added or removed, an "
                       "urgent order, a batch moved, a stairwell closed, a cart broken): "
                       "everything started before then is kept, the rest is replanned "
                       "changing the volunteers' sheets as little as the round allows. "
                       "Writes the new plan and, beside it (.scenario.json), the day's "
                       "scenario it is a plan of.")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path, help="the plan being followed")
    p.add_argument("--at", required=True, metavar="HH:MM", help="the time of the replan")
    p.add_argument("--events", type=Path, default=None, metavar="FILE",
                   help="events JSON (format supplyroute.events; default: none)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    search_options(p, 30.0, "seconds the replanning may take")
    p.set_defaults(run=replan_command)


def _district_options(p: argparse.ArgumentParser) -> None:
    d = p.add_argument_group("a district scenario (format supplyroute.district): vans from "
                             "depots to the gates, then every compound's round")
    d.add_argument("--round-time-limit", type=positive, default=10.0, metavar="S",
                   help="seconds each compound's round may take (default 10); --time-limit "
                   "is then the vans' search per iteration (default 30)")
    d.add_argument("--round-effort", type=effort, default=1.0, metavar="SHARE",
                   help="the share of each round's search to make (default 1: all); "
                   "deterministic rounds stop on their search rounds, so 0.34 (one "
                   "steering round per strategy) plans a large district about three "
                   "times sooner")
    d.add_argument("--iterations", type=count, default=3, metavar="K",
                   help="vans and rounds planned K times, the critical compound's goods "
                   "earlier each time (default 3)")
    d.add_argument("--baseline", action="store_true",
                   help="also plan the sequential baseline (vans by distance, then the "
                   "rounds) and report its makespan")
    where = d.add_mutually_exclusive_group()
    where.add_argument("--workers", type=count, default=None, metavar="N",
                       help="rounds planned at once on a Dask LocalCluster of N workers "
                       "(default 2 where Dask's 'distributed' is installed, else 1: in "
                       "this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="plan the rounds on the Dask cluster at ADDRESS")


def validate(args: argparse.Namespace) -> int:
    """A scenario (or district) read, every reference resolved, and described."""
    if input_kind(args.scenario) is InputKind.DISTRICT:
        from supplyroute.district.roads import Roads

        district = load_district(args.scenario)
        Roads(district)  # every place reachable by road
        households = sum(len(c.scenario.households) for c in district.compounds)
        print(f"ok: {district.name}: {len(district.compounds)} compounds, {households} "
              f"households, {len(district.depots)} depots, {len(district.vehicles)} vehicles, "
              f"{len(district.orders)} medicine orders, {len(district.transports)} transports")
        return ExitCode.OK
    from supplyroute.compound.travel import check_reachable

    scenario = load_scenario(args.scenario)
    # A walkway graph that leaves a place unreachable is invalid too; checked without
    # the distances between all places (quadratic in stairwells, so in households).
    check_reachable(scenario)
    bags = sum(len(scenario.bags_of(h)) for h in scenario.households)
    stairwells = sum(len(b.stairwells) for b in scenario.buildings)
    print(f"ok: {scenario.name}: {len(scenario.households)} households, {bags} bags, "
          f"{len(scenario.buildings)} buildings, {stairwells} stairwells, "
          f"{len(scenario.volunteers)} volunteers, {len(scenario.gates)} gates")
    return ExitCode.OK


def plan_command(args: argparse.Namespace) -> int:
    """A round planned and written, or a district's vans and rounds."""
    if input_kind(args.scenario) is InputKind.DISTRICT:
        return _plan_district(args)
    scenario = load_scenario(args.scenario)
    if not to_stdout(args.output):
        check_writable(args.output)  # before the search, not after it
    if args.method == "manual" and args.mode != "carry":
        raise InputError([InputIssue("--mode", "the by-hand method plans carry rounds only")])
    with interruptible() as stop:
        result = plan(scenario, PlanOptions(
            method=args.method,
            mode=args.mode,
            time_limit_s=args.time_limit,
            deterministic=args.deterministic,
            vulnerable_preference=args.vulnerable_preference,
            progress=progress_printer(args.quiet),
            stop=stop.is_set,
        ))
    write_document(args.output, result, summary_lines)
    if result.summary.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.UNSERVED if result.unserved else ExitCode.OK


def summary_lines(result: Plan) -> list[str]:
    """A round's summary as a coordinator reads it on the screen."""
    s = result.summary
    gap = "n/a" if s.gap is None else f"{s.gap:.2%}"
    climbs = f", {s.climbs} climbs" if s.mode == "relay" else ""
    lines = [
        f"scenario      {result.scenario} ({s.method}, {s.mode} mode)",
        f"served        {s.households_served} households, {s.bags_delivered} bags, "
        f"{s.trips} trips{climbs}; unserved {s.households_unserved}",
        f"makespan      {s.makespan_s / 60:.1f} min (last bag at {hhmm(s.last_delivery_s)})",
        f"lower bound   {s.lower_bound_s / 60:.1f} min ({s.bound}"
        + (", for the households served" if s.bound_covers == "served" else "")
        + f"); gap {gap}" + ("; proven optimal" if s.proven_optimal else ""),
        f"deadlines     {s.deadlines_met} of {s.deadlines_total} met",
        f"walking       {s.walk_m / 1000:.1f} km; floors climbed {s.floors_climbed}",
    ]
    if s.interrupted:
        lines.insert(1, "interrupted   the search was stopped early: the best plan found "
                     "until then")
    if s.service_bound is not None:
        lines.insert(2, f"service bound at most {s.service_bound} households can be served "
                     "within the shifts")
    if s.mode_makespans_s:
        tried = ", ".join(f"{mode} {m / 60:.1f} min" for mode, m in s.mode_makespans_s.items())
        lines.append(f"modes         {tried}: kept {s.mode}")
    if s.vulnerable_served_by_s is not None:
        lines.append(f"vulnerable    all served by {hhmm(s.vulnerable_served_by_s)}")
    for u in result.unserved[:10]:
        lines.append(f"unserved      {u.household}: {u.reason.value} ({u.detail})")
    if len(result.unserved) > 10:
        lines.append(f"unserved      ... and {len(result.unserved) - 10} more (see the plan)")
    return lines


def _plan_district(args: argparse.Namespace) -> int:
    from supplyroute.district.joint import DistrictOptions, plan_district
    from supplyroute.rounds.budget import Interrupted

    district = load_district(args.scenario)
    if not to_stdout(args.output):
        check_writable(args.output)
    started = time.monotonic()

    def show(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    workers = args.workers
    if workers is None:
        workers = 2 if importlib.util.find_spec("distributed") is not None else 1
        if workers == 1:
            show("Dask's 'distributed' is not installed: the rounds are planned here, one "
                 "after the other (pip install 'supplyroute[bench]' for a cluster)")
    with interruptible() as stop:
        try:
            result = plan_district(district, DistrictOptions(
                time_limit_s=args.time_limit, round_time_limit_s=args.round_time_limit,
                iterations=args.iterations, deterministic=args.deterministic,
                baseline=args.baseline, workers=workers, scheduler=args.scheduler,
                progress=show, round_effort=args.round_effort, stop=stop.is_set))
        except Interrupted as exc:
            print(f"interrupted: {exc}; nothing written", file=sys.stderr)
            return ExitCode.INTERRUPTED
    write_document(args.output, result, district_lines)
    if result.summary.interrupted:
        return ExitCode.INTERRUPTED
    incomplete = result.summary.households_unserved or result.missed
    return ExitCode.UNSERVED if incomplete else ExitCode.OK


def district_lines(result: DistrictPlan) -> list[str]:
    """A district plan's summary as a street office reads it on the screen."""
    s = result.summary
    gap = "n/a" if s.gap is None else f"{s.gap:.1%}"
    lines = [
        f"district {result.scenario}: {s.households_served} of {s.households} households "
        f"served in {len(result.compounds)} compounds",
        f"last hand-over {hhmm(s.last_delivery_s)}; end-to-end {s.makespan_s / 60:.1f} min "
        f"from {hhmm(s.day_start_s)}, bound {s.lower_bound_s / 60:.1f} min ({s.bound}), "
        f"gap {gap}",
        f"vans: {s.vehicles_used} used, {s.truck_km:.1f} km; medicine orders on time "
        f"{s.orders_met}/{s.orders_total}; transports on time "
        f"{s.transports_met}/{s.transports_total}",
    ]
    if s.interrupted:
        many = "iteration" if s.iterations == 1 else f"{s.iterations} iterations"
        lines.insert(1, f"interrupted: stopped early (Ctrl-C), the best plan of the first "
                     f"{many}; a round cut short is marked interrupted in its plan")
    if s.baseline_makespan_s is not None:
        lines.append(f"sequential baseline (vans by distance, then rounds): "
                     f"{s.baseline_makespan_s / 60:.1f} min")
    lines += [f"missed: {m.kind} {m.id}: {m.reason}" for m in result.missed]
    if result.unshipped:
        lines.append(f"{len(result.unshipped)} shipments no van can carry today: their "
                     "households are not served")
    return lines


def check_command(args: argparse.Namespace) -> int:
    """A plan (or a horizon folder, or a district plan) checked against its scenario."""
    if input_kind(args.plan) is InputKind.HORIZON:
        return _check_horizon(args)
    if input_kind(args.scenario) is InputKind.DISTRICT:
        return _check_district(args)
    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    violations = check(scenario, result)
    original = load_plan(args.original) if args.original is not None else None
    if original is not None:
        violations += check_replan(original, result, scenario)
    if not any(v.rule is RoundRule.SCENARIO for v in violations):
        # The bound argued again (a replan's from its original: refused without one).
        claimed, notes = verify_claims(scenario, result, original)
        violations += claimed
        for note in notes:
            print(f"note: {note}")
    if report_violations(violations):
        return ExitCode.VIOLATIONS
    print(f"ok: 0 violations; {result.summary.households_served} households served, "
          f"{result.summary.households_unserved} unserved, makespan "
          f"{result.summary.makespan_s / 60:.1f} min")
    return ExitCode.OK


def _check_district(args: argparse.Namespace) -> int:
    from supplyroute.checks import check_district

    district = load_district(args.scenario)
    result = load_district_plan(args.plan)
    if report_violations(check_district(district, result)):
        return ExitCode.VIOLATIONS
    s = result.summary
    print(f"ok: 0 violations; {len(result.vehicles)} vans, {len(result.lots)} lots, "
          f"{len(result.compounds)} rounds checked; {s.households_served} households served, "
          f"end-to-end {s.makespan_s / 60:.1f} min")
    return ExitCode.OK


def _check_horizon(args: argparse.Namespace) -> int:
    from supplyroute.checks import check_horizon
    from supplyroute.cycles.folder import read_horizon

    cs = load_cycle_scenario(args.scenario)
    folder = read_horizon(args.plan)
    planned = len(folder.horizon.days)
    if 0 < planned < cs.days:  # 'cycle --days D': the first D days, checked as such
        print(f"checking the first {planned} of the cycle's {cs.days} days")
        cs = cs.model_copy(update={"days": planned})
    if report_violations(check_horizon(cs, folder)):
        return ExitCode.VIOLATIONS
    s = folder.horizon.summary
    print(f"ok: 0 violations; {s.days} days, {s.deliveries} deliveries, {s.visits} visits, "
          f"{s.garbage_pickups} garbage collections, {len(folder.rounds)} rounds checked")
    return ExitCode.OK


def replan_command(args: argparse.Namespace) -> int:
    """The rest of the day replanned after its events, written with its day scenario."""
    from supplyroute.io import read_json, validate_document
    from supplyroute.replan import replan

    scenario = load_scenario(args.scenario)
    original = load_plan(args.plan)
    at_s = clock(args.at, "--at")
    events = Events() if args.events is None else validate_document(
        Events, read_json(args.events))
    day_path = args.output.with_suffix(".scenario.json")
    check_writable(args.output, stdout=False)  # two files: the plan and its day's scenario
    check_writable(day_path, stdout=False)
    with interruptible() as stop:
        result = replan(scenario, original, events, at_s, PlanOptions(
            time_limit_s=args.time_limit, deterministic=args.deterministic,
            progress=progress_printer(args.quiet), stop=stop.is_set))
    write_atomic(day_path, dump_model(result.scenario))
    write_atomic(args.output, dump_model(result.plan))
    info = result.plan.replan
    assert info is not None
    print("\n".join(summary_lines(result.plan)))
    tried = ", ".join(f"{name} {m / 60:.1f} min" for name, m in info.candidates.items())
    print(f"replan        at {hhmm(at_s)}: kept {info.trips_kept} trips started before; "
          f"{len(info.bags_back)} households' bags back at the gate")
    print(f"ways on       {tried}: took {info.chosen}")
    print(f"changes       {info.changed_stops} stops of the remaining sheets; next stops "
          f"changed for {', '.join(info.next_three_changed) or 'nobody'}")
    print(f"plan written to {args.output} (the day's scenario: {day_path})")
    if result.plan.summary.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.UNSERVED if result.plan.unserved else ExitCode.OK
