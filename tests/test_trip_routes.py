"""The routing layer re-forms a volunteer's mixed loads inside the doorstep planner."""

from __future__ import annotations

import random

from supplyroute import PlanOptions, check, plan
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.carry import packing, strategies, trip_routes
from tests.conftest import compound, random_households

CART = {"id": "V1", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G",
        "cart": {"capacity_bags": 4, "capacity_kg": 80}}


def four_buildings_in_a_row() -> PreparedCompound:
    """One stairwell per building, 40 m apart along y; one two-bag household in each."""
    bags = [{"kind": "prevention", "weight_kg": 2.0}, {"kind": "living", "weight_kg": 8.0}]
    households = [{"id": f"h{i}", "stairwell": f"B{i}-1", "floor": 3, "bags": bags}
                  for i in range(1, 5)]
    return PreparedCompound(compound(households, [CART], buildings=4, stairwells=1))


def test_crossed_loads_are_regrouped_by_neighbourhood() -> None:
    ctx = four_buildings_in_a_row()
    by_stairwell = {q.stairwell: q for q in ctx.servable}
    crossed = [ctx.builder.shape(0, [by_stairwell["B1-1"], by_stairwell["B4-1"]]),
               ctx.builder.shape(0, [by_stairwell["B2-1"], by_stairwell["B3-1"]])]

    better = trip_routes.reroute(ctx, 0, crossed)

    assert sorted(t.key for t in better) == [(0, 1), (2, 3)]  # near with near
    assert sum(t.return_off for t in better) < sum(t.return_off for t in crossed)
    assert sum(t.walk_m for t in better) < sum(t.walk_m for t in crossed)
    assert all(ctx.builder.fits(0, t.parcels) for t in better)


def test_good_loads_and_single_stairwell_trips_are_kept_as_they_are() -> None:
    ctx = four_buildings_in_a_row()
    by_stairwell = {q.stairwell: q for q in ctx.servable}
    good = [ctx.builder.shape(0, [by_stairwell["B1-1"], by_stairwell["B2-1"]]),
            ctx.builder.shape(0, [by_stairwell["B3-1"], by_stairwell["B4-1"]])]
    assert trip_routes.reroute(ctx, 0, good) is good
    single = [ctx.builder.shape(0, [q]) for q in ctx.servable]
    assert trip_routes.reroute(ctx, 0, single) is single


def test_a_load_carrying_a_vulnerable_household_is_not_re_formed() -> None:
    """Re-formed with the rest, the vulnerable household would ride in a load that no
    longer goes first; the standard mixed loads are still re-formed among themselves."""
    bags = [{"kind": "prevention", "weight_kg": 2.0}, {"kind": "living", "weight_kg": 8.0}]
    households = [{"id": f"h{i}", "stairwell": f"B{i}-1", "floor": 3, "bags": bags,
                   "priority": "vulnerable" if i == 1 else "standard"} for i in range(1, 7)]
    ctx = PreparedCompound(compound(households, [CART], buildings=6, stairwells=1))
    h = {q.id: q for q in ctx.servable}
    first = ctx.builder.shape(0, [h["h1"], h["h6"]])  # crossed, but the vulnerable one's
    crossed = [ctx.builder.shape(0, [h["h2"], h["h5"]]), ctx.builder.shape(0, [h["h3"], h["h4"]])]

    assert trip_routes.reroute(ctx, 0, [first, crossed[0]]) == [first, crossed[0]]
    better = trip_routes.reroute(ctx, 0, [first, *crossed])
    assert better[0] is first
    assert sorted(t.key for t in better[1:]) == [(1, 2), (3, 4)]  # near with near


def test_the_routing_pass_stops_at_the_time_limit_but_not_in_deterministic_mode() -> None:
    ctx = four_buildings_in_a_row()
    by_stairwell = {q.stairwell: q for q in ctx.servable}
    crossed = [ctx.builder.shape(0, [by_stairwell["B1-1"], by_stairwell["B4-1"]]),
               ctx.builder.shape(0, [by_stairwell["B2-1"], by_stairwell["B3-1"]])]
    loads = [packing.Workload(0.0, 0.0, crossed)]
    spent = Budget(time_limit_s=1.0, deterministic=False, started=-1e9)  # long past
    assert strategies.reroute(ctx, loads, spent)[0] is loads[0]
    counting = Budget(time_limit_s=1.0, deterministic=True, started=-1e9)
    (rerouted,) = strategies.reroute(ctx, loads, counting)
    assert sorted(t.key for t in rerouted.trips) == [(0, 1), (2, 3)]


def test_planner_with_routed_loads_passes_the_checker_and_repeats_exactly() -> None:
    rng = random.Random(11)
    scenario = compound(
        random_households(rng, 30, buildings=3, stairwells=3),
        [CART, {"id": "V2", "shift": {"start": "08:00", "end": "18:00"}, "gate": "G"}],
        buildings=3, stairwells=3)
    options = PlanOptions(time_limit_s=20, deterministic=True)
    first, second = plan(scenario, options), plan(scenario, options)
    assert check(scenario, first) == []
    assert first.model_dump_json() == second.model_dump_json()
