"""``check_replan(original, replanned[, scenario])``: what a replan had to keep of the
plan it replans, and its replan block recomputed.

At the replan's time the day is under way: every trip started before then has
volunteers on the stairs and bags at doors. A coordinator trusts a replan only if
those trips, and their hand-overs, are in it as they were, and if what its block says
(trips kept, who left, the trips cut short, the bags back at the gate, the stops
changed) is what the two plans show. :func:`replan_bound` argues the replan's lower
bound again from the same facts (:mod:`.claims` compares it with the stated one).

Fields of the block that are labels, not recomputed: ``events`` (the count of events
given; the events themselves are not passed to ``check``, their effect is in the day's
scenario) and the makespans of the candidates not chosen (plans that are not in the
file); ``next_three_changed`` may leave out a volunteer who leaves after ``at_s``
(such a leave is in the day's scenario as an earlier shift end, not in ``left``).
"""

from __future__ import annotations

import math
from collections import Counter

from supplyroute.checks.bound import RISKY, ArguedBound, carry_bound
from supplyroute.checks.physics import Walking
from supplyroute.checks.round_rules import TOLERANCE_S, RoundRule
from supplyroute.checks.violations import Violation
from supplyroute.models import Plan, Scenario
from supplyroute.models.digest import plan_sha256
from supplyroute.models.plan import Stop, Trip

#: The three ways on a replan weighs, in the order it prefers them.
CANDIDATES = ("sheets kept", "next stops kept", "fresh")
#: The next stops of a volunteer's sheet that ``next_three_changed`` compares.
NEXT_STOPS = 3


def _stop_households(stop: Stop) -> list[str]:
    seen = [d.household for d in stop.drops] + [d.household for r in stop.runs
                                                for d in r.doors]
    return list(dict.fromkeys(seen))


def _stop_key(stop: Stop) -> tuple[str, frozenset[str]]:
    return stop.stairwell, frozenset(_stop_households(stop))


def _cut_stops(trip: Trip, left_s: float) -> int | None:
    """Stops of a trip its volunteer kept on leaving at ``left_s`` (None: not cut,
    back as planned)."""
    if trip.return_s <= left_s:
        return None
    kept = 0 if trip.depart_s > left_s else sum(1 for st in trip.stops if st.arrive_s < left_s)
    return None if kept == len(trip.stops) else kept


class _Kept:
    """The original's trips a replan must keep: started before the replan's time (or
    before their volunteer left), a cut one with the stops done before leaving."""

    def __init__(self, original: Plan, at_s: float, left: dict[str, float]):
        self.started: dict[str, int] = {}
        self.cut: dict[tuple[str, int], int] = {}
        for vp in original.volunteers:
            until = min(at_s, left.get(vp.volunteer, math.inf))
            count = 0
            for t_i, trip in enumerate(vp.trips):
                if trip.start_s >= until - 1e-9:
                    break
                stops = _cut_stops(trip, left[vp.volunteer]) \
                    if vp.volunteer in left and left[vp.volunteer] <= at_s else None
                if stops is not None:
                    self.cut[vp.volunteer, t_i] = stops
                    if stops == 0:
                        break  # still loading when the volunteer left: not made
                count += 1
            self.started[vp.volunteer] = count


def check_replan(original: Plan, replanned: Plan,
                 scenario: Scenario | None = None) -> list[Violation]:
    """Every way a replan changes what it had to keep of ``original``: each trip that
    started before the replan's time (a trip cut short when its volunteer left: its
    first stops as they were, no others), and each hand-over on them; then its block's
    figures (with ``scenario``, the day's scenario it is checked against, also when the
    bags are back and that whoever left ends the day then)."""
    out: list[Violation] = []
    info = replanned.replan
    if info is None:
        return [Violation(RoundRule.LOCKED, "replan", "the plan is not a replan")]
    if info.original_sha256 != plan_sha256(original):
        return [Violation(RoundRule.LOCKED, "replan.original_sha256",
                          "the replan is of another plan (or of another version of it)")]
    new = {vp.volunteer: (v_i, vp) for v_i, vp in enumerate(replanned.volunteers)}
    cut = {(c.volunteer, c.trip): c.stops_kept for c in info.cut_trips}
    kept: set[tuple[str, int]] = set()
    for vp in original.volunteers:
        until = min(info.at_s, info.left.get(vp.volunteer, math.inf))
        for t_i, trip in enumerate(vp.trips):
            if trip.start_s >= until:
                break
            kept.add((vp.volunteer, t_i))
            v_i, now = new.get(vp.volunteer, (None, None))
            where = f"volunteers[{v_i}].trips[{t_i}]"
            if (vp.volunteer, t_i) in cut:
                stops = cut[vp.volunteer, t_i]
                if stops == 0:
                    kept.discard((vp.volunteer, t_i))
                    continue  # still loading when the volunteer left: not made
                same = now is not None and t_i < len(now.trips) and \
                    now.trips[t_i].stops == trip.stops[:stops]
            else:
                same = now is not None and t_i < len(now.trips) and now.trips[t_i] == trip
            if not same:
                out.append(Violation(RoundRule.LOCKED, where if now else "volunteers",
                                     f"volunteer {vp.volunteer!r}'s trip {t_i}, started at "
                                     f"{trip.start_s} s before the replan, is not kept as "
                                     "it was"))
    out += _kept_hand_overs(original, replanned, kept, cut)
    out += _block(original, replanned, scenario)
    return out


