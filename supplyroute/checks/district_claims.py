"""What a district plan's summary claims, argued again: its lower bound, the argument it
names, its gap, and the summary's free labels.

A coordinator reads "within 20% of the best possible" off the district's gap; the gap
is only as good as the bound under it. The bound is argued again with the checker's own
arithmetic (:mod:`supplyroute.checks.district_bound`), the argument the plan names must
give the stated bound, and the gap must be the makespan against it, stated exactly when
it is defined: every household served and a bound above 0. A partial plan's bound is
for the households it serves (the district cut down to them and the bags they get:
:func:`~supplyroute.checks.district_bound.served_part`), argued again the same way;
it states no gap. Each round's own bound and
optimality are argued again by the round's part of the checker
(:mod:`supplyroute.checks.district_rounds`), on the round's day scenario.

The summary's figures that nothing in the plan can confirm are free labels, held only
to their range: ``iterations`` (at least one), ``solve_s`` and ``baseline_makespan_s``
(none, or not negative: the baseline is a plan not in the file and may leave households
unserved, so it is not held to the bound) and ``interrupted``.
"""

from __future__ import annotations

import math

from supplyroute.checks.district_bound import (
    FLEET,
    argue_district_bound,
    compound_kind,
    served_part,
)
from supplyroute.checks.district_rules import GAP_TOLERANCE, DistrictRule
from supplyroute.checks.driving import Driving
from supplyroute.checks.violations import Checker
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan

#: The planner rounds the bound down to this (the gap is of the bound before rounding).
BOUND_STEP_S = 0.1
#: The label of a partial plan's bound (none: the bound is for serving everyone).
NO_BOUND = "none"


class DistrictClaims(Checker):
    """The district checker's step for the summary's claims, a part of
    :class:`~supplyroute.checks.district._DistrictChecker`, which sets the attributes
    below."""

    d: DistrictScenario
    plan: DistrictPlan
    driving: Driving

    def everyone_served(self) -> bool:
        """Every household of the district is in its round's ledger."""
        households = {(c.id, h.id) for c in self.d.compounds for h in c.scenario.households}
        served = {(cr.compound, x.household) for cr in self.plan.compounds
                  for x in cr.plan.deliveries}
        return bool(households) and households <= served

    def claims(self) -> None:
        everyone = self.everyone_served()
        self.bound_claim(everyone)
        self.gap_claim(everyone)
        self.free_labels()

    def bound_claim(self, everyone: bool) -> None:
        """The stated bound is a bound: not negative, not above the plan's own makespan,
        and given by the argument it names, argued again; a partial plan names none."""
        sm = self.plan.summary
        stated = sm.lower_bound_s
        where = "summary.lower_bound_s"
        if not math.isfinite(stated) or stated < 0:
            self.flag(DistrictRule.CLAIM, where, f"a lower bound of {stated} s")
            return
        if stated > sm.makespan_s + 1e-6:
            self.flag(DistrictRule.CLAIM, where,
                      f"a lower bound of {stated:g} s above the plan's own makespan of "
                      f"{sm.makespan_s:g} s: no plan can beat a true lower bound")
        medicine_left = any(lot.order is not None and lot.released_s is None
                            for lot in self.plan.lots)
        part = self.d if everyone and not medicine_left else served_part(self.d, self.plan)
        if sm.bound.split(":")[0].strip() == NO_BOUND:
            if part is not None:
                self.flag(DistrictRule.CLAIM, "summary.bound",
                          f"says {sm.bound!r}, but the plan serves "
                          + ("every household: the bound for serving them all applies"
                             if everyone else "households: the bound for serving those "
                             "applies"))
            elif stated > 0:
                self.flag(DistrictRule.CLAIM, where,
                          f"a bound of {stated:g} s by no argument ({sm.bound!r})")
            return
        if part is None:
            self.flag(DistrictRule.CLAIM, "summary.bound",
                      f"names {sm.bound!r}, but the plan serves no household")
            return
        self.named_argument(stated, part)

    def named_argument(self, stated: float, part: DistrictScenario) -> None:
        """The argument the summary names, made again alone, gives the stated bound: over
        the whole district, or over the households a partial plan serves (``part``)."""
        kind = self.plan.summary.bound
        known = [compound_kind(c.id) for c in part.compounds] + [FLEET]
        if kind not in known:
            self.flag(DistrictRule.CLAIM, "summary.bound",
                      f"names {kind!r}, not an argument of this district (one of "
                      f"{', '.join(known)})")
            return
        argued = argue_district_bound(part, {cr.compound: cr.plan
                                               for cr in self.plan.compounds},
                                      self.driving, only=kind)
        if kind not in argued.kinds:
            if stated > 0:
                why = argued.problem or "the vans cannot bring every household's goods"
                self.flag(DistrictRule.CLAIM, "summary.lower_bound_s",
                          f"the {kind} bound cannot be argued again: {why}")
            return
        if not argued.allows(kind, stated):
            self.flag(DistrictRule.CLAIM, "summary.lower_bound_s",
                      f"stated {stated:g} s by the {kind} argument, which gives "
                      f"{argued.kinds[kind]:.1f} s argued again")

    def gap_claim(self, everyone: bool) -> None:
        """``gap = makespan / bound - 1``, stated if and only if every household is
        served and the bound is above 0."""
        sm = self.plan.summary
        where = "summary.gap"
        bound = sm.lower_bound_s
        if sm.gap is None:
            if everyone:
                self.flag(DistrictRule.SUMMARY, where,
                          "no gap stated, though every household is served" if bound > 0
                          else "every household is served, and no bound nor gap stated")
            return
        if sm.gap < 0:
            self.flag(DistrictRule.SUMMARY, where, f"a negative gap {sm.gap}")
        if not everyone:
            self.flag(DistrictRule.SUMMARY, where,
                      f"a gap of {sm.gap} for a plan that does not serve every household "
                      "(the bound is for serving them all)")
        elif not bound > 0:
            self.flag(DistrictRule.SUMMARY, where,
                      f"a gap of {sm.gap} over a bound of {bound:g} s: it is undefined")
        else:
            gap = sm.makespan_s / bound - 1
            # The planner's gap is of its bound before rounding down to BOUND_STEP_S.
            slack = GAP_TOLERANCE + sm.makespan_s * BOUND_STEP_S / bound ** 2
            if not abs(sm.gap - gap) <= slack:
                self.flag(DistrictRule.SUMMARY, where,
                          f"stated {sm.gap}, makespan and bound make {gap:.4f}")

    def free_labels(self) -> None:
        """The figures the plan cannot confirm, each within its range."""
        sm = self.plan.summary
        if sm.iterations < 1:
            self.flag(DistrictRule.SUMMARY, "summary.iterations",
                      f"{sm.iterations} iterations: a plan is made in one at least")
        for name, value in (("solve_s", sm.solve_s),
                            ("baseline_makespan_s", sm.baseline_makespan_s)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                self.flag(DistrictRule.SUMMARY, f"summary.{name}",
                          f"stated {value}: seconds are not negative")
