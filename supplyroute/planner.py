"""``plan(scenario, options) -> Plan``: the library's front door.

Prepares the scenario (travel, demand, eligibility), computes the lower bound, runs the
chosen method and turns its timetable into a :class:`~supplyroute.models.Plan` with a
summary, a ledger line per served household and a reason per unserved one.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.bounds.relay import relay_eligibility, relay_lower_bound
from supplyroute.bounds.service import ServiceBound, service_bound
from supplyroute.demand import Parcel
from supplyroute.errors import InputError, InputIssue
from supplyroute.models import (
    Climb,
    Delivery,
    Plan,
    Priority,
    Scenario,
    Summary,
    Trip,
    Unserved,
    UnservedReason,
    VolunteerPlan,
)
from supplyroute.models.digest import scenario_sha256
from supplyroute.rounds import carry, exact, manual, relay
from supplyroute.rounds.base import Budget, Context, Progress, SolverResult
from supplyroute.trips import to_run, to_trip

log = logging.getLogger("supplyroute.planner")

Method = Literal["optimized", "manual"]
METHODS: tuple[str, ...] = ("optimized", "manual")
Mode = Literal["carry", "relay", "auto"]
MODES: tuple[str, ...] = ("carry", "relay", "auto")
#: With ``mode="auto"``, the share of the time limit the carry plan gets; the relay
#: plan, which has two kinds of work to synchronise, gets the rest.
AUTO_CARRY_SHARE = 0.4
#: The by-hand method computes the work LP for its bound only up to this many
#: households: it needs none to plan, and on a large compound the LP would take more
#: time than the plan (the cheap bounds are reported instead).
MANUAL_LP_MAX_HOUSEHOLDS = 5000


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    ``deterministic`` makes every search stop on iteration counts, never on the clock,
    so the same scenario gives the same plan byte for byte (``solve_s`` is then null).
    """

    method: Method = "optimized"
    #: "carry": whoever brings the bags takes them up; "relay": ferries bring them to
    #: the entrances and climbers take them up; "auto": both, the better kept.
    mode: Mode = "carry"
    time_limit_s: float = 30.0
    deterministic: bool = False
    #: How much longer (a share of the makespan) the round may be so that the urgent
    #: and vulnerable households are served sooner (0: shortest makespan only).
    vulnerable_preference: float = carry.VULNERABLE_PREFERENCE
    exact_max_households: int = 10  #: exhaustive search up to this many households...
    exact_max_volunteers: int = 3  #: ...and this many volunteers.
    progress: Callable[[Progress], None] | None = None
    #: asked during the search; True ends it with the best plan so far, marked
    #: ``interrupted`` (the CLI's Ctrl-C).
    stop: Callable[[], bool] | None = None
    #: The share of the search's rounds to make (1: all): a quicker plan, also in
    #: deterministic mode, where the rounds and not the clock end the search.
    effort: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} not understood; use one of {METHODS}")
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} not understood; use one of {MODES}")
        if self.method == "manual" and self.mode != "carry":
            raise ValueError("the by-hand method plans carry rounds only")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if not 0 < self.effort <= 1:
            raise ValueError("effort must be a share above 0 and at most 1")
        if not 0 <= self.vulnerable_preference <= 1:
            raise ValueError("vulnerable_preference must be a share from 0 to 1")


def plan(scenario: Scenario, options: PlanOptions | None = None) -> Plan:
    """Plan a doorstep round for ``scenario``."""
    options = options or PlanOptions()
    if options.mode == "relay" and not scenario.relay:
        raise InputError([InputIssue("relay", "the scenario forbids relays (bags may not "
                                     "wait at the doors): plan it with mode 'carry'")])
    if options.mode == "auto" and scenario.relay:
        built = _plan_auto(scenario, options)
    elif options.mode == "relay":
        built = _plan_relay(scenario, options)[0]
    else:
        built = _plan_carry(scenario, options)
    if options.stop is not None and options.stop():
        built = built.model_copy(update={"summary": built.summary.model_copy(
            update={"interrupted": True, "proven_optimal": False})})
    return built


