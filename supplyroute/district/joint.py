"""``plan_district(district, options) -> DistrictPlan``: vans and rounds, planned as one.

What matters to a street office is when the last household of the district has its
bags, not how few kilometres the vans drive nor how quickly a round goes once its goods
are in. So the vans are routed for the rounds:

1. Each compound's goods go in lots (:mod:`~supplyroute.district.goods`), and each lot
   gets a *target*: the round needs it at about its share of the round's length after
   the round starts; the target asks for it at half that pace, less the dwell.
   Deliveries after their target cost in proportion to their weight.
2. The vans are routed (:mod:`~supplyroute.district.trucks`), the gates' bays and staging
   worked out, every compound's round planned with the releases that follow
   (:mod:`~supplyroute.district.cluster`: on a Dask cluster when asked).
3. The compound whose round ends last is the critical one: its lots' targets move
   earlier and weigh more, and the vans are routed again. The best district plan of the
   iterations is kept (fewest households left out, then fewest medicine orders and
   transports missed, then the earliest last hand-over).
4. A medicine order that cannot be met is given up (*relaxed*): when no van can bring
   it in time at all, from the start; when an iteration misses it and leaves its
   household out (or its medicine behind), from the next iteration on. Its medicine is
   then not fetched (its shipments are unshipped) and its household's round goes
   without the order's deadline and bags, so its other bags still go; the plan names
   the order as missed with its reason, for the medical group to bring it apart.

The *sequential baseline* (``baseline=True``) is what planning the halves apart gives:
the vans routed for distance and their own finishing time alone, then the rounds. The
bound is :func:`~supplyroute.district.bound.district_bound`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from supplyroute.clock import hhmm
from supplyroute.compound.costs import solo_delivery_s
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.district.bound import DistrictBound, district_bound, served_district
from supplyroute.district.cluster import RoundJob, RoundRunner
from supplyroute.district.day import day_scenario, household_releases, without_medicine
from supplyroute.district.goods import LotSpec, allocate, make_lots
from supplyroute.district.roads import Roads
from supplyroute.district.trucks import (
    DEADLINE_MARGIN_S,
    TruckDay,
    TruckProblem,
    build,
    district_start,
    schedule,
)
from supplyroute.district.vans import VanRouter, VansStopped
from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Plan
from supplyroute.models.digest import district_sha256
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import (
    CompoundRound,
    DistrictPlan,
    DistrictSummary,
    HouseholdTime,
    Missed,
    Shipment,
)
from supplyroute.rounds.budget import Interrupted
from supplyroute.routing.problem import SearchLimit

log = logging.getLogger("supplyroute.district")

#: Cost per second late of a lot's delivery, per kg (a 750 kg lot ten minutes late
#: weighs as much as about 4.5 km of driving).
TARGET_COST_PER_KG_S = 0.01
#: The first targets ask for lot i at this share of the round's progress: earlier than
#: the round would use it, since a round planned with goods still to come loses more
#: than the vans do by bringing them early.
PACE = 0.5
#: The critical compound's targets then move this much earlier...
ADVANCE_S = 900.0
#: ...and weigh this many times more.
EMPHASIS = 3.0
#: A medicine order is aimed this long before the latest it may arrive.
ORDER_MARGIN_S = 1800.0
#: Routings again when the gates' waits make a deadline late, and the margin added then
#: beyond the lateness.
REPAIRS = 2
REPAIR_SLACK_S = 300.0
#: The baseline's cost per second of the fleet's span (its own finishing time).
BASELINE_SPAN_COST = 1
#: Iterations added, at most, to plan again with medicine orders given up.
RELAX_ITERATIONS = 2


@dataclass(frozen=True)
class DistrictOptions:
    """How to plan a district. ``time_limit_s`` is the vans' search per iteration;
    each round gets ``round_time_limit_s``."""

    time_limit_s: float = 20.0
    round_time_limit_s: float = 10.0
    #: The share of each round's search to make (:attr:`PlanOptions.effort`): in
    #: deterministic mode a large district's rounds are quicker with less.
    round_effort: float = 1.0
    iterations: int = 3
    deterministic: bool = False
    baseline: bool = False
    workers: int = 1
    scheduler: str | None = None
    #: Deterministic runs: the vans' search stops after this many solutions (default:
    #: by the number of shipments, 200 for up to 50); fewer plans a small district sooner.
    van_solutions: int | None = None
    progress: Callable[[str], None] | None = None
    #: Asked as the plan goes: True ends it with the best plan so far, marked
    #: ``interrupted`` (the command line's Ctrl-C).
    stop: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0 or self.round_time_limit_s <= 0:
            raise ValueError("time limits must be positive")
        if self.iterations < 1:
            raise ValueError("iterations must be at least 1")
        if not 0 < self.round_effort <= 1:
            raise ValueError("round_effort must be a share above 0 and at most 1")
        if self.van_solutions is not None and self.van_solutions < 1:
            raise ValueError("van_solutions must be at least 1")


@dataclass
class _Outcome:
    day: TruckDay
    rounds: dict[str, Plan]
    last_s: dict[str, float]  #: each compound's last hand-over (its round start if none).
    missed: int = 0  #: medicine orders and transports not met.
    #: Medicine orders given up when this outcome was planned: order id -> why.
    relaxed: dict[str, str] = field(default_factory=dict)

    @property
    def last_delivery_s(self) -> float:
        return max(self.last_s.values())

    @property
    def quality(self) -> tuple[int, int, float]:
        """Smaller is better: households left out, then orders and transports missed,
        then the last hand-over."""
        unserved = sum(p.summary.households_unserved for p in self.rounds.values())
        return (unserved, self.missed, self.last_delivery_s)


@dataclass
class _Planner:
    district: DistrictScenario
    options: DistrictOptions
    runner: RoundRunner
    vans: VanRouter
    roads: Roads
    lots: list[LotSpec]
    shipments: list[Shipment]
    bound: DistrictBound
    started: float = field(default_factory=time.monotonic)
    cache: dict[tuple, Plan] = field(default_factory=dict)
    #: Medicine orders given up (their deadlines are not held to): order id -> why.
    relaxed: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relaxed.update(self.hopeless())

    def hopeless(self) -> dict[str, str]:
        """Medicine orders no van can bring in time, whatever else it does: from one of
        the order's depots the earliest a van may load it (its shift, the drive, the
        opening) and drive it to the gate is after the latest unloading that still
        reaches the door by the deadline (or the depot closes first)."""
        out: dict[str, str] = {}
        latest = self.latest_in
        for order in self.district.orders:
            for s in self.shipments:
                if s.order != order.id:
                    continue
                depot = self.district.depot_by_id[s.depot]
                load = depot.load_s_per_kg * s.kg
                arrivals = []
                for v in self.district.vehicles:
                    if v.loads_at is not None and s.depot not in v.loads_at:
                        continue
                    t = max(v.shift.start + self.roads.drive_s(v, v.start, s.depot),
                            depot.open.start)
                    if t + load <= depot.open.end:
                        arrivals.append(t + load + self.roads.drive_s(v, s.depot, s.compound))
                at_gate = min(arrivals, default=None)
                if at_gate is None:
                    out[order.id] = (f"no van can load it at {s.depot} while it is open "
                                     f"({hhmm(depot.open.start)}-{hhmm(depot.open.end)})")
                elif at_gate > latest[s.id] + 1e-6:
                    out[order.id] = (f"from {s.depot} (open from {hhmm(depot.open.start)}) "
                                     f"it is at {order.compound}'s gate at {hhmm(at_gate)} at "
                                     f"the earliest, too late for {hhmm(order.deadline)} at "
                                     "the door")
                if order.id in out:
                    break
        return out

    @property
    def hard_latest(self) -> dict[str, float]:
        """The latest unloadings held to: those of the orders not given up."""
        relaxed = {s.id for s in self.shipments if s.order in self.relaxed}
        return {k: t for k, t in self.latest_in.items() if k not in relaxed}

    def say(self, message: str) -> None:
        log.info(message)
        if self.options.progress is not None:
            self.options.progress(message)

    @property
    def limit(self) -> SearchLimit:
        return SearchLimit(time_limit_s=self.options.time_limit_s,
                           deterministic=self.options.deterministic,
                           iterations=self.options.van_solutions)

    @cached_property
    def latest_in(self) -> dict[str, float]:
        """Medicine orders' shipments: the latest start of unloading that still lets
        the round bring the bags to the door by the deadline."""
        out: dict[str, float] = {}
        for order in self.district.orders:
            compound = self.district.compound_by_id[order.compound]
            ctx = PreparedCompound(compound.scenario)
            parcel = ctx.demand.parcels[ctx.household_index[order.household]]
            door = min((solo_delivery_s(ctx.demand, ctx.travel, v, parcel)
                        for v in ctx.eligible[parcel.index]), default=0.0)
            gate = compound.supply_gate
            for s in self.shipments:
                if s.order == order.id:
                    out[s.id] = (order.deadline - door - gate.dwell_s
                                 - gate.unload_s_per_kg * s.kg)
        return out

    def targets(self, advance: dict[str, float], weight: dict[str, float]
                ) -> dict[str, tuple[float, float]]:
        specs = {lot.id: lot for lot in self.lots}
        out: dict[str, tuple[float, float]] = {}
        latest = self.latest_in
        for s in self.shipments:
            if s.order is not None:
                out[s.id] = (max(0.0, latest[s.id] - ORDER_MARGIN_S), 100 * max(1.0, s.kg))
                continue
            lot = specs[s.lot or ""]
            compound = self.district.compound_by_id[s.compound]
            start = min(v.shift.start for v in compound.scenario.volunteers)
            need = (start + lot.share_before * self.bound.rounds_only_s[s.compound] * PACE
                    - compound.supply_gate.dwell_s - advance[s.compound])
            out[s.id] = (max(0.0, need),
                         TARGET_COST_PER_KG_S * s.kg * weight[s.compound])
        return out

    def stopped(self) -> bool:
        return self.options.stop is not None and self.options.stop()

    def evaluate(self, truck: TruckProblem, node_routes: list[list[int]]) -> _Outcome | None:
        """The district's day with these routes, every round planned; None if asked to
        stop before every round had a plan."""
        day = schedule(self.district, self.roads, self.shipments, self.lots, truck, node_routes)
        jobs, keys = [], []
        relaxed = dict(self.relaxed)
        for compound in self.district.compounds:
            lots = [lot for lot in day.lots if lot.compound == compound.id]
            released = household_releases(lots)
            without = without_medicine(lots)
            given_up = sorted(o.id for o in self.district.orders
                              if o.compound == compound.id and o.id in relaxed)
            scenario = day_scenario(self.district, compound, released, given_up, without)
            key = (compound.id, tuple(sorted(released.items())), tuple(given_up),
                   tuple(sorted(without)))
            keys.append(key)
            if key not in self.cache:
                jobs.append(RoundJob(compound.id, scenario, self.options.round_time_limit_s,
                                     self.options.deterministic, self.options.round_effort))
        if jobs:
            self.say(f"planning {len(jobs)} rounds on {self.runner.where}")
        results = self.runner.map(jobs)
        if any(result is None for result in results):
            return None
        for job, result in zip(jobs, results, strict=True):
            key = next(k for k in keys if k[0] == job.compound)
            self.cache[key] = result
        rounds = {k[0]: self.cache[k] for k in keys}
        last = {c: (p.summary.last_delivery_s if p.deliveries else p.summary.round_start_s)
                for c, p in rounds.items()}
        outcome = _Outcome(day, rounds, last, relaxed=relaxed)
        missed = _missed(self.district, outcome, self.shipments)
        outcome.missed = len(missed)
        for m in missed:
            self.say(f"missed: {m.kind} {m.id}: {m.reason}")
        return outcome

    def routed(self, targets: dict[str, tuple[float, float]], span_cost: int
               ) -> tuple[TruckProblem, list[list[int]]]:
        """The vans' routes. Waits for bays and staging, which routing does not see, can
        make a patient or a medicine order late: then the routes meet that deadline
        earlier by as much more, and are made again (at most :data:`REPAIRS` times)."""
        latest = self.hard_latest
        margins: dict[str, float] = {}
        for _ in range(REPAIRS + 1):
            fetched = [x for x in self.shipments if x.order not in self.relaxed]
            truck = build(self.district, self.roads, fetched, latest, targets,
                          span_cost, margins)
            node_routes = self.vans.route(truck, self.limit)
            if node_routes is None:
                raise InputError(InputIssue("vehicles", "the vans cannot carry the goods "
                                            "within their shifts and the depots' hours"))
            late = self.late(truck, node_routes, latest)
            if not late:
                break
            for key, by_s in late.items():
                margins[key] = margins.get(key, DEADLINE_MARGIN_S) + by_s + REPAIR_SLACK_S
                self.say(f"{key}: late by {by_s / 60:.0f} min after the gates' waits; "
                         "routing the vans again")
        return truck, node_routes

    def late(self, truck: TruckProblem, node_routes: list[list[int]],
             latest: dict[str, float]) -> dict[str, float]:
        """Transports and medicine shipments the schedule makes late, and by how much."""
        day = schedule(self.district, self.roads, self.shipments, self.lots, truck, node_routes)
        out: dict[str, float] = {}
        dropped = {s: stop.start_s for r in day.routes for stop in r.stops for s in stop.dropped}
        for sid, limit in latest.items():
            if sid in dropped and dropped[sid] > limit + 1e-6:
                out[sid] = dropped[sid] - limit
        for t in self.district.transports:
            leg = next((g for g in day.legs if g.transport == t.id and not g.back), None)
            if leg is not None and leg.dropped_s > t.deadline + 1e-6:
                out[t.id] = leg.dropped_s - t.deadline
        return out


def plan_district(district: DistrictScenario, options: DistrictOptions | None = None
                  ) -> DistrictPlan:
    """Plan the district's vans and rounds together (see the module docstring)."""
    options = options or DistrictOptions()
    started = time.monotonic()
    with VanRouter(options.stop) as vans:  # its process starts while the rest is worked out
        roads = Roads(district)
        lots = make_lots(district)
        shipments = allocate(district, roads, lots)
        bound = district_bound(district, roads)
        with RoundRunner(options.workers, options.scheduler, options.stop) as runner:
            planner = _Planner(district, options, runner, vans, roads, lots, shipments, bound)
            planner.say(f"{len(lots)} lots, {len(shipments)} shipments; bound "
                        f"{bound.value_s / 60:.1f} min ({bound.kind})")
            best, iterations = _iterate(planner)
            baseline_s = None
            if options.baseline and not planner.stopped():
                baseline_s = _baseline(planner)
    interrupted = planner.stopped()
    if best is None:
        raise Interrupted("stopped before the vans and rounds of the district had a plan")
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    if (any(p.summary.households_unserved for p in best.rounds.values())
            or any(lot.order is not None and lot.released_s is None for lot in best.day.lots)):
        bound = _served_bound(district, best)  # for the households served, and their bags
    built = _assemble(district, shipments, best, bound, iterations, baseline_s, solve_s)
    if interrupted:
        built = built.model_copy(update={"summary": built.summary.model_copy(
            update={"interrupted": True})})
    return built


