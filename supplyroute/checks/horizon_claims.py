"""What a horizon claims beyond its supplies, argued again: each round's bound, gap and
optimality (:func:`~supplyroute.checks.claims.verify_claims`, as ``check`` does for a
single round), where the folder keeps each day's files, the volunteers on duty, the
day's lists (deliveries once each, the ledger's visits), and the relabel: which person
does the work planned for whom, and with whose cart.

Free labels, stated and not recomputed (only their range is checked): the horizon's and
the allocation's ``solve_s`` (wall and CP-SAT time) and a day's ``estimated_work_s``
(the calendar's own estimate, which it balanced; not comparable to ``work_s``).
"""

from __future__ import annotations

import math
from collections import defaultdict

from supplyroute.checks.claims import verify_claims
from supplyroute.checks.horizon_rules import HorizonRule
from supplyroute.checks.violations import Checker
from supplyroute.models import Plan, Scenario, Volunteer
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import DayPlan, HorizonFolder, HorizonPlan


def day_folder(day: int) -> str:
    """The folder of day ``day`` (from 0): ``day-01`` for day 0."""
    return f"day-{day + 1:02d}"


class HorizonClaims(Checker):
    """The horizon checker's claim steps, a part of
    :class:`~supplyroute.checks.horizon._HorizonChecker`, which sets the attributes."""

    cs: CycleScenario
    folder: HorizonFolder
    horizon: HorizonPlan
    days: list[tuple[int, DayPlan]]

    def pair(self, day: DayPlan, kind: str) -> tuple[Scenario, Plan] | None:
        summary = day.delivery_round if kind == "delivery" else day.garbage_round
        return None if summary is None else self.folder.rounds.get((day.day, kind))

    # Each round's claims, and where the folder keeps the day's files.
    def round_claims(self) -> None:
        for d_i, day in self.days:
            where = f"days[{d_i}]"
            folder = day_folder(day.day)
            for kind, summary in (("delivery", day.delivery_round),
                                  ("garbage", day.garbage_round)):
                if summary is None:
                    continue
                for name, path in (("scenario_file", f"{folder}/{kind}.scenario.json"),
                                   ("plan_file", f"{folder}/{kind}.plan.json")):
                    if getattr(summary, name) != path:
                        self.flag(HorizonRule.STRUCTURE, f"{where}.{kind}_round.{name}",
                                  f"stated {getattr(summary, name)!r}, day {day.day}'s "
                                  f"{kind} round is {path!r}")
                pair = self.pair(day, kind)
                if pair is None:
                    continue
                claimed, _notes = verify_claims(*pair)
                for v in claimed:
                    self.flag(HorizonRule.CLAIM, f"{summary.plan_file}: {v.path}", v.message)
            if day.picklist_file != f"{folder}/picklist.md":
                self.flag(HorizonRule.STRUCTURE, f"{where}.picklist_file",
                          f"stated {day.picklist_file!r}, day {day.day}'s pick list is "
                          f"'{folder}/picklist.md'")

    # Who is on duty, the day's lists and the free labels' ranges.
    def duty_and_lists(self) -> None:
        cs = self.cs
        for d_i, day in self.days:
            where = f"days[{d_i}]"
            on_duty = len(cs.on_duty(day.day))
            if day.volunteers_on_duty != on_duty:
                self.flag(HorizonRule.SUMMARY, f"{where}.volunteers_on_duty",
                          f"stated {day.volunteers_on_duty}, the roster puts {on_duty} on duty")
            seen: set[str] = set()
            for x_i, x in enumerate(day.deliveries):
                if x.household in seen:
                    self.flag(HorizonRule.STRUCTURE, f"{where}.deliveries[{x_i}]",
                              f"household {x.household!r} delivered twice on day {day.day}")
                seen.add(x.household)
            bagged = {x.household for x in day.deliveries if x.bags}
            ledger = {h.id for h in cs.compound.households
                      if cs.visits_daily(h.id) and h.residents > 0}
            named = {n.household for n in day.not_served if n.round in ("delivery", "visit")}
            expected = ledger - bagged - named
            if sorted(day.visits) != sorted(expected):
                self.flag(HorizonRule.VISIT, f"{where}.visits",
                          f"lists {sorted(day.visits)}; the ledger's households without "
                          f"bags that day are {sorted(expected)}")
            if not (day.estimated_work_s >= 0 and math.isfinite(day.estimated_work_s)):
                self.flag(HorizonRule.SUMMARY, f"{where}.estimated_work_s",
                          f"stated {day.estimated_work_s}: an estimate of seconds, at least 0")
        solve_s = self.horizon.summary.solve_s
        if solve_s is not None and not (solve_s >= 0 and math.isfinite(solve_s)):
            self.flag(HorizonRule.SUMMARY, "summary.solve_s",
                      f"stated {solve_s}: a wall time, at least 0 (none if deterministic)")

    # The relabel: interchangeable volunteers swap the day's work.
    def relabels(self) -> None:
        climbed: dict[str, float] = defaultdict(float)
        for d_i, day in self.days:
            where = f"days[{d_i}].relabel"
            pair = self.pair(day, "delivery")
            if pair is None:
                if day.relabel:
                    self.flag(HorizonRule.RELABEL, where,
                              "relabels volunteers on a day with no delivery round")
                continue
            on_duty = list(self.cs.on_duty(day.day))
            # a volunteer's day is both rounds: the garbage round's climbing counts too
            floors: dict[str, float] = defaultdict(float)
            for kind in ("delivery", "garbage"):
                done = self.pair(day, kind)
                for vp in done[1].volunteers if done is not None else ():
                    floors[vp.volunteer] += vp.floors_climbed
            if self.relabel_shape(where, day.relabel, on_duty):
                mapping = {v: day.relabel.get(v, v) for v in on_duty}
                self.relabel_roles(day, pair[0], mapping)
                self.relabel_rule(where, floors, mapping, climbed)
            for vid, f in floors.items():
                climbed[vid] += f

    def group(self, v: Volunteer) -> str:
        """Volunteers alike in all but id (and cart, when carts rotate) share a group."""
        return v.model_dump_json(exclude={"id", "cart"} if self.cs.rotate_carts else {"id"})

    def relabel_shape(self, where: str, relabel: dict[str, str], on_duty: list[str]) -> bool:
        """A swap among the day's volunteers on duty, each within its group."""
        known = self.cs.compound.volunteer_by_id
        ok = True
        for planned, person in relabel.items():
            if planned not in on_duty or person not in on_duty:
                self.flag(HorizonRule.RELABEL, f"{where}.{planned}",
                          f"{planned!r} -> {person!r}: both must be on duty on the day")
                ok = False
            elif planned == person:
                self.flag(HorizonRule.RELABEL, f"{where}.{planned}",
                          "lists a volunteer as their own relabel")
            elif self.group(known[planned]) != self.group(known[person]):
                self.flag(HorizonRule.RELABEL, f"{where}.{planned}",
                          f"{planned!r} -> {person!r}: they are not interchangeable")
                ok = False
        if ok and sorted(relabel) != sorted(relabel.values()):
            self.flag(HorizonRule.RELABEL, where,
                      "is not a swap: each person takes one planned volunteer's work and "
                      f"hands theirs on (planned {sorted(relabel)}, people "
                      f"{sorted(relabel.values())})")
            ok = False
        return ok

    def relabel_roles(self, day: DayPlan, scenario: Scenario, mapping: dict[str, str]) -> None:
        """In the day's scenario each person holds the role planned for the volunteer
        they relabel, cart and all."""
        known = self.cs.compound.volunteer_by_id
        f = day.delivery_round.scenario_file  # type: ignore[union-attr]
        index = {v.id: i for i, v in enumerate(scenario.volunteers)}
        for planned, person in mapping.items():
            role = known[planned].model_copy(update={"id": person})
            if person not in index:
                continue  # the day scenario's check names a volunteer missing
            held = scenario.volunteers[index[person]]
            if held != role:
                cart = f" (cart {held.cart} for {role.cart})" if held.cart != role.cart else ""
                self.flag(HorizonRule.RELABEL, f"{f}: volunteers[{index[person]}]",
                          f"{person!r} should hold the role planned for {planned!r} "
                          f"(relabel {planned!r} -> {person!r}) but differs from it{cart}")

    def relabel_rule(self, where: str, floors: dict[str, float], mapping: dict[str, str],
                     climbed: dict[str, float]) -> None:
        """Within each group the planned work (both rounds' floors, by the person who
        does it), most floors first, goes to the people who have climbed least in the
        earlier days' rounds."""
        known = self.cs.compound.volunteer_by_id
        groups: dict[str, list[str]] = defaultdict(list)
        for vid in mapping:
            groups[self.group(known[vid])].append(vid)
        for members in groups.values():
            work = sorted(members, key=lambda p: (-floors.get(mapping[p], 0), p))
            people = sorted(members, key=lambda p: (climbed[p], p))
            expected = dict(zip(work, people, strict=True))
            wrong = [p for p in members if expected[p] != mapping[p]]
            if wrong:
                p = min(wrong)
                self.flag(HorizonRule.RELABEL, f"{where}.{p}",
                          f"the work planned for {p!r} ({floors.get(mapping[p], 0)} floors) "
                          f"goes to {mapping[p]!r}; it goes to {expected[p]!r}, by the "
                          "floors climbed on the earlier days")
