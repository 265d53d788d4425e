"""A compound's day as its round sees it: the doorstep scenario with the releases the
vans made possible and the medicine orders' deadlines.

Both the planner and the checker build a compound's round scenario here, from the
district scenario and the release time of each household (the latest release of the
lots that hold its bags): the round is then planned, and checked, as any doorstep round.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from supplyroute.models.district import Compound, DistrictScenario
from supplyroute.models.district_plan import Lot
from supplyroute.models.scenario import Release, Scenario


def household_releases(lots: Iterable[Lot]) -> dict[str, float]:
    """Household id -> when all of its bags are released (the latest of its lots); a
    household with a lot that never arrives is not released at all."""
    out: dict[str, float] = {}
    never: set[str] = set()
    for lot in lots:
        for h in lot.households:
            if lot.released_s is None:
                never.add(h)
            else:
                out[h] = max(out.get(h, lot.released_s), lot.released_s)
    return {h: t for h, t in out.items() if h not in never}


def day_scenario(district: DistrictScenario, compound: Compound,
                 releases: dict[str, float]) -> Scenario:
    """The compound's scenario with one named release per release time at its supply
    gate (households missing from ``releases`` are never released) and each medicine
    order's deadline on its household."""
    s = compound.scenario
    gate = district.gate_id(compound)
    by_time: dict[float, list[str]] = defaultdict(list)
    for h in s.households:
        if h.id in releases:
            by_time[round(releases[h.id], 3)].append(h.id)
    batches = tuple(Release(at=t, households=tuple(ids)) for t, ids in sorted(by_time.items()))
    if len(releases) < len(s.households):  # goods that never came: no bags for them at all
        batches += (Release(at=0, bags=0),)
    gates = tuple(g.model_copy(update={"releases": batches if g.id == gate else ()})
                  for g in s.gates)
    deadlines = {o.household: o.deadline for o in district.orders if o.compound == compound.id}
    households = tuple(
        h if h.id not in deadlines else h.model_copy(update={
            "deadline": deadlines[h.id] if h.deadline is None else min(h.deadline,
                                                                       deadlines[h.id])})
        for h in s.households)
    return s.with_changes(gates=gates, households=households,
                          name=f"{s.name} ({district.name})")
