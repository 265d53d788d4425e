"""Planning a supply cycle: every day's bags, packing, rounds, and who does the climbing.

For each day, in order (stock carries over): open the day's stock (expired lots out,
arrivals and donations in); fill the day's orders; share the rest out by the rations
(:mod:`supplyroute.supplies.allocate`: enough for everyone, or a proven fair split when
short); pack every household's share into bags (:mod:`supplyroute.supplies.bags`);
schedule the packing staff into release batches; and build the delivery round. Then
every day's delivery round is planned by the doorstep planner (days in parallel where
``workers`` allow), interchangeable volunteers swap days so that the same people do not
climb the tall walk-ups every day, and each day's garbage round is planned after its
deliveries. The result holds every day's doorstep scenarios and plans and the horizon
plan that summarises them.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from supplyroute.clock import hhmm
from supplyroute.compound.travel import Travel
from supplyroute.cycles.calendar import Calendar, make_calendar
from supplyroute.cycles.days import delivery_scenario, garbage_scenario
from supplyroute.cycles.rounds import plan_rounds
from supplyroute.models import Plan, Priority, Scenario
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.digest import scenario_sha256
from supplyroute.models.horizon import (
    Allocation,
    CategoryShare,
    DayPlan,
    Fairness,
    HorizonPlan,
    HorizonSummary,
    HouseholdDelivery,
    NotServed,
    PackedBag,
    ReleaseBatch,
    RoundSummary,
    VolunteerLoad,
)
from supplyroute.planner import PlanOptions
from supplyroute.rounds.budget import Interrupted, reclaim_sigint
from supplyroute.supplies.allocate import Claim, Share, coverage, share_out
from supplyroute.supplies.bags import pack, split_weight
from supplyroute.supplies.packing_line import Batch, pack_line
from supplyroute.supplies.stock import Stock

log = logging.getLogger("supplyroute.cycle")

#: Of a day's time limit, the share the delivery round gets (the garbage round the rest).
DELIVERY_SHARE = 2 / 3


@dataclass(frozen=True)
class CycleProgress:
    elapsed_s: float
    stage: str
    day: int | None = None


@dataclass(frozen=True)
class CycleOptions:
    """How to plan a cycle. ``time_limit_s`` is per day (both rounds together)."""

    time_limit_s: float = 10.0
    deterministic: bool = False
    workers: int = 1  #: days planned in parallel processes.
    allocation_time_limit_s: float = 30.0  #: per short day, CP-SAT's limit.
    #: The share of each round's search to make (:attr:`PlanOptions.effort`): quicker
    #: rounds, in deterministic mode too (many generated cycles in the tests).
    round_effort: float = 1.0
    progress: Callable[[CycleProgress], None] | None = None
    #: Asked as the cycle is planned: True ends it with the days planned so far, marked
    #: ``interrupted`` (the command line's Ctrl-C).
    stop: Callable[[], bool] | None = None

    def __post_init__(self) -> None:
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")


@dataclass
class DayRounds:
    """One day's doorstep scenarios and plans (None where there is no such round)."""

    delivery: tuple[Scenario, Plan] | None = None
    garbage: tuple[Scenario, Plan] | None = None
    picklist: str = ""


@dataclass
class CycleResult:
    horizon: HorizonPlan
    rounds: list[DayRounds] = field(default_factory=list)