def _kept_hand_overs(original: Plan, replanned: Plan, kept: set[tuple[str, int]],
                     cut: dict[tuple[str, int], int]) -> list[Violation]:
    """Each hand-over on a kept trip (on a cut one: at the stops reached) is in the
    replan's ledger as it was."""
    out = []
    trips = {vp.volunteer: vp.trips for vp in original.volunteers}
    ledger = {d.household: d for d in replanned.deliveries}
    for d in original.deliveries:
        if (d.volunteer, d.trip) not in kept or d.trip is None:
            continue
        stops = cut.get((d.volunteer, d.trip))
        if stops is not None and not any(
                d.household in _stop_households(st)
                for st in trips[d.volunteer][d.trip].stops[:stops]):
            continue  # on a stop the volunteer did not reach: back at the gate
        now = ledger.get(d.household)
        if now is None or (now.volunteer, now.trip, now.delivered_s) != (
                d.volunteer, d.trip, d.delivered_s):
            out.append(Violation(RoundRule.LOCKED, "deliveries",
                                 f"household {d.household!r}, handed over by "
                                 f"{d.volunteer!r} at {d.delivered_s} s on a kept trip, is "
                                 "not in the replan's ledger as it was"))
    return out


def _block(original: Plan, replanned: Plan, scenario: Scenario | None) -> list[Violation]:
    """The replan block's figures against the original and the replan."""
    info = replanned.replan
    assert info is not None
    out: list[Violation] = []

    def flag(field: str, message: str) -> None:
        out.append(Violation(RoundRule.REPLAN, f"replan.{field}", message))

    if info.base_scenario_sha256 != original.scenario_sha256:
        flag("base_scenario_sha256", "is not the scenario fingerprint the original records")
    volunteers = {vp.volunteer for vp in original.volunteers}
    for who, when in info.left.items():
        if who not in volunteers or when > info.at_s:
            flag("left", f"{who!r} at {when} s: only a volunteer of the original who left "
                 f"by the replan's time ({info.at_s} s) is listed")
    facts = _Kept(original, info.at_s, {v: t for v, t in info.left.items() if t <= info.at_s})
    if info.trips_kept != sum(facts.started.values()):
        flag("trips_kept", f"stated {info.trips_kept}, the original has "
             f"{sum(facts.started.values())} trips started before the replan")
    stated_cut = {(c.volunteer, c.trip): c.stops_kept for c in info.cut_trips}
    if stated_cut != facts.cut:
        flag("cut_trips", f"stated {sorted(stated_cut.items())}, the trips under way when "
             f"their volunteers left are {sorted(facts.cut.items())}")
    out += [Violation(RoundRule.REPLAN, f"replan.{field}", message)
            for field, message in _bags_back(original, info, facts, scenario)]
    out += [Violation(RoundRule.REPLAN, f"replan.{field}", message)
            for field, message in _changes(original, replanned, facts, scenario)]
    if set(info.candidates) != set(CANDIDATES):
        flag("candidates", f"names {sorted(info.candidates)}; a replan weighs "
             f"{list(CANDIDATES)}")
    chosen_s = info.candidates.get(info.chosen)
    if chosen_s is None or abs(chosen_s - replanned.summary.makespan_s) > TOLERANCE_S:
        flag(f"candidates.{info.chosen}", f"stated {chosen_s}, the replan kept "
             f"({info.chosen}) has makespan {replanned.summary.makespan_s}")
    for vp in replanned.volunteers:
        for t_i, trip in enumerate(vp.trips[facts.started.get(vp.volunteer, 0):]):
            if trip.start_s < info.at_s - TOLERANCE_S:
                flag("at_s", f"{vp.volunteer!r}'s trip {facts.started.get(vp.volunteer, 0) + t_i}"
                     f", planned at the replan, starts at {trip.start_s} s, before the "
                     f"replan's time {info.at_s} s")
    if replanned.summary.mode_makespans_s is not None or replanned.summary.mode != "carry":
        flag("at_s", "a replan plans the rest of the day as a carry round; it weighs no "
             "modes (summary.mode, summary.mode_makespans_s)")
    if scenario is not None:
        for who, when in info.left.items():
            v = scenario.volunteer_by_id.get(who)
            last = max((t.return_s for vp in replanned.volunteers if vp.volunteer == who
                        for t in vp.trips), default=when)
            if v is not None and v.shift.end > max(when, last, v.shift.start) + TOLERANCE_S:
                flag("left", f"{who!r} left at {when} s, but its shift in the day's scenario "
                     f"ends at {v.shift.end}")
        for v in scenario.volunteers:
            own = next((vp for vp in original.volunteers if vp.volunteer == v.id), None)
            if v.id not in info.left and own is not None and any(
                    t.start_s < info.at_s <= t.return_s and t.return_s > v.shift.end
                    for t in own.trips):
                flag("left", f"{v.id!r}'s shift ends at {v.shift.end} during its trip "
                     "under way, but it is not listed as having left")
    return out


