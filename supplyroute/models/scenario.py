"""The scenario: a sealed compound, its supply gates, households and volunteers.

Everything a plan is computed and checked with is here, with the defaults of the
physical model in ``DOMAIN.md``. Times are seconds from the start of the day (strings
``"HH:MM"`` or ``"HH:MM:SS"`` are accepted too), distances are metres, weights kg.

A scenario is frozen once validated. Structural errors come from pydantic; reference
and consistency errors from :func:`_check_references`, both with a JSON path such as
``households[12].stairwell``.
"""

from __future__ import annotations

import re
import types
from enum import Enum
from functools import cache, cached_property
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from supplyroute.errors import InputError

_HHMM = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)


#: The latest time of day a scenario may name: a round may run on for a week of nights.
MAX_TIME_S = 7 * 86400


def parse_time(value: Any) -> Any:
    """Accept seconds (number) or ``"HH:MM[:SS]"``; refuse anything else in the words of
    a time (JSON ``true``/``false`` is not a number of seconds)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("expected a time: seconds since midnight or 'HH:MM' text")
    if isinstance(value, str):
        match = _HHMM.match(value.strip())
        if not match:
            raise ValueError(f"time {value!r} is neither seconds nor 'HH:MM[:SS]'")
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if minutes >= 60 or seconds >= 60:
            raise ValueError(f"time {value!r} has minutes or seconds above 59")
        return hours * 3600 + minutes * 60 + seconds
    return value


#: The slowest walk or cart a scenario may give (180 m an hour): slower than any person
#: carrying bags, and slow enough that a trip would outlast every shift, so anything
#: below it is a typo (a speed in km/h divided once too often), not a plan to make.
MIN_SPEED_MPS = 0.05

#: The farthest apart two places of a compound may lie (gates, entrances, walkway points).
MAX_SPAN_M = 100_000.0
EARTH_RADIUS_M = 6_371_000.0

#: What a time field accepts, for ``supplyroute schema``: what :func:`parse_time` takes.
TIME_JSON_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": MAX_TIME_S},
        {"type": "string", "pattern": r"^\s*\d{1,2}:[0-5]\d(:[0-5]\d)?\s*$"},
    ],
    "description": "a time of day: seconds since midnight, or 'HH:MM' / 'HH:MM:SS' "
                   "(hours may run past 24 for night work)",
}

#: A time of day in seconds since midnight; may run past 24:00 for night work.
TimeS = Annotated[
    float,
    BeforeValidator(parse_time),
    Field(ge=0, le=MAX_TIME_S),
    PlainSerializer(lambda v: int(v) if float(v).is_integer() else v, return_type=Any),
    WithJsonSchema(TIME_JSON_SCHEMA),
]


def _number_kind(annotation: Any) -> str | None:
    """``"whole"`` for an int field, ``"real"`` for a float one (optional or annotated
    alike), None for anything else: the fields JSON ``true``/``false`` must not fill."""
    if annotation is bool:
        return None
    if annotation is float:
        return "real"
    if annotation is int:
        return "whole"
    origin = get_origin(annotation)
    if origin is Annotated:
        return _number_kind(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        kinds = {_number_kind(a) for a in get_args(annotation)} - {None}
        return "real" if "real" in kinds else kinds.pop() if kinds else None
    return None


@cache
def _number_fields(model: type[BaseModel]) -> dict[str, str]:
    """The numeric fields of a model, by name (see :func:`_number_kind`)."""
    kinds = {name: _number_kind(f.annotation) for name, f in model.model_fields.items()}
    return {name: kind for name, kind in kinds.items() if kind is not None}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_truth_values_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        """JSON ``true``/``false`` is not a count of floors nor a speed: pydantic's lax
        mode would read it as 1 or 0, so refuse it here (times refuse it themselves)."""
        if isinstance(value, bool) and info.field_name is not None:
            kind = _number_fields(cls).get(info.field_name)
            if kind is not None:
                noun = "a whole number" if kind == "whole" else "a number"
                raise ValueError(f"expected {noun}, not true or false")
        return value


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
    residents: int = Field(1, ge=1, le=50)
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
        from supplyroute.models.references import scenario_issues

        issues = scenario_issues(self)
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
