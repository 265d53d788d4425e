"""What every doorstep solver shares: the prepared scenario and the result shape."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from supplyroute.bounds.carry import alike, parcel_cost
from supplyroute.demand import Demand, Parcel
from supplyroute.models import Scenario, UnservedReason
from supplyroute.schedule import Timetable
from supplyroute.travel import Travel
from supplyroute.trips import TripBuilder


@dataclass(frozen=True)
class Progress:
    """A progress report from a long solve."""

    elapsed_s: float
    stage: str
    makespan_s: float | None = None
    lower_bound_s: float | None = None

    @property
    def gap(self) -> float | None:
        """makespan / bound - 1; None where they do not compare: a makespan below the
        bound is that of a round that leaves households out (a timed one, say)."""
        if self.makespan_s is None or not self.lower_bound_s:
            return None
        if self.makespan_s < self.lower_bound_s:
            return None
        return self.makespan_s / self.lower_bound_s - 1


@dataclass
class Budget:
    """How long a solver may search: wall-clock, or (deterministic) iterations only."""

    time_limit_s: float
    deterministic: bool
    started: float = field(default_factory=time.monotonic)
    report: Callable[[Progress], None] | None = None
    #: asked as the search goes: True ends it early with the best plan so far (a
    #: coordinator pressed Ctrl-C and wants what there is, not nothing).
    stop: Callable[[], bool] | None = None
    #: A share of the search's rounds (1: all of them): fewer rounds, a quicker plan,
    #: in deterministic mode too (a district's many rounds on a cluster).
    effort: float = 1.0

    def rounds(self, full: int) -> int:
        """How many of ``full`` search rounds to make at this effort (at least one)."""
        return max(1, round(full * self.effort))

    def interrupted(self) -> bool:
        return self.stop is not None and self.stop()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def expired(self) -> bool:
        """Past the time limit, less a small reserve for building the plan after the
        search; never in deterministic mode (searches stop on counts there)."""
        return self.interrupted() or self.left_s() <= 0

    def left_s(self) -> float:
        """Seconds left before :meth:`expired` (infinite in deterministic mode): the
        time limit less a reserve of 5% (at most 2 s)."""
        if self.deterministic:
            return math.inf
        return self.time_limit_s - min(2.0, 0.05 * self.time_limit_s) - self.elapsed()

    def spent(self) -> bool:
        """Past the time limit itself: optional finishing work (the routing pass) stops
        here; never in deterministic mode."""
        if self.interrupted():
            return True
        return not self.deterministic and self.elapsed() >= self.time_limit_s

    def tell(self, stage: str, makespan_s: float | None = None,
             lower_bound_s: float | None = None) -> None:
        if self.report is not None:
            self.report(Progress(self.elapsed(), stage, makespan_s, lower_bound_s))


class Context:
    """A scenario prepared for solving: travel, demand, trip builder, eligibility."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.travel = Travel(scenario)
        self.demand = Demand(scenario)
        self.builder = TripBuilder(self.demand, self.travel)
        self.volunteers = list(scenario.volunteers)
        self.household_index = {q.id: q.index for q in self.demand.parcels}
        #: Each volunteer's representative: the first one alike in everything but id
        #: (:func:`supplyroute.bounds.carry.alike`); rules and costs are the same for both.
        self.representative = alike(scenario)
        self._costs: dict[tuple[int, int], float] = {}
        members: dict[int, list[int]] = {}
        for v, rep in self.representative.items():
            members.setdefault(rep, []).append(v)
        # The rules asked once per kind of volunteer, not once per volunteer: a large
        # compound has tens of thousands of households and hundreds of volunteers.
        self.eligible: dict[int, list[int]] = {
            q.index: sorted(v for rep, vs in members.items()
                            if self.demand.eligible(q, self.volunteers[rep]) for v in vs)
            for q in self.demand.parcels
        }

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
                   if parcel.bags <= s.trip_capacity(v)[0]
                   and parcel.kg <= s.trip_capacity(v)[1] + 1e-9]
        if not fitting:
            return (UnservedReason.NO_ELIGIBLE_VOLUNTEER,
                    "its bags exceed the capacity of every volunteer allowed to serve it")
        return (UnservedReason.NOT_RELEASED,
                "its bags are not released at the gate of any volunteer allowed to serve it")


@dataclass
class SolverResult:
    timetable: Timetable
    proven_optimal: bool = False
    context: Context | None = None  #: the context the trips were built in, if not the caller's.