def _bags_back(original: Plan, info, facts: _Kept,
               scenario: Scenario | None) -> list[tuple[str, str]]:
    """The bags of each cut trip's stops not reached, back at its gate: when the
    volunteer is (with the day's scenario: the last stop kept, then the walk back)."""
    trips = {vp.volunteer: vp.trips for vp in original.volunteers}
    walking = Walking(scenario) if scenario is not None else None
    want: dict[tuple[str, str], float | None] = {}
    for (who, t_i), stops in facts.cut.items():
        trip = trips[who][t_i]
        back = _back_s(trip, stops, info.left[who], who, walking, scenario)
        for st in trip.stops[stops:]:
            for hid in _stop_households(st):
                want[hid, trip.gate] = back
    stated = {(b.household, b.gate): b.back_s for b in info.bags_back}
    out = []
    if set(stated) != set(want):
        out.append(("bags_back", f"stated {sorted(stated)}, the stops not reached leave "
                    f"{sorted(want)} (household, gate)"))
    for key, back in want.items():
        if key in stated and back is not None and abs(stated[key] - back) > TOLERANCE_S:
            out.append(("bags_back", f"{key[0]!r}'s bags are back at {key[1]!r} at "
                        f"{back:.2f} s, stated {stated[key]}"))
    return out


def _back_s(trip: Trip, stops: int, left_s: float, who: str, walking: Walking | None,
            scenario: Scenario | None) -> float | None:
    """When a volunteer who left during ``trip`` is back at the gate (None: unknown)."""
    if stops == 0:
        return left_s
    if walking is None or scenario is None or who not in scenario.volunteer_by_id:
        return None
    v = scenario.volunteer_by_id[who]
    p = scenario.parameters
    speed = (v.cart.speed_mps or p.cart_speed_mps) if trip.mode == "cart" and v.cart \
        else v.walk_speed_mps or p.walk_speed_mps
    last = trip.stops[stops - 1]
    return last.leave_s + walking.metres(last.stairwell, trip.gate) / speed


