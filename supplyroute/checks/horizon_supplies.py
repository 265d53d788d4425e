"""The supplies of a supply cycle, checked day by day: the gate's stock recomputed lot by
lot, the diets, the bags and their contents, the rations and fair shares, the orders and
the packing staff's release batches.

Coordinators need it because the doorstep rounds only see bags: what is in them, whether
the gate had it (before it expired), whether it suits the household and covers its
ration as fairly as the stock allows, and whether the packers can have it ready when the
round says it is released, is checked here alone. :class:`HorizonSupplies` is a part of
the horizon checker (:mod:`supplyroute.checks.horizon`), which runs these steps after
the rounds, the cycle and the garbage.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from supplyroute.checks.horizon_rules import (
    COVERAGE_TOLERANCE,
    KG_TOLERANCE,
    NOT_PACKED,
    TIME_TOLERANCE_S,
    HorizonRule,
)
from supplyroute.checks.violations import Checker
from supplyroute.models import Household, Priority
from supplyroute.models.cycle import MEDICINE, PREVENTION, CycleScenario, Item
from supplyroute.models.horizon import DayPlan


@dataclass
class _Lot:
    units: int
    expires: int | None  #: thrown away at the start of this day (None: keeps).


class HorizonSupplies(Checker):
    """The horizon checker's supply steps (stock, bags and diets, rations, orders,
    packing), a part of :class:`~supplyroute.checks.horizon._HorizonChecker`, which sets
    the attributes below."""

    cs: CycleScenario
    days: list[tuple[int, DayPlan]]
    items: dict[str, Item]
    households: dict[str, Household]
    closing: dict[int, dict[str, int]]  #: day -> item -> units, recomputed by :meth:`stock`
    opened: dict[int, dict[str, int]]  #: day -> item -> units after expiry and arrivals
    freshness: dict[int, dict[str, float]]  #: day -> item -> its oldest lot's expiry day

    # 7. The gate's stock, recomputed lot by lot.
    def stock(self) -> None:
        cs = self.cs
        lots: dict[str, list[_Lot]] = {i.id: [] for i in cs.catalogue}
        for d_i, day in self.days:
            d = day.day
            opening = {i: sum(lot.units for lot in ls) for i, ls in lots.items()}
            expired = {}
            for item, ls in lots.items():
                kept = [lot for lot in ls if lot.expires is None or lot.expires > d]
                expired[item] = opening[item] - sum(lot.units for lot in kept)
                lots[item] = kept
            arrived: dict[str, int] = defaultdict(int)
            for a in cs.stock:
                if a.day != d or a.units == 0:
                    continue
                shelf = self.items[a.item].shelf_life_days
                lots[a.item].append(_Lot(a.units, d + shelf if shelf is not None else None))
                arrived[a.item] += a.units
            self.opened[d] = {i: sum(lot.units for lot in ls) for i, ls in lots.items()}
            self.freshness[d] = {i: min((lot.expires for lot in ls if lot.expires is not None),
                                        default=math.inf) for i, ls in lots.items()}
            used: dict[str, int] = defaultdict(int)
            for x in day.deliveries:
                for b in x.bags:
                    for u in b.contents:
                        used[u.item] += u.units
            for item in sorted(used):
                if item not in lots:
                    self.flag(HorizonRule.STOCK, f"days[{d_i}].deliveries",
                              f"item {item!r} is not in the catalogue")
                    continue
                ls = sorted(lots[item], key=lambda lot: (lot.expires is None, lot.expires or 0))
                left = used[item]
                on_hand = sum(lot.units for lot in ls)
                for lot in ls:
                    take = min(left, lot.units)
                    lot.units -= take
                    left -= take
                if left:
                    self.flag(HorizonRule.STOCK, f"days[{d_i}].stock",
                              f"{used[item]} units of {item!r} packed, {on_hand} on hand: "
                              "the stock goes negative")
                lots[item] = [lot for lot in ls if lot.units]
            closing = {i: sum(lot.units for lot in ls) for i, ls in lots.items()}
            self.closing[d] = closing
            lines = {}
            for l_i, line in enumerate(day.stock):
                where = f"days[{d_i}].stock[{l_i}]"
                if line.item not in lots:
                    self.flag(HorizonRule.STOCK, where, f"unknown item {line.item!r}")
                    continue
                if line.item in lines:
                    self.flag(HorizonRule.STOCK, where, f"item {line.item!r} listed twice")
                lines[line.item] = line
                if line.closing < 0:
                    self.flag(HorizonRule.STOCK, f"{where}.closing",
                              f"negative stock of {line.item!r}: {line.closing}")
                mine = {"opening": opening[line.item], "arrived": arrived[line.item],
                        "expired": expired[line.item], "used": used[line.item],
                        "closing": closing[line.item]}
                for name, value in mine.items():
                    if getattr(line, name) != value:
                        self.flag(HorizonRule.STOCK, f"{where}.{name}",
                                  f"stated {getattr(line, name)} units of {line.item!r}, "
                                  f"the lots give {value}")
            for item in lots:
                if item not in lines:
                    self.flag(HorizonRule.STOCK, f"days[{d_i}].stock",
                              f"no line for item {item!r}")

    def ordered(self, day: int) -> dict[str, dict[str, int]]:
        """household -> item -> units ordered the day before ``day``."""
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for o in self.cs.orders:
            if o.day + 1 == day:
                for line in o.items:
                    out[o.household][line.item] += line.units
        return out

    # 8 and 10. Diets and bags.
    def bags_and_diets(self) -> None:
        cs = self.cs
        limit = cs.bag_limit_kg()
        for d_i, day in self.days:
            ordered = self.ordered(day.day)
            for x_i, x in enumerate(day.deliveries):
                where = f"days[{d_i}].deliveries[{x_i}]"
                if x.household not in self.households:
                    self.flag(HorizonRule.BAGS, f"{where}.household",
                              f"unknown household {x.household!r}")
                    continue
                unsuited: dict[str, int] = defaultdict(int)
                for b_i, b in enumerate(x.bags):
                    bwhere = f"{where}.bags[{b_i}]"
                    weight = 0.0
                    for u in b.contents:
                        item = self.items.get(u.item)
                        if item is None:
                            self.flag(HorizonRule.BAGS, bwhere, f"unknown item {u.item!r}")
                            continue
                        weight += u.units * item.unit_kg
                        c = item.category
                        allowed = {"living": c not in (PREVENTION, MEDICINE),
                                   "prevention": c in (PREVENTION, MEDICINE),
                                   "medicine": c == MEDICINE}.get(b.kind)
                        if allowed is None:
                            self.flag(HorizonRule.BAGS, f"{bwhere}.kind",
                                      f"unknown bag kind {b.kind!r} for supplies")
                        elif not allowed:
                            self.flag(HorizonRule.BAGS, bwhere,
                                      f"a {b.kind} bag holds {u.item!r} ({c})")
                        if c not in (PREVENTION, MEDICINE) and \
                                not set(cs.settings[x.household].diets) <= set(item.diets):
                            unsuited[u.item] += u.units
                    if abs(weight - b.weight_kg) > KG_TOLERANCE:
                        self.flag(HorizonRule.BAGS, f"{bwhere}.weight_kg",
                                  f"stated {b.weight_kg} kg, the contents weigh {weight:.3f}")
                    if b.weight_kg > limit + 1e-9:
                        self.flag(HorizonRule.BAGS, f"{bwhere}.weight_kg",
                                  f"{b.weight_kg} kg, over the bag limit of {limit:g} kg")
                for item, n in sorted(unsuited.items()):
                    allowed_n = ordered.get(x.household, {}).get(item, 0)
                    if n > allowed_n:
                        self.flag(HorizonRule.DIET, f"{where}.bags",
                                  f"{n} units of {item!r} do not suit household "
                                  f"{x.household!r}'s diets "
                                  f"{list(cs.settings[x.household].diets)}"
                                  + (f" ({allowed_n} ordered)" if allowed_n else ""))

    # 9. Rations and fair shares.
    def rations(self) -> None:
        cs = self.cs
        for d_i, day in self.days:
            closing = self.closing.get(day.day, {})
            by_category: dict[str, list[tuple[bool, float, str, str, set[str]]]] = \
                defaultdict(list)
            for x_i, x in enumerate(day.deliveries):
                if x.days_covered <= 0 or x.household not in self.households:
                    continue
                where = f"days[{d_i}].deliveries[{x_i}]"
                h = self.households[x.household]
                need = {c: h.residents * kg * x.days_covered
                        for c, kg in cs.rations_of(h.id).items()}
                packed = dict.fromkeys(need, 0.0)
                for b in x.bags:
                    for u in b.contents:
                        item = self.items.get(u.item)
                        if item is not None and item.category in packed:
                            packed[item.category] += u.units * item.unit_kg
                stated = {}
                for s_i, s in enumerate(x.shares):
                    if s.category in stated or s.category not in need:
                        self.flag(HorizonRule.RATION, f"{where}.shares[{s_i}]",
                                  f"category {s.category!r} is not rationed once")
                        continue
                    stated[s.category] = s
                    if abs(s.need_kg - need[s.category]) > KG_TOLERANCE:
                        self.flag(HorizonRule.RATION, f"{where}.shares[{s_i}].need_kg",
                                  f"stated {s.need_kg}, the ration gives "
                                  f"{need[s.category]:.3f}")
                    if abs(s.packed_kg - packed[s.category]) > KG_TOLERANCE:
                        self.flag(HorizonRule.RATION, f"{where}.shares[{s_i}].packed_kg",
                                  f"stated {s.packed_kg}, the bags hold "
                                  f"{packed[s.category]:.3f}")
                for c in sorted(set(need) - set(stated)):
                    self.flag(HorizonRule.RATION, f"{where}.shares",
                              f"no share for rationed category {c!r}")
                share = {c: min(1.0, packed[c] / n) if n > 0 else 1.0 for c, n in need.items()}
                cover = min(share.values(), default=1.0)
                if abs(x.coverage - cover) > COVERAGE_TOLERANCE:
                    self.flag(HorizonRule.RATION, f"{where}.coverage",
                              f"stated {x.coverage}, the bags cover {cover:.4f}")
                if cover < 1 - COVERAGE_TOLERANCE and not x.short:
                    self.flag(HorizonRule.RATION, f"{where}.short",
                              f"covers {cover:.4f} of its need but says nothing of it")
                if not x.bags and x.short and NOT_PACKED in x.short:
                    continue  # the packers could not reach it: it takes no share
                priority = h.priority is not Priority.STANDARD
                got = {u.item for b in x.bags for u in b.contents}
                for c, value in share.items():
                    by_category[c].append((priority, value, where, h.id, got))
                    if value >= 1 - 1e-9:
                        continue
                    left = [i.id for i in cs.catalogue if i.category == c
                            and cs.suits(i, h.id) and closing.get(i.id, 0) > 0]
                    if left:
                        self.flag(HorizonRule.FAIRNESS, where,
                                  f"household {h.id!r} gets {share[c]:.3f} of its {c!r} "
                                  f"while {left} stay at the gate")
            # Urgent and vulnerable households first: none worse off than a standard one
            # that got an item the worse-off one could have had (a diet nothing in stock
            # suits is no unfairness).
            for c, values in sorted(by_category.items()):
                first = [v for p, v, *_ in values if p]
                rest = [v for p, v, *_ in values if not p]
                if not (first and rest and min(first) < min(rest) - 1e-9):
                    continue
                v, w, hid = min((v, wh, hid) for p, v, wh, hid, _ in values if p)
                suits = {i.id for i in cs.catalogue if i.category == c and cs.suits(i, hid)}
                if any(not p and value > v + 1e-9 and got & suits
                       for p, value, _, _, got in values):
                    self.flag(HorizonRule.FAIRNESS, w,
                              f"{c!r}: the smallest share among urgent and vulnerable "
                              f"households ({min(first):.3f}) is below the smallest among "
                              f"standard ones ({min(rest):.3f})")

    # 10. Orders.
    def orders(self) -> None:
        for d_i, day in self.days:
            deliveries = {x.household: (x_i, x) for x_i, x in enumerate(day.deliveries)}
            # named as not served that day (the not_served rule argues why)
            named = {n.household for n in day.not_served if n.round == "delivery"}
            for hid, lines in sorted(self.ordered(day.day).items()):
                if hid in named and hid not in deliveries:
                    continue
                if hid not in deliveries:
                    self.flag(HorizonRule.ORDER, f"days[{d_i}].deliveries",
                              f"household {hid!r} ordered {dict(lines)} but gets no delivery")
                    continue
                x_i, x = deliveries[hid]
                packed: dict[str, int] = defaultdict(int)
                for b in x.bags:
                    for u in b.contents:
                        packed[u.item] += u.units
                for item, n in sorted(lines.items()):
                    if packed[item] < n and not (x.short and (
                            item in x.short or (not x.bags and NOT_PACKED in x.short))):
                        self.flag(HorizonRule.ORDER, f"days[{d_i}].deliveries[{x_i}]",
                                  f"household {hid!r} ordered {n} x {item!r}, {packed[item]} "
                                  "packed and nothing said of it")

    # 11. Packing.
    def packing(self) -> None:
        p = self.cs.packing
        spans = [(s.staff, *s.span_s()) for s in p.shifts]

        def capacity(by_s: float) -> int:
            total = 0
            for staff, start, end in spans:
                total += staff * max(0, math.floor((min(by_s, end) - start) / p.bag_s + 1e-9))
            return total

        for d_i, day in self.days:
            bag_count = {x.household: len(x.bags) for x in day.deliveries if x.bags}
            batch_of: dict[str, int] = {}
            for r_i, r in enumerate(day.releases):
                where = f"days[{d_i}].releases[{r_i}]"
                at = max(0.0, r.packed_s + p.dwell_s)
                if abs(r.at - at) > TIME_TOLERANCE_S:
                    self.flag(HorizonRule.PACKING, f"{where}.at",
                              f"stated {r.at}, packed at {r.packed_s} plus {p.dwell_s} s of "
                              f"disinfection gives {at:.2f}")
                for hid in r.households:
                    if hid in batch_of:
                        self.flag(HorizonRule.PACKING, where,
                                  f"household {hid!r} also in releases[{batch_of[hid]}]")
                    elif hid not in bag_count:
                        self.flag(HorizonRule.PACKING, where,
                                  f"household {hid!r} has no bags on day {day.day}")
                    batch_of.setdefault(hid, r_i)
                bags = sum(bag_count.get(hid, 0) for hid in r.households)
                if r.bags != bags:
                    self.flag(HorizonRule.PACKING, f"{where}.bags",
                              f"stated {r.bags}, its households have {bags} bags")
                done = sum(o.bags for o in day.releases if o.packed_s <= r.packed_s + 1e-6)
                can = capacity(r.packed_s)
                if done > can:
                    self.flag(HorizonRule.PACKING, f"{where}.packed_s",
                              f"{done} bags packed by {r.packed_s}, the staff can pack {can}")
            for hid in bag_count:
                if hid not in batch_of:
                    self.flag(HorizonRule.PACKING, f"days[{d_i}].releases",
                              f"household {hid!r}'s bags are in no release batch")
