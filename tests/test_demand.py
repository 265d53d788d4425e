"""Unit tests of :mod:`supplyroute.compound.demand`: parcels, the gates' pools of bags,
and who may bring, ferry or climb with each household's bags."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyroute.compound.demand import Demand, Pool
from supplyroute.io import validate_document
from supplyroute.models import Scenario

SHIFT = {"start": "08:00", "end": "18:00"}
H = 3600.0


def site(households: list[dict[str, Any]], volunteers: list[dict[str, Any]],
         releases: dict[str, list[dict[str, Any]]] | None = None, **extra: Any) -> Scenario:
    """Two gates G and H, buildings A (stairwell A-1) and B (B-1, B-2), 6 floors."""
    releases = releases or {}
    data: dict[str, Any] = {
        "name": "demand",
        "gates": [{"id": g, "position": {"x": x, "y": 0}, "releases": releases.get(g, [])}
                  for g, x in (("G", 0), ("H", 200))],
        "buildings": [
            {"id": "A", "floors": 6, "stairwells": [{"id": "A-1", "entrance": {"x": 50, "y": 0}}]},
            {"id": "B", "floors": 6, "stairwells": [{"id": "B-1", "entrance": {"x": 100, "y": 0}},
                                                    {"id": "B-2", "entrance": {"x": 120, "y": 0}}]},
        ],
        "households": households,
        "volunteers": volunteers,
        **extra,
    }
    return validate_document(Scenario, data)


def vol(vid: str, **extra: Any) -> dict[str, Any]:
    return {"id": vid, "shift": extra.pop("shift", SHIFT), "gate": extra.pop("gate", "G"),
            **extra}


def home(hid: str, stairwell: str = "A-1", floor: int = 3, **extra: Any) -> dict[str, Any]:
    return {"id": hid, "stairwell": stairwell, "floor": floor, **extra}


def bags(*kg: float) -> list[dict[str, Any]]:
    return [{"kind": f"k{i}", "weight_kg": w} for i, w in enumerate(kg)]


# Parcels.

def test_parcels_read_the_households() -> None:
    """A parcel holds all of a household's bags (the default prevention 2 kg + living
    8 kg when it names none), its building, door or entrance, and its time limits."""
    s = site([home("d"),
              home("e", "B-2", 5, bags=bags(3.0, 4.5, 1.0), delivery="entrance",
                   priority="urgent", deadline="10:00"),
              home("w", "B-1", 2, priority="vulnerable",
                   window={"start": "09:00", "end": "11:00"})],
             [vol("V1", cart={"capacity_bags": 4, "capacity_kg": 40})])
    d, e, w = Demand(s).parcels
    assert (d.index, d.id, d.stairwell, d.building, d.floor, d.bags, d.kg, d.door) == (
        0, "d", "A-1", "A", 3, 2, 10.0, True)
    assert (d.rank, d.latest_s, d.earliest_s, d.timed) == (2, None, 0.0, False)
    assert (e.building, e.bags, e.kg, e.door, e.rank, e.latest_s, e.timed) == (
        "B", 3, 8.5, False, 0, 10 * H, True)
    assert (w.rank, w.earliest_s, w.latest_s, w.timed) == (1, 9 * H, 11 * H, True)
    assert (d.named_gate, d.named_release_s) == (None, None)


def test_round_start_is_the_earliest_shift() -> None:
    s = site([home("d")], [vol("V1", shift={"start": "09:30", "end": "12:00"}),
                           vol("V2", shift={"start": "07:45", "end": "12:00"})])
    assert Demand(s).round_start_s == 7 * H + 45 * 60


# Pools.

def test_pool_is_cumulative_over_count_batches_in_time_order() -> None:
    """Batches of 5 bags at 09:00 and 3 at 08:00 (given out of order): 3 by 08:00, 8 by
    09:00; 4 bags are there at 09:00, 9 never. Named batches are not in the pool."""
    s = site([home("a"), home("b")], [vol("V1")], releases={"G": [
        {"at": "09:00", "bags": 5}, {"at": "08:00", "bags": 3},
        {"at": "07:00", "households": ["a"]}]})
    pool = Demand(s).pools["G"]
    assert (pool.times, pool.cumulative, pool.unlimited) == ([8 * H, 9 * H], [3, 8], False)
    assert pool.released_by(8 * H - 1) == 0
    assert pool.released_by(8 * H) == 3
    assert pool.released_by(8.5 * H) == 3
    assert pool.released_by(9 * H) == 8
    assert pool.released_by(20 * H) == 8
    assert pool.time_for(3) == 8 * H
    assert pool.time_for(4) == 9 * H
    assert pool.time_for(8) == 9 * H
    assert pool.time_for(9) is None
    assert pool.time_for(0) == -math.inf
    # A gate with no count batch has everything from the start.
    free = Demand(s).pools["H"]
    assert free.unlimited and free.released_by(0.0) == math.inf
    assert free.time_for(1000) == -math.inf


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 6)), min_size=1, max_size=6),
       st.integers(0, 40))
def test_pool_time_for_is_the_first_time_released_by_covers(
        batches: list[tuple[int, int]], needed: int) -> None:
    """For any count batches, ``time_for(n)`` is the earliest batch time at which
    ``released_by`` reaches n (None if it never does), by brute force over the times."""
    batches = sorted((float(t), n) for t, n in batches)
    pool = Pool(unlimited=False)
    total = 0
    for t, n in batches:
        total += n
        pool.times.append(t)
        pool.cumulative.append(total)
    for t, _ in batches:
        assert pool.released_by(t) == sum(n for u, n in batches if u <= t)
    found = [t for t, _ in batches if pool.released_by(t) >= needed]
    expected = -math.inf if needed == 0 else (min(found) if found else None)
    assert pool.time_for(needed) == expected


def test_release_s_for_named_pooled_and_unlimited_gates() -> None:
    """A household named in a batch at G has its bags at G from that batch, never at
    H; a pooled one from the first count batch at a gate with some, from the start of
    the day at a gate with none, and never at a gate whose batches release nothing."""
    s = site([home("named"), home("pooled")], [vol("VG"), vol("VH", gate="H")],
             releases={"G": [{"at": "10:00", "households": ["named"]},
                             {"at": "08:30", "bags": 2}, {"at": "09:00", "bags": 6}],
                       "H": []})
    demand = Demand(s)
    named, pooled = demand.parcels
    vg, vh = s.volunteers
    assert (named.named_gate, named.named_release_s) == ("G", 10 * H)
    assert demand.release_s(named, vg) == 10 * H
    assert demand.release_s(named, vh) is None
    assert demand.release_s(pooled, vg) == 8.5 * H
    assert demand.release_s(pooled, vh) == 0.0
    assert demand.eligible(named, vg) and not demand.eligible(named, vh)
    empty = site([home("pooled")], [vol("VG")], releases={"G": [{"at": "09:00", "bags": 0}]})
    e_demand = Demand(empty)
    assert e_demand.release_s(e_demand.parcels[0], empty.volunteers[0]) is None
    assert not e_demand.eligible(e_demand.parcels[0], empty.volunteers[0])


# Who may bring the bags (carry rounds).

def test_eligible_follows_zones() -> None:
    """A volunteer whose zone is building A serves A's households, not B's."""
    s = site([home("a"), home("b", "B-1")], [vol("Z", zone=["A"]), vol("Any")])
    demand = Demand(s)
    a, b = demand.parcels
    z, anyone = s.volunteers
    assert [demand.eligible(q, z) for q in (a, b)] == [True, False]
    assert [demand.eligible(q, anyone) for q in (a, b)] == [True, True]


@pytest.mark.parametrize(("risk", "ppe_for_orange", "plain", "with_ppe"), [
    ("green", False, True, True),
    ("yellow", True, True, True),
    ("orange", False, True, True),
    ("orange", True, False, True),
    ("red", False, False, True),
])
def test_eligible_needs_ppe_for_red_and_orange_if_asked(
        risk: str, ppe_for_orange: bool, plain: bool, with_ppe: bool) -> None:
    """Red homes need skill "ppe"; orange ones only with ``ppe_for_orange``."""
    s = site([home("h", risk=risk)], [vol("P", skills=["ppe", "medical"]), vol("N")],
             parameters={"ppe_for_orange": ppe_for_orange})
    demand = Demand(s)
    (q,) = demand.parcels
    assert demand.eligible(q, s.volunteers[1]) is plain
    assert demand.eligible(q, s.volunteers[0]) is with_ppe


def test_eligible_needs_a_trip_that_holds_the_parcel() -> None:
    """Three bags (2 + 8 + 8 = 18 kg) do not fit hands of 2 bags in one trip, but a
    volunteer without a cart brings them on two (issue 30); carts of 4 bags and 40 kg or
    20 kg hold them; a cart of 4 bags and 15 kg does not."""
    s = site([home("h", bags=bags(2.0, 8.0, 8.0))],
             [vol("Hands"), vol("Cart", cart={"capacity_bags": 4, "capacity_kg": 40}),
              vol("Light", cart={"capacity_bags": 4, "capacity_kg": 20},
                  hand_capacity_kg=10.0),
              vol("Tiny", cart={"capacity_bags": 4, "capacity_kg": 15},
                  hand_capacity_kg=10.0)])
    demand = Demand(s)
    (q,) = demand.parcels
    assert [demand.eligible(q, v) for v in s.volunteers] == [True, True, True, False]
    assert demand.shuttles(q, s.volunteers[0]) and not demand.shuttles(q, s.volunteers[3])
    s2 = site([home("h", bags=bags(2.0, 8.0, 8.0))],
              [vol("Cart", cart={"capacity_bags": 4, "capacity_kg": 40}),
               vol("Small", cart={"capacity_bags": 4, "capacity_kg": 20},
                   hand_capacity_kg=5.0, hand_capacity_bags=2)])
    d2 = Demand(s2)
    # 18 kg fit the 20 kg cart, but an 8 kg bag is more than 5 kg hands can climb with.
    assert not d2.eligible(d2.parcels[0], s2.volunteers[1])


def test_each_bag_must_fit_the_hands_at_the_door_not_at_the_entrance() -> None:
    """A 15 kg bag cannot be climbed by hands of 10 kg, whatever the cart; left at the
    entrance it needs no climbing, so the same volunteer may bring it."""
    carts = {"cart": {"capacity_bags": 4, "capacity_kg": 60}, "hand_capacity_kg": 10.0}
    s = site([home("door", bags=bags(15.0)),
              home("ent", bags=bags(15.0), delivery="entrance")],
             [vol("Weak", **carts), vol("Strong")])
    demand = Demand(s)
    door, ent = demand.parcels
    weak, strong = s.volunteers
    assert (demand.eligible(door, weak), demand.eligible(ent, weak)) == (False, True)
    assert (demand.eligible(door, strong), demand.eligible(ent, strong)) == (True, True)


# Roles and relays.

def test_roles_in_carry_rounds() -> None:
    """A climber makes no trips from the gate; a ferry brings entrance deliveries only
    (it never climbs); "any" brings both."""
    s = site([home("door"), home("ent", delivery="entrance")],
             [vol("F", role="ferry"), vol("C", role="climber"), vol("A", role="any")])
    demand = Demand(s)
    door, ent = demand.parcels
    f, c, a = s.volunteers
    assert [demand.eligible(door, v) for v in (f, c, a)] == [False, False, True]
    assert [demand.eligible(ent, v) for v in (f, c, a)] == [True, False, True]


def test_may_ferry_and_may_climb_by_role_zone_and_station() -> None:
    """Door households are relayed: a ferry or "any" may ferry them (within its zone),
    never a climber; a climber or "any" may climb them, within its zone and station
    (a stairwell or a whole building); a ferry never climbs. Entrance deliveries are
    never relayed."""
    s = site([home("a"), home("b1", "B-1"), home("b2", "B-2"),
              home("ent", delivery="entrance")],
             [vol("F", role="ferry"), vol("FZ", role="ferry", zone=["B"]),
              vol("C", role="climber"), vol("CS", role="climber", station=["B-1"]),
              vol("CB", role="climber", station=["B"]), vol("A")])
    demand = Demand(s)
    qs = demand.parcels
    v = {x.id: x for x in s.volunteers}

    def who(rule) -> dict[str, list[str]]:
        return {q.id: [x for x in v if rule(q, v[x])] for q in qs}

    assert who(demand.may_ferry) == {"a": ["F", "A"], "b1": ["F", "FZ", "A"],
                                     "b2": ["F", "FZ", "A"], "ent": []}
    assert who(demand.may_climb) == {"a": ["C", "A"], "b1": ["C", "CS", "CB", "A"],
                                     "b2": ["C", "CB", "A"], "ent": []}


def test_ppe_is_the_climbers_to_have_not_the_ferrys() -> None:
    """A red household's bags may be ferried without PPE, but climbed only with it."""
    s = site([home("red", risk="red")],
             [vol("F", role="ferry"), vol("C", role="climber"),
              vol("CP", role="climber", skills=["ppe"])])
    demand = Demand(s)
    (q,) = demand.parcels
    f, c, cp = s.volunteers
    assert demand.may_ferry(q, f)
    assert (demand.may_climb(q, c), demand.may_climb(q, cp)) == (False, True)


