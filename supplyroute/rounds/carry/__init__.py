"""The optimising planner of carry rounds: LP-guided assignment, trip packing,
balancing, routing. One module per stage:

1. **Timed households** (:mod:`.assignment`: deadline or window) get trips of their
   own, given in order of deadline to the eligible volunteer who can hand over
   earliest; except urgent households whose deadline is hours away, which ride in
   the regular loads (urgent loads go first) and get a trip of their own only if the
   timetable would miss it.
2. **Work LP** (:mod:`.assignment`). The bound's linear program (``bound.work_lp``),
   with the timed work as fixed offsets, shares every other household out among the
   volunteers so that their busy times are as even as the physics allows; carts go
   where their capacity pays, hands near the gate. Its basic optimum splits few
   stairwells.
3. **Rounding** (:mod:`.assignment`, :mod:`.regions`). Each pooled group of identical
   households is split by largest remainders of the LP's amounts. Interchangeable
   volunteers with carts (the LP prices every household alike for them) then pool
   their shares and cut them into consecutive stretches in walking order, each
   keeping its LP work: their loads visit two or three neighbouring stairwells
   instead of one floor of five or six.
4. **Trips** (:mod:`.packing`). Each volunteer's households, sorted by stairwell and
   floor from the top, are packed into full loads; a partial load continues into the
   neighbouring stairwell of the same building. In half the strategies the urgent
   and vulnerable households first get loads of their own (topped up with their
   neighbours), which go first.
5. **Balancing** (:mod:`.balancing`). Local search moves trips, single households and
   swaps trips between the volunteer who finishes last and the earliest finishers
   (and the earliest of its own kind: a cart's households cost another cart a cart's
   price), while the latest finish drops.
6. **Strategies** (:mod:`.strategies`). Steps 2-5 run for every strategy (each
   strategy's first round before any second) and then with perturbed steering until
   the time limit; of the plans no other beats on both makespan and the time the
   last vulnerable household is served, the planner takes the shortest of those that
   serve the vulnerable soonest within a set share of the shortest makespan (3%:
   "vulnerable early" ranks above the makespan, but not at any price). That plan is
   balanced again with the time left, looking at more volunteers.
7. **Routing** (:mod:`.trip_routes`). Each volunteer's loads that visit several
   stairwells are re-formed by the routing layer; the result is kept if it serves as
   many, serves the vulnerable and finishes no later, and walks less.
8. **Scheduling** (:func:`supplyroute.compound.schedule.schedule`) puts the trips on
   the clock.

A volunteer's busy time counts each trip until the next may start
(``TripShape.free_off``: the return plus the disinfection after a red or orange
household), so that risky trips weigh what they cost; the trip whose return and
disinfection save most goes last.
"""

from supplyroute.rounds.carry.strategies import CarryPlanner, solve

__all__ = ["CarryPlanner", "solve"]