def _changes(original: Plan, replanned: Plan, facts: _Kept,
             scenario: Scenario | None) -> list[tuple[str, str]]:
    """Stops of the remaining sheets added or taken away, and whose next stops changed."""
    info = replanned.replan
    assert info is not None
    old = {vp.volunteer: vp for vp in original.volunteers}
    changed = 0
    moved = set()
    for vp in replanned.volunteers:
        kept = facts.started.get(vp.volunteer, 0)
        before = [_stop_key(st) for t in old[vp.volunteer].trips[kept:]
                  for st in t.stops] if vp.volunteer in old else []
        after = [_stop_key(st) for t in vp.trips[kept:] for st in t.stops]
        changed += sum(((Counter(before) - Counter(after))
                        + (Counter(after) - Counter(before))).values())
        shown = min(NEXT_STOPS, len(before))
        if before[:shown] != after[:shown]:
            moved.add(vp.volunteer)
    out = []
    if info.changed_stops != changed:
        out.append(("changed_stops", f"stated {info.changed_stops}, the sheets after the "
                    f"trips kept differ by {changed} stops"))
    listed = set(info.next_three_changed)
    if listed - moved:
        out.append(("next_three_changed", f"{sorted(listed - moved)}: their next stops are "
                    "those of their old sheets"))
    # A volunteer left out of the list must have left (before the replan, or later:
    # then its shift in the day's scenario ends before its old sheet did).
    ends = {v.id: v.shift.end for v in scenario.volunteers} if scenario is not None else {}
    unlisted = [v for v in sorted(moved - listed) if scenario is not None
                and v not in info.left and v in old and v in ends
                and ends[v] >= max((t.return_s for t in old[v].trips), default=0.0)]
    if unlisted:
        out.append(("next_three_changed", f"{unlisted}: their next stops changed, but are "
                    "not listed"))
    return out


def replan_bound(scenario: Scenario, original: Plan, replanned: Plan
                 ) -> tuple[float, float, ArguedBound | None] | None:
    """A replan's bound argued again from the day's scenario: (the last kept hand-over,
    when the rest can start, the rest's carry bound), in seconds after the round's start.
    The rest is the day's scenario less the households on the kept trips, each
    volunteer from when it is free (its kept trips over, the disinfection after a risky
    one, not before the replan), the gates' counted bags less those the kept trips took.
    None when the replan is not one of ``original``."""
    info = replanned.replan
    if info is None or info.original_sha256 != plan_sha256(original):
        return None
    facts = _Kept(original, info.at_s, {v: t for v, t in info.left.items() if t <= info.at_s})
    s = scenario
    t0 = min(v.shift.start for v in s.volunteers)
    trips = {vp.volunteer: vp.trips[:facts.started.get(vp.volunteer, 0)]
             for vp in replanned.volunteers}
    locked = {h for ts in trips.values() for t in ts for st in t.stops
              for h in _stop_households(st)}
    kept_s = max((d.delivered_s for d in replanned.deliveries if d.household in locked),
                 default=t0) - t0
    rest = _rest(s, info.at_s, trips, locked)
    if rest is None:
        return kept_s, 0.0, None
    covers = None
    if replanned.summary.bound_covers == "served":
        covers = {d.household for d in replanned.deliveries} - locked
    rest_t0 = min(v.shift.start for v in rest.volunteers)
    return kept_s, rest_t0 - t0, carry_bound(rest, covers)


def _rest(s: Scenario, at_s: float, trips: dict[str, tuple[Trip, ...]],
          locked: set[str]) -> Scenario | None:
    """The rest of the day as a scenario of its own (None: nobody or nothing left)."""
    risky = {h.id for h in s.households if h.risk in RISKY}
    data = s.model_dump(mode="json")
    data["households"] = [h for h in data["households"] if h["id"] not in locked]
    volunteers = []
    for v in data["volunteers"]:
        free = at_s
        for t in trips.get(v["id"], ()):
            served = {h for st in t.stops for h in _stop_households(st)}
            free = max(free, t.return_s + (s.parameters.disinfection_s
                                           if served & risky else 0.0))
        v["shift"]["start"] = max(v["shift"]["start"], free)
        if v["shift"]["start"] < v["shift"]["end"]:
            volunteers.append(v)
    if not data["households"] or not volunteers:
        return None
    data["volunteers"] = volunteers
    named = {h for g in s.gates for r in g.releases for h in r.households or ()}
    taken: Counter[str] = Counter()
    for ts in trips.values():
        for t in ts:
            for st in t.stops:
                for hid in _stop_households(st):
                    if hid not in named and hid in s.household_by_id:
                        taken[t.gate] += len(s.bags_of(s.household_by_id[hid]))
    rest_ids = {h["id"] for h in data["households"]}
    for gate in data["gates"]:
        left = taken[gate["id"]]
        for r in sorted((r for r in gate["releases"] if r.get("bags") is not None),
                        key=lambda r: r["at"]):
            used = min(left, r["bags"])
            r["bags"] -= used
            left -= used
        for r in gate["releases"]:
            if r.get("households") is not None:
                r["households"] = [h for h in r["households"] if h in rest_ids]
        gate["releases"] = [r for r in gate["releases"]
                            if r.get("households") is None or r["households"]]
    return Scenario.model_validate(data)
