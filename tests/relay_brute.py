"""An exhaustive search over relay plans of tiny compounds, sharing no code with the
planner (it reads the scenario model and its eligibility rules, ``may_serve``,
``may_ferry`` and ``may_climb``, and times everything with its own arithmetic).

The plan space (exact within it; meant for 1 gate, 2-3 households, 2 volunteers, no
walkways, no releases, no deadlines or windows, no risk, unlimited buffers):

- Each household is either *carried* (whole) by one volunteer allowed to serve it, or
  *relayed* (whole): ferried by ``f`` and climbed by another volunteer ``w != f``
  (a volunteer never takes up bags it dropped itself).
- Each volunteer does an ordered sequence of *activities*: trips and climbs, every
  ordered partition of its work into them, in every interleaving.
- A trip: a set of carried/ferried households that fits one trip (hands or, with a
  cart, either the hands or the cart), with every order of its stops (each stairwell
  visited once); at a stop, entrance drops, then relay drops (every order), then stair
  runs (every split of its door households into runs that fit the hands, in every order;
  the doors of a run in rising floor order).
- A climb: one stair run with whole households relayed to one stairwell, fitting the
  climber's hands.

Timing (the model's semantics, ``supplyroute.models.plan``): everything as early as
possible (nothing can gain from waiting: no buffers, no deadlines). A trip starts when
the volunteer is at its gate (shift start, after a trip, or after walking back from
its last climb), loads, walks at its trip speed, drops, relays (``relay_drop_s`` a bag),
runs (up to each door + hand-over, down from the top) and walks back. A climb walks on
foot from where the volunteer is, starts when it is there and the bags of its
households are down, runs up and down. Climbs wait for other volunteers' trips: the
activities are timed in a topological order of "next activity of the same volunteer"
and "the trip that drops the bags -> the climb that takes them"; an order with a cycle
is infeasible. The makespan is the last hand-over minus the earliest shift start.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from supplyroute.models import DeliveryMode, Scenario


@dataclass(frozen=True)
class Trip:
    mode: str  # "hands" or "cart"
    #: (stairwell, entrance drops, relays, runs); each a tuple of household indices.
    stops: tuple[tuple[str, tuple[int, ...], tuple[int, ...], tuple[tuple[int, ...], ...]], ...]


@dataclass(frozen=True)
class ClimbRun:
    stairwell: str
    doors: tuple[int, ...]  # household indices in rising floor order


class _Model:
    """The scenario's numbers, read directly."""

    def __init__(self, s: Scenario):
        self.s = s
        self.p = p = s.parameters
        self.hh = list(s.households)
        self.vols = list(s.volunteers)
        self.xy = {g.id: (g.position.x, g.position.y) for g in s.gates}
        self.xy.update({w.id: (w.entrance.x, w.entrance.y)
                        for b in s.buildings for w in b.stairwells})
        self.building = {w.id: b for b in s.buildings for w in b.stairwells}
        self.bags = [s.bags_of(h) for h in self.hh]
        self.n_bags = [len(b) for b in self.bags]
        self.kg = [sum(x.weight_kg for x in b) for b in self.bags]
        self.door = [h.delivery is DeliveryMode.DOOR for h in self.hh]
        self.t0 = min(v.shift.start for v in self.vols)
        self.walk = [v.walk_speed_mps or p.walk_speed_mps for v in self.vols]
        self.hands = [(v.hand_capacity_bags or p.hand_capacity_bags,
                       v.hand_capacity_kg or p.hand_capacity_kg) for v in self.vols]

    def metres(self, a: str, b: str) -> float:
        return 0.0 if a == b else math.dist(self.xy[a], self.xy[b]) * self.p.detour_factor

    def modes(self, v: int) -> list[tuple[str, float, int, float]]:
        """(mode, speed, capacity bags, capacity kg) of the volunteer's trips."""
        vol = self.vols[v]
        out = [("hands", self.walk[v], *self.hands[v])]
        if vol.cart is not None:
            out.append(("cart", vol.cart.speed_mps or self.p.cart_speed_mps,
                        vol.cart.capacity_bags, vol.cart.capacity_kg))
        return out

    def fits(self, households, cap: tuple[int, float]) -> bool:
        return (sum(self.n_bags[k] for k in households) <= cap[0]
                and sum(self.kg[k] for k in households) <= cap[1] + 1e-9)

    def run_s(self, stairwell: str, doors: tuple[int, ...], t: float
              ) -> tuple[dict[int, float], float]:
        """A stair run from ``t``: hand-over times, and when it is back down."""
        b, p = self.building[stairwell], self.p
        up = p.stair_up_s_per_floor if b.stair_up_s_per_floor is None else b.stair_up_s_per_floor
        down = p.stair_down_s_per_floor if b.stair_down_s_per_floor is None \
            else b.stair_down_s_per_floor
        wait = p.lift_wait_s if b.lift_wait_s is None else b.lift_wait_s
        ride = p.lift_s_per_floor if b.lift_s_per_floor is None else b.lift_s_per_floor
        level, handed = 1, {}
        for k in doors:
            floor = self.hh[k].floor
            if floor > level:
                t += (wait if b.lift and level == 1 else 0.0) + \
                    (ride if b.lift else up) * (floor - level)
            t += p.handover_s
            handed[k] = t
            level = max(level, floor)
        if level > 1:
            t += wait + ride * (level - 1) if b.lift else down * (level - 1)
        return handed, t


