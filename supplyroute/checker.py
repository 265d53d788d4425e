"""``check(scenario, plan) -> list[Violation]``: the independent oracle.

Recomputes every plan from the scenario and the physical model of ``DOMAIN.md`` with
its own arithmetic: walking distances (straight line times the detour factor, or the
walkway graph), stairs and lifts, loading, hand-overs, capacities, releases, shifts,
zones, skills, deadlines and the disinfection after risky trips; in relay rounds also
the ferries' drops into the entrance buffers, the climbers' walks and stair runs, their
roles and stations, that no climb starts before its bags are down at the entrance, and
that no buffer holds more bags than it may. It imports none of the planner's modules,
so a planner bug cannot hide behind a shared helper.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import networkx as nx

from supplyroute.models import Plan, Priority, Risk, Role, Scenario, Volunteer
from supplyroute.models.digest import plan_sha256, scenario_sha256
from supplyroute.models.plan import Climb, Delivery, StairRun, Trip, VolunteerPlan

TOLERANCE_S = 0.5  #: plans round times to 0.01 s; sums over a trip stay well inside this.
EARTH_RADIUS_M = 6_371_000.0


class ViolationKind(str, Enum):
    MISSING = "missing"  #: a household neither served nor listed as unserved.
    #: a household or bag served twice, or served and unserved; a bag relayed or climbed
    #: twice.
    DUPLICATE = "duplicate"
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
    #: a volunteer's trips or climbs overlap (a climb's walk included), or a trip starts
    #: before the volunteer is back at its gate from a climb.
    OVERLAP = "overlap"
    #: a trip starts before the disinfection after the volunteer's previous trip, which
    #: served a red or orange home, is over.
    DISINFECTION = "disinfection"
    GATE = "gate"  #: a trip from a gate that is not the volunteer's.
    MODE = "mode"  #: a cart trip by a volunteer without a cart.
    PLACE = "place"  #: a door at the wrong stairwell or floor, or the wrong delivery mode.
    #: summary or ledger figures that do not match the trips and climbs (in a relay, the
    #: ledger names the climber, its climb and the ferry).
    SUMMARY = "summary"
    #: a relay drop or a climb in a scenario with ``relay: false`` (bags may not wait at
    #: a stairwell door there).
    RELAY_FORBIDDEN = "relay_forbidden"
    #: work outside the volunteer's role: a ferry with a stair run or a climb, a climber
    #: with a trip from the gate.
    ROLE = "role"
    STATION = "station"  #: a climb outside the volunteer's station (stairwells, buildings).
    #: a climb that starts before its bags are down at that entrance, takes up a bag no
    #: ferry left there, or a relayed bag that no climb takes up.
    SYNC = "sync"
    #: more bags waiting at a stairwell door than its buffer holds (``buffer_bags``).
    BUFFER = "buffer"
    #: the plan was made for another scenario (its name, or its recorded fingerprint).
    SCENARIO = "scenario"
    #: a replan that changes what it had to keep of the plan it replans.
    LOCKED = "locked"
    #: a claim about the plan that its facts refute: a lower bound above its own
    #: makespan, or proven optimality where nothing proved it.
    CLAIM = "claim"


@dataclass(frozen=True)
class _Relayed:
    """One bag a ferry put down in an entrance buffer."""

    stairwell: str
    dropped_s: float
    where: str
    ferry: str


@dataclass(frozen=True)
class _Climbed:
    """One bag a climber took up from an entrance."""

    stairwell: str
    start_s: float  #: the run starts: the bag leaves the buffer.
    where: str


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
        self.geographic = geographic
        # Astride the 180th meridian, longitudes west of it are counted on past 180° east.
        self.past_180 = geographic and (max(p.lon for p in everything)
                                        - min(p.lon for p in everything) > 180)
        if geographic:
            self.lat0 = math.radians(sum(p.lat for p in everything) / len(everything))
            self.lon0 = math.radians(sum(self._lon(p) for p in everything) / len(everything))
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

    def _lon(self, p) -> float:
        """The longitude in degrees, unbroken across the 180th meridian."""
        return p.lon + 360.0 if self.past_180 and p.lon < 0 else p.lon

    def _xy(self, p) -> tuple[float, float]:
        if not self.geographic:
            return (p.x, p.y)
        lat, lon = math.radians(p.lat), math.radians(self._lon(p))
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
        #: relay rounds: (household, bag index) -> its drops into a buffer, its climbs.
        self.relayed: dict[tuple[str, int], list[_Relayed]] = defaultdict(list)
        self.climbed: dict[tuple[str, int], list[_Climbed]] = defaultdict(list)
        #: for the ledger: household -> (volunteer, trip) or (volunteer, climb) that handed
        #: its bags over, and the ferries that left its bags at the entrance.
        self.by_trip: dict[str, set[tuple[str, int]]] = defaultdict(set)
        self.by_climb: dict[str, set[tuple[str, int]]] = defaultdict(set)
        self.ferries: dict[str, set[str]] = defaultdict(set)
        for g in scenario.gates:
            for r in g.releases:
                for hid in r.households or ():
                    self.named[hid] = (g.id, r.at)

    def flag(self, kind: ViolationKind, where: str, message: str) -> None:
        self.out.append(Violation(kind, where, message))

    def near(self, stated: float, computed: float) -> bool:
        return abs(stated - computed) <= TOLERANCE_S

    def run(self) -> list[Violation]:
        self.identity()
        if self.plan.scenario != self.s.name:  # nothing else can be compared
            return self.out
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
            self.activities(volunteer, vp, where)
        self.releases()
        self.sync()
        self.buffers()
        self.coverage()
        self.summary()
        self.claims()
        return self.out

    def identity(self) -> None:
        """The plan names this scenario and, if it records one, its fingerprint."""
        if self.plan.scenario != self.s.name:
            self.flag(ViolationKind.SCENARIO, "scenario",
                      f"the plan is for scenario {self.plan.scenario!r}, not {self.s.name!r}")
        stated = self.plan.scenario_sha256
        if stated is not None and stated != scenario_sha256(self.s):
            self.flag(ViolationKind.SCENARIO, "scenario_sha256",
                      "the plan was made for another version of this scenario (its "
                      "households, volunteers or parameters differ): plan it again")

    def claims(self) -> None:
        """What the summary claims beyond its figures: a lower bound is never above the
        makespan of a plan that serves the households it covers, and optimality is
        proved only by exhaustive search of a carry round that serves everyone it may,
        run to its end."""
        sm = self.plan.summary
        left_out = [u.household for u in self.plan.unserved
                    if u.household not in self.s.household_by_id
                    or not self.nobody_may_serve(u.household)]
        covered = sm.bound_covers == "served" or not left_out
        if covered and self.delivered and sm.lower_bound_s > sm.makespan_s + TOLERANCE_S:
            self.flag(ViolationKind.CLAIM, "summary.lower_bound_s",
                      f"{sm.lower_bound_s} s is above the plan's own makespan of "
                      f"{sm.makespan_s} s: no plan can beat a true lower bound")
        if sm.gap is not None and sm.gap < -1e-4:
            self.flag(ViolationKind.CLAIM, "summary.gap",
                      f"{sm.gap} is negative: the makespan is below the lower bound")
        if not sm.proven_optimal:
            return
        why = None
        if sm.method != "optimized":
            why = f"the {sm.method!r} method does not search for the optimum"
        elif sm.mode != "carry" or sm.mode_makespans_s is not None:
            why = "only carry rounds are searched exhaustively"
        elif sm.interrupted:
            why = "the search was interrupted"
        elif left_out:
            why = f"households some plan could serve are left out ({left_out[0]!r})"
        if why:
            self.flag(ViolationKind.CLAIM, "summary.proven_optimal", f"claimed, but {why}")

    def activities(self, volunteer: Volunteer, vp: VolunteerPlan, where: str) -> None:
        """A volunteer's trips and climbs in time order (each list in its own order, the
        two merged by start): from its gate at the start of the shift, back at the gate
        after every trip, at the climb's stairwell after a climb."""
        p = self.s.parameters
        on_foot = volunteer.walk_speed_mps or p.walk_speed_mps
        order: list[tuple[str, int]] = []
        t_i = c_i = 0
        while t_i < len(vp.trips) or c_i < len(vp.climbs):
            if c_i < len(vp.climbs) and (t_i == len(vp.trips)
                                         or vp.climbs[c_i].arrive_s <= vp.trips[t_i].start_s):
                order.append(("climb", c_i))
                c_i += 1
            else:
                order.append(("trip", t_i))
                t_i += 1
        previous_return = -math.inf
        previous_risky: str | None = None  # a red or orange home on the previous trip
        disinfection = p.disinfection_s
        here = volunteer.gate  # where the volunteer is when its previous activity ends
        free_s = volunteer.shift.start  # when that is
        last_climb: int | None = None  # the previous activity, if it was a climb
        first = True
        for kind, index in order:
            if kind == "climb":
                cwhere = f"{where}.climbs[{index}]"
                free_s = self.climb(volunteer, vp.climbs[index], index, here, free_s, first,
                                    cwhere)
                if vp.climbs[index].stairwell in self.s.stairwells:
                    here = vp.climbs[index].stairwell
                last_climb = index
                first = False
                continue
            trip = vp.trips[index]
            twhere = f"{where}.trips[{index}]"
            if volunteer.role is Role.CLIMBER:
                self.flag(ViolationKind.ROLE, twhere,
                          f"volunteer {volunteer.id!r} is a climber: no trips from the gate")
            back_s = free_s + self.walking.metres(here, volunteer.gate) / on_foot
            if trip.start_s < previous_return - TOLERANCE_S:
                self.flag(ViolationKind.OVERLAP, f"{twhere}.start_s",
                          f"starts at {trip.start_s} before the previous trip returns "
                          f"at {previous_return}")
            elif last_climb is not None and trip.start_s < back_s - TOLERANCE_S:
                self.flag(ViolationKind.OVERLAP, f"{twhere}.start_s",
                          f"starts at {trip.start_s}, but after climbs[{last_climb}] the "
                          f"volunteer is back at gate {volunteer.gate!r} at {back_s:.2f}")
            elif previous_risky is not None and \
                    trip.start_s < previous_return + disinfection - TOLERANCE_S:
                self.flag(ViolationKind.DISINFECTION, f"{twhere}.start_s",
                          f"starts at {trip.start_s}, but the previous trip served "
                          f"{previous_risky!r} and returned at {previous_return:.2f}: "
                          f"not before {previous_return + disinfection:.2f}")
            previous_return = self.trip(volunteer, trip, index, twhere)
            previous_risky = self.risky_household(trip)
            here, free_s, last_climb, first = volunteer.gate, previous_return, None, False

    def climb(self, volunteer: Volunteer, climb: Climb, index: int, here: str,
              free_s: float, first: bool, where: str) -> float:
        """One climb: the walk on foot from ``here`` (free from ``free_s``), the wait at the
        entrance, the stair run with bags a ferry left there. Returns when it is back down."""
        s, p = self.s, self.s.parameters
        if not s.relay:
            self.flag(ViolationKind.RELAY_FORBIDDEN, where,
                      f"scenario {s.name!r} forbids relays: no climbs with ferried bags")
        if volunteer.role is Role.FERRY:
            self.flag(ViolationKind.ROLE, where,
                      f"volunteer {volunteer.id!r} is a ferry: it never climbs")
        if climb.stairwell not in s.stairwells:
            self.flag(ViolationKind.UNKNOWN, f"{where}.stairwell",
                      f"unknown stairwell {climb.stairwell!r}")
            return climb.run.end_s
        building = s.stairwell_building[climb.stairwell].id
        if volunteer.station is not None and climb.stairwell not in volunteer.station \
                and building not in volunteer.station:
            self.flag(ViolationKind.STATION, f"{where}.stairwell",
                      f"stairwell {climb.stairwell!r} (building {building!r}) is outside "
                      f"volunteer {volunteer.id!r}'s station {list(volunteer.station)}")
        on_foot = volunteer.walk_speed_mps or p.walk_speed_mps
        metres = self.walking.metres(here, climb.stairwell)
        if abs(climb.walk_m - metres) > 0.5:
            self.flag(ViolationKind.TIMING, f"{where}.walk_m",
                      f"stated {climb.walk_m} m, the walk from {here!r} is {metres:.1f} m")
        earliest = free_s + metres / on_foot
        if climb.arrive_s < earliest - TOLERANCE_S:
            if first:
                self.flag(ViolationKind.SHIFT, f"{where}.arrive_s",
                          f"arrives at {climb.arrive_s}: the walk from gate {here!r} starts "
                          f"before the shift ({volunteer.shift.start}); at {earliest:.2f} "
                          "at the earliest")
            else:
                self.flag(ViolationKind.OVERLAP, f"{where}.arrive_s",
                          f"arrives at {climb.arrive_s}, but the previous work ends at "
                          f"{free_s:.2f} and the walk from {here!r} takes until "
                          f"{earliest:.2f}")
        if climb.run.start_s < climb.arrive_s - TOLERANCE_S:
            self.flag(ViolationKind.TIMING, f"{where}.run.start_s",
                      f"stated {climb.run.start_s}, before the climber arrives at "
                      f"{climb.arrive_s}")
        hands = (volunteer.hand_capacity_bags or p.hand_capacity_bags,
                 volunteer.hand_capacity_kg or p.hand_capacity_kg)
        ascent, descent, _ = _stair_seconds(s, climb.stairwell)
        end = self.run_timing(climb.run, climb.run.start_s, ascent, descent, climb.stairwell,
                              volunteer, hands, f"{where}.run")
        if end > volunteer.shift.end + TOLERANCE_S:
            self.flag(ViolationKind.SHIFT, f"{where}.run.end_s",
                      f"down at {end:.0f}, after the shift ends ({volunteer.shift.end})")
        for d_i, door in enumerate(climb.run.doors):
            self.by_climb[door.household].add((volunteer.id, index))
            for i in door.bags:
                self.climbed[door.household, i].append(
                    _Climbed(climb.stairwell, climb.run.start_s,
                             f"{where}.run.doors[{d_i}]"))
        return end

    def trip(self, volunteer: Volunteer, trip: Trip, index: int, where: str) -> float:
        """One trip from the gate: loading, walks, entrance drops, relay drops, stair runs,
        the walk back. Returns when it is back at the gate."""
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
                self.by_trip[drop.household].add((volunteer.id, index))
            for r_i, relay in enumerate(stop.relays):
                rwhere = f"{swhere}.relays[{r_i}]"
                if not s.relay:
                    self.flag(ViolationKind.RELAY_FORBIDDEN, rwhere,
                              f"scenario {s.name!r} forbids relays: bags may not wait at "
                              f"the door of {stop.stairwell!r}")
                weights = self.household_bags(relay.household, relay.bags, stop.stairwell,
                                              None, "door", volunteer, rwhere, ferry=True)
                bags_total += len(relay.bags)
                kg_total += sum(weights)
                t += len(relay.bags) * p.relay_drop_s
                if relay.dropped_s < t - TOLERANCE_S:
                    self.flag(ViolationKind.TIMING, f"{rwhere}.dropped_s",
                              f"stated {relay.dropped_s}, the bags are down at {t:.2f} at "
                              "the earliest")
                t = max(t, relay.dropped_s)  # a ferry may wait for room in the buffer
                self.ferries[relay.household].add(volunteer.id)
                for i in relay.bags:
                    self.relayed[relay.household, i].append(
                        _Relayed(stop.stairwell, relay.dropped_s, rwhere, volunteer.id))
            ascent, descent, lift = _stair_seconds(s, stop.stairwell)
            for r_i, run in enumerate(stop.runs):
                rwhere = f"{swhere}.runs[{r_i}]"
                if volunteer.role is Role.FERRY:
                    self.flag(ViolationKind.ROLE, rwhere,
                              f"volunteer {volunteer.id!r} is a ferry: it never climbs")
                t = self.run_timing(run, t, ascent, descent, stop.stairwell, volunteer,
                                    (hand_bags, hand_kg), rwhere)
                bags_total += run.bags
                kg_total += run.carry_kg
                for door in run.doors:
                    self.by_trip[door.household].add((volunteer.id, index))
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
        pooled += sum(len(r.bags) for st in trip.stops for r in st.relays
                      if r.household not in self.named)
        pooled += sum(len(d.bags) for st in trip.stops for r in st.runs for d in r.doors
                      if d.household not in self.named)
        self.trips_by_gate[trip.gate].append((trip.start_s, pooled, where))
        for st in trip.stops:
            ids = [d.household for d in st.drops] + [d.household for r in st.runs
                                                      for d in r.doors]
            ids += [r.household for r in st.relays]
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
                       where: str, ferry: bool = False) -> list[float]:
        """The weights of a household's bags handed over (or, for a ``ferry``, left in an
        entrance buffer: no skill needed, not a delivery), checking place, mode, zone,
        skill and the bag indices."""
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
        if needs_ppe and not ferry and "ppe" not in volunteer.skills:
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
        if not ferry:
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

    def sync(self) -> None:
        """Every relayed bag is taken up once, by a climb at the stairwell where a ferry
        left it, starting no earlier than the bag is down there; every climbed bag was
        relayed, once."""
        for key in sorted(set(self.relayed) | set(self.climbed)):
            hid, i = key
            drops, ups = self.relayed.get(key, []), self.climbed.get(key, [])
            for again in drops[1:]:
                self.flag(ViolationKind.DUPLICATE, again.where,
                          f"bag {i} of household {hid!r} is relayed again (first at "
                          f"{drops[0].where})")
            for again in ups[1:]:
                self.flag(ViolationKind.DUPLICATE, again.where,
                          f"bag {i} of household {hid!r} is climbed again (first at "
                          f"{ups[0].where})")
            if not ups:
                self.flag(ViolationKind.SYNC, drops[0].where,
                          f"bag {i} of household {hid!r} is left at {drops[0].stairwell!r} "
                          "and no climb takes it up")
                continue
            if not drops:
                self.flag(ViolationKind.SYNC, ups[0].where,
                          f"climbs with bag {i} of household {hid!r}, which no ferry left "
                          f"at {ups[0].stairwell!r}")
                continue
            for up in ups:
                there = [d.dropped_s for d in drops if d.stairwell == up.stairwell]
                if not there:
                    self.flag(ViolationKind.SYNC, up.where,
                              f"climbs at {up.stairwell!r} with bag {i} of household {hid!r}, "
                              f"which was left at {drops[0].stairwell!r}")
                elif min(there) > up.start_s + TOLERANCE_S:
                    self.flag(ViolationKind.SYNC, up.where,
                              f"the climb starts at {up.start_s} before bag {i} of household "
                              f"{hid!r} is down at {up.stairwell!r} ({min(there)})")

    def buffers(self) -> None:
        """At every relay drop, the bags waiting at that stairwell door (each from its
        ``dropped_s`` until the start of the climb that takes it, for ever if none does)
        fit its buffer. One violation per stairwell: the first time it overflows."""
        waiting: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
        for key, drops in self.relayed.items():
            for d in drops:
                starts = [u.start_s for u in self.climbed.get(key, ())
                          if u.stairwell == d.stairwell]
                waiting[d.stairwell].append((d.dropped_s, min(starts, default=math.inf),
                                             d.where))
        for stairwell in sorted(waiting):
            own = self.s.stairwells[stairwell].buffer_bags
            limit = own if own is not None else self.s.parameters.entrance_buffer_bags
            if limit is None:
                continue
            bags = waiting[stairwell]
            over = []
            for at, _, where in sorted(bags):
                count = sum(1 for down, up, _ in bags if down <= at + 1e-6 and up > at + 1e-6)
                if count > limit:
                    over.append((at, count, where))
            if over:
                at, count, where = over[0]
                peak = max(over, key=lambda o: (o[1], -o[0]))
                self.flag(ViolationKind.BUFFER, where,
                          f"{count} bags wait at the door of {stairwell!r} at {at:g}, more "
                          f"than its buffer of {limit} (at most {peak[1]}, at {peak[0]:g})")

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
        """No volunteer's role, zone, skills and trip capacity allow this household at all;
        in a relay or auto plan (measured against the relay bound), no ferry and climber
        pair either."""
        h = self.s.household_by_id[hid]
        p = self.s.parameters
        bags = h.bags if h.bags is not None else p.default_bags
        building = self.s.stairwell_building[h.stairwell].id
        needs_ppe = h.risk is Risk.RED or (h.risk is Risk.ORANGE and p.ppe_for_orange)
        door = h.delivery.value == "door"

        def fits_trip(v: Volunteer) -> bool:
            cap_bags, cap_kg = ((v.cart.capacity_bags, v.cart.capacity_kg) if v.cart else
                                (v.hand_capacity_bags or p.hand_capacity_bags,
                                 v.hand_capacity_kg or p.hand_capacity_kg))
            return len(bags) <= cap_bags and sum(b.weight_kg for b in bags) <= cap_kg + 1e-9

        in_zone = [v for v in self.s.volunteers if v.zone is None or building in v.zone]
        for v in in_zone:
            if v.role is Role.CLIMBER or (v.role is Role.FERRY and door):
                continue
            if needs_ppe and "ppe" not in v.skills:
                continue
            if fits_trip(v):
                return False
        sm = self.plan.summary
        if not (self.s.relay and door and (sm.mode == "relay"
                                           or sm.mode_makespans_s is not None)):
            return True
        heaviest = max(b.weight_kg for b in bags)
        ferries = [v for v in in_zone if v.role is not Role.CLIMBER and fits_trip(v)]
        climbers = [v for v in in_zone if v.role is not Role.FERRY
                    and (v.station is None or h.stairwell in v.station
                         or building in v.station)
                    and (not needs_ppe or "ppe" in v.skills)
                    and heaviest <= (v.hand_capacity_kg or p.hand_capacity_kg) + 1e-9]
        return not (ferries and climbers)

    def floors(self, trip: Trip) -> int:
        """Floors climbed on a trip: each run to its top floor (none where a lift runs)."""
        climbed = 0
        for stop in trip.stops:
            building = self.s.stairwell_building.get(stop.stairwell)
            if building is None or building.lift:
                continue
            climbed += sum(run.top_floor - 1 for run in stop.runs)
        return climbed

    def climb_floors(self, climb: Climb) -> int:
        """Floors climbed on a climb: its run to its top floor (none where a lift runs)."""
        building = self.s.stairwell_building.get(climb.stairwell)
        return 0 if building is None or building.lift else climb.run.top_floor - 1

    def volunteer_totals(self, vp: VolunteerPlan) -> dict[str, float]:
        """A volunteer's busy time (trips from loading to return, climbs' walks and runs),
        walk and floors climbed."""
        volunteer = self.s.volunteer_by_id.get(vp.volunteer)
        speed = (volunteer.walk_speed_mps if volunteer is not None else None) \
            or self.s.parameters.walk_speed_mps
        return {
            "busy_s": sum(t.return_s - t.start_s for t in vp.trips)
            + sum(c.run.end_s - c.run.start_s + c.walk_m / speed for c in vp.climbs),
            "walk_m": sum(t.walk_m for t in vp.trips) + sum(c.walk_m for c in vp.climbs),
            "floors_climbed": sum(self.floors(t) for t in vp.trips)
            + sum(self.climb_floors(c) for c in vp.climbs),
        }

    def summary(self) -> None:
        sm = self.plan.summary
        t0 = min(v.shift.start for v in self.s.volunteers)
        last = max(self.delivered.values(), default=t0)
        trips = [t for vp in self.plan.volunteers for t in vp.trips]
        climbs = [c for vp in self.plan.volunteers for c in vp.climbs]
        totals = [self.volunteer_totals(vp) for vp in self.plan.volunteers]
        households = self.s.household_by_id
        limited = [h for h in self.s.households if h.latest_s is not None]
        expected: dict[str, float | None] = {
            "makespan_s": last - t0,
            "round_start_s": t0,
            "last_delivery_s": last,
            # the last trip back at its gate, or the last climb back down at its entrance.
            "finish_s": max([t.return_s for t in trips] + [c.run.end_s for c in climbs],
                            default=t0),
            "households_served": len(self.delivered),
            "households_unserved": len(self.plan.unserved),
            "trips": len(trips),
            "climbs": len(climbs),
            "bags_delivered": sum(t.bags for t in trips),  # relayed bags: once, on trips
            "walk_m": sum(own["walk_m"] for own in totals),
            "floors_climbed": sum(own["floors_climbed"] for own in totals),
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
            slack = 0.1 * (len(self.plan.volunteers) + 1 + len(climbs)) if name == "walk_m" \
                else TOLERANCE_S
            if (stated is None) != (value is None) or (
                    value is not None and abs(stated - value) > max(TOLERANCE_S, slack)):
                self.flag(ViolationKind.SUMMARY, f"summary.{name}",
                          f"stated {stated}, the trips give "
                          f"{'none' if value is None else format(value, 'g')}")
        # A gap compares with a bound over the households any plan could serve: it may be
        # stated only when every household left out is one that no volunteer may serve,
        # or when the bound says it covers only the households served.
        if sm.gap is not None and sm.bound_covers == "servable" and any(
                u.household not in households
                                      or not self.nobody_may_serve(u.household)
                                      for u in self.plan.unserved):
            self.flag(ViolationKind.SUMMARY, "summary.gap",
                      "states a gap while households that a plan could serve are unserved")
        # The service bound is an upper bound on what any plan serves: this one included.
        if sm.service_bound is not None and len(self.delivered) > sm.service_bound:
            self.flag(ViolationKind.SUMMARY, "summary.service_bound",
                      f"says at most {sm.service_bound} households can be served, and the "
                      f"plan serves {len(self.delivered)}")
        for v_i, (vp, own) in enumerate(zip(self.plan.volunteers, totals, strict=True)):
            for name, value in own.items():
                slack = 0.1 * (len(vp.trips) + len(vp.climbs) + 1) if name == "walk_m" \
                    else TOLERANCE_S
                if abs(getattr(vp, name) - value) > max(TOLERANCE_S, slack):
                    self.flag(ViolationKind.SUMMARY, f"volunteers[{v_i}].{name}",
                              f"stated {getattr(vp, name)}, its trips and climbs give "
                              f"{value:g}")
        self.modes(climbs)
        if sm.gap is not None and sm.lower_bound_s > 0 and \
                abs(sm.gap - (sm.makespan_s / sm.lower_bound_s - 1)) > 1e-4:
            self.flag(ViolationKind.SUMMARY, "summary.gap",
                      "is not makespan_s / lower_bound_s - 1")
        ledger = {d.household: (d_i, d) for d_i, d in enumerate(self.plan.deliveries)}
        self.ledger_names()
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
                          f"household {hid!r} is in the ledger but on no trip or climb")
        for hid, (d_i, d) in ledger.items():
            self.ledger_line(hid, d_i, d)

    def ledger_names(self) -> None:
        """One ledger line a household, naming volunteers (and ferries) of the scenario."""
        lines: dict[str, int] = {}
        for d_i, d in enumerate(self.plan.deliveries):
            if d.household in lines:
                self.flag(ViolationKind.DUPLICATE, f"deliveries[{d_i}]",
                          f"household {d.household!r} is in the ledger twice (first at "
                          f"deliveries[{lines[d.household]}])")
            lines.setdefault(d.household, d_i)
            for field, who in (("volunteer", d.volunteer), ("ferry", d.ferry)):
                if who is not None and who not in self.s.volunteer_by_id:
                    self.flag(ViolationKind.UNKNOWN, f"deliveries[{d_i}].{field}",
                              f"unknown volunteer {who!r}")

    def ledger_line(self, hid: str, d_i: int, d: Delivery) -> None:
        """A ledger line names who handed the bags over: for a relayed household the
        climber, its climb and the ferry; else a trip."""
        where = f"deliveries[{d_i}]"
        if hid in self.by_climb:
            if d.climb is None or (d.volunteer, d.climb) not in self.by_climb[hid]:
                self.flag(ViolationKind.SUMMARY, where,
                          f"household {hid!r} is taken up on "
                          f"{sorted(self.by_climb[hid])} (climber, climb), the ledger says "
                          f"{d.volunteer!r}, climb {d.climb}")
            if self.ferries.get(hid) and d.ferry not in self.ferries[hid]:
                self.flag(ViolationKind.SUMMARY, f"{where}.ferry",
                          f"household {hid!r}'s bags are ferried by "
                          f"{sorted(self.ferries[hid])}, the ledger says {d.ferry!r}")
        elif hid in self.by_trip and (d.trip is None or d.climb is not None):
            # Light: a carried household's line names a trip, not a climb (its volunteer
            # is not matched, so that alike volunteers' plans may be swapped).
            self.flag(ViolationKind.SUMMARY, where,
                      f"household {hid!r} is carried on a trip; the ledger says trip "
                      f"{d.trip}, climb {d.climb}")

    def modes(self, climbs: list[Climb]) -> None:
        """A carry plan has no relays; the kept mode's makespan is the plan's."""
        sm = self.plan.summary
        relays = any(st.relays for vp in self.plan.volunteers for t in vp.trips
                     for st in t.stops)
        if sm.mode == "carry" and (climbs or relays):
            self.flag(ViolationKind.SUMMARY, "summary.mode",
                      "a carry plan with relay drops or climbs")
        if sm.mode_makespans_s is not None:
            odd = set(sm.mode_makespans_s) - {"carry", "relay"}
            if odd:
                self.flag(ViolationKind.SUMMARY, "summary.mode_makespans_s",
                          f"unknown modes {sorted(odd)}")
            kept = sm.mode_makespans_s.get(sm.mode)
            if kept is not None and not self.near(kept, sm.makespan_s):
                self.flag(ViolationKind.SUMMARY, f"summary.mode_makespans_s.{sm.mode}",
                          f"stated {kept}, the plan kept ({sm.mode}) has makespan "
                          f"{sm.makespan_s}")