def _iterate(planner: _Planner) -> tuple[_Outcome | None, int]:
    """The vans and rounds planned ``iterations`` times, the critical compound's goods
    earlier each time: the best outcome, and how many iterations it was chosen from
    (fewer when asked to stop)."""
    district = planner.district
    advance = {c.id: 0.0 for c in district.compounds}
    weight = {c.id: 1.0 for c in district.compounds}
    best: _Outcome | None = None
    done = 0
    rounds = planner.options.iterations
    iteration = 0
    while iteration < rounds:
        iteration += 1
        if planner.stopped():
            break
        try:
            truck, node_routes = planner.routed(planner.targets(advance, weight), 0)
        except VansStopped:
            break
        outcome = planner.evaluate(truck, node_routes)
        if outcome is None:
            break
        done += 1
        critical = max(outcome.last_s, key=lambda c: outcome.last_s[c])
        planner.say(f"iteration {iteration}: last hand-over "
                    f"{hhmm(outcome.last_delivery_s)} at {critical}")
        if best is None or outcome.quality < best.quality:
            best = outcome
        given_up = _give_up(planner, outcome)
        if given_up:
            planner.relaxed.update(given_up)
            for oid, why in given_up.items():
                planner.say(f"{oid} given up ({why}): planning again without its deadline")
            rounds = max(rounds, min(iteration + 1,
                                     planner.options.iterations + RELAX_ITERATIONS))
        advance[critical] += ADVANCE_S
        weight[critical] *= EMPHASIS
    return best, done


