"""The checker's relay rules: a hand-built relay round passes, and each rule catches one
targeted break of it.

The compound: gate G at the origin; building B1 (6 floors, no lift) with stairwells
B1-1 at (30, 40) and B1-2 at (60, 80), so G-B1-1 and B1-1-B1-2 are 50 m and G-B1-2 is
100 m (detour factor 1). Everyone walks and pushes a cart at 1 m/s. Loading takes 100 s,
an entrance drop 10 s a bag, a relay drop 5 s a bag, a hand-over 30 s; stairs 20 s a
floor up, 10 s down. Each household has the default two bags (2 kg + 8 kg).

Ferry F (cart) leaves at 08:00 (28800): loads until 28900, is at B1-1 at 28950 and
relays h1 (down at 28960) and h2 (28970); at B1-2 at 29020 it drops h4's bags at the
entrance (delivered 29040) and relays h3 (29050); back at G at 29150 after 200 m.

Climber C walks to B1-1 (50 m, there at 28850), waits for h1's bags and climbs at 28960
to floor 3 (hand-over ends 29030, down at 29050); climbs again at once to floor 5 with
h2's bags (29160, down at 29200); walks 50 m to B1-2 (29250) and takes h3 to floor 2
(29300, down at 29310: the round's finish).
"""

from __future__ import annotations

from typing import Any

import pytest

from supplyroute.checks import RoundRule, check
from supplyroute.models import (
    Climb,
    Delivery,
    DeliveryMode,
    Door,
    EntranceDrop,
    Plan,
    RelayDrop,
    Scenario,
    StairRun,
    Stop,
    Summary,
    Trip,
    VolunteerPlan,
)

START = 28800.0  # 08:00
UP_S, DOWN_S, HANDOVER_S = 20.0, 10.0, 30.0
FLOORS = {"h1": 3, "h2": 5, "h3": 2, "h4": 1}
BAG_KG = (2.0, 8.0)


def scenario(*, relay: bool = True, buffer_bags: int | None = None,
             ferry: dict[str, Any] | None = None, climber: dict[str, Any] | None = None,
             h1: dict[str, Any] | None = None,
             others: tuple[dict[str, Any], ...] = ()) -> Scenario:
    """The relay compound, with a few things changed."""
    return Scenario.model_validate({
        "name": "relay-test",
        "relay": relay,
        "parameters": {
            "detour_factor": 1.0, "walk_speed_mps": 1.0, "cart_speed_mps": 1.0,
            "load_s": 100, "entrance_drop_s_per_bag": 10, "relay_drop_s_per_bag": 5,
            "handover_s": HANDOVER_S, "stair_up_s_per_floor": UP_S,
            "stair_down_s_per_floor": DOWN_S,
            "default_bags": [{"kind": "prevention", "weight_kg": BAG_KG[0]},
                             {"kind": "living", "weight_kg": BAG_KG[1]}],
        },
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [{
            "id": "B1", "floors": 6,
            "stairwells": [
                {"id": "B1-1", "entrance": {"x": 30, "y": 40}, "buffer_bags": buffer_bags},
                {"id": "B1-2", "entrance": {"x": 60, "y": 80}},
            ],
        }],
        "households": [
            {"id": "h1", "stairwell": "B1-1", "floor": 3, **(h1 or {})},
            {"id": "h2", "stairwell": "B1-1", "floor": 5},
            {"id": "h3", "stairwell": "B1-2", "floor": 2},
            {"id": "h4", "stairwell": "B1-2", "floor": 1, "delivery": "entrance"},
        ],
        "volunteers": [
            {"id": "F", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
             "role": "ferry", "cart": {"capacity_bags": 10, "capacity_kg": 100},
             **(ferry or {})},
            {"id": "C", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G",
             "role": "climber", "station": ["B1"], **(climber or {})},
            *others,
        ],
    })


def stair_run(start_s: float, household: str, bags: tuple[int, ...] = (0, 1)) -> StairRun:
    """One household's bags up its stairs from ``start_s``: up, hand over, down."""
    floor = FLOORS[household]
    delivered = start_s + (floor - 1) * UP_S + HANDOVER_S
    return StairRun(start_s=start_s, end_s=delivered + (floor - 1) * DOWN_S, top_floor=floor,
                    bags=len(bags), carry_kg=sum(BAG_KG[i] for i in bags),
                    doors=(Door(household=household, floor=floor, bags=bags,
                                delivered_s=delivered),))


