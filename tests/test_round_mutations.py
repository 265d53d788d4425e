"""Single edits of a sound plan, each refused by ``check`` naming a rule (issue 29).

Three formats: a carry round and a relay round of bjxilu7, and a replan of the carry
round after a volunteer left mid-trip, an urgent order and a household nobody can get
bags for. Each edit changes one thing a coordinator could be handed wrong: a summary
figure, a time on a trip, a ledger line, an unserved reason, a replan figure, a replan
block on a plan that is no replan. The unedited plans pass.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from supplyroute.checks import RoundRule, Violation, check, check_replan, verify_claims
from supplyroute.io import dump_model, validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.models.events import Events
from supplyroute.planner import PlanOptions
from supplyroute.replan import replan
from tests.conftest import ROOT, ExamplePlan, cli

Edit = Callable[[dict[str, Any]], None]
Case = tuple[Scenario, Plan, Plan | None]  # scenario, plan, original (replans)


def violations(scenario: Scenario, data: dict[str, Any], original: Plan | None) -> list[Violation]:
    """What ``supplyroute check SCENARIO PLAN [--original ORIGINAL]`` refuses."""
    made = validate_document(Plan, data)
    out = check(scenario, made)
    if original is not None:
        out += check_replan(original, made, scenario)
    if not any(v.rule is RoundRule.SCENARIO for v in out):
        out += verify_claims(scenario, made, original)[0]
    return out


# -- where to edit ---------------------------------------------------------------------

def _vols(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in p["volunteers"] if v["trips"]]


def _trip(p: dict[str, Any], k: int = -1) -> dict[str, Any]:
    """A trip after the replan's time (the last of the first volunteer with trips)."""
    return _vols(p)[0]["trips"][k]


def _run(p: dict[str, Any]) -> dict[str, Any]:
    return next(r for v in _vols(p) for t in v["trips"][::-1] for st in t["stops"]
                for r in st["runs"])


def _door(p: dict[str, Any]) -> dict[str, Any]:
    return _run(p)["doors"][0]


def _line(p: dict[str, Any], carried: bool = True) -> dict[str, Any]:
    """The ledger line of the household on :func:`_door` (carried) or of a climbed one."""
    if carried:
        hid = _door(p)["household"]
        return next(d for d in p["deliveries"] if d["household"] == hid)
    return next(d for d in p["deliveries"] if d["climb"] is not None)


def _climber(p: dict[str, Any]) -> dict[str, Any]:
    return next(v for v in p["volunteers"] if v["climbs"])


def _relay(p: dict[str, Any]) -> dict[str, Any]:
    return next(r for v in p["volunteers"] for t in v["trips"] for st in t["stops"]
                for r in st["relays"])


def _set(path: str, value: Any) -> Edit:
    """Set ``summary.gap`` and the like (a dotted path from the plan's root)."""
    *parents, last = path.split(".")

    def edit(p: dict[str, Any]) -> None:
        node = p
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value(node[last]) if callable(value) else value
    return edit


def _plus(path: str, delta: float) -> Edit:
    return _set(path, lambda x: round(x + delta, 2))


def _do(*steps: Edit) -> Edit:
    def edit(p: dict[str, Any]) -> None:
        for step in steps:
            step(p)
    return edit


def _on(pick: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any) -> Edit:
    def edit(p: dict[str, Any]) -> None:
        node = pick(p)
        node[key] = value(node[key]) if callable(value) else value
    return edit


def _add_replan(p: dict[str, Any]) -> None:
    p["replan"] = {"at_s": p["summary"]["round_start_s"] + 3600, "original_sha256": "0" * 64,
                   "base_scenario_sha256": p["scenario_sha256"], "events": 1,
                   "trips_kept": 3, "chosen": "fresh", "candidates": {
                       "fresh": p["summary"]["makespan_s"]}, "changed_stops": 0}
    p["summary"]["lower_bound_s"] = p["summary"]["makespan_s"]
    p["summary"]["gap"] = 0.0


def _swap_ledger_volunteer(p: dict[str, Any]) -> None:
    line = _line(p)
    line["volunteer"] = next(v["volunteer"] for v in p["volunteers"]
                             if v["volunteer"] != line["volunteer"])


def _other_trip(p: dict[str, Any]) -> None:
    line = _line(p)
    line["trip"] = 0 if line["trip"] else 1


