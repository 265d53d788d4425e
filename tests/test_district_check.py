"""The district checker: a planned district checks clean, and each rule catches a plan
(or a district) mutated to break it; its driving distances follow the road network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from supplyroute.checks import DistrictRule, Violation, check_district
from supplyroute.checks.driving import Driving
from supplyroute.district.joint import DistrictOptions, plan_district
from supplyroute.io import validate_document
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan, VehicleStop
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
OPTIONS = DistrictOptions(time_limit_s=10, round_time_limit_s=2, deterministic=True,
                          iterations=1)


def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def district_data() -> dict[str, Any]:
    """Two compounds served from a market by two vans; insulin for one household of
    bjxilu7 from two hospitals; one dialysis patient of nanxiu12 taken to hospital and
    brought back."""
    return {
        "format": "supplyroute.district",
        "name": "two compounds",
        "depots": [
            {"id": "market", "kind": "market", "position": {"x": 0, "y": 0},
             "open": {"start": "05:30", "end": "20:00"},
             "stock": [{"kind": "living"}, {"kind": "prevention", "kg": 400}]},
            {"id": "H1", "kind": "hospital", "position": {"x": 2000, "y": 3000}},
            {"id": "H2", "kind": "hospital", "position": {"x": -2000, "y": 2000}},
        ],
        "vehicles": [
            {"id": "V1", "capacity_kg": 600, "shift": {"start": "06:00", "end": "18:00"},
             "start": "market"},
            {"id": "V2", "capacity_kg": 500, "capacity_m3": 4, "seats": 2,
             "shift": {"start": "06:00", "end": "18:00"}, "start": "market"},
        ],
        "compounds": [
            {"id": "nanxiu12", "scenario": _example("nanxiu12"),
             "supply_gate": {"position": {"x": 3000, "y": 0}, "bays": 1,
                             "staging_kg": 2000, "dwell_s": 1800}},
            {"id": "bjxilu7", "scenario": _example("bjxilu7"),
             "supply_gate": {"position": {"x": 0, "y": 4000}, "bays": 2,
                             "staging_kg": 1500, "dwell_s": 1800}},
        ],
        "orders": [
            {"id": "insulin", "compound": "bjxilu7", "household": "B1-2-0101",
             "bag_kind": "insulin", "deadline": "12:00",
             "pickups": [{"depot": "H1", "kg": 0.3}, {"depot": "H2", "kg": 0.3}]},
        ],
        "transports": [
            {"id": "dialysis", "compound": "nanxiu12", "household": "B1-1-0101",
             "hospital": "H1", "ready": "08:00", "deadline": "09:00", "back_from": "12:00"},
        ],
    }


@pytest.fixture(scope="module")
def district() -> DistrictScenario:
    return validate_document(DistrictScenario, district_data())


@pytest.fixture(scope="module")
def planned(district: DistrictScenario) -> DistrictPlan:
    return plan_district(district, OPTIONS)


def rules(found: list[Violation]) -> set[DistrictRule]:
    return {v.rule for v in found}


# Mutations: each takes the district and its plan and returns a broken pair.
Pair = tuple[DistrictScenario, DistrictPlan]


def with_stop(plan: DistrictPlan, r_i: int, k: int, **update: Any) -> DistrictPlan:
    """The plan with stop ``k`` of route ``r_i`` changed."""
    route = plan.vehicles[r_i]
    stops = list(route.stops)
    stops[k] = stops[k].model_copy(update=update)
    routes = list(plan.vehicles)
    routes[r_i] = route.model_copy(update={"stops": tuple(stops)})
    return plan.model_copy(update={"vehicles": tuple(routes)})


def find_stop(plan: DistrictPlan, test: Callable[[VehicleStop], bool]
              ) -> tuple[int, int, VehicleStop]:
    """The first stop of the plan that passes ``test``: route index, stop index, stop."""
    for r_i, route in enumerate(plan.vehicles):
        for k, stop in enumerate(route.stops):
            if test(stop):
                return r_i, k, stop
    raise AssertionError("no such stop in the plan")


def route_of(plan: DistrictPlan, vehicle: str) -> int:
    return [r.vehicle for r in plan.vehicles].index(vehicle)


def with_vehicle(district: DistrictScenario, vehicle: str, **update: Any) -> DistrictScenario:
    return district.model_copy(update={"vehicles": tuple(
        v.model_copy(update=update) if v.id == vehicle else v for v in district.vehicles)})


def with_gate(district: DistrictScenario, compound: str, **update: Any) -> DistrictScenario:
    return district.model_copy(update={"compounds": tuple(
        c.model_copy(update={"supply_gate": c.supply_gate.model_copy(update=update)})
        if c.id == compound else c for c in district.compounds)})


def with_depot(district: DistrictScenario, depot: str, **update: Any) -> DistrictScenario:
    return district.model_copy(update={"depots": tuple(
        d.model_copy(update=update) if d.id == depot else d for d in district.depots)})


def with_summary(plan: DistrictPlan, **update: Any) -> DistrictPlan:
    return plan.model_copy(update={"summary": plan.summary.model_copy(update=update)})


def renamed(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, p.model_copy(update={"scenario": "another district"})


def other_version(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """The plan's fingerprint is of the district before a change."""
    return d.model_copy(update={"description": "the market moved"}), p


