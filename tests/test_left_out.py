"""No household left out while a volunteer could still serve it within their shift.

The planner offers what a round leaves out to every volunteer's free time
(:mod:`supplyroute.rounds.rescue`); the checker holds every plan to the rule with its
own arithmetic (:mod:`supplyroute.checks.left_out`). Here both are tried on the case
coordinators met (one volunteer's shift cut to a quarter of an hour) and on random
compounds whose shifts are cut, and the rule is asked a third time with the
compound's own trip builder.
"""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyroute import PlanOptions, check, plan
from supplyroute.checks import RoundRule
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.compound.schedule import earliest_start, latest_start
from supplyroute.compound.trips import RISKY
from supplyroute.io import load_plan, validate_document
from supplyroute.models import Plan, Scenario, UnservedReason
from supplyroute.models.events import Events
from supplyroute.replan import replan
from tests.conftest import ROOT
from tests.test_claims import varied

BJXILU = ROOT / "examples" / "bjxilu7.json"


def cut_shift(data: dict, volunteer: str, end: str) -> Scenario:
    for v in data["volunteers"]:
        if v["id"] == volunteer:
            v["shift"]["end"] = end
    return validate_document(Scenario, data)


def test_a_quarter_hour_shift_leaves_nobody_out() -> None:
    scenario = cut_shift(json.loads(BJXILU.read_text()), "V5", "08:15")
    made = plan(scenario, PlanOptions(deterministic=True, time_limit_s=10))
    assert made.summary.households_served == 90 and not made.unserved
    assert check(scenario, made) == []


def test_the_plan_of_the_quarter_hour_case_before_the_rescue_is_refused() -> None:
    """The plan the planner wrote before it offered left-out households to the others'
    free time: four households 'short of volunteer time' while seven volunteers are
    free until 18:00."""
    scenario = cut_shift(json.loads(BJXILU.read_text()), "V5", "08:15")
    old = load_plan(ROOT / "tests" / "data" / "bjxilu7-quarter-hour-plan-of-2026-12-07.json")
    assert len(old.unserved) == 4
    found = check(scenario, old)
    assert [v.rule for v in found] == [RoundRule.LEFT_OUT] * 4
    assert "could still serve it" in found[0].message


def test_a_plan_that_drops_a_trip_a_volunteer_could_still_make_is_refused() -> None:
    """Yesterday's plan of the quarter-hour case: a trip's households listed as short
    of volunteer time while its volunteer (and others) are free until 18:00."""
    scenario = cut_shift(json.loads(BJXILU.read_text()), "V5", "08:15")
    made = plan(scenario, PlanOptions(deterministic=True, time_limit_s=10))
    data = made.model_dump(mode="json")
    vp = max(data["volunteers"], key=lambda vp: len(vp["trips"]))
    dropped = vp["trips"].pop()
    gone = {door["household"] for stop in dropped["stops"] for run in stop["runs"]
            for door in run["doors"]} | {d["household"] for stop in dropped["stops"]
                                         for d in stop["drops"]}
    data["deliveries"] = [d for d in data["deliveries"] if d["household"] not in gone]
    data["unserved"] = [{"household": h, "reason": "no_volunteer_time",
                         "detail": "volunteer would be back after the shift ends"}
                        for h in sorted(gone)]
    found = check(scenario, validate_document(Plan, data))
    refused = {v.path for v in found if v.rule is RoundRule.LEFT_OUT}
    assert refused == {f"unserved[{i}]" for i in range(len(gone))}


def test_a_replan_leaves_nobody_out_when_a_volunteer_leaves_and_a_cart_breaks() -> None:
    scenario = validate_document(Scenario, json.loads(BJXILU.read_text()))
    original = plan(scenario, PlanOptions(deterministic=True, time_limit_s=10))
    events = validate_document(Events, {"events": [
        {"type": "volunteer_leaves", "volunteer": "V5", "at": "09:05"},
        {"type": "cart_broken", "volunteer": "V2"}]})
    result = replan(scenario, original, events, 9 * 3600 + 5 * 60,
                    PlanOptions(deterministic=True, time_limit_s=10))
    assert not result.plan.unserved
    assert check(result.scenario, result.plan) == []


