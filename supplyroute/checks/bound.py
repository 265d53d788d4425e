r"""The checker's own statement of a round's lower bounds on the makespan.

A plan states a lower bound: no plan of the scenario can hand its last bags over
sooner after the round's start ``t0`` (the earliest shift start). The claim checker
(:mod:`supplyroute.checks.claims`) makes the argument again from the scenario alone,
with the checkers' physics (:mod:`supplyroute.checks.physics`), and refuses a stated
bound above it. The arguments are those of the planner's documentation, written anew
here so that a slip in the planner's arithmetic is not repeated and passed:

**Work (a linear program).** Every volunteer's work, priced linearly, fits in the
makespan. A trip of volunteer ``v`` holds at most its capacity (``B`` bags, ``K`` kg by
hand; with a cart, the cart's) and lasts at least ``load + 2 d(gate, farthest
stairwell) / speed``; so a household's share of its trip, ``bags / B`` (or ``kg / K``:
per volunteer and mode, whichever makes the total work larger), costs that share of
the load and of the walk to its own stairwell and back, by the cheaper mode. A stair
run holds at most the hands and lasts at least the climb to its top floor and back,
so a door household costs its hands share of ``up(floor) + down(floor)`` and one
hand-over per handful; an entrance household costs its drops. After its last
hand-over a volunteer has at most the descent and the walk back (at its slower speed)
left, saved for one household of its choice. With ``x`` the shares of the households
each volunteer brings, ``y <= x`` the one it brings last, ``T >= work - saving`` for
every volunteer; the least ``T`` over fractional shares, less a relative 1e-7 for the
solver's tolerances, is a bound.

**Single household.** No household is handed over before the quickest volunteer
allowed to serve it could bring it alone, from its shift start and the bags' release,
nor before its window opens.

**Release pool.** Where every gate counts its bags in batches: if the batches released
before ``t`` cannot cover the pooled bags, some trip leaves at ``t`` or later and hands
over no earlier than the quickest pooled household from then.

**Relays.** A household is carried as above, or ferried to its entrance (its trip
share and ``relay_drop_s`` a bag; the walk back saved) and climbed by another (its
hands share and hand-overs; the descent saved), as many climbed as ferried. A climber
climbs nothing before it can be at a stairwell where bags can be down (``A``), and at
most the longest descent ``D`` follows its last hand-over; over the ``N`` bags it may
climb, ``T >= climbing + (A / N) bags climbed - D``. The single-household argument
adds a relay: the quickest ferry's drop, or the quickest climber's walk from its gate,
whichever is later, then the climb to the door.

Households and volunteers alike are pooled (one LP column each), which leaves the
optimum as it is: any split between identical columns can be evened out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ortools.linear_solver import pywraplp

from supplyroute.checks.physics import Walking, stair_seconds
from supplyroute.models import DeliveryMode, Priority, Risk, Scenario, Volunteer

#: The relative slack the work LP's optimum is reduced by (solver tolerances).
LP_RELATIVE_SLACK = 1e-7
#: Households on whose trip the volunteer disinfects afterwards.
RISKY = frozenset((Risk.RED, Risk.ORANGE))
PRIORITY_RANK = {Priority.URGENT: 0, Priority.VULNERABLE: 1, Priority.STANDARD: 2}
CARRY, FERRY, CLIMB = "carry", "ferry", "climb"


class ArgumentError(RuntimeError):
    """The linear program of an argument found no optimum."""


@dataclass(frozen=True)
class ArguedBound:
    """A lower bound on the makespan (seconds after ``t0``) and the argument giving it:
    ``kind`` is "work-lp", "relay-work-lp", "single-parcel", "release-pool", "none"
    (no LP and nothing else above 0) or "empty" (nobody to serve)."""

    value_s: float
    kind: str
    work_lp_s: float
    single_parcel_s: float
    release_pool_s: float


@dataclass(frozen=True)
class Home:
    """A household as the arguments and the exhaustive search see it."""

    index: int  #: position in ``scenario.households``.
    id: str
    stairwell: str
    floor: int
    weights: tuple[float, ...]  #: each bag's weight, in the household's order.
    door: bool  #: carried up to the door, else dropped at the entrance.
    named: tuple[str, float] | None  #: (gate, time) of the release batch naming it.
    earliest_s: float  #: its window's opening (0 without a window).
    latest_s: float | None  #: deadline or window end, whichever is first.
    rank: int  #: urgent 0, vulnerable 1, standard 2.
    risky: bool  #: red or orange: the volunteer disinfects after its trip.

    @property
    def bags(self) -> int:
        return len(self.weights)

    @property
    def kg(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True)
class Crew:
    """Volunteers alike in everything the arguments read (all but id, group and shift
    end): one LP column stands for all ``members``."""

    volunteer: Volunteer  #: the first member.
    members: tuple[int, ...]


class Grounds:
    """A scenario's facts for the arguments: households, crews, walks, stairs, releases
    and who may do what, read from the model and the checkers' physics only. Made once
    per scenario and shared by the bounds and the exhaustive search."""

    def __init__(self, scenario: Scenario):
        s = self.scenario = scenario
        self.walking = Walking(s)
        #: the round's start: the earliest shift start.
        self.t0: float = min(v.shift.start for v in s.volunteers)
        named: dict[str, tuple[str, float]] = {}
        #: each gate's count batches, (time, bags), in time order.
        self.batches: dict[str, list[tuple[float, int]]] = {}
        for gate in s.gates:
            self.batches[gate.id] = sorted((r.at, r.bags) for r in gate.releases
                                           if r.bags is not None)
            for r in gate.releases:
                for hid in r.households or ():
                    named[hid] = (gate.id, r.at)
        self.homes: list[Home] = [
            Home(index=i, id=h.id, stairwell=h.stairwell, floor=h.floor,
                 weights=tuple(b.weight_kg for b in s.bags_of(h)),
                 door=h.delivery is DeliveryMode.DOOR, named=named.get(h.id),
                 earliest_s=h.window.start if h.window else 0.0, latest_s=h.latest_s,
                 rank=PRIORITY_RANK[h.priority], risky=h.risk in RISKY)
            for i, h in enumerate(s.households)]
        kinds: dict[tuple, list[int]] = {}
        for v, vol in enumerate(s.volunteers):
            kinds.setdefault(self._likeness(vol), []).append(v)
        self.crews: list[Crew] = [Crew(s.volunteers[vs[0]], tuple(vs)) for vs in kinds.values()]
        self._stairs: dict[str, tuple[Callable[[int, int], float], Callable[[int], float]]] = {}

    def _likeness(self, vol: Volunteer) -> tuple:
        """What makes two volunteers alike for the arguments."""
        cart = None if vol.cart is None else (vol.cart.capacity_bags, vol.cart.capacity_kg,
                                              self.modes(vol)[1][2])
        return (vol.gate, vol.shift.start, self.scenario.hand_capacity(vol), self.on_foot(vol),
                cart, "ppe" in vol.skills, None if vol.zone is None else frozenset(vol.zone),
                vol.role, None if vol.station is None else frozenset(vol.station))

    # Physics.
    def metres(self, a: str, b: str) -> float:
        return self.walking.metres(a, b)

    def up_s(self, stairwell: str, floor: int) -> float:
        """From the entrance to ``floor``, loaded."""
        return self._stair(stairwell)[0](1, floor)

    def down_s(self, stairwell: str, floor: int) -> float:
        """From ``floor`` back to the entrance."""
        return self._stair(stairwell)[1](floor)

    def ascent_s(self, stairwell: str, low: int, high: int) -> float:
        """Onwards from floor ``low`` to ``high`` within one stair run."""
        return self._stair(stairwell)[0](low, high)

    def _stair(self, stairwell: str) -> tuple[Callable[[int, int], float], Callable[[int], float]]:
        if stairwell not in self._stairs:
            ascent, descent, _ = stair_seconds(self.scenario, stairwell)
            self._stairs[stairwell] = (ascent, descent)
        return self._stairs[stairwell]

    def on_foot(self, vol: Volunteer) -> float:
        return vol.walk_speed_mps or self.scenario.parameters.walk_speed_mps

    def modes(self, vol: Volunteer) -> list[tuple[int, float, float]]:
        """(bags, kg, speed) of a trip by hand, and with the cart if it has one."""
        p = self.scenario.parameters
        bags, kg = self.scenario.hand_capacity(vol)
        out = [(bags, kg, self.on_foot(vol))]
        if vol.cart is not None:
            out.append((vol.cart.capacity_bags, vol.cart.capacity_kg,
                        vol.cart.speed_mps or p.cart_speed_mps))
        return out

    # Releases and rules.
    def release_at(self, home: Home, vol: Volunteer) -> float | None:
        """When the volunteer's gate has the household's bags (None: never): the batch
        naming it; else the gate's first count batch, or the start of the day at a gate
        without count batches."""
        if home.named is not None:
            gate, at = home.named
            return at if gate == vol.gate else None
        batches = self.batches[vol.gate]
        if not batches:
            return 0.0
        return batches[0][0] if sum(bags for _, bags in batches) > 0 else None

    def brings(self, home: Home, vol: Volunteer, shuttle: bool = True) -> bool:
        """One trip holds the household's bags (or, ``shuttle``, several trips by hand
        do), and the volunteer's gate has them."""
        cap_bags, cap_kg = self.scenario.trip_capacity(vol)
        fits = home.bags <= cap_bags and home.kg <= cap_kg + 1e-9
        return ((fits or (shuttle and self.shuttles(home, vol)))
                and self.release_at(home, vol) is not None)

    def shuttles(self, home: Home, vol: Volunteer) -> bool:
        """A volunteer without a cart whose hands hold each of the household's bags but
        not all of them brings them on several trips by hand, one after another."""
        hand_bags, hand_kg = self.scenario.hand_capacity(vol)
        return (vol.cart is None and (home.bags > hand_bags or home.kg > hand_kg + 1e-9)
                and all(w <= hand_kg + 1e-9 for w in home.weights))

    def shuttle_loads(self, home: Home, vol: Volunteer) -> list[Home]:
        """A shuttle's trips, each the household with the bags of one hand load: the
        bags heaviest first, each into the first load that still holds it."""
        hand_bags, hand_kg = self.scenario.hand_capacity(vol)
        loads: list[list[float]] = []
        for w in sorted(home.weights, reverse=True):
            for load in loads:
                if len(load) < hand_bags and sum(load) + w <= hand_kg + 1e-9:
                    load.append(w)
                    break
            else:
                loads.append([w])
        return [replace(home, weights=tuple(load)) for load in loads]

    def hands_hold(self, home: Home, vol: Volunteer) -> bool:
        hand_kg = self.scenario.hand_capacity(vol)[1]
        return all(w <= hand_kg + 1e-9 for w in home.weights)

    def may_carry(self, home: Home, vol: Volunteer) -> bool:
        """May bring the household's bags from the gate and hand them over itself."""
        return (self.scenario.may_serve(vol, self.scenario.households[home.index])
                and self.brings(home, vol) and (not home.door or self.hands_hold(home, vol)))

    def may_ferry(self, home: Home, vol: Volunteer) -> bool:
        return (self.scenario.may_ferry(vol, self.scenario.households[home.index])
                and self.brings(home, vol, shuttle=False))

    def may_climb(self, home: Home, vol: Volunteer) -> bool:
        return (self.scenario.may_climb(vol, self.scenario.households[home.index])
                and self.hands_hold(home, vol))

    def allowed(self, rule: Callable[[Home, Volunteer], bool]) -> dict[int, tuple[int, ...]]:
        """Household index -> the crews ``rule`` allows (rules asked once per crew)."""
        return {h.index: tuple(c for c, crew in enumerate(self.crews)
                               if rule(h, crew.volunteer)) for h in self.homes}

    # Times of one household alone.
    def solo_s(self, vol: Volunteer, home: Home) -> float:
        """Loading start to the first hand-over of a trip with this household only."""
        p = self.scenario.parameters
        fastest = max(speed for _, _, speed in self.modes(vol))
        walk = self.metres(vol.gate, home.stairwell) / fastest
        if not home.door:
            return p.load_s + walk + home.bags * p.entrance_drop_s_per_bag
        return p.load_s + walk + self.up_s(home.stairwell, home.floor) + p.handover_s

    def earliest_trip(self, vol: Volunteer, home: Home, not_before: float) -> float:
        """The earliest a trip of ``vol`` with the household's bags may start loading."""
        return max(vol.shift.start, self.release_at(home, vol) or 0.0, not_before)


