"""The carry planner's search: strategies, steering rounds, the choice among attempts.

Each attempt shares the work out (:mod:`.assignment`), packs it (:mod:`.packing`) and
balances it (:mod:`.balancing`). Every strategy gets its first round before any gets a
second, then the chosen plan's strategy is steered with each volunteer's measured
packing overhead and perturbed until the time limit. Of the plans no other beats on
both makespan and the time the last vulnerable household is served, the planner takes
the shortest of those that serve the vulnerable soonest within a set share of the
shortest makespan. The chosen plan is balanced again, wider, after the routing layer
has re-formed its mixed loads (:mod:`.trip_routes`), and put on the clock.
"""

from __future__ import annotations

import itertools
import logging
import math
import random
from dataclasses import dataclass

from supplyroute.bounds.carry import Bound
from supplyroute.bounds.service import ServiceBound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Timetable, schedule
from supplyroute.compound.trips import TripShape
from supplyroute.models import Priority, UnservedReason
from supplyroute.rounds.assemble import timetable_round
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry import trip_routes
from supplyroute.rounds.carry.assignment import (
    assign_timed,
    full_loads,
    missed_deadlines,
    rides_along,
    round_assignment,
    served_within_shifts,
)
from supplyroute.rounds.carry.balancing import Balancer, rescue_priority
from supplyroute.rounds.carry.packing import (
    EPS_S,
    Workload,
    pack_trips,
    regular_order,
    without_parcels,
)
from supplyroute.rounds.carry.regions import cart_volunteers
from supplyroute.rounds.interface import (
    VULNERABLE_PREFERENCE,
    RoundMode,
    RoundRequest,
    RoundResult,
    register,
)

log = logging.getLogger("supplyroute.doorstep")

#: The ways the work LP is turned into loads: (carts keep full loads only, priority
#: households in loads of their own that go first). Each gets a first round in this
#: order before any gets a second. (The LP once also pooled whole stairwells, so that
#: volunteers got whole stairwells: on nine compounds, the examples and generated
#: walk-ups, high-rises and mixed, its best attempt was 2.9-10.5% longer than pooling
#: by floor and never chosen, while it took half the attempts.)
STRATEGIES = [(whole, priority_first)
              for priority_first, whole in itertools.product((True, False), (True, False))]
#: The chosen plan's last balancing looks at this many earliest finishers, and as
#: many alike the last one (a 4,389-household compound: 0.5% shorter than with 12).
POLISH_WIDTH = 36
#: The share of the time left that one attempt's balancing may use.
BALANCING_SHARE = 0.5
#: Perturbed steering rounds after the fixed ones, in deterministic mode (otherwise
#: they run until the time limit).
DETERMINISTIC_EXTRA_ROUNDS = 6
#: Perturbed rounds shift each volunteer's offset by up to this share of the makespan.
PERTURBATION = 0.02
#: Rounds of re-solving the work LP with each volunteer's measured packing overhead.
STEERING_ROUNDS = 3
#: ...and among the plans within the vulnerable preference, those that serve the
#: urgent and vulnerable within this of the soonest count as equally early: a few
#: minutes for the vulnerable are not worth a longer round.
VULNERABLE_SLACK_S = 600.0

Strategy = tuple[bool, bool]


def packing_overhead_s(ctx: PreparedCompound, v: int, trips: list[TripShape]) -> float:
    """How much longer the packed trips take than the LP's linear costs say."""
    linear = sum(ctx.parcel_cost(v, parcel) for t in trips for parcel in t.parcels)
    return max(0.0, sum(t.free_off for t in trips) - linear)


@dataclass
class Attempt:
    finish_s: float  #: estimated makespan.
    vulnerable_s: float  #: estimated time the last priority household is served.
    loads: list[Workload]
    strategy: Strategy
    overhead: list[float]  #: the offsets it was steered with.
    #: Households estimated served within the shifts (0 when everyone can be served).
    served: int = 0


def keep_pareto(front: list[Attempt], new: Attempt) -> None:
    """Add ``new`` to ``front`` unless an attempt there is no worse on households
    served, makespan and vulnerable households; drop those it beats on all three."""
    def covers(a: Attempt, b: Attempt) -> bool:
        return (a.served >= b.served and a.finish_s <= b.finish_s + EPS_S
                and a.vulnerable_s <= b.vulnerable_s + EPS_S)

    if any(covers(old, new) for old in front):
        return
    front[:] = [old for old in front if not covers(new, old)]
    front.append(new)


