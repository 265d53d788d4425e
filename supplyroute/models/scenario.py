"""The scenario: a sealed compound, its supply gates, households and volunteers.

Everything a plan is computed and checked with is here, with the defaults of the
physical model in ``DOMAIN.md``. Times are seconds from the start of the day (strings
``"HH:MM"`` or ``"HH:MM:SS"`` are accepted too), distances are metres, weights kg.

A scenario is frozen once validated. Structural errors come from pydantic; reference
and consistency errors from :func:`_check_references`, both with a JSON path such as
``households[12].stairwell``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from enum import Enum
from functools import cached_property
from typing import Any

from pydantic import Field, model_validator

from supplyroute.errors import InputError, InputIssue
from supplyroute.models.base import (
    EARTH_RADIUS_M,
    MAX_SPAN_M,
    MIN_SPEED_MPS,
    TimeS,
    _Frozen,
)


class Position(_Frozen):
    """A point: local metres (``x``, ``y``) or latitude/longitude (projected locally)."""

    x: float | None = Field(default=None, ge=-1e7, le=1e7)
    y: float | None = Field(default=None, ge=-1e7, le=1e7)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _one_system(self) -> Position:
        metric = self.x is not None and self.y is not None
        geographic = self.lat is not None and self.lon is not None
        if metric == geographic:
            raise ValueError("give either x and y (metres) or lat and lon")
        return self

    @property
    def is_geographic(self) -> bool:
        return self.lat is not None


class Bag(_Frozen):
    """One bag for one household: a prevention bag, a living bag, medicine, ..."""

    kind: str = Field(min_length=1)
    weight_kg: float = Field(gt=0, le=100)


class Parameters(_Frozen):
    """The physical model's parameters (``DOMAIN.md``), with their documented defaults."""

    detour_factor: float = Field(1.3, ge=1.0, le=5.0)
    walk_speed_mps: float = Field(1.2, ge=MIN_SPEED_MPS, le=5)
    cart_speed_mps: float = Field(1.0, ge=MIN_SPEED_MPS, le=5)
    stair_up_s_per_floor: float = Field(18.0, ge=0, le=600)
    stair_down_s_per_floor: float = Field(10.0, ge=0, le=600)
    lift_wait_s: float = Field(45.0, ge=0, le=3600)
    lift_s_per_floor: float = Field(4.0, ge=0, le=600)
    handover_s: float = Field(30.0, ge=0, le=3600)
    load_s: float = Field(120.0, ge=0, le=7200)
    entrance_drop_s_per_bag: float = Field(10.0, ge=0, le=3600)
    hand_capacity_bags: int = Field(2, ge=1, le=50)
    hand_capacity_kg: float = Field(20.0, gt=0, le=200)
    default_bags: tuple[Bag, ...] = Field(
        (Bag(kind="prevention", weight_kg=2.0), Bag(kind="living", weight_kg=8.0)),
        min_length=1,
    )
    #: After a trip that served a red or orange household, the volunteer starts loading
    #: the next trip no sooner than this after returning (PPE change, cart disinfected).
    disinfection_s: float = Field(0.0, ge=0, le=7200)
    #: Orange households, like red ones, need a volunteer with skill "ppe".
    ppe_for_orange: bool = False
    #: Relays: what a ferry spends per bag putting it down in an entrance buffer for a
    #: climber (default: ``entrance_drop_s_per_bag``).
    relay_drop_s_per_bag: float | None = Field(None, ge=0, le=3600)
    #: Relays: how many bags may wait at any stairwell door (default: no limit); a
    #: stairwell's own ``buffer_bags`` overrides it.
    entrance_buffer_bags: int | None = Field(None, ge=1, le=100_000)

    @property
    def relay_drop_s(self) -> float:
        """Seconds per bag for a ferry's drop into an entrance buffer."""
        if self.relay_drop_s_per_bag is None:
            return self.entrance_drop_s_per_bag
        return self.relay_drop_s_per_bag


class Release(_Frozen):
    """A batch of bags released at a gate (arrival plus disinfection dwell).

    Either names its households (their bags become available at ``at``) or gives a count
    of interchangeable bags for the households no batch names.
    """

    at: TimeS
    bags: int | None = Field(default=None, ge=0)
    households: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Release:
        if (self.bags is None) == (self.households is None):
            raise ValueError("give either 'bags' (a count) or 'households' (ids)")
        return self