# The work LP.
@dataclass(frozen=True)
class _Column:
    """One way a pooled unit's households are worked: by a crew, as a kind of work."""

    unit: int
    kind: str  #: CARRY, FERRY or CLIMB.
    crew: int
    cost: float  #: per household.
    saving: float  #: what may follow this household's last hand-over or drop.


@dataclass
class _Program:
    counts: list[int] = field(default_factory=list)  #: households per unit.
    bags: list[int] = field(default_factory=list)  #: bags per household of each unit.
    columns: list[_Column] = field(default_factory=list)
    multiplicity: dict[int, int] = field(default_factory=dict)
    #: climbers' rows: crew -> (seconds charged per bag climbed, slack).
    climb_charge: dict[int, tuple[float, float]] = field(default_factory=dict)


def _components(program: _Program) -> list[list[_Column]]:
    """The columns grouped by units and crews that share work, transitively: separate
    programs with a common ``T``, whose optimum is the largest of theirs."""
    n = len(program.counts)
    parent = list(range(n + len(program.multiplicity)))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for col in program.columns:
        parent[root(col.unit)] = root(n + col.crew)
    groups: dict[int, list[_Column]] = {}
    for col in program.columns:
        groups.setdefault(root(col.unit), []).append(col)
    return list(groups.values())