def plan_cycle(cs: CycleScenario, options: CycleOptions | None = None) -> CycleResult:
    """Plan every day of ``cs``; see the module's docstring. Asked to stop
    (``options.stop``), it hands over the first days that have all their rounds (those
    cut short marked interrupted in their plans), the horizon marked ``interrupted``;
    :class:`~supplyroute.rounds.budget.Interrupted` if not even the first day has them."""
    options = options or CycleOptions()
    started = time.monotonic()

    def tell(stage: str, day: int | None = None) -> None:
        if options.progress is not None:
            options.progress(CycleProgress(round(time.monotonic() - started, 1), stage, day))

    travel = Travel(cs.compound)
    calendar = make_calendar(cs, travel)
    tell("calendar")
    drafts = _drafts(cs, calendar, options, tell)
    delivery_limit = options.time_limit_s * (DELIVERY_SHARE if cs.garbage else 1.0)
    scenarios = [d.scenario for d in drafts]
    plans = plan_rounds(scenarios, _round_options(delivery_limit, options), options.workers,
                        tell, "delivery round")
    kept = _complete_days(scenarios, plans)
    drafts, scenarios, plans = drafts[:kept], scenarios[:kept], plans[:kept]
    garbage_scenarios, garbage_plans, no_time = _garbage_rounds(cs, calendar, scenarios, plans,
                                                                options, tell)
    kept = _complete_days(garbage_scenarios, garbage_plans)
    if kept == 0:
        raise Interrupted("stopped before the first day's rounds had a plan")
    del scenarios[kept:], plans[kept:], garbage_scenarios[kept:], garbage_plans[kept:]
    relabels = _relabel_days(cs, scenarios, plans, garbage_scenarios, garbage_plans)
    rounds = []
    days = []
    for day, draft in enumerate(drafts[:kept]):
        planned = plans[day]
        rounds.append(DayRounds(
            delivery=((scenarios[day], planned)  # type: ignore[arg-type]
                      if scenarios[day] is not None and planned is not None else None),
            garbage=((garbage_scenarios[day], garbage_plans[day])
                     if garbage_scenarios[day] is not None and garbage_plans[day] is not None
                     else None),
            picklist=picklist(cs, day, draft, planned),
        ))
        days.append(_day_plan(cs, day, draft, calendar, rounds[-1], relabels[day],
                              no_time[day]))
    solve_s = None if options.deterministic else round(time.monotonic() - started, 3)
    totals = _totals(rounds)
    summary = _summary(days, rounds, totals, solve_s, _alike_floors(cs, totals, len(days)))
    if options.stop is not None and options.stop():
        summary = summary.model_copy(update={"interrupted": True})
    horizon = HorizonPlan(scenario=cs.name, summary=summary, days=tuple(days),
                          volunteers=tuple(_loads(cs, totals)),
                          scenario_sha256=scenario_sha256(cs))
    tell("done")
    return CycleResult(horizon, rounds)


def _drafts(cs: CycleScenario, calendar: Calendar, options: CycleOptions,
            tell: Callable[[str, int | None], None]) -> list[_Draft]:
    """Every day's supplies, day after day (stock carries over); asked to stop, the
    days drafted so far."""
    stock = Stock(cs)
    drafts = []
    for day in range(cs.days):
        if options.stop is not None and options.stop():
            break
        drafts.append(_supply_day(cs, calendar, stock, day, options))
        reclaim_sigint()  # CP-SAT, sharing out a short stock, leaves Ctrl-C as it likes
        tell("bags packed", day)
    return drafts


def _complete_days(scenarios: list[Scenario | None], plans: list[Plan | None]) -> int:
    """How many days from the first have their round planned (or need none)."""
    for day, (scenario, planned) in enumerate(zip(scenarios, plans, strict=True)):
        if scenario is not None and planned is None:
            return day
    return len(scenarios)


def _relabel_days(cs: CycleScenario, scenarios: list[Scenario | None],
                  plans: list[Plan | None], garbage_scenarios: list[Scenario | None],
                  garbage_plans: list[Plan | None]) -> list[dict[str, str]]:
    """Swap interchangeable volunteers' days, the day's heaviest climbing (delivery
    and garbage rounds together: a volunteer's day is both) to whoever has climbed
    least so far; with rotating carts, a group's carts go round too. The days'
    scenarios and plans are renamed in place; each day's renaming is returned."""
    climbed: dict[str, float] = {v.id: 0.0 for v in cs.compound.volunteers}
    order = {v.id: i for i, v in enumerate(cs.compound.volunteers)}
    relabels: list[dict[str, str]] = []
    for day, (scenario, planned) in enumerate(zip(scenarios, plans, strict=True)):
        if scenario is None or planned is None:
            relabels.append({})
            continue
        floors = _floors(planned, garbage_plans[day])
        mapping = _relabel(scenario, floors, climbed, cs.rotate_carts)
        renamed = _renamed_scenario(scenario, mapping, order)
        scenarios[day] = renamed
        plans[day] = _renamed(planned, mapping, renamed)
        g_scenario, g_plan = garbage_scenarios[day], garbage_plans[day]
        if g_scenario is not None and g_plan is not None:
            garbage_scenarios[day] = _renamed_scenario(g_scenario, mapping, order)
            garbage_plans[day] = _renamed(g_plan, mapping, garbage_scenarios[day])
        relabels.append({a: b for a, b in mapping.items() if a != b})
        for vid, f in floors.items():
            climbed[mapping.get(vid, vid)] += f
    return relabels


