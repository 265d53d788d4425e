"""The rules of a doorstep round, as the round checker names them."""

from __future__ import annotations

from enum import Enum

TOLERANCE_S = 0.5  #: plans round times to 0.01 s; sums over a trip stay well inside this.


class RoundRule(str, Enum):
    """The rules of a doorstep round (carry or relay) that the round checker checks."""

    MISSING = "missing"  #: a household neither served nor listed as unserved.
    #: a household or bag served twice, or served and unserved; a bag relayed or climbed
    #: twice.
    DUPLICATE = "duplicate"
    BAGS = "bags"  #: a household's bags not all delivered, or unknown bag indices.
    UNKNOWN = "unknown"  #: a volunteer, household, stairwell or gate not in the scenario.
    TRIP_CAPACITY = "trip_capacity"  #: a trip carries more than hands or cart can.
    CLIMB_CAPACITY = "climb_capacity"  #: a stair run carries more than the hands can.
    RELEASE = "release"  #: a trip leaves with bags not yet released at its gate.
    SHIFT = "shift"  #: work outside the volunteer's shift.
    ZONE = "zone"  #: a volunteer outside its group's buildings.
    SKILL = "skill"  #: a red-risk (or, with ppe_for_orange, orange) home without full PPE.
    DEADLINE = "deadline"  #: a hand-over after the deadline or outside the window.
    TIMING = "timing"  #: stated times that do not add up.
    #: a volunteer's trips or climbs overlap (a climb's walk included), or a trip starts
    #: before the volunteer is back at its gate from a climb.
    OVERLAP = "overlap"
    #: a trip starts before the disinfection after the volunteer's previous trip, which
    #: served a red or orange home, is over.
    DISINFECTION = "disinfection"
    GATE = "gate"  #: a trip from a gate that is not the volunteer's.
    MODE = "mode"  #: a cart trip by a volunteer without a cart.
    PLACE = "place"  #: a door at the wrong stairwell or floor, or the wrong delivery mode.
    #: summary or ledger figures that do not match the trips and climbs (in a relay, the
    #: ledger names the climber, its climb and the ferry).
    SUMMARY = "summary"
    #: a relay drop or a climb in a scenario with ``relay: false`` (bags may not wait at
    #: a stairwell door there).
    RELAY_FORBIDDEN = "relay_forbidden"
    #: work outside the volunteer's role: a ferry with a stair run or a climb, a climber
    #: with a trip from the gate.
    ROLE = "role"
    STATION = "station"  #: a climb outside the volunteer's station (stairwells, buildings).
    #: a climb that starts before its bags are down at that entrance, takes up a bag no
    #: ferry left there, or a relayed bag that no climb takes up.
    SYNC = "sync"
    #: more bags waiting at a stairwell door than its buffer holds (``buffer_bags``).
    BUFFER = "buffer"
    #: the plan was made for another scenario (its name, or its recorded fingerprint).
    SCENARIO = "scenario"
    #: a replan that changes what it had to keep of the plan it replans.
    LOCKED = "locked"
    #: a claim about the plan that its facts refute: a lower bound above its own
    #: makespan, or proven optimality where nothing proved it.
    CLAIM = "claim"
    #: a household left out that a volunteer could still serve on one more trip within
    #: their shift (:mod:`supplyroute.checks.left_out`).
    LEFT_OUT = "left_out"
    #: a replan block that cannot be verified (no original given) or whose figures
    #: (trips kept, who left, cut trips, bags back, candidates, changed stops) are not
    #: those of the original and the replan.
    REPLAN = "replan"
    #: an unserved household's reason that its facts refute (no eligible volunteer for a
    #: household some volunteer may serve; an unreachable deadline where none is set;
    #: not released where every bag is at the gate from the start).
    UNSERVED = "unserved_reason"
