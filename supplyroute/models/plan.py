"""The plan: who carries what, when, in which order; and what it proves.

Timing semantics (the checker recomputes all of them):

- A trip starts when loading begins at the volunteer's gate; it departs after
  ``load_s``; it walks to each stop in order and back to the gate (``return_s``).
- At a stop, entrance drops come first (``entrance_drop_s_per_bag`` a bag), then the
  stair runs in order. A run climbs from the entrance to each of its doors in rising
  floor order, hands over at each (``handover_s``), and comes down from its top floor.
- A household is *delivered* when the hand-over at its door (or its entrance drop)
  ends. The makespan is the last delivery, measured from the round's start (the
  earliest shift start).

Relay rounds add two things:

- At a stop, after the entrance drops, a ferry puts bags down in the entrance buffer
  for a climber (``relays``, ``relay_drop_s_per_bag`` a bag). A relay drop may wait
  (``dropped_s`` later than the work before it allows) for room in a full buffer.
- A climber's ``climbs``: each walks from where the volunteer was (its gate at the
  start of the shift or after a trip, else the previous climb's stairwell) to a
  stairwell entrance, waits there if need be, and makes one stair run with bags a ferry
  dropped there before the run starts. A bag waits in the buffer from its
  ``dropped_s`` until the start of the run that takes it.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PLAN_FORMAT = "supplyroute.plan"
PLAN_VERSION = 1


class _Frozen(BaseModel):
    #: A plan holds no NaN nor infinity (a figure that is one is a bug, or a doctored file).
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Door(_Frozen):
    """A hand-over at one door on a stair run."""

    household: str
    floor: int
    bags: tuple[int, ...]  #: indices into the household's bags.
    delivered_s: float


class StairRun(_Frozen):
    """One climb from a stairwell entrance with what the hands hold, and back down."""

    start_s: float
    end_s: float
    top_floor: int
    bags: int
    carry_kg: float
    doors: tuple[Door, ...] = Field(min_length=1)


class EntranceDrop(_Frozen):
    """Bags left at a stairwell entrance, for households that fetch them."""

    household: str
    bags: tuple[int, ...]
    delivered_s: float


class RelayDrop(_Frozen):
    """Bags a ferry leaves in a stairwell's entrance buffer, for a climber to take up."""

    household: str
    bags: tuple[int, ...]
    dropped_s: float  #: when the last of them is down in the buffer.


class Stop(_Frozen):
    """A visit to one stairwell entrance during a trip."""

    stairwell: str
    arrive_s: float
    leave_s: float
    drops: tuple[EntranceDrop, ...] = ()
    relays: tuple[RelayDrop, ...] = ()
    runs: tuple[StairRun, ...] = ()


class Climb(_Frozen):
    """A climber's stair run with bags that a ferry left at the entrance."""

    stairwell: str
    #: walked from where the volunteer was: its gate (at the start of the shift or after a
    #: trip) or the stairwell of its previous climb.
    walk_m: float
    arrive_s: float  #: at the entrance.
    run: StairRun


class Trip(_Frozen):
    """From the gate, loaded, to one or more stairwells, and back."""

    gate: str
    mode: Literal["hands", "cart"]
    start_s: float  #: loading begins.
    depart_s: float
    return_s: float
    bags: int
    carry_kg: float
    walk_m: float
    stops: tuple[Stop, ...] = Field(min_length=1)

    def bags_by_household(self) -> dict[str, int]:
        """Each household's bags the trip brings from the gate (dropped, relayed or
        carried to the door)."""
        out: dict[str, int] = {}
        for stop in self.stops:
            for d in (*stop.drops, *stop.relays):
                out[d.household] = out.get(d.household, 0) + len(d.bags)
            for door in (door for run in stop.runs for door in run.doors):
                out[door.household] = out.get(door.household, 0) + len(door.bags)
        return out


class VolunteerPlan(_Frozen):
    volunteer: str
    trips: tuple[Trip, ...] = ()
    climbs: tuple[Climb, ...] = ()  #: relay rounds: stair runs with ferried bags.
    #: the trips from loading to return, plus each climb's walk and run.
    busy_s: float = 0.0
    walk_m: float = 0.0
    floors_climbed: int = 0


class UnservedReason(str, Enum):
    """Why a household gets nothing in this plan."""

    NO_ELIGIBLE_VOLUNTEER = "no_eligible_volunteer"  #: no zone or skill fits.
    DEADLINE_UNREACHABLE = "deadline_unreachable"  #: nobody can be there in time.
    NOT_RELEASED = "not_released"  #: its bags are never released at a reachable gate.
    NO_VOLUNTEER_TIME = "no_volunteer_time"  #: the shifts end before it can be served.


class Unserved(_Frozen):
    household: str
    reason: UnservedReason
    detail: str


