"""``check(scenario, plan) -> list[Violation]``: the independent oracle.

Recomputes every plan from the scenario and the physical model of ``DOMAIN.md`` with
its own arithmetic: walking distances (straight line times the detour factor, or the
walkway graph), stairs and lifts, loading, hand-overs, capacities, releases, shifts,
zones, skills, deadlines and the disinfection after risky trips. It imports none of the
planner's modules, so a planner bug cannot hide behind a shared helper.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import networkx as nx

from supplyroute.models import Plan, Priority, Risk, Scenario, Volunteer
from supplyroute.models.plan import StairRun, Trip

TOLERANCE_S = 0.5  #: plans round times to 0.01 s; sums over a trip stay well inside this.
EARTH_RADIUS_M = 6_371_000.0


class ViolationKind(str, Enum):
    MISSING = "missing"  #: a household neither served nor listed as unserved.
    DUPLICATE = "duplicate"  #: a household or bag served twice, or served and unserved.
    BAGS = "bags"  #: a household's bags not all delivered, or unknown bag indices.
    UNKNOWN = "unknown"  #: a volunteer, household, stairwell or gate not in the scenario.
    TRIP_CAPACITY = "trip_capacity"  #: a trip carries more than hands or cart can.
    CLIMB_CAPACITY = "climb_capacity"  #: a stair run carries more than the hands can.
    RELEASE = "release"  #: a trip leaves with bags not yet released at its gate.
    SHIFT = "shift"  #: work outside the volunteer's shift.
    ZONE = "zone"  #: a volunteer outside its group's buildings.
    SKILL = "skill"  #: a red-risk (or, with ppe_for_orange, orange) home without full PPE.
    DEADLINE = "deadline"  #: a hand-over after the deadline or outside the window.
    TIMING = "timing"  #: stated times that do not add up.
    OVERLAP = "overlap"  #: a volunteer's trips overlap.
    #: a trip starts before the disinfection after the volunteer's previous trip, which
    #: served a red or orange home, is over.
    DISINFECTION = "disinfection"
    GATE = "gate"  #: a trip from a gate that is not the volunteer's.
    MODE = "mode"  #: a cart trip by a volunteer without a cart.
    PLACE = "place"  #: a door at the wrong stairwell or floor, or the wrong delivery mode.
    SUMMARY = "summary"  #: summary or ledger figures that do not match the trips.


@dataclass(frozen=True)
class Violation:
    kind: ViolationKind
    where: str  #: JSON path in the plan.
    message: str

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.where}: {self.message}"


class _Walking:
    """Walking distances between gates and stairwell entrances, computed on demand."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        positions = {g.id: g.position for g in scenario.gates}
        positions.update({w.id: w.entrance for b in scenario.buildings for w in b.stairwells})
        nodes = {g.id: g.node for g in scenario.gates}
        nodes.update({w.id: w.node for b in scenario.buildings for w in b.stairwells})
        everything = list(positions.values())
        if scenario.walkways:
            everything += [p.position for p in scenario.walkways.points]
        geographic = everything[0].lat is not None
        if geographic:
            self.lat0 = math.radians(sum(p.lat for p in everything) / len(everything))
            self.lon0 = math.radians(sum(p.lon for p in everything) / len(everything))
        self.geographic = geographic
        self.xy = {k: self._xy(p) for k, p in positions.items()}
        self.graph: nx.Graph | None = None
        if scenario.walkways:
            self.graph = nx.Graph()
            points = {p.id: self._xy(p.position) for p in scenario.walkways.points}
            self.graph.add_nodes_from(points)
            for e in scenario.walkways.edges:
                length = e.length_m if e.length_m is not None else math.dist(points[e.a],
                                                                            points[e.b])
                old = self.graph.get_edge_data(e.a, e.b)
                if old is None or old["length"] > length:
                    self.graph.add_edge(e.a, e.b, length=length)
            self.attach = {}
            for place, xy in self.xy.items():
                node = nodes[place]
                if node is None:
                    node = min(points, key=lambda pid: (math.dist(points[pid], xy),
                                                        list(points).index(pid)))
                self.attach[place] = (node, math.dist(points[node], xy))
        self._cache: dict[tuple[str, str], float] = {}

    def _xy(self, p) -> tuple[float, float]:
        if not self.geographic:
            return (p.x, p.y)
        lat, lon = math.radians(p.lat), math.radians(p.lon)
        return ((lon - self.lon0) * math.cos(self.lat0) * EARTH_RADIUS_M,
                (lat - self.lat0) * EARTH_RADIUS_M)

    def metres(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        if (a, b) not in self._cache:
            if self.graph is None:
                d = math.dist(self.xy[a], self.xy[b]) * self.scenario.parameters.detour_factor
            else:
                (na, la), (nb, lb) = self.attach[a], self.attach[b]
                d = la + nx.shortest_path_length(self.graph, na, nb, weight="length") + lb
            self._cache[a, b] = d
        return self._cache[a, b]


def _stair_seconds(scenario: Scenario, stairwell: str
                   ) -> tuple[Callable[[int, int], float], Callable[[int], float], bool]:
    building = scenario.stairwell_building[stairwell]
    p = scenario.parameters
    up = building.stair_up_s_per_floor if building.stair_up_s_per_floor is not None \
        else p.stair_up_s_per_floor
    down = building.stair_down_s_per_floor if building.stair_down_s_per_floor is not None \
        else p.stair_down_s_per_floor
    wait = building.lift_wait_s if building.lift_wait_s is not None else p.lift_wait_s
    ride = building.lift_s_per_floor if building.lift_s_per_floor is not None \
        else p.lift_s_per_floor

    def ascent(floor_from: int, floor_to: int) -> float:
        if floor_to <= floor_from:
            return 0.0
        if building.lift:
            return (wait if floor_from == 1 else 0.0) + ride * (floor_to - floor_from)
        return up * (floor_to - floor_from)

    def descent(top: int) -> float:
        if top <= 1:
            return 0.0
        return wait + ride * (top - 1) if building.lift else down * (top - 1)

    return ascent, descent, building.lift


class _Checker:
    def __init__(self, scenario: Scenario, plan: Plan):
        self.s = scenario
        self.plan = plan
        self.walking = _Walking(scenario)
        self.out: list[Violation] = []
        self.bags_given: dict[str, list[int]] = defaultdict(list)
        self.delivered: dict[str, float] = {}
        self.trips_by_gate: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
        self.named: dict[str, tuple[str, float]] = {}
        for g in scenario.gates:
            for r in g.releases:
                for hid in r.households or ():
                    self.named[hid] = (g.id, r.at)

    def flag(self, kind: ViolationKind, where: str, message: str) -> None:
        self.out.append(Violation(kind, where, message))

    def near(self, stated: float, computed: float) -> bool:
        return abs(stated - computed) <= TOLERANCE_S

    def run(self) -> list[Violation]:
        seen_volunteers: set[str] = set()
        for v_i, vp in enumerate(self.plan.volunteers):
            where = f"volunteers[{v_i}]"
            volunteer = self.s.volunteer_by_id.get(vp.volunteer)
            if volunteer is None:
                self.flag(ViolationKind.UNKNOWN, f"{where}.volunteer",
                          f"unknown volunteer {vp.volunteer!r}")
                continue
            if vp.volunteer in seen_volunteers:
                self.flag(ViolationKind.DUPLICATE, f"{where}.volunteer",
                          f"volunteer {vp.volunteer!r} listed twice")
            seen_volunteers.add(vp.volunteer)
            previous_return = -math.inf
            previous_risky: str | None = None  # a red or orange home on the previous trip
            disinfection = self.s.parameters.disinfection_s
            for t_i, trip in enumerate(vp.trips):
                twhere = f"{where}.trips[{t_i}]"
                if trip.start_s < previous_return - TOLERANCE_S:
                    self.flag(ViolationKind.OVERLAP, f"{twhere}.start_s",
                              f"starts at {trip.start_s} before the previous trip returns "
                              f"at {previous_return}")
                elif previous_risky is not None and \
                        trip.start_s < previous_return + disinfection - TOLERANCE_S:
                    self.flag(ViolationKind.DISINFECTION, f"{twhere}.start_s",
                              f"starts at {trip.start_s}, but the previous trip served "
                              f"{previous_risky!r} and returned at {previous_return:.2f}: "
                              f"not before {previous_return + disinfection:.2f}")
                previous_return = self.trip(volunteer, trip, twhere)
                previous_risky = self.risky_household(trip)
        self.releases()
        self.coverage()
        self.summary()
        return self.out

    def trip(self, volunteer: Volunteer, trip: Trip, where: str) -> float:
        s, p = self.s, self.s.parameters
        if trip.gate != volunteer.gate:
            self.flag(ViolationKind.GATE, f"{where}.gate",
                      f"volunteer {volunteer.id!r} works from gate {volunteer.gate!r}, "
                      f"not {trip.gate!r}")
        if trip.gate not in s.gate_by_id:
            self.flag(ViolationKind.UNKNOWN, f"{where}.gate", f"unknown gate {trip.gate!r}")
            return trip.return_s
        if trip.mode == "cart" and volunteer.cart is None:
            self.flag(ViolationKind.MODE, f"{where}.mode",
                      f"volunteer {volunteer.id!r} has no cart")
        cart = volunteer.cart if trip.mode == "cart" else None
        hand_bags = volunteer.hand_capacity_bags or p.hand_capacity_bags
        hand_kg = volunteer.hand_capacity_kg or p.hand_capacity_kg
        if cart is not None:
            cap_bags, cap_kg = cart.capacity_bags, cart.capacity_kg
            speed = cart.speed_mps or p.cart_speed_mps
        else:
            cap_bags, cap_kg = hand_bags, hand_kg
            speed = volunteer.walk_speed_mps or p.walk_speed_mps
        if trip.start_s < volunteer.shift.start - TOLERANCE_S:
            self.flag(ViolationKind.SHIFT, f"{where}.start_s",
                      f"starts before the shift ({volunteer.shift.start})")

        t = trip.start_s + p.load_s
        if not self.near(trip.depart_s, t):
            self.flag(ViolationKind.TIMING, f"{where}.depart_s",
                      f"stated {trip.depart_s}, loading ends at {t:.2f}")
        here = trip.gate
        walked = 0.0
        bags_total, kg_total = 0, 0.0
        for s_i, stop in enumerate(trip.stops):
            swhere = f"{where}.stops[{s_i}]"
            if stop.stairwell not in s.stairwells:
                self.flag(ViolationKind.UNKNOWN, f"{swhere}.stairwell",
                          f"unknown stairwell {stop.stairwell!r}")
                return trip.return_s
            metres = self.walking.metres(here, stop.stairwell)
            walked += metres
            t += metres / speed
            here = stop.stairwell
            if not self.near(stop.arrive_s, t):
                self.flag(ViolationKind.TIMING, f"{swhere}.arrive_s",
                          f"stated {stop.arrive_s}, the walk arrives at {t:.2f}")
            for d_i, drop in enumerate(stop.drops):
                dwhere = f"{swhere}.drops[{d_i}]"
                weights = self.household_bags(drop.household, drop.bags, stop.stairwell,
                                              None, "entrance", volunteer, dwhere)
                bags_total += len(drop.bags)
                kg_total += sum(weights)
                t += len(drop.bags) * p.entrance_drop_s_per_bag
                self.hand_over(drop.household, drop.delivered_s, t, dwhere)
            ascent, descent, lift = _stair_seconds(s, stop.stairwell)
            for r_i, run in enumerate(stop.runs):
                rwhere = f"{swhere}.runs[{r_i}]"
                t = self.run_timing(run, t, ascent, descent, stop.stairwell, volunteer,
                                    (hand_bags, hand_kg), rwhere)
                bags_total += run.bags
                kg_total += run.carry_kg
            if not self.near(stop.leave_s, t):
                self.flag(ViolationKind.TIMING, f"{swhere}.leave_s",
                          f"stated {stop.leave_s}, the work there ends at {t:.2f}")
        metres = self.walking.metres(here, trip.gate)
        walked += metres
        t += metres / speed
        if not self.near(trip.return_s, t):
            self.flag(ViolationKind.TIMING, f"{where}.return_s",
                      f"stated {trip.return_s}, the walk back ends at {t:.2f}")
        if abs(trip.walk_m - walked) > 0.5:
            self.flag(ViolationKind.TIMING, f"{where}.walk_m",
                      f"stated {trip.walk_m} m, the route is {walked:.1f} m")
        if t > volunteer.shift.end + TOLERANCE_S:
            self.flag(ViolationKind.SHIFT, f"{where}.return_s",
                      f"back at {t:.0f}, after the shift ends ({volunteer.shift.end})")
        if trip.bags != bags_total or abs(trip.carry_kg - kg_total) > 0.05:
            self.flag(ViolationKind.SUMMARY, f"{where}.bags",
                      f"stated {trip.bags} bags / {trip.carry_kg} kg, the stops hold "
                      f"{bags_total} / {kg_total:.2f}")
        if bags_total > cap_bags or kg_total > cap_kg + 0.05:
            self.flag(ViolationKind.TRIP_CAPACITY, f"{where}.bags",
                      f"{bags_total} bags, {kg_total:.1f} kg on a {trip.mode} trip that "
                      f"holds {cap_bags} bags, {cap_kg:g} kg")
        pooled = sum(len(d.bags) for st in trip.stops for d in st.drops
                     if d.household not in self.named)
        pooled += sum(len(d.bags) for st in trip.stops for r in st.runs for d in r.doors
                      if d.household not in self.named)
        self.trips_by_gate[trip.gate].append((trip.start_s, pooled, where))
        for st in trip.stops:
            ids = [d.household for d in st.drops] + [d.household for r in st.runs
                                                      for d in r.doors]
            for hid in ids:
                if hid in self.named:
                    gate, at = self.named[hid]
                    if gate != trip.gate or trip.start_s < at - TOLERANCE_S:
                        self.flag(ViolationKind.RELEASE, f"{where}.start_s",
                                  f"household {hid!r}'s bags are released at gate {gate!r} "
                                  f"at {at:g}")
        return t

    def risky_household(self, trip: Trip) -> str | None:
        """A red or orange household the trip serves, if any (then a disinfection follows)."""
        for stop in trip.stops:
            ids = [d.household for d in stop.drops]
            ids += [d.household for r in stop.runs for d in r.doors]
            for hid in ids:
                h = self.s.household_by_id.get(hid)
                if h is not None and h.risk in (Risk.RED, Risk.ORANGE):
                    return hid
        return None

    def run_timing(self, run: StairRun, t: float, ascent: Callable[[int, int], float],
                   descent: Callable[[int], float], stairwell: str,
                   volunteer: Volunteer, hands: tuple[int, float], where: str) -> float:
        if not self.near(run.start_s, t):
            self.flag(ViolationKind.TIMING, f"{where}.start_s",
                      f"stated {run.start_s}, the run can start at {t:.2f}")
        floor = 1
        bags, kg = 0, 0.0
        for d_i, door in enumerate(run.doors):
            dwhere = f"{where}.doors[{d_i}]"
            if door.floor < floor:
                self.flag(ViolationKind.TIMING, f"{dwhere}.floor",
                          "doors of a run must be in climbing order")
            weights = self.household_bags(door.household, door.bags, stairwell, door.floor,
                                          "door", volunteer, dwhere)
            bags += len(door.bags)
            kg += sum(weights)
            t += ascent(floor, door.floor) + self.s.parameters.handover_s
            floor = max(floor, door.floor)
            self.hand_over(door.household, door.delivered_s, t, dwhere)
        if run.top_floor != floor:
            self.flag(ViolationKind.TIMING, f"{where}.top_floor",
                      f"stated {run.top_floor}, the highest door is on floor {floor}")
        t += descent(floor)
        if not self.near(run.end_s, t):
            self.flag(ViolationKind.TIMING, f"{where}.end_s",
                      f"stated {run.end_s}, back at the entrance at {t:.2f}")
        if run.bags != bags or abs(run.carry_kg - kg) > 0.05:
            self.flag(ViolationKind.SUMMARY, f"{where}.bags",
                      f"stated {run.bags} bags / {run.carry_kg} kg, the doors take "
                      f"{bags} / {kg:.2f}")
        if bags > hands[0] or kg > hands[1] + 0.05:
            self.flag(ViolationKind.CLIMB_CAPACITY, f"{where}.bags",
                      f"{bags} bags, {kg:.1f} kg in one climb; hands hold {hands[0]} bags, "
                      f"{hands[1]:g} kg")
        return t

    def household_bags(self, hid: str, indices: tuple[int, ...], stairwell: str,
                       floor: int | None, mode: str, volunteer: Volunteer,
                       where: str) -> list[float]:
        h = self.s.household_by_id.get(hid)
        if h is None:
            self.flag(ViolationKind.UNKNOWN, f"{where}.household", f"unknown household {hid!r}")
            return []
        bags = h.bags if h.bags is not None else self.s.parameters.default_bags
        if h.stairwell != stairwell or (floor is not None and floor != h.floor):
            self.flag(ViolationKind.PLACE, where,
                      f"household {hid!r} lives in {h.stairwell!r} on floor {h.floor}")
        if h.delivery.value != mode:
            self.flag(ViolationKind.PLACE, where,
                      f"household {hid!r} takes delivery at the {h.delivery.value}, not the "
                      f"{mode}")
        building = self.s.stairwell_building[h.stairwell].id
        if volunteer.zone is not None and building not in volunteer.zone:
            self.flag(ViolationKind.ZONE, where,
                      f"building {building!r} is outside volunteer {volunteer.id!r}'s zone")
        needs_ppe = h.risk is Risk.RED or (h.risk is Risk.ORANGE
                                           and self.s.parameters.ppe_for_orange)
        if needs_ppe and "ppe" not in volunteer.skills:
            self.flag(ViolationKind.SKILL, where,
                      f"{h.risk.value}-risk household {hid!r} needs full PPE; "
                      f"{volunteer.id!r} has none")
        weights = []
        for i in indices:
            if not 0 <= i < len(bags):
                self.flag(ViolationKind.BAGS, f"{where}.bags",
                          f"household {hid!r} has no bag {i}")
                continue
            weights.append(bags[i].weight_kg)
        self.bags_given[hid].extend(indices)
        return weights

    def hand_over(self, hid: str, stated: float, computed: float, where: str) -> None:
        if not self.near(stated, computed):
            self.flag(ViolationKind.TIMING, f"{where}.delivered_s",
                      f"stated {stated}, the hand-over ends at {computed:.2f}")
        self.delivered[hid] = max(self.delivered.get(hid, -math.inf), computed)
        h = self.s.household_by_id.get(hid)
        if h is None:
            return
        latest = min((x for x in (h.deadline, h.window.end if h.window else None)
                      if x is not None), default=None)
        if latest is not None and computed > latest + TOLERANCE_S:
            self.flag(ViolationKind.DEADLINE, where,
                      f"household {hid!r} gets its bags at {computed:.0f}, after {latest:g}")
        if h.window is not None and computed < h.window.start - TOLERANCE_S:
            self.flag(ViolationKind.DEADLINE, where,
                      f"household {hid!r} gets its bags at {computed:.0f}, before its "
                      f"window opens ({h.window.start:g})")

    def releases(self) -> None:
        for gate_id, trips in self.trips_by_gate.items():
            gate = self.s.gate_by_id[gate_id]
            batches = sorted((r.at, r.bags) for r in gate.releases if r.bags is not None)
            if not batches:
                continue
            loaded = 0
            for start, pooled, where in sorted(trips):
                loaded += pooled
                released = sum(n for at, n in batches if at <= start + TOLERANCE_S)
                if loaded > released:
                    self.flag(ViolationKind.RELEASE, f"{where}.start_s",
                              f"by {start:g}, {loaded} pooled bags have left gate {gate_id!r} "
                              f"but only {released} were released")

    def coverage(self) -> None:
        unserved = {}
        for u_i, u in enumerate(self.plan.unserved):
            if u.household in unserved:
                self.flag(ViolationKind.DUPLICATE, f"unserved[{u_i}]",
                          f"household {u.household!r} listed twice")
            unserved[u.household] = u_i
            if u.household not in self.s.household_by_id:
                self.flag(ViolationKind.UNKNOWN, f"unserved[{u_i}]",
                          f"unknown household {u.household!r}")
        for h in self.s.households:
            given = self.bags_given.get(h.id)
            if given is None:
                if h.id not in unserved:
                    self.flag(ViolationKind.MISSING, "unserved",
                              f"household {h.id!r} is neither served nor listed as unserved")
                continue
            if h.id in unserved:
                self.flag(ViolationKind.DUPLICATE, f"unserved[{unserved[h.id]}]",
                          f"household {h.id!r} is served and listed as unserved")
            count = len(h.bags if h.bags is not None else self.s.parameters.default_bags)
            if len(given) != len(set(given)):
                self.flag(ViolationKind.DUPLICATE, "volunteers",
                          f"household {h.id!r} gets some bag more than once")
            if set(given) != set(range(count)):
                self.flag(ViolationKind.BAGS, "volunteers",
                          f"household {h.id!r} gets bags {sorted(set(given))} of {count}")

    def nobody_may_serve(self, hid: str) -> bool:
        """No volunteer's zone, skills and trip capacity allow this household at all."""
        h = self.s.household_by_id[hid]
        p = self.s.parameters
        bags = h.bags if h.bags is not None else p.default_bags
        building = self.s.stairwell_building[h.stairwell].id
        needs_ppe = h.risk is Risk.RED or (h.risk is Risk.ORANGE and p.ppe_for_orange)
        for v in self.s.volunteers:
            if v.zone is not None and building not in v.zone:
                continue
            if needs_ppe and "ppe" not in v.skills:
                continue
            cap_bags, cap_kg = ((v.cart.capacity_bags, v.cart.capacity_kg) if v.cart else
                                (v.hand_capacity_bags or p.hand_capacity_bags,
                                 v.hand_capacity_kg or p.hand_capacity_kg))
            if len(bags) <= cap_bags and sum(b.weight_kg for b in bags) <= cap_kg + 1e-9:
                return False
        return True

    def floors(self, trip: Trip) -> int:
        """Floors climbed on a trip: each run to its top floor (none where a lift runs)."""
        climbed = 0
        for stop in trip.stops:
            building = self.s.stairwell_building.get(stop.stairwell)
            if building is None or building.lift:
                continue
            climbed += sum(run.top_floor - 1 for run in stop.runs)
        return climbed

    def summary(self) -> None:
        sm = self.plan.summary
        t0 = min(v.shift.start for v in self.s.volunteers)
        last = max(self.delivered.values(), default=t0)
        trips = [t for vp in self.plan.volunteers for t in vp.trips]
        households = self.s.household_by_id
        limited = [h for h in self.s.households if h.latest_s is not None]
        expected: dict[str, float | None] = {
            "makespan_s": last - t0,
            "round_start_s": t0,
            "last_delivery_s": last,
            "finish_s": max((t.return_s for t in trips), default=t0),
            "households_served": len(self.delivered),
            "households_unserved": len(self.plan.unserved),
            "trips": len(trips),
            "bags_delivered": sum(t.bags for t in trips),
            "walk_m": sum(t.walk_m for t in trips),
            "floors_climbed": sum(self.floors(t) for t in trips),
            "deadlines_total": len(limited),
            "deadlines_met": sum(1 for h in limited if h.id in self.delivered
                                 and self.delivered[h.id] <= h.latest_s + TOLERANCE_S),
        }
        for priority in (Priority.URGENT, Priority.VULNERABLE):
            times = [t for hid, t in self.delivered.items()
                     if hid in households and households[hid].priority is priority]
            expected[f"{priority.value}_served_by_s"] = max(times) if times else None
        for name, value in expected.items():
            stated = getattr(sm, name)
            # Walking is rounded to 0.1 m per trip, per volunteer and in the summary.
            slack = 0.1 * (len(self.plan.volunteers) + 1) if name == "walk_m" else TOLERANCE_S
            if (stated is None) != (value is None) or (
                    value is not None and abs(stated - value) > max(TOLERANCE_S, slack)):
                self.flag(ViolationKind.SUMMARY, f"summary.{name}",
                          f"stated {stated}, the trips give "
                          f"{'none' if value is None else format(value, 'g')}")
        # A gap compares with a bound over the households any plan could serve: it may be
        # stated only when every household left out is one that no volunteer may serve.
        if sm.gap is not None and any(u.household not in households
                                      or not self.nobody_may_serve(u.household)
                                      for u in self.plan.unserved):
            self.flag(ViolationKind.SUMMARY, "summary.gap",
                      "states a gap while households that a plan could serve are unserved")
        for v_i, vp in enumerate(self.plan.volunteers):
            own = {"busy_s": sum(t.return_s - t.start_s for t in vp.trips),
                   "walk_m": sum(t.walk_m for t in vp.trips),
                   "floors_climbed": sum(self.floors(t) for t in vp.trips)}
            for name, value in own.items():
                slack = 0.1 * (len(vp.trips) + 1) if name == "walk_m" else TOLERANCE_S
                if abs(getattr(vp, name) - value) > max(TOLERANCE_S, slack):
                    self.flag(ViolationKind.SUMMARY, f"volunteers[{v_i}].{name}",
                              f"stated {getattr(vp, name)}, its trips give {value:g}")
        if sm.gap is not None and sm.lower_bound_s > 0 and \
                abs(sm.gap - (sm.makespan_s / sm.lower_bound_s - 1)) > 1e-4:
            self.flag(ViolationKind.SUMMARY, "summary.gap",
                      "is not makespan_s / lower_bound_s - 1")
        ledger = {d.household: (d_i, d) for d_i, d in enumerate(self.plan.deliveries)}
        for hid, (d_i, d) in ledger.items():
            h = households.get(hid)
            if h is not None and (d.priority != h.priority.value or d.latest_s != h.latest_s):
                self.flag(ViolationKind.SUMMARY, f"deliveries[{d_i}]",
                          f"household {hid!r} is {h.priority.value} with latest "
                          f"{h.latest_s}, the ledger says {d.priority} with {d.latest_s}")
        for hid, when in self.delivered.items():
            if hid not in ledger:
                self.flag(ViolationKind.SUMMARY, "deliveries",
                          f"household {hid!r} is served but not in the ledger")
            elif not self.near(ledger[hid][1].delivered_s, when):
                self.flag(ViolationKind.SUMMARY, f"deliveries[{ledger[hid][0]}].delivered_s",
                          f"stated {ledger[hid][1].delivered_s}, the trips give {when:.2f}")
        for hid, (d_i, _) in ledger.items():
            if hid not in self.delivered:
                self.flag(ViolationKind.SUMMARY, f"deliveries[{d_i}]",
                          f"household {hid!r} is in the ledger but on no trip")


def check(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every way ``plan`` breaks the rules of ``scenario``; empty when it is sound."""
    return _Checker(scenario, plan).run()
