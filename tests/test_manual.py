"""Unit tests of :mod:`supplyroute.rounds.manual`: the by-hand method of the reports.

One household's bags per trip, by hand (carts left behind), each group (its ``group``,
else its zone) taking its own buildings' households in building, stairwell and floor
order (urgent ones first, by deadline), whoever in the group is free next taking the
next one it may serve.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from supplyroute import PlanOptions, check, plan
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.io import validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.rounds.budget import Budget
from supplyroute.rounds.interface import RoundResult
from supplyroute.rounds.manual import groups, solve, without_carts
from tests.conftest import compound, random_households

H = 3600.0
T8 = 8 * H
SHIFT = {"start": "08:00", "end": "18:00"}
CART = {"capacity_bags": 8, "capacity_kg": 80}


def site(households: list[dict[str, Any]], volunteers: list[dict[str, Any]]) -> Scenario:
    """Gate G at the origin; building B1 with S1 (60 m east) and S2 (60 east, 80 north),
    building B2 with T1 (0, 100); 6 floors; walking 1 m/s in straight lines."""
    data: dict[str, Any] = {
        "name": "manual",
        "parameters": {"detour_factor": 1.0, "walk_speed_mps": 1.0},
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [
            {"id": "B1", "floors": 6, "stairwells": [{"id": "S1", "entrance": {"x": 60, "y": 0}},
                                                     {"id": "S2", "entrance": {"x": 60, "y": 80}}]},
            {"id": "B2", "floors": 6, "stairwells": [{"id": "T1", "entrance": {"x": 0, "y": 100}}]},
        ],
        "households": households,
        "volunteers": volunteers,
    }
    return validate_document(Scenario, data)


def vol(vid: str, **extra: Any) -> dict[str, Any]:
    return {"id": vid, "shift": extra.pop("shift", SHIFT), "gate": "G", **extra}


def home(hid: str, stairwell: str = "S1", floor: int = 3, **extra: Any) -> dict[str, Any]:
    return {"id": hid, "stairwell": stairwell, "floor": floor, **extra}


def by_hand(s: Scenario) -> RoundResult:
    return solve(PreparedCompound(s), Budget(10.0, deterministic=True))


def sequence(result: RoundResult, volunteer: str) -> list[str]:
    """The households of a volunteer's trips, in trip order (one each)."""
    (vp,) = [v for v in result.volunteers if v.volunteer == volunteer]
    out = []
    for trip in vp.trips:
        homes = {d.household for st in trip.stops for r in st.runs for d in r.doors}
        homes |= {d.household for st in trip.stops for d in st.drops}
        assert len(homes) == 1, "one household per trip"
        out.append(homes.pop())
    return out


def manual_plan(s: Scenario) -> Plan:
    return plan(s, PlanOptions(method="manual", deterministic=True))


def test_without_carts_leaves_every_cart_behind() -> None:
    """Only the carts change."""
    s = site([home("a")], [vol("V1", cart=CART, skills=["ppe"]), vol("V2")])
    hands = without_carts(s)
    assert [v.cart for v in hands.volunteers] == [None, None]
    assert [v.model_dump(exclude={"cart"}) for v in hands.volunteers] == [
        v.model_dump(exclude={"cart"}) for v in s.volunteers]
    assert s.volunteers[0].cart is not None  # the scenario itself is untouched
    assert hands.trip_capacity(hands.volunteers[0]) == (2, 20.0)


def test_groups_by_group_then_zone_then_everyone() -> None:
    """A named group binds its members whatever their zones; without one, the zone
    does; volunteers with neither are one group."""
    s = site([home("a")], [vol("N1", group="north", zone=["B1"]), vol("Z1", zone=["B1"]),
                           vol("N2", group="north", zone=["B2"]), vol("F1"),
                           vol("Z2", zone=["B1"]), vol("F2"), vol("Z3", zone=["B2"])])
    assert groups(PreparedCompound(s)) == [[0, 2], [1, 4], [3, 5], [6]]


def test_exact_timings_of_one_volunteer_and_two_households() -> None:
    """One volunteer, households on floors 3 and 5 of S1 (60 m away), two default bags
    each (the hands hold 2): floor 3 first, loading at 08:00, handed over at
    120 + 60 + 36 + 30 = 246 s, back at 246 + 20 + 60 = 326 s; floor 5 then, loading at
    326 s, handed over at 326 + 120 + 60 + 72 + 30 = 608 s, back at 608 + 40 + 60."""
    s = site([home("h5", floor=5), home("h3", floor=3)], [vol("V1")])
    p = manual_plan(s)
    assert check(s, p) == []
    (vp,) = p.volunteers
    assert [(t.start_s, t.return_s) for t in vp.trips] == [(T8, T8 + 326.0),
                                                           (T8 + 326.0, T8 + 708.0)]
    assert {d.household: d.delivered_s for d in p.deliveries} == {"h3": T8 + 246.0,
                                                                  "h5": T8 + 608.0}
    assert (p.summary.method, p.summary.makespan_s, p.summary.trips) == ("manual", 608.0, 2)
    assert p.unserved == ()