def _solve(program: _Program, columns: list[_Column]) -> float:
    """The least ``T`` of one component (see the module docstring)."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with every OR-Tools wheel
        raise ArgumentError("OR-Tools' GLOP is not available")
    inf = solver.infinity()
    makespan = solver.NumVar(0.0, inf, "T")
    served: dict[int, pywraplp.Constraint] = {}
    relayed: dict[int, pywraplp.Constraint] = {}
    rows: dict[tuple[str, int], pywraplp.Constraint] = {}

    def row(name: str, crew: int) -> pywraplp.Constraint:
        """A crew's work, last-household or climbing row."""
        if (name, crew) not in rows:
            m = program.multiplicity[crew]
            upper = {"work": 0.0, "last": float(m),
                     "climb": m * program.climb_charge.get(crew, (0.0, 0.0))[1]}[name]
            rows[name, crew] = solver.Constraint(-inf, upper)
            if name != "last":
                rows[name, crew].SetCoefficient(makespan, -float(m))
        return rows[name, crew]

    for col in columns:
        count = float(program.counts[col.unit])
        x = solver.NumVar(0.0, count, "")
        if col.kind != CLIMB:
            if col.unit not in served:
                served[col.unit] = solver.Constraint(count, count)
            served[col.unit].SetCoefficient(x, 1.0)
        if col.kind != CARRY:  # as many climbed as ferried
            if col.unit not in relayed:
                relayed[col.unit] = solver.Constraint(0.0, 0.0)
            relayed[col.unit].SetCoefficient(x, 1.0 if col.kind == CLIMB else -1.0)
        row("work", col.crew).SetCoefficient(x, col.cost)
        if col.saving > 0:
            y = solver.NumVar(0.0, float(program.multiplicity[col.crew]), "")
            tie = solver.Constraint(-inf, 0.0)
            tie.SetCoefficient(y, 1.0)
            tie.SetCoefficient(x, -1.0)
            row("last", col.crew).SetCoefficient(y, 1.0)
            row("work", col.crew).SetCoefficient(y, -col.saving)
        if col.kind == CLIMB and col.crew in program.climb_charge:
            per_bag = program.climb_charge[col.crew][0]
            row("climb", col.crew).SetCoefficient(x, col.cost + per_bag * program.bags[col.unit])
    solver.Minimize(makespan)
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise ArgumentError("the work LP found no optimum")
    return makespan.solution_value()


