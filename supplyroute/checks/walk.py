"""A doorstep round walked through: every volunteer's trips and climbs replayed from
the scenario with the checkers' own physics.

Each trip is timed from its loading: walks, entrance drops, relay drops into the
entrance buffers, stair runs, the walk back; each climb from the climber's walk to the
entrance. Capacities, releases, shifts, zones, skills, roles, stations, deadlines and
the disinfection after risky trips are checked on the way, and the facts the rest of
the round checker needs (who got which bags when, by which trip or climb) are kept.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from supplyroute.checks.physics import Walking, stair_seconds
from supplyroute.checks.round_rules import TOLERANCE_S, RoundRule
from supplyroute.models import Risk, Role, Scenario, Volunteer
from supplyroute.models.plan import Climb, StairRun, Stop, Trip, VolunteerPlan


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


class RoundWalk:
    """The volunteers' days replayed; each finding is passed to ``flag``."""

    def __init__(self, scenario: Scenario, flag: Callable[[RoundRule, str, str], None]):
        self.s = scenario
        self.flag = flag
        self.walking = Walking(scenario)
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

    def near(self, stated: float, computed: float) -> bool:
        return abs(stated - computed) <= TOLERANCE_S

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
                self.flag(RoundRule.ROLE, twhere,
                          f"volunteer {volunteer.id!r} is a climber: no trips from the gate")
            back_s = free_s + self.walking.metres(here, volunteer.gate) / on_foot
            if trip.start_s < previous_return - TOLERANCE_S:
                self.flag(RoundRule.OVERLAP, f"{twhere}.start_s",
                          f"starts at {trip.start_s} before the previous trip returns "
                          f"at {previous_return}")
            elif last_climb is not None and trip.start_s < back_s - TOLERANCE_S:
                self.flag(RoundRule.OVERLAP, f"{twhere}.start_s",
                          f"starts at {trip.start_s}, but after climbs[{last_climb}] the "
                          f"volunteer is back at gate {volunteer.gate!r} at {back_s:.2f}")
            elif previous_risky is not None and \
                    trip.start_s < previous_return + disinfection - TOLERANCE_S:
                self.flag(RoundRule.DISINFECTION, f"{twhere}.start_s",
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
            self.flag(RoundRule.RELAY_FORBIDDEN, where,
                      f"scenario {s.name!r} forbids relays: no climbs with ferried bags")
        if volunteer.role is Role.FERRY:
            self.flag(RoundRule.ROLE, where,
                      f"volunteer {volunteer.id!r} is a ferry: it never climbs")
        if climb.stairwell not in s.stairwells:
            self.flag(RoundRule.UNKNOWN, f"{where}.stairwell",
                      f"unknown stairwell {climb.stairwell!r}")
            return climb.run.end_s
        building = s.stairwell_building[climb.stairwell].id
        if volunteer.station is not None and climb.stairwell not in volunteer.station \
                and building not in volunteer.station:
            self.flag(RoundRule.STATION, f"{where}.stairwell",
                      f"stairwell {climb.stairwell!r} (building {building!r}) is outside "
                      f"volunteer {volunteer.id!r}'s station {list(volunteer.station)}")
        on_foot = volunteer.walk_speed_mps or p.walk_speed_mps
        metres = self.walking.metres(here, climb.stairwell)
        if abs(climb.walk_m - metres) > 0.5:
            self.flag(RoundRule.TIMING, f"{where}.walk_m",
                      f"stated {climb.walk_m} m, the walk from {here!r} is {metres:.1f} m")
        earliest = free_s + metres / on_foot
        if climb.arrive_s < earliest - TOLERANCE_S:
            if first:
                self.flag(RoundRule.SHIFT, f"{where}.arrive_s",
                          f"arrives at {climb.arrive_s}: the walk from gate {here!r} starts "
                          f"before the shift ({volunteer.shift.start}); at {earliest:.2f} "
                          "at the earliest")
            else:
                self.flag(RoundRule.OVERLAP, f"{where}.arrive_s",
                          f"arrives at {climb.arrive_s}, but the previous work ends at "
                          f"{free_s:.2f} and the walk from {here!r} takes until "
                          f"{earliest:.2f}")
        if climb.run.start_s < climb.arrive_s - TOLERANCE_S:
            self.flag(RoundRule.TIMING, f"{where}.run.start_s",
                      f"stated {climb.run.start_s}, before the climber arrives at "
                      f"{climb.arrive_s}")
        hands = (volunteer.hand_capacity_bags or p.hand_capacity_bags,
                 volunteer.hand_capacity_kg or p.hand_capacity_kg)
        ascent, descent, _ = stair_seconds(s, climb.stairwell)
        end = self.run_timing(climb.run, climb.run.start_s, ascent, descent, climb.stairwell,
                              volunteer, hands, f"{where}.run")
        if end > volunteer.shift.end + TOLERANCE_S:
            self.flag(RoundRule.SHIFT, f"{where}.run.end_s",
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
            self.flag(RoundRule.GATE, f"{where}.gate",
                      f"volunteer {volunteer.id!r} works from gate {volunteer.gate!r}, "
                      f"not {trip.gate!r}")
        if trip.gate not in s.gate_by_id:
            self.flag(RoundRule.UNKNOWN, f"{where}.gate", f"unknown gate {trip.gate!r}")
            return trip.return_s
        if trip.mode == "cart" and volunteer.cart is None:
            self.flag(RoundRule.MODE, f"{where}.mode",
                      f"volunteer {volunteer.id!r} has no cart")
        cart = volunteer.cart if trip.mode == "cart" else None
        hands = (volunteer.hand_capacity_bags or p.hand_capacity_bags,
                 volunteer.hand_capacity_kg or p.hand_capacity_kg)
        if cart is not None:
            capacity = (cart.capacity_bags, cart.capacity_kg)
            speed = cart.speed_mps or p.cart_speed_mps
        else:
            capacity = hands
            speed = volunteer.walk_speed_mps or p.walk_speed_mps
        if trip.start_s < volunteer.shift.start - TOLERANCE_S:
            self.flag(RoundRule.SHIFT, f"{where}.start_s",
                      f"starts before the shift ({volunteer.shift.start})")

        t = trip.start_s + p.load_s
        if not self.near(trip.depart_s, t):
            self.flag(RoundRule.TIMING, f"{where}.depart_s",
                      f"stated {trip.depart_s}, loading ends at {t:.2f}")
        here = trip.gate
        walked = 0.0
        carried = [0, 0.0]  # bags, kg
        for s_i, stop in enumerate(trip.stops):
            swhere = f"{where}.stops[{s_i}]"
            if stop.stairwell not in s.stairwells:
                self.flag(RoundRule.UNKNOWN, f"{swhere}.stairwell",
                          f"unknown stairwell {stop.stairwell!r}")
                return trip.return_s
            metres = self.walking.metres(here, stop.stairwell)
            walked += metres
            t += metres / speed
            here = stop.stairwell
            if not self.near(stop.arrive_s, t):
                self.flag(RoundRule.TIMING, f"{swhere}.arrive_s",
                          f"stated {stop.arrive_s}, the walk arrives at {t:.2f}")
            t = self.stop(volunteer, stop, index, t, hands, carried, swhere)
        metres = self.walking.metres(here, trip.gate)
        walked += metres
        t += metres / speed
        self.trip_end(volunteer, trip, t, walked, carried, capacity, where)
        self.trip_releases(trip, where)
        return t

    def stop(self, volunteer: Volunteer, stop: Stop, index: int, t: float,
             hands: tuple[int, float], carried: list, where: str) -> float:
        """One stop of trip ``index`` from ``t``: entrance drops, relay drops, stair runs;
        adds what it hands over to ``carried`` (bags, kg). Returns when it leaves."""
        s, p = self.s, self.s.parameters
        for d_i, drop in enumerate(stop.drops):
            dwhere = f"{where}.drops[{d_i}]"
            weights = self.household_bags(drop.household, drop.bags, stop.stairwell,
                                          None, "entrance", volunteer, dwhere)
            carried[0] += len(drop.bags)
            carried[1] += sum(weights)
            t += len(drop.bags) * p.entrance_drop_s_per_bag
            self.hand_over(drop.household, drop.delivered_s, t, dwhere)
            self.by_trip[drop.household].add((volunteer.id, index))
        for r_i, relay in enumerate(stop.relays):
            rwhere = f"{where}.relays[{r_i}]"
            if not s.relay:
                self.flag(RoundRule.RELAY_FORBIDDEN, rwhere,
                          f"scenario {s.name!r} forbids relays: bags may not wait at "
                          f"the door of {stop.stairwell!r}")
            weights = self.household_bags(relay.household, relay.bags, stop.stairwell,
                                          None, "door", volunteer, rwhere, ferry=True)
            carried[0] += len(relay.bags)
            carried[1] += sum(weights)
            t += len(relay.bags) * p.relay_drop_s
            if relay.dropped_s < t - TOLERANCE_S:
                self.flag(RoundRule.TIMING, f"{rwhere}.dropped_s",
                          f"stated {relay.dropped_s}, the bags are down at {t:.2f} at "
                          "the earliest")
            t = max(t, relay.dropped_s)  # a ferry may wait for room in the buffer
            self.ferries[relay.household].add(volunteer.id)
            for i in relay.bags:
                self.relayed[relay.household, i].append(
                    _Relayed(stop.stairwell, relay.dropped_s, rwhere, volunteer.id))
        ascent, descent, _ = stair_seconds(s, stop.stairwell)
        for r_i, run in enumerate(stop.runs):
            rwhere = f"{where}.runs[{r_i}]"
            if volunteer.role is Role.FERRY:
                self.flag(RoundRule.ROLE, rwhere,
                          f"volunteer {volunteer.id!r} is a ferry: it never climbs")
            t = self.run_timing(run, t, ascent, descent, stop.stairwell, volunteer, hands,
                                rwhere)
            carried[0] += run.bags
            carried[1] += run.carry_kg
            for door in run.doors:
                self.by_trip[door.household].add((volunteer.id, index))
        if not self.near(stop.leave_s, t):
            self.flag(RoundRule.TIMING, f"{where}.leave_s",
                      f"stated {stop.leave_s}, the work there ends at {t:.2f}")
        return t

    def trip_end(self, volunteer: Volunteer, trip: Trip, t: float, walked: float,
                 carried: list, capacity: tuple[int, float], where: str) -> None:
        """The trip back at its gate at ``t`` having walked ``walked`` metres with
        ``carried`` (bags, kg): its stated return, walk and load, its shift and capacity."""
        if not self.near(trip.return_s, t):
            self.flag(RoundRule.TIMING, f"{where}.return_s",
                      f"stated {trip.return_s}, the walk back ends at {t:.2f}")
        if abs(trip.walk_m - walked) > 0.5:
            self.flag(RoundRule.TIMING, f"{where}.walk_m",
                      f"stated {trip.walk_m} m, the route is {walked:.1f} m")
        if t > volunteer.shift.end + TOLERANCE_S:
            self.flag(RoundRule.SHIFT, f"{where}.return_s",
                      f"back at {t:.0f}, after the shift ends ({volunteer.shift.end})")
        bags_total, kg_total = carried
        if trip.bags != bags_total or abs(trip.carry_kg - kg_total) > 0.05:
            self.flag(RoundRule.SUMMARY, f"{where}.bags",
                      f"stated {trip.bags} bags / {trip.carry_kg} kg, the stops hold "
                      f"{bags_total} / {kg_total:.2f}")
        cap_bags, cap_kg = capacity
        if bags_total > cap_bags or kg_total > cap_kg + 0.05:
            self.flag(RoundRule.TRIP_CAPACITY, f"{where}.bags",
                      f"{bags_total} bags, {kg_total:.1f} kg on a {trip.mode} trip that "
                      f"holds {cap_bags} bags, {cap_kg:g} kg")

    def trip_releases(self, trip: Trip, where: str) -> None:
        """The trip's pooled bags counted against its gate's batches (checked in
        :meth:`releases`), and its named households' bags released at its gate by its
        start."""
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
                        self.flag(RoundRule.RELEASE, f"{where}.start_s",
                                  f"household {hid!r}'s bags are released at gate {gate!r} "
                                  f"at {at:g}")

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
            self.flag(RoundRule.TIMING, f"{where}.start_s",
                      f"stated {run.start_s}, the run can start at {t:.2f}")
        floor = 1
        bags, kg = 0, 0.0
        for d_i, door in enumerate(run.doors):
            dwhere = f"{where}.doors[{d_i}]"
            if door.floor < floor:
                self.flag(RoundRule.TIMING, f"{dwhere}.floor",
                          "doors of a run must be in climbing order")
            weights = self.household_bags(door.household, door.bags, stairwell, door.floor,
                                          "door", volunteer, dwhere)
            bags += len(door.bags)
            kg += sum(weights)
            t += ascent(floor, door.floor) + self.s.parameters.handover_s
            floor = max(floor, door.floor)
            self.hand_over(door.household, door.delivered_s, t, dwhere)
        if run.top_floor != floor:
            self.flag(RoundRule.TIMING, f"{where}.top_floor",
                      f"stated {run.top_floor}, the highest door is on floor {floor}")
        t += descent(floor)
        if not self.near(run.end_s, t):
            self.flag(RoundRule.TIMING, f"{where}.end_s",
                      f"stated {run.end_s}, back at the entrance at {t:.2f}")
        if run.bags != bags or abs(run.carry_kg - kg) > 0.05:
            self.flag(RoundRule.SUMMARY, f"{where}.bags",
                      f"stated {run.bags} bags / {run.carry_kg} kg, the doors take "
                      f"{bags} / {kg:.2f}")
        if bags > hands[0] or kg > hands[1] + 0.05:
            self.flag(RoundRule.CLIMB_CAPACITY, f"{where}.bags",
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
            self.flag(RoundRule.UNKNOWN, f"{where}.household", f"unknown household {hid!r}")
            return []
        bags = h.bags if h.bags is not None else self.s.parameters.default_bags
        if h.stairwell != stairwell or (floor is not None and floor != h.floor):
            self.flag(RoundRule.PLACE, where,
                      f"household {hid!r} lives in {h.stairwell!r} on floor {h.floor}")
        if h.delivery.value != mode:
            self.flag(RoundRule.PLACE, where,
                      f"household {hid!r} takes delivery at the {h.delivery.value}, not the "
                      f"{mode}")
        building = self.s.stairwell_building[h.stairwell].id
        if volunteer.zone is not None and building not in volunteer.zone:
            self.flag(RoundRule.ZONE, where,
                      f"building {building!r} is outside volunteer {volunteer.id!r}'s zone")
        needs_ppe = h.risk is Risk.RED or (h.risk is Risk.ORANGE
                                           and self.s.parameters.ppe_for_orange)
        if needs_ppe and not ferry and "ppe" not in volunteer.skills:
            self.flag(RoundRule.SKILL, where,
                      f"{h.risk.value}-risk household {hid!r} needs full PPE; "
                      f"{volunteer.id!r} has none")
        weights = []
        for i in indices:
            if not 0 <= i < len(bags):
                self.flag(RoundRule.BAGS, f"{where}.bags",
                          f"household {hid!r} has no bag {i}")
                continue
            weights.append(bags[i].weight_kg)
        if not ferry:
            self.bags_given[hid].extend(indices)
        return weights

    def hand_over(self, hid: str, stated: float, computed: float, where: str) -> None:
        if not self.near(stated, computed):
            self.flag(RoundRule.TIMING, f"{where}.delivered_s",
                      f"stated {stated}, the hand-over ends at {computed:.2f}")
        self.delivered[hid] = max(self.delivered.get(hid, -math.inf), computed)
        h = self.s.household_by_id.get(hid)
        if h is None:
            return
        latest = min((x for x in (h.deadline, h.window.end if h.window else None)
                      if x is not None), default=None)
        if latest is not None and computed > latest + TOLERANCE_S:
            self.flag(RoundRule.DEADLINE, where,
                      f"household {hid!r} gets its bags at {computed:.0f}, after {latest:g}")
        if h.window is not None and computed < h.window.start - TOLERANCE_S:
            self.flag(RoundRule.DEADLINE, where,
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
                    self.flag(RoundRule.RELEASE, f"{where}.start_s",
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
                self.flag(RoundRule.DUPLICATE, again.where,
                          f"bag {i} of household {hid!r} is relayed again (first at "
                          f"{drops[0].where})")
            for again in ups[1:]:
                self.flag(RoundRule.DUPLICATE, again.where,
                          f"bag {i} of household {hid!r} is climbed again (first at "
                          f"{ups[0].where})")
            if not ups:
                self.flag(RoundRule.SYNC, drops[0].where,
                          f"bag {i} of household {hid!r} is left at {drops[0].stairwell!r} "
                          "and no climb takes it up")
                continue
            if not drops:
                self.flag(RoundRule.SYNC, ups[0].where,
                          f"climbs with bag {i} of household {hid!r}, which no ferry left "
                          f"at {ups[0].stairwell!r}")
                continue
            for up in ups:
                there = [d.dropped_s for d in drops if d.stairwell == up.stairwell]
                if not there:
                    self.flag(RoundRule.SYNC, up.where,
                              f"climbs at {up.stairwell!r} with bag {i} of household {hid!r}, "
                              f"which was left at {drops[0].stairwell!r}")
                elif min(there) > up.start_s + TOLERANCE_S:
                    self.flag(RoundRule.SYNC, up.where,
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
                self.flag(RoundRule.BUFFER, where,
                          f"{count} bags wait at the door of {stairwell!r} at {at:g}, more "
                          f"than its buffer of {limit} (at most {peak[1]}, at {peak[0]:g})")