def test_one_household_per_trip_and_no_carts() -> None:
    """A volunteer with a cart that could take all four households at once still makes
    four trips by hand, one household each."""
    s = site([home(f"h{i}", floor=i + 1) for i in range(4)], [vol("V1", cart=CART)])
    p = manual_plan(s)
    assert check(s, p) == []
    (vp,) = p.volunteers
    assert len(vp.trips) == 4
    assert {t.mode for t in vp.trips} == {"hands"}
    assert [t.bags for t in vp.trips] == [2, 2, 2, 2]


def test_households_in_building_stairwell_floor_order_urgent_first() -> None:
    """The urgent households come first, the sooner deadline first; then S1 (floors
    2, 4), S2, and building B2's T1 last."""
    s = site([home("t", "T1", 1), home("s2", "S2", 1), home("s1_4", "S1", 4),
              home("s1_2", "S1", 2),
              home("u_late", "T1", 6, priority="urgent", deadline="16:00"),
              home("u_soon", "S2", 5, priority="urgent", deadline="12:00")],
             [vol("V1")])
    result = by_hand(s)
    assert sequence(result, "V1") == ["u_soon", "u_late", "s1_2", "s1_4", "s2", "t"]
    assert result.unserved == []


def test_whoever_is_free_next_takes_the_next_household() -> None:
    """The list is b (S1, floor 1), a (S1, floor 6), c (S2, floor 1), d (S2, floor 2).
    Both start at 08:00: V1 takes b, V2 takes a; whoever is back first takes the next."""
    s = site([home("a", floor=6), home("b", floor=1), home("c", "S2", 1),
              home("d", "S2", 2)], [vol("V1"), vol("V2")])
    result = by_hand(s)
    # b (floor 1, S1) goes to V1 at 08:00; a (floor 6) to V2 at 08:00; V1 is back from
    # b at 270 s, well before V2 (120 + 60 + 90 + 30 + 50 + 60 = 410 s): V1 takes c
    # (back at 270 + 120 + 100 + 30 + 100 = 620 s) and V2, free at 410 s, takes d.
    assert sequence(result, "V1") == ["b", "c"]
    assert sequence(result, "V2") == ["a", "d"]
    starts = {d.household: d.delivered_s for d in result.deliveries}
    assert starts["b"] == T8 + 210.0
    assert starts["a"] == T8 + 120 + 60 + 90 + 30
    assert starts["c"] == T8 + 270 + 120 + 100 + 30
    assert starts["d"] == T8 + 410 + 120 + 100 + 18 + 30


def test_groups_do_not_help_each_other() -> None:
    """Group B1 (one volunteer) does all of B1's four households even though group B2
    (two volunteers) has only one: no group helps another."""
    s = site([home("a", floor=2), home("b", floor=3), home("c", "S2", 2),
              home("d", "S2", 4), home("t", "T1", 2)],
             [vol("A", zone=["B1"]), vol("B", zone=["B2"]), vol("C", zone=["B2"])])
    result = by_hand(s)
    assert sequence(result, "A") == ["a", "b", "c", "d"]
    assert sequence(result, "B") + sequence(result, "C") == ["t"]


def test_a_household_more_than_the_hands_hold_is_served_on_two_trips_by_hand() -> None:
    """Three bags do not fit the hands in one trip; by hand (carts left behind) they go
    on two trips, one after another (issue 30), the ledger naming the second."""
    three = [{"kind": f"k{i}", "weight_kg": 3.0} for i in range(3)]
    s = site([home("big", bags=three), home("a")], [vol("V1", cart=CART)])
    p = manual_plan(s)
    assert check(s, p) == []
    assert not p.unserved
    assert [d.household for d in p.deliveries] == ["big", "a"]
    trips = p.volunteers[0].trips
    assert [(t.mode, t.bags) for t in trips] == [("hands", 2), ("hands", 1), ("hands", 2)]
    assert p.deliveries[0].trip == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_by_hand_plans_pass_the_checker(seed: int) -> None:
    """Random compounds of 14 households, three volunteers in two groups (one with a
    cart, one with PPE for a red home): the by-hand plan passes the independent
    checker, serves everyone and makes one trip per household."""
    rng = random.Random(seed)
    hs = random_households(rng, 14)
    hs[0]["risk"] = "red"
    hs[1]["priority"] = "urgent"
    hs[1]["deadline"] = "12:00"
    s = compound(hs, [
        {"id": "V1", "shift": SHIFT, "gate": "G", "group": "a", "skills": ["ppe"]},
        {"id": "V2", "shift": SHIFT, "gate": "G", "group": "a", "cart": CART},
        {"id": "V3", "shift": {"start": "08:30", "end": "18:00"}, "gate": "G", "group": "b"},
    ])
    p = manual_plan(s)
    assert check(s, p) == []
    assert p.summary.households_served == 14 and p.unserved == ()
    assert p.summary.trips == 14
    red = next(d for d in p.deliveries if d.household == "h0")
    assert red.volunteer == "V1"  # the only one with PPE
    # Group b (V3) serves nobody: group a, first in the list, took every household.
    assert all(d.volunteer in ("V1", "V2") for d in p.deliveries)