def _plan_carry(scenario: Scenario, options: PlanOptions) -> Plan:
    started = time.monotonic()
    budget = Budget(options.time_limit_s, options.deterministic, report=options.progress,
                    stop=options.stop, effort=options.effort)
    ctx = Context(scenario)
    servable = ctx.servable
    # By hand needs no linear program: on a large compound only the cheap arguments.
    with_lp = options.method != "manual" or len(servable) <= MANUAL_LP_MAX_HOUSEHOLDS
    bound = lower_bound(ctx.demand, ctx.travel, servable, ctx.eligible, with_lp=with_lp)
    budget.tell("lower bound", lower_bound_s=bound.value_s)
    service = None
    if with_lp and _may_overrun_shifts(ctx, bound):
        service = service_bound(ctx.demand, ctx.travel, servable, ctx.eligible)
        log.info("at most %d of %d households can be served within the shifts",
                 service.households, service.servable)

    if options.method == "manual":
        result = manual.solve(ctx, budget)
    elif exact.applies(ctx, options.exact_max_households, options.exact_max_volunteers):
        result = exact.solve(ctx, budget)
    else:
        result = carry.solve(ctx, budget, bound, options.vulnerable_preference, service)
    if service is None and with_lp and any(
            reason is UnservedReason.NO_VOLUNTEER_TIME
            for _, reason, _ in result.timetable.unserved):
        # Left out for lack of time after all: say how many any plan could serve.
        service = service_bound(ctx.demand, ctx.travel, servable, ctx.eligible)
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    built = assemble(ctx, result, bound, options.method, solve_s, service)
    budget.tell("done", built.summary.makespan_s, built.summary.lower_bound_s)
    return built


#: Plans run up to this much longer than the makespan bound; if even that fits every
#: shift, the service LP is skipped (a quick test that spares it on open shifts).
SHIFT_MARGIN = 1.25


def _may_overrun_shifts(ctx: Context, bound: Bound) -> bool:
    """Whether a plan near the makespan bound may run past a shift's end, so that the
    service bound may be below everyone."""
    ends = [v.shift.end for v in ctx.volunteers]
    return bool(ends) and ctx.demand.round_start_s + SHIFT_MARGIN * bound.value_s > min(ends)


def _plan_relay(scenario: Scenario, options: PlanOptions) -> tuple[Plan, set[str]]:
    """The relay plan, and the households some carry or relay plan could serve (the
    ones the relay bound covers)."""
    started = time.monotonic()
    budget = Budget(options.time_limit_s, options.deterministic, report=options.progress,
                    stop=options.stop, effort=options.effort)
    ctx = Context(scenario)
    eligible = relay_eligibility(ctx.demand)
    bound = relay_lower_bound(ctx.demand, ctx.travel, eligible=eligible)
    budget.tell("relay lower bound", lower_bound_s=bound.value_s)
    result = relay.solve(ctx, budget, bound, eligible)
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    built = assemble_relay(ctx, result, bound, options.method, solve_s,
                           lambda q: eligible.servable(q))
    budget.tell("done", built.summary.makespan_s, bound.value_s)
    return built, {q.id for q in ctx.demand.parcels if eligible.servable(q)}


def _plan_auto(scenario: Scenario, options: PlanOptions) -> Plan:
    """Both modes, each with its share of the time limit; the better plan (fewer
    households left out, then the shorter makespan) is kept, measured against the
    relay bound (a carry plan is a relay plan without relays)."""
    carried = _plan_carry(scenario, replace(
        options, mode="carry", time_limit_s=options.time_limit_s * AUTO_CARRY_SHARE))
    relayed, servable = _plan_relay(scenario, replace(
        options, mode="relay", time_limit_s=options.time_limit_s * (1 - AUTO_CARRY_SHARE)))
    makespans = {"carry": carried.summary.makespan_s, "relay": relayed.summary.makespan_s}

    def key(p: Plan) -> tuple[int, float]:
        return p.summary.households_unserved, p.summary.makespan_s

    best = carried if key(carried) <= key(relayed) else relayed
    bound_s = relayed.summary.lower_bound_s
    sm = best.summary
    # The relay bound covers every household a carry or relay plan could serve.
    left_out_servable = any(u.household in servable for u in best.unserved)
    gap = (round(sm.makespan_s / bound_s - 1, 5)
           if best.deliveries and bound_s > 0 and not left_out_servable else None)
    solve_s = None if options.deterministic else round(
        (carried.summary.solve_s or 0.0) + (relayed.summary.solve_s or 0.0), 3)
    summary = sm.model_copy(update={
        "mode_makespans_s": makespans, "lower_bound_s": bound_s, "gap": gap,
        "bound": relayed.summary.bound, "solve_s": solve_s,
        "proven_optimal": False})  # optimal among carry plans is not among relay plans
    return best.model_copy(update={"summary": summary})


def _only_unservable(ctx: Context, unserved: list[Unserved],
                     servable: Callable[[Parcel], bool] | None = None) -> bool:
    """Every household left out is one no volunteer may serve (zone, skills, capacity)."""
    if not unserved:
        return True
    parcels = {q.id: q for q in ctx.demand.parcels}
    if servable is not None:
        return all(not servable(parcels[u.household]) for u in unserved)
    return all(not ctx.eligible[parcels[u.household].index]
               and ctx.why_unservable(parcels[u.household])[0]
               is UnservedReason.NO_ELIGIBLE_VOLUNTEER for u in unserved)


