"""Step 6 of the relay planner (:mod:`supplyroute.rounds.relay`): steering rounds
until the time limit, the best day kept, and the day in the plan's terms."""

from __future__ import annotations

import logging
import math

from supplyroute.bounds.carry import Bound
from supplyroute.bounds.relay import RelayEligibility
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.trips import to_run, to_trips
from supplyroute.models import (
    Climb,
    Delivery,
    Trip,
    Unserved,
    UnservedReason,
    VolunteerPlan,
)
from supplyroute.rounds.assemble import delivery
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry.assignment import assign_timed
from supplyroute.rounds.interface import RoundMode, RoundRequest, RoundResult, register
from supplyroute.rounds.relay.day import RelayTimetable
from supplyroute.rounds.relay.shares import LOST, RelaySearch

log = logging.getLogger("supplyroute.relay")

#: Steering rounds in deterministic mode (otherwise they run until the time limit).
DETERMINISTIC_ROUNDS = 4
#: How much of the measured overhead each steering round feeds back.
STEERING_DAMPING = 0.7


def _score(table: RelayTimetable) -> tuple[int, float]:
    """Fewer households left out first, then the earlier last hand-over."""
    return len(table.unserved), table.last_delivery_s


def solve(ctx: PreparedCompound, budget: Budget, bound: Bound, eligible: RelayEligibility
          ) -> RelayTimetable:
    """Plan a relay round (the module docstring's steps)."""
    planner = RelaySearch(ctx, eligible, budget)
    n = len(ctx.volunteers)
    t0 = ctx.demand.round_start_s
    roles = planner.roles([0.0] * n)
    # Timed households go to trip-makers only.
    carry_eligible = {i: [v for v in vs if roles[v] != "climbs"]
                      for i, vs in ctx.eligible.items()}
    timed_queues, dropped = assign_timed(
        ctx, [q for q in planner.timed if carry_eligible[q.index]], carry_eligible)
    timed_s = [sum(t.free_off for t in queue) for queue in timed_queues]
    lost_timed = [q for q in planner.timed if not carry_eligible[q.index]]
    budget.tell("relay roles given", lower_bound_s=bound.value_s)

    best: RelayTimetable | None = None
    overhead = [0.0] * n
    rounds = 0
    while best is None or (not budget.expired() if not budget.deterministic
                           else rounds < DETERMINISTIC_ROUNDS and not budget.interrupted()):
        offsets = [timed_s[v] + overhead[v] for v in range(n)]
        table, lp_work = planner.settle(roles, offsets, timed_queues)
        rounds += 1
        if best is None or _score(table) < _score(best):
            best = table
            budget.tell("relay day simulated", makespan_s=table.last_delivery_s - t0,
                        lower_bound_s=bound.value_s)
        finish = _finishes(ctx, table)
        target = max(finish)
        overhead = [max(0.0, overhead[v] + STEERING_DAMPING * (
            (finish[v] - ctx.volunteers[v].shift.start) - timed_s[v] - overhead[v]
            - lp_work[v])) if finish[v] > -math.inf else overhead[v] for v in range(n)]
        log.info("relay round %d: makespan %.0f s, latest finish %.0f", rounds,
                 table.last_delivery_s - t0, target - t0)
    assert best is not None
    best.unserved = dropped + [
        (q, *LOST) for q in lost_timed] + [
        (q, UnservedReason.NO_ELIGIBLE_VOLUNTEER,
         "its bags are more than the entrance buffer holds, and nobody may carry them up")
        for q in planner.too_big] + best.unserved
    return best


def _finishes(ctx: PreparedCompound, table: RelayTimetable) -> list[float]:
    """When each volunteer's last drop or hand-over happens."""
    out = [-math.inf] * len(ctx.volunteers)
    for v, trips in enumerate(table.trips):
        for trip in trips:
            last = trip.start_s + max(
                [trip.shape.last_delivery_off,
                 *(off for stop in trip.shape.stops for _, _, off in stop.relays)])
            out[v] = max(out[v], last + sum(trip.waits.values()))
    for w, climbs in enumerate(table.climbs):
        for climb in climbs:
            out[w] = max(out[w], climb.start_s + climb.task.run.doors[-1][2])
    return out


__all__ = ["RelayTimetable", "solve"]


def relay_round(ctx: PreparedCompound, table: RelayTimetable) -> RoundResult:
    """A relay day in the plan's terms: trip-makers' trips, climbers' climbs, and a
    ledger line per household naming who took it up and who ferried it."""
    scenario = ctx.scenario
    p = scenario.parameters
    volunteer_plans = []
    deliveries: dict[str, Delivery] = {}
    for v, vol in enumerate(ctx.volunteers):
        trips, last_trip = [], []  # a shuttle is several trips: its last hands over last
        for done in table.trips[v]:
            trips += to_trips(ctx.builder, done.shape, done.start_s, done.waits)
            last_trip.append(len(trips) - 1)
        for done, trip_index in zip(table.trips[v], last_trip, strict=True):
            waited = sum(done.waits.values())
            for parcel_id, offset in done.shape.delivered_offsets.items():
                # Hand-overs on a trip come after its relay drops (and their waits) at
                # the same stop, but before those of later stops: take them from the
                # trip model, which has them right.
                deliveries[parcel_id] = delivery(
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
                deliveries[door.household] = delivery(
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
    return RoundResult(volunteer_plans, list(deliveries.values()), unserved)


def _handed_over(trip: Trip, household_id: str, fallback: float) -> float:
    """When the trip hands this household its bags (the latest, if several)."""
    times = [d.delivered_s for st in trip.stops for d in st.drops if d.household == household_id]
    times += [d.delivered_s for st in trip.stops for r in st.runs for d in r.doors
              if d.household == household_id]
    return max(times, default=fallback)




class RelayPlanner:
    """Relay rounds: ferries bring the bags to the entrances, climbers take them up."""

    name = "relay"
    mode: RoundMode = "relay"
    priority = 100

    def applies(self, request: RoundRequest) -> bool:
        return request.relay is not None

    def solve(self, request: RoundRequest) -> RoundResult:
        assert request.relay is not None
        table = solve(request.compound, request.budget, request.bound, request.relay)
        return relay_round(request.compound, table)


register(RelayPlanner())
