"""What makes large compounds plannable within the time limit keeps plans right:
eligibility asked once per kind of volunteer, the steering LP merged by kind."""

from __future__ import annotations

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.generate import CompoundSpec, Shape, generate
from supplyroute.models import Scenario
from supplyroute.rounds import carry
from supplyroute.rounds.base import Context


def test_eligibility_by_kind_is_eligibility_by_volunteer() -> None:
    scenario = Scenario.model_validate(generate(CompoundSpec(
        households=700, shape=Shape.MIXED, zones=3, seed=5)))
    ctx = Context(scenario)
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
    monkeypatch.setattr(carry, "MERGE_ABOVE_COLUMNS", 0)
    merged = plan(scenario, PlanOptions(time_limit_s=60, deterministic=True))
    assert check(scenario, merged) == []
    assert merged.summary.households_unserved == 0
    assert all(vp.trips for vp in merged.volunteers)
    # the merged LP steers as well as the full one, within a few percent
    assert merged.summary.makespan_s <= 1.05 * full.summary.makespan_s
    assert merged.summary.gap is not None


def test_split_kinds_keeps_every_household_once() -> None:
    scenario = Scenario.model_validate(generate(CompoundSpec(households=400, seed=1)))
    ctx = Context(scenario)
    regular = [q for q in ctx.servable if not q.timed]
    share = [[] for _ in ctx.volunteers]
    reps = sorted(set(ctx.representative.values()))
    for i, q in enumerate(regular):
        share[reps[i % len(reps)]].append(q)
    offsets = [0.0] * len(ctx.volunteers)
    makespan = 3600.0 * 8
    out = carry.split_kinds(ctx, share, offsets, makespan)
    assert sorted(q.index for s in out for q in s) == sorted(q.index for q in regular)
    for v, parcels in enumerate(out):  # each stays with its own kind
        assert all(ctx.representative[v] in {ctx.representative[w] for w in
                                             ctx.eligible[q.index]} for q in parcels)