def appended_trip_serves(scenario: Scenario, made: Plan, household: str) -> bool:
    """Does one more trip, appended to some volunteer's day, serve the household within
    the shift? Asked with the compound's own trip builder, not the checker's."""
    ctx = PreparedCompound(scenario)
    q = ctx.demand.parcels[ctx.household_index[household]]
    by_id = {vp.volunteer: vp for vp in made.volunteers}
    risky = {h.id for h in scenario.households if h.risk in RISKY}
    drawn = {g: 0 for g in ctx.demand.pools}
    for vp in made.volunteers:
        for trip in vp.trips:
            for stop in trip.stops:
                handed = [*stop.drops, *stop.relays,
                          *(door for run in stop.runs for door in run.doors)]
                drawn[trip.gate] += sum(len(d.bags) for d in handed
                                        if ctx.demand.parcels[ctx.household_index[
                                            d.household]].named_gate is None)
    for v in ctx.eligible[q.index]:
        vol = ctx.volunteers[v]
        vp = by_id.get(vol.id)
        if vp is not None and vp.climbs:
            continue
        free = vol.shift.start
        for trip in vp.trips if vp else ():
            homes = {d.household for st in trip.stops for d in st.drops} | {
                door.household for st in trip.stops for run in st.runs for door in run.doors}
            free = max(free, trip.return_s + (scenario.parameters.disinfection_s
                                              if homes & risky else 0.0))
        shape = ctx.builder.shape(v, [q])
        start = max(free, earliest_start(ctx.demand, shape))
        if q.named_gate is None:
            when = ctx.demand.pools[vol.gate].time_for(drawn[vol.gate] + q.bags)
            if when is None:
                continue
            start = max(start, when)
        if start + shape.return_off <= vol.shift.end - 1 and start <= latest_start(shape) - 1:
            return True
    return False


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.sampled_from(["carry", "relay"]))
def test_random_compounds_with_cut_shifts_leave_nobody_out_for_a_false_reason(
        seed: int, mode: str) -> None:
    rng = random.Random(seed)
    data = varied(seed, most=24).model_dump(mode="json", exclude_none=True)
    for vol in rng.sample(data["volunteers"], k=rng.randint(1, len(data["volunteers"]))):
        start = vol["shift"]["start"]
        vol["shift"]["end"] = start + rng.choice([300, 900, 1800, 3600])
    scenario = validate_document(Scenario, data)
    if mode == "relay" and not scenario.relay:
        mode = "carry"
    made = plan(scenario, PlanOptions(mode=mode, deterministic=True, time_limit_s=2,
                                      exact_max_households=0))
    assert check(scenario, made) == []
    for u in made.unserved:
        assert not appended_trip_serves(scenario, made, u.household), u
        if u.reason is UnservedReason.NO_VOLUNTEER_TIME:
            # what binds: a shift, the service argument, or a relay's climb
            assert any(word in u.detail for word in ("shift", "at most", "climb")), u


# Seeds that once failed: 1 (a household named at a gate where nobody works), 8718 (a
# climber for a ferry's bags from another gate), 158 and 205 (climbs before a window
# opened), 374 (a household with some of its climbs made and one cancelled), 483 (a
# climber's trips drawing on the gate's batches), 513 (walks summed after rounding).
@pytest.mark.parametrize(("seed", "mode"), [
    (1, "carry"), (1, "relay"), (8718, "relay"), (158, "relay"), (205, "relay"),
    (374, "relay"), (483, "relay"), (513, "carry")])
def test_fixed_seeds_with_cut_shifts(seed: int, mode: str) -> None:
    inner = test_random_compounds_with_cut_shifts_leave_nobody_out_for_a_false_reason
    inner.hypothesis.inner_test(seed, mode)  # type: ignore[attr-defined]


def test_climbers_whose_shift_starts_after_the_first_drop_still_climb() -> None:
    """Ferries from 08:00, climbers from 08:15: every bag a ferry leaves at an entrance
    is taken up (once, no household was served: the climbers were never woken)."""
    from tests.test_relay_planner import random_relay_compound

    scenario = random_relay_compound(47)
    assert {v.role.value for v in scenario.volunteers if v.shift.start > 8 * 3600} == {
        "climber", "ferry"}
    made = plan(scenario, PlanOptions(mode="relay", deterministic=True, time_limit_s=2))
    assert not made.unserved and made.summary.climbs > 0
    assert check(scenario, made) == []