def _floors(*plans: Plan | None) -> dict[str, float]:
    """Floors climbed per planned volunteer over the day's rounds."""
    out: dict[str, float] = {}
    for planned in plans:
        for vp in planned.volunteers if planned is not None else ():
            out[vp.volunteer] = out.get(vp.volunteer, 0.0) + vp.floors_climbed
    return out


def _garbage_rounds(cs: CycleScenario, calendar: Calendar, scenarios: list[Scenario | None],
                    plans: list[Plan | None], options: CycleOptions,
                    tell: Callable[[str, int | None], None]
                    ) -> tuple[list[Scenario | None], list[Plan | None], list[list[NotServed]]]:
    """Each day's garbage round after its deliveries: its scenario and plan (None: no
    round that day, or none planned before the stop), and the homes no one has time
    left to collect from."""
    days = len(scenarios)
    garbage_scenarios: list[Scenario | None] = [None] * days
    no_time: list[list[NotServed]] = [[] for _ in range(days)]
    if cs.garbage is None:
        return garbage_scenarios, [None] * days, no_time
    limit_g = round(cs.bag_limit_kg() * 1000)
    for day in range(days):
        pickups = {
            hid: split_weight("garbage", round(
                cs.compound.household_by_id[hid].residents
                * cs.garbage.kg_per_resident_day * cs.garbage.every_days * 1000), limit_g)
            for hid in calendar.garbage[day]
        }
        if pickups:
            garbage_scenarios[day], no_time[day] = garbage_scenario(
                cs, day, pickups, plans[day], scenarios[day])
    limit_s = options.time_limit_s - options.time_limit_s * DELIVERY_SHARE  # as ever
    garbage_plans = plan_rounds(garbage_scenarios, _round_options(limit_s, options),
                                options.workers, tell, "garbage round")
    return garbage_scenarios, garbage_plans, no_time


@dataclass
class _Draft:
    """A day before its rounds are planned."""

    deliveries: list[HouseholdDelivery]
    visits: list[str]
    share: Share
    batches: list[Batch]
    scenario: Scenario | None
    stock: tuple
    bags: dict[str, list[PackedBag]]


def _supply_day(cs: CycleScenario, calendar: Calendar, stock: Stock, day: int,
                options: CycleOptions) -> _Draft:
    """A day's supplies up to its round: orders filled, rations shared out, bags packed
    and batched on the packing line, stock taken, and the delivery scenario built."""
    compound = cs.compound
    on_hand = stock.open_day(day)
    unit_g = {i.id: round(i.unit_kg * 1000) for i in cs.catalogue}
    category_of = {i.id: i.category for i in cs.catalogue}
    due = calendar.deliveries[day]
    priority = {hid for hid in due
                if compound.household_by_id[hid].priority is not Priority.STANDARD}
    all_claims = _ration_claims(cs, calendar, day, _freshness(stock), priority)
    claim_of = {c.household: c for c in all_claims}
    # Households the packing staff cannot reach take no share: what would have been
    # theirs goes to those packed (shared again until everyone shared to is packed).
    unpacked: list[str] = []
    while True:
        left = dict(on_hand)
        packable = [hid for hid in due if hid not in unpacked]
        ordered, order_short = _fill_orders(
            {h: o for h, o in calendar.orders[day].items() if h not in unpacked},
            left, packable, priority)
        claims = [c for c in all_claims if c.household not in unpacked]
        share = share_out(claims, left, unit_g, category_of,
                          options.allocation_time_limit_s, options.deterministic)
        bags, contents = _pack_households(cs, packable, share, ordered, unit_g, category_of)
        batches, more = pack_line(_packing_order(compound, bags, priority), cs.packing)
        if not more:
            break
        unpacked += more
        reclaim_sigint()
    for units in contents.values():
        for item, n in units.items():
            stock.take(item, n)
    deliveries = [_household_delivery(hid, calendar.next_delivery[day, hid], claim_of.get(hid),
                                      contents.get(hid, {}), bags.get(hid, []),
                                      hid in unpacked, order_short.get(hid, []),
                                      unit_g, category_of)
                  for hid in due]
    # A ledger household due a delivery that gets nothing still gets its daily visit.
    missed = {hid for hid in due if hid not in bags and cs.visits_daily(hid)}
    visits = [hid for hid in calendar.deliveries[day] + calendar.visits[day]
              if hid in missed or hid in calendar.visits[day]]
    scenario = (delivery_scenario(cs, day, bags, visits, batches) if bags or visits
                else None)  # nothing to carry that day: no round
    return _Draft(deliveries, visits, share, batches, scenario, stock.ledger(), bags)


