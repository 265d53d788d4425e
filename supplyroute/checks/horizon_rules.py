"""The rules of a supply cycle's horizon, as the horizon checker names them, and the
tolerances its stated figures are read with."""

from __future__ import annotations

from enum import Enum

KG_TOLERANCE = 0.001  #: bags and shares are stated to the gram.
GARBAGE_TOLERANCE_KG = 0.01  #: a household's garbage, split into bags of rounded weights.
COVERAGE_TOLERANCE = 0.0005  #: coverage is stated to four decimals.
TIME_TOLERANCE_S = 0.01  #: release times are stated to the hundredth of a second.
RATIO_TOLERANCE = 0.001  #: ratios are stated to four decimals.
#: A delivery's ``short`` note when the packing staff could not reach it (docs/formats.md).
NOT_PACKED = "not packed: the packing shifts end before its bags"


class HorizonRule(str, Enum):
    """The rules of a horizon plan (its days, rounds, supplies and summary) that the
    horizon checker checks."""

    #: the horizon's shape: its scenario name, days 0..D-1 in order, each day's round files
    #: present, each round summary equal to its plan's summary.
    STRUCTURE = "structure"
    #: a day's delivery or garbage plan breaks a doorstep rule (the doorstep checker).
    ROUND = "round"
    #: a day's round claims a lower bound, gap or optimality that the checker's own
    #: argument does not support (:func:`~supplyroute.checks.claims.verify_claims`).
    CLAIM = "claim"
    #: a delivery round's scenario is not the day's derived one (buildings, parameters,
    #: walkways, households and their bags, volunteers on duty, gates and releases).
    DAY_SCENARIO = "day_scenario"
    #: a household waits longer than its cycle for a delivery, or a delivery covers fewer
    #: days than there are to the next one (or to the horizon's end).
    CYCLE = "cycle"
    #: a household on the ledger is not served in some day's delivery round.
    VISIT = "visit"
    #: garbage: its own bags and round, collected every ``every_days`` days, weights, bag
    #: limit, the collection point, PPE for red and orange homes, disinfection, and no
    #: overlap with the volunteer's deliveries.
    GARBAGE = "garbage"
    #: a stock line that does not match the gate's lots (arrivals, shelf lives, soonest to
    #: expire first), or more used than is on hand.
    STOCK = "stock"
    #: a food item that does not suit the household's diets (beyond what it ordered).
    DIET = "diet"
    #: a delivery's stated need, packed kg, coverage or shortfall note that does not
    #: match its bags and rations.
    RATION = "ration"
    #: a household short of a category while a suitable item of it is left at the gate,
    #: or urgent and vulnerable households worse off than a standard one that got an item
    #: they could have had.
    FAIRNESS = "fairness"
    #: a bag whose weight does not match its contents, over the bag limit, or holding
    #: items of another kind of bag.
    BAGS = "bags"
    #: an order line neither in the next day's bags nor reported short.
    ORDER = "order"
    #: release batches: release times, bag counts, every packed household in one batch,
    #: and no more bags than the packing staff can have packed by then.
    PACKING = "packing"
    #: a day's allocation that the stock does not bear out: its status (``enough`` when
    #: the fill reaches every need, else short), its smallest coverage shares, its
    #: solve time (none when nothing was short), or the bags of a day with enough stock
    #: that are not the fill's.
    ALLOCATION = "allocation"
    #: a day's relabel that is not a swap of interchangeable volunteers on duty, whose
    #: roles (and carts) are not where the day's scenario puts them, or that does not
    #: give the heaviest climbing to whoever has climbed least in the earlier days.
    RELABEL = "relabel"
    #: a pick list missing, or not the day's bags: batches, stairwells, households,
    #: load times, bag kinds, weights and contents.
    PICKLIST = "picklist"
    #: a household named as not served whose reason does not hold (someone on duty may
    #: serve it, or had time for the garbage round), named twice or also served, or a
    #: delivery moved to a day that does not make it.
    NOT_SERVED = "not_served"
    #: the horizon summary, the days' work and the volunteers' loads do not add up.
    SUMMARY = "summary"