class Gate(_Frozen):
    """A supply gate: where bags are staged and where every trip starts and ends.

    With no releases, every bag is at the gate from the start of the day.
    """

    id: str = Field(min_length=1)
    position: Position
    releases: tuple[Release, ...] = ()
    node: str | None = None  #: walkway point the gate stands at (default: nearest).


class Stairwell(_Frozen):
    """A stairwell (单元) of a building, with its entrance."""

    id: str = Field(min_length=1)
    entrance: Position
    floors: int | None = Field(default=None, ge=1, le=200)  #: default: the building's.
    node: str | None = None  #: walkway point at the entrance (default: nearest).
    #: Relays: how many bags may wait at this door at once (default:
    #: ``parameters.entrance_buffer_bags``).
    buffer_bags: int | None = Field(default=None, ge=1, le=100_000)


class Building(_Frozen):
    """A building (楼栋) with one or more stairwells."""

    id: str = Field(min_length=1)
    name: str | None = Field(default=None, max_length=100)  #: as residents say it: "4号楼".
    floors: int = Field(ge=1, le=200)
    lift: bool = False
    stairwells: tuple[Stairwell, ...] = Field(min_length=1)
    stair_up_s_per_floor: float | None = Field(default=None, ge=0, le=600)
    stair_down_s_per_floor: float | None = Field(default=None, ge=0, le=600)
    lift_wait_s: float | None = Field(default=None, ge=0, le=3600)
    lift_s_per_floor: float | None = Field(default=None, ge=0, le=600)


class Priority(str, Enum):
    """Who comes first."""

    URGENT = "urgent"  #: medicine or care by a deadline; deadlines are hard.
    VULNERABLE = "vulnerable"  #: elderly alone, seriously ill, pregnant: served early.
    STANDARD = "standard"  #: everyone else.


class Risk(str, Enum):
    """The colour of the household on the risk map; red needs staff in full PPE (orange
    too with ``parameters.ppe_for_orange``); after serving red or orange, the volunteer
    disinfects for ``parameters.disinfection_s`` before the next trip."""

    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"


class DeliveryMode(str, Enum):
    """Where bags are handed over."""

    DOOR = "door"  #: carried up to the door (sealed zone).
    ENTRANCE = "entrance"  #: left at the stairwell entrance (controlled zone).


class Window(_Frozen):
    """A time window for the hand-over."""

    start: TimeS
    end: TimeS

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.end < self.start:
            raise ValueError("the window ends before it starts")
        return self


class Household(_Frozen):
    """A household (户): where it lives, what it is due, how urgent it is."""

    id: str = Field(min_length=1)
    stairwell: str
    floor: int = Field(ge=1, le=200)
    residents: int = Field(1, ge=0, le=50)  #: 0: an empty flat still on the ledger.
    bags: tuple[Bag, ...] | None = Field(default=None, min_length=1)  #: default: parameters.
    priority: Priority = Priority.STANDARD
    deadline: TimeS | None = None  #: hand-over by then (hard).
    window: Window | None = None  #: hand-over within it (hard).
    risk: Risk = Risk.GREEN
    delivery: DeliveryMode = DeliveryMode.DOOR
    needs: tuple[str, ...] = ()  #: free tags, e.g. "elderly_alone", "insulin".
    note: str | None = None
    #: the home as residents and volunteers write it ("4号楼2单元202室"), for the sheets.
    address: str | None = Field(default=None, max_length=200)
    #: personal data, kept only when imported from a ledger: printed on the route sheets
    #: that need them, never in logs or messages, left out with ``--redact``.
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)

    @property
    def latest_s(self) -> float | None:
        """The hard latest hand-over time (deadline or window end), if any."""
        window_end = self.window.end if self.window else None
        ends = [t for t in (self.deadline, window_end) if t is not None]
        return min(ends) if ends else None

    @property
    def earliest_s(self) -> float:
        return self.window.start if self.window else 0.0


class Cart(_Frozen):
    """A hand cart: a bigger load per trip, a slower walk."""

    capacity_bags: int = Field(ge=1, le=500)
    capacity_kg: float = Field(gt=0, le=2000)
    speed_mps: float | None = Field(default=None, ge=MIN_SPEED_MPS, le=5)  #: default: parameters.


class Shift(_Frozen):
    start: TimeS
    end: TimeS


