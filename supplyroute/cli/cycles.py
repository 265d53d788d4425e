"""``cycle``: a supply cycle planned day by day into a horizon folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from supplyroute.cli.common import count, interruptible, positive
from supplyroute.errors import ExitCode, InputError, InputIssue
from supplyroute.io import check_folder, load_cycle_scenario
from supplyroute.models.horizon import HorizonPlan


def register(sub: argparse._SubParsersAction) -> None:
    """The cycle command's parser."""
    p = sub.add_parser("cycle", help="plan a supply cycle over several days",
                       description="Plan a cycle scenario day by day: what goes in each "
                       "bag, who gets a delivery on which day, packing and release "
                       "batches, every day's delivery and garbage rounds. Writes a folder: "
                       "horizon.json and day-NN/ with each round's scenario and plan and "
                       "the packing staff's pick list.")
    p.add_argument("scenario", type=Path)
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    p.add_argument("--days", type=count, default=None, metavar="D",
                   help="plan the first D days of the scenario's horizon (default: all)")
    p.add_argument("--time-limit", type=positive, default=10.0, metavar="S",
                   help="seconds per day for its rounds (default 10)")
    p.add_argument("--workers", type=count, default=2, metavar="N",
                   help="days planned at once in separate processes (default 2)")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same plans")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=cycle_command)


def cycle_command(args: argparse.Namespace) -> int:
    """The cycle planned and its horizon folder written whole."""
    from supplyroute.cycles.folder import check_target, write_horizon
    from supplyroute.cycles.planner import CycleOptions, CycleProgress, plan_cycle
    from supplyroute.rounds.budget import Interrupted

    cs = load_cycle_scenario(args.scenario)
    if args.days is not None:
        if args.days > cs.days:
            raise InputError(InputIssue("days", f"{args.days} is more than the scenario's "
                                        f"horizon of {cs.days} days"))
        cs = cs.model_copy(update={"days": args.days})
    check_folder(args.output)  # not a file, a device or under one: before any work
    check_target(args.output)

    def show(p: CycleProgress) -> None:
        day = f" day {p.day + 1}" if p.day is not None else ""
        print(f"[{p.elapsed_s:7.1f}s] {p.stage}{day}", file=sys.stderr, flush=True)

    with interruptible() as stop:
        try:
            result = plan_cycle(cs, CycleOptions(
                time_limit_s=args.time_limit, deterministic=args.deterministic,
                workers=args.workers, progress=None if args.quiet else show,
                stop=stop.is_set))
        except Interrupted as exc:
            print(f"interrupted: {exc}; nothing written", file=sys.stderr)
            return ExitCode.INTERRUPTED
    write_horizon(result.horizon, result.rounds, args.output)
    print("\n".join(horizon_lines(result.horizon)))
    print(f"horizon written to {args.output}")
    s = result.horizon.summary
    if s.interrupted:
        return ExitCode.INTERRUPTED
    return ExitCode.UNSERVED if s.unserved or s.undelivered else ExitCode.OK


#: Households named as not served shown on the screen (all are in horizon.json).
NAMED_SHOWN = 10


def horizon_lines(h: HorizonPlan) -> list[str]:
    """A horizon's table, a line a day, as a coordinator reads it on the screen."""
    s = h.summary
    gap = "n/a" if s.worst_gap is None else f"{s.worst_gap:.2%}"
    lines = [f"scenario      {h.scenario}: {s.days} days, {s.deliveries} deliveries, "
             f"{s.visits} visits, {s.garbage_pickups} garbage collections",
             "day       homes  served  makespan  bound   gap     garbage  stock"]
    if s.interrupted:
        lines.insert(1, f"interrupted   stopped early (Ctrl-C): {s.days} days planned from the "
                     "first, the rounds cut short marked interrupted in their plans")
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
              f"fairness      max/mean floors {f.floors_max_over_mean:.2f} "
              f"({f.floors_alike_max_over_mean:.2f} among volunteers who could swap days), "
              f"kg {f.kg_max_over_mean:.2f}, hours {f.hours_max_over_mean:.2f}",
              f"unserved      {s.unserved} household-days in the rounds or named below, "
              f"{s.undelivered} deliveries with nothing to carry; short days {s.short_days}"]
    named = [(d.day, x) for d in h.days for x in d.not_served]
    for day, x in named[:NAMED_SHOWN]:
        lines.append(f"not served    day {day + 1}: {x.household} ({x.round}): {x.note}")
    if len(named) > NAMED_SHOWN:
        lines.append(f"              (and {len(named) - NAMED_SHOWN} more: horizon.json "
                     "days[].not_served)")
    return lines