def _drop_ledger_line(p: dict[str, Any]) -> None:
    p["deliveries"].remove(_line(p))


def _double_ledger_line(p: dict[str, Any]) -> None:
    p["deliveries"].append(copy.deepcopy(_line(p)))


def _unknown_household_line(p: dict[str, Any]) -> None:
    _line(p)["household"] = "NOBODY"


def _served_also_unserved(p: dict[str, Any]) -> None:
    p["unserved"].append({"household": _door(p)["household"], "reason": "not_released",
                          "detail": "x"})
    p["summary"]["households_unserved"] += 1


def _unknown_unserved(p: dict[str, Any]) -> None:
    p["unserved"].append({"household": "NOBODY", "reason": "no_eligible_volunteer",
                          "detail": "x"})
    p["summary"]["households_unserved"] += 1


def _drop_trip(p: dict[str, Any]) -> None:
    _vols(p)[0]["trips"].pop()


def _duplicate_volunteer(p: dict[str, Any]) -> None:
    p["volunteers"][1]["volunteer"] = p["volunteers"][0]["volunteer"]


def _door_household_swap(p: dict[str, Any]) -> None:
    door = _door(p)
    other = next(d["household"] for d in p["deliveries"] if d["household"] != door["household"])
    door["household"] = other


def _door_twice(p: dict[str, Any]) -> None:
    run = _run(p)
    run["doors"].append(copy.deepcopy(run["doors"][0]))


def _gap_but_no_bound(p: dict[str, Any]) -> None:
    p["summary"]["lower_bound_s"] = 0.0
    p["summary"]["gap"] = 0.5


def _modes(chosen: float, other: float) -> Edit:
    def edit(p: dict[str, Any]) -> None:
        sm = p["summary"]
        mine = sm["mode"]
        sm["mode_makespans_s"] = {mine: round(sm["makespan_s"] + chosen, 2),
                                  ("relay" if mine == "carry" else "carry"):
                                  round(sm["makespan_s"] + other, 2)}
    return edit


def _modes_alone(p: dict[str, Any]) -> None:
    sm = p["summary"]
    sm["mode_makespans_s"] = {sm["mode"]: sm["makespan_s"]}


def _trip_later(p: dict[str, Any]) -> None:
    trip = _trip(p)
    for key in ("start_s", "depart_s", "return_s"):
        trip[key] = round(trip[key] + 3600, 2)


def _cart_trip(p: dict[str, Any]) -> None:
    vp = next(v for v in _vols(p) if all(t["mode"] == "hands" for t in v["trips"]))
    vp["trips"][-1]["mode"] = "cart"


def _bags_index(p: dict[str, Any]) -> None:
    _door(p)["bags"] = [*_door(p)["bags"], 7]


def _bag_lost(p: dict[str, Any]) -> None:
    _door(p)["bags"] = _door(p)["bags"][:-1] or [5]


