"""Unit tests of :mod:`supplyroute.compound.trips`: trip shapes timed from loading.

The compounds here put the gate and the stairwell entrances on whole-metre points,
walk at 1 m/s and use no detour (``detour_factor`` 1), so that every offset below is a
sum of the documented parameters worked out by hand: loading 120 s, stairs up 18 s and
down 10 s a floor, a hand-over 30 s, an entrance drop 10 s a bag.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel
from supplyroute.compound.trips import MAX_EXACT_STOPS, TripBuilder, to_run, to_trip
from supplyroute.io import validate_document
from supplyroute.models import Scenario

SHIFT = {"start": "08:00", "end": "18:00"}
T8 = 8 * 3600.0
#: Stairwell entrances: S1 60 m east of the gate, S2 100 m away (60 east, 80 north),
#: S1-S2 80 m apart; L1 is in a building with a lift, 30 m north of the gate.
PLACES = {"S1": (60, 0), "S2": (60, 80), "L1": (0, 30)}


def site(households: list[dict[str, Any]], volunteers: list[dict[str, Any]] | None = None,
         places: dict[str, tuple[float, float]] | None = None,
         **parameters: Any) -> Scenario:
    """A compound with the gate G at the origin and one building per entrance of
    ``places`` (``L*`` ones have a lift); walking 1 m/s on straight lines."""
    places = places or PLACES
    data: dict[str, Any] = {
        "name": "trips",
        "parameters": {"detour_factor": 1.0, "walk_speed_mps": 1.0, **parameters},
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [
            {"id": f"B{sid}", "floors": 8, "lift": sid.startswith("L"),
             "stairwells": [{"id": sid, "entrance": {"x": x, "y": y}}]}
            for sid, (x, y) in places.items()
        ],
        "households": households,
        "volunteers": volunteers or [{"id": "V1", "shift": SHIFT, "gate": "G"}],
    }
    return validate_document(Scenario, data)


def home(hid: str, stairwell: str, floor: int, bags: int = 1, kg: float = 8.0,
         **extra: Any) -> dict[str, Any]:
    """A household with ``bags`` bags of ``kg`` each."""
    return {"id": hid, "stairwell": stairwell, "floor": floor,
            "bags": [{"kind": f"b{i}", "weight_kg": kg} for i in range(bags)], **extra}


def builder(s: Scenario) -> tuple[TripBuilder, list[Parcel]]:
    demand = Demand(s)
    return TripBuilder(demand, Travel(s)), demand.parcels


def test_one_stairwell_trip_offsets_by_hand() -> None:
    """Two one-bag households on floors 3 and 5 of S1 (60 m away): load 120, walk 60,
    up 2 floors (36) + hand-over (30) = 246, up 2 more + hand-over = 312, down 4
    floors (40) = 352, walk back 60 = 412."""
    b, (h3, h5) = builder(site([home("h3", "S1", 3), home("h5", "S1", 5)]))
    shape = b.shape(0, [h3, h5])
    assert shape.depart_off == 120.0
    (stop,) = shape.stops
    assert stop.stairwell == "S1"
    assert math.isclose(stop.arrive_off, 180.0)
    (run,) = stop.runs
    assert [(q.id, idx, off) for q, idx, off in run.doors] == [("h3", (0,), 246.0),
                                                                ("h5", (0,), 312.0)]
    assert (run.start_off, run.end_off, run.top_floor, run.bags, run.kg) == (
        180.0, 352.0, 5, 2, 16.0)
    assert math.isclose(stop.leave_off, 352.0)
    assert math.isclose(shape.return_off, 412.0)
    assert shape.free_off == shape.return_off
    assert shape.last_delivery_off == 312.0
    assert math.isclose(shape.saving, 100.0)  # descent 40 + walk back 60
    assert math.isclose(shape.walk_m, 120.0)
    assert shape.floors_climbed == 4
    assert (shape.bags, shape.kg, shape.key, shape.standard) == (2, 16.0, (0, 1), True)
    assert shape.first_offsets == {"h3": 246.0, "h5": 312.0}
    assert shape.delivered_offsets == {"h3": 246.0, "h5": 312.0}


def test_entrance_drops_come_before_the_climbs() -> None:
    """At a stop, an entrance household's 2 bags are dropped first (10 s a bag), then
    the climb to floor 2 starts: 180 + 20 = 200, then 18 + 30 = 248, down 10 = 258."""
    s = site([home("e", "S1", 4, bags=2, delivery="entrance"), home("d", "S1", 2)])
    b, (e, d) = builder(s)
    shape = b.shape(0, [d, e])
    (stop,) = shape.stops
    assert [(q.id, idx, off) for q, idx, off in stop.drops] == [("e", (0, 1), 200.0)]
    (run,) = stop.runs
    assert [(q.id, off) for q, _, off in run.doors] == [("d", 248.0)]
    assert run.end_off == 258.0
    assert math.isclose(shape.return_off, 318.0)
    assert shape.floors_climbed == 1  # the entrance household's floor is never climbed


def test_two_stairwells_visited_in_shortest_order() -> None:
    """S1 then S2 (or back): 60 + 80 + 100 = 240 m walked; the first stop reached at
    120 + 60 or 120 + 100, the second 80 s later; one ground-floor hand-over each."""
    b, (a, c) = builder(site([home("a", "S1", 1), home("c", "S2", 1)]))
    shape = b.shape(0, [a, c])
    assert math.isclose(shape.walk_m, 240.0)
    first, second = shape.stops
    walk_first = 60.0 if first.stairwell == "S1" else 100.0
    assert math.isclose(first.arrive_off, 120.0 + walk_first)
    assert math.isclose(first.leave_off, first.arrive_off + 30.0)  # floor 1: hand-over only
    assert math.isclose(second.arrive_off, first.leave_off + 80.0)
    assert math.isclose(shape.return_off, 120.0 + 240.0 + 60.0)
    # An order given explicitly is kept.
    forced = b.shape(0, [a, c], order=("S2", "S1"))
    assert [st.stairwell for st in forced.stops] == ["S2", "S1"]
    assert math.isclose(forced.stops[0].arrive_off, 220.0)


def test_runs_grouped_from_the_top_floor_down_within_hand_capacity() -> None:
    """Hands of 2 bags, 20 kg: floor 6 (2 bags) fills a run; floors 5 and 4 share one;
    floor 2 climbs alone. A 3-bag household is split over two runs; 12 kg bags go
    one a run (two would weigh 24 kg)."""
    s = site([home("f2", "S1", 2), home("f6", "S1", 6, bags=2), home("f4", "S1", 4),
              home("f5", "S1", 5), home("big", "S2", 7, bags=3), home("low", "S2", 3),
              home("heavy", "L1", 4, bags=2, kg=12.0)],
             [{"id": "V1", "shift": SHIFT, "gate": "G",
               "cart": {"capacity_bags": 10, "capacity_kg": 100}}])
    b, q = builder(s)
    f2, f6, f4, f5, big, low, heavy = q

    def ids(runs: list) -> list[list[tuple[str, tuple[int, ...]]]]:
        return [[(p.id, idx) for p, idx in run] for run in runs]

    assert ids(b.runs(0, [f2, f6, f4, f5])) == [[("f6", (0, 1))], [("f5", (0,)), ("f4", (0,))],
                                                [("f2", (0,))]]
    assert ids(b.runs(0, [low, big])) == [[("big", (0, 1))], [("big", (2,)), ("low", (0,))]]
    assert ids(b.runs(0, [heavy])) == [[("heavy", (0,))], [("heavy", (1,))]]
    # The trip climbs the low runs first and the top floor last (its descent comes after
    # the last hand-over).
    shape = b.shape(0, [f2, f6, f4, f5])
    assert [r.top_floor for r in shape.stops[0].runs] == [2, 5, 6]
    assert shape.floors_climbed == 1 + 4 + 5


def test_volunteer_hands_set_the_runs() -> None:
    """A volunteer whose hands hold 4 bags and 40 kg climbs the same four bags in one
    run."""
    s = site([home("f2", "S1", 2), home("f6", "S1", 6, bags=2), home("f4", "S1", 4)],
             [{"id": "V1", "shift": SHIFT, "gate": "G", "hand_capacity_bags": 4,
               "hand_capacity_kg": 40,
               "cart": {"capacity_bags": 10, "capacity_kg": 100}}])
    b, q = builder(s)
    (run,) = b.runs(0, q)
    assert [(p.id, idx) for p, idx in run] == [("f6", (0, 1)), ("f4", (0,)), ("f2", (0,))]


def test_time_run_with_a_lift() -> None:
    """In a lift building a run to floors 3 and 5 waits for the lift (45 s) and rides
    4 s a floor: 45 + 8 + 30 = 83, + 8 + 30 = 121, down 45 + 16 = 182."""
    b, q = builder(site([home("a", "L1", 3), home("c", "L1", 5)]))
    run = b.time_run("L1", [(q[1], (0,)), (q[0], (0,))], 100.0)
    assert [(p.id, off) for p, _, off in run.doors] == [("a", 183.0), ("c", 221.0)]
    assert (run.start_off, run.end_off, run.top_floor, run.bags, run.kg) == (
        100.0, 282.0, 5, 2, 16.0)
    assert b.shape(0, q).floors_climbed == 0  # a lift climbs no stairs


def test_fits_counts_bags_and_kg() -> None:
    """Hands hold 2 bags and 20 kg; a cart of 5 bags, 30 kg holds 3 bags of 9 kg but
    not 4 (36 kg)."""
    hs = [home(f"h{i}", "S1", 2, kg=9.0) for i in range(4)]
    s = site(hs, [{"id": "H", "shift": SHIFT, "gate": "G"},
                  {"id": "C", "shift": SHIFT, "gate": "G",
                   "cart": {"capacity_bags": 5, "capacity_kg": 30}}])
    b, q = builder(s)
    assert b.fits(0, q[:2]) and not b.fits(0, q[:3])
    assert b.fits(1, q[:3]) and not b.fits(1, q)
    assert b.capacity(0) == (2, 20.0) and b.capacity(1) == (5, 30.0)


def test_relayed_parcels_are_dropped_not_climbed() -> None:
    """A relayed household is put down in the entrance buffer (relay drop, default 10 s
    a bag) after the entrance drops and before the climbs; it is in no run and has no
    hand-over on the trip (the climber's)."""
    s = site([home("r", "S1", 6, bags=2), home("d", "S1", 3)])
    b, (r, d) = builder(s)
    shape = b.shape(0, [r, d], relayed=frozenset({r.index}))
    (stop,) = shape.stops
    assert [(q.id, idx, off) for q, idx, off in stop.relays] == [("r", (0, 1), 200.0)]
    (run,) = stop.runs
    assert [q.id for q, _, _ in run.doors] == ["d"]
    assert run.start_off == 200.0 and run.doors[0][2] == 200.0 + 36 + 30
    assert shape.relayed == frozenset({r.index})
    assert shape.floors_climbed == 2
    assert "r" not in shape.delivered_offsets and "r" not in shape.first_offsets
    # The relay drop time is a parameter of its own.
    s2 = site([home("r", "S1", 6, bags=2)], relay_drop_s_per_bag=4.0)
    b2, (r2,) = builder(s2)
    shape2 = b2.shape(0, [r2], relayed=frozenset({r2.index}))
    assert shape2.stops[0].relays[0][2] == 188.0
    assert math.isclose(shape2.return_off, 248.0)  # 188 + walk back 60


def test_free_off_adds_disinfection_after_red_and_orange_homes() -> None:
    """With 300 s of disinfection, a trip to a red or an orange household frees the
    volunteer 300 s after its return; a green or yellow one at its return."""
    hs = [home(c, "S1", 2, risk=c) for c in ("green", "yellow", "orange", "red")]
    s = site(hs, [{"id": "V1", "shift": SHIFT, "gate": "G", "skills": ["ppe"]}],
             disinfection_s=300.0)
    b, q = builder(s)
    for parcel, extra in zip(q, (0.0, 0.0, 300.0, 300.0), strict=True):
        shape = b.shape(0, [parcel])
        assert shape.free_off == shape.return_off + extra, parcel.id
    assert b.shape(0, [q[0], q[3]]).free_off == b.shape(0, [q[0], q[3]]).return_off + 300.0


def test_priority_households_climb_first() -> None:
    """An urgent household on the top floor is climbed before a standard one below
    (runs are ordered by priority, then height), and the trip is not standard."""
    s = site([home("std", "S1", 2), home("urg", "S1", 6, priority="urgent"),
              home("x", "S1", 5)],
             [{"id": "V1", "shift": SHIFT, "gate": "G", "hand_capacity_bags": 1,
               "cart": {"capacity_bags": 4, "capacity_kg": 40}}])
    b, q = builder(s)
    shape = b.shape(0, q)
    assert [r.doors[0][0].id for r in shape.stops[0].runs] == ["urg", "std", "x"]
    assert not shape.standard


def test_to_trip_reproduces_the_offsets_at_a_start_time() -> None:
    """The plan model of a trip loading at 08:00: every time is 08:00 plus its offset."""
    s = site([home("h3", "S1", 3), home("h5", "S1", 5), home("e", "S2", 2,
                                                            delivery="entrance")],
             [{"id": "V1", "shift": SHIFT, "gate": "G",
               "cart": {"capacity_bags": 6, "capacity_kg": 60}}])
    b, q = builder(s)
    shape = b.shape(0, q)
    trip = to_trip(b, shape, T8)
    assert (trip.gate, trip.mode, trip.bags, trip.carry_kg) == ("G", "cart", 3, 24.0)
    assert trip.start_s == T8 and trip.depart_s == T8 + 120.0
    assert trip.return_s == round(T8 + shape.return_off, 2)
    assert trip.walk_m == round(shape.walk_m, 2)
    for stop_model, stop in zip(trip.stops, shape.stops, strict=True):
        assert stop_model.stairwell == stop.stairwell
        assert stop_model.arrive_s == round(T8 + stop.arrive_off, 2)
        assert stop_model.leave_s == round(T8 + stop.leave_off, 2)
        assert [(d.household, d.delivered_s) for d in stop_model.drops] == [
            (p.id, round(T8 + off, 2)) for p, _, off in stop.drops]
        for run_model, run in zip(stop_model.runs, stop.runs, strict=True):
            assert run_model == to_run(run, T8)
            assert (run_model.start_s, run_model.end_s) == (T8 + run.start_off,
                                                            T8 + run.end_off)
    doors = {d.household: d.delivered_s for st_ in trip.stops for r in st_.runs for d in r.doors}
    drops = {d.household: d.delivered_s for st_ in trip.stops for d in st_.drops}
    assert doors | drops == {k: T8 + off for k, off in shape.delivered_offsets.items()}


def test_to_trip_shifts_everything_after_a_wait_for_room() -> None:
    """A ferry that waited 15 s for room in the buffer drops its bags 15 s later, and
    everything after (the climbs, the return) moves by 15 s; the arrival does not."""
    s = site([home("r", "S1", 6), home("d", "S1", 3)])
    b, (r, d) = builder(s)
    shape = b.shape(0, [r, d], relayed=frozenset({r.index}))
    trip = to_trip(b, shape, T8, waits={r.index: 15.0})
    (stop,) = trip.stops
    assert stop.arrive_s == T8 + 180.0
    assert [(x.household, x.dropped_s) for x in stop.relays] == [("r", T8 + 190.0 + 15.0)]
    assert stop.runs[0].doors[0].delivered_s == T8 + 190.0 + 15.0 + 36.0 + 30.0
    assert trip.return_s == T8 + shape.return_off + 15.0


def _walk(order: tuple[str, ...], places: dict[str, tuple[float, float]]) -> float:
    """Gate -> order -> gate, straight lines, our own arithmetic."""
    seq = [(0.0, 0.0), *(places[s] for s in order), (0.0, 0.0)]
    return sum(math.dist(a, b) for a, b in itertools.pairwise(seq))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(-200, 200), st.integers(-200, 200)),
                min_size=1, max_size=MAX_EXACT_STOPS, unique=True))
def test_stop_order_is_the_shortest_walk_up_to_six_stops(points: list[tuple[int, int]]
                                                         ) -> None:
    """Up to six stairwells the stop order walks no more than the best of all orders
    (brute force over permutations with straight-line distances)."""
    points = [p for p in points if p != (0, 0)] or [(1, 1)]
    places = {f"S{i}": (float(x), float(y)) for i, (x, y) in enumerate(points)}
    s = site([home(f"h{sid}", sid, 1) for sid in places], places=places)
    b, _ = builder(s)
    order = b.stop_order(0, list(places))
    assert sorted(order) == sorted(places)
    best = min(_walk(p, places) for p in itertools.permutations(places))
    assert math.isclose(_walk(tuple(order), places), best, rel_tol=1e-9, abs_tol=1e-6)