def _fill_orders(orders: dict[str, list[tuple[str, int]]], on_hand: dict[str, int],
                 due: list[str], priority: set[str]
                 ) -> tuple[dict[str, dict[str, int]], dict[str, list[str]]]:
    """Fill the day's orders (bought by the household) from ``on_hand``, urgent and
    vulnerable first: the units each household gets, and what each was short of."""
    ordered: dict[str, dict[str, int]] = {}
    order_short: dict[str, list[str]] = {}
    for hid in sorted(orders, key=lambda h: (h not in priority, due.index(h))):
        for item, units in orders[hid]:
            got = min(units, on_hand[item])
            on_hand[item] -= got
            if got:
                ordered.setdefault(hid, {})
                ordered[hid][item] = ordered[hid].get(item, 0) + got
            if got < units:
                order_short.setdefault(hid, []).append(
                    f"ordered {units} x {item}, {got} in stock")
    return ordered, order_short


def _ration_claims(cs: CycleScenario, calendar: Calendar, day: int,
                   freshness: dict[str, float], priority: set[str]) -> list[Claim]:
    """Each due household's claim on the rations: grams per category for its residents
    until its next delivery, and the items that suit it, soonest to expire first."""
    claims = []
    for hid in calendar.deliveries[day]:
        days_covered = calendar.next_delivery[day, hid]
        if days_covered == 0:
            continue
        residents = cs.compound.household_by_id[hid].residents
        need = {c: round(kg * residents * days_covered * 1000)
                for c, kg in cs.rations_of(hid).items()}
        items = {c: tuple(sorted((i.id for i in cs.catalogue
                                  if i.category == c and cs.suits(i, hid)),
                                 key=lambda i: freshness.get(i, math.inf)))
                 for c in need}
        claims.append(Claim(hid, hid in priority, need, items))
    return claims


def _pack_households(cs: CycleScenario, due: list[str], share: Share,
                     ordered: dict[str, dict[str, int]], unit_g: dict[str, int],
                     category_of: dict[str, str]
                     ) -> tuple[dict[str, list[PackedBag]], dict[str, dict[str, int]]]:
    """Each due household's bags, packed from its ration share and its orders, and the
    units they hold (households that get nothing are left out)."""
    limit_g = round(cs.bag_limit_kg() * 1000)
    bags: dict[str, list[PackedBag]] = {}
    contents: dict[str, dict[str, int]] = {}
    for hid in due:
        units = dict(share.units.get(hid, {}))
        for item, n in ordered.get(hid, {}).items():
            units[item] = units.get(item, 0) + n
        if units:
            contents[hid] = units
            bags[hid] = pack(units, unit_g, category_of, limit_g)
    return bags, contents


def _household_delivery(hid: str, days_covered: int, claim: Claim | None,
                        units: dict[str, int], bags: list[PackedBag], unpacked: bool,
                        order_short: list[str], unit_g: dict[str, int],
                        category_of: dict[str, str]) -> HouseholdDelivery:
    """What a due household gets: its bags, how much of each ration category they
    cover, and why it is short (orders out of stock, not packed, stock shared fairly)."""
    shares: list[CategoryShare] = []
    cover = 1.0
    reasons = list(order_short)
    if unpacked:
        reasons.append("not packed: the packing shifts end before its bags")
    if claim is not None:
        # ``units``: rations and orders alike
        by_category = coverage(claim, units, unit_g, category_of)
        for c, need_g in claim.need_g.items():
            packed_g = sum(n * unit_g[i] for i, n in units.items() if category_of[i] == c)
            shares.append(CategoryShare(category=c, need_kg=need_g / 1000,
                                        packed_kg=packed_g / 1000))
            if by_category[c] < 1 and not unpacked:
                reasons.append(f"{c}: {packed_g / 1000:g} of {need_g / 1000:g} kg "
                               "(stock short, shared fairly)")
        cover = min(by_category.values(), default=1.0) if not unpacked else 0.0
    return HouseholdDelivery(
        household=hid,
        days_covered=days_covered,
        bags=tuple(bags),
        shares=tuple(shares),
        coverage=round(cover, 4),
        short="; ".join(reasons) or None,
    )