class Role(str, Enum):
    """What a volunteer does in a relay round."""

    ANY = "any"  #: carries and climbs, ferries, or climbs: the planner decides.
    FERRY = "ferry"  #: moves bags from the gate to entrances; never climbs stairs.
    CLIMBER = "climber"  #: takes bags from an entrance up the stairs; no gate trips.


class Volunteer(_Frozen):
    """A volunteer (志愿者): shift, gate, what they can carry, where they may go."""

    id: str = Field(min_length=1)
    shift: Shift
    gate: str
    hand_capacity_bags: int | None = Field(default=None, ge=1, le=50)
    hand_capacity_kg: float | None = Field(default=None, gt=0, le=200)
    cart: Cart | None = None
    walk_speed_mps: float | None = Field(default=None, ge=MIN_SPEED_MPS, le=5)
    skills: tuple[str, ...] = ()  #: e.g. "ppe" (full PPE, for red homes), "medical".
    zone: tuple[str, ...] | None = None  #: building ids the volunteer's group covers.
    group: str | None = None
    role: Role = Role.ANY
    #: Where a climber may take bags up: stairwell or building ids (default: anywhere
    #: its zone allows).
    station: tuple[str, ...] | None = Field(default=None, min_length=1)


class WalkwayPoint(_Frozen):
    id: str = Field(min_length=1)
    position: Position


class WalkwayEdge(_Frozen):
    a: str
    b: str
    #: Default: the straight-line length.
    length_m: float | None = Field(default=None, gt=0, le=MAX_SPAN_M)


class Walkways(_Frozen):
    """An optional walkway graph; walking follows its shortest paths."""

    points: tuple[WalkwayPoint, ...] = Field(min_length=1)
    edges: tuple[WalkwayEdge, ...] = ()


class Scenario(_Frozen):
    """A whole doorstep round: the compound, its supplies and its volunteers."""

    name: str = Field(min_length=1)
    description: str | None = None
    notes: tuple[str, ...] = ()  #: sources and assumptions, for people.
    parameters: Parameters = Parameters()
    gates: tuple[Gate, ...] = Field(min_length=1)
    buildings: tuple[Building, ...] = Field(min_length=1)
    households: tuple[Household, ...] = Field(min_length=1)
    volunteers: tuple[Volunteer, ...] = Field(min_length=1)
    walkways: Walkways | None = None
    #: Whether bags may wait at a stairwell door for a climber (false where they may
    #: not be left unattended): relay rounds are planned only where this holds.
    relay: bool = True

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        issues = _check_references(self)
        if issues:
            raise InputError(issues)
        return self

    def with_changes(self, **update: Any) -> Scenario:
        """A copy with some fields replaced (not validated again), without the lookups
        cached on this instance."""
        copy = self.model_copy(update=update)
        for name, value in type(self).__dict__.items():
            if isinstance(value, cached_property):
                copy.__dict__.pop(name, None)
        return copy

    # Lookups (derived, cached on the frozen instance).
    @cached_property
    def stairwell_building(self) -> dict[str, Building]:
        return {s.id: b for b in self.buildings for s in b.stairwells}

    @cached_property
    def stairwells(self) -> dict[str, Stairwell]:
        return {s.id: s for b in self.buildings for s in b.stairwells}

    @cached_property
    def household_by_id(self) -> dict[str, Household]:
        return {h.id: h for h in self.households}

    @cached_property
    def volunteer_by_id(self) -> dict[str, Volunteer]:
        return {v.id: v for v in self.volunteers}

    @cached_property
    def gate_by_id(self) -> dict[str, Gate]:
        return {g.id: g for g in self.gates}

    def bags_of(self, household: Household) -> tuple[Bag, ...]:
        return household.bags if household.bags is not None else self.parameters.default_bags

    def hand_capacity(self, volunteer: Volunteer) -> tuple[int, float]:
        p = self.parameters
        return (
            volunteer.hand_capacity_bags or p.hand_capacity_bags,
            volunteer.hand_capacity_kg or p.hand_capacity_kg,
        )

    def trip_capacity(self, volunteer: Volunteer) -> tuple[int, float]:
        """What one trip can carry: the cart if the volunteer has one, else the hands."""
        if volunteer.cart is not None:
            return volunteer.cart.capacity_bags, volunteer.cart.capacity_kg
        return self.hand_capacity(volunteer)

    def speed_mps(self, volunteer: Volunteer) -> float:
        p = self.parameters
        if volunteer.cart is not None:
            return volunteer.cart.speed_mps or p.cart_speed_mps
        return volunteer.walk_speed_mps or p.walk_speed_mps

    def needs_ppe(self, household: Household) -> bool:
        """Red homes, and orange ones when ``parameters.ppe_for_orange``."""
        return household.risk is Risk.RED or (
            household.risk is Risk.ORANGE and self.parameters.ppe_for_orange)

    def may_serve(self, volunteer: Volunteer, household: Household) -> bool:
        """Zone, skill and role rules: may this volunteer bring this household's bags
        from the gate to where it takes them (a ferry never climbs; a climber makes no
        trips from the gate)?"""
        if volunteer.role is Role.CLIMBER:
            return False
        if volunteer.role is Role.FERRY and household.delivery is DeliveryMode.DOOR:
            return False
        building = self.stairwell_building[household.stairwell]
        if volunteer.zone is not None and building.id not in volunteer.zone:
            return False
        return not self.needs_ppe(household) or "ppe" in volunteer.skills

    def may_ferry(self, volunteer: Volunteer, household: Household) -> bool:
        """May this volunteer bring the household's bags to its entrance for a climber?
        (Only door deliveries are relayed; the climber needs the PPE, not the ferry.)"""
        if not self.relay or volunteer.role is Role.CLIMBER:
            return False
        if household.delivery is not DeliveryMode.DOOR:
            return False
        building = self.stairwell_building[household.stairwell]
        return volunteer.zone is None or building.id in volunteer.zone

    def may_climb(self, volunteer: Volunteer, household: Household) -> bool:
        """May this volunteer take the household's bags from its entrance to its door?"""
        if not self.relay or volunteer.role is Role.FERRY:
            return False
        if household.delivery is not DeliveryMode.DOOR:
            return False
        building = self.stairwell_building[household.stairwell]
        if volunteer.zone is not None and building.id not in volunteer.zone:
            return False
        if volunteer.station is not None and not {household.stairwell, building.id} \
                & set(volunteer.station):
            return False
        return not self.needs_ppe(household) or "ppe" in volunteer.skills

    def buffer_bags(self, stairwell: str) -> int | None:
        """How many bags may wait at this stairwell's door (None: no limit)."""
        own = self.stairwells[stairwell].buffer_bags
        return own if own is not None else self.parameters.entrance_buffer_bags


