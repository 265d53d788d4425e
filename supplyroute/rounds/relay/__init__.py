"""The relay planner: ferries bring bags to the entrances, climbers take them up.

What the reports describe (seed 004): goods moved from the gate to the building doors,
often by cart, and volunteers stationed in the buildings carry them up. A relay saves
the walk from the gate on every climb and the climbs on every cart trip.

1. **Timed households** (deadline or window) are carried, each on a trip of its own,
   as in carry mode.
2. **Roles.** The relay work LP (:func:`~supplyroute.bounds.relay.relay_work_lp`),
   with whole stairwells as units, shares the work out in three kinds: carried (the
   volunteer brings and climbs), ferried, climbed. Each volunteer the scenario leaves
   free becomes a *trip-maker* (carries and ferries) or a *climber*, by the larger of
   its two kinds of work; the LP is solved again within those roles.
3. **Rounding.** Households are handed out by systematic rounding of the LP's
   amounts (each to the volunteer furthest behind its LP work), then each ferried
   household to a climber with work in its stairwell; interchangeable volunteers then
   pool their households and take compact stretches of stairwells, the urgent and
   vulnerable dealt out in turn. Urgent and vulnerable households are carried, not
   relayed (where someone may carry them): they ride in the first loads instead of
   waiting at a door for a climber who makes its trips first.
4. **Loads and climbs.** Each trip-maker's households are packed into loads as in
   carry mode (priority households first); at every stop the ferried households are
   put down in the entrance buffer, and each climber's share of them is cut into stair
   runs (top floors first, as much as the hands and the buffer hold).
5. **The day, simulated.** Events in time order: a trip-maker starts its next load as
   soon as the gate has the bags; a drop waits while the buffer is full; each climb
   goes to the climber allowed there who can finish it first, a second of walking
   counted as three (it is work nobody else can do meanwhile): where no buffer has a
   limit, as soon as its ferry leaves, so that the climber walks ahead and waits at
   the door; else once its bags are down (a ferry waiting for room must never wait
   for a climber who waits for that ferry). A volunteer may make trips first and
   climb after. Every time is computed once and is what the plan states.
6. **Steering.** The LP is solved again with each volunteer's measured overhead
   (waiting, walking between stations, partial loads) as a fixed offset, while time
   is left; the best day is kept.
"""
from supplyroute.rounds.relay.day import RelayTimetable
from supplyroute.rounds.relay.solve import RelayPlanner, relay_round, solve

__all__ = ["RelayPlanner", "RelayTimetable", "relay_round", "solve"]
