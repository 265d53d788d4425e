"""The prepared compound: a scenario made ready once for every bound and planner.

Building the walking distances, the parcels and the eligibility of a compound of
thousands of households takes seconds; a round's bounds, its planners and the plan's
assembly all read the same :class:`PreparedCompound`.
"""

from __future__ import annotations

from supplyroute.compound.costs import alike, parcel_cost
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.compound.trips import TripBuilder
from supplyroute.models import Scenario, UnservedReason


class PreparedCompound:
    """A scenario prepared once for the bounds and the round planners: its travel
    (distances, stairs), its demand (parcels, pools), the trip builder, and who may
    serve each household, asked once per kind of volunteer."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.travel = Travel(scenario)
        self.demand = Demand(scenario)
        self.builder = TripBuilder(self.demand, self.travel)
        self.volunteers = list(scenario.volunteers)
        self.household_index = {q.id: q.index for q in self.demand.parcels}
        #: Each volunteer's representative: the first one alike in everything but id
        #: (:func:`supplyroute.compound.costs.alike`); rules and costs are the same for both.
        self.representative = alike(scenario)
        self._costs: dict[tuple[int, int], float] = {}
        members: dict[int, list[int]] = {}
        for v, rep in self.representative.items():
            members.setdefault(rep, []).append(v)
        # The rules asked once per kind of volunteer, not once per volunteer: a large
        # compound has tens of thousands of households and hundreds of volunteers.
        #: Who may serve each parcel (volunteer indices, ascending). Parcels that the
        #: same kinds may serve share one list: read it, never change it in place.
        self.eligible: dict[int, list[int]] = {}
        shared: dict[tuple[int, ...], list[int]] = {}
        for q in self.demand.parcels:
            kinds = tuple(rep for rep in members if self.demand.eligible(q, self.volunteers[rep]))
            who = shared.get(kinds)
            if who is None:
                who = shared[kinds] = sorted(v for rep in kinds for v in members[rep])
            self.eligible[q.index] = who

    def parcel_cost(self, v: int, parcel: Parcel) -> float:
        """The work LP's linear cost of ``parcel`` for volunteer ``v`` (bag shares);
        the same for volunteers alike, so computed once per kind."""
        key = (self.representative[v], parcel.index)
        cost = self._costs.get(key)
        if cost is None:
            cost = self._costs[key] = parcel_cost(self.demand, self.travel, key[0], parcel)
        return cost

    @property
    def servable(self) -> list[Parcel]:
        return [q for q in self.demand.parcels if self.eligible[q.index]]

    def why_unservable(self, parcel: Parcel) -> tuple[UnservedReason, str]:
        """The reason a parcel has no eligible volunteer at all."""
        s = self.scenario
        allowed = [v for v in self.volunteers if s.may_serve(v, parcel.household)]
        if not allowed:
            return (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                    "no volunteer's zone and skills allow this household")
        fitting = [v for v in allowed
                   if (parcel.bags <= s.trip_capacity(v)[0]
                       and parcel.kg <= s.trip_capacity(v)[1] + 1e-9)
                   or self.demand.shuttles(parcel, v)]
        if not fitting:
            return (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                    "its bags exceed the capacity of every volunteer allowed to serve it")
        return (UnservedReason.NOT_RELEASED,
                "its bags are not released at the gate of any volunteer allowed to serve it")