def _give_up(planner: _Planner, outcome: _Outcome) -> dict[str, str]:
    """Medicine orders this outcome misses in a way that costs more than the order: its
    household left out, or its medicine left behind; not yet given up."""
    out: dict[str, str] = {}
    unshipped = set(outcome.day.missing)
    for order in planner.district.orders:
        if order.id in planner.relaxed:
            continue
        plan = outcome.rounds[order.compound]
        served = any(d.household == order.household for d in plan.deliveries)
        behind = any(s.order == order.id and s.id in unshipped for s in planner.shipments)
        if behind:
            out[order.id] = "no van could bring it in time"
        elif not served:
            out[order.id] = ("its household could not be served by the deadline "
                             f"{hhmm(order.deadline)}")
    return out


def _baseline(planner: _Planner) -> float | None:
    """The sequential baseline's end to end (None if asked to stop before it had one)."""
    try:
        truck, node_routes = planner.routed({}, BASELINE_SPAN_COST)
    except VansStopped:
        return None
    base = planner.evaluate(truck, node_routes)
    if base is None:
        return None
    planner.say(f"sequential baseline: last hand-over {hhmm(base.last_delivery_s)}")
    return base.last_delivery_s - district_start(planner.district)


def _served_bound(district: DistrictScenario, outcome: _Outcome) -> DistrictBound | None:
    """The bound of a partial plan: the district's bound for the households it serves
    (with the bags they get), as a partial round has one; None if it serves nobody."""
    served = {c: {d.household for d in p.deliveries} for c, p in outcome.rounds.items()}
    without = {c.id: without_medicine(lot for lot in outcome.day.lots if lot.compound == c.id)
               for c in district.compounds}
    part = served_district(district, served, without)
    return None if part is None else district_bound(part, Roads(part))