def choose_attempt(front: list[Attempt], preference: float = VULNERABLE_PREFERENCE) -> Attempt:
    """Vulnerable households early, but not at any price: of the attempts within
    ``preference`` (a share) of the shortest makespan, those that serve the priority
    households within :data:`VULNERABLE_SLACK_S` of the soonest; of these, the
    shortest. Only attempts serving the most households take part."""
    most = max(a.served for a in front)
    front = [a for a in front if a.served == most]
    within = (1 + preference) * min(a.finish_s for a in front) + EPS_S
    near = [a for a in front if a.finish_s <= within]
    soonest = min(a.vulnerable_s for a in near)
    return min((a for a in near if a.vulnerable_s <= soonest + VULNERABLE_SLACK_S),
               key=lambda a: (a.finish_s, a.vulnerable_s))


def no_worse(new: Timetable, old: Timetable) -> bool:
    """``new`` serves as many, serves the vulnerable and finishes no later, and walks
    less or finishes earlier: the objective's order, each level kept."""
    def key(table: Timetable) -> tuple[int, float, float, float]:
        vulnerable = [s.start_s + s.shape.delivered_offsets[parcel.id]
                      for trips in table.trips for s in trips for parcel in s.shape.parcels
                      if parcel.household.priority is Priority.VULNERABLE]
        walk_m = sum(s.shape.walk_m for trips in table.trips for s in trips)
        return len(table.unserved), max(vulnerable, default=0.0), table.last_delivery_s, walk_m

    n_new, v_new, end_new, walk_new = key(new)
    n_old, v_old, end_old, walk_old = key(old)
    return (n_new <= n_old and v_new <= v_old + EPS_S and end_new <= end_old + EPS_S
            and (end_new < end_old - EPS_S or walk_new < walk_old - 1e-6))


def vulnerable_by(loads: list[Workload]) -> float:
    """When the last urgent or vulnerable household of these loads is served, if each
    volunteer works through its trips in :func:`regular_order` without waiting (the
    timed trips first): an estimate, releases and shifts left out."""
    latest = -math.inf
    for load in loads:
        t = load.start_s + load.timed_s
        for trip in regular_order(load.trips):
            if not trip.standard:
                offsets = trip.delivered_offsets
                latest = max(latest, t + max(offsets[parcel.id] for parcel in trip.parcels
                                             if parcel.household.priority is not Priority.STANDARD))
            t += trip.free_off
    return latest


def estimated_served(ctx: PreparedCompound, loads: list[Workload]) -> int:
    """Households whose trips end within their volunteer's shift if each works through
    its trips in :func:`regular_order` without waiting: an estimate for comparing
    attempts when the shifts cannot cover everyone (releases left out)."""
    served = 0
    for load, vol in zip(loads, ctx.volunteers, strict=True):
        t = load.start_s + load.timed_s
        for trip in regular_order(load.trips, short_of_time=True):
            t += trip.free_off
            if t > vol.shift.end + EPS_S:
                break
            served += len(trip.parcels)
    return served


