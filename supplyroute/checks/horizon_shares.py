"""A day's allocation argued again: the orders filled from the gate's stock, the rations'
fill household by household, and what follows from it.

The planner shares each ration category out by a documented fill (docs/formats.md, "How
a cycle is planned", step 3): urgent and vulnerable households first, whole units up to
the need of the item with the most kg left (soonest to expire on ties), then the
smallest unit in stock until the need is met. When every household reaches its need in
every category the day is ``enough`` and that fill is what the bags hold; otherwise the
short categories go to CP-SAT. This module makes the fill again with its own arithmetic
from the stock the checker recomputed (:meth:`HorizonSupplies.stock`), and so argues
every allocation figure: the status (``enough`` or short), the bags of an ``enough``
day, each delivery's coverage and its ``short`` note, the day's smallest coverage
shares and the solve time. Whether CP-SAT proved each stage (``optimal``) or stopped at
its limit (``feasible``) is not proved again here; the fairness rule checks that no
short household is left without an item that suits it at the gate.

The stated bound on the smallest share (``min_coverage_bound``) is argued again with
this module's own arithmetic: it may not be below the share reached, an ``optimal``
status needs the share to meet it, and the share reached may not pass what the stock
allows at all: per short category, the grams at the gate (rations and orders) over the
households' needs, urgent and vulnerable households keeping their share; 0 when a
household has nothing that suits it, or when fewer units than households have none
ordered (pigeonhole). That last bound ignores whole units, so it can be above the true
optimum: it refutes a share, never an ``optimal`` below it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from supplyroute.checks.horizon_rules import COVERAGE_TOLERANCE, NOT_PACKED, HorizonRule
from supplyroute.checks.violations import Checker
from supplyroute.models import Household, Priority
from supplyroute.models.cycle import CycleScenario, Item
from supplyroute.models.horizon import DayPlan, HouseholdDelivery


@dataclass
class _Claim:
    """A due household's claim on the day's rations, in grams per category."""

    household: str
    priority: bool
    need_g: dict[str, int]
    items: dict[str, tuple[str, ...]]  #: per category, the items that suit it, freshest last


@dataclass
class _DayFill:
    """The day's orders and rations as the documented fill gives them."""

    ordered: dict[str, dict[str, int]] = field(default_factory=dict)
    order_short: dict[str, list[str]] = field(default_factory=dict)
    rations: dict[str, dict[str, int]] = field(default_factory=dict)
    short: list[str] = field(default_factory=list)  #: categories the fill leaves short
    pool: dict[str, int] = field(default_factory=dict)  #: units left for rations
    claims: list[_Claim] = field(default_factory=list)