def _assemble(district: DistrictScenario, shipments: list[Shipment], outcome: _Outcome,
              bound: DistrictBound | None,
              iterations: int, baseline_s: float | None, solve_s: float | None) -> DistrictPlan:
    day = outcome.day
    day_start = district_start(district)
    compounds = []
    for compound in district.compounds:
        plan = outcome.rounds[compound.id]
        lots = [lot for lot in day.lots if lot.compound == compound.id]
        goods_in: dict[str, float] = {}
        for lot in lots:
            for h in lot.households:
                if lot.arrived_s is not None:
                    goods_in[h] = max(goods_in.get(h, lot.arrived_s), lot.arrived_s)
        released = household_releases(lots)
        delivered = {d.household: d.delivered_s for d in plan.deliveries}
        times = tuple(HouseholdTime(household=h.id, goods_in_s=goods_in[h.id],
                                    released_s=released[h.id],
                                    delivered_s=delivered.get(h.id))
                      for h in compound.scenario.households if h.id in released)
        compounds.append(CompoundRound(compound=compound.id, plan=plan, households=times))
    rounds = outcome.rounds.values()
    last = max((p.summary.last_delivery_s for p in rounds if p.deliveries), default=day_start)
    makespan = last - day_start
    missed = _missed(district, outcome, shipments)
    orders_met = len(district.orders) - sum(m.kind == "order" for m in missed)
    transports_met = len(district.transports) - sum(m.kind == "transport" for m in missed)
    served = sum(p.summary.households_served for p in rounds)
    unserved = sum(p.summary.households_unserved for p in rounds)
    if bound is None:  # a plan that serves nobody has no bound
        value, argument = 0.0, "none: the plan serves no household"
    else:  # a partial plan's: for the households it serves
        value, argument = bound.value_s, bound.kind
    summary = DistrictSummary(
        day_start_s=day_start, last_delivery_s=last, makespan_s=makespan,
        lower_bound_s=math.floor(value * 10) / 10, bound=argument,
        gap=round((makespan - value) / value, 4) if value > 0 and not unserved else None,
        baseline_makespan_s=baseline_s, iterations=iterations,
        households=sum(len(c.scenario.households) for c in district.compounds),
        households_served=served, households_unserved=unserved,
        vehicles_used=len(day.routes), truck_km=round(sum(r.km for r in day.routes), 3),
        orders_met=orders_met, orders_total=len(district.orders),
        transports_met=transports_met, transports_total=len(district.transports),
        solve_s=solve_s)
    return DistrictPlan(scenario=district.name, scenario_sha256=district_sha256(district),
                        summary=summary, shipments=tuple(shipments),
                        lots=tuple(day.lots), vehicles=tuple(day.routes), gates=tuple(day.gates),
                        transports=tuple(day.legs), compounds=tuple(compounds),
                        unshipped=tuple(day.missing), missed=tuple(missed))