def _optimum(program: _Program) -> float:
    return max([0.0, *(_solve(program, cols) for cols in _components(program))])


def _share_by_bags(g: Grounds, homes: list[Home]
                   ) -> tuple[list[tuple[bool, ...]], list[bool]]:
    """Per crew: whether each trip mode, and the hands, share by bags (else by kg):
    whichever gives the larger total over ``homes`` (either is a valid argument)."""
    bags = sum(h.bags for h in homes)
    kg = sum(h.kg for h in homes)
    trips = [tuple(bags / cap_bags >= kg / cap_kg for cap_bags, cap_kg, _ in g.modes(c.volunteer))
             for c in g.crews]
    hands = [bags / g.scenario.hand_capacity(c.volunteer)[0]
             >= kg / g.scenario.hand_capacity(c.volunteer)[1] for c in g.crews]
    return trips, hands


@dataclass
class _Prices:
    """Linear prices of a household's work for each crew (module docstring)."""

    g: Grounds
    by_bags: list[tuple[bool, ...]]
    by_hand: list[bool]

    def trip(self, c: int, h: Home) -> float:
        vol = self.g.crews[c].volunteer
        load_s = self.g.scenario.parameters.load_s
        metres = self.g.metres(vol.gate, h.stairwell) + self.g.metres(h.stairwell, vol.gate)
        return min((h.bags / cap_bags if self.by_bags[c][m] else h.kg / cap_kg)
                   * (load_s + metres / speed)
                   for m, (cap_bags, cap_kg, speed) in enumerate(self.g.modes(vol)))

    def climb(self, c: int, h: Home) -> float:
        g = self.g
        hand_bags, hand_kg = g.scenario.hand_capacity(g.crews[c].volunteer)
        share = h.bags / hand_bags if self.by_hand[c] else h.kg / hand_kg
        return (share * (g.up_s(h.stairwell, h.floor) + g.down_s(h.stairwell, h.floor))
                + math.ceil(h.bags / hand_bags) * g.scenario.parameters.handover_s)

    def carry(self, c: int, h: Home) -> float:
        if h.door:
            return self.trip(c, h) + self.climb(c, h)
        return self.trip(c, h) + h.bags * self.g.scenario.parameters.entrance_drop_s_per_bag

    def ferry(self, c: int, h: Home) -> float:
        return self.trip(c, h) + h.bags * self.g.scenario.parameters.relay_drop_s

    def walk_back(self, c: int, h: Home) -> float:
        vol = self.g.crews[c].volunteer
        return self.g.metres(h.stairwell, vol.gate) / min(s for _, _, s in self.g.modes(vol))

    def descent(self, h: Home) -> float:
        return self.g.down_s(h.stairwell, h.floor) if h.door else 0.0