def _duplicates(items: tuple[Any, ...], path: str) -> list[InputIssue]:
    seen: set[str] = set()
    issues = []
    for i, item in enumerate(items):
        if item.id in seen:
            issues.append(InputIssue(f"{path}[{i}].id", f"duplicate id {item.id!r}"))
        seen.add(item.id)
    return issues


def _span_issues(positions: list[tuple[str, Position]]) -> list[InputIssue]:
    """A compound whose places lie over ``MAX_SPAN_M`` apart: a typo in a coordinate (or
    lat/lon swapped), and walks long enough to break the planner's arithmetic. Names
    the place farthest from the middle (the median place); longitudes are counted on
    across the 180th meridian, where a compound may straddle it."""
    points = [(p.x or 0.0, p.y or 0.0) for _, p in positions]
    if positions[0][1].is_geographic:
        lons = [p.lon or 0.0 for _, p in positions]
        wrap = max(lons) - min(lons) > 180
        metres = math.pi / 180 * EARTH_RADIUS_M  # a degree of latitude
        east = metres * math.cos(math.radians(sum(p.lat or 0.0 for _, p in positions)
                                              / len(positions)))
        points = [((lon + 360 if wrap and lon < 0 else lon) * east, (p.lat or 0.0) * metres)
                  for lon, (_, p) in zip(lons, positions, strict=True)]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if math.hypot(max(xs) - min(xs), max(ys) - min(ys)) <= MAX_SPAN_M:
        return []
    middle = (statistics.median(xs), statistics.median(ys))
    far = max(range(len(points)), key=lambda i: math.dist(middle, points[i]))
    return [InputIssue(positions[far][0], f"{math.dist(middle, points[far]) / 1000:,.0f} km "
                       "from the middle of the compound: its places must lie within "
                       f"{MAX_SPAN_M / 1000:g} km of each other")]


