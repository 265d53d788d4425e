"""The rules of a district's joint plan, as the district checker names them, the
tolerances its stated figures are read with, and a located stop of a van's route, which
both halves of the checker (:mod:`supplyroute.checks.district` and
:mod:`supplyroute.checks.district_rounds`) index the plan by."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from supplyroute.models.district_plan import VehicleStop

TIME_TOLERANCE_S = 1.0  #: plans round times; drives and services sum a few of them.
KG_TOLERANCE = 0.01  #: loads, lots and staging are stated to the gram or so.
KM_TOLERANCE = 0.01  #: route lengths are stated to the metre.
GAP_TOLERANCE = 1e-4  #: gaps are stated to 4 decimals (and the bound's rounding).
OVERLAP_TOLERANCE_S = 0.01  #: unloadings that merely touch do not share a bay.


class DistrictRule(str, Enum):
    """The rules of a district's joint plan (vans, lots, orders, rides, rounds and
    summary) that the district checker checks."""

    #: the plan's shape: its scenario name; vehicles, depots, compounds, shipments, lots
    #: and transports it names exist; each vehicle has one route, from a "start" stop at
    #: its start depot to an "end" stop at its end depot; goods are loaded at depots and
    #: unloaded at compounds' gates; each stop's kind is what is done there; a shipment
    #: belongs to a lot or to a medicine order; a missed request is one of the district's
    #: orders or transports, of its kind, once.
    STRUCTURE = "structure"
    #: the goods on board above the vehicle's kg or room, passengers above its seats, or a
    #: stated load that is not what is on board.
    CAPACITY = "capacity"
    #: a route that starts before the vehicle's shift or ends after it.
    SHIFT = "shift"
    #: stated times that do not add up: arriving before the drive from the previous stop
    #: is over, service before arrival, or leaving before loading, unloading and boarding
    #: are done.
    TIMING = "timing"
    #: loading at a depot outside its opening hours.
    OPENING = "opening"
    #: a vehicle loading at a depot it may not load at (``loads_at``).
    LOADS_AT = "loads_at"
    #: more of a kind taken from a depot than it has (or of a kind it does not stock).
    STOCK = "stock"
    #: a shipment not picked up exactly once at its depot and dropped exactly once, after,
    #: by the same vehicle, at its compound's gate.
    PICKUP = "pickup"
    #: more vans unloading at a gate at once than it has bays, a bay out of range, or one
    #: bay used by two unloadings at once.
    BAYS = "bays"
    #: more goods waiting out their dwell at a gate than its staging room holds, or a
    #: stated staging curve or peak that is not the recomputed one.
    STAGING = "staging"
    #: a lot released before all its goods are in and have dwelled, or whose goods are not
    #: its households' bags (a household in no lot or in two, a medicine order's lot that
    #: is not its pickups).
    RELEASE = "release"
    #: a medicine order not at the door by its deadline, or a depot of it not visited.
    ORDER = "order"
    #: a patient not taken from the gate (from ``ready``) to the hospital by the
    #: deadline, or not brought back (from ``back_from``); stated legs that are not the
    #: stops'.
    TRANSPORT = "transport"
    #: a compound's round breaks a doorstep rule of its day scenario (the doorstep
    #: checker), a compound without exactly one round, or household times that do not
    #: match the lots and the round.
    ROUND = "round"
    #: the summary's figures do not match the routes and the rounds (the gap is not
    #: makespan / bound - 1, or stated where it is undefined), or a free label out of
    #: its range.
    SUMMARY = "summary"
    #: a claim argued again does not hold: the district's lower bound is above the one
    #: the checker's own argument gives, or its kind names an argument that does not
    #: give it; a round's bound or optimality that the round's arguments (the doorstep
    #: claim checker, on the round's day scenario) do not support.
    CLAIM = "claim"


@dataclass(frozen=True)
class Visit:
    """A stop of a route, located: which vehicle, which stop, where in the plan."""

    vehicle: str
    index: int  #: index of the stop in its route.
    stop: VehicleStop
    where: str

