"""A planned round turned into a :class:`~supplyroute.models.Plan`: the ledger, the
households left out and why, the summary, and the bound it is measured against.

Planners whose rounds are trips on the clock (carry, exact, by hand; the replan's
repaired sheets) hand over a :class:`~supplyroute.compound.schedule.Timetable`, which
:func:`timetable_round` turns into the plan's terms; the relay planner does the same
for its days. :func:`assemble` then completes the list of households left out (those
nobody may serve), decides which households the bound covers, and computes the
summary (:func:`plan_model`), which a replan's merged day uses as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.bounds.service import ServiceBound
from supplyroute.compound.demand import Parcel
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Timetable
from supplyroute.compound.trips import to_trips
from supplyroute.models import (
    Delivery,
    Plan,
    Priority,
    Summary,
    Unserved,
    UnservedReason,
    VolunteerPlan,
)
from supplyroute.models.digest import scenario_sha256
from supplyroute.rounds.interface import RoundMode, RoundResult, delivery
from supplyroute.rounds.rescue import rescue


def timetable_round(ctx: PreparedCompound, table: Timetable, proven_optimal: bool = False,
                    built_in: PreparedCompound | None = None) -> RoundResult:
    """A timetable of trips in the plan's terms: each volunteer's trips and a ledger
    line per household handed its bags. ``built_in``: the compound the trips were
    built in, if not ``ctx`` (the by-hand method leaves the carts behind)."""
    scenario = ctx.scenario
    built_in = built_in or ctx
    volunteer_plans = []
    deliveries = []
    for v, scheduled in enumerate(table.trips):
        trips = []
        for item in scheduled:  # a shuttle is several trips: its last hands over last
            trips += to_trips(built_in.builder, item.shape, item.start_s)
            for parcel_id, offset in item.shape.delivered_offsets.items():
                deliveries.append(delivery(scenario, parcel_id, ctx.volunteers[v].id,
                                           item.start_s + offset, trip=len(trips) - 1))
        volunteer_plans.append(VolunteerPlan(
            volunteer=ctx.volunteers[v].id,
            trips=tuple(trips),
            busy_s=round(sum(t.return_s - t.start_s for t in trips), 2),
            walk_m=round(sum(t.walk_m for t in trips), 1),
            floors_climbed=sum(item.shape.floors_climbed for item in scheduled),
        ))
    unserved = [Unserved(household=q.id, reason=reason, detail=detail)
                for q, reason, detail in table.unserved]
    return RoundResult(volunteer_plans, deliveries, unserved, proven_optimal)


def assemble(ctx: PreparedCompound, result: RoundResult, bound: Bound, method: str,
             solve_s: float | None, mode: RoundMode = "carry",
             servable: Callable[[Parcel], bool] | None = None,
             service: ServiceBound | None = None) -> Plan:
    """The plan of a round. Every household nobody may serve (``servable``, default:
    anyone eligible for a carry round) is listed with its reason; every household left
    out that a volunteer can still serve on one more trip is served
    (:func:`~supplyroute.rounds.rescue.rescue`). Where a carry round
    leaves out households some plan could serve, its bound is recomputed for the
    households it serves, so that the gap still says how close it is for those."""
    unserved = list(result.unserved)
    handed = {d.household for d in result.deliveries}
    listed = {u.household for u in unserved}
    may_serve = servable or (lambda q: bool(ctx.eligible[q.index]))
    for q in ctx.demand.parcels:
        if not may_serve(q) and q.id not in handed and q.id not in listed:
            reason, detail = ctx.why_unservable(q)
            unserved.append(Unserved(household=q.id, reason=reason, detail=detail))
    result = rescue(ctx, RoundResult(result.volunteers, result.deliveries, unserved,
                                     result.proven_optimal))
    deliveries, unserved = list(result.deliveries), list(result.unserved)
    handed = {d.household for d in deliveries}
    if mode == "relay":
        return plan_model(ctx, result.volunteers, deliveries, unserved, bound, method,
                          solve_s, result.proven_optimal, "relay",
                          only_unservable(ctx, unserved, servable))
    only = only_unservable(ctx, unserved)
    covers = "servable"
    if not only and deliveries and bound.work_lp_s > 0:  # an LP was affordable
        bound = lower_bound(ctx.demand, ctx.travel,
                            [q for q in ctx.servable if q.id in handed], ctx.eligible)
        covers = "served"
    return plan_model(ctx, result.volunteers, deliveries, unserved, bound, method, solve_s,
                      result.proven_optimal, "carry", only or covers == "served",
                      covers=covers, service=service)


def only_unservable(ctx: PreparedCompound, unserved: list[Unserved],
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


def plan_model(ctx: PreparedCompound, volunteer_plans: list[VolunteerPlan],
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
