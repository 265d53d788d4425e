"""The day's scenario: the original scenario with the day's events in it.

Households added, removed or made urgent (an urgent order for a household already
served is a household of its own, ``<id>/order``), closures as windows that open when
the closure ends, batches moved or made smaller, volunteers who join, come late or
leave, and the bags a volunteer who left brought back to the gate, named for another
volunteer to take. The replan is a plan of this scenario.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from supplyroute.clock import hhmm
from supplyroute.errors import InputError, InputIssue
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario, Trip
from supplyroute.models.base import MAX_TIME_S
from supplyroute.models.events import (
    Closed,
    Event,
    HouseholdsAdded,
    HouseholdsRemoved,
    ReleaseChanged,
    UrgentOrder,
    VolunteerJoins,
    VolunteerLate,
    VolunteerLeaves,
)
from supplyroute.models.plan import BagsBack, Delivery
from supplyroute.replan.stops import households_of


class DayScenario:
    """The original scenario as a document, the events applied to it one by one."""

    def __init__(self, base: Scenario, original: Plan, events: list[Event], at_s: float,
                 kept: dict[str, list[Trip]], locked: dict[str, Delivery],
                 bags_back: list[BagsBack]):
        self.base = base
        self.original = original
        self.events = events
        self.at_s = at_s
        self.kept = kept  #: each volunteer's trips kept.
        self.locked = locked  #: the hand-overs done or under way, by household.
        self.bags_back = bags_back
        self.data = data = base.model_dump(mode="json")
        self.hh: dict[str, dict[str, Any]] = {h["id"]: h for h in data["households"]}
        self.order = [h["id"] for h in data["households"]]
        #: households whose bags come to a gate of their own at a time: gate, time.
        self.renamed: dict[str, tuple[str, float]] = {}
        self.vols: dict[str, dict[str, Any]] = {v["id"]: v for v in data["volunteers"]}
        self.vorder = [v["id"] for v in data["volunteers"]]
        #: households closed in: the event and when the closure ends.
        self.closures: dict[str, tuple[int, float]] = {}

    def build(self) -> Scenario:
        """The day's scenario, validated; a closure that outlasts a deadline, or a batch
        changed below what kept trips already took, is an input error."""
        for e_i, e in enumerate(self.events):
            self.apply(e_i, e)
        data = self.data
        # A volunteer who left before its shift began, or comes after it ends, with no
        # trip kept, is not there today.
        vols, kept = self.vols, self.kept
        self.vorder = [v for v in self.vorder if kept.get(v)
                       or vols[v]["shift"]["end"] > vols[v]["shift"]["start"]]
        # Bags a volunteer who left brought back: at the gate again, named for them.
        for back in self.bags_back:
            self.renamed[back.household] = (back.gate, back.back_s)
        self.releases()
        data["households"] = [self.hh[h] for h in self.order if h in self.hh]
        data["volunteers"] = [vols[v] for v in self.vorder]
        self.refuse_closures_past_deadlines()
        day = validate_document(Scenario, data)
        self.refuse_untaken_bags(day)
        return day

    def apply(self, e_i: int, e: Event) -> None:
        """One event, in the order the coordinator lists them."""
        where = f"events[{e_i}]"
        if isinstance(e, HouseholdsRemoved):
            for k, hid in enumerate(e.households):
                if hid in self.locked:
                    raise InputError(InputIssue(f"{where}.households[{k}]", f"household "
                                                f"{hid!r} was already served: it cannot be "
                                                "removed"))
                if hid not in self.hh:
                    raise InputError(InputIssue(f"{where}.households[{k}]", f"household "
                                                f"{hid!r} was removed by an earlier event"))
                self.hh.pop(hid)
        elif isinstance(e, HouseholdsAdded):
            for h in e.households:
                self.hh[h.id] = h.model_dump(mode="json")
                self.order.append(h.id)
        elif isinstance(e, UrgentOrder):
            self.urgent(where, e)
        elif isinstance(e, Closed):
            self.closed(e_i, e)
        elif isinstance(e, ReleaseChanged):
            gate = next(g for g in self.data["gates"] if g["id"] == e.gate)
            r = gate["releases"][e.release]
            if e.at is not None:
                r["at"] = e.at
            if e.bags is not None:
                r["bags"] = e.bags
        elif isinstance(e, VolunteerJoins):
            self.joins(where, e)
        elif isinstance(e, (VolunteerLate, VolunteerLeaves)):
            self.volunteer_hours(where, e)

    def joins(self, where: str, e: VolunteerJoins) -> None:
        """A volunteer who joins: a shift that ends before it starts, or before the
        replan's time, cannot apply (the volunteer would silently do nothing)."""
        shift = e.volunteer.shift
        if shift.end <= shift.start:
            raise InputError(InputIssue(f"{where}.volunteer.shift", f"ends {hhmm(shift.end)}"
                                        f" before it starts {hhmm(shift.start)}"))
        if shift.end <= self.at_s:
            raise InputError(InputIssue(f"{where}.volunteer.shift.end", f"ends "
                                        f"{hhmm(shift.end)}, before the replan's time "
                                        f"{hhmm(self.at_s)}: the volunteer cannot help"))
        self.vols[e.volunteer.id] = e.volunteer.model_dump(mode="json")
        self.vorder.append(e.volunteer.id)

    def closed(self, e_i: int, e: Closed) -> None:
        """A stairwell or building closed until later: its households not yet served get
        a window that opens when the closure ends."""
        s = self.base
        closed = {e.stairwell} if e.stairwell else {
            w.id for b in s.buildings if b.id == e.building for w in b.stairwells}
        for hid, h in self.hh.items():
            if h["stairwell"] in closed and hid not in self.locked:
                window = h.get("window")
                start = max(e.until, window["start"] if window else 0)
                end = window["end"] if window else MAX_TIME_S
                h["window"] = {"start": start, "end": max(start, end)}
                self.closures[hid] = (e_i, e.until)

    def volunteer_hours(self, where: str, e: VolunteerLate | VolunteerLeaves) -> None:
        """A volunteer who comes late starts later; one who leaves ends its shift then
        (but not before its kept trips are back). One who would come only after the
        shift ends cannot come late: that is leaving, said as such."""
        kept = self.kept
        if e.volunteer not in self.vols:
            raise InputError(InputIssue(f"{where}.volunteer",
                                        f"unknown volunteer {e.volunteer!r}"))
        if isinstance(e, VolunteerLate):
            if kept.get(e.volunteer):
                raise InputError(InputIssue(f"{where}.volunteer", f"volunteer "
                                            f"{e.volunteer!r} has already made trips: it "
                                            "cannot come late"))
            shift = self.vols[e.volunteer]["shift"]
            listed = self.base.volunteer_by_id.get(e.volunteer)  # as rostered, not as left
            end = listed.shift.end if listed is not None else shift["end"]
            if e.arrives >= end:
                raise InputError(InputIssue(f"{where}.arrives", f"{hhmm(e.arrives)} is not "
                                            f"before the shift ends ({hhmm(end)}): "
                                            "a volunteer who does not come is "
                                            "'volunteer_leaves'"))
            shift["start"] = max(shift["start"], e.arrives)
            return
        last = max((t.return_s for t in kept.get(e.volunteer, [])), default=e.at)
        shift = self.vols[e.volunteer]["shift"]
        shift["end"] = max(min(shift["end"], e.at), last, shift["start"])

    def urgent(self, where: str, e: UrgentOrder) -> None:
        """An urgent order: its bags join the household's (which becomes urgent), or, if
        the household was already served, go to it as a household of their own. An
        order for a household removed, or due before the replan's time, cannot apply."""
        hh, data = self.hh, self.data
        if e.household not in hh:
            raise InputError(InputIssue(f"{where}.household", f"household {e.household!r}"
                                        " is not in the day (removed by an earlier event)"))
        if e.deadline < self.at_s:
            raise InputError(InputIssue(f"{where}.deadline", f"due {hhmm(e.deadline)}, "
                                        f"before the replan's time {hhmm(self.at_s)}"))
        h = hh[e.household]
        bags = [b.model_dump(mode="json") for b in e.bags]
        ready = e.ready if e.ready is not None else self.at_s
        # The order's bags come to a gate of their own accord (the pharmacy's): named
        # there, so that they draw nothing from the batches counted for everyone.
        planned = next((d.volunteer for d in self.original.deliveries
                        if d.household == e.household), None)
        named = next(((g["id"], r["at"]) for g in data["gates"] for r in g["releases"]
                      if e.household in (r.get("households") or ())), None)
        gate = e.gate or (named[0] if named else None) or (
            self.base.volunteer_by_id[planned].gate if planned in self.base.volunteer_by_id
            else data["gates"][0]["id"])
        if e.household not in self.locked:
            own = h.get("bags") or [b.model_dump(mode="json")
                                    for b in self.base.parameters.default_bags]
            h["bags"] = own + bags
            h["priority"] = "urgent"
            h["deadline"] = min(e.deadline, h.get("deadline") or math.inf)
            self.renamed[e.household] = (gate, max(ready, named[1] if named else ready))
            return
        new_id = f"{e.household}/order"
        k = 2
        while new_id in hh:
            new_id, k = f"{e.household}/order{k}", k + 1
        hh[new_id] = {"id": new_id, "stairwell": h["stairwell"], "floor": h["floor"],
                      "bags": bags, "priority": "urgent", "deadline": e.deadline,
                      "risk": h.get("risk", "green"), "delivery": h.get("delivery", "door"),
                      "needs": ["urgent_order"]}
        self.order.append(new_id)
        self.renamed[new_id] = (gate, ready)

    def releases(self) -> None:
        """The gates' batches: households whose bags come on their own (urgent orders,
        bags brought back) leave the batches that named them and get one each."""
        extra_releases: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for hid, (gate_id, at) in self.renamed.items():
            extra_releases[gate_id].append({"at": at, "households": [hid]})
        for gate in self.data["gates"]:
            releases = []
            for r in gate["releases"]:
                if r.get("households") is not None:
                    r["households"] = [h for h in r["households"]
                                       if h in self.hh and h not in self.renamed]
                    if not r["households"]:
                        continue
                releases.append(r)
            gate["releases"] = releases + extra_releases.get(gate["id"], [])

    def refuse_closures_past_deadlines(self) -> None:
        """A closure that ends after a household's deadline is a mistake in the events."""
        for hid, (e_i, until) in self.closures.items():
            h = self.hh.get(hid)
            if h is not None and h.get("deadline") is not None and h["deadline"] < until:
                raise InputError(InputIssue(f"events[{e_i}]", f"household {hid!r} is due by "
                                            f"{hhmm(h['deadline'])}, before the closure ends "
                                            f"at {hhmm(until)}: serve it first or move its "
                                            "deadline"))

    def refuse_untaken_bags(self, day: Scenario) -> None:
        """A batch moved later or made smaller cannot take back bags that kept trips
        already carried away: that is a mistake in the events, said as such."""
        named = {h for g in day.gates for r in g.releases for h in r.households or ()}
        for gate in day.gates:
            counted = sorted((r.at, r.bags) for r in gate.releases if r.bags is not None)
            if not counted:
                continue
            trips = sorted((t.start_s, sum(len(day.bags_of(day.household_by_id[h]))
                                           for h in households_of(t)
                                           if h in day.household_by_id and h not in named))
                           for ts in self.kept.values() for t in ts if t.gate == gate.id)
            taken = 0
            for start, bags in trips:
                taken += bags
                released = sum(n or 0 for at, n in counted if at <= start + 1e-6)
                if taken > released:
                    where = next((f"events[{i}]" for i, e in enumerate(self.events)
                                  if isinstance(e, ReleaseChanged) and e.gate == gate.id),
                                 "events")
                    raise InputError(InputIssue(where, f"by {hhmm(start)} trips already "
                                                f"under way had taken {taken} bags from gate "
                                                f"{gate.id!r}; the batches as changed release "
                                                f"only {released} by then"))