def _program(g: Grounds, homes: list[Home], ways: dict[str, dict[int, tuple[int, ...]]],
             ) -> _Program:
    """The work LP over ``homes``; ``ways[kind][index]``: the crews that may do that
    kind of work for the household (ferry and climb only where both may)."""
    prices = _Prices(g, *_share_by_bags(g, homes))
    units: dict[tuple, list[Home]] = {}
    for h in homes:
        key = (h.stairwell, h.floor, h.bags, h.kg, h.door,
               *(ways[kind].get(h.index, ()) for kind in (CARRY, FERRY, CLIMB)))
        units.setdefault(key, []).append(h)
    program = _Program(multiplicity={c: len(crew.members) for c, crew in enumerate(g.crews)})
    for u, members in enumerate(units.values()):
        h = members[0]
        program.counts.append(len(members))
        program.bags.append(h.bags)
        for c in ways[CARRY].get(h.index, ()):
            program.columns.append(_Column(u, CARRY, c, prices.carry(c, h),
                                           prices.descent(h) + prices.walk_back(c, h)))
        for c in ways[FERRY].get(h.index, ()):
            program.columns.append(_Column(u, FERRY, c, prices.ferry(c, h),
                                           prices.walk_back(c, h)))
        for c in ways[CLIMB].get(h.index, ()):
            program.columns.append(_Column(u, CLIMB, c, prices.climb(c, h), prices.descent(h)))
    return program


