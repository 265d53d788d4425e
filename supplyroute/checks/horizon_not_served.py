"""The households a horizon names as not served, argued again.

A day may name a household no round can take (``DayPlan.not_served``): nobody on duty
may serve it (full PPE for a red home, its zone's volunteers), or the garbage round
starts after every volunteer who may collect from it has ended their shift. The cycle,
visit and garbage rules count such a household as accounted for that day, so the
reason must hold: here it is recomputed from the cycle scenario, the roster and the
day's delivery plan, with the checker's own walking (:func:`~supplyroute.checks.physics.plane`).
"""

from __future__ import annotations

import math

from supplyroute.checks.horizon_rules import TIME_TOLERANCE_S, HorizonRule
from supplyroute.checks.physics import plane
from supplyroute.checks.violations import Checker
from supplyroute.models import Household, Risk, Volunteer
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import DayPlan, HorizonFolder, NotServed

#: The garbage round takes a volunteer with at least this much shift left.
GARBAGE_MIN_S = 60.0


class HorizonNotServed(Checker):
    """The horizon checker's step for ``not_served``, a part of
    :class:`~supplyroute.checks.horizon._HorizonChecker`, which sets the attributes."""

    cs: CycleScenario
    days: list[tuple[int, DayPlan]]
    households: dict[str, Household]
    folder: HorizonFolder

    def named(self, day: DayPlan, *rounds: str) -> set[str]:
        """Households the day names as not served in these rounds."""
        return {x.household for x in day.not_served if x.round in rounds}

    def not_served(self) -> None:
        for d_i, day in self.days:
            seen: set[tuple[str, str]] = set()
            listed = {"delivery": {x.household for x in day.deliveries},
                      "visit": set(day.visits), "garbage": set(day.garbage)}
            for n_i, x in enumerate(day.not_served):
                where = f"days[{d_i}].not_served[{n_i}]"
                h = self.households.get(x.household)
                if h is None or h.residents == 0:
                    self.flag(HorizonRule.NOT_SERVED, f"{where}.household",
                              f"{x.household!r} is not an occupied household of the compound")
                    continue
                if (x.household, x.round) in seen:
                    self.flag(HorizonRule.NOT_SERVED, where,
                              f"household {x.household!r} named twice for the {x.round} round")
                seen.add((x.household, x.round))
                if x.household in listed[x.round]:
                    self.flag(HorizonRule.NOT_SERVED, where,
                              f"household {x.household!r} is named as not served and is "
                              f"also in the day's {x.round} list")
                self.reason(where, day, x, h)
                self.moved(where, d_i, day, x)

    def reason(self, where: str, day: DayPlan, x: NotServed, h: Household) -> None:
        garbage = x.round == "garbage"
        may = [v for v in self.on_duty(day.day) if self.may_serve(v, h, garbage)]
        if x.reason == "nobody_may_serve":
            if may:
                self.flag(HorizonRule.NOT_SERVED, f"{where}.reason",
                          f"volunteer {may[0].id!r} is on duty on day {day.day} and may "
                          f"serve {x.household!r}")
            return
        if not garbage or self.cs.garbage is None:
            self.flag(HorizonRule.NOT_SERVED, f"{where}.reason",
                      "'no_time' is a reason for the garbage round only")
            return
        for v in may:
            start = self.garbage_start(day, v)
            if start < v.shift.end - GARBAGE_MIN_S - TIME_TOLERANCE_S:
                self.flag(HorizonRule.NOT_SERVED, f"{where}.reason",
                          f"volunteer {v.id!r} may collect from {x.household!r} and has "
                          f"time: from {start:.0f} s to the shift's end at {v.shift.end:.0f} s")
                return

    def moved(self, where: str, d_i: int, day: DayPlan, x: NotServed) -> None:
        if x.round != "delivery":
            if x.moved_to_day is not None or x.days_covered:
                self.flag(HorizonRule.NOT_SERVED, where,
                          f"a {x.round} is not moved and covers no days")
            return
        k = self.cs.cycle_of(x.household)
        if x.days_covered > k:
            self.flag(HorizonRule.NOT_SERVED, f"{where}.days_covered",
                      f"{x.days_covered} days, more than the household's cycle of {k}")
        m = x.moved_to_day
        if m is None:
            return
        if m == day.day or not day.day - k < m < day.day + max(1, x.days_covered):
            self.flag(HorizonRule.NOT_SERVED, f"{where}.moved_to_day",
                      f"day {m} is not another day within the household's cycle of {k} "
                      "days")
            return
        target = next((d for _, d in self.days if d.day == m), None)
        made = None if target is None else next(
            (y for y in target.deliveries if y.household == x.household), None)
        if made is None:
            self.flag(HorizonRule.NOT_SERVED, f"{where}.moved_to_day",
                      f"day {m} has no delivery for {x.household!r}")
        elif m < day.day and made.days_covered < day.day + x.days_covered - m:
            # made earlier instead: it must feed the household through this day's share
            self.flag(HorizonRule.NOT_SERVED, f"{where}.moved_to_day",
                      f"made on day {m} covering {made.days_covered} days, short of day "
                      f"{day.day + x.days_covered}")

    def on_duty(self, day: int) -> list[Volunteer]:
        ids = set(self.cs.on_duty(day))
        return [v for v in self.cs.compound.volunteers if v.id in ids]

    def may_serve(self, v: Volunteer, h: Household, garbage: bool) -> bool:
        """The compound's zone and skill rules; orange homes are red in the garbage
        round."""
        if garbage and h.risk in (Risk.RED, Risk.ORANGE):
            h = h.model_copy(update={"risk": Risk.RED})
        return self.cs.compound.may_serve(v, h)

    def garbage_start(self, day: DayPlan, v: Volunteer) -> float:
        """The earliest a volunteer can start collecting garbage: the round's start,
        their shift's, and their return from the day's deliveries plus the walk from
        their gate to the collection point."""
        g = self.cs.garbage
        assert g is not None
        pair = (self.folder.rounds.get((day.day, "delivery"))
                if day.delivery_round is not None else None)
        back = 0.0
        if pair is not None:
            back = max((t.return_s for vp in pair[1].volunteers if vp.volunteer == v.id
                        for t in vp.trips), default=0.0)
        compound = self.cs.compound
        xy = plane([gate.position for gate in compound.gates] + [g.collection_point])
        gate_xy = dict(zip((gate.id for gate in compound.gates), xy, strict=False))
        walk_s = (math.dist(gate_xy[v.gate], xy[-1]) * compound.parameters.detour_factor
                  / compound.parameters.walk_speed_mps)
        return max(g.start, v.shift.start, back + walk_s)