def climb(stairwell: str, walk_m: float, arrive_s: float, start_s: float,
          household: str) -> Climb:
    return Climb(stairwell=stairwell, walk_m=walk_m, arrive_s=arrive_s,
                 run=stair_run(start_s, household))


def ferry_trip() -> Trip:
    return Trip(
        gate="G", mode="cart", start_s=START, depart_s=START + 100, return_s=29150,
        bags=8, carry_kg=40, walk_m=200,
        stops=(
            Stop(stairwell="B1-1", arrive_s=28950, leave_s=28970,
                 relays=(RelayDrop(household="h1", bags=(0, 1), dropped_s=28960),
                         RelayDrop(household="h2", bags=(0, 1), dropped_s=28970))),
            Stop(stairwell="B1-2", arrive_s=29020, leave_s=29050,
                 drops=(EntranceDrop(household="h4", bags=(0, 1), delivered_s=29040),),
                 relays=(RelayDrop(household="h3", bags=(0, 1), dropped_s=29050),)),
        ),
    )


def climbs() -> tuple[Climb, ...]:
    return (
        climb("B1-1", 50, 28850, 28960, "h1"),  # waits for h1's bags (down at 28960)
        climb("B1-1", 0, 29050, 29050, "h2"),
        climb("B1-2", 50, 29250, 29250, "h3"),
    )


def good_plan() -> Plan:
    trip, ups = ferry_trip(), climbs()
    assert [c.run.end_s for c in ups] == [29050, 29200, 29310]

    def relayed(household: str, index: int, when: float) -> Delivery:
        return Delivery(household=household, priority="standard", volunteer="C",
                        climb=index, ferry="F", delivered_s=when)

    return Plan(
        scenario="relay-test",
        summary=Summary(
            method="test", mode="relay", makespan_s=500, lower_bound_s=400, gap=0.25,
            proven_optimal=False, bound="test", round_start_s=START,
            last_delivery_s=29300, finish_s=29310, households_served=4,
            households_unserved=0, bags_delivered=8, trips=1, climbs=3, walk_m=300,
            floors_climbed=7, urgent_served_by_s=None, vulnerable_served_by_s=None,
            deadlines_met=0, deadlines_total=0, solve_s=None,
        ),
        volunteers=(
            VolunteerPlan(volunteer="F", trips=(trip,), busy_s=350, walk_m=200),
            # busy: (29050 - 28960 + 50) + (29200 - 29050 + 0) + (29310 - 29250 + 50)
            VolunteerPlan(volunteer="C", climbs=ups, busy_s=400, walk_m=100,
                          floors_climbed=2 + 4 + 1),
        ),
        deliveries=(
            relayed("h1", 0, 29030),
            relayed("h2", 1, 29160),
            relayed("h3", 2, 29300),
            Delivery(household="h4", priority="standard", volunteer="F", trip=0,
                     delivered_s=29040),
        ),
    )


def with_climb(plan: Plan, index: int, new: Climb) -> Plan:
    """The plan with the climber's climb ``index`` replaced."""
    vp = plan.volunteers[1]
    ups = list(vp.climbs)
    ups[index] = new
    return plan.model_copy(update={"volunteers": (
        plan.volunteers[0], vp.model_copy(update={"climbs": tuple(ups)}))})


def with_delivery(plan: Plan, household: str, **update: Any) -> Plan:
    return plan.model_copy(update={"deliveries": tuple(
        d.model_copy(update=update) if d.household == household else d
        for d in plan.deliveries)})


def kinds(s: Scenario, plan: Plan) -> set[RoundRule]:
    return {v.rule for v in check(s, plan)}


@pytest.fixture
def good() -> Plan:
    return good_plan()


def test_hand_built_relay_round_is_sound(good: Plan) -> None:
    assert check(scenario(), good) == []
    # A buffer of two bags at B1-1 holds: h1's bags leave as h2's arrive.
    assert check(scenario(buffer_bags=2), good) == []


def test_climb_before_its_bags_arrive(good: Plan) -> None:
    early = with_climb(good, 0, climb("B1-1", 50, 28850, 28900, "h1"))
    early = with_delivery(early, "h1", delivered_s=28970)
    violations = check(scenario(), early)
    assert {v.rule for v in violations} == {RoundRule.SYNC}
    assert all(v.path.startswith("volunteers[1].climbs[0]") for v in violations)


