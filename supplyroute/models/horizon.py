"""The horizon plan: a supply cycle's days, each with its bags, its rounds and its stock.

Written as a folder: ``horizon.json`` (this model) and, per day, the doorstep scenario
and plan of the delivery round and of the garbage round, which the doorstep checker
checks as any other, and a pick list for the packing staff. Quantities are whole units
of catalogue items; kg are the items' unit weights times units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from supplyroute.models.plan import Plan, _Frozen
from supplyroute.models.scenario import Scenario

HORIZON_FORMAT = "supplyroute.horizon"
HORIZON_VERSION = 1


class Units(_Frozen):
    item: str
    units: int = Field(ge=1)


class PackedBag(_Frozen):
    """One bag as packed at the gate: its kind, contents and weight."""

    kind: str  #: prevention (with any medicine), medicine (alone), living (food).
    weight_kg: float
    contents: tuple[Units, ...] = ()


class CategoryShare(_Frozen):
    category: str
    need_kg: float  #: residents x ration x days covered.
    packed_kg: float


class HouseholdDelivery(_Frozen):
    """What one household gets on a day."""

    household: str
    days_covered: int  #: the days until its next delivery (0: an order or visit only).
    bags: tuple[PackedBag, ...]
    shares: tuple[CategoryShare, ...] = ()
    coverage: float  #: the smallest share of need covered over its categories (1: all).
    short: str | None = None  #: why it got less than its need, if it did.


class StockLine(_Frozen):
    """One item's stock at the gate over a day, in units."""

    item: str
    opening: int
    arrived: int
    expired: int  #: past its shelf life at the start of the day, thrown away.
    used: int
    closing: int


class Allocation(_Frozen):
    """How the day's stock was shared out (CP-SAT, lexicographic max-min)."""

    status: Literal["optimal", "feasible", "enough"]  #: "enough": stock covers every need.
    min_coverage: float  #: the smallest coverage share over every household served.
    min_coverage_priority: float  #: the same over urgent and vulnerable households.
    households_short: int
    solve_s: float | None = None
    #: The smallest coverage as shared out, before packing (an unpacked household counts
    #: its share, not 0). None on an ``enough`` day and in horizons written before it.
    min_coverage_shared: float | None = None
    #: A proven upper bound on ``min_coverage_shared`` in thousandths, rounded down: no
    #: split in whole units that keeps the urgent and vulnerable households' share gives
    #: every household more than this plus 0.001. ``optimal``: the share reached meets it.
    #: None on an ``enough`` day and in horizons written before it.
    min_coverage_bound: float | None = None
    #: Per short category, why its smallest share cannot be higher (e.g. fewer units
    #: than households wanting them: some get none), in words.
    bound_reasons: tuple[str, ...] = ()


class ReleaseBatch(_Frozen):
    """Bags packed together and released at the gate at ``at``."""

    at: float  #: seconds from the day's midnight.
    packed_s: float  #: the last bag of the batch packed.
    bags: int
    households: tuple[str, ...]


class RoundSummary(_Frozen):
    """A day's round (deliveries or garbage), as its doorstep plan's summary says."""

    scenario_file: str  #: relative to the horizon folder.
    plan_file: str
    households: int
    served: int
    makespan_s: float
    lower_bound_s: float
    gap: float | None
    last_delivery_s: float


class NotServed(_Frozen):
    """A household a day's round cannot take at all, and why; the checker argues the
    reason again from the scenario and the day's rounds.

    ``nobody_may_serve``: no volunteer on duty that day may serve it (nobody in full PPE
    for a red home, nobody of its zone). ``no_time``: the garbage round starts after
    every volunteer on duty has ended their shift (or has less than a minute of it left
    after their deliveries)."""

    household: str
    round: Literal["delivery", "visit", "garbage"]
    reason: Literal["nobody_may_serve", "no_time"]
    #: For a delivery: the days it was to cover (0: an order alone), and the day it is
    #: made instead (None: no day within its cycle).
    days_covered: int = Field(0, ge=0)
    moved_to_day: int | None = None
    note: str  #: the reason in words, for the coordinator.

    def made_earlier(self, day: int) -> bool:
        """A delivery made on an earlier day, covering up to its next: no shortfall."""
        return self.moved_to_day is not None and self.moved_to_day < day