class Delivery(_Frozen):
    """The ledger line of one served household: by whom and when."""

    household: str
    priority: str
    volunteer: str  #: who handed the bags over (a climber, in a relay).
    trip: int | None = None  #: index into the volunteer's trips, if it brought them.
    climb: int | None = None  #: index into the volunteer's climbs, if it took them up.
    ferry: str | None = None  #: who brought them to the entrance, in a relay.
    delivered_s: float
    latest_s: float | None = None  #: the deadline or window end, if any.


class Summary(_Frozen):
    method: str
    #: "carry": whoever brings the bags takes them up; "relay": ferries and climbers.
    mode: Literal["carry", "relay"] = "carry"
    #: with ``--mode auto``, the makespan each mode reached (the better one is kept).
    mode_makespans_s: dict[str, float] | None = None
    #: with ``--mode auto``, the households each mode left out: auto keeps the mode
    #: that leaves fewer out, then the shorter makespan (carry on a tie).
    mode_unserved: dict[str, int] | None = None
    makespan_s: float  #: last delivery minus the round's start.
    #: no plan of this scenario (that serves the households of ``bound_covers``) can
    #: have a smaller makespan.
    lower_bound_s: float
    #: makespan / lower bound - 1; None if a household that some plan could serve is
    #: left out while the bound covers them all.
    gap: float | None
    #: the households the bound is for: ``servable``, every household some volunteer
    #: may serve; or ``served``, the ones this plan serves, when the shifts cannot
    #: cover everyone (the gap then says how close the plan is for those).
    bound_covers: Literal["servable", "served"] = "servable"
    #: at most this many households can be served within the shifts (the service
    #: bound); None where it was not computed (the makespan bound fits the shifts).
    service_bound: int | None = None
    proven_optimal: bool  #: the makespan was proved optimal by exhaustive search.
    bound: str  #: which argument gives the lower bound.
    round_start_s: float
    last_delivery_s: float
    finish_s: float  #: the last volunteer back at a gate.
    households_served: int
    households_unserved: int
    bags_delivered: int
    trips: int
    climbs: int = 0  #: relay rounds: climbers' stair runs.
    walk_m: float
    floors_climbed: int
    urgent_served_by_s: float | None
    vulnerable_served_by_s: float | None
    deadlines_met: int
    deadlines_total: int
    solve_s: float | None  #: None in deterministic mode, where plans are byte-identical.
    #: the search was cut short (Ctrl-C): this is the best plan found until then.
    interrupted: bool = False


class BagsBack(_Frozen):
    """Bags a volunteer who left brought back to the gate unserved."""

    household: str
    gate: str
    back_s: float  #: when they are at the gate again, for another volunteer.


class CutTrip(_Frozen):
    """A trip under way when its volunteer left: the stops done are kept, the rest of
    its bags went back to the gate."""

    volunteer: str
    trip: int  #: index into the volunteer's trips, in the original plan and this one.
    stops_kept: int


class Replan(_Frozen):
    """How a replan relates to the plan it replans: what it kept and what it changed.

    Everything handed over before ``at_s``, and every trip under way then, is kept as
    it was (``check --original`` verifies it); the rest is planned again, changing the
    volunteers' remaining sheets as little as the round allows.
    """

    at_s: float
    original_sha256: str  #: SHA-256 of the original plan's JSON text.
    base_scenario_sha256: str | None  #: the scenario the original plan was for.
    events: int
    trips_kept: int
    #: volunteers who left before ``at_s``, and when: their trips from then on were not
    #: made (the one under way is in ``cut_trips``).
    left: dict[str, float] = {}
    cut_trips: tuple[CutTrip, ...] = ()
    bags_back: tuple[BagsBack, ...] = ()
    #: "sheets kept": the remaining sheets repaired (the others' stops left alone);
    #: "next stops kept": each volunteer's next stops as planned, the rest afresh;
    #: "fresh": everything after ``at_s`` planned anew. The first of these whose round is
    #: within 2% of the shortest (serving as many, meeting as many deadlines) is taken.
    chosen: Literal["sheets kept", "next stops kept", "fresh"]
    #: the makespan of the day with each of the three.
    candidates: dict[str, float]
    #: stops of the volunteers' remaining sheets added or taken away, against the
    #: original plan's (a stop: a stairwell with the households served there).
    changed_stops: int
    #: volunteers whose next three stops after ``at_s`` are not those of their old sheet.
    next_three_changed: tuple[str, ...] = ()


class Plan(_Frozen):
    """A doorstep round plan (JSON format ``supplyroute.plan``, version 1)."""

    format: Literal["supplyroute.plan"] = PLAN_FORMAT
    version: Literal[1] = PLAN_VERSION
    scenario: str
    #: the SHA-256 of the scenario the plan was made for (its content, as validated:
    #: the file's layout does not count), so that a plan is never checked or printed
    #: against another version of it. None in plans written before it was recorded.
    scenario_sha256: str | None = None
    summary: Summary
    volunteers: tuple[VolunteerPlan, ...]
    deliveries: tuple[Delivery, ...]
    unserved: tuple[Unserved, ...] = ()
    replan: Replan | None = None  #: set on a replan: what it kept of the original.

    def is_complete(self) -> bool:
        return not self.unserved