class CarrySearch:
    """One round's search: the timed households assigned, then attempts (share out,
    pack, balance) under each strategy, steered and perturbed while time is left; the
    attempts that no other beats on households served, makespan and vulnerable
    households are kept. With ``service`` saying not everyone can be served, each
    attempt first picks the households that fit the shifts
    (:func:`~.assignment.served_within_shifts`) and attempts are compared on how many
    they serve before anything else."""

    def __init__(self, ctx: PreparedCompound, budget: Budget, bound: Bound,
                 vulnerable_preference: float = VULNERABLE_PREFERENCE,
                 service: ServiceBound | None = None):
        self.ctx = ctx
        self.budget = budget
        self.bound = bound
        self.preference = vulnerable_preference
        self.service = service
        parcels = ctx.servable
        self.tight = service is not None and not service.everyone
        self.riding = [] if self.tight else [p for p in parcels if rides_along(ctx, p)]
        riders = {parcel.index for parcel in self.riding}
        self.timed = [p for p in parcels if p.timed and p.index not in riders]
        self.regular = [parcel for parcel in parcels if not parcel.timed] + self.riding
        self.timed_queues, self.dropped = assign_timed(ctx, self.timed)
        self.timed_s = [sum(t.free_off for t in queue) for queue in self.timed_queues]
        budget.tell("timed households assigned", lower_bound_s=bound.value_s)
        self.t0 = ctx.demand.round_start_s
        self.front: list[Attempt] = []  # no attempt there is beaten on both counts
        self.shortest = math.inf
        #: How long each attempt took: one is not begun when the time left is less
        #: (its linear program and packing cannot be cut short; 20,000 households:
        #: 15-30 s).
        self.took: list[float] = []

    def attempt(self, strategy: Strategy, overhead: list[float], label: str
                ) -> tuple[float, list[float]]:
        """Share out, pack and balance once; keep the result if no other beats it on
        both makespan and vulnerable households. Returns the estimated makespan and
        each volunteer's packing overhead (the next steering round's offsets)."""
        ctx, budget = self.ctx, self.budget
        begun = budget.elapsed()
        whole, priority_first = strategy
        offsets = [self.timed_s[v] + overhead[v] for v in range(len(ctx.volunteers))]
        planned = served_within_shifts(ctx, self.regular, offsets) if self.tight \
            else self.regular
        shares = round_assignment(ctx, planned, offsets, priority_first=priority_first)
        if whole:
            shares = full_loads(ctx, shares, offsets, priority_first)
        loads = [Workload(v.shift.start, self.timed_s[i],
                          pack_trips(ctx, i, shares[i], priority_first))
                 for i, v in enumerate(ctx.volunteers)]
        # An attempt's balancing may take half the time left, so that a large
        # compound (where it takes a minute) still sees more than one way of packing.
        Balancer(ctx, loads, budget).run(until_s=budget.elapsed() + BALANCING_SHARE
                                         * budget.left_s())
        if self.tight:
            rescue_priority(ctx, loads)
        done = Attempt(max(load.finish_s() for load in loads) - self.t0,
                       vulnerable_by(loads) - self.t0, loads, strategy, overhead,
                       estimated_served(ctx, loads) if self.tight else 0)
        log.info("%s (full loads %s, priority first %s): "
                 "estimated makespan %.0f s, vulnerable by %.0f s, %d of %d planned "
                 "served", label, *strategy, done.finish_s, done.vulnerable_s,
                 done.served, len(planned))
        keep_pareto(self.front, done)
        if done.finish_s < self.shortest - EPS_S:
            self.shortest = done.finish_s
            budget.tell("work shared out", makespan_s=self.shortest,
                        lower_bound_s=self.bound.value_s)
        self.took.append(budget.elapsed() - begun)
        return done.finish_s, [packing_overhead_s(ctx, v, load.trips)
                               for v, load in enumerate(loads)]

    def worth_trying(self) -> bool:
        """Whether another attempt fits the time left (the first always does)."""
        budget = self.budget
        return not self.front or (not budget.expired() and budget.left_s()
                                  >= sum(self.took) / max(1, len(self.took)))

    def steer(self) -> None:
        """Every strategy's first round, then the further steering rounds: after the
        first, the strategy of the plan that would be chosen now, then the others,
        soonest finish first."""
        ctx = self.ctx
        # Keeping full loads for the carts is a way of packing only with carts and hands.
        carts = len(cart_volunteers(ctx))
        strategies = [s for s in STRATEGIES if not s[0] or 0 < carts < len(ctx.volunteers)]
        steering = {s: (math.inf, [0.0] * len(ctx.volunteers)) for s in strategies}
        for round_no in range(self.budget.rounds(STEERING_ROUNDS)):
            now = choose_attempt(self.front, self.preference).strategy if self.front \
                else None
            for strategy in sorted(strategies, key=lambda s: (
                    (s != now, steering[s][0]) if round_no else (False, 0.0))):
                if not self.worth_trying():
                    break
                steering[strategy] = self.attempt(strategy, steering[strategy][1],
                                                  f"steering round {round_no}")

    def perturb(self) -> None:
        """While time is left (a fixed number of rounds in deterministic mode), perturb
        the overheads of the attempt that would be chosen now and try again."""
        budget = self.budget
        rng = random.Random(0)
        extra = 0
        while self.worth_trying() and (not budget.deterministic
                                       or extra < budget.rounds(DETERMINISTIC_EXTRA_ROUNDS)):
            chosen = choose_attempt(self.front, self.preference)
            spread = PERTURBATION * chosen.finish_s
            noisy = [o * rng.uniform(0.5, 1.5) + rng.uniform(-spread, spread)
                     for o in chosen.overhead]
            self.attempt(chosen.strategy, noisy, f"perturbed round {extra}")
            extra += 1

    def chosen(self) -> list[Workload]:
        """The attempt to keep, balanced again with the rest of the time, wider."""
        chosen = choose_attempt(self.front, self.preference)
        log.info("chosen: full loads %s, priority first %s; estimated makespan "
                 "%.0f s, vulnerable by %.0f s", *chosen.strategy, chosen.finish_s,
                 chosen.vulnerable_s)
        if self.budget.expired():
            return chosen.loads
        return polish(self.ctx, chosen.loads, self.budget)

    def timetable(self, loads: list[Workload]) -> Timetable:
        """The timed trips and these loads on the clock."""
        return schedule(
            self.ctx.demand, self.timed_queues,
            [regular_order(load.trips, load.finish_s() > vol.shift.end)
             for load, vol in zip(loads, self.ctx.volunteers, strict=True)])

    def finish(self, best: list[Workload]) -> Timetable:
        """The chosen loads on the clock: their mixed loads re-formed by routing where
        that is no worse, urgent riders that would miss their deadline on trips of
        their own, and the households the shifts cannot hold listed."""
        ctx, budget = self.ctx, self.budget
        table = self.timetable(best)
        rerouted = reroute(ctx, best, budget)
        if any(new.trips is not old.trips for new, old in zip(rerouted, best, strict=True)):
            other = self.timetable(rerouted)
            if no_worse(other, table):
                budget.tell("mixed loads re-formed by routing",
                            makespan_s=other.last_delivery_s - self.t0,
                            lower_bound_s=self.bound.value_s)
                table = other
                best = rerouted
        late = missed_deadlines(table, self.riding)
        if late:  # rare: their loads went too late; they get trips of their own after all
            log.info("%d urgent households riding along would miss their deadlines: "
                     "trips of their own instead", len(late))
            best = without_parcels(ctx, best, late)
            self.timed_queues, self.dropped = assign_timed(ctx, self.timed + late)
            table = self.timetable(best)
        planned = {p.index for load in best for t in load.trips for p in t.parcels}
        service = self.service
        left_out = [] if service is None else [
            (parcel, UnservedReason.NO_VOLUNTEER_TIME,
             f"the shifts cannot cover every household: at most {service.households} of "
             f"{service.servable} can be served")
            for parcel in self.regular if parcel.index not in planned]
        table.unserved = self.dropped + left_out + table.unserved
        return table


