"""A supply cycle: the compound's doorstep round repeated over a horizon of days.

What coordinators run is not one round but a cycle: every household gets a prevention
bag and a living bag that feed it until its next delivery (every two days in the
reports, every day for some), the elderly on the ledger get a visit every day, garbage
leaves the homes on trips of its own, and the gate holds whatever arrived or was donated.
A :class:`CycleScenario` is a doorstep :class:`~supplyroute.models.scenario.Scenario`
(the ``compound``: places, households, volunteers, physical model) plus the supplies:
a catalogue of items, rations per resident and day, stock arriving at the gate by day,
orders, the packing staff, garbage collection and who is on duty which day.

Days are numbered from 0; times of day are seconds from that day's midnight (or
``"HH:MM"``). The compound's own bags and gate releases are not used: each day's bags
come from packing, and its releases from the packing staff's hours.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from pydantic import Field, field_validator, model_validator

from supplyroute.clock import hhmm
from supplyroute.errors import InputError, InputIssue
from supplyroute.models.base import TimeS, _Frozen
from supplyroute.models.scenario import Position, Scenario, _span_issues

#: Categories whose items go in the prevention bag; medicine goes in a bag of its own;
#: every other category (food) goes in living bags.
PREVENTION = "prevention"
MEDICINE = "medicine"

#: Needs tags that put a household on the ledger of people visited every day (seed 001:
#: over-60s by type: living alone, empty nest, serious illness, disability).
LEDGER_NEEDS = ("elderly_alone", "empty_nest", "seriously_ill", "disabled")


class Item(_Frozen):
    """A catalogue item, handed out in whole units (a 1 kg bag of rice, a box of masks)."""

    id: str = Field(min_length=1)
    name: str | None = None
    category: str = Field(min_length=1)  #: prevention, staple, vegetables, protein, ...
    unit_kg: float = Field(gt=0, le=50)
    #: Diets the item suits ("halal", "vegetarian", "soft", "diabetic"). A household
    #: with diets gets food items that suit all of them; prevention and medicine items
    #: suit everyone.
    diets: tuple[str, ...] = ()
    shelf_life_days: int | None = Field(default=None, ge=1, le=3650)  #: None: keeps.


class Ration(_Frozen):
    """What one resident needs per day of one category, in kg."""

    category: str = Field(min_length=1)
    kg_per_resident_day: float = Field(ge=0, le=10)


#: Documented defaults: about 1.6 kg of food a resident a day (a two-day living bag of
#: about 10 kg for three residents, as the reports' living bags), and a prevention kit.
DEFAULT_RATIONS: tuple[Ration, ...] = (
    Ration(category="prevention", kg_per_resident_day=0.05),
    Ration(category="staple", kg_per_resident_day=0.5),
    Ration(category="vegetables", kg_per_resident_day=0.6),
    Ration(category="protein", kg_per_resident_day=0.3),
    Ration(category="fruit", kg_per_resident_day=0.2),
)


class StockArrival(_Frozen):
    """Units of an item arriving at the gate on a day (a delivery, a donor's truck)."""

    day: int = Field(ge=0, le=365)
    item: str
    units: int = Field(ge=0, le=10_000_000)
    source: str = "arrival"  #: "arrival", "donation", ...
    note: str | None = None


class PackingShift(_Frozen):
    """Packing staff at the gate: how many, from when to when.

    With ``day_before`` the shift starts the evening before the delivery day and may run
    past midnight into it (``19:00``-``05:00``, as at Anzhen).
    """

    staff: int = Field(ge=1, le=1000)
    start: TimeS
    end: TimeS
    day_before: bool = False

    def span_s(self) -> tuple[float, float]:
        """Start and end in seconds from the delivery day's midnight (may be negative)."""
        if not self.day_before:
            return self.start, self.end
        start = self.start - 86400
        end = self.end if self.end <= self.start else self.end - 86400
        return start, end

    @model_validator(mode="after")
    def _ordered(self) -> PackingShift:
        if not self.day_before and self.end <= self.start:
            raise ValueError("the shift ends before it starts (set day_before for a night shift)")
        return self


class Packing(_Frozen):
    """How bags are packed at the gate: staff, time per bag, batches, disinfection."""

    bag_s: float = Field(60.0, gt=0, le=3600)  #: one staff member packs a bag in this time.
    dwell_s: float = Field(1800.0, ge=0, le=86400)  #: packed to released (disinfection).
    batch_bags: int = Field(120, ge=1, le=100_000)  #: bags a release batch holds.
    #: Default: a dozen staff overnight, 19:00-05:00 (Anzhen, seed 001).
    shifts: tuple[PackingShift, ...] = Field(
        (PackingShift(staff=12, start=19 * 3600, end=5 * 3600, day_before=True),), min_length=1,
    )
    gate: str | None = None  #: where bags are packed and released (default: the first gate).
    bag_kg: float | None = Field(default=None, gt=0, le=100)
    """The heaviest bag (default: what one hand climb carries, the parameters' hand kg)."""


class HouseholdCycle(_Frozen):
    """Per-household settings of the cycle; households not listed take the defaults."""

    household: str
    cycle_days: int | None = Field(default=None, ge=1, le=14)  #: default: the scenario's.
    diets: tuple[str, ...] = ()
    rations: tuple[Ration, ...] = ()  #: overrides the scenario's ration of a category.
    visit_daily: bool | None = None  #: default: on the ledger by its needs tags.
    #: The day of its last delivery before the horizon (-1: the day before day 0).
    last_delivery_day: int = Field(-1, ge=-14, le=-1)


class OrderLine(_Frozen):
    item: str
    units: int = Field(ge=1, le=10_000)


class Order(_Frozen):
    """An order placed on ``day`` ("order today, delivered tomorrow"): its items are
    delivered the next day from the gate's stock, packed with the household's bags by
    category (food in living bags, medicine and prevention in the small bag)."""

    household: str
    day: int = Field(ge=-1, le=365)
    items: tuple[OrderLine, ...] = Field(min_length=1)


class Garbage(_Frozen):
    """Garbage collection from the homes: its own trips, to a collection point."""

    collection_point: Position
    every_days: int = Field(1, ge=1, le=14)  #: collect from each home every so many days.
    kg_per_resident_day: float = Field(0.4, gt=0, le=10)
    start: TimeS = 14 * 3600  #: the collection round starts no earlier.
    #: After a trip to a red or orange home, before the next trip (PPE, cart).
    disinfection_s: float = Field(300.0, ge=0, le=7200)


class RosterDay(_Frozen):
    """Who is on duty on a day (default: every volunteer of the compound, every day)."""

    day: int = Field(ge=0, le=365)
    volunteers: tuple[str, ...] = Field(min_length=1)


class CycleScenario(_Frozen):
    """A compound's supply cycle over ``days`` days."""

    name: str = Field(min_length=1)
    description: str | None = None
    notes: tuple[str, ...] = ()
    compound: Scenario
    days: int = Field(14, ge=1, le=60)
    cycle_days: int = Field(2, ge=1, le=14)  #: every household's default cycle.
    ledger_needs: tuple[str, ...] = LEDGER_NEEDS
    catalogue: tuple[Item, ...] = Field(min_length=1)
    rations: tuple[Ration, ...] = DEFAULT_RATIONS
    households: tuple[HouseholdCycle, ...] = ()
    stock: tuple[StockArrival, ...] = ()
    orders: tuple[Order, ...] = ()
    packing: Packing = Packing()
    garbage: Garbage | None = None
    roster: tuple[RosterDay, ...] = ()
    #: Carts belong to the group, not the person: each day the planner may hand a
    #: volunteer's cart to another of the same gate, zone, shift and skills, so that
    #: the heavy cart rounds (and their climbing) go round. False: carts stay put.
    rotate_carts: bool = True

    @field_validator("compound", mode="wrap")
    @classmethod
    def _compound_paths(cls, value: Any, handler: Any) -> Scenario:
        try:
            return handler(value)
        except InputError as exc:  # the compound's own reference checks: prefix the path
            raise InputError([InputIssue(f"compound.{i.path}", i.reason)
                              for i in exc.issues]) from None

    @model_validator(mode="after")
    def _references(self) -> CycleScenario:
        issues = _check_references(self)
        if issues:
            raise InputError(issues)
        return self

    # Lookups.
    @cached_property
    def item_by_id(self) -> dict[str, Item]:
        return {i.id: i for i in self.catalogue}

    @cached_property
    def settings(self) -> dict[str, HouseholdCycle]:
        """Every compound household's cycle settings (defaults where not listed)."""
        listed = {h.household: h for h in self.households}
        return {h.id: listed.get(h.id, HouseholdCycle(household=h.id))
                for h in self.compound.households}

    def cycle_of(self, household: str) -> int:
        return self.settings[household].cycle_days or self.cycle_days

    def rations_of(self, household: str) -> dict[str, float]:
        """kg per resident per day by category, the household's overrides applied."""
        out = {r.category: r.kg_per_resident_day for r in self.rations}
        out.update({r.category: r.kg_per_resident_day for r in self.settings[household].rations})
        return {c: kg for c, kg in out.items() if kg > 0}

    def visits_daily(self, household: str) -> bool:
        setting = self.settings[household].visit_daily
        if setting is not None:
            return setting
        needs = self.compound.household_by_id[household].needs
        return any(n in self.ledger_needs for n in needs)

    def suits(self, item: Item, household: str) -> bool:
        """May this item go to this household (its diets)?"""
        if item.category in (PREVENTION, MEDICINE):
            return True
        return all(d in item.diets for d in self.settings[household].diets)

    def on_duty(self, day: int) -> tuple[str, ...]:
        """Volunteer ids on duty that day."""
        for r in self.roster:
            if r.day == day:
                return r.volunteers
        return tuple(v.id for v in self.compound.volunteers)

    def packing_gate(self) -> str:
        return self.packing.gate or self.compound.gates[0].id

    def bag_limit_kg(self) -> float:
        """The heaviest bag: what one hand climb may carry (so that a household's
        prevention bag and living bag go up in one climb whenever they weigh no more)."""
        if self.packing.bag_kg is not None:
            return self.packing.bag_kg
        return self.compound.parameters.hand_capacity_kg


def _check_references(s: CycleScenario) -> list[InputIssue]:
    issues: list[InputIssue] = []
    items: set[str] = set()
    for i, item in enumerate(s.catalogue):
        if item.id in items:
            issues.append(InputIssue(f"catalogue[{i}].id", f"duplicate id {item.id!r}"))
        items.add(item.id)
    categories = {item.category for item in s.catalogue}
    for i, r in enumerate(s.rations):
        if r.kg_per_resident_day > 0 and r.category not in categories:
            issues.append(InputIssue(f"rations[{i}].category",
                                     f"no catalogue item has category {r.category!r}"))
    households = s.compound.household_by_id
    seen: set[str] = set()
    for i, h in enumerate(s.households):
        path = f"households[{i}]"
        if h.household not in households:
            issues.append(InputIssue(f"{path}.household", f"unknown household {h.household!r}"))
            continue
        if h.household in seen:
            issues.append(InputIssue(f"{path}.household", f"listed twice: {h.household!r}"))
        seen.add(h.household)
        for r_i, r in enumerate(h.rations):
            if r.kg_per_resident_day > 0 and r.category not in categories:
                issues.append(InputIssue(f"{path}.rations[{r_i}].category",
                                         f"no catalogue item has category {r.category!r}"))
        if h.diets:
            needed = {r.category for r in s.rations if r.kg_per_resident_day > 0}
            needed |= {r.category for r in h.rations if r.kg_per_resident_day > 0}
            needed -= {r.category for r in h.rations if r.kg_per_resident_day == 0}
            for category in sorted(needed - {PREVENTION, MEDICINE}):
                if not any(item.category == category and set(h.diets) <= set(item.diets)
                           for item in s.catalogue):
                    issues.append(InputIssue(
                        f"{path}.diets", f"no {category!r} item suits {', '.join(h.diets)}"))
    for i, a in enumerate(s.stock):
        if a.item not in items:  # (days past the horizon are allowed, and not used)
            issues.append(InputIssue(f"stock[{i}].item", f"unknown item {a.item!r}"))
    for i, o in enumerate(s.orders):
        if o.household not in households:
            issues.append(InputIssue(f"orders[{i}].household",
                                     f"unknown household {o.household!r}"))
        elif households[o.household].residents == 0:
            issues.append(InputIssue(f"orders[{i}].household",
                                     f"household {o.household!r} is an empty flat (residents "
                                     "0): it gets nothing; give its residents to order"))
        for l_i, line in enumerate(o.items):
            if line.item not in items:
                issues.append(InputIssue(f"orders[{i}].items[{l_i}].item",
                                         f"unknown item {line.item!r}"))
    gates = s.compound.gate_by_id
    if s.packing.gate is not None and s.packing.gate not in gates:
        issues.append(InputIssue("packing.gate", f"unknown gate {s.packing.gate!r}"))
    volunteers = s.compound.volunteer_by_id
    days: set[int] = set()
    for i, r in enumerate(s.roster):
        if r.day in days:
            issues.append(InputIssue(f"roster[{i}].day", f"day {r.day} listed twice"))
        days.add(r.day)
        for v_i, vid in enumerate(r.volunteers):
            if vid not in volunteers:
                issues.append(InputIssue(f"roster[{i}].volunteers[{v_i}]",
                                         f"unknown volunteer {vid!r}"))
    if s.garbage is not None:
        issues += _collection_point_issues(s.compound, s.garbage.collection_point)
        issues += _garbage_time_issues(s.compound, s.garbage)
    heaviest = max(item.unit_kg for item in s.catalogue)
    if heaviest > s.bag_limit_kg():
        path = next(f"catalogue[{i}].unit_kg" for i, item in enumerate(s.catalogue)
                    if item.unit_kg == heaviest)
        issues.append(InputIssue(path, f"{heaviest} kg does not fit a bag of at most "
                                 f"{s.bag_limit_kg():g} kg (one hand climb)"))
    return issues


def _collection_point_issues(compound: Scenario, point: Position) -> list[InputIssue]:
    """The garbage collection point in the compound's system of positions (x/y metres or
    lat/lon) and within its span: it becomes the garbage round's gate."""
    path = "garbage.collection_point"
    geographic = compound.gates[0].position.is_geographic
    if point.is_geographic != geographic:
        given, wanted = ("lat/lon", "x/y metres") if point.is_geographic else (
            "x/y metres", "lat/lon")
        return [InputIssue(path, f"given in {given}, but the compound's positions are "
                           f"{wanted}: use the compound's system")]
    places = [("compound", compound.gates[0].position)]
    places += [("compound", w.entrance) for b in compound.buildings for w in b.stairwells]
    return [InputIssue(path, i.reason) for i in _span_issues([*places, (path, point)])
            if i.path == path]


def _garbage_time_issues(compound: Scenario, garbage: Garbage) -> list[InputIssue]:
    """A garbage round no shift reaches collects nothing on any day: say so at once,
    naming the round's start and the latest shift's end."""
    if not compound.volunteers:
        return []
    latest_i, latest = max(enumerate(compound.volunteers), key=lambda iv: iv[1].shift.end)
    if latest.shift.end - garbage.start >= 60:
        return []
    return [InputIssue("garbage.start",
                       f"the garbage round starts at {hhmm(garbage.start)}, when every "
                       f"volunteer's shift has ended (the latest, "
                       f"compound.volunteers[{latest_i}].shift.end, at "
                       f"{hhmm(latest.shift.end)}): start it within a shift")]
