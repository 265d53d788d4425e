"""Rounds that cannot serve everyone: the service bound, the most served, a gap for
the households served."""

from __future__ import annotations

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.bounds.service import service_bound
from supplyroute.checks import RoundRule
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.generate import CompoundSpec, Shifts, generate
from supplyroute.models import Plan, Priority, Scenario, UnservedReason

QUICK = {"time_limit_s": 60, "deterministic": True}


@pytest.fixture(scope="module")
def tight() -> Scenario:
    """400 households, 3 volunteers (one with a cart) in six-hour shifts."""
    return Scenario.model_validate(generate(CompoundSpec(
        households=400, shifts=Shifts.TIGHT, volunteers=3, seed=4)))


@pytest.fixture(scope="module")
def plans(tight: Scenario) -> dict[str, Plan]:
    return {method: plan(tight, PlanOptions(method=method, **QUICK))
            for method in ("optimized", "manual")}


def _priority_served(scenario: Scenario, result: Plan) -> int:
    served = {d.household for d in result.deliveries}
    return sum(1 for h in scenario.households
               if h.priority is not Priority.STANDARD and h.id in served)


def test_service_bound_caps_every_plan_and_the_optimiser_serves_most(
        tight: Scenario, plans: dict[str, Plan]) -> None:
    ctx = PreparedCompound(tight)
    bound = service_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    assert bound.servable == 400 and not bound.everyone
    best, manual = plans["optimized"], plans["manual"]
    for result in plans.values():
        assert check(tight, result) == []
        assert result.summary.service_bound == bound.households
        assert result.summary.households_served <= bound.households
        assert any(u.reason is UnservedReason.NO_VOLUNTEER_TIME for u in result.unserved)
    assert best.summary.households_served >= manual.summary.households_served
    assert _priority_served(tight, best) >= _priority_served(tight, manual)
    # every urgent and vulnerable household fits: the shifts hold far more than them
    assert _priority_served(tight, best) == sum(
        1 for h in tight.households if h.priority is not Priority.STANDARD)
    # the optimiser comes within 15% of the most any plan can serve
    assert best.summary.households_served >= 0.85 * bound.households


def test_partial_plan_has_a_gap_for_the_households_it_serves(plans: dict[str, Plan]) -> None:
    s = plans["optimized"].summary
    assert s.bound_covers == "served" and s.gap is not None and s.gap >= 0
    assert s.lower_bound_s <= s.makespan_s


def test_open_shifts_need_no_service_bound() -> None:
    scenario = Scenario.model_validate(generate(CompoundSpec(households=200, seed=2)))
    result = plan(scenario, PlanOptions(**QUICK))
    assert result.summary.service_bound is None
    assert result.summary.bound_covers == "servable"
    assert result.summary.households_unserved == 0 and result.summary.gap is not None


def test_checker_refuses_a_plan_serving_more_than_its_service_bound(
        tight: Scenario, plans: dict[str, Plan]) -> None:
    good = plans["optimized"]
    served = good.summary.households_served
    claims = good.model_copy(update={"summary": good.summary.model_copy(
        update={"service_bound": served - 1})})
    found = check(tight, claims)
    assert [v.rule for v in found] == [RoundRule.SUMMARY]
    assert found[0].path == "summary.service_bound"


def test_checker_refuses_a_gap_over_everyone_while_some_are_left_out(
        tight: Scenario, plans: dict[str, Plan]) -> None:
    good = plans["optimized"]
    claims = good.model_copy(update={"summary": good.summary.model_copy(
        update={"bound_covers": "servable"})})
    found = check(tight, claims)
    assert [v.path for v in found] == ["summary.gap"]
