"""No household left out while a volunteer could still bring it its bags.

A plan may leave a household out only if no volunteer allowed to serve it could do so
on one more trip appended to their day: from the gate, after their last trip (and the
disinfection after a red or orange home), in their own mode (by cart where they have
one), back within their shift, handing the bags over within the household's window and
by its deadline, once the gate has released them (a named batch at the volunteer's
gate; for interchangeable bags, the gate's count batches covering every pooled bag
the plan takes from it, these too). A household the checker can serve so is refused,
whatever reason the plan gives: a coordinator would send that volunteer.

The arithmetic is the checker's own (:mod:`.physics`, :class:`.bound.Grounds`); a
volunteer whose day holds climbs (a relay's climber, who ends away from the gate) is
not asked. Times are compared with :data:`.round_rules.TOLERANCE_S` to spare: only a
trip that clearly fits is held against the plan.
"""

from __future__ import annotations

import bisect
import itertools

from supplyroute.checks.bound import Grounds, Home
from supplyroute.checks.round_rules import TOLERANCE_S, RoundRule
from supplyroute.checks.violations import Violation
from supplyroute.models import Plan, Scenario, Volunteer


def _hhmm(t: float) -> str:
    minutes = int(t // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class _Day:
    """What the plan leaves free: each volunteer's first moment for one more trip, and
    each gate's interchangeable bags already taken."""

    def __init__(self, scenario: Scenario, plan: Plan, grounds: Grounds):
        self.s = scenario
        self.g = grounds
        named = {h.id for h in grounds.homes if h.named is not None}
        self.free_s: dict[str, float | None] = {v.id: v.shift.start for v in scenario.volunteers}
        self.drawn: dict[str, int] = {gate.id: 0 for gate in scenario.gates}
        risky = {h.id for h in grounds.homes if h.risky}
        wait = scenario.parameters.disinfection_s
        for vp in plan.volunteers:
            if vp.volunteer not in self.free_s:
                continue
            if vp.climbs:
                self.free_s[vp.volunteer] = None
            for trip in vp.trips:
                bags = trip.bags_by_household()
                if trip.gate in self.drawn:
                    self.drawn[trip.gate] += sum(n for hid, n in bags.items() if hid not in named)
                back = trip.return_s + (wait if risky & bags.keys() else 0.0)
                free = self.free_s[vp.volunteer]
                if free is not None:
                    self.free_s[vp.volunteer] = max(free, back)

    def pool_s(self, gate: str, bags: int) -> float | None:
        """When the gate has released ``bags`` more interchangeable bags than the plan
        takes from it (None: never; minus infinity: a gate without count batches)."""
        batches = self.g.batches.get(gate, [])
        if not batches:
            return float("-inf")
        cumulative = list(itertools.accumulate(n for _, n in batches))
        k = bisect.bisect_left(cumulative, self.drawn[gate] + bags)
        return batches[k][0] if k < len(batches) else None


def _solo(g: Grounds, vol: Volunteer, home: Home) -> tuple[float, float, float]:
    """A trip with this household alone, in the volunteer's own mode: the first and
    last hand-over and the return, in seconds after loading begins. Without a cart and
    more than the hands hold: several trips by hand, one after another."""
    s, p = g.scenario, g.scenario.parameters
    if g.shuttles(home, vol):
        at, first, last, back = 0.0, None, 0.0, 0.0
        for leg in g.shuttle_loads(home, vol):
            f, last_leg, back_leg = _solo(g, vol, leg)
            first = at + f if first is None else first
            last, back = at + last_leg, at + back_leg
            at = back + (p.disinfection_s if home.risky else 0.0)
        return first or 0.0, last, back
    speed = g.modes(vol)[-1][2]  # by cart where the volunteer has one
    walk = g.metres(vol.gate, home.stairwell) / speed
    t = p.load_s + walk
    if not home.door:
        t += home.bags * p.entrance_drop_s_per_bag
        return t, t, t + walk
    cap_bags, cap_kg = s.hand_capacity(vol)
    runs: list[list[float]] = []
    for w in home.weights:
        if not runs or len(runs[-1]) + 1 > cap_bags or sum(runs[-1]) + w > cap_kg + 1e-9:
            runs.append([])
        runs[-1].append(w)
    first = None
    for _ in runs:
        t += g.up_s(home.stairwell, home.floor) + p.handover_s
        first = t if first is None else first
        last = t
        t += g.down_s(home.stairwell, home.floor)
    return first or t, last, t + walk


def left_out(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every household the plan leaves out that a volunteer could still serve on one
    more trip within their shift."""
    if not plan.unserved:
        return []
    g = Grounds(scenario)
    day = _Day(scenario, plan, g)
    homes = {h.id: h for h in g.homes}
    found = []
    for i, u in enumerate(plan.unserved):
        home = homes.get(u.household)
        if home is None:
            continue  # the coverage check names it
        trip = _first_trip(g, day, home)
        if trip is not None:
            vol, start, back = trip
            found.append(Violation(
                RoundRule.LEFT_OUT, f"unserved[{i}]",
                f"household {u.household!r} is left out ({u.reason.value}), but volunteer "
                f"{vol.id!r} could still serve it: a trip from {_hhmm(start)} back by "
                f"{_hhmm(back)}, within the shift (ends {_hhmm(vol.shift.end)})"))
    return found


def _first_trip(g: Grounds, day: _Day, home: Home) -> tuple[Volunteer, float, float] | None:
    """A volunteer who could still serve the household, with the trip's start and
    return, if any."""
    for vol in g.scenario.volunteers:
        free = day.free_s.get(vol.id)
        if free is None or not g.may_carry(home, vol):
            continue
        first, last, back = _solo(g, vol, home)
        start = max(free, vol.shift.start, home.earliest_s - first)
        if home.named is not None:
            start = max(start, home.named[1])
        else:
            pool = day.pool_s(vol.gate, home.bags)
            if pool is None:
                continue
            start = max(start, pool)
        if start + back > vol.shift.end - TOLERANCE_S:
            continue
        if home.latest_s is not None and start + last > home.latest_s - TOLERANCE_S:
            continue
        return vol, start, start + back
    return None
