"""Vulnerable households early: priority loads first, and the trade-off with the makespan."""

from __future__ import annotations

import math

from supplyroute import PlanOptions, check, plan
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.generate import CompoundSpec, generate
from supplyroute.models import Scenario
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry import assignment, balancing, packing, strategies
from tests.conftest import compound

BAGS = [{"kind": "prevention", "weight_kg": 2.0}, {"kind": "living", "weight_kg": 8.0}]
#: A slow cart (a heavy one on rough ground), so that extra stops cost time.
CART = {"id": "C1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
        "cart": {"capacity_bags": 8, "capacity_kg": 80, "speed_mps": 0.1}}
#: One vulnerable household on the top floor of each of three stairwells far apart.
VULNERABLE = {"B1-1-6", "B2-2-6", "B3-1-6"}


def scattered_vulnerable(volunteers: list[dict] | None = None,
                         urgent: frozenset[str] = frozenset()) -> PreparedCompound:
    """3 buildings x 2 stairwells x 4 floors (1, 3, 4, 6), one household a floor."""
    def priority(household: str) -> str:
        return ("urgent" if household in urgent
                else "vulnerable" if household in VULNERABLE else "standard")

    households = [
        {"id": f"B{b}-{s}-{f}", "stairwell": f"B{b}-{s}", "floor": f, "bags": BAGS,
         "priority": priority(f"B{b}-{s}-{f}")}
        for b in (1, 2, 3) for s in (1, 2) for f in (1, 3, 4, 6)
    ]
    return PreparedCompound(compound(households, volunteers or [CART], buildings=3, stairwells=2))


def test_priority_households_ride_in_the_first_load_topped_up() -> None:
    ctx = scattered_vulnerable()
    trips = packing.pack_trips(ctx, 0, ctx.servable, priority_first=True)
    first = packing.regular_order(trips)[0]
    assert {q.id for q in first.parcels} >= VULNERABLE
    assert first.bags == 8  # topped up to the cart's capacity
    assert sum(not t.standard for t in trips) == 1
    assert sorted(q.index for t in trips for q in t.parcels) == [q.index for q in ctx.servable]

    mixed = packing.pack_trips(ctx, 0, ctx.servable, priority_first=False)
    assert sum(not t.standard for t in mixed) == 3  # one per stairwell's own loads


def test_an_urgent_load_with_room_takes_the_vulnerable_before_its_neighbours() -> None:
    """The urgent household's load is topped up with the vulnerable households of far
    stairwells rather than its own stairwell's standard ones: one priority load, not
    an urgent one and then a vulnerable one."""
    ctx = scattered_vulnerable(urgent=frozenset({"B1-2-1"}))
    trips = packing.pack_trips(ctx, 0, ctx.servable, priority_first=True)
    priority = [t for t in trips if not t.standard]
    assert len(priority) == 1
    assert {q.id for q in priority[0].parcels} == VULNERABLE | {"B1-2-1"}
    assert packing.regular_order(trips)[0] is priority[0]


def test_a_priority_load_is_topped_up_near_its_farthest_stop() -> None:
    """A priority load that must go to a far stairwell anyway takes its top-up from
    beside that stairwell rather than beside the gate: the far households then ride a
    trip that was going there, and the near ones are cheap on any load."""
    households = [{"id": f"{w}-{k}", "stairwell": w, "floor": 2 + k, "bags": BAGS,
                   "priority": "vulnerable" if w in ("B1-1", "B4-1") and k == 0
                   else "standard"}
                  for w in ("B1-1", "B1-2", "B4-1", "B4-2") for k in range(2)]
    scenario = compound(households, [{**CART, "cart": {"capacity_bags": 8, "capacity_kg": 80}}],
                        buildings=4, stairwells=2)
    ctx = PreparedCompound(scenario)
    trips = packing.pack_trips(ctx, 0, ctx.servable, priority_first=True)
    first = packing.regular_order(trips)[0]
    assert {q.id for q in first.parcels} == {"B1-1-0", "B4-1-0", "B4-1-1", "B4-2-1"}