def _freshness(stock: Stock) -> dict[str, float]:
    """Per item, the day its oldest lot expires (hand those out first)."""
    return {item: min((lot.expires_day for lot in lots if lot.expires_day is not None),
                      default=math.inf)
            for item, lots in stock.lots.items()}


def _packing_order(compound: Scenario, bags: dict[str, list[PackedBag]],
                   priority: set[str]) -> list[tuple[str, int]]:
    """Urgent and vulnerable first; then stairwell by stairwell, alternating buildings,
    so that every group's first loads are ready first."""
    rank: dict[str, tuple[int, int]] = {}
    for b_i, b in enumerate(compound.buildings):
        for s_i, w in enumerate(b.stairwells):
            rank[w.id] = (s_i, b_i)
    index = {h.id: i for i, h in enumerate(compound.households)}

    def key(hid: str) -> tuple:
        h = compound.household_by_id[hid]
        return (hid not in priority, rank[h.stairwell], index[hid])

    return [(hid, len(bags[hid])) for hid in sorted(bags, key=key)]


def _round_options(limit_s: float, options: CycleOptions) -> PlanOptions:
    return PlanOptions(time_limit_s=max(1.0, limit_s), deterministic=options.deterministic,
                       stop=options.stop, effort=options.round_effort)


def _relabel(scenario: Scenario, floors: dict[str, float], climbed: dict[str, float],
             rotate_carts: bool) -> dict[str, str]:
    """Planned volunteer id -> the interchangeable volunteer who takes that work.

    Volunteers are interchangeable when they differ in nothing but their id (and, with
    rotating carts, their cart): the same gate, zone, shift, skills and capacities."""
    classes: dict[str, list[str]] = {}
    for v in scenario.volunteers:
        key = v.model_dump_json(exclude={"id", "cart"} if rotate_carts else {"id"})
        classes.setdefault(key, []).append(v.id)
    mapping = {}
    for members in classes.values():
        work = sorted(members, key=lambda vid: (-floors.get(vid, 0), vid))
        people = sorted(members, key=lambda vid: (climbed.get(vid, 0.0), vid))
        mapping.update(zip(work, people, strict=True))
    return mapping


def _renamed_scenario(scenario: Scenario, mapping: dict[str, str],
                      order: dict[str, int]) -> Scenario:
    """The day's scenario with each planned volunteer's role (its cart, if any) under
    the id of the person who takes it, in the compound's order of people."""
    if all(a == b for a, b in mapping.items()):
        return scenario
    roles = sorted((v.model_copy(update={"id": mapping.get(v.id, v.id)})
                    for v in scenario.volunteers), key=lambda v: order[v.id])
    return scenario.with_changes(volunteers=tuple(roles))


def _renamed(planned: Plan, mapping: dict[str, str], scenario: Scenario) -> Plan:
    if all(a == b for a, b in mapping.items()):
        return planned
    order = {v.id: i for i, v in enumerate(scenario.volunteers)}
    volunteers = sorted((vp.model_copy(update={"volunteer": mapping.get(vp.volunteer,
                                                                        vp.volunteer)})
                         for vp in planned.volunteers), key=lambda vp: order[vp.volunteer])
    deliveries = tuple(d.model_copy(update={"volunteer": mapping.get(d.volunteer, d.volunteer)})
                       for d in planned.deliveries)
    return planned.model_copy(update={"volunteers": tuple(volunteers),
                                      "deliveries": deliveries,
                                      "scenario_sha256": scenario_sha256(scenario)})


