"""What makes large compounds plannable within the time limit keeps plans right:
eligibility asked once per kind of volunteer, the steering LP merged by kind."""

from __future__ import annotations

import random

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import Scheduled, Timetable
from supplyroute.generate import CompoundSpec, Shape, generate
from supplyroute.models import Plan, Scenario
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry import assignment, balancing, packing, strategies
from tests.conftest import compound


def test_eligibility_by_kind_is_eligibility_by_volunteer() -> None:
    scenario = Scenario.model_validate(generate(CompoundSpec(
        households=700, shape=Shape.MIXED, zones=3, seed=5)))
    ctx = PreparedCompound(scenario)
    kinds = len(set(ctx.representative.values()))
    assert kinds < len(scenario.volunteers)  # the compound has volunteers alike
    for q in ctx.demand.parcels:
        assert ctx.eligible[q.index] == [
            v for v, vol in enumerate(scenario.volunteers) if ctx.demand.eligible(q, vol)]


def test_merged_steering_lp_gives_every_volunteer_a_share(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the steering LP merged by kind (as on a compound of thousands), every
    kind's share is split among its members and the plan checks."""
    scenario = Scenario.model_validate(generate(CompoundSpec(households=250, seed=3)))
    full = plan(scenario, PlanOptions(time_limit_s=60, deterministic=True))
    monkeypatch.setattr(assignment, "MERGE_ABOVE_COLUMNS", 0)
    merged = plan(scenario, PlanOptions(time_limit_s=60, deterministic=True))
    assert check(scenario, merged) == []
    assert merged.summary.households_unserved == 0
    assert all(vp.trips for vp in merged.volunteers)
    # the merged LP steers as well as the full one, within a few percent
    assert merged.summary.makespan_s <= 1.05 * full.summary.makespan_s
    assert merged.summary.gap is not None


def test_split_kinds_keeps_every_household_once() -> None:
    scenario = Scenario.model_validate(generate(CompoundSpec(households=400, seed=1)))
    ctx = PreparedCompound(scenario)
    regular = [q for q in ctx.servable if not q.timed]
    share = [[] for _ in ctx.volunteers]
    reps = sorted(set(ctx.representative.values()))
    for i, q in enumerate(regular):
        share[reps[i % len(reps)]].append(q)
    offsets = [0.0] * len(ctx.volunteers)
    makespan = 3600.0 * 8
    out = assignment.split_kinds(ctx, share, offsets, makespan)
    assert sorted(q.index for s in out for q in s) == sorted(q.index for q in regular)
    for v, parcels in enumerate(out):  # each stays with its own kind
        assert all(ctx.representative[v] in {ctx.representative[w] for w in
                                             ctx.eligible[q.index]} for q in parcels)


def _urgent_compound(deadline: str) -> Scenario:
    """Two buildings of two stairwells and a cart; one urgent household with
    ``deadline`` among eleven others."""
    bags = [{"kind": "prevention", "weight_kg": 2.0}, {"kind": "living", "weight_kg": 8.0}]
    households = [{"id": f"h{k}", "stairwell": f"B{1 + k % 2}-{1 + k // 2 % 2}",
                   "floor": 1 + k % 5, "bags": bags} for k in range(12)]
    households[5].update(priority="urgent", deadline=deadline)
    return compound(households, [{"id": "C", "shift": {"start": "08:00", "end": "18:00"},
                                  "gate": "G", "cart": {"capacity_bags": 8, "capacity_kg": 80}}])


def _companions(result: Plan, household: str) -> set[str]:
    """The households on the trip that serves ``household``."""
    for v in result.volunteers:
        for t in v.trips:
            served = {d.household for s in t.stops for r in s.runs for d in r.doors}
            if household in served:
                return served - {household}
    raise AssertionError(f"{household} is not served")


def test_an_urgent_household_with_hours_to_spare_rides_in_a_regular_load() -> None:
    for deadline, rides in (("12:00", True), ("09:30", False)):
        scenario = _urgent_compound(deadline)
        ctx = PreparedCompound(scenario)
        assert assignment.rides_along(ctx, ctx.demand.parcels[5]) is rides
        result = plan(scenario, PlanOptions(time_limit_s=10, deterministic=True))
        assert check(scenario, result) == []
        assert result.summary.deadlines_met == result.summary.deadlines_total == 1
        assert bool(_companions(result, "h5")) is rides


def test_a_rider_that_would_miss_its_deadline_is_found_and_taken_out() -> None:
    scenario = _urgent_compound("12:00")
    ctx = PreparedCompound(scenario)
    urgent = ctx.demand.parcels[5]
    loads = [packing.Workload(8 * 3600.0, 0.0, packing.pack_trips(ctx, 0, ctx.servable))]
    assert any(urgent in t.parcels and len(t.parcels) > 1 for t in loads[0].trips)
    on_time = Timetable([[Scheduled(t, 8 * 3600.0 + 3600 * k)
                          for k, t in enumerate(loads[0].trips)]])
    assert assignment.missed_deadlines(on_time, [urgent]) == []
    late = Timetable([[Scheduled(t, 12 * 3600.0) for t in loads[0].trips]])
    assert assignment.missed_deadlines(late, [urgent]) == [urgent]
    rest = packing.without_parcels(ctx, loads, [urgent])
    assert all(urgent not in t.parcels for load in rest for t in load.trips)
    assert sum(len(t.parcels) for load in rest for t in load.trips) == len(ctx.servable) - 1


def test_the_balancers_summed_finish_is_the_finish_of_the_changed_trips() -> None:
    """The balancer's finish after a move (one trip out, one in), computed without a
    pass over the trips, equals the finish of the trips as changed; so does the time
    the volunteer is done with its priority households."""
    scenario = Scenario.model_validate(generate(CompoundSpec(households=120, seed=2)))
    ctx = PreparedCompound(scenario)
    rng = random.Random(1)
    parcels = ctx.servable
    for v in range(len(ctx.volunteers)):
        mine = [q for q in parcels if q.index % len(ctx.volunteers) == v]
        trips = packing.pack_trips(ctx, v, mine, priority_first=bool(v % 2))
        load = packing.Workload(ctx.volunteers[v].shift.start, 600.0 * (v % 3), trips)
        summed = balancing.SummedWorkload(load)
        assert summed.finish_s(None, None) == pytest.approx(load.finish_s())
        for _ in range(20):
            i = rng.randrange(len(trips)) if trips else None
            into = packing.pack_trips(ctx, v, rng.sample(parcels, rng.randint(1, 3)))[0]
            for out, new in ((i, None), (i, into), (None, into)):
                changed = [t for k, t in enumerate(trips) if k != out] + ([new] if new else [])
                expected = packing.Workload(load.start_s, load.timed_s, changed).finish_s()
                got = summed.finish_s(trips[out] if out is not None else None, new)
                assert got == pytest.approx(expected)
                done = summed.priority_done_s(trips[out] if out is not None else None, new)
                assert done == pytest.approx(packing.priority_done_s(load, changed))


def test_the_chosen_plan_is_polished_after_its_loads_are_re_formed() -> None:
    """The polish re-forms the carts' standard loads, then balances: never a later
    finish, never a household lost, the priority households no later."""
    scenario = Scenario.model_validate(generate(CompoundSpec(households=400, seed=4)))
    ctx = PreparedCompound(scenario)
    regular = [q for q in ctx.servable if not q.timed or assignment.rides_along(ctx, q)]
    shares = assignment.round_assignment(ctx, regular, [0.0] * len(ctx.volunteers))
    loads = [packing.Workload(v.shift.start, 0.0, packing.pack_trips(ctx, i, shares[i]))
             for i, v in enumerate(ctx.volunteers)]
    budget = Budget(30, deterministic=True)
    balancing.Balancer(ctx, loads, budget).run()
    finish = max(load.finish_s() for load in loads)
    done = balancing.Balancer(ctx, loads, budget).priority_by_s

    polished = strategies.polish(ctx, loads, budget)

    assert max(load.finish_s() for load in polished) <= finish
    assert balancing.Balancer(ctx, polished, budget).priority_by_s <= done
    assert sorted(q.index for load in polished for t in load.trips for q in t.parcels) \
        == sorted(q.index for q in regular)