def test_balancing_never_serves_the_priority_households_later() -> None:
    """Blind to them, the balancer piled priority households onto carts that finish
    early; it now moves them only where they are still served as soon as before."""
    scenario = Scenario.model_validate(generate(CompoundSpec(households=600, seed=2)))
    ctx = PreparedCompound(scenario)
    regular = [q for q in ctx.servable if not q.timed or assignment.rides_along(ctx, q)]
    shares = assignment.round_assignment(ctx, regular, [0.0] * len(ctx.volunteers))

    def balanced(guarded: bool) -> tuple[float, float, float]:
        loads = [packing.Workload(v.shift.start, 0.0, packing.pack_trips(ctx, i, shares[i]))
                 for i, v in enumerate(ctx.volunteers)]
        balancer = balancing.Balancer(ctx, loads, Budget(60, deterministic=True))
        before = balancer.priority_by_s
        if not guarded:
            balancer.priority_by_s = math.inf
        balancer.run()
        assert sorted(q.index for load in loads for t in load.trips for q in t.parcels) \
            == sorted(q.index for q in regular)
        done = max(packing.priority_done_s(load) for load in loads
                   if any(not t.standard for t in load.trips))
        return before, done, max(load.finish_s() for load in loads)

    before, done, finish = balanced(guarded=True)
    assert done <= before
    _, blind_done, blind_finish = balanced(guarded=False)
    assert blind_done > before + 600  # the rule is what holds them
    assert finish <= blind_finish + 60


def test_the_plan_serves_the_vulnerable_sooner_within_the_preference() -> None:
    # The slow cart's priority load (three buildings) costs about 13% on the round.
    scenario = scattered_vulnerable().scenario

    def planned(preference: float):
        result = plan(scenario, PlanOptions(time_limit_s=30, deterministic=True,
                                            vulnerable_preference=preference))
        assert check(scenario, result) == []
        return result.summary

    shortest, default, early = planned(0.0), planned(0.03), planned(0.2)
    assert default == shortest  # 3% does not buy it here
    assert early.vulnerable_served_by_s < shortest.vulnerable_served_by_s - 3600
    assert shortest.makespan_s < early.makespan_s <= 1.2 * shortest.makespan_s


def _attempt(finish_s: float, vulnerable_s: float) -> strategies.Attempt:
    return strategies.Attempt(finish_s, vulnerable_s, [], (True, True), [])


def test_choose_takes_the_shortest_round_among_the_soonest_for_the_vulnerable() -> None:
    front: list[strategies.Attempt] = []
    for finish, vulnerable in [(10_000, 9_000), (10_150, 2_000), (10_200, 1_900),
                               (10_400, 500), (10_000, 9_500)]:
        strategies.keep_pareto(front, _attempt(finish, vulnerable))
    assert sorted((a.finish_s, a.vulnerable_s) for a in front) == [
        (10_000, 9_000), (10_150, 2_000), (10_200, 1_900), (10_400, 500)]
    # Within 3% (10,300 s): 1,900 s is the soonest; 2,000 s is as good (slack 600 s)
    # and shorter.
    assert strategies.choose_attempt(front, 0.03).finish_s == 10_150
    assert strategies.choose_attempt(front, 0.05).vulnerable_s == 500  # now within reach
    assert strategies.choose_attempt(front, 0.0).finish_s == 10_000


def test_priority_trips_the_shift_would_cut_go_to_someone_with_time() -> None:
    """When the shifts cannot hold every trip, a volunteer's priority trips beyond its
    shift go to one who can still make them; its own standard trips are then what the
    shift cuts."""
    walker = {"shift": {"start": "08:00", "end": "08:20"}, "gate": "G"}
    ctx = scattered_vulnerable([{"id": "W1", **walker}, {"id": "W2", **walker}])
    vulnerable = [q for q in ctx.servable if q.id in VULNERABLE]
    standard = [q for q in ctx.servable if q.id not in VULNERABLE][:2]
    loads = [packing.Workload(8 * 3600.0, 0.0, packing.pack_trips(ctx, 0, vulnerable)),
             packing.Workload(8 * 3600.0, 0.0, packing.pack_trips(ctx, 1, standard))]
    end = 8 * 3600 + 20 * 60
    assert packing.priority_done_s(loads[0]) > end  # three climbs to the top floor

    moved = balancing.rescue_priority(ctx, loads)

    assert moved >= 1
    assert all(packing.priority_done_s(load) <= end for load in loads)
    assert sorted(q.id for load in loads for t in load.trips for q in t.parcels) \
        == sorted(q.id for q in vulnerable + standard)