def unknown_vehicle(d: DistrictScenario, p: DistrictPlan) -> Pair:
    routes = list(p.vehicles)
    routes[0] = routes[0].model_copy(update={"vehicle": "V9"})
    return d, p.model_copy(update={"vehicles": tuple(routes)})


def vehicle_twice(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, p.model_copy(update={"vehicles": p.vehicles + p.vehicles[:1]})


def no_start(d: DistrictScenario, p: DistrictPlan) -> Pair:
    routes = list(p.vehicles)
    routes[0] = routes[0].model_copy(update={"stops": routes[0].stops[1:]})
    return d, p.model_copy(update={"vehicles": tuple(routes)})


def unknown_shipment(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, k, stop = find_stop(p, lambda s: bool(s.picked))
    return d, with_stop(p, r_i, k, picked=stop.picked + ("nowhere:living@market",))


def overloaded(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """A shipment (and its lot) made heavier than the van that carries it."""
    r_i, _k, stop = find_stop(p, lambda s: bool(s.picked))
    extra = d.vehicle_by_id[p.vehicles[r_i].vehicle].capacity_kg
    sid = stop.picked[0]
    shipments = tuple(s.model_copy(update={"kg": s.kg + extra}) if s.id == sid else s
                      for s in p.shipments)
    ship = next(s for s in p.shipments if s.id == sid)
    lots = tuple(lot.model_copy(update={"kg": {**lot.kg, ship.kind: lot.kg[ship.kind] + extra}})
                 if lot.id == ship.lot else lot for lot in p.lots)
    return d, p.model_copy(update={"shipments": shipments, "lots": lots})


def no_seats(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, _k, _stop = find_stop(p, lambda s: bool(s.boarded))
    return with_vehicle(d, p.vehicles[r_i].vehicle, seats=0), p


def no_room(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """Room for 100 kg (at 200 kg/m³) in a van that carries more."""
    r_i = max(range(len(p.vehicles)), key=lambda i: max(s.load_kg for s in p.vehicles[i].stops))
    return with_vehicle(d, p.vehicles[r_i].vehicle, capacity_m3=0.5), p


def wrong_load(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, k, stop = find_stop(p, lambda s: bool(s.picked))
    return d, with_stop(p, r_i, k, load_kg=stop.load_kg + 5)


def short_shift(d: DistrictScenario, p: DistrictPlan) -> Pair:
    route = max(p.vehicles, key=lambda r: r.stops[-1].leave_s)
    return with_vehicle(d, route.vehicle, shift=d.vehicle_by_id[route.vehicle].shift.model_copy(
        update={"end": route.stops[-1].leave_s - 600})), p


def drive_skipped(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """A van at a compound's gate the moment it leaves the depot before."""
    for r_i, route in enumerate(p.vehicles):
        for k in range(1, len(route.stops)):
            prev, stop = route.stops[k - 1], route.stops[k]
            if stop.place in d.compound_by_id and prev.place != stop.place:
                return d, with_stop(p, r_i, k, arrive_s=prev.leave_s)
    raise AssertionError("no drive to a gate")


def loading_skipped(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, k, stop = find_stop(p, lambda s: bool(s.picked) and s.place == "market")
    return d, with_stop(p, r_i, k, leave_s=stop.start_s)


def market_opens_late(d: DistrictScenario, p: DistrictPlan) -> Pair:
    _r_i, _k, stop = find_stop(p, lambda s: bool(s.picked) and s.place == "market")
    hours = d.depot_by_id["market"].open
    return with_depot(d, "market", open=hours.model_copy(update={"start": stop.start_s + 60})), p


def loads_elsewhere(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, _k, stop = find_stop(p, lambda s: bool(s.picked) and s.place == "market")
    return with_vehicle(d, p.vehicles[r_i].vehicle, loads_at=("H2",)), p


def little_prevention(d: DistrictScenario, p: DistrictPlan) -> Pair:
    market = d.depot_by_id["market"]
    stock = tuple(s.model_copy(update={"kg": 50.0}) if s.kind == "prevention" else s
                  for s in market.stock)
    return with_depot(d, "market", stock=stock), p


def never_dropped(d: DistrictScenario, p: DistrictPlan) -> Pair:
    r_i, k, stop = find_stop(p, lambda s: bool(s.dropped))
    return d, with_stop(p, r_i, k, dropped=stop.dropped[1:])


def dropped_elsewhere(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """A shipment for nanxiu12 unloaded at bjxilu7's gate."""
    _r_i, _k, stop = find_stop(p, lambda s: s.place == "bjxilu7" and bool(s.dropped))
    moved = stop.dropped[0]
    return d, p.model_copy(update={"shipments": tuple(
        s.model_copy(update={"compound": "nanxiu12"}) if s.id == moved else s
        for s in p.shipments)})


def same_bay(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """Two vans unloading at bjxilu7 at once, in one bay."""
    at_gate = [(r_i, k, s) for r_i, route in enumerate(p.vehicles)
               for k, s in enumerate(route.stops) if s.place == "bjxilu7" and s.dropped]
    (_ra, _ka, a), (rb, kb, _b) = next(
        (x, y) for x in at_gate for y in at_gate if x[0] != y[0])
    return d, with_stop(p, rb, kb, arrive_s=a.arrive_s, start_s=a.start_s,
                        leave_s=a.leave_s, bay=a.bay)


def one_bay(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """One bay at bjxilu7, where two vans unload at once, or in bays 0 and 1."""
    return with_gate(d, "bjxilu7", bays=1), p


def little_staging(d: DistrictScenario, p: DistrictPlan) -> Pair:
    day = next(g for g in p.gates if g.compound == "bjxilu7")
    return with_gate(d, "bjxilu7", staging_kg=day.staging_peak_kg / 2), p


def wrong_peak(d: DistrictScenario, p: DistrictPlan) -> Pair:
    gates = tuple(g.model_copy(update={"staging_peak_kg": g.staging_peak_kg + 10})
                  for g in p.gates)
    return d, p.model_copy(update={"gates": gates})


def released_early(d: DistrictScenario, p: DistrictPlan) -> Pair:
    lots = (p.lots[0].model_copy(update={"released_s": p.lots[0].arrived_s}),) + p.lots[1:]
    return d, p.model_copy(update={"lots": lots})


def household_left_out(d: DistrictScenario, p: DistrictPlan) -> Pair:
    i = next(i for i, lot in enumerate(p.lots) if lot.order is None and len(lot.households) > 1)
    lots = list(p.lots)
    lots[i] = lots[i].model_copy(update={"households": lots[i].households[1:]})
    return d, p.model_copy(update={"lots": tuple(lots)})


def one_hospital_skipped(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """The insulin from H2 is not fetched: its shipment is gone from the plan."""
    gone = next(s.id for s in p.shipments if s.order == "insulin" and s.depot == "H2")
    routes = tuple(r.model_copy(update={"stops": tuple(
        s.model_copy(update={"picked": tuple(x for x in s.picked if x != gone),
                             "dropped": tuple(x for x in s.dropped if x != gone)})
        for s in r.stops)}) for r in p.vehicles)
    return d, p.model_copy(update={
        "shipments": tuple(s for s in p.shipments if s.id != gone), "vehicles": routes})


def insulin_late(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """The round hands the insulin over after the order's deadline."""
    c_i = [c.compound for c in p.compounds].index("bjxilu7")
    cr = p.compounds[c_i]
    deliveries = tuple(x.model_copy(update={"delivered_s": 13 * 3600.0})
                       if x.household == "B1-2-0101" else x for x in cr.plan.deliveries)
    compounds = list(p.compounds)
    compounds[c_i] = cr.model_copy(update={"plan": cr.plan.model_copy(
        update={"deliveries": deliveries})})
    return d, p.model_copy(update={"compounds": tuple(compounds)})


def patient_late(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """The dialysis patient gets out at the hospital after the deadline."""
    r_i, k, stop = find_stop(p, lambda s: "dialysis" in s.alighted and s.place == "H1")
    late = d.transports[0].deadline + 600
    return d, with_stop(p, r_i, k, arrive_s=late, start_s=late,
                        leave_s=late + stop.leave_s - stop.start_s)


def wrong_leg(d: DistrictScenario, p: DistrictPlan) -> Pair:
    legs = (p.transports[0].model_copy(update={"picked_s": p.transports[0].picked_s - 300}),)
    return d, p.model_copy(update={"transports": legs + p.transports[1:]})


def no_ride_back(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """The patient is taken to the hospital but nobody fetches them back."""
    r_i, k, _stop = find_stop(p, lambda s: "dialysis" in s.boarded and s.place == "H1")
    p = with_stop(p, r_i, k, boarded=())
    r_j, j, _stop = find_stop(p, lambda s: "dialysis" in s.alighted and s.place == "nanxiu12")
    return d, with_stop(p, r_j, j, alighted=())


def round_late(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """A hand-over in the ledger an hour after the door's."""
    cr = p.compounds[0]
    first = cr.plan.deliveries[0]
    deliveries = (first.model_copy(update={"delivered_s": first.delivered_s + 3600}),
                  ) + cr.plan.deliveries[1:]
    rounds = (cr.model_copy(update={"plan": cr.plan.model_copy(
        update={"deliveries": deliveries})}),) + p.compounds[1:]
    return d, p.model_copy(update={"compounds": rounds})


def lots_later(d: DistrictScenario, p: DistrictPlan) -> Pair:
    """Every lot released an hour later than the rounds were planned for."""
    lots = tuple(lot.model_copy(update={"released_s": lot.released_s + 3600}) for lot in p.lots)
    return d, p.model_copy(update={"lots": lots})


def round_missing(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, p.model_copy(update={"compounds": p.compounds[1:]})


def wrong_household_time(d: DistrictScenario, p: DistrictPlan) -> Pair:
    cr = p.compounds[0]
    row = cr.households[0].model_copy(update={"goods_in_s": cr.households[0].goods_in_s - 60})
    rounds = (cr.model_copy(update={"households": (row,) + cr.households[1:]}),
              ) + p.compounds[1:]
    return d, p.model_copy(update={"compounds": rounds})


def wrong_makespan(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, with_summary(p, makespan_s=p.summary.makespan_s + 60)


def wrong_km(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, with_summary(p, truck_km=p.summary.truck_km + 1)


def bound_above(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, with_summary(p, lower_bound_s=p.summary.makespan_s + 60, gap=-0.01)


def wrong_counts(d: DistrictScenario, p: DistrictPlan) -> Pair:
    return d, with_summary(p, vehicles_used=p.summary.vehicles_used + 1,
                           transports_met=0, orders_met=0)


MUTATIONS: list[tuple[Callable[[DistrictScenario, DistrictPlan], Pair], DistrictRule]] = [
    (renamed, DistrictRule.STRUCTURE),
    (other_version, DistrictRule.STRUCTURE),
    (unknown_vehicle, DistrictRule.STRUCTURE),
    (vehicle_twice, DistrictRule.STRUCTURE),
    (no_start, DistrictRule.STRUCTURE),
    (unknown_shipment, DistrictRule.STRUCTURE),
    (overloaded, DistrictRule.CAPACITY),
    (no_seats, DistrictRule.CAPACITY),
    (no_room, DistrictRule.CAPACITY),
    (wrong_load, DistrictRule.CAPACITY),
    (short_shift, DistrictRule.SHIFT),
    (drive_skipped, DistrictRule.TIMING),
    (loading_skipped, DistrictRule.TIMING),
    (market_opens_late, DistrictRule.OPENING),
    (loads_elsewhere, DistrictRule.LOADS_AT),
    (little_prevention, DistrictRule.STOCK),
    (never_dropped, DistrictRule.PICKUP),
    (dropped_elsewhere, DistrictRule.PICKUP),
    (same_bay, DistrictRule.BAYS),
    (one_bay, DistrictRule.BAYS),
    (little_staging, DistrictRule.STAGING),
    (wrong_peak, DistrictRule.STAGING),
    (released_early, DistrictRule.RELEASE),
    (household_left_out, DistrictRule.RELEASE),
    (one_hospital_skipped, DistrictRule.ORDER),
    (one_hospital_skipped, DistrictRule.RELEASE),
    (insulin_late, DistrictRule.ORDER),
    (patient_late, DistrictRule.TRANSPORT),
    (wrong_leg, DistrictRule.TRANSPORT),
    (no_ride_back, DistrictRule.TRANSPORT),
    (round_late, DistrictRule.ROUND),
    (lots_later, DistrictRule.ROUND),
    (round_missing, DistrictRule.ROUND),
    (wrong_household_time, DistrictRule.ROUND),
    (wrong_makespan, DistrictRule.SUMMARY),
    (wrong_km, DistrictRule.SUMMARY),
    (bound_above, DistrictRule.CLAIM),
    (wrong_counts, DistrictRule.SUMMARY),
]


def test_the_plan_checks_clean(district: DistrictScenario, planned: DistrictPlan) -> None:
    assert [str(v) for v in check_district(district, planned)] == []


def test_the_plan_survives_json(district: DistrictScenario, planned: DistrictPlan) -> None:
    again = DistrictPlan.model_validate_json(planned.model_dump_json())
    assert check_district(district, again) == []


def test_every_rule_has_a_mutation() -> None:
    assert {rule for _mutate, rule in MUTATIONS} == set(DistrictRule)


@pytest.mark.parametrize(("mutate", "rule"), MUTATIONS,
                         ids=[f"{m.__name__}-{r.value}" for m, r in MUTATIONS])
def test_a_mutation_is_caught(district: DistrictScenario, planned: DistrictPlan,
                              mutate: Callable[[DistrictScenario, DistrictPlan], Pair],
                              rule: DistrictRule) -> None:
    broken_district, broken_plan = mutate(district, planned)
    found = check_district(broken_district, broken_plan)
    assert rule in rules(found), [str(v) for v in found]


def test_a_violation_reads_rule_place_and_message(district: DistrictScenario,
                                                  planned: DistrictPlan) -> None:
    found = check_district(*wrong_makespan(district, planned))
    assert str(found[0]).startswith("summary: summary.makespan_s: stated ")


def test_goods_that_never_came_are_never_released(district: DistrictScenario,
                                                 planned: DistrictPlan) -> None:
    """Without nanxiu12's lots its round has nothing to hand out: the rebuilt day
    scenario releases none of its households, so the round's trips break the doorstep
    release rule (the fingerprint is left out to see that rule, not the fingerprint's)."""
    c_i = [c.compound for c in planned.compounds].index("nanxiu12")
    cr = planned.compounds[c_i]
    rounds = list(planned.compounds)
    rounds[c_i] = cr.model_copy(update={"plan": cr.plan.model_copy(
        update={"scenario_sha256": None})})
    broken = planned.model_copy(update={
        "lots": tuple(lot for lot in planned.lots if lot.compound != "nanxiu12"),
        "compounds": tuple(rounds)})
    found = check_district(district, broken)
    assert any(v.rule is DistrictRule.ROUND and v.path.startswith(f"compounds[{c_i}].plan.")
               and "release" in v.message for v in found), [str(v) for v in found]
    assert any(v.rule is DistrictRule.RELEASE and "in 0 lots" in v.message for v in found)


def test_driving_follows_the_roads() -> None:
    """A place joins the network at its named node, or at the nearest node by a straight
    link; an edge's length is its stated one, or the straight line."""
    data = district_data()
    data["compounds"] = data["compounds"][:1]
    data["orders"] = []
    data["transports"] = []
    data["depots"] = data["depots"][:1]
    data["depots"][0]["node"] = "a"
    data["compounds"][0]["supply_gate"]["position"] = {"x": 3000, "y": 400}
    data["roads"] = {
        "nodes": [{"id": "a", "position": {"x": 0, "y": 0}},
                  {"id": "b", "position": {"x": 0, "y": 3000}},
                  {"id": "c", "position": {"x": 3000, "y": 3000}},
                  {"id": "d", "position": {"x": 3000, "y": 0}}],
        "edges": [{"a": "a", "b": "b"}, {"a": "b", "b": "c"},
                  {"a": "c", "b": "d", "length_m": 3500}],
    }
    district = validate_document(DistrictScenario, data)
    driving = Driving(district)
    assert driving.problem is None
    # a -> b -> c -> d (3000 + 3000 + 3500), then 400 m straight to the gate.
    assert driving.metres("market", "nanxiu12") == pytest.approx(9900.0)
    assert driving.metres("nanxiu12", "market") == pytest.approx(9900.0)
    assert driving.metres("market", "market") == 0.0


def test_a_plan_on_roads_checks_clean() -> None:
    """The planner's driving on a road network is the checker's (one compound, one van)."""
    data = district_data()
    data["compounds"] = data["compounds"][:1]
    data["orders"] = []
    data["transports"] = []
    data["depots"] = data["depots"][:1]
    data["vehicles"] = data["vehicles"][:1]
    data["compounds"][0]["supply_gate"]["position"] = {"x": 3000, "y": 400}
    data["roads"] = {
        "nodes": [{"id": "a", "position": {"x": 100, "y": 0}},
                  {"id": "b", "position": {"x": 0, "y": 3000}},
                  {"id": "c", "position": {"x": 3000, "y": 3000}}],
        "edges": [{"a": "a", "b": "b"}, {"a": "b", "b": "c", "length_m": 3500}],
    }
    district = validate_document(DistrictScenario, data)
    plan = plan_district(district, OPTIONS)
    assert [str(v) for v in check_district(district, plan)] == []
    assert plan.summary.truck_km > 2 * 3.5
