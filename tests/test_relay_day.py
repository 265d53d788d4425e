"""Unit tests of the relay planner's parts (:mod:`supplyroute.rounds.relay`): the day's
event simulation (:class:`RelayDay`), the search's roles, takers and runs
(:class:`RelaySearch`), the plan's terms (:func:`relay_round`), and relay plans of
random tiny compounds.

The hand-computed compound: the gate at the origin, stairwell S1 60 m east, walking
(and the cart) at 1 m/s in straight lines. A ferry with a cart brings households a
(floor 3) and b (floor 5), one 5 kg bag each, to S1: loading 120 s, walk 60 s, relay
drops 10 s a bag (a at 190 s, b at 200 s), walk back (260 s). A climber starting at
the gate walks 60 s to S1; a run with both bags climbs 36 s + 30 s (a at 66 s), 36 s +
30 s more (b at 132 s) and comes down 40 s (172 s).
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyroute import PlanOptions, check, plan
from supplyroute.bounds.relay import relay_eligibility, relay_lower_bound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.relay import relay_round
from supplyroute.rounds.relay.day import ClimbTask, Load, RelayDay
from supplyroute.rounds.relay.shares import RelaySearch

H = 3600.0
T8 = 8 * H
SHIFT = {"start": "08:00", "end": "18:00"}
FERRY = {"id": "F", "shift": SHIFT, "gate": "G", "role": "ferry",
         "cart": {"capacity_bags": 6, "capacity_kg": 60}}
CLIMBER = {"id": "C", "shift": SHIFT, "gate": "G", "role": "climber"}


def site(households: list[dict[str, Any]], volunteers: list[dict[str, Any]] | None = None,
         buffer_bags: int | None = None, **extra: Any) -> Scenario:
    """Gate G at the origin; S1 60 m east and S2 60 m north (building B1, 6 floors)."""
    s1: dict[str, Any] = {"id": "S1", "entrance": {"x": 60, "y": 0}}
    if buffer_bags is not None:
        s1["buffer_bags"] = buffer_bags
    data: dict[str, Any] = {
        "name": "relay-day",
        "parameters": {"detour_factor": 1.0, "walk_speed_mps": 1.0, "cart_speed_mps": 1.0},
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [{"id": "B1", "floors": 6, "stairwells": [
            s1, {"id": "S2", "entrance": {"x": 0, "y": 60}}]}],
        "households": households,
        "volunteers": volunteers or [FERRY, CLIMBER],
        **extra,
    }
    return validate_document(Scenario, data)


def home(hid: str, floor: int, stairwell: str = "S1", bags: int = 1) -> dict[str, Any]:
    return {"id": hid, "stairwell": stairwell, "floor": floor,
            "bags": [{"kind": f"k{i}", "weight_kg": 5.0} for i in range(bags)]}


def ab() -> Scenario:
    return site([home("a", 3), home("b", 5)])


def relay_day(ctx: PreparedCompound, groups: list[list[str]], ahead: bool) -> RelayDay:
    """One ferry load with every household relayed, climbed by C in runs of ``groups``
    (household ids; the order is the tasks')."""
    f, c = 0, 1
    q = {p.id: p for p in ctx.demand.parcels}
    shape = ctx.builder.shape(f, list(ctx.demand.parcels),
                              relayed=frozenset(p.index for p in ctx.demand.parcels))
    tasks = []
    for ids in groups:
        group = [(q[i], tuple(range(q[i].bags))) for i in ids]
        run = ctx.builder.time_run("S1", group, 0.0)
        tasks.append(ClimbTask(id=len(tasks), climber=c, takers=frozenset({c}), stairwell="S1",
                               run=run, parcels=tuple(sorted(q[i].index for i in ids)),
                               rank=2))
    load = Load(0, f, shape, [t.id for t in tasks])
    return RelayDay(ctx, [load], tasks, ahead=ahead)


# The day simulated.


def test_the_climb_starts_once_its_bags_are_down() -> None:
    """The climber walks ahead (at S1 at 60 s) and waits for the second drop (200 s):
    its run starts at 200 s, a at 266 s, b at 332 s; the ferry never waits."""
    ctx = PreparedCompound(ab())
    day = relay_day(ctx, [["a", "b"]], ahead=True)
    table = day.run()
    (climb,) = table.climbs[1]
    assert (climb.arrive_s, climb.start_s) == (T8 + 60.0, T8 + 200.0)
    assert math.isclose(climb.walk_m, 60.0)
    assert table.delivered == {0: T8 + 266.0, 1: T8 + 332.0}
    (trip,) = table.trips[0]
    assert (trip.start_s, trip.waits) == (T8, {0: 0.0, 1: 0.0})
    assert table.ferry_of == {0: (0, 0), 1: (0, 0)}
    assert table.unserved == [] and not day.stalled
    assert table.last_delivery_s == T8 + 332.0


def test_bags_given_out_once_down_when_not_walking_ahead() -> None:
    """Without walking ahead, the run is given out when its bags are down (200 s): the
    climber walks then, arrives at 260 s and climbs: a at 326 s, b at 392 s."""
    ctx = PreparedCompound(ab())
    table = relay_day(ctx, [["a", "b"]], ahead=False).run()
    (climb,) = table.climbs[1]
    assert (climb.arrive_s, climb.start_s) == (T8 + 260.0, T8 + 260.0)
    assert table.delivered == {0: T8 + 326.0, 1: T8 + 392.0}


def test_a_full_entrance_buffer_makes_the_ferry_wait() -> None:
    """S1 holds one bag. a is down at 190 s and given to the climber, who arrives at
    250 s and picks it up; b, due at 200 s, waits 50 s for that room and is down at
    250 s; the ferry is back 50 s late (310 s). a's run: 250 + 66 = 316 s, down at
    336 s; b's run then: 336 + 102 = 438 s."""
    ctx = PreparedCompound(site([home("a", 3), home("b", 5)], buffer_bags=1))
    day = relay_day(ctx, [["a"], ["b"]], ahead=False)
    table = day.run()
    (trip,) = table.trips[0]
    assert trip.waits == {0: 0.0, 1: 50.0}
    assert [(c.arrive_s, c.start_s) for c in table.climbs[1]] == [(T8 + 250.0, T8 + 250.0),
                                                                  (T8 + 336.0, T8 + 336.0)]
    assert table.delivered == {0: T8 + 316.0, 1: T8 + 438.0}
    assert not day.stalled
    # In the plan's terms: b is put down 50 s late and the ferry is back 50 s late.
    result = relay_round(ctx, table)
    (ferry_trip,) = result.volunteers[0].trips
    assert [(r.household, r.dropped_s) for r in ferry_trip.stops[0].relays] == [
        ("a", T8 + 190.0), ("b", T8 + 250.0)]
    assert ferry_trip.return_s == T8 + 310.0


def test_the_ledger_names_the_ferry_and_the_climber() -> None:
    """Each relayed household's ledger line names the climber who handed it over, its
    climb, and the ferry who brought it; the climber's plan holds the climb."""
    ctx = PreparedCompound(ab())
    result = relay_round(ctx, relay_day(ctx, [["a", "b"]], ahead=True).run())
    lines = {d.household: (d.volunteer, d.ferry, d.climb, d.trip, d.delivered_s)
             for d in result.deliveries}
    assert lines == {"a": ("C", "F", 0, None, T8 + 266.0), "b": ("C", "F", 0, None, T8 + 332.0)}
    ferry, climber = result.volunteers
    assert (len(ferry.trips), len(ferry.climbs), len(climber.trips)) == (1, 0, 0)
    (climb,) = climber.climbs
    assert (climb.stairwell, climb.arrive_s, climb.run.start_s) == ("S1", T8 + 60.0,
                                                                   T8 + 200.0)
    assert climber.floors_climbed == 4 and ferry.floors_climbed == 0
    assert climber.busy_s == 172.0 + 60.0  # its run and its walk


# The search's parts.


def test_roles_follow_the_scenario_and_the_buffers() -> None:
    """A ferry makes trips, a climber climbs; an "any" volunteer does both where no
    buffer has a limit. With ``relay: false`` everyone makes trips."""
    vols = [FERRY, CLIMBER, {"id": "A", "shift": SHIFT, "gate": "G"}]
    ctx = PreparedCompound(site([home("a", 3), home("b", 5)], vols))
    search = RelaySearch(ctx, relay_eligibility(ctx.demand), Budget(5.0, True))
    assert search.roles([0.0] * 3) == {0: "trips", 1: "climbs", 2: "both"}
    within = search.within({0: "trips", 1: "climbs", 2: "trips"})
    assert within.climb == {0: [1], 1: [1]}
    assert within.ferry == {0: [0, 2], 1: [0, 2]}
    assert within.carry == {0: [2], 1: [2]}


def test_runs_and_takers_respect_hands_and_buffers() -> None:
    """The climber's runs hold what its hands hold (2 bags), cut further where the
    entrance buffer holds fewer bags (1); only climbers whose hands hold a run may
    take it."""
    vols = [FERRY, CLIMBER, {**CLIMBER, "id": "W", "hand_capacity_bags": 1}]
    s = site([home("a", 3), home("b", 5), home("c", 1)], vols, buffer_bags=1)
    ctx = PreparedCompound(s)
    search = RelaySearch(ctx, relay_eligibility(ctx.demand), Budget(5.0, True))
    a, b, c = ctx.demand.parcels
    free = PreparedCompound(site([home("a", 3), home("b", 5), home("c", 1)], vols))
    free_search = RelaySearch(free, relay_eligibility(free.demand), Budget(5.0, True))
    fa, fb, fc = free.demand.parcels

    def ids(runs: list) -> list[list[str]]:
        return [[q.id for q, _ in run] for run in runs]

    assert ids(free_search.runs(1, "S1", [fa, fb, fc])) == [["b", "a"], ["c"]]
    assert ids(search.runs(1, "S1", [a, b, c])) == [["b"], ["a"], ["c"]]
    pair = [(fb, (0,)), (fa, (0,))]
    run = free.builder.time_run("S1", pair, 0.0)
    assert free_search.takers(free_search.eligible, pair, run) == frozenset({1})
    single = [(fc, (0,))]
    run1 = free.builder.time_run("S1", single, 0.0)
    assert free_search.takers(free_search.eligible, single, run1) == frozenset({1, 2})


# Whole relay plans.


def relay_plan(s: Scenario) -> Plan:
    return plan(s, PlanOptions(mode="relay", deterministic=True))


def drops_before_climbs(p: Plan) -> list[tuple[str, float, float]]:
    """(household, dropped, climb start) for every relayed household: the checks below
    want dropped <= climb start."""
    dropped = {r.household: r.dropped_s for vp in p.volunteers for t in vp.trips
               for st_ in t.stops for r in st_.relays}
    return [(d.household, dropped[d.household], c.run.start_s)
            for vp in p.volunteers for c in vp.climbs for d in c.run.doors]


def test_a_ferry_and_a_climber_relay_every_household() -> None:
    """With one ferry and one climber every household is relayed: the ferry's trips
    drop, the climber's climbs start no earlier than the drops, the ledger names both,
    and the plan passes the checker."""
    s = site([home("a", 3), home("b", 5), home("c", 2, "S2", bags=2)])
    p = relay_plan(s)
    assert check(s, p) == []
    assert p.summary.mode == "relay" and p.unserved == ()
    assert {(d.volunteer, d.ferry) for d in p.deliveries} == {("C", "F")}
    pairs = drops_before_climbs(p)
    assert sorted(h for h, _, _ in pairs) == ["a", "b", "c"]
    assert all(dropped <= start + 1e-6 for _, dropped, start in pairs)
    assert p.summary.makespan_s >= p.summary.lower_bound_s - 1e-6


def test_a_relay_plan_keeps_the_buffer_and_passes_the_checker() -> None:
    """S1 holds two bags; six one-bag households there: the plan still checks (the
    checker counts the bags waiting at the door) and serves everyone."""
    s = site([home(f"h{f}", f) for f in range(1, 7)], buffer_bags=2)
    p = relay_plan(s)
    assert check(s, p) == []
    assert p.unserved == ()
    assert all(dropped <= start + 1e-6 for _, dropped, start in drops_before_climbs(p))


@st.composite
def tiny_relay_scenarios(draw: st.DrawFn) -> Scenario:
    """One or two stairwells, one to four households of one or two bags, a ferry
    (with or without a cart), a climber (maybe stationed at S1) and maybe a volunteer
    who does anything; maybe a buffer at S1."""
    households = [
        home(f"h{k}", draw(st.integers(1, 6)), draw(st.sampled_from(("S1", "S2"))),
             draw(st.integers(1, 2)))
        for k in range(draw(st.integers(1, 4)))
    ]
    ferry: dict[str, Any] = {"id": "F", "shift": SHIFT, "gate": "G", "role": "ferry"}
    if draw(st.booleans()):
        ferry["cart"] = {"capacity_bags": draw(st.integers(2, 8)), "capacity_kg": 80}
    climber: dict[str, Any] = dict(CLIMBER)
    stationed = draw(st.booleans())
    if stationed:
        climber["station"] = ["S1"]
    volunteers = [ferry, climber]
    if stationed or draw(st.booleans()):  # someone must be able to take up S2's bags
        volunteers.append({"id": "A", "shift": {"start": draw(st.sampled_from(
            ("08:00", "08:10"))), "end": "18:00"}, "gate": "G"})
    buffer = draw(st.sampled_from((None, None, 2, 4)))
    return site(households, volunteers, buffer_bags=buffer)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(tiny_relay_scenarios())
def test_relay_plans_of_tiny_compounds_check_and_respect_the_bound(s: Scenario) -> None:
    """Every relay plan of a random tiny compound passes the checker, accounts for every
    household once, takes relayed bags up only after they are down, and is no shorter
    than the relay lower bound."""
    p = relay_plan(s)
    assert check(s, p) == []
    served = [d.household for d in p.deliveries]
    assert len(served) == len(set(served))
    assert set(served) | {u.household for u in p.unserved} == {h.id for h in s.households}
    assert all(dropped <= start + 1e-6 for _, dropped, start in drops_before_climbs(p))
    if not p.unserved:
        ctx = PreparedCompound(s)
        bound = relay_lower_bound(ctx.demand, ctx.travel)
        # The summary states the bound rounded down to the hundredth.
        assert bound.value_s - 0.01 <= p.summary.lower_bound_s <= bound.value_s + 1e-9
        assert p.summary.makespan_s >= bound.value_s - 1e-6
