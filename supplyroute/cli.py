"""The ``supplyroute`` command: a thin layer over the library.

Exit codes: 0 ok; 1 internal error; 2 invalid input (one line with the JSON path and
the reason, no output written); 3 the plan leaves households unserved (the partial plan
is still written); 4 ``check`` found violations.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from supplyroute import __version__
from supplyroute.checks import RoundRule, check, check_replan, verify_claims
from supplyroute.clock import hhmm
from supplyroute.compound.travel import Travel
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.generate import HOUSEHOLDS_PER_VOLUNTEER, CompoundSpec, Shape, Shifts
from supplyroute.io import (
    check_writable,
    dump_model,
    is_district,
    load_cycle_scenario,
    load_district,
    load_district_plan,
    load_plan,
    load_scenario,
    write_atomic,
)
from supplyroute.models import Plan, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from supplyroute.models.events import Events
from supplyroute.models.horizon import HorizonPlan
from supplyroute.planner import METHODS, MODES, PlanOptions, plan
from supplyroute.rounds.budget import Progress
from supplyroute.staffing import StaffingAnswer
from supplyroute.whatif import Comparison

M = TypeVar("M", bound=BaseModel)


def _effort(text: str) -> float:
    """A share above 0 and at most 1."""
    value = _share(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not above 0")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be a share from 0 to 1, e.g. 0.03")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _seconds_list(text: str) -> list[float]:
    """One or more positive seconds: ``5`` or ``1,5,10``."""
    parts = [part for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give a number of seconds")
    return [_positive(part.strip()) for part in parts]


def _sizes(text: str) -> list[int]:
    """Household counts: ``576,2000,20000``."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give one or more household counts")
    return [_count(part) for part in parts]


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _search_options(p: argparse.ArgumentParser, time_limit_s: float, what: str) -> None:
    """The options every command that plans shares: its time, determinism, progress."""
    p.add_argument("--time-limit", type=_positive, default=time_limit_s, metavar="S",
                   help=f"{what} (default {time_limit_s:g})")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same output")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


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
    p.add_argument("-o", "--output", type=Path,
                   help="plan JSON to write ('-' or none: standard output)")
    p.add_argument("--method", choices=METHODS, default="optimized")
    p.add_argument("--mode", choices=MODES, default="carry",
                   help="carry: whoever brings the bags takes them up (default); relay: "
                        "ferries bring them to the entrances, climbers take them up; "
                        "auto: plan both, keep the better")
    p.add_argument("--time-limit", type=_positive, default=30.0, metavar="S",
                   help="seconds the search may take (default 30)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same plan")
    share = PlanOptions.vulnerable_preference
    p.add_argument("--vulnerable-preference", type=_share, default=share, metavar="SHARE",
                   help="how much longer the round may be so that urgent and vulnerable "
                        f"households are served sooner (default {share:g}; 0: the shortest "
                        "round only)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    d = p.add_argument_group("a district scenario (format supplyroute.district): vans from "
                             "depots to the gates, then every compound's round")
    d.add_argument("--round-time-limit", type=_positive, default=10.0, metavar="S",
                   help="seconds each compound's round may take (default 10); --time-limit "
                   "is then the vans' search per iteration (default 30)")
    d.add_argument("--round-effort", type=_effort, default=1.0, metavar="SHARE",
                   help="the share of each round's search to make (default 1: all); "
                   "deterministic rounds stop on their search rounds, so 0.34 (one "
                   "steering round per strategy) plans a large district about three "
                   "times sooner")
    d.add_argument("--iterations", type=_count, default=3, metavar="K",
                   help="vans and rounds planned K times, the critical compound's goods "
                   "earlier each time (default 3)")
    d.add_argument("--baseline", action="store_true",
                   help="also plan the sequential baseline (vans by distance, then the "
                   "rounds) and report its makespan")
    where = d.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_count, default=None, metavar="N",
                       help="rounds planned at once on a Dask LocalCluster of N workers "
                       "(default 2 where Dask's 'distributed' is installed, else 1: in "
                       "this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="plan the rounds on the Dask cluster at ADDRESS")

    p = sub.add_parser("cycle", help="plan a supply cycle over several days",
                       description="Plan a cycle scenario day by day: what goes in each "
                       "bag, who gets a delivery on which day, packing and release "
                       "batches, every day's delivery and garbage rounds. Writes a folder: "
                       "horizon.json and day-NN/ with each round's scenario and plan and "
                       "the packing staff's pick list.")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.add_argument("--days", type=_count, default=None, metavar="D",
                   help="plan the first D days of the scenario's horizon (default: all)")
    p.add_argument("--time-limit", type=_positive, default=10.0, metavar="S",
                   help="seconds per day for its rounds (default 10)")
    p.add_argument("--workers", type=_count, default=2, metavar="N",
                   help="days planned at once in separate processes (default 2)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same plans")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")

    p = sub.add_parser("check", help="check a plan (or a cycle's horizon folder) against "
                       "its scenario")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path, help="a plan JSON, or a folder written by 'cycle'")
    p.add_argument("--original", type=Path, default=None, metavar="PLAN",
                   help="with a replan: the plan it replans (what it had to keep is "
                   "checked too)")

    p = sub.add_parser("sheets", help="write one printable route sheet per volunteer")
    p.add_argument("scenario", type=Path, help="a scenario (or, with a horizon folder, "
                   "the cycle scenario)")
    p.add_argument("plan", type=Path, help="a plan JSON, or a folder written by 'cycle'")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--day", type=_count, default=1, metavar="N",
                   help="with a horizon folder: the day (from 1; default 1)")
    p.add_argument("--round", choices=("delivery", "garbage"), default="delivery",
                   help="with a horizon folder: which round (default delivery)")
    p.add_argument("--format", type=_sheet_formats, default=("md", "html"), metavar="md,html,pdf",
                   help="what to write, comma-separated: md (Markdown), html (printable, "
                   "A4), pdf (each HTML printed with headless Chromium); default md,html")
    p.add_argument("--redact", action="store_true",
                   help="leave households' names and phones out of everything written")

    p = sub.add_parser(
        "bench", help="run routing solvers over a standard instance set, or the doorstep "
        "benchmark of the examples",
        description="Run solvers over a standard instance set (cvrp, vrptw, mtvrptwr) and "
        "tabulate gaps to the best-known costs, or ('doorstep') plan every example by both "
        "methods, or ('cycle') plan every cycle example over its horizon. Writes "
        "results.csv, results.json, summary.md and, with two or more time "
        "limits, gap_vs_time.png/.svg (doorstep: doorstep.csv/.json and summary.md).")
    p.add_argument("set", choices=("cvrp", "vrptw", "mtvrptwr", "doorstep", "cycle",
                                   "district"))
    p.add_argument("--instances", type=Path, default=None, metavar="DIR",
                   help="folder holding the set's folders (default ../shared/instances); "
                   "for doorstep, the examples folder")
    p.add_argument("--time-limit", action="append", type=_seconds_list, default=None,
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
    where.add_argument("--workers", type=_count, default=1, metavar="N",
                       help="local processes at once (default 1; at most the core count)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts: same results on any machine")
    p.add_argument("--fleet", default=None, metavar="unlimited|k",
                   help="cvrp: the fleet, unlimited as the best-known costs assume "
                   "(default), or at most the k of the instance's name; 'unlimited,k' "
                   "runs both as separate configurations")
    p.add_argument("--generated", type=_sizes, default=None, metavar="N,N,...",
                   help="doorstep: plan generated compounds of these sizes instead of the "
                   "examples (walk-ups with open shifts at every size; two tight-shift "
                   "cases up to 5,000), each plan in a process of its own; district: "
                   "generated districts of these many households (a compound per 1,000) "
                   "instead of the example")
    p.add_argument("--only", nargs="*", metavar="NAME", help="instance names (default: all)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")

    p = sub.add_parser("generate", help="write a generated compound of any size and shape",
                       description="Write a scenario of a generated compound: walk-ups, "
                       "high-rises with lifts or both, zone groups or none, open or tight "
                       "shifts; the same options give the same file.")
    p.add_argument("households", type=_count)
    p.add_argument("--shape", choices=[s.value for s in Shape], default=Shape.WALKUP.value)
    p.add_argument("--zones", type=int, default=0, metavar="N",
                   help="zone groups of volunteers (default 0: no zones)")
    p.add_argument("--volunteers", type=_count, default=None, metavar="N",
                   help=f"default: one per {HOUSEHOLDS_PER_VOLUNTEER} households")
    p.add_argument("--cart-share", type=_share, default=1 / 3, metavar="SHARE",
                   help="share of volunteers with carts (default 1/3)")
    p.add_argument("--shifts", choices=[s.value for s in Shifts], default=Shifts.OPEN.value,
                   help="open: 07:00-23:00 (default); tight: 08:00-14:00")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")

    p = sub.add_parser("staff", help="the fewest volunteers that serve every household "
                       "by a time", description="Find the fewest volunteers drawn from the "
                       "scenario's roster (by zone, cloned above it) whose plan serves every "
                       "household by --finish-by, and the lower bound proving that a team of "
                       "one fewer, drawn the same way, cannot. Writes the answer JSON (and "
                       "its plan to FILE's sibling *.plan.json).")
    p.add_argument("scenario", type=Path)
    p.add_argument("--finish-by", required=True, metavar="HH:MM",
                   help="last hand-over by then (a clock time on the scenario's day)")
    p.add_argument("--carts", type=_carts, default=None, metavar="N",
                   help="at most N of the volunteers have carts (default: as on the roster)")
    _search_options(p, 10.0, "seconds per plan")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")

    p = sub.add_parser("compare", help="plan a scenario and its variants side by side",
                       description="Plan the scenario and each variant (one per --vary) and "
                       "show makespans, bounds and what each change costs in minutes. "
                       "Specs: zones=off, carts=+N|-N, volunteers=+N|-N, releases=off|+HH:MM|"
                       "-HH:MM, shifts=HH:MM-HH:MM.")
    p.add_argument("scenario", type=Path)
    p.add_argument("--vary", action="append", required=True, metavar="SPEC",
                   help="a variant, e.g. zones=off or carts=+2 (repeat for more)")
    p.add_argument("--mode", choices=MODES, default="carry")
    _search_options(p, 30.0, "seconds per plan")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")

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
    _search_options(p, 30.0, "seconds the replanning may take")

    p = sub.add_parser("report", help="write the plan report: one self-contained HTML page",
                       description="The compound with each volunteer's trips, a timeline per "
                       "volunteer, when urgent and vulnerable households are served, the "
                       "unserved households with reasons, and the summary (makespan, bound, "
                       "gap), in one HTML file with no scripts and nothing fetched.")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    p.add_argument("--redact", action="store_true",
                   help="leave households' names and phones out")

    p = sub.add_parser("export-geojson", help="write the plan's trips as GeoJSON lines",
                       description="One LineString Feature per trip, [lon, lat] from the "
                       "gate through its stops and back, with volunteer, trip index, start "
                       "and return; the scenario must place everything by lat/lon.")
    p.add_argument("scenario", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")

    p = sub.add_parser("template", help="write a blank layout, ledger or roster sheet",
                       description="Write a blank spreadsheet (XLSX, or CSV by the file's "
                       "suffix) with zh/en headers, an example row and notes on each column.")
    p.add_argument("kind", choices=("layout", "ledger", "roster"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")

    p = sub.add_parser("import", help="read the coordinator's spreadsheets into a scenario",
                       description="Read the layout, the household ledger and the volunteer "
                       "roster (CSV or XLSX) into a scenario; any row that cannot be read "
                       "is an error naming its file, row and column (exit 2, nothing "
                       "written).")
    p.add_argument("--layout", type=Path, required=True, metavar="FILE")
    p.add_argument("--ledger", type=Path, required=True, metavar="FILE")
    p.add_argument("--roster", type=Path, required=True, metavar="FILE")
    p.add_argument("--columns", type=Path, default=None, metavar="MAP.json",
                   help='our field -> your header, e.g. {"address": "住户地址"}')
    p.add_argument("--name", default=None, help="the scenario's name (default: the ledger's)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="SCENARIO.json")

    p = sub.add_parser("schema", help="print the JSON Schema of a document")
    p.add_argument("document", choices=tuple(SCHEMAS), nargs="?", default="scenario")
    return parser


def _progress_printer(quiet: bool):
    if quiet:
        return None

    def show(p: Progress) -> None:
        parts = [f"[{p.elapsed_s:7.1f}s] {p.stage}"]
        if p.makespan_s is not None:
            # Below the bound it is a round that leaves households out: say so, not a
            # negative gap.
            partial = bool(p.lower_bound_s) and p.makespan_s < p.lower_bound_s
            parts.append(f"makespan {p.makespan_s / 60:.1f} min"
                         + (" (partial estimate: waits not counted yet)" if partial else ""))
        if p.lower_bound_s:
            parts.append(f"bound {p.lower_bound_s / 60:.1f} min")
        if p.gap is not None:
            parts.append(f"gap {p.gap:.1%}")
        print(" | ".join(parts), file=sys.stderr, flush=True)

    return show


def _summary_lines(result: Plan) -> list[str]:
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


def _validate(args: argparse.Namespace) -> int:
    if is_district(args.scenario):
        from supplyroute.district.roads import Roads

        district = load_district(args.scenario)
        Roads(district)  # every place reachable by road
        households = sum(len(c.scenario.households) for c in district.compounds)
        print(f"ok: {district.name}: {len(district.compounds)} compounds, {households} "
              f"households, {len(district.depots)} depots, {len(district.vehicles)} vehicles, "
              f"{len(district.orders)} medicine orders, {len(district.transports)} transports")
        return ExitCode.OK
    scenario = load_scenario(args.scenario)
    Travel(scenario)  # a walkway graph that leaves a place unreachable is invalid too
    bags = sum(len(scenario.bags_of(h)) for h in scenario.households)
    stairwells = sum(len(b.stairwells) for b in scenario.buildings)
    print(f"ok: {scenario.name}: {len(scenario.households)} households, {bags} bags, "
          f"{len(scenario.buildings)} buildings, {stairwells} stairwells, "
          f"{len(scenario.volunteers)} volunteers, {len(scenario.gates)} gates")
    return ExitCode.OK


def _to_stdout(path: Path | None) -> bool:
    """No output path, or ``-``: the document goes to standard output."""
    return path is None or str(path) == "-"


def _plan(args: argparse.Namespace) -> int:
    if is_district(args.scenario):
        return _plan_district(args)
    scenario = load_scenario(args.scenario)
    if not _to_stdout(args.output):
        check_writable(args.output)  # before the search, not after it
    if args.method == "manual" and args.mode != "carry":
        raise InputError([InputIssue("--mode", "the by-hand method plans carry rounds only")])
    with _interruptible() as stop:
        result = plan(scenario, PlanOptions(
            method=args.method,
            mode=args.mode,
            time_limit_s=args.time_limit,
            deterministic=args.deterministic,
            vulnerable_preference=args.vulnerable_preference,
            progress=_progress_printer(args.quiet),
            stop=stop.is_set,
        ))
    _write_plan(args.output, result, _summary_lines)
    if result.summary.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.UNSERVED if result.unserved else ExitCode.OK


def _write_plan(output: Path | None, result: M, lines: Callable[[M], list[str]]) -> None:
    """The plan to standard output, or written whole to its file with its summary."""
    text = dump_model(result)
    if _to_stdout(output):
        _emit(text)
    else:
        write_atomic(output, text)
        print("\n".join(lines(result)))
        print(f"plan written to {output}")


def _plan_district(args: argparse.Namespace) -> int:
    from supplyroute.district.joint import DistrictOptions, plan_district

    district = load_district(args.scenario)
    if not _to_stdout(args.output):
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
    result = plan_district(district, DistrictOptions(
        time_limit_s=args.time_limit, round_time_limit_s=args.round_time_limit,
        iterations=args.iterations, deterministic=args.deterministic, baseline=args.baseline,
        workers=workers, scheduler=args.scheduler, progress=show,
        round_effort=args.round_effort))
    _write_plan(args.output, result, _district_lines)
    incomplete = result.summary.households_unserved or result.missed
    return ExitCode.UNSERVED if incomplete else ExitCode.OK


def _district_lines(result: DistrictPlan) -> list[str]:
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
    if s.baseline_makespan_s is not None:
        lines.append(f"sequential baseline (vans by distance, then rounds): "
                     f"{s.baseline_makespan_s / 60:.1f} min")
    lines += [f"missed: {m.kind} {m.id}: {m.reason}" for m in result.missed]
    if result.unshipped:
        lines.append(f"{len(result.unshipped)} shipments no van can carry today: their "
                     "households are not served")
    return lines


def _emit(text: str) -> None:
    """A document to standard output; if the reader goes away (``| head``), the rest is
    dropped quietly and the command still ends with the exit code it would have had."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit does not
    complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def _interruptible() -> Iterator[threading.Event]:
    """While planning, the first Ctrl-C asks the search to stop and hand over its best
    plan so far (written, marked interrupted); a second one abandons it."""
    stop = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("interrupted: writing the best plan so far (Ctrl-C again to abandon it)",
              file=sys.stderr, flush=True)

    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals reach the main thread only (a library caller's worker)
        return
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _check(args: argparse.Namespace) -> int:
    if args.plan.is_dir():
        return _check_horizon(args)

    if is_district(args.scenario):
        return _check_district(args)
    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    violations = check(scenario, result)
    if args.original is not None:
        violations += check_replan(load_plan(args.original), result)
    if not any(v.rule is RoundRule.SCENARIO for v in violations):
        claimed, notes = verify_claims(scenario, result)  # the bound argued again
        violations += claimed
        for note in notes:
            print(f"note: {note}")
    if _report_violations(violations):
        return ExitCode.VIOLATIONS
    print(f"ok: 0 violations; {result.summary.households_served} households served, "
          f"{result.summary.households_unserved} unserved, makespan "
          f"{result.summary.makespan_s / 60:.1f} min")
    return ExitCode.OK


def _check_district(args: argparse.Namespace) -> int:
    from supplyroute.district.check import check_district

    district = load_district(args.scenario)
    result = load_district_plan(args.plan)
    if _report_violations(check_district(district, result)):
        return ExitCode.VIOLATIONS
    s = result.summary
    print(f"ok: 0 violations; {len(result.vehicles)} vans, {len(result.lots)} lots, "
          f"{len(result.compounds)} rounds checked; {s.households_served} households served, "
          f"end-to-end {s.makespan_s / 60:.1f} min")
    return ExitCode.OK


def _report_violations(violations: Sequence[object]) -> bool:
    """Print each violation and their count; True if there are any."""
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} violations")
    return bool(violations)


def _check_horizon(args: argparse.Namespace) -> int:
    from supplyroute.cycles.check import check_horizon
    from supplyroute.cycles.folder import read_horizon

    cs = load_cycle_scenario(args.scenario)
    folder = read_horizon(args.plan)
    planned = len(folder.horizon.days)
    if 0 < planned < cs.days:  # 'cycle --days D': the first D days, checked as such
        print(f"checking the first {planned} of the cycle's {cs.days} days")
        cs = cs.model_copy(update={"days": planned})
    if _report_violations(check_horizon(cs, folder)):
        return ExitCode.VIOLATIONS
    s = folder.horizon.summary
    print(f"ok: 0 violations; {s.days} days, {s.deliveries} deliveries, {s.visits} visits, "
          f"{s.garbage_pickups} garbage collections, {len(folder.rounds)} rounds checked")
    return ExitCode.OK


def _cycle(args: argparse.Namespace) -> int:
    from supplyroute.cycles.folder import check_target, write_horizon
    from supplyroute.cycles.planner import CycleOptions, CycleProgress, plan_cycle

    cs = load_cycle_scenario(args.scenario)
    if args.days is not None:
        if args.days > cs.days:
            raise InputError(InputIssue("days", f"{args.days} is more than the scenario's "
                                        f"horizon of {cs.days} days"))
        cs = cs.model_copy(update={"days": args.days})
    check_target(args.output)

    def show(p: CycleProgress) -> None:
        day = f" day {p.day + 1}" if p.day is not None else ""
        print(f"[{p.elapsed_s:7.1f}s] {p.stage}{day}", file=sys.stderr, flush=True)

    result = plan_cycle(cs, CycleOptions(
        time_limit_s=args.time_limit, deterministic=args.deterministic,
        workers=args.workers, progress=None if args.quiet else show))
    write_horizon(result.horizon, result.rounds, args.output)
    print("\n".join(_horizon_lines(result.horizon)))
    print(f"horizon written to {args.output}")
    s = result.horizon.summary
    return ExitCode.UNSERVED if s.unserved or s.undelivered else ExitCode.OK


def _horizon_lines(h: HorizonPlan) -> list[str]:
    s = h.summary
    gap = "n/a" if s.worst_gap is None else f"{s.worst_gap:.2%}"
    lines = [f"scenario      {h.scenario}: {s.days} days, {s.deliveries} deliveries, "
             f"{s.visits} visits, {s.garbage_pickups} garbage collections",
             "day       homes  served  makespan  bound   gap     garbage  stock"]
    for d in h.days:
        r = d.delivery_round
        g = d.garbage_round
        stock = (f"short: min share {d.allocation.min_coverage:.0%} "
                 f"({d.allocation.status})" if d.allocation.households_short else "enough")
        if r is None:
            lines.append(f"{d.day + 1:>3}  {len(d.deliveries):>10}  -")
            continue
        day_gap = "n/a" if r.gap is None else f"{r.gap:.1%}"
        garbage = f"{g.served}/{g.households}" if g else "-"
        lines.append(f"{d.day + 1:>3}  {r.households:>10}  {r.served:>6}  "
                     f"{r.makespan_s / 60:6.1f}m  {r.lower_bound_s / 60:5.1f}m  {day_gap:>6}  "
                     f"{garbage:>7}  {stock}")
    f = s.fairness
    lines += [f"worst gap     {gap}; busiest day {s.busiest_day_over_mean:.2f} x the mean",
              f"fairness      max/mean floors {f.floors_max_over_mean:.2f}, kg "
              f"{f.kg_max_over_mean:.2f}, hours {f.hours_max_over_mean:.2f}",
              f"unserved      {s.unserved} household-days in the rounds, {s.undelivered} "
              f"deliveries with nothing to carry; short days {s.short_days}"]
    return lines


def _same_scenario(scenario: Scenario, result: Plan) -> None:
    if result.scenario != scenario.name:
        raise InputError(InputIssue("scenario", f"the plan is for scenario "
                                    f"{result.scenario!r}, not {scenario.name!r}"))


def _carts(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _staff(args: argparse.Namespace) -> int:
    from supplyroute.models.scenario import parse_time
    from supplyroute.staffing import staff

    scenario = load_scenario(args.scenario)
    text = args.finish_by.strip()
    try:
        finish_by = float(text) if text.isdigit() else float(parse_time(text))
    except ValueError as exc:
        raise InputError(InputIssue("--finish-by", str(exc))) from None
    start = min(v.shift.start for v in scenario.volunteers)
    if finish_by <= start:
        raise InputError(InputIssue("--finish-by", f"{hhmm(finish_by)} is not after the "
                                    f"round starts ({hhmm(start)})"))
    plan_path = None
    stdout = str(args.output) == "-"  # the answer JSON on standard output, no plan file
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
    print("\n".join(_staffing_lines(answer)), file=sys.stderr if stdout else sys.stdout)
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


def _staffing_lines(a: StaffingAnswer) -> list[str]:
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


def _compare(args: argparse.Namespace) -> int:
    from supplyroute.whatif import VariationError, compare, parse_variation, table, vary

    scenario = load_scenario(args.scenario)
    try:
        variations = [parse_variation(spec) for spec in args.vary]
        for v in variations:  # every variant valid before any plan
            vary(scenario, v)
    except VariationError as exc:
        raise InputError(InputIssue("--vary", str(exc))) from None
    stdout = str(args.output) == "-"  # the comparison JSON on standard output
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


def _clock(text: str, field: str) -> float:
    """A time of day given on the command line: seconds or HH:MM[:SS]."""
    from supplyroute.models.scenario import parse_time

    try:
        value = float(parse_time(text.strip() if not text.strip().isdigit() else
                                 float(text)))
    except ValueError as exc:
        raise InputError(InputIssue(field, str(exc))) from None
    return value


def _replan(args: argparse.Namespace) -> int:
    from supplyroute.io import read_json, validate_document
    from supplyroute.replan import replan

    scenario = load_scenario(args.scenario)
    original = load_plan(args.plan)
    at_s = _clock(args.at, "--at")
    events = Events() if args.events is None else validate_document(
        Events, read_json(args.events))
    day_path = args.output.with_suffix(".scenario.json")
    check_writable(args.output)
    check_writable(day_path)
    with _interruptible() as stop:
        result = replan(scenario, original, events, at_s, PlanOptions(
            time_limit_s=args.time_limit, deterministic=args.deterministic,
            progress=_progress_printer(args.quiet), stop=stop.is_set))
    write_atomic(day_path, dump_model(result.scenario))
    write_atomic(args.output, dump_model(result.plan))
    info = result.plan.replan
    assert info is not None
    print("\n".join(_summary_lines(result.plan)))
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


#: What ``sheets --format`` may write.
SHEET_FORMATS = ("md", "html", "pdf")


def _sheet_formats(text: str) -> tuple[str, ...]:
    """``md,html,pdf``: one or more sheet formats."""
    formats = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [f for f in formats if f not in SHEET_FORMATS]
    if not formats or unknown:
        raise argparse.ArgumentTypeError(f"give one or more of {', '.join(SHEET_FORMATS)} "
                                         "separated by commas")
    return formats


def _sheet_inputs(args: argparse.Namespace) -> tuple[Scenario, Plan, dict[str, list[str]] | None]:
    """The round the sheets are for: a plan, or a cycle day's round with what is in
    each bag."""
    if not args.plan.is_dir():
        scenario = load_scenario(args.scenario)
        result = load_plan(args.plan)
        _same_scenario(scenario, result)
        return scenario, result, None
    from supplyroute.cycles.folder import read_horizon

    cs = load_cycle_scenario(args.scenario)
    folder = read_horizon(args.plan)
    if folder.horizon.scenario != cs.name:
        raise InputError(InputIssue("scenario", f"the horizon is for {folder.horizon.scenario!r}"
                                    f", not {cs.name!r}"))
    day = args.day - 1
    if (day, args.round) not in folder.rounds:
        raise InputError(InputIssue("day", f"the horizon has no {args.round} round on day "
                                    f"{args.day}"))
    scenario, result = folder.rounds[day, args.round]
    names = {i.id: i.name or i.id for i in cs.catalogue}
    contents = {
        d.household: ["; ".join(f"{u.units} × {names[u.item]}" for u in bag.contents)
                      for bag in d.bags]
        for d in folder.horizon.days[day].deliveries
    }
    return scenario, result, contents


def _desk_sheets(args: argparse.Namespace) -> int:
    """Route sheets in the formats asked for: Markdown, printable HTML, PDF."""
    from supplyroute.reports.html_sheets import (
        PrintError,
        find_chromium,
        print_pdfs,
        write_html_sheets,
    )
    from supplyroute.sheets import write_sheets

    chromium = None
    if "pdf" in args.format:
        chromium = find_chromium()
        if chromium is None:
            raise InputError(InputIssue("--format", "pdf needs a chromium binary on PATH, "
                                        "and none was found: install chromium to print PDF"))
    if args.output.exists() and not args.output.is_dir():
        raise InputError(InputIssue("output", f"{args.output} is a file; give a folder"))
    scenario, result, contents = _sheet_inputs(args)
    paths: list[Path] = []
    if "md" in args.format:
        paths += write_sheets(scenario, result, args.output, lang=args.lang, contents=contents)
    if "html" in args.format or "pdf" in args.format:
        pages = write_html_sheets(scenario, result, args.output, lang=args.lang,
                                  redact=args.redact, contents=contents)
        if "html" in args.format:
            paths += pages
        if "pdf" in args.format:
            try:
                paths += print_pdfs(pages, chromium)
            except PrintError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return ExitCode.INTERNAL
            finally:
                if "html" not in args.format:
                    for page in pages:
                        page.unlink(missing_ok=True)
    print(f"{len(paths)} files written to {args.output}")
    return ExitCode.OK


def _round_files(args: argparse.Namespace) -> tuple[Scenario, Plan]:
    """A round's scenario and plan, the plan for that scenario, the output writable."""
    check_writable(args.output)
    scenario = load_scenario(args.scenario)
    result = load_plan(args.plan)
    _same_scenario(scenario, result)
    return scenario, result


def _report(args: argparse.Namespace) -> int:
    """The plan report as one HTML page."""
    from supplyroute.reports.report import write_report

    scenario, result = _round_files(args)
    write_report(scenario, result, args.output, lang=args.lang, redact=args.redact)
    print(f"report written to {args.output}")
    return ExitCode.OK


def _export_geojson(args: argparse.Namespace) -> int:
    """The plan's trips as GeoJSON."""
    from supplyroute.reports.geojson import write_geojson

    scenario, result = _round_files(args)
    write_geojson(scenario, result, args.output)
    trips = sum(len(vp.trips) for vp in result.volunteers)
    print(f"{trips} trips written to {args.output}")
    return ExitCode.OK


def _template(args: argparse.Namespace) -> int:
    from supplyroute.desk import write_template

    check_writable(args.output)
    write_template(args.kind, args.output)
    print(f"{args.kind} template written to {args.output}")
    return ExitCode.OK


def _import(args: argparse.Namespace) -> int:
    from supplyroute.desk import import_compound
    from supplyroute.io import read_json, validate_document

    check_writable(args.output)
    columns = None
    if args.columns is not None:
        columns = read_json(args.columns)
        if not isinstance(columns, dict):
            raise InputError(InputIssue("--columns", "expected a JSON object: our field -> "
                                        "your header"))
    data = import_compound(args.layout, args.ledger, args.roster, columns, name=args.name)
    scenario = validate_document(Scenario, data)
    write_atomic(args.output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(f"{scenario.name}: {len(scenario.households)} households, "
          f"{len(scenario.buildings)} buildings, {len(scenario.volunteers)} volunteers; "
          f"written to {args.output}")
    return ExitCode.OK


#: Documents whose JSON Schema ``schema`` prints.
SCHEMAS = {"scenario": Scenario, "plan": Plan, "cycle": CycleScenario, "horizon": HorizonPlan,
           "compound": CompoundSpec, "staffing": StaffingAnswer, "comparison": Comparison,
           "events": Events, "district": DistrictScenario, "district-plan": DistrictPlan}


def _schema(args: argparse.Namespace) -> int:
    print(json.dumps(SCHEMAS[args.document].model_json_schema(), indent=2))
    return ExitCode.OK


def _bench(args: argparse.Namespace) -> int:
    if args.set == "district":
        return _bench_district(args)
    if args.set == "doorstep":
        return _bench_doorstep(args)
    if args.set == "cycle":
        return _bench_cycle(args)
    from supplyroute.bench import harness, plot, sweep
    from supplyroute.bench.executor import DaskExecutor, LocalExecutor, MissingExtra
    from supplyroute.bench.instances import DEFAULT_ROOT

    root = args.instances or DEFAULT_ROOT
    limits = [t for group in args.time_limit or [] for t in group]
    try:
        grid = sweep.load_grid(args.grid) if args.grid else None
        grid = sweep.compose(
            grid, solver_names=args.solvers.split(",") if args.solvers else None,
            time_limits=limits or None, instances=args.only or None,
            deterministic=args.deterministic,
            fleets=args.fleet.split(",") if args.fleet else None)
        tasks = sweep.expand(grid, args.set, root)
    except sweep.GridError as exc:
        raise InputError(InputIssue(exc.field, exc.reason)) from None
    except (ValueError, FileNotFoundError) as exc:
        raise InputError(InputIssue("set", str(exc))) from None

    total = len(tasks)

    def progress(row: harness.Row, rows: list[harness.Row]) -> None:
        gaps = [r.gap for r in rows if r.gap is not None and r.feasible]
        mean = f"{sum(gaps) / len(gaps):.2%}" if gaps else "n/a"
        gap = "infeasible" if row.gap is None or not row.feasible else f"{row.gap:.2%}"
        config = "" if row.configuration == "default" else f" [{row.configuration}]"
        print(f"[{len(rows)}/{total}] {row.instance} {row.solver}{config} "
              f"{row.time_limit_s:g}s: {gap} (running mean {mean})",
              file=sys.stderr, flush=True)

    print(f"{total} runs: {len({t.path for t in tasks})} instances of {args.set}, "
          f"{len({(t.solver, t.configuration) for t in tasks})} solver configurations, "
          f"time limits {', '.join(f'{t:g}' for t in grid.time_limits)} s, "
          f"seeds {', '.join(map(str, grid.seeds))}", file=sys.stderr, flush=True)
    try:
        if args.scheduler:
            try:
                executor = DaskExecutor(args.scheduler)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(InputIssue("scheduler", f"cannot reach {args.scheduler}: "
                                            f"{exc}")) from None
            with executor:
                rows = executor.map(tasks, progress)
        else:
            rows = LocalExecutor(args.workers).map(tasks, progress)
    except MissingExtra as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.INTERNAL
    harness.write(rows, args.output)
    plot.write_summary(rows, args.output, title=f"{args.set}: gap to best-known cost")
    if len(grid.time_limits) > 1:
        plot.plot_gap_vs_time(rows, args.output)
    print(plot.summary_markdown(rows))
    print(f"results written to {args.output}", file=sys.stderr)
    return ExitCode.OK


#: Generated districts' rounds in ``bench district``: one steering round per strategy
#: (deterministic rounds of 40 compounds at full effort take over half an hour on 2 cores).
GENERATED_EFFORT = 0.34


def _bench_district(args: argparse.Namespace) -> int:
    """The example district (or generated ones), planned serially with its sequential
    baseline, then on a Dask cluster, both checked."""
    from supplyroute.bench import district as bench
    from supplyroute.bench.doorstep import machine
    from supplyroute.district.joint import DistrictOptions

    limits = [t for group in args.time_limit or [] for t in group] or [30.0]
    if args.generated:
        cases = [bench.generated_case(n) for n in args.generated]
    else:
        root = args.instances or Path(__file__).resolve().parents[1] / "examples"
        cases = [bench.example_case(root / "district.json")]
    workers = max(args.workers, 2)  # the cluster run has at least two workers
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    options = DistrictOptions(time_limit_s=limits[0], round_time_limit_s=10.0,
                              iterations=3 if not args.generated else 1,
                              round_effort=1.0 if not args.generated else GENERATED_EFFORT,
                              deterministic=True, workers=workers, scheduler=args.scheduler,
                              progress=say)
    # A generated district's baseline is left out: its vans, routed for distance in
    # deterministic mode, took over ten minutes on 40 compounds.
    rows = [bench.bench_case(case, options, say, baseline=not args.generated)
            for case in cases]
    header = (f"{machine()}; deterministic; vans {limits[0]:g} s per iteration, rounds "
              f"10 s each at effort {options.round_effort:g}, {options.iterations} "
              f"iterations; cluster: "
              f"{args.scheduler or f'LocalCluster of {workers} workers'}")
    bench.write(rows, args.output, header)
    print(header)
    print(bench.markdown(rows))
    print(f"results written to {args.output}", file=sys.stderr)
    return ExitCode.OK if all(r["violations"] == 0 for r in rows) else ExitCode.VIOLATIONS


def _examples_bench_limits(args: argparse.Namespace, name: str) -> list[float]:
    """The examples' benchmarks take one time limit and none of the routing options."""
    for flag, value in (("grid", args.grid), ("solvers", args.solvers),
                        ("scheduler", args.scheduler), ("fleet", args.fleet)):
        if value:
            raise InputError(InputIssue(flag, f"does not apply to the {name} benchmark"))
    limits = [t for group in args.time_limit or [] for t in group]
    if len(limits) > 1:
        raise InputError(InputIssue("time-limit", f"the {name} benchmark takes one limit"))
    return limits


def _bench_doorstep(args: argparse.Namespace) -> int:
    """The examples' doorstep benchmark (``benchmarks/doorstep.py``) from the CLI."""
    from supplyroute.bench import doorstep
    from supplyroute.bench.plot import markdown_table

    limits = _examples_bench_limits(args, "doorstep")
    if args.generated:
        return _bench_generated(args, limits[0] if limits else None)
    # No --time-limit: the issue's per-example limits; one given: that limit everywhere.
    time_limit = limits[0] if limits else doorstep.DEFAULT_TIME_LIMIT_S
    per_example = {} if limits else None
    examples = args.instances or doorstep.default_examples()
    try:
        paths = doorstep.example_paths(examples, args.only)
    except FileNotFoundError as exc:
        raise InputError(InputIssue("instances", str(exc))) from None
    total = len(paths)

    def started(path: Path, limit: float) -> None:
        print(f"planning {path.stem} ({limit:g} s per plan) ...", file=sys.stderr, flush=True)

    def progress(row: dict[str, object], rows: list[dict[str, object]]) -> None:
        gaps = [r["gap"] for r in rows if isinstance(r["gap"], float | int)]
        mean = f"{sum(gaps) / len(gaps):.2%}" if gaps else "n/a"
        gap = "n/a" if row["gap"] is None else f"{row['gap']:.2%}"
        print(f"[{len(rows)}/{total}] {row['example']}: gap to bound {gap} "
              f"(running mean {mean}), ratio to by hand {row['ratio']}",
              file=sys.stderr, flush=True)

    rows = doorstep.run(examples, time_limit, per_example, args.only,
                        deterministic=args.deterministic, started=started, report=progress)
    doorstep.write(rows, args.output)
    text = markdown_table(doorstep.COLUMNS, [[r[c] for c in doorstep.COLUMNS] for r in rows])
    (args.output / "summary.md").write_text(
        f"# doorstep\n\n{doorstep.machine()}\n\n{text}\n", encoding="utf-8")
    print(doorstep.machine())
    print(doorstep.table(rows))
    print(f"results written to {args.output}", file=sys.stderr)
    return ExitCode.OK


def _bench_generated(args: argparse.Namespace, time_limit: float | None) -> int:
    """Generated compounds of the given sizes (``--generated``), planned both ways."""
    from supplyroute.bench import generated
    from supplyroute.bench.doorstep import machine
    from supplyroute.bench.plot import markdown_table

    for flag in ("instances", "only"):
        if getattr(args, flag):
            raise InputError(InputIssue(flag, "does not apply to generated compounds"))
    total = len(generated.cases_for(args.generated))

    def started(case: generated.Case, households: int, limit: float) -> None:
        print(f"planning {case.name} with {households} households ({limit:g} s per plan) ...",
              file=sys.stderr, flush=True)

    def progress(row: dict[str, object], rows: list[dict[str, object]]) -> None:
        print(f"[{len(rows)}/{total}] {row['case']} {row['households']}: served "
              f"{row['served']} (by hand {row['manual_served']}), gap {row['gap']}, "
              f"{row['wall_s']} s, {row['peak_mb']:g} MB", file=sys.stderr, flush=True)

    rows = generated.run(args.generated, args.output, time_limit, started, progress)
    generated.write(rows, args.output)
    text = markdown_table(generated.COLUMNS, generated.as_rows(rows))
    (args.output / "summary.md").write_text(
        f"# generated compounds\n\n{machine()}\n\n{text}\n", encoding="utf-8")
    print(machine())
    print(text)
    print(f"results written to {args.output}", file=sys.stderr)
    return ExitCode.OK


def _bench_cycle(args: argparse.Namespace) -> int:
    """The cycle examples' benchmark (``benchmarks/cycle.py``) from the CLI."""
    from supplyroute.bench import cycle
    from supplyroute.bench.doorstep import default_examples, machine

    limits = _examples_bench_limits(args, "cycle")
    examples = args.instances or default_examples()
    try:
        cycle.cycle_paths(examples, args.only)
    except FileNotFoundError as exc:
        raise InputError(InputIssue("instances", str(exc))) from None

    def report(row: dict[str, object]) -> None:
        print(f"{row['example']}: worst day gap {row['worst_gap']}%, violations "
              f"{row['violations']}, {row['wall_s']} s", file=sys.stderr, flush=True)

    time_limit = limits[0] if limits else 10.0
    # Days go two at a time at least (as ``supplyroute cycle`` plans them by default).
    rows, days = cycle.run(examples, time_limit, max(2, args.workers), args.only,
                           args.deterministic, report)
    header = (f"{machine()}; {time_limit:g} s per day; command: supplyroute bench cycle "
              f"--time-limit {time_limit:g}")
    cycle.write(rows, days, args.output, header)
    print(header)
    print(cycle.markdown(cycle.COLUMNS, rows))
    print(f"results written to {args.output}", file=sys.stderr)
    return ExitCode.OK


def _generate(args: argparse.Namespace) -> int:
    from supplyroute.generate import generate
    from supplyroute.io import validate_document

    check_writable(args.output)
    spec = validate_document(CompoundSpec, {
        "households": args.households, "shape": args.shape, "zones": args.zones,
        "volunteers": args.volunteers, "cart_share": args.cart_share,
        "shifts": args.shifts, "seed": args.seed})
    data = generate(spec)
    scenario = validate_document(Scenario, data)
    write_atomic(args.output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(f"{scenario.name}: {len(scenario.households)} households, "
          f"{len(scenario.buildings)} buildings, {len(scenario.volunteers)} volunteers; "
          f"written to {args.output}")
    return ExitCode.OK


COMMANDS = {"bench": _bench, "generate": _generate, "validate": _validate, "plan": _plan,
            "replan": _replan, "check": _check, "cycle": _cycle, "sheets": _desk_sheets,
            "schema": _schema, "report": _report, "export-geojson": _export_geojson,
            "staff": _staff, "compare": _compare,
            "template": _template, "import": _import}


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
        print("interrupted: nothing written", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # the reader went away (``supplyroute ... | head``): not an error
        _quiet_stdout()
        return ExitCode.OK
    except Exception as exc:  # noqa: BLE001 - the last line of defence of a CLI
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)",
              file=sys.stderr)
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