# The three arguments together.
Quickest = Callable[[Home, float], float]


def _best(g: Grounds, homes: list[Home], lp_s: float, quickest: Quickest,
          lp_kind: str) -> ArguedBound:
    """The largest of the work LP's optimum (less its slack), the single-household
    argument and the release-pool argument; ``quickest(home, t)`` is the earliest
    hand-over of the household by work that leaves a gate at ``t`` or later."""
    work_s = max(0.0, lp_s * (1 - LP_RELATIVE_SLACK))
    single_s = max(quickest(h, -math.inf) for h in homes) - g.t0
    pool_s = _release_pool_s(g, homes, quickest)
    value, kind = max((work_s, lp_kind), (single_s, "single-parcel"), (pool_s, "release-pool"))
    return ArguedBound(value, kind, work_s, single_s, pool_s)


def _release_pool_s(g: Grounds, homes: list[Home], quickest: Quickest) -> float:
    """Where every gate counts its bags in batches: for each batch time ``t`` before
    which the batches do not cover the pooled households' bags, the quickest pooled
    household from ``t``."""
    pooled = [h for h in homes if h.named is None]
    if not pooled or not all(g.batches.values()):
        return 0.0
    needed = sum(h.bags for h in pooled)
    batches = [b for gate in g.batches.values() for b in gate]
    best = 0.0
    for t in sorted({at for at, _ in batches}):
        released = sum(bags for at, bags in batches if at <= t - 1e-6 + 1e-9)
        if released < needed:
            best = max(best, min(quickest(h, t) for h in pooled) - g.t0)
    return best


def _memo(quickest: Quickest, key: Callable[[Home], tuple]) -> Quickest:
    """``quickest`` asked once per kind of household (thousands are alike)."""
    seen: dict[tuple, float] = {}

    def memo(h: Home, not_before: float) -> float:
        k = (*key(h), not_before)
        if k not in seen:
            seen[k] = quickest(h, not_before)
        return seen[k]

    return memo


def _carried_s(g: Grounds, carry: dict[int, tuple[int, ...]], h: Home,
               not_before: float) -> float:
    """The earliest hand-over of ``h`` brought alone by a crew that may carry it."""
    return min((g.earliest_trip(g.crews[c].volunteer, h, not_before)
                + g.solo_s(g.crews[c].volunteer, h) for c in carry[h.index]), default=math.inf)


def carry_bound(scenario: Scenario, households: Iterable[str] | None = None,
                with_lp: bool = True, grounds: Grounds | None = None) -> ArguedBound:
    """The lower bound of a carry round over ``households`` (ids; default: every
    household some volunteer may serve; ids nobody may serve are left out). Without
    ``with_lp`` only the single-household and release-pool arguments (kind "none"
    when neither is above 0)."""
    g = grounds or Grounds(scenario)
    carry = g.allowed(g.may_carry)
    wanted = None if households is None else set(households)
    homes = [h for h in g.homes if carry[h.index] and (wanted is None or h.id in wanted)]
    if not homes:
        return ArguedBound(0.0, "empty", 0.0, 0.0, 0.0)
    lp_s = _optimum(_program(g, homes, {CARRY: carry, FERRY: {}, CLIMB: {}})) if with_lp \
        else 0.0

    def quickest(h: Home, not_before: float) -> float:
        return max(_carried_s(g, carry, h, not_before), h.earliest_s)

    memo = _memo(quickest, lambda h: (h.stairwell, h.floor, h.bags, h.door, h.named,
                                      h.earliest_s, carry[h.index]))
    return _best(g, homes, lp_s, memo, "work-lp" if with_lp else "none")


