"""Random valid compounds: every plan passes the checker and never beats the bound."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyroute import PlanOptions, check, plan
from tests.conftest import compound


@st.composite
def compounds(draw: st.DrawFn) -> Any:
    buildings = draw(st.integers(1, 3))
    stairwells = draw(st.integers(1, 3))
    floors = draw(st.integers(1, 7))
    n = draw(st.integers(1, 25))
    households = []
    for k in range(n):
        bags = draw(st.lists(st.floats(0.5, 9.5), min_size=1, max_size=3))
        h: dict[str, Any] = {
            "id": f"h{k}",
            "stairwell": f"B{draw(st.integers(1, buildings))}-{draw(st.integers(1, stairwells))}",
            "floor": draw(st.integers(1, floors)),
            "bags": [{"kind": f"k{i}", "weight_kg": round(w, 1)} for i, w in enumerate(bags)],
            "priority": draw(st.sampled_from(["standard", "standard", "vulnerable"])),
            "delivery": draw(st.sampled_from(["door", "door", "door", "entrance"])),
        }
        if draw(st.booleans()) and k % 5 == 0:
            h["priority"] = "urgent"
            h["deadline"] = draw(st.integers(8 * 3600 + 600, 14 * 3600))
        households.append(h)
    volunteers = []
    for v in range(draw(st.integers(1, 4))):
        vol: dict[str, Any] = {
            "id": f"V{v}",
            "shift": {"start": draw(st.sampled_from(["08:00", "08:30"])), "end": "20:00"},
            "gate": "G",
        }
        if v == 0 or draw(st.booleans()):  # someone can carry any household's bags
            vol["cart"] = {"capacity_bags": draw(st.integers(4, 20)), "capacity_kg": 150}
        if draw(st.booleans()):
            vol["hand_capacity_bags"] = draw(st.integers(2, 4))
        volunteers.append(vol)
    releases = None
    if draw(st.booleans()):
        total = sum(len(h["bags"]) for h in households)
        first = draw(st.integers(0, total))
        releases = [{"at": "08:00", "bags": first}, {"at": "09:00", "bags": total - first}]
    return compound(households, volunteers, buildings=buildings, stairwells=stairwells,
                    floors=floors, lift=draw(st.booleans()), releases=releases)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(compounds(), st.sampled_from(["optimized", "manual"]))
def test_every_plan_passes_the_checker_and_respects_the_bound(scenario, method) -> None:
    result = plan(scenario, PlanOptions(method=method, deterministic=True,
                                        exact_max_households=6))
    assert check(scenario, result) == []
    served = {d.household for d in result.deliveries}
    assert served | {u.household for u in result.unserved} == \
        {h.id for h in scenario.households}
    if not result.unserved:
        assert result.summary.lower_bound_s <= result.summary.makespan_s + 1e-6


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(2, 4), st.integers(4, 40))
def test_regroup_gives_interchangeable_carts_compact_stretches(seed, carts, n) -> None:
    """Interchangeable carts swap households so that each holds one stretch of the
    sweep around the gate; every household stays served and, before the cuts are moved
    by packed finish, each cart keeps its linear work to within one household; after,
    the latest packed finish is no later."""
    import random

    from supplyroute.compound.prepared import PreparedCompound
    from supplyroute.rounds.carry import packing
    from supplyroute.rounds.carry.regions import regroup
    from tests.conftest import random_households

    rng = random.Random(seed)
    volunteers = [{"id": f"C{k}", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
                   "cart": {"capacity_bags": 12, "capacity_kg": 120}} for k in range(carts)]
    volunteers.append({"id": "W", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"})
    scenario = compound(random_households(rng, n, buildings=2, stairwells=3), volunteers,
                        buildings=2, stairwells=3)
    ctx = PreparedCompound(scenario)
    share: list[list] = [[] for _ in ctx.volunteers]
    for q in ctx.servable:
        share[rng.randrange(len(share))].append(q)
    out = regroup(ctx, share, ctx.eligible, rounds=0)
    assert sorted(q.index for s in out for q in s) == sorted(q.index for q in ctx.servable)
    assert out[carts] == share[carts]  # the walker is not a cart: untouched
    place, dist = ctx.travel.place, ctx.travel.dist_m
    gate = ctx.builder.gate_place[0]
    order = sorted((q for v in range(carts) for q in share[v]),
                   key=lambda q: (round(ctx.travel.bearing(gate, place(q.stairwell)), 9),
                                  float(dist[gate, place(q.stairwell)]),
                                  place(q.stairwell), -q.floor, q.index))
    rank = {q.index: i for i, q in enumerate(order)}
    biggest = max((ctx.parcel_cost(0, q) for q in order), default=0.0)
    goal = done = 0.0
    for v in range(carts):
        positions = sorted(rank[q.index] for q in out[v])
        assert positions == list(range(positions[0], positions[0] + len(positions))
                                 if positions else [])
        goal += sum(ctx.parcel_cost(v, q) for q in share[v])
        done += sum(ctx.parcel_cost(v, q) for q in out[v])
        if v < carts - 1:
            assert abs(done - goal) <= biggest / 2 + 1e-6

    def latest(regions: list[list]) -> float:
        return max((packing.last_handover_s(0.0, 0.0, packing.pack_trips(ctx, v, regions[v]))
                    for v in range(carts) if regions[v]), default=0.0)

    moved = regroup(ctx, share, ctx.eligible)
    assert sorted(q.index for s in moved for q in s) == sorted(q.index for q in ctx.servable)
    assert latest(moved) <= latest(out) + 1e-6
