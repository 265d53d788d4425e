"""A district: the depots, vans and roads that bring goods to several compounds' gates.

A street office serves several sealed compounds with the same few vans. Goods come from
wholesale markets, supermarkets, pharmacies, hospitals and donors; vans pick them up
and unload them at each compound's one supply gate without entering; the gate has a
few unloading bays, room to stage goods while they are disinfected, and a dwell before
anything may be handed out. A :class:`DistrictScenario` is that first echelon plus each
compound's doorstep :class:`~supplyroute.models.scenario.Scenario`: what the rounds
need (every bag of every household) is what the vans must bring.

District places (depots, supply gates, road nodes) share one frame of their own, in
metres or latitude/longitude; each compound keeps its own frame inside. Times are
seconds from midnight of the day (or ``"HH:MM"``), weights kg, speeds km/h.

Special cases from the reports: medicine for one household fetched from several named
places (insulin from three hospitals) by a deadline at the door, and a person taken to
hospital by a deadline (dialysis: 40 minutes) and maybe brought back later.
"""

from __future__ import annotations

from enum import Enum
from functools import cached_property
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from supplyroute.errors import InputError, InputIssue
from supplyroute.models.base import MAX_SPAN_M, TimeS, _Frozen
from supplyroute.models.scenario import Position, Scenario, Shift, Window

DISTRICT_FORMAT = "supplyroute.district"

#: A depot open all day (and the night after), when it says nothing.
ALL_DAY = Window(start=0, end=48 * 3600)


class DepotKind(str, Enum):
    MARKET = "market"  #: a wholesale market.
    SUPERMARKET = "supermarket"
    PHARMACY = "pharmacy"
    HOSPITAL = "hospital"
    DONOR = "donor"  #: where donated goods wait to be fetched.


class Stock(_Frozen):
    """What a depot can hand out today of one kind of goods (a bag kind of the rounds:
    ``living``, ``prevention``, ``insulin``...)."""

    kind: str = Field(min_length=1)
    kg: float | None = Field(default=None, ge=0, le=1e7)  #: None: as much as is asked.


class Depot(_Frozen):
    """Where vans pick goods up (or start and end their day), or a hospital."""

    id: str = Field(min_length=1)
    kind: DepotKind
    name: str | None = Field(default=None, max_length=100)
    position: Position
    node: str | None = None  #: road node it stands at (default: nearest).
    open: Window = ALL_DAY  #: pickups start and end within these hours.
    load_s_per_kg: float = Field(0.2, ge=0, le=60)  #: loading a van here.
    stock: tuple[Stock, ...] = ()


class Vehicle(_Frozen):
    """A van (or car) of the street office, or a donor's truck."""

    id: str = Field(min_length=1)
    capacity_kg: float = Field(gt=0, le=40_000)
    #: Room in cubic metres, if it binds before the weight; goods take
    #: ``parameters.kg_per_m3`` of room per kg.
    capacity_m3: float | None = Field(default=None, gt=0, le=200)
    seats: int = Field(0, ge=0, le=50)  #: passengers it may carry (0: goods only).
    shift: Shift
    start: str  #: depot id where the day starts.
    end: str | None = None  #: depot id where it ends (default: its start).
    speed_kmh: float = Field(30.0, ge=1, le=120)
    cost_per_km: float = Field(1.0, ge=0, le=1000)
    #: Depots this vehicle may load at (default: any): a donor's truck brings its own.
    loads_at: tuple[str, ...] | None = Field(default=None, min_length=1)


class RoadNode(_Frozen):
    id: str = Field(min_length=1)
    position: Position


class RoadEdge(_Frozen):
    a: str
    b: str
    length_m: float | None = Field(default=None, gt=0, le=10 * MAX_SPAN_M)  #: default: straight.


