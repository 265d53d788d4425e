"""Tiny compounds: the planner's makespan equals a brute-force optimum, and the lower
bound never exceeds it. The brute force below shares no code with the planner: it
enumerates every assignment of households to volunteers, every order of every
volunteer's households and every way to cut that order into trips, and times them with
its own arithmetic."""

from __future__ import annotations

import itertools
import math
import random
from functools import cache

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.models import Scenario
from tests.conftest import compound, random_households


def brute_force_makespan(s: Scenario) -> float:
    p = s.parameters
    gate = s.gates[0].position
    hh = list(s.households)
    entrances = {w.id: w.entrance for b in s.buildings for w in b.stairwells}
    t0 = min(v.shift.start for v in s.volunteers)
    named = {h: r.at for g in s.gates for r in g.releases for h in (r.households or ())}

    def metres(a, b) -> float:
        return math.hypot(a.x - b.x, a.y - b.y) * p.detour_factor

    def stairs(h) -> tuple[float, float]:
        f = h.floor - 1
        return p.stair_up_s_per_floor * f, p.stair_down_s_per_floor * f

    def bags(h) -> tuple[int, float]:
        own = h.bags or p.default_bags
        return len(own), sum(b.weight_kg for b in own)

    @cache
    def best_for(v_index: int, members: frozenset[int]) -> float:
        """The earliest last hand-over of volunteer v serving exactly ``members``."""
        if not members:
            return -math.inf
        v = s.volunteers[v_index]
        speed = (v.cart.speed_mps or p.cart_speed_mps) if v.cart else \
            (v.walk_speed_mps or p.walk_speed_mps)
        cap_bags, cap_kg = (v.cart.capacity_bags, v.cart.capacity_kg) if v.cart else \
            (p.hand_capacity_bags, p.hand_capacity_kg)
        best = math.inf
        for order in itertools.permutations(sorted(members)):
            for cuts in itertools.product((False, True), repeat=len(order) - 1):
                trips, current = [], [order[0]]
                for k, cut in zip(order[1:], cuts, strict=True):
                    if cut:
                        trips.append(current)
                        current = []
                    current.append(k)
                trips.append(current)
                clock, last, ok = v.shift.start, -math.inf, True
                for trip in trips:
                    n = sum(bags(hh[k])[0] for k in trip)
                    kg = sum(bags(hh[k])[1] for k in trip)
                    if n > cap_bags or kg > cap_kg + 1e-9:
                        ok = False
                        break
                    start = max([clock] + [named.get(hh[k].id, 0.0) for k in trip])
                    t = start + p.load_s
                    here = gate
                    for k in trip:
                        h = hh[k]
                        there = entrances[h.stairwell]
                        t += metres(here, there) / speed
                        here = there
                        up, down = stairs(h)
                        t += up + p.handover_s
                        if h.latest_s is not None and t > h.latest_s + 1e-6:
                            ok = False
                        last = max(last, t)
                        t += down
                    t += metres(here, gate) / speed
                    if t > v.shift.end + 1e-6:
                        ok = False
                    clock = t
                    if not ok:
                        break
                if ok:
                    best = min(best, last)
        return best

    n, volunteers = len(hh), len(s.volunteers)
    best = math.inf
    for owner in itertools.product(range(volunteers), repeat=n):
        sets = [frozenset(k for k in range(n) if owner[k] == v) for v in range(volunteers)]
        if any(hh[k].risk.value == "red" and "ppe" not in s.volunteers[owner[k]].skills
               for k in range(n)):
            continue
        best = min(best, max(best_for(v, sets[v]) for v in range(volunteers)))
    return best - t0


def _tiny(seed: int) -> Scenario:
    rng = random.Random(seed)
    n = rng.randint(2, 6)
    households = random_households(rng, n, buildings=2, stairwells=2, floors=6)
    volunteers = [{"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}]
    if rng.random() < 0.8:
        second: dict = {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}
        if rng.random() < 0.5:
            second["cart"] = {"capacity_bags": 6, "capacity_kg": 60}
        volunteers.append(second)
    if rng.random() < 0.4:
        households[0]["priority"] = "urgent"
        households[0]["deadline"] = "08:40"
    releases = None
    if rng.random() < 0.3:
        releases = [{"at": "08:20", "households": [households[-1]["id"]]}]
    return compound(households, volunteers, releases=releases, name=f"tiny-{seed}")


@pytest.mark.parametrize("seed", range(12))
def test_planner_matches_brute_force_on_tiny_compounds(seed: int) -> None:
    scenario = _tiny(seed)
    optimum = brute_force_makespan(scenario)
    result = plan(scenario, PlanOptions(deterministic=True))
    assert check(scenario, result) == []
    assert result.summary.proven_optimal
    assert result.summary.makespan_s == pytest.approx(optimum, abs=0.05)
    assert result.summary.lower_bound_s <= optimum + 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_heuristic_never_beats_brute_force(seed: int) -> None:
    scenario = _tiny(100 + seed)
    optimum = brute_force_makespan(scenario)
    result = plan(scenario, PlanOptions(deterministic=True, exact_max_households=0))
    assert check(scenario, result) == []
    if not result.unserved:
        assert result.summary.makespan_s >= optimum - 0.05
        assert result.summary.lower_bound_s <= optimum + 1e-6


def test_lift_building_bound_below_optimum() -> None:
    rng = random.Random(3)
    scenario = compound(random_households(rng, 4), lift=True,
                        volunteers=[{"id": "V1", "shift": {"start": "08:00", "end": "18:00"},
                                     "gate": "G"}])
    result = plan(scenario, PlanOptions(deterministic=True))
    assert check(scenario, result) == []
    assert result.summary.lower_bound_s <= result.summary.makespan_s
