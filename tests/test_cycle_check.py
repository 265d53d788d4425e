"""The supply-cycle checker: a planned horizon checks clean, and each rule catches a
horizon mutated to break it; random small cycles plan into horizons that check clean."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyroute.checks.horizon import HorizonRule, check_horizon
from supplyroute.cycles.folder import read_horizon, write_horizon
from supplyroute.cycles.planner import CycleOptions, DayRounds, plan_cycle
from supplyroute.io import load_cycle_scenario, validate_document
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import (
    DayPlan,
    HorizonFolder,
    HouseholdDelivery,
    NotServed,
    Units,
)
from tests.conftest import DATA

CYCLE_SMALL = DATA / "cycle_small.json"


def plan_and_read(cs: CycleScenario, out: Path, time_limit_s: float) -> HorizonFolder:
    """Plan ``cs``, write the horizon folder to ``out`` and read it back."""
    result = plan_cycle(cs, CycleOptions(time_limit_s=time_limit_s, deterministic=True))
    write_horizon(result.horizon, result.rounds, out)
    return read_horizon(out)


@pytest.fixture(scope="module")
def cycle_small() -> CycleScenario:
    return load_cycle_scenario(CYCLE_SMALL)


@pytest.fixture(scope="module")
def planned(cycle_small: CycleScenario, tmp_path_factory: pytest.TempPathFactory
            ) -> HorizonFolder:
    return plan_and_read(cycle_small, tmp_path_factory.mktemp("cycle") / "horizon", 2)


# Mutations: each returns a new folder (the fixture's is never changed).
def with_day(folder: HorizonFolder, d: int, **update: Any) -> HorizonFolder:
    days = list(folder.horizon.days)
    days[d] = days[d].model_copy(update=update)
    return HorizonFolder(folder.horizon.model_copy(update={"days": tuple(days)}),
                         dict(folder.rounds), dict(folder.picklists))


def with_round(folder: HorizonFolder, d: int, kind: str, scenario: Any = None,
               plan: Any = None) -> HorizonFolder:
    rounds = dict(folder.rounds)
    old_s, old_p = rounds[d, kind]
    rounds[d, kind] = (scenario or old_s, plan or old_p)
    return HorizonFolder(folder.horizon, rounds, dict(folder.picklists))


def with_delivery(folder: HorizonFolder, d: int, hid: str,
                  change: Callable[[HouseholdDelivery], HouseholdDelivery]) -> HorizonFolder:
    day = folder.horizon.days[d]
    deliveries = tuple(change(x) if x.household == hid else x for x in day.deliveries)
    assert deliveries != day.deliveries
    return with_day(folder, d, deliveries=deliveries)


def change_units(cs: CycleScenario, x: HouseholdDelivery, kind: str, item: str,
                 delta: int) -> HouseholdDelivery:
    """Add ``delta`` units of ``item`` to the household's first bag of ``kind``, its
    weight kept equal to its contents."""
    b_i = next(i for i, b in enumerate(x.bags) if b.kind == kind)
    bag = x.bags[b_i]
    units = {u.item: u.units for u in bag.contents}
    units[item] = units.get(item, 0) + delta
    contents = tuple(Units(item=i, units=n) for i, n in sorted(units.items()) if n > 0)
    weight = round(sum(u.units * cs.item_by_id[u.item].unit_kg for u in contents), 3)
    bags = list(x.bags)
    bags[b_i] = bag.model_copy(update={"contents": contents, "weight_kg": weight})
    return x.model_copy(update={"bags": tuple(bags)})


def day_with(folder: HorizonFolder, test: Callable[[DayPlan], bool]) -> int:
    return next(d.day for d in folder.horizon.days if test(d))


def break_structure(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    return HorizonFolder(f.horizon.model_copy(update={"scenario": "another"}),
                         dict(f.rounds), dict(f.picklists))


def break_round(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    planned = f.rounds[0, "delivery"][1]
    summary = planned.summary.model_copy(update={"trips": planned.summary.trips + 1})
    return with_round(f, 0, "delivery", plan=planned.model_copy(update={"summary": summary}))


def break_day_scenario(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    scenario = f.rounds[0, "delivery"][0]
    households = list(scenario.households)
    households[0] = households[0].model_copy(update={"residents": households[0].residents + 1})
    return with_round(f, 0, "delivery",
                      scenario=scenario.model_copy(update={"households": tuple(households)}))


def break_cycle(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    x = next(x for x in f.horizon.days[0].deliveries if x.days_covered == 2)
    return with_delivery(f, 0, x.household, lambda x: x.model_copy(update={"days_covered": 1}))


def break_visit(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    hid = f.horizon.days[0].visits[0]
    planned = f.rounds[0, "delivery"][1]
    deliveries = tuple(x for x in planned.deliveries if x.household != hid)
    return with_round(f, 0, "delivery", plan=planned.model_copy(update={"deliveries":
                                                                        deliveries}))


def break_garbage(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    scenario = f.rounds[0, "garbage"][0]
    params = scenario.parameters.model_copy(update={"disinfection_s": 0.0})
    return with_round(f, 0, "garbage", scenario=scenario.model_copy(update={"parameters":
                                                                            params}))


def break_stock(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    stock = list(f.horizon.days[1].stock)
    stock[0] = stock[0].model_copy(update={"closing": stock[0].closing + 1})
    return with_day(f, 1, stock=tuple(stock))


def break_diet(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    halal = next(h.household for h in cs.households if "halal" in h.diets)
    d = day_with(f, lambda day: any(x.household == halal for x in day.deliveries))
    return with_delivery(f, d, halal, lambda x: change_units(cs, x, "living", "pork", 1))


def break_ration(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    x = next(x for x in f.horizon.days[0].deliveries if x.days_covered > 0)
    return with_delivery(f, 0, x.household, lambda x: x.model_copy(update={"coverage": 0.5}))


def break_fairness(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    # Day 1 is short of vegetables; one cabbage fewer for a household that got one leaves
    # it at the gate while that household (and others) are short.
    x = next(x for x in f.horizon.days[1].deliveries
             if any(u.item == "cabbage" for b in x.bags for u in b.contents))
    assert f.horizon.days[1].allocation.households_short > 0
    return with_delivery(f, 1, x.household, lambda x: change_units(cs, x, "living",
                                                                  "cabbage", -1))


def break_bags(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    x = f.horizon.days[0].deliveries[0]
    bags = (x.bags[0].model_copy(update={"weight_kg": x.bags[0].weight_kg + 1}), *x.bags[1:])
    return with_delivery(f, 0, x.household, lambda x: x.model_copy(update={"bags": bags}))


def break_order(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    order = cs.orders[0]
    line = order.items[0]
    return with_delivery(f, order.day + 1, order.household,
                         lambda x: change_units(cs, x, "prevention", line.item, -line.units))


def break_packing(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    releases = list(f.horizon.days[0].releases)
    releases[0] = releases[0].model_copy(update={"at": releases[0].at + 60})
    return with_day(f, 0, releases=tuple(releases))


def break_summary(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    summary = f.horizon.summary.model_copy(update={"deliveries": f.horizon.summary.deliveries
                                                   + 1})
    return HorizonFolder(f.horizon.model_copy(update={"summary": summary}),
                         dict(f.rounds), dict(f.picklists))


def break_claim(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    planned = f.rounds[0, "delivery"][1]
    summary = planned.summary.model_copy(update={"lower_bound_s": planned.summary.makespan_s,
                                                 "gap": 0.0})
    return with_round(f, 0, "delivery", plan=planned.model_copy(update={"summary": summary}))


def break_allocation(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    allocation = f.horizon.days[1].allocation  # day 1 is short: said to be enough
    return with_day(f, 1, allocation=allocation.model_copy(update={"status": "enough"}))


def break_relabel(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    a, b = (v.id for v in f.rounds[0, "delivery"][0].volunteers[:2])
    return with_day(f, 0, relabel={a: b})


def break_not_served(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    """A delivery dropped from day 0 and named as one nobody on duty may make: but
    everyone is on duty and may."""
    day = f.horizon.days[0]
    x = next(x for x in day.deliveries if x.days_covered == 2)
    named = NotServed(household=x.household, round="delivery", reason="nobody_may_serve",
                      days_covered=2, note="nobody on duty may deliver it")
    return with_day(f, 0, deliveries=tuple(y for y in day.deliveries if y is not x),
                    not_served=(named,))


def break_picklist(cs: CycleScenario, f: HorizonFolder) -> HorizonFolder:
    picklists = {d: text for d, text in f.picklists.items() if d != 0}
    return HorizonFolder(f.horizon, dict(f.rounds), picklists)


BREAKERS: dict[HorizonRule, Callable[[CycleScenario, HorizonFolder], HorizonFolder]] = {
    HorizonRule.STRUCTURE: break_structure,
    HorizonRule.ROUND: break_round,
    HorizonRule.CLAIM: break_claim,
    HorizonRule.ALLOCATION: break_allocation,
    HorizonRule.RELABEL: break_relabel,
    HorizonRule.PICKLIST: break_picklist,
    HorizonRule.DAY_SCENARIO: break_day_scenario,
    HorizonRule.CYCLE: break_cycle,
    HorizonRule.VISIT: break_visit,
    HorizonRule.GARBAGE: break_garbage,
    HorizonRule.STOCK: break_stock,
    HorizonRule.DIET: break_diet,
    HorizonRule.RATION: break_ration,
    HorizonRule.FAIRNESS: break_fairness,
    HorizonRule.BAGS: break_bags,
    HorizonRule.ORDER: break_order,
    HorizonRule.PACKING: break_packing,
    HorizonRule.SUMMARY: break_summary,
    HorizonRule.NOT_SERVED: break_not_served,
}


def test_every_rule_has_a_breaking_mutation() -> None:
    assert set(BREAKERS) == set(HorizonRule)


def test_planned_horizon_checks_clean(cycle_small: CycleScenario,
                                      planned: HorizonFolder) -> None:
    violations = check_horizon(cycle_small, planned)
    assert violations == [], "\n".join(map(str, violations))
    # The scenario is what it says: a real shortage on day 1, garbage and an order.
    assert planned.horizon.days[1].allocation.households_short > 0
    assert all(line.closing >= 0 for day in planned.horizon.days for line in day.stock)
    assert planned.horizon.summary.garbage_pickups > 0


@pytest.mark.parametrize("rule", list(HorizonRule), ids=lambda r: r.value)
def test_mutation_breaks_rule(rule: HorizonRule, cycle_small: CycleScenario,
                              planned: HorizonFolder) -> None:
    broken = BREAKERS[rule](cycle_small, planned)
    violations = check_horizon(cycle_small, broken)
    assert any(v.rule is rule for v in violations), "\n".join(map(str, violations))
    assert all(str(v).startswith(f"{v.rule.value}: ") for v in violations)


def test_mutation_through_the_written_files(cycle_small: CycleScenario, planned: HorizonFolder,
                                            tmp_path: Path) -> None:
    """A round file edited on disk is read back and caught (and a missing one too)."""
    out = tmp_path / "horizon"
    rounds = []
    for day in planned.horizon.days:
        rounds.append(DayRounds(delivery=planned.rounds.get((day.day, "delivery")),
                                garbage=planned.rounds.get((day.day, "garbage")),
                                picklist=planned.picklists.get(day.day, "")))
    write_horizon(planned.horizon, rounds, out)
    plan_file = out / planned.horizon.days[0].delivery_round.plan_file
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    data["summary"]["makespan_s"] += 100
    plan_file.write_text(json.dumps(data), encoding="utf-8")
    kinds = {v.rule for v in check_horizon(cycle_small, read_horizon(out))}
    assert {HorizonRule.STRUCTURE, HorizonRule.ROUND} <= kinds
    folder = read_horizon(out)
    del folder.rounds[0, "garbage"]
    kinds = {v.rule for v in check_horizon(cycle_small, folder)}
    assert HorizonRule.STRUCTURE in kinds and HorizonRule.GARBAGE in kinds


# Random small cycles, planned and checked.
ITEMS = ("masks", "alcohol", "rice", "noodles", "cabbage", "greens", "eggs", "pork", "apples",
         "bp-tablets")


@st.composite
def small_cycles(draw: st.DrawFn) -> dict[str, Any]:
    base = json.loads(CYCLE_SMALL.read_text(encoding="utf-8"))
    days = draw(st.integers(2, 3))
    all_ids = [h["id"] for h in base["compound"]["households"]]
    chosen = draw(st.lists(st.sampled_from(all_ids), min_size=4, max_size=10, unique=True))
    households = []
    for h in base["compound"]["households"]:
        if h["id"] in chosen:
            households.append({**h, "residents": draw(st.integers(1, 5))})
    base["compound"]["households"] = households
    halal = draw(st.lists(st.sampled_from(chosen), max_size=2, unique=True))
    base["households"] = [{"household": hid, "diets": ["halal"]} for hid in halal]
    scale = draw(st.sampled_from([0.2, 0.6, 1.0, 2.0]))  # 0.2: short almost everywhere
    base["stock"] = [
        {"day": d, "item": item, "units": draw(st.integers(0, max(1, round(scale * 25))))}
        for d in range(days) for item in ITEMS
    ]
    base["orders"] = [o for o in base["orders"] if o["household"] in chosen]
    base["days"] = days
    return base


def test_day_with_nothing_to_deliver(tmp_path: Path) -> None:
    """An empty gate: the day has no delivery round, each due household says why, and
    the horizon still checks."""
    data = json.loads(CYCLE_SMALL.read_text(encoding="utf-8"))
    data["compound"]["households"] = [h for h in data["compound"]["households"]
                                      if not h.get("needs")]
    data["households"] = [h for h in data["households"]
                          if h["household"] in {x["id"] for x in data["compound"]["households"]}]
    data["stock"] = [a for a in data["stock"] if a["day"] != 0]  # nothing at the gate on day 0
    cs = validate_document(CycleScenario, data)
    folder = plan_and_read(cs, tmp_path / "horizon", 1)
    assert folder.horizon.days[0].delivery_round is None
    assert all(x.coverage == 0 for x in folder.horizon.days[0].deliveries)
    assert all(x.short for x in folder.horizon.days[0].deliveries)
    assert check_horizon(cs, folder) == []


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=small_cycles())
def test_random_cycles_check_clean(data: dict[str, Any], tmp_path: Path) -> None:
    cs = validate_document(CycleScenario, data)
    out = tmp_path / f"h{abs(hash(json.dumps(data, sort_keys=True)))}"
    folder = plan_and_read(cs, out, 1)
    violations = check_horizon(cs, folder)
    assert violations == [], "\n".join(map(str, violations))
    assert all(line.closing >= 0 for day in folder.horizon.days for line in day.stock)