class Roads(_Frozen):
    """A road network: driving distance is the shortest path on it. Give the nodes and
    edges here, or ``graphml``: a GraphML file (path relative to the scenario) whose
    nodes have ``x``/``y`` (metres) or ``lat``/``lon`` and whose edges may have a
    ``length_m`` (or ``length``)."""

    nodes: tuple[RoadNode, ...] = ()
    edges: tuple[RoadEdge, ...] = ()
    graphml: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Roads:
        if self.graphml is None and not self.nodes:
            raise ValueError("give the road 'nodes' and 'edges', or a 'graphml' file")
        if self.graphml is not None and self.nodes:
            raise ValueError("give either 'nodes'/'edges' or 'graphml', not both")
        return self


class SupplyGate(_Frozen):
    """A compound's supply gate as the vans see it: where it is in the district, how
    many vans may unload at once, how fast, the room to stage goods and the
    disinfection dwell before they are handed out."""

    gate: str | None = None  #: the doorstep scenario's gate id (default: its only gate).
    position: Position
    node: str | None = None
    bays: int = Field(1, ge=1, le=50)
    unload_s_per_kg: float = Field(0.5, ge=0, le=60)
    #: Goods waiting out their dwell (shipping containers, parcel shelves), in kg.
    staging_kg: float = Field(gt=0, le=1e7)
    dwell_s: float = Field(1800.0, ge=0, le=86400)


def _scenario_or_file(schema: dict[str, Any]) -> None:
    """In the JSON Schema, a compound's scenario is inline or a file name (which
    :func:`supplyroute.io.load_district` reads in its place)."""
    inline = schema["properties"]["scenario"]
    schema["properties"]["scenario"] = {"anyOf": [inline, {
        "type": "string", "description": "a doorstep scenario file, relative to the "
                                         "district file"}]}


class Compound(_Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False,
                              json_schema_extra=_scenario_or_file)

    id: str = Field(min_length=1)
    #: The doorstep scenario (a file path relative to the district file is read in its
    #: place; the day's round scenario a ``cycle`` run wrote will do).
    scenario: Scenario
    supply_gate: SupplyGate


class OrderPickup(_Frozen):
    depot: str
    kg: float = Field(gt=0, le=1000)


class MedicineOrder(_Frozen):
    """Medicine for one household, fetched from every named depot, at the door by a
    deadline. Its goods are the household's bags of ``bag_kind`` (the other bags come
    with the compound's goods)."""

    id: str = Field(min_length=1)
    compound: str
    household: str
    bag_kind: str = Field("medicine", min_length=1)
    pickups: tuple[OrderPickup, ...] = Field(min_length=1)
    deadline: TimeS  #: handed over at the door by then (hard).


class Transport(_Frozen):
    """A person taken from their compound's gate to a hospital and, maybe, back."""

    id: str = Field(min_length=1)
    compound: str
    household: str
    hospital: str  #: depot id.
    ready: TimeS  #: at the gate from then.
    deadline: TimeS  #: at the hospital by then (hard).
    back_from: TimeS | None = None  #: ready to come back from then (the return is planned).
    board_s: float = Field(120.0, ge=0, le=3600)  #: getting in or out, each time.


class DistrictParameters(_Frozen):
    road_factor: float = Field(1.3, ge=1.0, le=5.0)  #: driving / straight line, without roads.
    kg_per_m3: float = Field(200.0, gt=0, le=10_000)  #: for vans with a ``capacity_m3``.
    #: Goods of a compound go in lots (the households of a few stairwells): each lot is
    #: released when all of it is in. Default: sized from the vans and the demand.
    lot_kg: float | None = Field(default=None, gt=0, le=40_000)