def assemble(ctx: Context, result: SolverResult, bound: Bound, method: str,
             solve_s: float | None, service: ServiceBound | None = None) -> Plan:
    """The plan model of a solver's timetable. Where it leaves out households some
    plan could serve, its bound is recomputed for the households it serves, so that
    the gap still says how close it is for those."""
    scenario = ctx.scenario
    table = result.timetable
    built_in = result.context or ctx
    volunteer_plans = []
    deliveries = []
    for v, scheduled in enumerate(table.trips):
        trips = [to_trip(built_in.builder, item.shape, item.start_s) for item in scheduled]
        for trip_index, item in enumerate(scheduled):
            for parcel_id, offset in item.shape.delivered_offsets.items():
                deliveries.append(_delivery(scenario, parcel_id, ctx.volunteers[v].id,
                                            item.start_s + offset, trip=trip_index))
        volunteer_plans.append(VolunteerPlan(
            volunteer=ctx.volunteers[v].id,
            trips=tuple(trips),
            busy_s=round(sum(t.return_s - t.start_s for t in trips), 2),
            walk_m=round(sum(t.walk_m for t in trips), 1),
            floors_climbed=sum(item.shape.floors_climbed for item in scheduled),
        ))
    unserved = [
        Unserved(household=q.id, reason=reason, detail=detail)
        for q, reason, detail in table.unserved
    ]
    for q in ctx.demand.parcels:
        if not ctx.eligible[q.index] and q.id not in {d.household for d in deliveries}:
            reason, detail = ctx.why_unservable(q)
            unserved.append(Unserved(household=q.id, reason=reason, detail=detail))
    only_unservable = _only_unservable(ctx, unserved)
    covers = "servable"
    if not only_unservable and deliveries and bound.work_lp_s > 0:  # an LP was affordable
        served = {d.household for d in deliveries}
        bound = lower_bound(ctx.demand, ctx.travel,
                            [q for q in ctx.servable if q.id in served], ctx.eligible)
        covers = "served"
    return _plan_model(ctx, volunteer_plans, deliveries, unserved, bound, method, solve_s,
                       result.proven_optimal, "carry", only_unservable or covers == "served",
                       covers=covers, service=service)


def assemble_relay(ctx: Context, table: relay.RelayTimetable, bound: Bound, method: str,
                   solve_s: float | None, servable: Callable[[Parcel], bool]) -> Plan:
    """The plan model of a relay day: trip-makers' trips, climbers' climbs, and a
    ledger line per household naming who took it up and who ferried it."""
    scenario = ctx.scenario
    p = scenario.parameters
    volunteer_plans = []
    deliveries: dict[str, Delivery] = {}
    for v, vol in enumerate(ctx.volunteers):
        trips = [to_trip(ctx.builder, done.shape, done.start_s, done.waits)
                 for done in table.trips[v]]
        for trip_index, done in enumerate(table.trips[v]):
            waited = sum(done.waits.values())
            for parcel_id, offset in done.shape.delivered_offsets.items():
                # Hand-overs on a trip come after its relay drops (and their waits) at
                # the same stop, but before those of later stops: take them from the
                # trip model, which has them right.
                deliveries[parcel_id] = _delivery(
                    scenario, parcel_id, vol.id,
                    _handed_over(trips[trip_index], parcel_id, done.start_s + offset + waited),
                    trip=trip_index)
        climbs = []
        for climb_index, done in enumerate(table.climbs[v]):
            run = to_run(done.task.run, done.start_s)
            climbs.append(Climb(stairwell=done.stairwell, walk_m=round(done.walk_m, 1),
                                arrive_s=round(done.arrive_s, 2), run=run))
            for door in run.doors:
                ferry_v, _ = table.ferry_of[ctx.household_index[door.household]]
                deliveries[door.household] = _delivery(
                    scenario, door.household, vol.id, max(
                        door.delivered_s, deliveries[door.household].delivered_s
                        if door.household in deliveries else -math.inf),
                    climb=climb_index, ferry=ctx.volunteers[ferry_v].id)
        speed = vol.walk_speed_mps or p.walk_speed_mps
        floors = sum(done.shape.floors_climbed for done in table.trips[v])
        floors += sum(ctx.travel.stairs[c.stairwell].floors_climbed(c.run.top_floor)
                      for c in climbs)
        volunteer_plans.append(VolunteerPlan(
            volunteer=vol.id,
            trips=tuple(trips),
            climbs=tuple(climbs),
            busy_s=round(sum(t.return_s - t.start_s for t in trips)
                         + sum(c.run.end_s - c.run.start_s + c.walk_m / speed
                               for c in climbs), 2),
            walk_m=round(sum(t.walk_m for t in trips) + sum(c.walk_m for c in climbs), 1),
            floors_climbed=floors,
        ))
    unserved = [Unserved(household=q.id, reason=reason, detail=detail)
                for q, reason, detail in table.unserved]
    listed = {u.household for u in unserved}
    for q in ctx.demand.parcels:
        if not servable(q) and q.id not in deliveries and q.id not in listed:
            reason, detail = ctx.why_unservable(q)
            unserved.append(Unserved(household=q.id, reason=reason, detail=detail))
    return _plan_model(ctx, volunteer_plans, list(deliveries.values()), unserved, bound,
                       method, solve_s, False, "relay",
                       _only_unservable(ctx, unserved, servable))