class HorizonShares(Checker):
    """The horizon checker's allocation steps, a part of
    :class:`~supplyroute.checks.horizon._HorizonChecker`, which sets the attributes."""

    cs: CycleScenario
    days: list[tuple[int, DayPlan]]
    items: dict[str, Item]
    households: dict[str, Household]
    opened: dict[int, dict[str, int]]
    freshness: dict[int, dict[str, float]]

    def unit_g(self, item: str) -> int:
        return round(self.items[item].unit_kg * 1000)

    def priority(self, hid: str) -> bool:
        return self.households[hid].priority is not Priority.STANDARD

    def fill(self, day: DayPlan) -> _DayFill:
        """Orders first (urgent and vulnerable households first, then the day's order),
        each line what the stock holds; then each ration category's fill."""
        out = _DayFill()
        left = dict(self.opened.get(day.day, {}))
        index = {x.household: i for i, x in reversed(list(enumerate(day.deliveries)))}
        lines: dict[str, list[tuple[str, int]]] = defaultdict(list)
        unpacked = self.unpacked(day)
        for o in self.cs.orders:
            if o.day + 1 == day.day and o.household in self.households \
                    and o.household not in unpacked:
                lines[o.household] += [(line.item, line.units) for line in o.items]
        for hid in sorted(lines, key=lambda h: (not self.priority(h),
                                                index.get(h, math.inf))):
            for item, units in lines[hid]:
                got = min(units, left.get(item, 0))
                left[item] = left.get(item, 0) - got
                if got:
                    out.ordered.setdefault(hid, {})
                    out.ordered[hid][item] = out.ordered[hid].get(item, 0) + got
                if got < units:
                    out.order_short.setdefault(hid, []).append(
                        f"ordered {units} x {item}, {got} in stock")
        claims = sorted(self.claims(day), key=lambda c: not c.priority)
        out.pool, out.claims = dict(left), claims
        out.rations = {c.household: {} for c in claims}
        for category in sorted({cat for c in claims for cat in c.need_g}):
            wanting = [c for c in claims if c.need_g.get(category)]
            got_units, grams = self.round_robin(wanting, category, left)
            if all(grams[c.household] >= c.need_g[category] for c in wanting):
                for c in wanting:
                    for item, n in got_units[c.household].items():
                        out.rations[c.household][item] = \
                            out.rations[c.household].get(item, 0) + n
                        left[item] -= n
            else:
                out.short.append(category)
        return out

    def unpacked(self, day: DayPlan) -> set[str]:
        """Deliveries the packing staff could not reach: they take no share of the
        stock (what would have been theirs goes to those packed)."""
        return {x.household for x in day.deliveries
                if not x.bags and x.short and NOT_PACKED in x.short}

    def claims(self, day: DayPlan) -> list[_Claim]:
        """Each delivery with days to cover: its need per category (grams) and the
        items that suit it, soonest to expire first."""
        cs, fresh = self.cs, self.freshness.get(day.day, {})
        out = []
        unpacked = self.unpacked(day)
        for x in day.deliveries:
            if x.days_covered <= 0 or x.household not in self.households \
                    or x.household in unpacked:
                continue
            residents = self.households[x.household].residents
            need = {c: round(kg * residents * x.days_covered * 1000)
                    for c, kg in cs.rations_of(x.household).items()}
            items = {c: tuple(sorted((i.id for i in cs.catalogue
                                      if i.category == c and cs.suits(i, x.household)),
                                     key=lambda i: fresh.get(i, math.inf)))
                     for c in need}
            out.append(_Claim(x.household, self.priority(x.household), need, items))
        return out

    def round_robin(self, claims: list[_Claim], category: str, left: dict[str, int]
                    ) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
        """The fill of one category: whole units within the need, the item with the most
        kg left first; then the smallest unit in stock until the need is met."""
        pool = dict(left)
        got: dict[str, dict[str, int]] = {c.household: {} for c in claims}
        grams = dict.fromkeys(got, 0)
        for c in claims:
            need, items = c.need_g[category], c.items.get(category, ())
            rank = {item: r for r, item in enumerate(items)}
            while True:
                fitting = [i for i in items if pool.get(i, 0) > 0
                           and grams[c.household] + self.unit_g(i) <= need]
                if not fitting:
                    break
                item = max(fitting, key=lambda i: (pool[i] * self.unit_g(i), -rank[i]))
                pool[item] -= 1
                got[c.household][item] = got[c.household].get(item, 0) + 1
                grams[c.household] += self.unit_g(item)
        for c in claims:
            while grams[c.household] < c.need_g[category]:
                stocked = [i for i in c.items.get(category, ()) if pool.get(i, 0) > 0]
                if not stocked:
                    break
                item = min(stocked, key=self.unit_g)
                pool[item] -= 1
                got[c.household][item] = got[c.household].get(item, 0) + 1
                grams[c.household] += self.unit_g(item)
        return got, grams

    # The allocation of each day.
    def allocations(self) -> None:
        for d_i, day in self.days:
            if day.day not in self.opened:
                continue
            fill = self.fill(day)
            where = f"days[{d_i}].allocation"
            a = day.allocation
            if a.status == "enough" and fill.short:
                self.flag(HorizonRule.ALLOCATION, f"{where}.status",
                          f"stated enough, but the fill leaves some household short of "
                          f"{', '.join(fill.short)}")
            elif a.status != "enough" and not fill.short:
                self.flag(HorizonRule.ALLOCATION, f"{where}.status",
                          f"stated {a.status}, but the stock covers every household's need "
                          "in every category")
            if a.solve_s is not None and (a.status == "enough" or not a.solve_s >= 0):
                self.flag(HorizonRule.ALLOCATION, f"{where}.solve_s",
                          f"stated {a.solve_s}: none when nothing was short, else at least 0")
            covers = self.deliveries(d_i, day, fill)
            for name, only in (("min_coverage", False), ("min_coverage_priority", True)):
                value = round(min((c for hid, c in covers.items()
                                   if not only or self.priority(hid)), default=1.0), 4)
                stated = getattr(a, name)
                if not abs(stated - value) <= COVERAGE_TOLERANCE:
                    self.flag(HorizonRule.ALLOCATION, f"{where}.{name}",
                              f"stated {stated}, the deliveries' coverage gives {value}")
            self.bound(where, day, fill, covers)

    def bound(self, where: str, day: DayPlan, fill: _DayFill,
              covers: dict[str, float]) -> None:
        """The smallest share as shared out and its stated bound, argued again."""
        a = day.allocation
        if a.status == "enough" or not fill.short:
            for name in ("min_coverage_shared", "min_coverage_bound"):
                if getattr(a, name) is not None:
                    self.flag(HorizonRule.ALLOCATION, f"{where}.{name}",
                              f"stated {getattr(a, name)} on a day with enough stock: none")
            return
        unpacked = {x.household for x in day.deliveries if x.short and NOT_PACKED in x.short}
        packed = {h: c for h, c in covers.items() if h not in unpacked}
        shared = a.min_coverage_shared
        if shared is not None and packed and shared > min(packed.values()) + COVERAGE_TOLERANCE:
            self.flag(HorizonRule.ALLOCATION, f"{where}.min_coverage_shared",
                      f"stated {shared}, above the smallest coverage packed "
                      f"({min(packed.values()):.4f})")
        reached = shared if shared is not None else min(packed.values(), default=1.0)
        stated = a.min_coverage_bound
        if stated is not None:
            if not 0 <= stated <= 1:
                self.flag(HorizonRule.ALLOCATION, f"{where}.min_coverage_bound",
                          f"stated {stated}: a share between 0 and 1")
            elif reached > stated + 1 / 1000 + COVERAGE_TOLERANCE:
                self.flag(HorizonRule.ALLOCATION, f"{where}.min_coverage_bound",
                          f"stated {stated}, below the smallest share reached ({reached})")
            elif a.status == "optimal" and reached < stated - COVERAGE_TOLERANCE:
                self.flag(HorizonRule.ALLOCATION, f"{where}.status",
                          f"stated optimal, but the smallest share reached ({reached}) is "
                          f"below the stated bound {stated}")
        most, why = self.stock_bound(day, fill, packed)
        if reached > most + COVERAGE_TOLERANCE:
            self.flag(HorizonRule.ALLOCATION, f"{where}.min_coverage_shared",
                      f"the smallest share reached ({reached}) is more than the stock "
                      f"allows: {why}")

    def stock_bound(self, day: DayPlan, fill: _DayFill, packed: dict[str, float]
                    ) -> tuple[float, str]:
        """An upper bound on the smallest share of the packed households, over the short
        categories: grams at the gate over needs, floors held; 0 by pigeonhole."""
        ordered = fill.ordered
        p = min((c for h, c in packed.items() if self.priority(h)), default=0.0)
        most, why = 1.0, "nothing short"
        for category in fill.short:
            claims = [c for c in fill.claims if c.need_g.get(category)
                      and c.household in packed]
            if not claims:
                continue
            items = {i for c in claims for i in c.items.get(category, ())
                     if fill.pool.get(i, 0) > 0}
            bare = [c for c in claims if not any(
                i in self.items and self.items[i].category == category
                for i in ordered.get(c.household, {}))]
            units = sum(fill.pool[i] for i in items)
            grams = sum(fill.pool[i] * self.unit_g(i) for i in items) + sum(
                n * self.unit_g(i) for c in claims
                for i, n in ordered.get(c.household, {}).items()
                if i in self.items and self.items[i].category == category)
            if any(not any(fill.pool.get(i, 0) > 0 for i in c.items.get(category, ()))
                   for c in bare):
                value, reason = 0.0, f"{category}: some household has nothing that suits it"
            elif units < len(bare):
                value, reason = 0.0, (f"{category}: {units} units for {len(bare)} households "
                                      "with none ordered")
            else:
                floors = [(p if c.priority else 0.0, c.need_g[category]) for c in claims]
                low, high = 0.0, 1.0
                if sum(f * n for f, n in floors) > grams:
                    high = 0.0
                for _ in range(60):
                    mid = (low + high) / 2
                    if sum(max(f, mid) * n for f, n in floors) <= grams:
                        low = mid
                    else:
                        high = mid
                value = high
                reason = (f"{category}: {grams / 1000:g} kg at the gate for "
                          f"{sum(n for _, n in floors) / 1000:g} kg of need")
            if value < most:
                most, why = value, reason
        return most, why

    def deliveries(self, d_i: int, day: DayPlan, fill: _DayFill) -> dict[str, float]:
        """Each delivery's coverage, short note and (on an ``enough`` day) bags against
        the fill; the coverage of each delivery with rations, by household."""
        covers: dict[str, float] = {}
        enough = not fill.short
        not_packed = self.unpacked(day)
        for x_i, x in enumerate(day.deliveries):
            if x.household not in self.households:
                continue
            where = f"days[{d_i}].deliveries[{x_i}]"
            packed: dict[str, int] = defaultdict(int)
            for b in x.bags:
                for u in b.contents:
                    if u.item in self.items:
                        packed[u.item] += u.units
            expected = dict(fill.ordered.get(x.household, {}))
            for item, n in fill.rations.get(x.household, {}).items():
                expected[item] = expected.get(item, 0) + n
            if enough and x.bags and dict(packed) != expected:
                self.flag(HorizonRule.ALLOCATION, f"{where}.bags",
                          f"hold {dict(sorted(packed.items()))}; with enough stock the fill "
                          f"and the orders give {dict(sorted(expected.items()))}")
            unpacked = None if not enough else (not x.bags and bool(expected))
            if x.household in not_packed:
                unpacked = True  # it took no share: nothing else can be said of it
            cover, reasons = self.coverage(x, packed, fill.order_short.get(x.household, []))
            self.short_note(where, x, reasons, fill.order_short.get(x.household, []),
                            unpacked)
            if x.days_covered <= 0:
                if x.shares or x.coverage != 1:
                    self.flag(HorizonRule.RATION, where,
                              f"an order alone (no days covered) has shares {len(x.shares)} "
                              f"and coverage {x.coverage}: no rations, coverage 1")
            elif self.cs.rations_of(x.household):
                covers[x.household] = cover
        return covers

    def coverage(self, x: HouseholdDelivery, packed: dict[str, int], order_short: list[str]
                 ) -> tuple[float, list[str]]:
        """The delivery's coverage (0 when nothing was packed) and its short note's parts
        when it was packed."""
        reasons = list(order_short)
        if x.days_covered <= 0:
            return 1.0, reasons
        residents = self.households[x.household].residents
        by_category = {}
        for c, kg in self.cs.rations_of(x.household).items():
            need_g = round(kg * residents * x.days_covered * 1000)
            got_g = sum(n * self.unit_g(i) for i, n in packed.items()
                        if self.items[i].category == c)
            by_category[c] = min(1.0, got_g / need_g) if need_g else 1.0
            if got_g < need_g:
                reasons.append(f"{c}: {got_g / 1000:g} of {need_g / 1000:g} kg "
                               "(stock short, shared fairly)")
        return min(by_category.values(), default=1.0), reasons

    def short_note(self, where: str, x: HouseholdDelivery, reasons: list[str],
                   order_short: list[str], unpacked: bool | None) -> None:
        """``short`` says exactly why: the orders out of stock, then either the bags not
        packed or each category below its need; nothing when it got all."""
        stated = x.short.split("; ") if x.short else []
        not_packed = [*order_short, NOT_PACKED]
        if x.bags or unpacked is False:
            allowed = [reasons]
        elif unpacked:
            allowed = [not_packed]
        else:  # no bags on a short day: not packed, or nothing in stock for it
            allowed = [reasons, not_packed]
        if stated not in allowed:
            self.flag(HorizonRule.RATION, f"{where}.short",
                      f"says {x.short!r}; the bags and the stock give "
                      f"{'; '.join(allowed[0]) or None!r}")