class DistrictScenario(_Frozen):
    """Depots, vehicles, roads and the compounds they serve, with special orders."""

    format: Literal["supplyroute.district"] = DISTRICT_FORMAT
    name: str = Field(min_length=1)
    description: str | None = None
    notes: tuple[str, ...] = ()
    parameters: DistrictParameters = DistrictParameters()
    depots: tuple[Depot, ...] = Field(min_length=1)
    vehicles: tuple[Vehicle, ...] = Field(min_length=1)
    roads: Roads | None = None
    compounds: tuple[Compound, ...] = Field(min_length=1)
    orders: tuple[MedicineOrder, ...] = ()
    transports: tuple[Transport, ...] = ()

    @model_validator(mode="after")
    def _references(self) -> DistrictScenario:
        issues = _check_references(self)
        if issues:
            raise InputError(issues)
        return self

    @cached_property
    def depot_by_id(self) -> dict[str, Depot]:
        return {d.id: d for d in self.depots}

    @cached_property
    def compound_by_id(self) -> dict[str, Compound]:
        return {c.id: c for c in self.compounds}

    @cached_property
    def vehicle_by_id(self) -> dict[str, Vehicle]:
        return {v.id: v for v in self.vehicles}

    def gate_id(self, compound: Compound) -> str:
        """The doorstep gate the compound's goods arrive at."""
        return compound.supply_gate.gate or compound.scenario.gates[0].id

    def order_bags(self, compound: Compound) -> dict[str, str]:
        """Household id -> bag kind its medicine order brings, for this compound."""
        return {o.household: o.bag_kind for o in self.orders if o.compound == compound.id}


def _check_references(d: DistrictScenario) -> list[InputIssue]:
    depots = {x.id: x for x in d.depots}
    compounds = {c.id: c for c in d.compounds}
    issues = _duplicate_ids(d)
    issues += _depot_issues(d)
    issues += _vehicle_issues(d, depots)
    issues += _compound_issues(d)
    issues += _order_issues(d, depots, compounds)
    issues += _transport_issues(d, depots, compounds)
    if d.transports and not any(v.seats for v in d.vehicles):
        issues.append(InputIssue("vehicles", "no vehicle has seats for the transports"))
    return issues