def _runs(m: _Model, v: int, doors: tuple[int, ...]):
    """Every split of ``doors`` (in this order) into consecutive runs that fit the hands
    and climb in rising floor order."""
    for cuts in itertools.product((False, True), repeat=max(len(doors) - 1, 0)):
        runs, current = [], [doors[0]]
        for k, cut in zip(doors[1:], cuts, strict=True):
            if cut:
                runs.append(tuple(current))
                current = []
            current.append(k)
        runs.append(tuple(current))
        if all(m.fits(r, m.hands[v]) and
               all(m.hh[a].floor <= m.hh[b].floor for a, b in itertools.pairwise(r))
               for r in runs):
            yield tuple(runs)


def _trips(m: _Model, v: int, carried: frozenset[int], ferried: frozenset[int]) -> set[Trip]:
    """Every way to make one trip with these households (see the module docstring)."""
    members = sorted(carried | ferried)
    out: set[Trip] = set()
    for mode, _, *cap in m.modes(v):
        if not m.fits(members, tuple(cap)):
            continue
        for order in itertools.permutations(members):
            wells = [m.hh[k].stairwell for k in order]
            stops_order = list(dict.fromkeys(wells))
            if [w for w, _ in itertools.groupby(wells)] != stops_order:
                continue  # each stairwell visited once
            options = []
            for well in stops_order:
                here = [k for k in order if m.hh[k].stairwell == well]
                drops = tuple(k for k in here if k in carried and not m.door[k])
                relays = tuple(k for k in here if k in ferried)
                doors = tuple(k for k in here if k in carried and m.door[k])
                runs = list(_runs(m, v, doors)) if doors else [()]
                options.append([(well, drops, relays, r) for r in runs])
            for stops in itertools.product(*options):
                out.add(Trip(mode, tuple(stops)))
    return out


def _blocks(tokens: list[tuple[str, int]]):
    """Every ordered partition of ``tokens`` into blocks of one kind."""
    if not tokens:
        yield ()
        return
    n = len(tokens)
    for labels in itertools.product(range(n), repeat=n):
        used = sorted(set(labels))
        if used != list(range(len(used))):
            continue  # blocks numbered 0..b-1 in their order of execution
        blocks = [tuple(t for t, lab in zip(tokens, labels, strict=True) if lab == b)
                  for b in used]
        if all(len({kind for kind, _ in block}) == 1 for block in blocks):
            yield tuple(blocks)


def _sequences(m: _Model, v: int, carried: set[int], ferried: set[int], climbed: set[int]):
    """Every sequence of activities (Trip or ClimbRun) of volunteer ``v``."""
    tokens = [("T", k) for k in sorted(carried | ferried)] + [("C", k) for k in sorted(climbed)]
    for blocks in _blocks(tokens):
        choices = []
        for block in blocks:
            ks = frozenset(k for _, k in block)
            if block[0][0] == "T":
                choices.append(sorted(_trips(m, v, ks & frozenset(carried),
                                             ks & frozenset(ferried)), key=repr))
            else:
                wells = {m.hh[k].stairwell for k in ks}
                if len(wells) != 1 or not m.fits(ks, m.hands[v]):
                    choices = None
                    break
                doors = tuple(sorted(ks, key=lambda k: (m.hh[k].floor, k)))
                choices.append([ClimbRun(wells.pop(), doors)])
        if choices is not None:
            yield from itertools.product(*choices)