def _handed_over(trip: Trip, household_id: str, fallback: float) -> float:
    """When the trip hands this household its bags (the latest, if several)."""
    times = [d.delivered_s for st in trip.stops for d in st.drops if d.household == household_id]
    times += [d.delivered_s for st in trip.stops for r in st.runs for d in r.doors
              if d.household == household_id]
    return max(times, default=fallback)


def _delivery(scenario: Scenario, household_id: str, volunteer_id: str, delivered_s: float,
              **where: int | str) -> Delivery:
    household = scenario.household_by_id[household_id]
    return Delivery(household=household_id, priority=household.priority.value,
                    volunteer=volunteer_id, delivered_s=round(delivered_s, 2),
                    latest_s=household.latest_s, **where)  # type: ignore[arg-type]


def _plan_model(ctx: Context, volunteer_plans: list[VolunteerPlan],
                deliveries: list[Delivery], unserved: list[Unserved], bound: Bound,
                method: str, solve_s: float | None, proven_optimal: bool, mode: str,
                gap_allowed: bool, covers: str = "servable",
                service: ServiceBound | None = None) -> Plan:
    """The plan with its summary, computed from the volunteers' plans and the ledger."""
    scenario = ctx.scenario
    method_name = method
    t0 = ctx.demand.round_start_s
    order = {h.id: i for i, h in enumerate(scenario.households)}
    deliveries.sort(key=lambda d: order[d.household])
    unserved.sort(key=lambda u: order[u.household])
    served = {d.household for d in deliveries}
    missing = set(order) - served - {u.household for u in unserved}
    if missing:
        raise RuntimeError(f"the {method_name} solver lost households {sorted(missing)[:5]}")

    last = max((d.delivered_s for d in deliveries), default=t0)
    finish = max([t.return_s for vp in volunteer_plans for t in vp.trips]
                 + [c.run.end_s for vp in volunteer_plans for c in vp.climbs], default=t0)
    makespan = round(last - t0, 2)

    def served_by(priority: Priority) -> float | None:
        times = [d.delivered_s for d in deliveries if d.priority == priority.value]
        return max(times) if times else None

    with_limit = [h for h in scenario.households if h.latest_s is not None]
    met = sum(1 for d in deliveries if d.latest_s is not None and d.delivered_s <= d.latest_s)
    lb = math.floor(bound.value_s * 100) / 100  # rounded down: a bound stays a bound
    summary = Summary(
        method=method_name,
        mode=mode,  # type: ignore[arg-type]
        makespan_s=makespan,
        lower_bound_s=lb,
        # The bound covers the households any plan could serve: with only the others
        # left out, the gap still says how close the plan is.
        gap=(round(makespan / lb - 1, 5) if deliveries and lb > 0 and gap_allowed
             else None),
        bound_covers=covers,  # type: ignore[arg-type]
        service_bound=None if service is None else service.households,
        proven_optimal=proven_optimal,
        bound=bound.kind,
        round_start_s=t0,
        last_delivery_s=round(last, 2),
        finish_s=round(finish, 2),
        households_served=len(deliveries),
        households_unserved=len(unserved),
        bags_delivered=sum(t.bags for vp in volunteer_plans for t in vp.trips),
        trips=sum(len(vp.trips) for vp in volunteer_plans),
        climbs=sum(len(vp.climbs) for vp in volunteer_plans),
        walk_m=round(sum(vp.walk_m for vp in volunteer_plans), 1),
        floors_climbed=sum(vp.floors_climbed for vp in volunteer_plans),
        urgent_served_by_s=served_by(Priority.URGENT),
        vulnerable_served_by_s=served_by(Priority.VULNERABLE),
        deadlines_met=met,
        deadlines_total=len(with_limit),
        solve_s=solve_s,
    )
    return Plan(
        scenario=scenario.name,
        scenario_sha256=scenario_sha256(scenario),
        summary=summary,
        volunteers=tuple(volunteer_plans),
        deliveries=tuple(deliveries),
        unserved=tuple(unserved),
    )