def test_buffer_overflow() -> None:
    violations = check(scenario(buffer_bags=1), good_plan())
    assert {v.rule for v in violations} == {RoundRule.BUFFER}
    (v,) = violations
    assert "'B1-1'" in v.message and "28970" in v.message and "2 bags" in v.message


def test_buffer_from_parameters(good: Plan) -> None:
    s = scenario()
    tight = s.with_changes(parameters=s.parameters.model_copy(
        update={"entrance_buffer_bags": 1}))
    # B1-1 holds two bags at 28970; B1-2 h3's two bags at 29050.
    assert [v.rule for v in check(tight, good)] == [RoundRule.BUFFER] * 2


def test_climber_off_station(good: Plan) -> None:
    violations = check(scenario(climber={"station": ["B1-1"]}), good)
    assert {v.rule for v in violations} == {RoundRule.STATION}
    assert [v.path for v in violations] == ["volunteers[1].climbs[2].stairwell"]


def test_ferry_role_with_a_climb(good: Plan) -> None:
    s = scenario(climber={"role": "ferry", "station": None})
    violations = check(s, good)
    assert {v.rule for v in violations} == {RoundRule.ROLE}
    assert len(violations) == 3


def test_ferry_role_with_a_stair_run(good: Plan) -> None:
    # Ferry F takes h4 up instead of dropping it (h4 at the door, floor 1: no stairs).
    s = scenario()
    s = s.with_changes(households=tuple(
        h.model_copy(update={"delivery": DeliveryMode.DOOR}) if h.id == "h4" else h
        for h in s.households))
    trip = good.volunteers[0].trips[0]
    stop = trip.stops[1]
    # At B1-2 from 29020: relay h3 (down at 29030), then the run (hand-over ends 29060).
    run = StairRun(start_s=29030, end_s=29060, top_floor=1, bags=2, carry_kg=10,
                   doors=(Door(household="h4", floor=1, bags=(0, 1), delivered_s=29060),))
    relay = RelayDrop(household="h3", bags=(0, 1), dropped_s=29030)
    stop = stop.model_copy(update={"drops": (), "relays": (relay,), "runs": (run,),
                                   "leave_s": 29060})
    trip = trip.model_copy(update={"stops": (trip.stops[0], stop), "return_s": 29160})
    broken = good.model_copy(update={"volunteers": (
        good.volunteers[0].model_copy(update={"trips": (trip,), "busy_s": 360}),
        good.volunteers[1])})
    broken = with_delivery(broken, "h4", delivered_s=29060)
    violations = check(s, broken)
    assert {v.rule for v in violations} == {RoundRule.ROLE}
    assert [v.path for v in violations] == ["volunteers[0].trips[0].stops[1].runs[0]"]


def test_climber_role_with_a_trip(good: Plan) -> None:
    # Someone else may make trips: a compound of climbers only is no valid scenario.
    carrier = {"id": "A", "shift": {"start": "08:00", "end": "12:00"}, "gate": "G"}
    violations = check(scenario(ferry={"role": "climber"}, others=(carrier,)), good)
    assert {v.rule for v in violations} == {RoundRule.ROLE}
    assert [v.path for v in violations] == ["volunteers[0].trips[0]"]


def test_relays_forbidden(good: Plan) -> None:
    violations = check(scenario(relay=False), good)
    assert {v.rule for v in violations} == {RoundRule.RELAY_FORBIDDEN}
    assert len(violations) == 3 + 3  # three relay drops, three climbs


def test_relayed_bag_never_climbed(good: Plan) -> None:
    half = climbs()[0].model_copy(update={"run": stair_run(28960, "h1", bags=(0,))})
    violations = check(scenario(), with_climb(good, 0, half))
    assert {v.rule for v in violations} == {RoundRule.SYNC, RoundRule.BAGS}
    (sync,) = [v for v in violations if v.rule is RoundRule.SYNC]
    assert sync.path == "volunteers[0].trips[0].stops[0].relays[0]"
    assert "bag 1 of household 'h1'" in sync.message


def test_bag_climbed_twice(good: Plan) -> None:
    # C takes h2's bags up twice: once more after h3 (back at B1-1 at 29360).
    again = climb("B1-1", 50, 29360, 29360, "h2")
    vp = good.volunteers[1]
    broken = good.model_copy(update={"volunteers": (good.volunteers[0], vp.model_copy(
        update={"climbs": (*vp.climbs, again)}))})
    found = kinds(scenario(), broken)
    assert RoundRule.DUPLICATE in found and RoundRule.SYNC not in found