COMMON: list[tuple[str, Edit]] = [
    # the summary's figures
    ("makespan later", _plus("summary.makespan_s", 60)),
    ("makespan sooner", _plus("summary.makespan_s", -60)),
    ("bound above makespan", _set("summary.lower_bound_s", lambda x: x + 2000)),
    ("bound a little higher", _plus("summary.lower_bound_s", 25)),
    ("gap off", _set("summary.gap", lambda g: (g or 0) + 0.02)),
    ("negative gap", _set("summary.gap", -0.1)),
    ("gap with a zero bound", _gap_but_no_bound),
    ("bound zero, gap kept", _do(_set("summary.lower_bound_s", 0.0),
                                 _set("summary.gap", lambda g: 0.0 if g is None else g))),
    ("bound label", _set("summary.bound", "work-lp (made up)")),
    ("bound label of another argument", _set("summary.bound", "release-pool")),
    ("proven optimal", _set("summary.proven_optimal", True)),
    ("service bound below served", _set("summary.service_bound", 5)),
    ("round start", _plus("summary.round_start_s", -600)),
    ("last delivery", _plus("summary.last_delivery_s", 90)),
    ("finish", _plus("summary.finish_s", 90)),
    ("served count", _plus("summary.households_served", -1)),
    ("unserved count", _plus("summary.households_unserved", 1)),
    ("bags count", _plus("summary.bags_delivered", 1)),
    ("trips count", _plus("summary.trips", 1)),
    ("climbs count", _plus("summary.climbs", 2)),
    ("walk", _plus("summary.walk_m", 80)),
    ("floors", _plus("summary.floors_climbed", 3)),
    ("urgent by", _plus("summary.urgent_served_by_s", 120)),
    ("urgent by none", _set("summary.urgent_served_by_s", None)),
    ("vulnerable by", _plus("summary.vulnerable_served_by_s", 120)),
    ("deadlines met", _plus("summary.deadlines_met", -1)),
    ("deadlines total", _plus("summary.deadlines_total", 1)),
    ("other mode shorter", _modes(0, -300)),
    ("chosen mode's makespan off", _modes(200, 400)),
    ("one mode only in auto", _modes_alone),
    ("scenario name", _set("scenario", "another")),
    ("scenario fingerprint", _set("scenario_sha256", "f" * 64)),
    # volunteers
    ("volunteer busy", _on(lambda p: _vols(p)[0], "busy_s", lambda x: x + 100)),
    ("volunteer walk", _on(lambda p: _vols(p)[0], "walk_m", lambda x: x + 100)),
    ("volunteer floors", _on(lambda p: _vols(p)[0], "floors_climbed", lambda x: x + 2)),
    ("unknown volunteer", _on(lambda p: _vols(p)[0], "volunteer", "NOBODY")),
    ("volunteer twice", _duplicate_volunteer),
    # trips
    ("trip starts sooner", _on(_trip, "start_s", lambda x: x - 40)),
    ("trip departs later", _on(_trip, "depart_s", lambda x: x + 40)),
    ("trip back later", _on(_trip, "return_s", lambda x: x + 40)),
    ("trip an hour later", _trip_later),
    ("trip bags", _on(_trip, "bags", lambda x: x + 1)),
    ("trip kg", _on(_trip, "carry_kg", lambda x: x + 2)),
    ("trip walk", _on(_trip, "walk_m", lambda x: x + 40)),
    ("trip gate", _on(_trip, "gate", "NOGATE")),
    ("cart without a cart", _cart_trip),
    ("trip dropped", _drop_trip),
    ("stop arrives later", _on(lambda p: _trip(p)["stops"][0], "arrive_s", lambda x: x + 30)),
    ("stop leaves later", _on(lambda p: _trip(p)["stops"][-1], "leave_s", lambda x: x + 30)),
    ("stop elsewhere", _on(lambda p: _trip(p)["stops"][0], "stairwell", "B9-9")),
    # stair runs and doors
    ("run starts later", _on(_run, "start_s", lambda x: x + 20)),
    ("run ends sooner", _on(_run, "end_s", lambda x: x - 20)),
    ("run top floor", _on(_run, "top_floor", lambda x: x + 1)),
    ("run bags", _on(_run, "bags", lambda x: x + 1)),
    ("run kg", _on(_run, "carry_kg", lambda x: x + 3)),
    ("door floor", _on(_door, "floor", lambda x: x + 1)),
    ("door delivered later", _on(_door, "delivered_s", lambda x: x + 30)),
    ("door another household", _door_household_swap),
    ("door twice", _door_twice),
    ("door unknown bag", _bags_index),
    ("door bag lost", _bag_lost),
    # the ledger
    ("ledger another volunteer", _swap_ledger_volunteer),
    ("ledger trip 99", _on(_line, "trip", 99)),
    ("ledger another trip", _other_trip),
    ("ledger no trip", _on(_line, "trip", None)),
    ("ledger a climb", _on(_line, "climb", 0)),
    ("ledger a ferry", _on(_line, "ferry", "V2")),
    ("ledger time", _on(_line, "delivered_s", lambda x: x + 30)),
    ("ledger priority", _on(_line, "priority", "vulnerable")),
    ("ledger deadline", _on(_line, "latest_s", 40000.0)),
    ("ledger unknown household", _unknown_household_line),
    ("ledger line dropped", _drop_ledger_line),
    ("ledger line twice", _double_ledger_line),
    # the unserved
    ("served and unserved", _served_also_unserved),
    ("unknown unserved", _unknown_unserved),
]


def _climb_walk(p: dict[str, Any]) -> None:
    _climber(p)["climbs"][0]["walk_m"] += 30


