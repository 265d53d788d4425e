"""A district's joint plan: the vans' routes, each gate's day, each compound's round.

Timing semantics (``supplyroute check`` recomputes all of them):

- A vehicle's route is a list of stops from its start depot to its end depot. It
  drives from one stop to the next at its speed over the roads (``arrive_s`` is no
  earlier than the previous ``leave_s`` plus the drive); service at a stop begins at
  ``start_s`` (after any wait for opening hours, a free bay, room in staging or a
  passenger) and takes loading (the depot's ``load_s_per_kg`` times the kg picked up),
  unloading (the gate's ``unload_s_per_kg`` times the kg dropped) and boarding time.
- At a gate, a van unloading occupies one ``bay`` from ``start_s`` to ``leave_s``. Its
  goods stand in staging from the end of unloading until their lot is released, which
  is at least the gate's ``dwell_s`` later (disinfection).
- A lot (the goods of a set of households) is released when all its shipments are in
  and have dwelled; the compound's round takes the lot's households' bags from then
  (the round's scenario is the compound's with these releases: ``day_scenario``).
- The end-to-end makespan runs from the first vehicle's shift start to the last
  hand-over in any compound.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from supplyroute.models.plan import Plan

DISTRICT_PLAN_FORMAT = "supplyroute.district-plan"
DISTRICT_PLAN_VERSION = 1


class _Frozen(BaseModel):
    #: A plan holds no NaN nor infinity (a figure that is one is a bug, or a doctored file).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Shipment(_Frozen):
    """Goods of one kind for one lot (or one medicine order) from one depot: picked up
    whole by one vehicle and dropped whole at the compound's gate."""

    id: str
    compound: str
    lot: str | None = None  #: the lot it belongs to; None for a medicine order's.
    order: str | None = None  #: the medicine order it belongs to.
    depot: str
    kind: str
    kg: float


class Lot(_Frozen):
    """The goods of a few stairwells' households, released together; or a medicine
    order's, for its one household (a household is released when all its lots are)."""

    id: str
    compound: str
    order: str | None = None
    households: tuple[str, ...]
    kg: dict[str, float]  #: by kind.
    #: The last of its shipments unloaded; None if one of them is in ``unshipped``
    #: (then the lot is never released and its households are not served).
    arrived_s: float | None
    released_s: float | None  #: arrived plus the gate's dwell (or later).


class VehicleStop(_Frozen):
    kind: Literal["start", "pickup", "delivery", "board", "alight", "end"]
    place: str  #: depot id, or compound id (its supply gate).
    arrive_s: float
    start_s: float  #: service begins (after any wait).
    leave_s: float
    picked: tuple[str, ...] = ()  #: shipment ids loaded here.
    dropped: tuple[str, ...] = ()  #: shipment ids unloaded here.
    boarded: tuple[str, ...] = ()  #: transport ids whose passenger gets in here.
    alighted: tuple[str, ...] = ()  #: transport ids whose passenger gets out here.
    bay: int | None = None  #: unloading bay at a gate (from 0).
    load_kg: float  #: on board when it leaves.


class VehicleRoute(_Frozen):
    vehicle: str
    stops: tuple[VehicleStop, ...] = Field(min_length=2)
    km: float


class StagingPoint(_Frozen):
    at_s: float
    kg: float  #: goods in staging from this time on.


class GateDay(_Frozen):
    """One supply gate's day: the unloadings (bays), staging over time and releases."""

    compound: str
    gate: str
    unloadings: int
    staging: tuple[StagingPoint, ...] = ()
    staging_peak_kg: float = 0.0


class TransportLeg(_Frozen):
    transport: str
    vehicle: str
    picked_s: float  #: the person is in (end of boarding).
    dropped_s: float  #: the person is out (end of alighting).
    back: bool = False


class HouseholdTime(_Frozen):
    """End to end: when a household's goods were at the gate, released, and at its door."""

    household: str
    goods_in_s: float
    released_s: float
    delivered_s: float | None


class CompoundRound(_Frozen):
    compound: str
    plan: Plan  #: the round, a plan of the compound's day scenario.
    households: tuple[HouseholdTime, ...] = ()


class Missed(_Frozen):
    """A medicine order or transport the plan cannot meet, and why (a partial plan)."""

    kind: Literal["order", "transport"]
    id: str
    reason: str
    #: An order given up before the rounds (no van can bring it in time, or planning
    #: with it left its household out): its medicine is not fetched and its household's
    #: round goes without the order's deadline and bags, so that the household's other
    #: bags still go. Such an order is never counted met.
    relaxed: bool = False


class DistrictSummary(_Frozen):
    day_start_s: float  #: the first vehicle's shift start.
    last_delivery_s: float
    makespan_s: float  #: last hand-over in the district minus the day's start.
    #: No plan of the district ends sooner (a partial plan's: no plan serving the
    #: households it serves, with the bags they get).
    lower_bound_s: float
    bound: str  #: the argument and the compound that gives it.
    gap: float | None
    #: The sequential baseline (vans by distance, then the rounds), if it was planned.
    baseline_makespan_s: float | None = None
    iterations: int
    households: int
    households_served: int
    households_unserved: int
    vehicles_used: int
    truck_km: float
    orders_met: int
    orders_total: int
    transports_met: int
    transports_total: int
    solve_s: float | None  #: None in deterministic mode (plans are byte-identical).
    interrupted: bool = False


class DistrictPlan(_Frozen):
    format: Literal["supplyroute.district-plan"] = DISTRICT_PLAN_FORMAT
    version: Literal[1] = DISTRICT_PLAN_VERSION
    scenario: str
    scenario_sha256: str | None = None
    summary: DistrictSummary
    shipments: tuple[Shipment, ...]
    lots: tuple[Lot, ...]
    vehicles: tuple[VehicleRoute, ...]
    gates: tuple[GateDay, ...]
    transports: tuple[TransportLeg, ...] = ()
    compounds: tuple[CompoundRound, ...]
    #: Shipments no vehicle carries (the day cannot take them: shifts, hours, room).
    unshipped: tuple[str, ...] = ()
    missed: tuple[Missed, ...] = ()  #: orders and transports not met, with the reason.
