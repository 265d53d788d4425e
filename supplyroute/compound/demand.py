"""Demand: what each household is due, when its bags are at which gate, who may bring them.

A :class:`Parcel` is the unit of delivery: all the bags of one household, brought by
one volunteer on one trip (split over several climbs if the hands cannot hold them).
A volunteer without a cart whose hands cannot hold them all brings them on several
trips by hand, one after another (a *shuttle*: :meth:`Demand.shuttles`), as long as its
hands hold each bag.

Gate releases: a household named in a release batch has its bags at that gate from the
batch's time. Every other household draws on a gate's pool of interchangeable bags:
at a gate with count batches, the bags loaded by the trips that have started by time t
may not exceed the bags released by t; a gate with no count batch has them all from
the start of the day.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

from supplyroute.models import DeliveryMode, Household, Priority, Scenario, Volunteer

PRIORITY_RANK = {Priority.URGENT: 0, Priority.VULNERABLE: 1, Priority.STANDARD: 2}


@dataclass(frozen=True)
class Parcel:
    """All the bags of one household."""

    index: int  #: position in ``scenario.households``.
    household: Household
    stairwell: str
    building: str
    floor: int
    bags: int
    kg: float
    door: bool  #: carried up to the door (else dropped at the entrance).
    named_gate: str | None  #: the gate of the batch that names it, if any.
    named_release_s: float | None
    #: One leg of a shuttle: the indices of the household's bags it carries (None: all).
    part: tuple[int, ...] | None = None

    @property
    def bag_indices(self) -> tuple[int, ...]:
        """The indices, in the household's bags, of the bags this parcel holds."""
        return self.part if self.part is not None else tuple(range(self.bags))

    @property
    def id(self) -> str:
        return self.household.id

    @property
    def rank(self) -> int:
        return PRIORITY_RANK[self.household.priority]

    @property
    def latest_s(self) -> float | None:
        return self.household.latest_s

    @property
    def earliest_s(self) -> float:
        return self.household.earliest_s

    @property
    def timed(self) -> bool:
        """Has a hard time limit or a window: scheduled individually."""
        return self.household.latest_s is not None or self.household.window is not None


@dataclass
class Pool:
    """A gate's count batches as a cumulative supply of interchangeable bags."""

    times: list[float] = field(default_factory=list)
    cumulative: list[int] = field(default_factory=list)
    unlimited: bool = True

    def released_by(self, t: float) -> float:
        if self.unlimited:
            return float("inf")
        k = bisect.bisect_right(self.times, t + 1e-9)
        return self.cumulative[k - 1] if k else 0

    def time_for(self, needed: float) -> float | None:
        """The first time at which ``needed`` bags have been released (None: never)."""
        if self.unlimited or needed <= 0:
            return float("-inf") if needed <= 0 or self.unlimited else None
        k = bisect.bisect_left(self.cumulative, needed)
        return self.times[k] if k < len(self.times) else None


class Demand:
    """Parcels, gate pools and eligibility of a scenario."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        named: dict[str, tuple[str, float]] = {}
        self.pools: dict[str, Pool] = {}
        for gate in scenario.gates:
            counts = sorted((r.at, r.bags) for r in gate.releases if r.bags is not None)
            pool = Pool(unlimited=not counts)
            total = 0
            for at, bags in counts:
                total += bags or 0
                pool.times.append(at)
                pool.cumulative.append(total)
            self.pools[gate.id] = pool
            for r in gate.releases:
                for hid in r.households or ():
                    named[hid] = (gate.id, r.at)

        self.parcels: list[Parcel] = []
        for i, h in enumerate(scenario.households):
            bags = scenario.bags_of(h)
            gate, release = named.get(h.id, (None, None))
            self.parcels.append(Parcel(
                index=i,
                household=h,
                stairwell=h.stairwell,
                building=scenario.stairwell_building[h.stairwell].id,
                floor=h.floor,
                bags=len(bags),
                kg=sum(b.weight_kg for b in bags),
                door=h.delivery is DeliveryMode.DOOR,
                named_gate=gate,
                named_release_s=release,
            ))

    @cached_property
    def round_start_s(self) -> float:
        return min(v.shift.start for v in self.scenario.volunteers)

    def release_s(self, parcel: Parcel, volunteer: Volunteer) -> float | None:
        """When this volunteer's gate has the parcel's bags, if it ever does (pool aside)."""
        if parcel.named_gate is not None:
            return parcel.named_release_s if parcel.named_gate == volunteer.gate else None
        pool = self.pools[volunteer.gate]
        if pool.unlimited:
            return 0.0
        return pool.times[0] if pool.cumulative and pool.cumulative[-1] > 0 else None

    def eligible(self, parcel: Parcel, volunteer: Volunteer) -> bool:
        """Zone, skill, capacity and gate rules all allow this volunteer to serve it."""
        return (self.scenario.may_serve(volunteer, parcel.household)
                and self._brings(parcel, volunteer)
                and (not parcel.door or self._hands_hold(parcel, volunteer)))

    def may_ferry(self, parcel: Parcel, volunteer: Volunteer) -> bool:
        """Relays: may this volunteer bring the parcel to its entrance for a climber?"""
        return (self.scenario.may_ferry(volunteer, parcel.household)
                and self._brings(parcel, volunteer, shuttle=False))

    def may_climb(self, parcel: Parcel, volunteer: Volunteer) -> bool:
        """Relays: may this volunteer take the parcel from its entrance to its door?"""
        return (self.scenario.may_climb(volunteer, parcel.household)
                and self._hands_hold(parcel, volunteer))

    def shuttles(self, parcel: Parcel, volunteer: Volunteer) -> bool:
        """Does this volunteer bring the parcel on several trips by hand: no cart, more
        than its hands hold, and each bag within its hands?"""
        cap_bags, cap_kg = self.scenario.hand_capacity(volunteer)
        return (volunteer.cart is None
                and (parcel.bags > cap_bags or parcel.kg > cap_kg + 1e-9)
                and all(b.weight_kg <= cap_kg + 1e-9
                        for b in self.scenario.bags_of(parcel.household)))

    def _brings(self, parcel: Parcel, volunteer: Volunteer, shuttle: bool = True) -> bool:
        """One of its trips holds the parcel (or, ``shuttle``, several by hand do), and
        its gate has the bags."""
        cap_bags, cap_kg = self.scenario.trip_capacity(volunteer)
        fits = parcel.bags <= cap_bags and parcel.kg <= cap_kg + 1e-9
        return ((fits or (shuttle and self.shuttles(parcel, volunteer)))
                and self.release_s(parcel, volunteer) is not None)

    def _hands_hold(self, parcel: Parcel, volunteer: Volunteer) -> bool:
        """Each of the parcel's bags fits the volunteer's hands on a climb."""
        hand_kg = self.scenario.hand_capacity(volunteer)[1]
        return all(b.weight_kg <= hand_kg + 1e-9
                   for b in self.scenario.bags_of(parcel.household))