def _duplicate_ids(d: DistrictScenario) -> list[InputIssue]:
    """Depots, vehicles, compounds, orders and transports whose id an earlier one of the
    same list already has."""
    issues: list[InputIssue] = []
    for field, items in (("depots", d.depots), ("vehicles", d.vehicles),
                         ("compounds", d.compounds), ("orders", d.orders),
                         ("transports", d.transports)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                issues.append(InputIssue(f"{field}[{i}].id", f"duplicate id {item.id!r}"))
            seen.add(item.id)
    return issues


def _depot_issues(d: DistrictScenario) -> list[InputIssue]:
    """Depots that close before they open or list a kind of goods twice in stock."""
    issues: list[InputIssue] = []
    for i, x in enumerate(d.depots):
        if x.open.end <= x.open.start:
            issues.append(InputIssue(f"depots[{i}].open", "closes before it opens"))
        stocked: set[str] = set()
        for k, s in enumerate(x.stock):
            if s.kind in stocked:
                issues.append(InputIssue(f"depots[{i}].stock[{k}].kind",
                                         f"{s.kind!r} is listed twice"))
            stocked.add(s.kind)
    return issues


def _vehicle_issues(d: DistrictScenario, depots: dict[str, Depot]) -> list[InputIssue]:
    """Vans that start, end or load at unknown depots, or whose shift ends before it
    starts."""
    issues: list[InputIssue] = []
    for i, v in enumerate(d.vehicles):
        for field, ref in (("start", v.start), ("end", v.end)):
            if ref is not None and ref not in depots:
                issues.append(InputIssue(f"vehicles[{i}].{field}", f"unknown depot {ref!r}"))
        for k, ref in enumerate(v.loads_at or ()):
            if ref not in depots:
                issues.append(InputIssue(f"vehicles[{i}].loads_at[{k}]", f"unknown depot {ref!r}"))
        if v.shift.end <= v.shift.start:
            issues.append(InputIssue(f"vehicles[{i}].shift", "ends before it starts"))
    return issues


def _compound_issues(d: DistrictScenario) -> list[InputIssue]:
    """Compounds whose supply gate is unnamed or unknown, whose volunteers start at
    another gate, or whose bags need goods no depot stocks (nor an order brings)."""
    issues: list[InputIssue] = []
    kinds = {s.kind for x in d.depots for s in x.stock}
    for i, c in enumerate(d.compounds):
        gates = [g.id for g in c.scenario.gates]
        wanted = c.supply_gate.gate
        if wanted is None and len(gates) > 1:
            issues.append(InputIssue(f"compounds[{i}].supply_gate.gate",
                                     f"missing: the compound has {len(gates)} gates; name "
                                     "the one goods arrive at"))
        elif wanted is not None and wanted not in gates:
            issues.append(InputIssue(f"compounds[{i}].supply_gate.gate",
                                     f"unknown gate {wanted!r} of compound {c.id!r}"))
        gate = wanted or gates[0]
        others = sorted({v.gate for v in c.scenario.volunteers} - {gate})
        if others:
            issues.append(InputIssue(f"compounds[{i}].scenario.volunteers",
                                     f"volunteers start at gate {others[0]!r}, but goods "
                                     f"arrive at {gate!r} only"))
        missing = sorted({b.kind for h in c.scenario.households
                          for b in c.scenario.bags_of(h)} - kinds
                         - {o.bag_kind for o in d.orders if o.compound == c.id})
        if missing:
            issues.append(InputIssue(f"compounds[{i}].scenario",
                                     f"no depot stocks {missing[0]!r}, which its bags need"))
    return issues


def _order_issues(d: DistrictScenario, depots: dict[str, Depot],
                  compounds: dict[str, Compound]) -> list[InputIssue]:
    """Medicine orders repeated for a household, or naming an unknown compound,
    household, bag or pickup depot."""
    issues: list[InputIssue] = []
    ordered: set[tuple[str, str]] = set()
    for i, o in enumerate(d.orders):
        if (o.compound, o.household) in ordered:
            issues.append(InputIssue(f"orders[{i}].household", "one medicine order per household"))
        ordered.add((o.compound, o.household))
        c = compounds.get(o.compound)
        if c is None:
            issues.append(InputIssue(f"orders[{i}].compound", f"unknown compound {o.compound!r}"))
            continue
        h = c.scenario.household_by_id.get(o.household)
        if h is None:
            issues.append(InputIssue(f"orders[{i}].household",
                                     f"unknown household {o.household!r} of {o.compound!r}"))
        elif not any(b.kind == o.bag_kind for b in c.scenario.bags_of(h)):
            issues.append(InputIssue(f"orders[{i}].bag_kind",
                                     f"household {o.household!r} has no {o.bag_kind!r} bag"))
        for k, p in enumerate(o.pickups):
            if p.depot not in depots:
                issues.append(InputIssue(f"orders[{i}].pickups[{k}].depot",
                                         f"unknown depot {p.depot!r}"))
    return issues


def _transport_issues(d: DistrictScenario, depots: dict[str, Depot],
                      compounds: dict[str, Compound]) -> list[InputIssue]:
    """Patient transports naming an unknown compound, household or hospital, or whose
    deadline or way back is out of order."""
    issues: list[InputIssue] = []
    for i, t in enumerate(d.transports):
        c = compounds.get(t.compound)
        if c is None:
            issues.append(InputIssue(f"transports[{i}].compound",
                                     f"unknown compound {t.compound!r}"))
        elif t.household not in c.scenario.household_by_id:
            issues.append(InputIssue(f"transports[{i}].household",
                                     f"unknown household {t.household!r} of {t.compound!r}"))
        hospital = depots.get(t.hospital)
        if hospital is None:
            issues.append(InputIssue(f"transports[{i}].hospital",
                                     f"unknown depot {t.hospital!r}"))
        if t.deadline <= t.ready:
            issues.append(InputIssue(f"transports[{i}].deadline", "is not after 'ready'"))
        if t.back_from is not None and t.back_from < t.deadline:
            issues.append(InputIssue(f"transports[{i}].back_from", "is before 'deadline'"))
    return issues