def _missed(district: DistrictScenario, outcome: _Outcome,
            shipments: list[Shipment]) -> list[Missed]:
    """The medicine orders and transports this plan does not meet, each with why."""
    out: list[Missed] = []
    unshipped = set(outcome.day.missing)
    for order in district.orders:
        if order.id in outcome.relaxed:
            out.append(Missed(kind="order", id=order.id, relaxed=True,
                              reason=f"given up: {outcome.relaxed[order.id]}; not fetched, "
                              "the household's other bags go without it"))
            continue
        plan = outcome.rounds[order.compound]
        when = next((d.delivered_s for d in plan.deliveries if d.household == order.household),
                    None)
        stuck = sorted({s.depot for s in shipments if s.order == order.id and s.id in unshipped})
        if stuck:
            why = (f"no van can fetch it from {', '.join(stuck)} and unload it at "
                   f"{order.compound} in time for {hhmm(order.deadline)}")
        elif when is None:
            reason = next((u.detail for u in plan.unserved if u.household == order.household),
                          "not served")
            why = f"household {order.household} is not served: {reason}"
        elif when > order.deadline + 1e-6:
            why = f"at the door at {hhmm(when)}, after {hhmm(order.deadline)}"
        else:
            continue
        out.append(Missed(kind="order", id=order.id, reason=why))
    for t in district.transports:
        legs = {leg.back: leg for leg in outcome.day.legs if leg.transport == t.id}
        there = legs.get(False)
        if there is None or there.dropped_s > t.deadline + 1e-6:
            why = (f"no vehicle with seats can take the patient from {t.compound} at "
                   f"{hhmm(t.ready)} to {t.hospital} by {hhmm(t.deadline)}")
        elif t.back_from is not None and True not in legs:
            why = f"no vehicle with seats can bring the patient back from {hhmm(t.back_from)}"
        else:
            continue
        out.append(Missed(kind="transport", id=t.id, reason=why))
    return out