def _climb_elsewhere(p: dict[str, Any]) -> None:
    _climber(p)["climbs"][0]["stairwell"] = "B9-9"


def _relay_ledger_volunteer_is_ferry(p: dict[str, Any]) -> None:
    line = _line(p, carried=False)
    line["volunteer"] = line["ferry"]


def _relay_ledger_other_climb(p: dict[str, Any]) -> None:
    line = _line(p, carried=False)
    line["climb"] = line["climb"] + 1 if line["climb"] == 0 else line["climb"] - 1


def _relay_ledger_other_ferry(p: dict[str, Any]) -> None:
    line = _line(p, carried=False)
    line["ferry"] = next(v["volunteer"] for v in p["volunteers"]
                         if v["volunteer"] not in (line["ferry"], line["volunteer"]))


def _relay_ledger_trip(p: dict[str, Any]) -> None:
    _line(p, carried=False)["trip"] = 0


def _relayed_earlier(p: dict[str, Any]) -> None:
    _relay(p)["dropped_s"] -= 60


def _relay_bags(p: dict[str, Any]) -> None:
    _relay(p)["bags"] = [*_relay(p)["bags"], 6]


def _climb_sooner(p: dict[str, Any]) -> None:
    climb = _climber(p)["climbs"][0]
    climb["arrive_s"] -= 30


def _climb_run_later(p: dict[str, Any]) -> None:
    run = _climber(p)["climbs"][0]["run"]
    run["start_s"] += 30


def _climb_door_later(p: dict[str, Any]) -> None:
    _climber(p)["climbs"][0]["run"]["doors"][0]["delivered_s"] += 30


def _climb_dropped(p: dict[str, Any]) -> None:
    _climber(p)["climbs"].pop()


RELAY: list[tuple[str, Edit]] = [
    ("relay: mode carry", _set("summary.mode", "carry")),
    ("relay: ledger climber is the ferry", _relay_ledger_volunteer_is_ferry),
    ("relay: ledger another climb", _relay_ledger_other_climb),
    ("relay: ledger climb 99", _on(lambda p: _line(p, False), "climb", 99)),
    ("relay: ledger no climb", _on(lambda p: _line(p, False), "climb", None)),
    ("relay: ledger another ferry", _relay_ledger_other_ferry),
    ("relay: ledger no ferry", _on(lambda p: _line(p, False), "ferry", None)),
    ("relay: ledger a trip", _relay_ledger_trip),
    ("relay: ledger time", _on(lambda p: _line(p, False), "delivered_s", lambda x: x + 30)),
    ("relay: dropped earlier", _relayed_earlier),
    ("relay: relayed bag unknown", _relay_bags),
    ("relay: climb walk", _climb_walk),
    ("relay: climb elsewhere", _climb_elsewhere),
    ("relay: climb arrives sooner", _climb_sooner),
    ("relay: climb's run later", _climb_run_later),
    ("relay: climb's door later", _climb_door_later),
    ("relay: climb dropped", _climb_dropped),
    ("relay: climber busy", _on(_climber, "busy_s", lambda x: x + 60)),
]

PLAIN: list[tuple[str, Edit]] = [
    # everyone is served: the bound covers them all
    ("bound said to cover only the served", _set("summary.bound_covers", "served")),
    ("a replan block on a plan that is no replan", _add_replan),
]


def _kept_trip_moved(p: dict[str, Any]) -> None:
    trip = _vols(p)[0]["trips"][0]
    for key in ("start_s", "depart_s", "return_s"):
        trip[key] += 30


def _cut(p: dict[str, Any]) -> dict[str, Any]:
    return p["replan"]["cut_trips"][0]


def _bag_back(p: dict[str, Any]) -> dict[str, Any]:
    return p["replan"]["bags_back"][0]


def _extra_bags_back(p: dict[str, Any]) -> None:
    p["replan"]["bags_back"].append({"household": _door(p)["household"], "gate": "G",
                                     "back_s": p["replan"]["at_s"]})


def _no_candidate(p: dict[str, Any]) -> None:
    del p["replan"]["candidates"]["fresh"]


def _someone_left(p: dict[str, Any]) -> None:
    p["replan"]["left"]["V5"] = p["replan"]["at_s"] - 600


def _nobody_left(p: dict[str, Any]) -> None:
    p["replan"]["left"] = {}


