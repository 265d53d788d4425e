"""The lower bound: exact on cases worked by hand, and each of its three arguments."""

from __future__ import annotations

import math

import pytest

from supplyroute import PlanOptions, plan
from supplyroute.bounds.carry import lower_bound, work_lp
from supplyroute.bounds.relay import relay_eligibility, relay_work_lp
from supplyroute.compound.costs import alike
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.io import load_scenario
from tests.conftest import ROOT, compound


def one_walker(households, **kw):
    return compound(households, [{"id": "V", "shift": {"start": "08:00", "end": "18:00"},
                                  "gate": "G"}], buildings=1, stairwells=1, **kw)


def test_work_bound_is_the_whole_job_for_one_walker() -> None:
    # Two households on floors 3 and 5, two bags each: two trips, nothing to share.
    s = one_walker([{"id": "a", "stairwell": "B1-1", "floor": 3},
                    {"id": "b", "stairwell": "B1-1", "floor": 5}])
    ctx = PreparedCompound(s)
    walk = math.hypot(45, 40) * 1.3 / 1.2
    trip = lambda f: 120 + 2 * walk + 18 * (f - 1) + 10 * (f - 1) + 30  # noqa: E731
    tail = walk + 10 * 4  # the walk back and the descent after the last hand-over
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    assert bound.kind == "work-lp"
    assert bound.value_s == pytest.approx(trip(3) + trip(5) - tail, rel=1e-6)
    result = plan(s, PlanOptions(deterministic=True))
    assert result.summary.makespan_s == pytest.approx(bound.value_s, abs=0.05)


def test_single_parcel_bound_follows_a_late_release() -> None:
    s = one_walker([{"id": "a", "stairwell": "B1-1", "floor": 2}],
                   releases=[{"at": "10:00", "households": ["a"]}])
    ctx = PreparedCompound(s)
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    assert bound.kind == "single-parcel"
    walk = math.hypot(45, 40) * 1.3 / 1.2
    assert bound.value_s == pytest.approx(7200 + 120 + walk + 18 + 30)


def test_release_pool_bound() -> None:
    households = [{"id": f"h{k}", "stairwell": "B1-1", "floor": 1} for k in range(2)]
    s = compound(households, [{"id": f"V{k}", "shift": {"start": "08:00", "end": "18:00"},
                               "gate": "G"} for k in range(2)], buildings=1, stairwells=1,
                 releases=[{"at": "08:00", "bags": 2}, {"at": "09:00", "bags": 2}])
    ctx = PreparedCompound(s)
    bound = lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    assert bound.kind == "release-pool"
    assert bound.release_pool_s >= 3600


def test_zones_raise_the_bound() -> None:
    households = [{"id": f"h{k}", "stairwell": "B1-1", "floor": 4} for k in range(6)]
    shared = [{"id": f"V{k}", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}
              for k in range(2)]
    zoned = [dict(v, zone=["B2"]) if v["id"] == "V1" else v for v in shared]
    bounds = []
    for volunteers in (shared, zoned):
        ctx = PreparedCompound(compound(households, volunteers, buildings=2, stairwells=1))
        bounds.append(lower_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible).value_s)
    assert bounds[1] > bounds[0] * 1.8


def test_volunteers_alike_are_merged_without_changing_the_bound() -> None:
    """One column per kind of volunteer (same gate, shift, cart, zone, ...) gives the
    same optimum as one per volunteer, carry and relay alike."""
    scenario = load_scenario(ROOT / "examples" / "kandan576.json")
    ctx = PreparedCompound(scenario)
    assert len(set(alike(scenario).values())) < len(scenario.volunteers)
    full, _ = work_lp(ctx.demand, ctx.travel, ctx.servable, ctx.eligible)
    merged, _ = work_lp(ctx.demand, ctx.travel, ctx.servable, ctx.eligible, merge_alike=True)
    assert merged == pytest.approx(full, rel=1e-6)
    eligible = relay_eligibility(ctx.demand)
    parcels = [q for q in ctx.demand.parcels if eligible.servable(q)]
    full, _ = relay_work_lp(ctx.demand, ctx.travel, parcels, eligible)
    merged, _ = relay_work_lp(ctx.demand, ctx.travel, parcels, eligible, merge_alike=True)
    assert merged == pytest.approx(full, rel=1e-6)