class DayPlan(_Frozen):
    day: int
    volunteers_on_duty: int
    deliveries: tuple[HouseholdDelivery, ...]
    visits: tuple[str, ...] = ()  #: ledger households visited without a delivery.
    garbage: tuple[str, ...] = ()  #: households whose garbage is collected.
    allocation: Allocation
    stock: tuple[StockLine, ...]
    releases: tuple[ReleaseBatch, ...]
    work_s: float  #: volunteers' busy time in both rounds, as planned.
    estimated_work_s: float  #: the calendar's estimate of it (what it balanced).
    delivery_round: RoundSummary | None
    garbage_round: RoundSummary | None = None
    picklist_file: str | None = None
    #: The day's volunteer ids as planned -> the volunteer who does that work (the
    #: planner swaps interchangeable volunteers' days to share the climbing out).
    relabel: dict[str, str] = Field(default_factory=dict)
    #: Households the day's rounds could not take at all, each with its reason.
    not_served: tuple[NotServed, ...] = ()


class VolunteerLoad(_Frozen):
    """One volunteer's work over the horizon, both rounds."""

    volunteer: str
    days: int
    floors_climbed: int
    carry_kg: float
    hours: float  #: busy time (loading to return), summed.


class Fairness(_Frozen):
    """How evenly the work falls, both rounds of every day together (max over mean)."""

    floors_max_over_mean: float
    kg_max_over_mean: float
    hours_max_over_mean: float
    #: Among volunteers who could swap days (alike in all but id, and cart when carts
    #: rotate; groups of two or more), floors climbed per day on duty: the largest
    #: max over mean of any group (1 when there is no such group). What the rotation
    #: evens out; the figures above also compare volunteers who cannot swap.
    floors_alike_max_over_mean: float = 1.0


class HorizonSummary(_Frozen):
    days: int
    deliveries: int
    visits: int
    garbage_pickups: int
    busiest_day_over_mean: float  #: the busiest day's planned work over the mean day's.
    worst_gap: float | None  #: the largest delivery-round gap to its bound.
    #: Household-days left unserved in some round or named in ``not_served`` (but for
    #: deliveries made on an earlier day instead).
    unserved: int
    undelivered: int  #: deliveries due with nothing to carry (no stock, no packing time).
    short_days: int  #: days on which stock did not cover every need.
    fairness: Fairness
    solve_s: float | None
    #: Stopped early (Ctrl-C): the first days only, rounds cut short marked in their plans.
    interrupted: bool = False


class HorizonPlan(_Frozen):
    format: Literal["supplyroute.horizon"] = HORIZON_FORMAT
    version: Literal[1] = HORIZON_VERSION
    scenario: str
    summary: HorizonSummary
    days: tuple[DayPlan, ...]
    volunteers: tuple[VolunteerLoad, ...]
    #: The cycle scenario's fingerprint (:func:`~supplyroute.models.digest.cycle_sha256`):
    #: ``check`` refuses a horizon made from another version of the scenario. None in
    #: horizons written before it was recorded: checked as before.
    scenario_sha256: str | None = None


@dataclass
class HorizonFolder:
    """A horizon folder as read back (:func:`supplyroute.cycles.folder.read_horizon`): the
    horizon, each day's rounds (scenario and plan, by day and ``"delivery"`` or
    ``"garbage"``) and each day's pick list."""

    horizon: HorizonPlan
    rounds: dict[tuple[int, str], tuple[Scenario, Plan]] = field(default_factory=dict)
    picklists: dict[int, str] = field(default_factory=dict)