def _unserved_reason(reason: str) -> Edit:
    def edit(p: dict[str, Any]) -> None:
        p["unserved"][0]["reason"] = reason
    return edit


def _next_three(p: dict[str, Any]) -> None:
    p["replan"]["next_three_changed"] = ["V4"]


def _chosen_other(p: dict[str, Any]) -> None:
    info = p["replan"]
    info["chosen"] = "fresh" if info["chosen"] != "fresh" else "sheets kept"
    info["candidates"][info["chosen"]] += 500


REPLAN: list[tuple[str, Edit]] = [
    ("replan: block removed", _set("replan", None)),
    ("replan: replan's time", _plus("replan.at_s", -1800)),
    ("replan: replan's time later", _plus("replan.at_s", 1800)),
    ("replan: original's fingerprint", _set("replan.original_sha256", "e" * 64)),
    ("replan: base scenario's fingerprint", _set("replan.base_scenario_sha256", "d" * 64)),
    ("replan: trips kept", _plus("replan.trips_kept", 1)),
    ("replan: trips kept fewer", _plus("replan.trips_kept", -2)),
    ("replan: someone else left", _someone_left),
    ("replan: nobody left", _nobody_left),
    ("replan: left later", _set("replan.left", lambda d: {k: v + 900 for k, v in d.items()})),
    ("replan: cut trip stops", _on(_cut, "stops_kept", lambda x: x + 1)),
    ("replan: cut trip index", _on(_cut, "trip", lambda x: x + 1)),
    ("replan: cut trip volunteer", _on(_cut, "volunteer", "V4")),
    ("replan: no cut trips", _set("replan.cut_trips", [])),
    ("replan: bags back later", _on(_bag_back, "back_s", lambda x: x + 600)),
    ("replan: bags back another household", _on(_bag_back, "household",
                                               lambda h: "B1-1-0101")),
    ("replan: bags back another gate", _on(_bag_back, "gate", "G2")),
    ("replan: bags back dropped", _set("replan.bags_back", [])),
    ("replan: bags back extra", _extra_bags_back),
    ("replan: chosen other", _chosen_other),
    ("replan: chosen's makespan", _set("replan.candidates", lambda c: {
        k: v + 300 for k, v in c.items()})),
    ("replan: candidate missing", _no_candidate),
    ("replan: changed stops", _plus("replan.changed_stops", 3)),
    ("replan: next three changed", _next_three),
    ("replan: kept trip moved", _kept_trip_moved),
    ("replan: kept hand-over moved", _do(
        lambda p: p["deliveries"][0].update(delivered_s=p["deliveries"][0]["delivered_s"] + 5))),
    ("replan: reason no eligible volunteer", _unserved_reason("no_eligible_volunteer")),
    ("replan: reason deadline unreachable", _unserved_reason("deadline_unreachable")),
    ("replan: unserved dropped", _do(lambda p: p["unserved"].pop(),
                                     _plus("summary.households_unserved", -1))),
]


# -- the three formats -----------------------------------------------------------------

BJXILU = ROOT / "examples" / "bjxilu7.json"


def day_events(original: Plan) -> Events:
    """V1 leaves during its second trip, the household served second-to-last is made
    urgent, and a household is added whose nine bags the gate's batches do not cover."""
    late = sorted(original.deliveries, key=lambda d: -d.delivered_s)[1].household
    return validate_document(Events, {"format": "supplyroute.events", "events": [
        {"type": "volunteer_leaves", "volunteer": "V1", "at": "09:10"},
        {"type": "urgent_order", "household": late, "deadline": "10:30"},
        {"type": "households_added", "households": [
            {"id": "B1-1-0901", "stairwell": "B1-1", "floor": 3,
             "bags": [{"kind": "living", "weight_kg": 15}] * 9}]}]})


@pytest.fixture(scope="module")
def cases(example_plan: ExamplePlan) -> dict[str, Case]:
    scenario, carried = example_plan("bjxilu7")
    _, relayed = example_plan("bjxilu7", mode="relay")
    day = replan(scenario, carried, day_events(carried), 9.2 * 3600,
                 PlanOptions(deterministic=True, time_limit_s=4))
    return {"carry": (scenario, carried, None), "relay": (scenario, relayed, None),
            "replan": (day.scenario, day.plan, carried)}


EDITS = {"carry": COMMON + PLAIN, "relay": COMMON + RELAY + PLAIN, "replan": COMMON + REPLAN}


