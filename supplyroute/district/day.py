"""A compound's day as its round sees it: the doorstep scenario with the releases the
vans made possible and the medicine orders' deadlines.

Both the planner and the checker build a compound's round scenario here, from the
district scenario and the release time of each household (the latest release of the
lots that hold its bags): the round is then planned, and checked, as any doorstep round.

A medicine order that cannot be met costs its household nothing else: an order given
up (``relaxed``, listed as missed in the plan) puts no deadline on the household, and
when its medicine never comes the household gets its other bags without it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from supplyroute.models.district import Compound, DistrictScenario
from supplyroute.models.district_plan import Lot
from supplyroute.models.scenario import Release, Scenario


def household_releases(lots: Iterable[Lot]) -> dict[str, float]:
    """Household id -> when all of its bags that come are released (the latest of its
    lots); a household with a lot of its own goods that never arrives is not released at
    all, but a medicine order's lot that never arrives holds nothing else back."""
    out: dict[str, float] = {}
    never: set[str] = set()
    for lot in lots:
        for h in lot.households:
            if lot.released_s is None:
                if lot.order is None:
                    never.add(h)
            else:
                out[h] = max(out.get(h, lot.released_s), lot.released_s)
    return {h: t for h, t in out.items() if h not in never}


def without_medicine(lots: Iterable[Lot]) -> set[str]:
    """Households whose medicine order's lot never arrives: their round goes without
    the order's bags."""
    return {h for lot in lots if lot.order is not None and lot.released_s is None
            for h in lot.households}


def day_scenario(district: DistrictScenario, compound: Compound,
                 releases: dict[str, float], relaxed: Collection[str] = (),
                 without: Collection[str] = ()) -> Scenario:
    """The compound's scenario with one named release per release time at its supply
    gate (households missing from ``releases`` are never released), each medicine
    order's deadline on its household unless the order is ``relaxed`` (given up), and
    no order bags for the households ``without`` their medicine (it never comes)."""
    s = compound.scenario
    gate = district.gate_id(compound)
    mine = [o for o in district.orders if o.compound == compound.id]
    kinds = {o.household: o.bag_kind for o in mine}
    households = []
    for h in s.households:
        update: dict[str, object] = {}
        if h.id in without and h.id in kinds:
            bags = tuple(b for b in s.bags_of(h) if b.kind != kinds[h.id])
            if not bags:  # nothing else to bring: the household is not released
                releases = {k: t for k, t in releases.items() if k != h.id}
            else:
                update["bags"] = bags
        households.append(h.model_copy(update=update) if update else h)
    by_time: dict[float, list[str]] = defaultdict(list)
    for h in s.households:
        if h.id in releases:
            by_time[round(releases[h.id], 3)].append(h.id)
    batches = tuple(Release(at=t, households=tuple(ids)) for t, ids in sorted(by_time.items()))
    if len(releases) < len(s.households):  # goods that never came: no bags for them at all
        batches += (Release(at=0, bags=0),)
    gates = tuple(g.model_copy(update={"releases": batches if g.id == gate else ()})
                  for g in s.gates)
    deadlines = {o.household: o.deadline for o in mine if o.id not in relaxed}
    households = [
        h if h.id not in deadlines else h.model_copy(update={
            "deadline": deadlines[h.id] if h.deadline is None else min(h.deadline,
                                                                       deadlines[h.id])})
        for h in households]
    return s.with_changes(gates=gates, households=tuple(households),
                          name=f"{s.name} ({district.name})")