def picklist(cs: CycleScenario, day: int, draft: _Draft, planned: Plan | None) -> str:
    """The packing staff's pick list: per release batch, building by building and
    stairwell by stairwell, households in the order the volunteers will load them."""
    compound = cs.compound
    loaded: dict[str, float] = {}
    if planned is not None:
        trips = {vp.volunteer: vp.trips for vp in planned.volunteers}
        for d in planned.deliveries:
            loaded[d.household] = trips[d.volunteer][d.trip].start_s
    names = {i.id: i.name or i.id for i in cs.catalogue}
    lines = [f"# Pick list, day {day + 1}: {cs.name}", ""]
    total = sum(b.bags for b in draft.batches)
    lines.append(f"{total} bags in {len(draft.batches)} batches at gate {cs.packing_gate()}.")
    for b_i, batch in enumerate(draft.batches):
        lines += ["", f"## Batch {b_i + 1}: {batch.bags} bags, packed by "
                  f"{_clock(batch.packed_s)}, released {_clock(max(0.0, batch.release_s))}", ""]
        by_well: dict[tuple[str, str], list[str]] = {}
        for hid in batch.households:
            h = compound.household_by_id[hid]
            building = compound.stairwell_building[h.stairwell].id
            by_well.setdefault((building, h.stairwell), []).append(hid)
        wells = sorted(by_well, key=lambda k: (min(loaded.get(h, math.inf) for h in by_well[k]),
                                               k))
        for building, stairwell in wells:
            lines.append(f"### {building} / {stairwell}")
            lines.append("")
            lines.append("| household | loads at | bag | kg | contents |")
            lines.append("|---|---|---|---|---|")
            for hid in sorted(by_well[building, stairwell],
                              key=lambda h: (loaded.get(h, math.inf), h)):
                at = _clock(loaded[hid]) if hid in loaded else "-"
                for bag in draft.bags[hid]:
                    items = "; ".join(f"{u.units} × {names[u.item]}" for u in bag.contents)
                    lines.append(f"| {hid} | {at} | {bag.kind} | {bag.weight_kg:g} | {items} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _clock(seconds: float) -> str:
    if seconds < 0:
        return f"{hhmm(seconds + 86400)} the day before"
    return hhmm(seconds)


def _round_summary(day: int, kind: str, scenario: Scenario, planned: Plan) -> RoundSummary:
    folder = f"day-{day + 1:02d}"
    s = planned.summary
    return RoundSummary(
        scenario_file=f"{folder}/{kind}.scenario.json",
        plan_file=f"{folder}/{kind}.plan.json",
        households=len(scenario.households),
        served=s.households_served,
        makespan_s=s.makespan_s,
        lower_bound_s=s.lower_bound_s,
        gap=s.gap,
        last_delivery_s=s.last_delivery_s,
    )


def _day_plan(cs: CycleScenario, day: int, draft: _Draft, calendar: Calendar,
              rounds: DayRounds, relabel: dict[str, str], no_time: list[NotServed]
              ) -> DayPlan:
    share = draft.share
    households_short = sum(1 for d in draft.deliveries if d.coverage < 1)
    no_collector = {x.household for x in no_time}
    return DayPlan(
        day=day,
        volunteers_on_duty=len(cs.on_duty(day)),
        deliveries=tuple(draft.deliveries),
        visits=tuple(draft.visits),
        garbage=tuple(h for h in calendar.garbage[day] if h not in no_collector),
        allocation=Allocation(
            status=share.status,  # type: ignore[arg-type]
            min_coverage=round(min((d.coverage for d in draft.deliveries if d.shares),
                                   default=1.0), 4),
            min_coverage_priority=round(min(
                (d.coverage for d in draft.deliveries if d.shares and cs.compound
                 .household_by_id[d.household].priority is not Priority.STANDARD),
                default=1.0), 4),
            households_short=households_short,
            solve_s=share.solve_s,
            min_coverage_shared=(None if share.status == "enough"
                                 else round(share.min_coverage, 4)),
            min_coverage_bound=(None if share.status == "enough"
                                else share.min_coverage_bound),
            bound_reasons=tuple(share.bound_reason.values()),
        ),
        stock=draft.stock,
        releases=tuple(ReleaseBatch(at=round(max(0.0, b.release_s), 2),
                                    packed_s=round(b.packed_s, 2), bags=b.bags,
                                    households=b.households) for b in draft.batches),
        work_s=round(sum(vp.busy_s for pair in (rounds.delivery, rounds.garbage)
                         if pair is not None for vp in pair[1].volunteers), 1),
        estimated_work_s=round(calendar.work_s[day], 1),
        delivery_round=(_round_summary(day, "delivery", *rounds.delivery)
                        if rounds.delivery else None),
        garbage_round=(_round_summary(day, "garbage", *rounds.garbage)
                       if rounds.garbage else None),
        picklist_file=f"day-{day + 1:02d}/picklist.md",
        relabel=relabel,
        not_served=(*calendar.not_served[day], *no_time),
    )


def _totals(rounds: list[DayRounds]) -> dict[str, list[float]]:
    """Per volunteer in any round's plan: days worked, floors, kg carried, busy seconds."""
    totals: dict[str, list[float]] = {}
    for day in rounds:
        worked: set[str] = set()
        for pair in (day.delivery, day.garbage):
            if pair is None:
                continue
            for vp in pair[1].volunteers:
                t = totals.setdefault(vp.volunteer, [0, 0, 0.0, 0.0])
                t[1] += vp.floors_climbed
                t[2] += sum(trip.carry_kg for trip in vp.trips)
                t[3] += vp.busy_s
                if vp.trips:
                    worked.add(vp.volunteer)
        for vid in worked:
            totals[vid][0] += 1
    return totals


def _loads(cs: CycleScenario, totals: dict[str, list[float]]) -> list[VolunteerLoad]:
    loads = []
    for v in cs.compound.volunteers:
        days, floors, kg, busy_s = totals.get(v.id, (0, 0, 0.0, 0.0))
        loads.append(VolunteerLoad(volunteer=v.id, days=int(days), floors_climbed=int(floors),
                                   carry_kg=round(kg, 1), hours=round(busy_s / 3600, 2)))
    return loads


def _ratio(values: list[float]) -> float:
    mean = statistics.fmean(values) if values else 0.0
    return round(max(values) / mean, 4) if mean > 0 else 1.0


def _alike_floors(cs: CycleScenario, totals: dict[str, list[float]], days: int) -> float:
    """The largest max/mean, over groups of volunteers who could swap days, of the
    floors each climbs per day on duty."""
    groups: dict[str, list[str]] = {}
    for v in cs.compound.volunteers:
        key = v.model_dump_json(exclude={"id", "cart"} if cs.rotate_carts else {"id"})
        groups.setdefault(key, []).append(v.id)
    duty = {vid: sum(vid in cs.on_duty(d) for d in range(days))
            for vid in cs.compound.volunteer_by_id}
    worst = 1.0
    for members in groups.values():
        rates = [totals.get(vid, [0, 0])[1] / duty[vid] for vid in members if duty[vid]]
        if len(rates) >= 2:
            worst = max(worst, _ratio(rates))
    return worst


def _summary(days: list[DayPlan], rounds: list[DayRounds], totals: dict[str, list[float]],
             solve_s: float | None, floors_alike: float) -> HorizonSummary:
    gaps = [d.delivery_round.gap for d in days
            if d.delivery_round is not None and d.delivery_round.gap is not None]
    unserved = sum(
        len(pair[1].unserved) for day in rounds for pair in (day.delivery, day.garbage)
        if pair is not None
    ) + sum(1 for d in days for x in d.not_served if not x.made_earlier(d.day))
    return HorizonSummary(
        days=len(days),
        deliveries=sum(len(d.deliveries) for d in days),
        visits=sum(len(d.visits) for d in days),
        garbage_pickups=sum(len(d.garbage) for d in days),
        busiest_day_over_mean=_ratio([d.work_s for d in days]),
        worst_gap=round(max(gaps), 4) if gaps else None,
        unserved=unserved,
        undelivered=sum(1 for d in days for x in d.deliveries if not x.bags),
        short_days=sum(1 for d in days if d.allocation.households_short),
        fairness=Fairness(
            floors_max_over_mean=_ratio([t[1] for t in totals.values()]),
            kg_max_over_mean=_ratio([t[2] for t in totals.values()]),
            hours_max_over_mean=_ratio([t[3] for t in totals.values()]),
            floors_alike_max_over_mean=floors_alike,
        ),
        solve_s=solve_s,
    )