def _verdicts(case: Case, edits: list[tuple[str, Edit]]) -> dict[str, list[Violation] | str]:
    scenario, made, original = case
    out: dict[str, list[Violation] | str] = {}
    base = made.model_dump(mode="json")
    for name, edit in edits:
        data = copy.deepcopy(base)
        edit(data)
        assert data != base, f"{name}: the edit changes nothing"
        out[name] = violations(scenario, data, original)
    return out


@pytest.mark.parametrize("kind", ["carry", "relay", "replan"])
def test_the_unedited_plan_passes(cases: dict[str, Case], kind: str) -> None:
    scenario, made, original = cases[kind]
    assert violations(scenario, made.model_dump(mode="json"), original) == []
    assert len(EDITS[kind]) >= 60


@pytest.mark.parametrize("kind", ["carry", "relay", "replan"])
def test_every_single_edit_is_refused_naming_a_rule(cases: dict[str, Case], kind: str) -> None:
    verdicts = _verdicts(cases[kind], EDITS[kind])
    accepted = [name for name, found in verdicts.items() if not found]
    assert accepted == [], f"accepted {len(accepted)} of {len(verdicts)}: {accepted}"
    for found in verdicts.values():
        assert all(isinstance(v.rule, RoundRule) for v in found)


def test_the_new_rules_are_named(cases: dict[str, Case]) -> None:
    """The refusals this issue added name the rules a coordinator looks up."""
    want = {
        ("carry", "a replan block on a plan that is no replan"): RoundRule.REPLAN,
        ("carry", "ledger another volunteer"): RoundRule.SUMMARY,
        ("carry", "ledger trip 99"): RoundRule.SUMMARY,
        ("relay", "relay: ledger climber is the ferry"): RoundRule.SUMMARY,
        ("carry", "gap with a zero bound"): RoundRule.SUMMARY,
        ("carry", "other mode shorter"): RoundRule.SUMMARY,
        ("carry", "bound label of another argument"): RoundRule.CLAIM,
        ("relay", "proven optimal"): RoundRule.CLAIM,
        ("replan", "replan: trips kept"): RoundRule.REPLAN,
        ("replan", "bound a little higher"): RoundRule.CLAIM,
        ("replan", "replan: reason deadline unreachable"): RoundRule.UNSERVED,
    }
    for (kind, name), rule in want.items():
        edits = dict(EDITS[kind])
        found = _verdicts(cases[kind], [(name, edits[name])])[name]
        assert rule in {v.rule for v in found}, (kind, name, [str(v) for v in found])


def test_the_command_line_refuses_with_exit_4(cases: dict[str, Case], tmp_path: Path) -> None:
    """A handful through ``supplyroute check``: the replan with --original, and a plan
    with a replan block it cannot verify without one."""
    for kind, names in (("carry", ["ledger another volunteer", "gap with a zero bound",
                                   "a replan block on a plan that is no replan"]),
                        ("relay", ["relay: ledger climber is the ferry"]),
                        ("replan", ["replan: trips kept", "bound a little higher"])):
        scenario, made, original = cases[kind]
        scenario_file = tmp_path / f"{kind}.scenario.json"
        scenario_file.write_text(dump_model(scenario), encoding="utf-8")
        extra = []
        if original is not None:
            (tmp_path / "original.json").write_text(dump_model(original), encoding="utf-8")
            extra = ["--original", str(tmp_path / "original.json")]
        plan_file = tmp_path / f"{kind}.json"
        plan_file.write_text(dump_model(made), encoding="utf-8")
        ok = cli("check", str(scenario_file), str(plan_file), *extra)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        edits = dict(EDITS[kind])
        for name in names:
            data = made.model_dump(mode="json")
            edits[name](data)
            plan_file.write_text(json.dumps(data), encoding="utf-8")
            refused = cli("check", str(scenario_file), str(plan_file), *extra)
            assert refused.returncode == 4, (name, refused.stdout)
    # The replan checked without its original: refused, saying how to check it.
    scenario, made, _ = cases["replan"]
    plan_file.write_text(dump_model(made), encoding="utf-8")
    refused = cli("check", str(tmp_path / "replan.scenario.json"), str(plan_file))
    assert refused.returncode == 4 and "--original" in refused.stdout + refused.stderr