def _climb_charge(g: Grounds, homes: list[Home], ferry: dict[int, tuple[int, ...]],
                  climb: dict[int, tuple[int, ...]]) -> dict[int, tuple[float, float]]:
    """Each climbing crew's row: (``A / N`` seconds a bag climbed, ``D``).

    ``A``: no climb before the climber, walking from its gate at its shift start, is at
    a stairwell where a ferry (from its shift start and the release, loading, walking
    at its fastest, one bag's drop) can have put bags down; ``N``: the bags it may
    climb; ``D``: the longest descent after its last hand-over. A crew that climbs
    ``b <= N`` bags has ``A b / N <= A`` if it climbs and ``0`` if not, so
    ``T >= climbing + (A / N) b - D`` holds in every plan."""
    p = g.scenario.parameters
    first_drop: dict[str, float] = {}
    for h in homes:
        for c in ferry[h.index]:
            vol = g.crews[c].volunteer
            fastest = max(speed for _, _, speed in g.modes(vol))
            at = (g.earliest_trip(vol, h, -math.inf) + p.load_s
                  + g.metres(vol.gate, h.stairwell) / fastest + p.relay_drop_s)
            first_drop[h.stairwell] = min(first_drop.get(h.stairwell, math.inf), at)
    ready: dict[int, float] = {}
    descent: dict[int, float] = {}
    bags: dict[int, int] = {}
    for h in homes:
        if h.stairwell not in first_drop or not ferry[h.index]:
            continue
        for c in climb[h.index]:
            vol = g.crews[c].volunteer
            there = vol.shift.start + g.metres(vol.gate, h.stairwell) / g.on_foot(vol)
            ready[c] = min(ready.get(c, math.inf), max(first_drop[h.stairwell], there))
            descent[c] = max(descent.get(c, 0.0), g.down_s(h.stairwell, h.floor))
            bags[c] = bags.get(c, 0) + h.bags
    return {c: ((ready[c] - g.t0) / bags[c], descent[c]) for c in ready}


def _relayed_s(g: Grounds, ferry: tuple[int, ...], climb: tuple[int, ...], h: Home,
               not_before: float) -> float:
    """The earliest hand-over of ``h`` ferried by a trip leaving at ``not_before`` or
    later and taken up by a climber who walked from its gate at its shift start."""
    p = g.scenario.parameters
    climber = min((g.crews[c].volunteer.shift.start
                   + g.metres(g.crews[c].volunteer.gate, h.stairwell)
                   / g.on_foot(g.crews[c].volunteer) for c in climb), default=math.inf)
    if not math.isfinite(climber):
        return math.inf
    dropped = math.inf
    for c in ferry:
        vol = g.crews[c].volunteer
        fastest = max(speed for _, _, speed in g.modes(vol))
        dropped = min(dropped, g.earliest_trip(vol, h, not_before) + p.load_s
                      + g.metres(vol.gate, h.stairwell) / fastest + h.bags * p.relay_drop_s)
    return max(dropped, climber) + g.up_s(h.stairwell, h.floor) + p.handover_s


def relay_bound(scenario: Scenario, grounds: Grounds | None = None) -> ArguedBound:
    """The lower bound of a relay round (valid for carry rounds too) over every
    household some plan may serve, carried or relayed."""
    g = grounds or Grounds(scenario)
    carry, ferry, climb = g.allowed(g.may_carry), g.allowed(g.may_ferry), g.allowed(g.may_climb)
    homes = [h for h in g.homes if carry[h.index] or (ferry[h.index] and climb[h.index])]
    if not homes:
        return ArguedBound(0.0, "empty", 0.0, 0.0, 0.0)
    relayable = {h.index for h in homes if ferry[h.index] and climb[h.index]}
    program = _program(g, homes, {
        CARRY: carry,
        FERRY: {i: ferry[i] for i in relayable},
        CLIMB: {i: climb[i] for i in relayable}})
    program.climb_charge = _climb_charge(g, homes, ferry, climb)
    lp_s = _optimum(program)

    def quickest(h: Home, not_before: float) -> float:
        best = min(_relayed_s(g, ferry[h.index], climb[h.index], h, not_before),
                   _carried_s(g, carry, h, not_before))
        return max(best, h.earliest_s)

    memo = _memo(quickest, lambda h: (h.stairwell, h.floor, h.bags, h.door, h.named,
                                      h.earliest_s, carry[h.index], ferry[h.index],
                                      climb[h.index]))
    return _best(g, homes, lp_s, memo, "relay-work-lp")