def check_replan(original: Plan, replanned: Plan) -> list[Violation]:
    """Every way a replan changes what it had to keep of ``original``: each trip that
    started before the replan's time, as it was (a trip cut short when its volunteer
    left: its first stops as they were, no others), and each hand-over on them."""
    out: list[Violation] = []
    info = replanned.replan
    if info is None:
        return [Violation(ViolationKind.LOCKED, "replan", "the plan is not a replan")]
    if info.original_sha256 != plan_sha256(original):
        return [Violation(ViolationKind.LOCKED, "replan.original_sha256",
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
                out.append(Violation(ViolationKind.LOCKED, where if now else "volunteers",
                                     f"volunteer {vp.volunteer!r}'s trip {t_i}, started at "
                                     f"{trip.start_s} s before the replan, is not kept as "
                                     "it was"))
    ledger = {d.household: d for d in replanned.deliveries}
    for d in original.deliveries:
        if (d.volunteer, d.trip) not in kept or d.trip is None:
            continue
        stops = cut.get((d.volunteer, d.trip))
        if stops is not None and not any(
                d.household in {x.household for x in st.drops}
                | {x.household for r in st.runs for x in r.doors}
                for st in original.volunteers[[vp.volunteer for vp in original.volunteers]
                                              .index(d.volunteer)].trips[d.trip].stops[:stops]):
            continue  # on a stop the volunteer did not reach: back at the gate
        now = ledger.get(d.household)
        if now is None or (now.volunteer, now.trip, now.delivered_s) != (
                d.volunteer, d.trip, d.delivered_s):
            out.append(Violation(ViolationKind.LOCKED, "deliveries",
                                 f"household {d.household!r}, handed over by "
                                 f"{d.volunteer!r} at {d.delivered_s} s on a kept trip, is "
                                 "not in the replan's ledger as it was"))
    return out


def check(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Every way ``plan`` breaks the rules of ``scenario``; empty when it is sound."""
    return _Checker(scenario, plan).run()