def test_relays_need_capacity_gate_and_hands() -> None:
    """A ferry whose trip cannot hold the bags, or whose gate never has them, may not
    ferry them; a climber whose hands cannot hold a bag may not climb it."""
    s = site([home("h", bags=bags(2.0, 8.0, 8.0)), home("n")],
             [vol("FH", role="ferry"),
              vol("FC", role="ferry", cart={"capacity_bags": 6, "capacity_kg": 60}),
              vol("FX", role="ferry", gate="H", cart={"capacity_bags": 6, "capacity_kg": 60}),
              vol("CW", role="climber", hand_capacity_kg=6.0), vol("C", role="climber")],
             releases={"G": [{"at": "09:00", "households": ["n"]}]})
    demand = Demand(s)
    h, n = demand.parcels
    v = s.volunteers
    assert [demand.may_ferry(h, x) for x in v[:3]] == [False, True, True]
    assert [demand.may_ferry(n, x) for x in v[:3]] == [True, True, False]  # named at G
    assert (demand.may_climb(h, v[3]), demand.may_climb(h, v[4])) == (False, True)


def test_no_relays_where_the_scenario_forbids_them() -> None:
    """With ``relay: false`` nobody ferries or climbs; carrying is unchanged."""
    s = site([home("a")], [vol("F", role="ferry"), vol("C", role="climber"), vol("A")],
             relay=False)
    demand = Demand(s)
    (q,) = demand.parcels
    assert not any(demand.may_ferry(q, x) or demand.may_climb(q, x) for x in s.volunteers)
    assert [demand.eligible(q, x) for x in s.volunteers] == [False, False, True]
