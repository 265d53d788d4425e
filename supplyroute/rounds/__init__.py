"""Round planners: one day's carrying from a compound's gate to its doors.

Every way of planning a round sits behind one interface
(:mod:`supplyroute.rounds.interface`): ``carry`` (the optimiser: each volunteer
carries its bags from the gate up the stairs), ``relay`` (ferries to the entrances,
climbers up the stairs), ``exact`` (a proof of optimality on tiny compounds) and
``manual`` (the by-hand method of the reports). Each registers itself; importing the
package registers them all. :mod:`supplyroute.rounds.assemble` turns a planned round
into a plan with its summary.
"""

from supplyroute.rounds import carry, exact, manual, relay  # noqa: F401  (registration)
from supplyroute.rounds.budget import Budget, Progress
from supplyroute.rounds.interface import (
    RoundPlanner,
    RoundRequest,
    RoundResult,
    choose,
    planners,
    register,
)

__all__ = ["Budget", "Progress", "RoundPlanner", "RoundRequest", "RoundResult", "choose",
           "planners", "register"]