def test_wrong_climb_walk(good: Plan) -> None:
    up = climbs()[2].model_copy(update={"walk_m": 60})
    broken = with_climb(good, 2, up)
    # Keep the totals in line with the stated walk: only the walk itself is wrong.
    climber = broken.volunteers[1].model_copy(update={"walk_m": 110, "busy_s": 410})
    broken = broken.model_copy(update={
        "volunteers": (broken.volunteers[0], climber),
        "summary": broken.summary.model_copy(update={"walk_m": 310})})
    violations = check(scenario(), broken)
    assert {v.rule for v in violations} == {RoundRule.TIMING}
    assert [v.path for v in violations] == ["volunteers[1].climbs[2].walk_m"]


def test_climb_arrives_before_the_walk_allows(good: Plan) -> None:
    # B1-1 to B1-2 is 50 s: arriving at 29220 overlaps the previous climb's walk.
    up = climbs()[2].model_copy(update={"arrive_s": 29220})
    assert kinds(scenario(), with_climb(good, 2, up)) == {RoundRule.OVERLAP}


def test_relay_drop_too_early(good: Plan) -> None:
    trip = good.volunteers[0].trips[0]
    stop = trip.stops[0]
    relays = (stop.relays[0].model_copy(update={"dropped_s": 28955}), stop.relays[1])
    trip = trip.model_copy(update={"stops": (stop.model_copy(update={"relays": relays}),
                                             trip.stops[1])})
    broken = good.model_copy(update={"volunteers": (
        good.volunteers[0].model_copy(update={"trips": (trip,)}), good.volunteers[1])})
    violations = check(scenario(), broken)
    assert {v.rule for v in violations} == {RoundRule.TIMING}
    assert [v.path for v in violations] == [
        "volunteers[0].trips[0].stops[0].relays[0].dropped_s"]


def test_relay_drop_for_entrance_household(good: Plan) -> None:
    violations = check(scenario(h1={"delivery": "entrance"}), good)
    assert {v.rule for v in violations} == {RoundRule.PLACE}
    assert "volunteers[0].trips[0].stops[0].relays[0]" in {v.path for v in violations}


def test_summary_climbs_count(good: Plan) -> None:
    broken = good.model_copy(update={"summary": good.summary.model_copy(
        update={"climbs": 2})})
    violations = check(scenario(), broken)
    assert {v.rule for v in violations} == {RoundRule.SUMMARY}
    assert [v.path for v in violations] == ["summary.climbs"]


@pytest.mark.parametrize(("update", "where"), [
    ({"climb": 1}, "deliveries[0]"),
    ({"volunteer": "F"}, "deliveries[0]"),
    ({"ferry": "C"}, "deliveries[0].ferry"),
])
def test_ledger_names_the_climb_and_the_ferry(good: Plan, update: dict[str, Any],
                                              where: str) -> None:
    violations = check(scenario(), with_delivery(good, "h1", **update))
    assert {v.rule for v in violations} == {RoundRule.SUMMARY}
    assert [v.path for v in violations] == [where]


def test_carry_mode_with_relays(good: Plan) -> None:
    broken = good.model_copy(update={"summary": good.summary.model_copy(
        update={"mode": "carry"})})
    assert kinds(scenario(), broken) == {RoundRule.SUMMARY}


def test_auto_states_what_each_mode_left_out() -> None:
    """Auto keeps the mode that leaves fewer out, then the shorter: a `mode_unserved`
    that is missing, or that says the other mode left fewer out, is refused."""
    from supplyroute import PlanOptions, check, plan
    from supplyroute.io import load_scenario, validate_document
    from supplyroute.models import Plan
    from tests.conftest import ROOT

    scenario = load_scenario(ROOT / "examples" / "nanxiu12.json")
    auto = plan(scenario, PlanOptions(mode="auto", deterministic=True, time_limit_s=2))
    assert auto.summary.mode_unserved == {"carry": 0, "relay": 0}
    assert check(scenario, auto) == []
    other = "relay" if auto.summary.mode == "carry" else "carry"
    for stated in (None, {auto.summary.mode: 1, other: 0}, {auto.summary.mode: 0}):
        data = auto.model_dump(mode="json")
        data["summary"]["mode_unserved"] = stated
        found = check(scenario, validate_document(Plan, data))
        assert "summary.mode_unserved" in {v.path for v in found}, stated
