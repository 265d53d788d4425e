"""The round planner interface: what every way of planning a round is given and gives.

A :class:`RoundPlanner` plans one day's doorstep round of a prepared compound. It says
which kind of round it makes (``mode``: carry or relay), for which requests it is the
one to use (:meth:`RoundPlanner.applies`), and hands back a :class:`RoundResult`: the
volunteers' trips and climbs, the ledger of deliveries and every household left out
with its reason. :func:`supplyroute.planner.plan` computes the bound, asks
:func:`choose` for the planner and assembles the plan
(:func:`supplyroute.rounds.assemble.assemble`), so a new way of planning a round is one
module that registers itself (:func:`register`) and an import in this package's
``__init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from supplyroute.bounds.carry import Bound
from supplyroute.bounds.relay import RelayEligibility
from supplyroute.bounds.service import ServiceBound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.models import Delivery, Scenario, Unserved, VolunteerPlan
from supplyroute.rounds.budget import Budget

#: The kinds of round: carry (whoever brings the bags takes them up) and relay (ferries
#: bring them to the entrances, climbers take them up).
RoundMode = Literal["carry", "relay"]
#: How a round is planned: by the optimiser, or the way coordinators do it by hand.
Method = Literal["optimized", "manual"]
#: A plan that serves the urgent and vulnerable households sooner is preferred while its
#: makespan is at most this share longer than the shortest found: coordinators rank
#: "vulnerable early" above the makespan, but not at any price. (On anzhen4389 a cart's
#: priority load walks a kilometre more: 1.5-2% on the makespan for 220 households
#: served five hours sooner.)
VULNERABLE_PREFERENCE = 0.03


@dataclass(frozen=True)
class RoundRequest:
    """What a planner is asked: the prepared compound, how long it may search, the
    lower bound its round is measured against, and the coordinator's choices."""

    compound: PreparedCompound
    budget: Budget
    bound: Bound
    method: Method = "optimized"
    #: How much longer (a share of the makespan) the round may be so that the urgent
    #: and vulnerable households are served sooner.
    vulnerable_preference: float = VULNERABLE_PREFERENCE
    exact_max_households: int = 10  #: exhaustive search up to this many households...
    exact_max_volunteers: int = 3  #: ...and this many volunteers.
    #: Carry rounds: set when the shifts cannot hold every household.
    service: ServiceBound | None = None
    #: Relay rounds: who may carry, ferry and climb each household's bags.
    relay: RelayEligibility | None = None


@dataclass
class RoundResult:
    """A planned round in the plan's terms, before its summary."""

    volunteers: list[VolunteerPlan]
    deliveries: list[Delivery]
    unserved: list[Unserved] = field(default_factory=list)
    proven_optimal: bool = False


def delivery(scenario: Scenario, household_id: str, volunteer_id: str, delivered_s: float,
             **where: int | str) -> Delivery:
    """The ledger line of a household handed its bags (``where``: its trip or climb)."""
    household = scenario.household_by_id[household_id]
    return Delivery(household=household_id, priority=household.priority.value,
                    volunteer=volunteer_id, delivered_s=round(delivered_s, 2),
                    latest_s=household.latest_s, **where)  # type: ignore[arg-type]


class RoundPlanner(Protocol):
    """One way of planning a round."""

    name: str
    mode: RoundMode
    #: Among the planners of a mode that apply, the lowest priority is chosen: the
    #: planners for special cases (tiny compounds, the by-hand method) come first.
    priority: int

    def applies(self, request: RoundRequest) -> bool:
        """Whether this planner is one to use for ``request``."""

    def solve(self, request: RoundRequest) -> RoundResult:
        """The round."""


_PLANNERS: dict[str, RoundPlanner] = {}


def register(planner: RoundPlanner) -> RoundPlanner:
    """Make ``planner`` one that :func:`choose` may pick (by its name)."""
    _PLANNERS[planner.name] = planner
    return planner


def planners() -> dict[str, RoundPlanner]:
    """The registered planners (each planner module registers itself; the package's
    ``__init__`` imports them all, so any import of :mod:`supplyroute.rounds` sees
    every planner)."""
    return dict(_PLANNERS)


def choose(mode: RoundMode, request: RoundRequest) -> RoundPlanner:
    """The planner of ``mode`` for ``request``: of those that apply, the first by
    priority."""
    fitting = [p for p in _PLANNERS.values() if p.mode == mode and p.applies(request)]
    if not fitting:
        raise LookupError(f"no {mode} round planner applies to this request")
    return min(fitting, key=lambda p: (p.priority, p.name))