def _check_references(s: Scenario) -> list[InputIssue]:
    """Every cross-reference and every number that no plan could satisfy."""
    issues: list[InputIssue] = []
    issues += _duplicates(s.gates, "gates")
    issues += _duplicates(s.buildings, "buildings")
    issues += _duplicates(s.households, "households")
    issues += _duplicates(s.volunteers, "volunteers")
    stairwells = _stairwell_buildings(s, issues)
    issues += _position_issues(s)
    issues += _walkway_issues(s)
    issues += _release_issues(s)
    issues += _volunteer_issues(s, stairwells)
    issues += _household_issues(s, stairwells)
    return issues


def _stairwell_buildings(s: Scenario, issues: list[InputIssue]) -> dict[str, Building]:
    """Stairwell id -> its building; adds to ``issues`` repeated stairwell ids and
    stairwells taller than their building."""
    stairwells: dict[str, Building] = {}
    for b_i, b in enumerate(s.buildings):
        for s_i, w in enumerate(b.stairwells):
            path = f"buildings[{b_i}].stairwells[{s_i}]"
            if w.id in stairwells:
                issues.append(InputIssue(f"{path}.id", f"duplicate stairwell id {w.id!r}"))
            stairwells[w.id] = b
            if w.floors is not None and w.floors > b.floors:
                issues.append(InputIssue(f"{path}.floors", f"{w.floors} floors, but building "
                                         f"{b.id!r} has {b.floors}"))
    return stairwells


def _position_issues(s: Scenario) -> Iterator[InputIssue]:
    """Places (gates, entrances, walkway points) mixing x/y with lat/lon, or too far apart."""
    positions = [(f"gates[{g_i}].position", g.position) for g_i, g in enumerate(s.gates)]
    positions += [(f"buildings[{b_i}].stairwells[{s_i}].entrance", w.entrance)
                  for b_i, b in enumerate(s.buildings) for s_i, w in enumerate(b.stairwells)]
    if s.walkways:
        positions += [(f"walkways.points[{p_i}].position", p.position)
                      for p_i, p in enumerate(s.walkways.points)]
    geographic = sum(p.is_geographic for _, p in positions)
    if 0 < geographic < len(positions):
        # Name the first position in the minority system: that is the likely typo.
        odd = geographic <= len(positions) - geographic
        path = next(path for path, p in positions if p.is_geographic == odd)
        yield InputIssue(path, "mixes x/y and lat/lon positions; "
                         "use one system for the whole scenario")
    if not 0 < geographic < len(positions):
        yield from _span_issues(positions)


def _walkway_issues(s: Scenario) -> Iterator[InputIssue]:
    """Walkway points repeated, and edges, gates and stairwells naming unknown points."""
    points = {p.id for p in s.walkways.points} if s.walkways else set()
    if s.walkways:
        yield from _duplicates(s.walkways.points, "walkways.points")
        for e_i, e in enumerate(s.walkways.edges):
            for end in ("a", "b"):
                if getattr(e, end) not in points:
                    yield InputIssue(f"walkways.edges[{e_i}].{end}",
                                     f"unknown walkway point {getattr(e, end)!r}")
    for g_i, g in enumerate(s.gates):
        if g.node is not None and g.node not in points:
            yield InputIssue(f"gates[{g_i}].node", f"unknown walkway point {g.node!r}")
    for b_i, b in enumerate(s.buildings):
        for s_i, w in enumerate(b.stairwells):
            if w.node is not None and w.node not in points:
                yield InputIssue(f"buildings[{b_i}].stairwells[{s_i}].node",
                                 f"unknown walkway point {w.node!r}")


def _release_issues(s: Scenario) -> Iterator[InputIssue]:
    """Gate releases naming unknown households, or households another release names."""
    household_ids = {h.id for h in s.households}
    named: dict[str, str] = {}
    for g_i, g in enumerate(s.gates):
        for r_i, r in enumerate(g.releases):
            for h_i, hid in enumerate(r.households or ()):
                path = f"gates[{g_i}].releases[{r_i}].households[{h_i}]"
                if hid not in household_ids:
                    yield InputIssue(path, f"unknown household {hid!r}")
                elif hid in named:
                    yield InputIssue(path, f"household {hid!r} is already released in {named[hid]}")
                else:
                    named[hid] = path


