"""``replan(scenario, plan, events, at_s) -> Replanned``: the day as it happens.

At ``at_s`` the coordinator takes in what has happened (a volunteer left, an urgent
order came in, a batch is late, a stairwell closed) and needs a new plan that keeps what
is done and under way and changes as little as possible for everyone else:

1. **Kept.** Every trip that started before ``at_s`` stays as it was: its hand-overs
   are done or under way. A volunteer who left during a trip finishes the stairwell in
   hand and walks back with the bags of the stairwells not reached; those bags are back
   at the gate when the volunteer is, named for another volunteer to take.
2. **The day's scenario.** The original scenario with the events in it: households
   added, removed or made urgent, closures as windows that open at ``until``, shifts
   that end when a volunteer leaves, batches moved. The replan is a plan of it.
3. **The rest.** What is left is a scenario of its own: the households not served,
   each volunteer from the moment it is free, what is left at the gates. Two plans of
   it are made: the old sheets repaired (each volunteer keeps the stops it still has,
   in order; the orphaned households are packed into trips of their own, urgent ones
   timed to their deadline) and a fresh plan. The fresh one is taken only if it is
   shorter by :data:`FRESH_SHORTER_BY` or serves more households; both figures are
   reported, with the stops the chosen one changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from supplyroute.compound.prepared import PreparedCompound
from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Plan, Scenario
from supplyroute.models.digest import plan_sha256, scenario_sha256
from supplyroute.models.events import (
    CartBroken,
    Closed,
    Events,
    HouseholdsAdded,
    HouseholdsRemoved,
    ReleaseChanged,
    UrgentOrder,
    VolunteerJoins,
    VolunteerLate,
    VolunteerLeaves,
)
from supplyroute.models.plan import Replan
from supplyroute.planner import PlanOptions, plan
from supplyroute.replan.day import HOLD_STOPS, ReplanDay
from supplyroute.replan.repair import repair
from supplyroute.rounds.budget import Progress

#: A fresh plan of the rest replaces the repaired sheets only if its round is shorter
#: by this share: a coordinator would rather not reshuffle everyone for a minute.
FRESH_SHORTER_BY = 0.02


@dataclass(frozen=True)
class Replanned:
    """A replan and the day's scenario it is a plan of (the original with the events)."""

    plan: Plan
    scenario: Scenario


def replan(scenario: Scenario, original: Plan, events: Events, at_s: float,
           options: PlanOptions | None = None) -> Replanned:
    """Replan ``original`` (a plan of ``scenario``) at ``at_s`` with ``events``."""
    options = options or PlanOptions()
    started = time.monotonic()
    _refuse_mismatch(scenario, original, events)
    # What must be kept (done and under way), and the rest planned afresh: the bound.
    day = ReplanDay(scenario, original, events, at_s)
    rest = day.rest_scenario()
    half = replace(options, method="optimized", mode="carry",
                   time_limit_s=options.time_limit_s / 2,
                   progress=_labelled(options.progress, "the rest afresh"))
    fresh = plan(rest, half) if rest is not None else None
    bound = day.bound(fresh)
    # Three ways to go on, fewest changes first: the old sheets repaired; each
    # volunteer's next stops held as planned and the rest planned afresh; all of it
    # afresh. The first within FRESH_SHORTER_BY of the best is taken.
    rest_ctx = PreparedCompound(rest) if rest is not None else None  # the repair's and the takers'
    held = ReplanDay(scenario, original, events, at_s, hold_stops=HOLD_STOPS,
                free=_takers(rest_ctx, day) if rest_ctx is not None else frozenset())
    held_rest = held.rest_scenario()
    candidates: list[tuple[str, ReplanDay, Plan | None]] = [
        ("sheets kept", day, repair(rest_ctx, day) if rest_ctx is not None else None),
        ("next stops kept", held, plan(held_rest, replace(
            half, progress=_labelled(options.progress, "the rest after the next stops")))
         if held_rest is not None else None),
        ("fresh", day, fresh),
    ]
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    merged = [(name, d, d.merge(p, bound, solve_s)) for name, d, p in candidates]
    best = min(merged, key=lambda c: _score(c[2]))
    chosen, chosen_day, result = next(c for c in merged if _good_as(c[2], best[2]))
    changed, next_three = day.changes(result)
    info = Replan(
        at_s=at_s, original_sha256=plan_sha256(original),
        base_scenario_sha256=original.scenario_sha256, events=len(events.events),
        trips_kept=sum(chosen_day.started.values()), cut_trips=tuple(chosen_day.cut),
        left={v: t for v, t in sorted(chosen_day.leaves.items()) if t <= at_s},
        bags_back=tuple(chosen_day.bags_back), chosen=chosen,  # type: ignore[arg-type]
        candidates={name: p.summary.makespan_s for name, _, p in merged},
        changed_stops=changed, next_three_changed=tuple(next_three))
    if options.stop is not None and options.stop():  # Ctrl-C: the best found until then
        result = result.model_copy(update={"summary": result.summary.model_copy(
            update={"interrupted": True})})
    return Replanned(result.model_copy(update={"replan": info}), chosen_day.scenario)


