"""Single edits of the example district's plan, each refused by the district checker.

The example district (four compounds, 1,274 households, seven vehicles, an insulin
order and a dialysis patient) is planned once per test session in deterministic mode
with short limits; then every edit below changes one thing a coordinator could be
handed wrongly (a claim, a summary figure, a van's figure, a lot, a round's ledger)
and the checker must refuse it, naming the rule. The unedited plan is accepted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from supplyroute.checks import DistrictRule, check_district
from supplyroute.district.joint import DistrictOptions, plan_district
from supplyroute.errors import ExitCode
from supplyroute.io import load_district
from supplyroute.models.district import DistrictScenario
from supplyroute.models.district_plan import DistrictPlan
from tests.conftest import ROOT, cli

EXAMPLE = ROOT / "examples" / "district.json"
#: Short limits: a deterministic plan stops on its counts (``round_effort`` makes one
#: steering round per strategy), so this plan is the same on every machine.
QUICK = DistrictOptions(time_limit_s=5, round_time_limit_s=2, deterministic=True,
                        iterations=1, round_effort=0.1)

Doc = dict[str, Any]
Edit = Callable[[Doc, DistrictScenario], None]


class Mutation(NamedTuple):
    """A named single edit of the plan (its JSON document, changed in place) and the
    rule the checker must name for it."""

    name: str
    edit: Edit
    rule: DistrictRule


@pytest.fixture(scope="session")
def example_district() -> tuple[DistrictScenario, DistrictPlan]:
    district = load_district(EXAMPLE)
    return district, plan_district(district, QUICK)


# Finding things in the plan's document.
def _round(p: Doc, compound: str) -> Doc:
    return next(c for c in p["compounds"] if c["compound"] == compound)


def _largest(p: Doc) -> Doc:
    """The round of the most households (576 or 600)."""
    return max(p["compounds"], key=lambda c: len(c["plan"]["deliveries"]))


def _smallest(p: Doc) -> Doc:
    return min(p["compounds"], key=lambda c: len(c["plan"]["deliveries"]))


def _stop(p: Doc, test: Callable[[Doc], bool]) -> Doc:
    return next(s for r in p["vehicles"] for s in r["stops"] if test(s))


def _route_with(p: Doc, test: Callable[[Doc], bool]) -> Doc:
    return next(r for r in p["vehicles"] if any(test(s) for s in r["stops"]))


def _lot(p: Doc, compound: str | None = None) -> Doc:
    """The first household lot (not a medicine order's), of ``compound`` if named."""
    return next(lot for lot in p["lots"] if lot["order"] is None
                and (compound is None or lot["compound"] == compound))


def _summary(**change: Any) -> Edit:
    def edit(p: Doc, d: DistrictScenario) -> None:
        for key, value in change.items():
            p["summary"][key] = value(p["summary"]) if callable(value) else value
    return edit


def _gap(sm: Doc) -> float:
    return round(sm["makespan_s"] / sm["lower_bound_s"] - 1, 4)


# The district's bound and gap.
def bound_raised_to_makespan(p: Doc, d: DistrictScenario) -> None:
    p["summary"].update(lower_bound_s=p["summary"]["makespan_s"], gap=0.0)


def bound_raised_a_tenth(p: Doc, d: DistrictScenario) -> None:
    sm = p["summary"]
    sm["lower_bound_s"] = round(sm["lower_bound_s"] * 1.1, 1)
    sm["gap"] = _gap(sm)


def bound_raised_a_minute(p: Doc, d: DistrictScenario) -> None:
    sm = p["summary"]
    sm["lower_bound_s"] += 60
    sm["gap"] = _gap(sm)


def bound_kind_other_compound(p: Doc, d: DistrictScenario) -> None:
    named = p["summary"]["bound"].removeprefix("compound ")
    other = next(c.id for c in d.compounds if c.id != named)
    p["summary"]["bound"] = f"compound {other}"


def bound_with_zero_and_a_gap(p: Doc, d: DistrictScenario) -> None:
    p["summary"].update(lower_bound_s=0.0, gap=0.25)


def bound_zero_label_partial(p: Doc, d: DistrictScenario) -> None:
    """Every household served, yet the bound says the plan does not serve them all."""
    p["summary"].update(lower_bound_s=0.0, gap=None,
                        bound="none: the plan does not serve every household")


def bound_zero_no_gap(p: Doc, d: DistrictScenario) -> None:
    p["summary"].update(lower_bound_s=0.0, gap=None)


# A round's claims inside the district.
def _round_summary(pick: Callable[[Doc], Doc], **change: Any) -> Edit:
    def edit(p: Doc, d: DistrictScenario) -> None:
        sm = pick(p)["plan"]["summary"]
        for key, value in change.items():
            sm[key] = value(sm) if callable(value) else value
    return edit


def round_bound_raised_to_makespan(p: Doc, d: DistrictScenario) -> None:
    sm = _largest(p)["plan"]["summary"]
    sm.update(lower_bound_s=sm["makespan_s"], gap=0.0)


def round_bound_raised_a_tenth(p: Doc, d: DistrictScenario) -> None:
    sm = _largest(p)["plan"]["summary"]
    sm["lower_bound_s"] = round(sm["lower_bound_s"] * 1.1, 2)
    sm["gap"] = round(sm["makespan_s"] / sm["lower_bound_s"] - 1, 5)


def small_round_bound_raised(p: Doc, d: DistrictScenario) -> None:
    sm = _round(p, "bjxilu7")["plan"]["summary"]
    sm["lower_bound_s"] = round(sm["lower_bound_s"] * 1.05, 2)
    sm["gap"] = round(sm["makespan_s"] / sm["lower_bound_s"] - 1, 5)


def round_bound_kind_single_parcel(p: Doc, d: DistrictScenario) -> None:
    """The work LP's value relabelled as the single-parcel argument's."""
    _largest(p)["plan"]["summary"]["bound"] = "single-parcel"


def round_mode_relay(p: Doc, d: DistrictScenario) -> None:
    _largest(p)["plan"]["summary"]["mode"] = "relay"


# The summary's figures.
def last_delivery_and_makespan_earlier(p: Doc, d: DistrictScenario) -> None:
    sm = p["summary"]
    sm["last_delivery_s"] -= 600
    sm["makespan_s"] -= 600
    sm["gap"] = _gap(sm)


# Vans.
def van_renamed_donor_truck(p: Doc, d: DistrictScenario) -> None:
    route = _route_with(p, lambda s: s["place"] == "market" and bool(s["picked"]))
    route["vehicle"] = "donor-truck"


def van_km(p: Doc, d: DistrictScenario) -> None:
    p["vehicles"][0]["km"] += 1.0


def van_km_and_total(p: Doc, d: DistrictScenario) -> None:
    """A van's km and the district's total lowered together."""
    p["vehicles"][0]["km"] -= 2.0
    p["summary"]["truck_km"] -= 2.0


def van_load(p: Doc, d: DistrictScenario) -> None:
    _stop(p, lambda s: bool(s["picked"]))["load_kg"] += 5


def van_drive_skipped(p: Doc, d: DistrictScenario) -> None:
    for route in p["vehicles"]:
        stops = route["stops"]
        for prev, stop in zip(stops, stops[1:], strict=False):
            if stop["dropped"] and prev["place"] != stop["place"]:
                stop["arrive_s"] = stop["start_s"] = prev["leave_s"]
                return
    raise AssertionError("no drive to a gate")


def van_unloading_skipped(p: Doc, d: DistrictScenario) -> None:
    stop = _stop(p, lambda s: bool(s["dropped"]))
    stop["leave_s"] = stop["start_s"]


def van_bay_out_of_range(p: Doc, d: DistrictScenario) -> None:
    _stop(p, lambda s: bool(s["dropped"]))["bay"] = 7


def van_late_back(p: Doc, d: DistrictScenario) -> None:
    last = p["vehicles"][0]["stops"][-1]
    last["arrive_s"] = last["start_s"] = last["leave_s"] = 19 * 3600.0


def van_starts_early(p: Doc, d: DistrictScenario) -> None:
    first = p["vehicles"][0]["stops"][0]
    first["arrive_s"] = first["start_s"] = first["leave_s"] = first["start_s"] - 600


def van_delivery_dropped(p: Doc, d: DistrictScenario) -> None:
    """A delivery stop taken out of its route (its goods never unloaded)."""
    route = p["vehicles"][0]
    k = next(k for k, s in enumerate(route["stops"]) if s["dropped"])
    del route["stops"][k]


def van_picks_twice(p: Doc, d: DistrictScenario) -> None:
    stop = _stop(p, lambda s: bool(s["picked"]))
    stop["picked"].append(stop["picked"][0])


def van_loads_at_donor(p: Doc, d: DistrictScenario) -> None:
    _stop(p, lambda s: s["place"] == "market" and bool(s["picked"]))["place"] = "donor"


# Shipments and lots.
def shipment_heavier(p: Doc, d: DistrictScenario) -> None:
    p["shipments"][0]["kg"] += 10


def shipment_other_depot(p: Doc, d: DistrictScenario) -> None:
    sh = next(s for s in p["shipments"] if s["depot"] == "market")
    sh["depot"] = "supermarket" if "supermarket" in d.depot_by_id else "donor"


def lot_released_early(p: Doc, d: DistrictScenario) -> None:
    lot = _lot(p)
    lot["released_s"] = lot["arrived_s"] + 60


def lot_arrived_early(p: Doc, d: DistrictScenario) -> None:
    lot = _lot(p)
    lot["arrived_s"] -= 600
    lot["released_s"] -= 600


def lot_released_later(p: Doc, d: DistrictScenario) -> None:
    """A lot of the largest compound released two hours later than its round was
    planned for (and its households' rows with it)."""
    compound = _largest(p)["compound"]
    lot = _lot(p, compound)
    lot["released_s"] += 7200
    for row in _round(p, compound)["households"]:
        if row["household"] in lot["households"]:
            row["released_s"] += 7200


def lot_kg(p: Doc, d: DistrictScenario) -> None:
    lot = _lot(p)
    kind = next(iter(lot["kg"]))
    lot["kg"][kind] += 5


def lot_household_moved(p: Doc, d: DistrictScenario) -> None:
    """A household moved from its lot to the next lot of its compound."""
    compound = _largest(p)["compound"]
    lots = [lot for lot in p["lots"] if lot["compound"] == compound and lot["order"] is None]
    lots[1]["households"].append(lots[0]["households"].pop())


def lot_moved_to_other_compound(p: Doc, d: DistrictScenario) -> None:
    lot = _lot(p, "nanxiu12")
    lot["compound"] = "bjxilu7"


def lot_household_twice(p: Doc, d: DistrictScenario) -> None:
    compound = _largest(p)["compound"]
    lots = [lot for lot in p["lots"] if lot["compound"] == compound and lot["order"] is None]
    lots[1]["households"].append(lots[0]["households"][0])


def shipment_listed_unshipped(p: Doc, d: DistrictScenario) -> None:
    p["unshipped"].append(p["shipments"][0]["id"])


# Gates, transports, missed.
def gate_peak(p: Doc, d: DistrictScenario) -> None:
    p["gates"][0]["staging_peak_kg"] += 50


def gate_unloadings(p: Doc, d: DistrictScenario) -> None:
    p["gates"][0]["unloadings"] += 1


def gate_staging_point(p: Doc, d: DistrictScenario) -> None:
    p["gates"][0]["staging"][0]["kg"] += 20


def gate_dropped(p: Doc, d: DistrictScenario) -> None:
    del p["gates"][-1]


def ride_earlier(p: Doc, d: DistrictScenario) -> None:
    p["transports"][0]["picked_s"] -= 600


def ride_other_van(p: Doc, d: DistrictScenario) -> None:
    leg = p["transports"][0]
    leg["vehicle"] = next(v.id for v in d.vehicles if v.id != leg["vehicle"] and v.seats)


def ride_back_dropped(p: Doc, d: DistrictScenario) -> None:
    p["transports"] = [leg for leg in p["transports"] if not leg["back"]]


def stop_relabelled(kind: str, to: str) -> Edit:
    def edit(p: Doc, d: DistrictScenario) -> None:
        _stop(p, lambda s: s["kind"] == kind)["kind"] = to
    return edit


def shipment_of_lot_and_order(p: Doc, d: DistrictScenario) -> None:
    next(s for s in p["shipments"] if s["order"] is None)["order"] = d.orders[0].id


def order_missed_as_transport(p: Doc, d: DistrictScenario) -> None:
    p["missed"].append({"kind": "transport", "id": d.orders[0].id, "reason": "too late"})


def order_listed_missed(p: Doc, d: DistrictScenario) -> None:
    p["missed"].append({"kind": "order", "id": d.orders[0].id, "reason": "too late"})


def transport_listed_missed(p: Doc, d: DistrictScenario) -> None:
    p["missed"].append({"kind": "transport", "id": d.transports[0].id, "reason": "no seat"})


# A compound's round: its ledger, its rows, its figures.
def _delivery(cr: Doc, k: int = 0) -> Doc:
    return cr["plan"]["deliveries"][k]


def round_delivery_later(p: Doc, d: DistrictScenario) -> None:
    _delivery(_largest(p))["delivered_s"] += 600


def round_delivery_removed(p: Doc, d: DistrictScenario) -> None:
    del _largest(p)["plan"]["deliveries"][-1]


def round_delivery_twice(p: Doc, d: DistrictScenario) -> None:
    deliveries = _largest(p)["plan"]["deliveries"]
    deliveries.append(dict(deliveries[0]))


def round_delivery_priority(p: Doc, d: DistrictScenario) -> None:
    line = _delivery(_largest(p))
    line["priority"] = "urgent" if line["priority"] != "urgent" else "standard"


def round_delivery_unknown_volunteer(p: Doc, d: DistrictScenario) -> None:
    _delivery(_largest(p))["volunteer"] = "nobody"


def round_trip_earlier(p: Doc, d: DistrictScenario) -> None:
    """A trip's hand-overs all an hour earlier, with the ledger."""
    cr = _largest(p)
    trip = cr["plan"]["volunteers"][0]["trips"][-1]
    for stop in trip["stops"]:
        for run in stop["runs"]:
            for door in run["doors"]:
                door["delivered_s"] -= 3600
                line = next(x for x in cr["plan"]["deliveries"]
                            if x["household"] == door["household"])
                line["delivered_s"] -= 3600


def round_household_row_released(p: Doc, d: DistrictScenario) -> None:
    _largest(p)["households"][0]["released_s"] -= 600


def round_household_row_delivered(p: Doc, d: DistrictScenario) -> None:
    row = _largest(p)["households"][0]
    row["delivered_s"] -= 60


def round_household_row_removed(p: Doc, d: DistrictScenario) -> None:
    del _largest(p)["households"][0]


def round_household_unserved(p: Doc, d: DistrictScenario) -> None:
    cr = _largest(p)
    cr["plan"]["unserved"].append({"household": _delivery(cr)["household"],
                                   "reason": "no_volunteer_time", "detail": "no time left"})


def round_fingerprint(p: Doc, d: DistrictScenario) -> None:
    _largest(p)["plan"]["scenario_sha256"] = "0" * 64


def round_renamed(p: Doc, d: DistrictScenario) -> None:
    _largest(p)["plan"]["scenario"] = "another scenario"


def round_twice(p: Doc, d: DistrictScenario) -> None:
    p["compounds"].append(json.loads(json.dumps(_smallest(p))))


def round_compound_swapped(p: Doc, d: DistrictScenario) -> None:
    a, b = p["compounds"][0], p["compounds"][1]
    a["compound"], b["compound"] = b["compound"], a["compound"]


def round_delivery_trip_cleared(p: Doc, d: DistrictScenario) -> None:
    _delivery(_largest(p))["trip"] = None


def round_walk(p: Doc, d: DistrictScenario) -> None:
    _largest(p)["plan"]["summary"]["walk_m"] += 500


MUTATIONS: list[Mutation] = [
    # The district's bound, its kind and its gap.
    Mutation("bound_raised_to_makespan", bound_raised_to_makespan, DistrictRule.CLAIM),
    Mutation("bound_raised_a_tenth", bound_raised_a_tenth, DistrictRule.CLAIM),
    Mutation("bound_raised_a_minute", bound_raised_a_minute, DistrictRule.CLAIM),
    Mutation("gap_set_to_zero", _summary(gap=0.0), DistrictRule.SUMMARY),
    Mutation("gap_halved", _summary(gap=lambda sm: round(sm["gap"] / 2, 4)),
             DistrictRule.SUMMARY),
    Mutation("gap_negative", _summary(gap=-0.05), DistrictRule.SUMMARY),
    Mutation("gap_null_everyone_served", _summary(gap=None), DistrictRule.SUMMARY),
    Mutation("gap_with_zero_bound", bound_with_zero_and_a_gap, DistrictRule.SUMMARY),
    Mutation("bound_zero_without_gap", bound_zero_no_gap, DistrictRule.SUMMARY),
    Mutation("bound_zero_labelled_partial", bound_zero_label_partial, DistrictRule.CLAIM),
    Mutation("bound_negative", _summary(lower_bound_s=-60.0, gap=None), DistrictRule.CLAIM),
    Mutation("bound_kind_fleet", _summary(bound="fleet"), DistrictRule.CLAIM),
    Mutation("bound_kind_other_compound", bound_kind_other_compound, DistrictRule.CLAIM),
    Mutation("bound_kind_unknown_compound", _summary(bound="compound nowhere"),
             DistrictRule.CLAIM),
    Mutation("bound_kind_work_lp", _summary(bound="work-lp"), DistrictRule.CLAIM),
    # Each round's claims, argued again on its day scenario.
    Mutation("round_bound_raised_to_makespan", round_bound_raised_to_makespan,
             DistrictRule.CLAIM),
    Mutation("round_bound_raised_a_tenth", round_bound_raised_a_tenth, DistrictRule.CLAIM),
    Mutation("small_round_bound_raised", small_round_bound_raised, DistrictRule.CLAIM),
    Mutation("round_proven_optimal_576", _round_summary(_largest, proven_optimal=True),
             DistrictRule.CLAIM),
    Mutation("round_proven_optimal_90",
             _round_summary(lambda p: _round(p, "bjxilu7"), proven_optimal=True),
             DistrictRule.CLAIM),
    Mutation("round_gap_zero", _round_summary(_largest, gap=0.0), DistrictRule.ROUND),
    Mutation("round_bound_kind_single_parcel", round_bound_kind_single_parcel,
             DistrictRule.CLAIM),
    Mutation("round_mode_relay", round_mode_relay, DistrictRule.CLAIM),
    # The summary's figures.
    Mutation("day_start_earlier", _summary(day_start_s=lambda sm: sm["day_start_s"] - 600),
             DistrictRule.SUMMARY),
    Mutation("last_delivery_later",
             _summary(last_delivery_s=lambda sm: sm["last_delivery_s"] + 60),
             DistrictRule.SUMMARY),
    Mutation("makespan_shorter", _summary(makespan_s=lambda sm: sm["makespan_s"] - 60),
             DistrictRule.SUMMARY),
    Mutation("last_delivery_and_makespan_earlier", last_delivery_and_makespan_earlier,
             DistrictRule.SUMMARY),
    Mutation("households", _summary(households=lambda sm: sm["households"] + 1),
             DistrictRule.SUMMARY),
    Mutation("households_served",
             _summary(households_served=lambda sm: sm["households_served"] - 1),
             DistrictRule.SUMMARY),
    Mutation("households_unserved", _summary(households_unserved=1), DistrictRule.SUMMARY),
    Mutation("vehicles_used", _summary(vehicles_used=lambda sm: sm["vehicles_used"] - 1),
             DistrictRule.SUMMARY),
    Mutation("truck_km", _summary(truck_km=lambda sm: sm["truck_km"] - 1), DistrictRule.SUMMARY),
    Mutation("orders_met", _summary(orders_met=0), DistrictRule.SUMMARY),
    Mutation("orders_total", _summary(orders_total=2), DistrictRule.SUMMARY),
    Mutation("transports_met", _summary(transports_met=0), DistrictRule.SUMMARY),
    Mutation("transports_total", _summary(transports_total=0), DistrictRule.SUMMARY),
    Mutation("iterations_zero", _summary(iterations=0), DistrictRule.SUMMARY),
    Mutation("solve_negative", _summary(solve_s=-1.0), DistrictRule.SUMMARY),
    Mutation("baseline_negative", _summary(baseline_makespan_s=-1.0), DistrictRule.SUMMARY),
    # Vans.
    Mutation("van_renamed_donor_truck", van_renamed_donor_truck, DistrictRule.LOADS_AT),
    Mutation("van_km", van_km, DistrictRule.SUMMARY),
    Mutation("van_km_and_total", van_km_and_total, DistrictRule.SUMMARY),
    Mutation("van_load", van_load, DistrictRule.CAPACITY),
    Mutation("van_drive_skipped", van_drive_skipped, DistrictRule.TIMING),
    Mutation("van_unloading_skipped", van_unloading_skipped, DistrictRule.TIMING),
    Mutation("van_bay_out_of_range", van_bay_out_of_range, DistrictRule.BAYS),
    Mutation("van_late_back", van_late_back, DistrictRule.SHIFT),
    Mutation("van_starts_early", van_starts_early, DistrictRule.SHIFT),
    Mutation("van_delivery_dropped", van_delivery_dropped, DistrictRule.PICKUP),
    Mutation("van_picks_twice", van_picks_twice, DistrictRule.PICKUP),
    Mutation("van_loads_at_donor", van_loads_at_donor, DistrictRule.PICKUP),
    Mutation("van_delivery_called_pickup", stop_relabelled("delivery", "pickup"),
             DistrictRule.STRUCTURE),
    Mutation("van_boarding_called_pickup", stop_relabelled("board", "pickup"),
             DistrictRule.STRUCTURE),
    # Shipments and lots.
    Mutation("shipment_of_lot_and_order", shipment_of_lot_and_order, DistrictRule.STRUCTURE),
    Mutation("shipment_heavier", shipment_heavier, DistrictRule.RELEASE),
    Mutation("shipment_other_depot", shipment_other_depot, DistrictRule.PICKUP),
    Mutation("shipment_listed_unshipped", shipment_listed_unshipped, DistrictRule.PICKUP),
    Mutation("lot_released_early", lot_released_early, DistrictRule.RELEASE),
    Mutation("lot_arrived_early", lot_arrived_early, DistrictRule.RELEASE),
    Mutation("lot_released_later", lot_released_later, DistrictRule.ROUND),
    Mutation("lot_kg", lot_kg, DistrictRule.RELEASE),
    Mutation("lot_household_moved", lot_household_moved, DistrictRule.RELEASE),
    Mutation("lot_household_twice", lot_household_twice, DistrictRule.RELEASE),
    Mutation("lot_moved_to_other_compound", lot_moved_to_other_compound,
             DistrictRule.RELEASE),
    # Gates, rides, missed.
    Mutation("gate_peak", gate_peak, DistrictRule.STAGING),
    Mutation("gate_unloadings", gate_unloadings, DistrictRule.STAGING),
    Mutation("gate_staging_point", gate_staging_point, DistrictRule.STAGING),
    Mutation("gate_dropped", gate_dropped, DistrictRule.STAGING),
    Mutation("ride_earlier", ride_earlier, DistrictRule.TRANSPORT),
    Mutation("ride_other_van", ride_other_van, DistrictRule.TRANSPORT),
    Mutation("ride_back_dropped", ride_back_dropped, DistrictRule.TRANSPORT),
    Mutation("order_listed_missed", order_listed_missed, DistrictRule.SUMMARY),
    Mutation("order_missed_as_transport", order_missed_as_transport, DistrictRule.STRUCTURE),
    Mutation("transport_listed_missed", transport_listed_missed, DistrictRule.SUMMARY),
    # A compound's round.
    Mutation("round_delivery_later", round_delivery_later, DistrictRule.ROUND),
    Mutation("round_delivery_removed", round_delivery_removed, DistrictRule.ROUND),
    Mutation("round_delivery_twice", round_delivery_twice, DistrictRule.ROUND),
    Mutation("round_delivery_priority", round_delivery_priority, DistrictRule.ROUND),
    Mutation("round_delivery_unknown_volunteer", round_delivery_unknown_volunteer,
             DistrictRule.ROUND),
    Mutation("round_trip_earlier", round_trip_earlier, DistrictRule.ROUND),
    Mutation("round_household_row_released", round_household_row_released,
             DistrictRule.ROUND),
    Mutation("round_household_row_delivered", round_household_row_delivered,
             DistrictRule.ROUND),
    Mutation("round_household_row_removed", round_household_row_removed, DistrictRule.ROUND),
    Mutation("round_household_unserved", round_household_unserved, DistrictRule.ROUND),
    Mutation("round_fingerprint", round_fingerprint, DistrictRule.ROUND),
    Mutation("round_renamed", round_renamed, DistrictRule.ROUND),
    Mutation("round_twice", round_twice, DistrictRule.ROUND),
    Mutation("round_compound_swapped", round_compound_swapped, DistrictRule.ROUND),
    Mutation("round_delivery_trip_cleared", round_delivery_trip_cleared, DistrictRule.ROUND),
    Mutation("round_walk", round_walk, DistrictRule.ROUND),
    Mutation("round_makespan", _round_summary(_largest, makespan_s=lambda sm: sm["makespan_s"]
                                              - 60), DistrictRule.ROUND),
    Mutation("round_served", _round_summary(_largest, households_served=lambda sm:
                                            sm["households_served"] + 1), DistrictRule.ROUND),
]

#: A few edits also go through ``supplyroute check`` (exit 4, the rule printed).
THROUGH_CLI = ("bound_raised_to_makespan", "round_proven_optimal_576",
               "round_bound_raised_to_makespan", "gap_with_zero_bound", "bound_kind_fleet",
               "lot_household_moved")


def edited(plan: DistrictPlan, district: DistrictScenario, mutation: Mutation) -> DistrictPlan:
    doc = plan.model_dump(mode="json")
    mutation.edit(doc, district)
    return DistrictPlan.model_validate(doc)


def test_the_unedited_plan_is_accepted(example_district: tuple[DistrictScenario, DistrictPlan],
                                       tmp_path: Path) -> None:
    district, plan = example_district
    assert [str(v) for v in check_district(district, plan)] == []
    path = tmp_path / "plan.json"
    path.write_text(plan.model_dump_json(), encoding="utf-8")
    done = cli("check", str(EXAMPLE), str(path))
    assert done.returncode == ExitCode.OK, done.stdout


def test_at_least_sixty_named_edits() -> None:
    names = [m.name for m in MUTATIONS]
    assert len(names) >= 60 and len(set(names)) == len(names)
    assert set(THROUGH_CLI) <= set(names)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_an_edit_is_refused(example_district: tuple[DistrictScenario, DistrictPlan],
                            mutation: Mutation) -> None:
    district, plan = example_district
    broken = edited(plan, district, mutation)
    assert broken != plan, "the edit changed nothing"
    found = check_district(district, broken)
    assert found, f"{mutation.name}: accepted"
    assert mutation.rule in {v.rule for v in found}, [str(v) for v in found]


@pytest.mark.parametrize("name", THROUGH_CLI)
def test_an_edit_is_refused_by_the_command(
        example_district: tuple[DistrictScenario, DistrictPlan], tmp_path: Path,
        name: str) -> None:
    district, plan = example_district
    mutation = next(m for m in MUTATIONS if m.name == name)
    path = tmp_path / "plan.json"
    path.write_text(edited(plan, district, mutation).model_dump_json(), encoding="utf-8")
    done = cli("check", str(EXAMPLE), str(path))
    assert done.returncode == ExitCode.VIOLATIONS, done.stdout
    assert f"{mutation.rule.value}: " in done.stdout


def test_the_bound_is_argued_again(example_district: tuple[DistrictScenario, DistrictPlan]
                                   ) -> None:
    """The checker's own district bound is the planner's, to rounding: neither more
    (the plan's bound would be refused) nor much less (the check would be weak)."""
    from supplyroute.checks.district_bound import argue_district_bound

    district, plan = example_district
    argued = argue_district_bound(district, {c.compound: c.plan for c in plan.compounds})
    assert argued.problem is None
    stated = plan.summary
    assert argued.kinds[stated.bound] == pytest.approx(stated.lower_bound_s, abs=0.2)
    assert math.isfinite(max(argued.kinds.values()))


def test_weaker_true_claims_are_accepted(
        example_district: tuple[DistrictScenario, DistrictPlan]) -> None:
    """A bound lowered (its gap with it), or the fleet argument named with the fleet's
    own value: true claims, however weak, pass."""
    from supplyroute.checks.district_bound import FLEET, argue_district_bound

    district, plan = example_district
    argued = argue_district_bound(district, {c.compound: c.plan for c in plan.compounds})
    for bound, kind in ((round(plan.summary.lower_bound_s * 0.9, 1), plan.summary.bound),
                        (math.floor(argued.kinds[FLEET] * 10) / 10, FLEET)):
        sm = plan.summary
        weaker = plan.model_copy(update={"summary": sm.model_copy(update={
            "lower_bound_s": bound, "bound": kind,
            "gap": round(sm.makespan_s / bound - 1, 4)})})
        assert [str(v) for v in check_district(district, weaker)] == [], kind