def _volunteer_issues(s: Scenario, stairwells: dict[str, Building]) -> Iterator[InputIssue]:
    """Volunteers with an unknown gate, zone or station, a shift that ends first, a
    station outside their zone or for a ferry, or a cart smaller than their hands."""
    gate_ids = {g.id for g in s.gates}
    building_ids = {b.id for b in s.buildings}
    for v_i, v in enumerate(s.volunteers):
        path = f"volunteers[{v_i}]"
        if v.gate not in gate_ids:
            yield InputIssue(f"{path}.gate", f"unknown gate {v.gate!r}")
        if v.shift.end <= v.shift.start:
            yield InputIssue(f"{path}.shift.end", "the shift must end after it starts")
        for z_i, bid in enumerate(v.zone or ()):
            if bid not in building_ids:
                yield InputIssue(f"{path}.zone[{z_i}]", f"unknown building {bid!r}")
        for s_i, place in enumerate(v.station or ()):
            if place in building_ids:
                building_id = place
            elif place in stairwells:
                building_id = stairwells[place].id
            else:
                yield InputIssue(f"{path}.station[{s_i}]",
                                 f"unknown stairwell or building {place!r}")
                continue
            if v.zone is not None and building_id not in v.zone:
                yield InputIssue(f"{path}.station[{s_i}]",
                                 f"{place!r} is outside the volunteer's zone")
        if v.station is not None and v.role is Role.FERRY:
            yield InputIssue(f"{path}.station", "a ferry never climbs: a station is "
                             "for volunteers who climb (role 'climber' or 'any')")
        if v.cart is not None:
            hand_bags, hand_kg = s.hand_capacity(v)
            if v.cart.capacity_bags < hand_bags or v.cart.capacity_kg < hand_kg:
                yield InputIssue(f"{path}.cart", "a cart that carries less than the "
                                 "volunteer's hands is not a cart")


def _household_issues(s: Scenario, stairwells: dict[str, Building]) -> Iterator[InputIssue]:
    """Households in an unknown stairwell or above its top floor, with bags nobody can
    carry, a risk nobody on the roster may serve, or a deadline before their window."""
    all_skills = {skill for v in s.volunteers for skill in v.skills}
    max_hand_kg = max(s.hand_capacity(v)[1] for v in s.volunteers)
    # Trip capacities of those who make trips, once: a compound has thousands of homes.
    trip_capacities = {s.trip_capacity(v) for v in s.volunteers if v.role is not Role.CLIMBER}
    # Without a cart, a household's bags may go on several trips by hand (a shuttle);
    # a ferry takes none up to a door.
    shuttle_kg = {role: max((s.hand_capacity(v)[1] for v in s.volunteers
                             if v.role is role and v.cart is None), default=0.0)
                  for role in (Role.ANY, Role.FERRY)}
    for h_i, h in enumerate(s.households):
        path = f"households[{h_i}]"
        building = stairwells.get(h.stairwell)
        if building is None:
            yield InputIssue(f"{path}.stairwell", f"unknown stairwell {h.stairwell!r}")
            continue
        top = next(w.floors or building.floors for w in building.stairwells if w.id == h.stairwell)
        if h.floor > top:
            yield InputIssue(f"{path}.floor", f"floor {h.floor} is above the top "
                             f"floor {top} of stairwell {h.stairwell!r}")
        bags = s.bags_of(h)
        for b_i, bag in enumerate(bags):
            if bag.weight_kg > max_hand_kg:
                where = f"{path}.bags[{b_i}].weight_kg" if h.bags else "parameters.default_bags"
                yield InputIssue(where, f"a {bag.weight_kg:g} kg bag is heavier than "
                                 f"any volunteer can carry ({max_hand_kg:g} kg)")
        # A climber makes no trips from the gate: someone else must bring the bags.
        bags_kg = sum(b.weight_kg for b in bags)
        if not any(len(bags) <= cap_bags and bags_kg <= cap_kg + 1e-9
                   for cap_bags, cap_kg in trip_capacities) and not all(
                       b.weight_kg <= max(shuttle_kg[Role.ANY], 0.0 if h.delivery is
                                          DeliveryMode.DOOR else shuttle_kg[Role.FERRY]) + 1e-9
                       for b in bags):
            yield InputIssue(f"{path}.bags", f"{len(bags)} bags ({bags_kg:g} kg) exceed every "
                             "volunteer's trip capacity, and no volunteer without a cart "
                             "holds each of them by hand")
        if s.needs_ppe(h) and "ppe" not in all_skills:
            yield InputIssue(f"{path}.risk", f"a {h.risk.value}-risk household needs a volunteer "
                             "with skill 'ppe', and nobody on the roster has it")
        if h.deadline is not None and h.window is not None and h.deadline < h.window.start:
            yield InputIssue(f"{path}.deadline", "the deadline is before the window opens")