def _timing(m: _Model, seqs: list[tuple]) -> dict[int, float] | None:
    """The earliest hand-over of each household, or None (a cycle, or past a shift)."""
    dropped_by: dict[int, tuple[int, int]] = {}  # household -> (volunteer, activity)
    for v, seq in enumerate(seqs):
        for a, act in enumerate(seq):
            if isinstance(act, Trip):
                for stop in act.stops:
                    for k in stop[2]:
                        dropped_by[k] = (v, a)
    done = [0] * len(seqs)  # activities timed so far, per volunteer
    free = [vol.shift.start for vol in m.vols]
    here = [vol.gate for vol in m.vols]
    dropped: dict[int, float] = {}
    handed: dict[int, float] = {}
    while any(done[v] < len(seq) for v, seq in enumerate(seqs)):
        progressed = False
        for v, seq in enumerate(seqs):
            if done[v] == len(seq):
                continue
            act = seq[done[v]]
            vol = m.vols[v]
            if isinstance(act, ClimbRun):
                need = [dropped_by[k] for k in act.doors]
                if any(done[w] <= a for w, a in need):
                    continue  # its bags are not down yet
                arrive = free[v] + m.metres(here[v], act.stairwell) / m.walk[v]
                start = max([arrive] + [dropped[k] for k in act.doors])
                times, free[v] = m.run_s(act.stairwell, act.doors, start)
                handed.update(times)
                here[v] = act.stairwell
            else:
                speed = next(speed for mode, speed, *_ in m.modes(v) if mode == act.mode)
                t = free[v] + m.metres(here[v], vol.gate) / m.walk[v]  # back from a climb
                t += m.p.load_s
                at = vol.gate
                for well, drops, relays, runs in act.stops:
                    t += m.metres(at, well) / speed
                    at = well
                    for k in drops:
                        t += m.n_bags[k] * m.p.entrance_drop_s_per_bag
                        handed[k] = t
                    for k in relays:
                        t += m.n_bags[k] * m.p.relay_drop_s
                        dropped[k] = t
                    for run in runs:
                        times, t = m.run_s(well, run, t)
                        handed.update(times)
                free[v] = t + m.metres(at, vol.gate) / speed
                here[v] = vol.gate
            if free[v] > vol.shift.end + 1e-6:
                return None
            done[v] += 1
            progressed = True
        if not progressed:
            return None  # every volunteer waits for another: a cycle
    return handed


def relay_brute_force(s: Scenario, relays: bool = True) -> float:
    """The least makespan over the plan space of the module docstring (``relays=False``:
    carry plans only), from the earliest shift start; infinite if none serves all."""
    m = _Model(s)
    n, nv = len(m.hh), len(m.vols)
    options: list[list[tuple]] = []
    for k, h in enumerate(m.hh):
        opts: list[tuple] = [("carry", v) for v in range(nv)
                             if s.may_serve(m.vols[v], h) and m.fits([k], m.modes(v)[-1][2:])]
        if relays and m.door[k]:
            opts += [("relay", f, w) for f in range(nv) for w in range(nv)
                     if f != w and s.may_ferry(m.vols[f], h) and s.may_climb(m.vols[w], h)
                     and m.fits([k], m.modes(f)[-1][2:]) and m.fits([k], m.hands[w])]
        options.append(opts)
    best = math.inf
    for assignment in itertools.product(*options):
        work = [(set(), set(), set()) for _ in range(nv)]  # carried, ferried, climbed
        for k, opt in enumerate(assignment):
            if opt[0] == "carry":
                work[opt[1]][0].add(k)
            else:
                work[opt[1]][1].add(k)
                work[opt[2]][2].add(k)
        per_volunteer = [list(_sequences(m, v, *work[v])) for v in range(nv)]
        for seqs in itertools.product(*per_volunteer):
            handed = _timing(m, list(seqs))
            if handed is not None and len(handed) == n:
                best = min(best, max(handed.values()) - m.t0)
    return best