def _takers(ctx: PreparedCompound, day: ReplanDay) -> frozenset[str]:
    """The volunteers who would hand over each new timed delivery soonest (an urgent
    order, a new household with a deadline): their sheets change for it; the others'
    next stops are held."""
    new = {e.household for e in day.events if isinstance(e, UrgentOrder)}
    new |= {f"{hid}/order" for hid in new}
    new |= {h.id for e in day.events if isinstance(e, HouseholdsAdded) for h in e.households}
    takers = set()
    for q in ctx.demand.parcels:
        if not (q.timed and (q.id in new or q.id.split("/order")[0] in new)):
            continue
        options = [(ctx.volunteers[v].shift.start
                    + ctx.builder.shape(v, [q]).last_delivery_off, v)
                   for v in ctx.eligible[q.index] if ctx.builder.fits(v, [q])]
        if options:
            takers.add(ctx.volunteers[min(options)[1]].id)
    return frozenset(takers)


def _labelled(report: Callable[[Progress], None] | None,
              label: str) -> Callable[[Progress], None] | None:
    """Progress of a plan of the rest, said as such (its makespan counts from when
    the rest can start, not from the round's start)."""
    if report is None:
        return None
    return lambda p: report(replace(p, stage=f"{label}: {p.stage}"))


def _score(p: Plan) -> tuple[int, int, float]:
    sm = p.summary
    return -sm.households_served, -sm.deadlines_met, sm.makespan_s


def _good_as(p: Plan, best: Plan) -> bool:
    """Serves as many, meets as many deadlines, and ends at most FRESH_SHORTER_BY later."""
    a, b = p.summary, best.summary
    return (a.households_served, a.deadlines_met) == (b.households_served, b.deadlines_met) \
        and a.makespan_s <= b.makespan_s * (1 + FRESH_SHORTER_BY) + 1e-6


def _refuse_mismatch(scenario: Scenario, original: Plan, events: Events) -> None:
    """The plan must be of this scenario, a carry round, and the events must name
    what the scenario has."""
    if original.scenario != scenario.name:
        raise InputError(InputIssue("plan", f"the plan is for scenario {original.scenario!r}"
                                    f", not {scenario.name!r}"))
    if original.scenario_sha256 not in (None, scenario_sha256(scenario)):
        raise InputError(InputIssue("plan", "the plan was made for another version of "
                                    "this scenario"))
    if any(vp.climbs for vp in original.volunteers):
        raise InputError(InputIssue("plan", "replanning a relay round is not supported: "
                                    "replan a carry plan"))
    volunteers = {v.id for v in scenario.volunteers}
    households = set(scenario.household_by_id)
    gates = {g.id: g for g in scenario.gates}
    stairwells = set(scenario.stairwell_building)
    buildings = {b.id for b in scenario.buildings}
    joined: set[str] = set()
    for i, e in enumerate(events.events):
        where = f"events[{i}]"
        if isinstance(e, (VolunteerLeaves, VolunteerLate, CartBroken)) and \
                e.volunteer not in volunteers | joined:
            raise InputError(InputIssue(f"{where}.volunteer", f"unknown volunteer {e.volunteer!r}"))
        if isinstance(e, CartBroken) and \
                scenario.volunteer_by_id.get(e.volunteer, None) is not None and \
                scenario.volunteer_by_id[e.volunteer].cart is None:
            raise InputError(InputIssue(f"{where}.volunteer", f"{e.volunteer!r} has no cart"))
        if isinstance(e, VolunteerJoins):
            if e.volunteer.id in volunteers | joined:
                raise InputError(InputIssue(f"{where}.volunteer.id",
                                            f"volunteer {e.volunteer.id!r} already exists"))
            if e.volunteer.gate not in gates:
                raise InputError(InputIssue(f"{where}.volunteer.gate",
                                            f"unknown gate {e.volunteer.gate!r}"))
            joined.add(e.volunteer.id)
        if isinstance(e, HouseholdsRemoved):
            for k, hid in enumerate(e.households):
                if hid not in households:
                    raise InputError(InputIssue(f"{where}.households[{k}]",
                                                f"unknown household {hid!r}"))
        if isinstance(e, HouseholdsAdded):
            for k, h in enumerate(e.households):
                if h.id in households:
                    raise InputError(InputIssue(f"{where}.households[{k}].id",
                                                f"household {h.id!r} already exists"))
                households.add(h.id)
        if isinstance(e, UrgentOrder):
            if e.household not in households:
                raise InputError(InputIssue(f"{where}.household",
                                            f"unknown household {e.household!r}"))
            if e.gate is not None and e.gate not in gates:
                raise InputError(InputIssue(f"{where}.gate", f"unknown gate {e.gate!r}"))
        if isinstance(e, ReleaseChanged):
            if e.gate not in gates:
                raise InputError(InputIssue(f"{where}.gate", f"unknown gate {e.gate!r}"))
            if e.release >= len(gates[e.gate].releases):
                raise InputError(InputIssue(f"{where}.release", f"gate {e.gate!r} has "
                                            f"{len(gates[e.gate].releases)} releases"))
            if e.bags is not None and gates[e.gate].releases[e.release].bags is None:
                raise InputError(InputIssue(f"{where}.bags", "this release names its "
                                            "households: it cannot shrink by a count"))
        if isinstance(e, Closed):
            if e.stairwell is not None and e.stairwell not in stairwells:
                raise InputError(InputIssue(f"{where}.stairwell",
                                            f"unknown stairwell {e.stairwell!r}"))
            if e.building is not None and e.building not in buildings:
                raise InputError(InputIssue(f"{where}.building",
                                            f"unknown building {e.building!r}"))


__all__ = ["FRESH_SHORTER_BY", "HOLD_STOPS", "Replanned", "replan"]