def solve(ctx: PreparedCompound, budget: Budget, bound: Bound,
          vulnerable_preference: float = VULNERABLE_PREFERENCE,
          service: ServiceBound | None = None) -> Timetable:
    """The round (see :class:`CarrySearch`)."""
    search = CarrySearch(ctx, budget, bound, vulnerable_preference, service)
    search.steer()
    search.perturb()
    return search.finish(search.chosen())


def polish(ctx: PreparedCompound, loads: list[Workload], budget: Budget) -> list[Workload]:
    """The chosen plan balanced once more, looking wider, after the routing layer has
    re-formed its standard mixed loads: the time routing saves a cart is then work
    the balancer can take off the last finisher (re-formed only after the balancing,
    the saving stays with whoever made it, mostly not the last). If that ends no
    sooner than the plan as chosen, the plan is balanced as it was instead."""
    before = max(load.finish_s() for load in loads)
    rerouted = [Workload(load.start_s, load.timed_s, list(load.trips))
                for load in reroute(ctx, loads, budget)]
    rounds = Balancer(ctx, rerouted, budget, POLISH_WIDTH, POLISH_WIDTH).run()
    after = max(load.finish_s() for load in rerouted)
    log.info("chosen plan's loads re-formed and balanced further (%d rounds): "
             "estimated makespan %.0f s -> %.0f s", rounds,
             before - ctx.demand.round_start_s, after - ctx.demand.round_start_s)
    if after < before - EPS_S:
        return rerouted
    Balancer(ctx, loads, budget, POLISH_WIDTH, POLISH_WIDTH).run()
    return loads


def reroute(ctx: PreparedCompound, loads: list[Workload], budget: Budget) -> list[Workload]:
    """Each volunteer's mixed loads re-formed by the routing layer, the last to finish
    first, until the time limit (all of them in deterministic mode): the search
    leaves only a small reserve, and on thousands of households this pass takes a few
    seconds, so it stops rather than overrun the limit it was given."""
    out = list(loads)
    for v in sorted(range(len(loads)), key=lambda v: (-loads[v].finish_s(), v)):
        if budget.spent():
            log.info("time limit reached: %d volunteers' loads not re-formed",
                     sum(1 for new, old in zip(out, loads, strict=True) if new is old))
            break
        load = loads[v]
        out[v] = Workload(load.start_s, load.timed_s, trip_routes.reroute(ctx, v, load.trips))
    return out


class CarryPlanner:
    """The optimiser of carry rounds: whoever brings the bags takes them up."""

    name = "carry"
    mode: RoundMode = "carry"
    priority = 100

    def applies(self, request: RoundRequest) -> bool:
        return request.method == "optimized"

    def solve(self, request: RoundRequest) -> RoundResult:
        table = solve(request.compound, request.budget, request.bound,
                      request.vulnerable_preference, request.service)
        return timetable_round(request.compound, table)


register(CarryPlanner())
