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
from dataclasses import dataclass
from typing import Literal

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.models import (
    Delivery,
    Plan,
    Priority,
    Scenario,
    Summary,
    Unserved,
    UnservedReason,
    VolunteerPlan,
)
from supplyroute.rounds import carry, exact, manual
from supplyroute.rounds.base import Budget, Context, Progress, SolverResult
from supplyroute.trips import to_trip

log = logging.getLogger("supplyroute.planner")

Method = Literal["optimized", "manual"]
METHODS: tuple[str, ...] = ("optimized", "manual")


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    ``deterministic`` makes every search stop on iteration counts, never on the clock,
    so the same scenario gives the same plan byte for byte (``solve_s`` is then null).
    """

    method: Method = "optimized"
    time_limit_s: float = 30.0
    deterministic: bool = False
    #: How much longer (a share of the makespan) the round may be so that the urgent
    #: and vulnerable households are served sooner (0: shortest makespan only).
    vulnerable_preference: float = carry.VULNERABLE_PREFERENCE
    exact_max_households: int = 10  #: exhaustive search up to this many households...
    exact_max_volunteers: int = 3  #: ...and this many volunteers.
    progress: Callable[[Progress], None] | None = None

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} not understood; use one of {METHODS}")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if not 0 <= self.vulnerable_preference <= 1:
            raise ValueError("vulnerable_preference must be a share from 0 to 1")


def plan(scenario: Scenario, options: PlanOptions | None = None) -> Plan:
    """Plan a doorstep round for ``scenario``."""
    options = options or PlanOptions()
    started = time.monotonic()
    budget = Budget(options.time_limit_s, options.deterministic, report=options.progress)
    ctx = Context(scenario)
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    budget.tell("lower bound", lower_bound_s=bound.value_s)

    if options.method == "manual":
        result = manual.solve(ctx, budget)
    elif exact.applies(ctx, options.exact_max_households, options.exact_max_volunteers):
        result = exact.solve(ctx, budget)
    else:
        result = carry.solve(ctx, budget, bound, options.vulnerable_preference)
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    built = assemble(ctx, result, bound, options.method, solve_s)
    budget.tell("done", built.summary.makespan_s, bound.value_s)
    return built


def _only_unservable(ctx: Context, unserved: list[Unserved]) -> bool:
    """Every household left out is one no volunteer may serve (zone, skills, capacity)."""
    if not unserved:
        return True
    parcels = {q.id: q for q in ctx.demand.parcels}
    return all(not ctx.eligible[parcels[u.household].index]
               and ctx.why_unservable(parcels[u.household])[0]
               is UnservedReason.NO_ELIGIBLE_VOLUNTEER for u in unserved)


def assemble(ctx: Context, result: SolverResult, bound: Bound, method: str,
             solve_s: float | None) -> Plan:
    """The plan model of a solver's timetable."""
    scenario = ctx.scenario
    table = result.timetable
    built_in = result.context or ctx
    t0 = ctx.demand.round_start_s
    volunteer_plans = []
    deliveries = []
    for v, scheduled in enumerate(table.trips):
        trips = [to_trip(built_in.builder, item.shape, item.start_s) for item in scheduled]
        for trip_index, item in enumerate(scheduled):
            for parcel_id, offset in item.shape.delivered_offsets.items():
                household = scenario.household_by_id[parcel_id]
                deliveries.append(Delivery(
                    household=parcel_id,
                    priority=household.priority.value,
                    volunteer=ctx.volunteers[v].id,
                    trip=trip_index,
                    delivered_s=round(item.start_s + offset, 2),
                    latest_s=household.latest_s,
                ))
        volunteer_plans.append(VolunteerPlan(
            volunteer=ctx.volunteers[v].id,
            trips=tuple(trips),
            busy_s=round(sum(t.return_s - t.start_s for t in trips), 2),
            walk_m=round(sum(t.walk_m for t in trips), 1),
            floors_climbed=sum(item.shape.floors_climbed for item in scheduled),
        ))
    order = {h.id: i for i, h in enumerate(scenario.households)}
    deliveries.sort(key=lambda d: order[d.household])

    served = {d.household for d in deliveries}
    unserved = [
        Unserved(household=q.id, reason=reason, detail=detail)
        for q, reason, detail in table.unserved
    ]
    for q in ctx.demand.parcels:
        if not ctx.eligible[q.index] and q.id not in served:
            reason, detail = ctx.why_unservable(q)
            unserved.append(Unserved(household=q.id, reason=reason, detail=detail))
    unserved.sort(key=lambda u: order[u.household])
    missing = set(order) - served - {u.household for u in unserved}
    if missing:
        raise RuntimeError(f"the {method} solver lost households {sorted(missing)[:5]}")

    last = max((d.delivered_s for d in deliveries), default=t0)
    finish = max((t.return_s for vp in volunteer_plans for t in vp.trips), default=t0)
    makespan = round(last - t0, 2)

    def served_by(priority: Priority) -> float | None:
        times = [d.delivered_s for d in deliveries if d.priority == priority.value]
        return max(times) if times else None

    with_limit = [h for h in scenario.households if h.latest_s is not None]
    met = sum(1 for d in deliveries if d.latest_s is not None and d.delivered_s <= d.latest_s)
    lb = math.floor(bound.value_s * 100) / 100  # rounded down: a bound stays a bound
    summary = Summary(
        method=method,
        makespan_s=makespan,
        lower_bound_s=lb,
        # The bound covers the households any plan could serve: with only the others
        # left out, the gap still says how close the plan is.
        gap=(round(makespan / lb - 1, 5) if deliveries and lb > 0
             and _only_unservable(ctx, unserved) else None),
        proven_optimal=result.proven_optimal,
        bound=bound.kind,
        round_start_s=t0,
        last_delivery_s=round(last, 2),
        finish_s=round(finish, 2),
        households_served=len(deliveries),
        households_unserved=len(unserved),
        bags_delivered=sum(t.bags for vp in volunteer_plans for t in vp.trips),
        trips=sum(len(vp.trips) for vp in volunteer_plans),
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
        summary=summary,
        volunteers=tuple(volunteer_plans),
        deliveries=tuple(deliveries),
        unserved=tuple(unserved),
    )
