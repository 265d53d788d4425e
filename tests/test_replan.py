"""Replanning during the day: what was started is kept, the rest replanned with the
fewest changes; every replan checks against its day's scenario and its original."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from supplyroute.checks import RoundRule, check, check_replan
from supplyroute.cli import main
from supplyroute.errors import InputError
from supplyroute.io import load_scenario, validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.models.events import Events
from supplyroute.planner import PlanOptions, plan
from supplyroute.replan import replan
from tests.conftest import ROOT

KANDAN = ROOT / "examples" / "kandan576.json"
BJXILU = ROOT / "examples" / "bjxilu7.json"
QUICK = PlanOptions(time_limit_s=0.5)


@pytest.fixture(scope="module")
def kandan() -> tuple[Scenario, Plan]:
    """kandan576 as planned by hand (the way a street office works today): its round
    runs to 12:18, so mid-morning events meet work still to do."""
    scenario = load_scenario(KANDAN)
    return scenario, plan(scenario, PlanOptions(method="manual"))


def events(*items: dict[str, Any]) -> Events:
    return validate_document(Events, {"format": "supplyroute.events", "events": list(items)})


def stops_after(p: Plan, volunteer: str, at_s: float) -> list[tuple[str, frozenset[str]]]:
    """A volunteer's sheet after ``at_s``: each stop's stairwell and households."""
    vp = next(v for v in p.volunteers if v.volunteer == volunteer)
    return [(st.stairwell, frozenset([d.household for d in st.drops]
                                     + [d.household for r in st.runs for d in r.doors]))
            for t in vp.trips if t.start_s >= at_s for st in t.stops]


def assert_sound(scenario: Scenario, original: Plan, result) -> None:
    assert check(result.scenario, result.plan) == []
    assert check_replan(original, result.plan) == []
    assert result.plan.scenario_sha256 is not None


def test_a_volunteer_leaves_and_an_urgent_order_comes_in(kandan) -> None:
    scenario, original = kandan
    at = 10.5 * 3600
    later = [d for d in original.deliveries if d.delivered_s > 11.5 * 3600]
    target = later[0].household  # served at 11:30 or later as planned
    result = replan(scenario, original, events(
        {"type": "volunteer_leaves", "volunteer": "G1-03", "at": "10:30"},
        {"type": "urgent_order", "household": target, "deadline": "11:00"}), at, QUICK)
    assert_sound(scenario, original, result)
    new = result.plan
    # Every hand-over before 10:30 is where and when it was.
    ledger = {d.household: d for d in new.deliveries}
    for d in original.deliveries:
        if d.delivered_s < at:
            assert ledger[d.household] == d
    # The urgent order is met.
    assert ledger[target].priority == "urgent" and ledger[target].delivered_s <= 11 * 3600
    assert new.summary.deadlines_met == new.summary.deadlines_total
    info = new.replan
    assert info is not None and info.at_s == at
    # Who keeps their next three stops is what the replan says, and a change is made
    # only for a shorter round.
    for vp in original.volunteers:
        if vp.volunteer == "G1-03":
            continue
        before = stops_after(original, vp.volunteer, at)[:3]
        after = stops_after(new, vp.volunteer, at)[:len(before)]
        assert (before != after) == (vp.volunteer in info.next_three_changed)
    if info.chosen != "sheets kept":
        assert info.candidates[info.chosen] < info.candidates["sheets kept"]


def test_a_volunteer_who_leaves_before_starting_is_not_there_today(kandan) -> None:
    scenario, original = kandan
    result = replan(scenario, original, events(
        {"type": "volunteer_leaves", "volunteer": "G1-03", "at": "08:00"}), 8 * 3600, QUICK)
    assert_sound(scenario, original, result)
    assert "G1-03" not in {v.id for v in result.scenario.volunteers}
    assert not any(v.trips for v in result.plan.volunteers if v.volunteer == "G1-03")


def test_each_kind_of_event_gives_a_sound_replan(kandan) -> None:
    scenario, original = kandan
    at = 10 * 3600
    todo = [d.household for d in original.deliveries if d.delivered_s > 11 * 3600]
    cases = {
        "late": {"type": "volunteer_late", "volunteer": "G2-10", "arrives": "10:45"}
        if not any(t.start_s < at for vp in original.volunteers if vp.volunteer == "G2-10"
                   for t in vp.trips) else None,
        "joins": {"type": "volunteer_joins", "volunteer": {
            "id": "NEW-1", "shift": {"start": "10:00", "end": "18:00"}, "gate": "G"}},
        "added": {"type": "households_added", "households": [
            {"id": "B1-1-0701", "stairwell": "B1-1", "floor": 6, "deadline": "12:00"}]},
        "removed": {"type": "households_removed", "households": todo[:3]},
        "release": {"type": "release_changed", "gate": "G", "release": 1, "bags": 300},
        "closed": {"type": "closed", "building": "B4", "until": "11:00"},
        "cart": {"type": "cart_broken", "volunteer": "G1-01"},
    }
    for name, event in cases.items():
        if event is None:
            continue
        result = replan(scenario, original, events(event), at, QUICK)
        assert_sound(scenario, original, result), name
    closed = replan(scenario, original, events(cases["closed"]), at, QUICK)
    b4 = {h.id for h in scenario.households
          if scenario.stairwell_building[h.stairwell].id == "B4"}
    assert all(d.delivered_s >= 11 * 3600 or d.delivered_s < at
               for d in closed.plan.deliveries if d.household in b4)


def test_events_naming_what_is_not_there_are_refused(kandan) -> None:
    scenario, original = kandan
    with pytest.raises(InputError) as err:
        replan(scenario, original, events(
            {"type": "volunteer_leaves", "volunteer": "NOBODY", "at": "10:00"}), 36000, QUICK)
    assert err.value.issues[0].path == "events[0].volunteer"
    served_early = min(original.deliveries, key=lambda d: d.delivered_s).household
    with pytest.raises(InputError, match="already served"):
        replan(scenario, original, events(
            {"type": "households_removed", "households": [served_early]}), 36000, QUICK)


def test_a_replan_that_changes_what_it_kept_is_refused(kandan) -> None:
    scenario, original = kandan
    result = replan(scenario, original, events(), 10 * 3600, QUICK)
    data = result.plan.model_dump(mode="json")
    trip = data["volunteers"][0]["trips"][0]
    for key in ("start_s", "depart_s", "return_s"):
        trip[key] += 60
    moved = validate_document(Plan, data)
    assert {v.rule for v in check_replan(original, moved)} == {RoundRule.LOCKED}
    # Against another plan (here: the original with one hand-over a second later).
    data = original.model_dump(mode="json")
    data["deliveries"][0]["delivered_s"] += 1
    other = validate_document(Plan, data)
    assert [v.path for v in check_replan(other, result.plan)] == ["replan.original_sha256"]


def test_replan_on_the_command_line(kandan, tmp_path: Path) -> None:
    scenario, original = kandan
    original_file = tmp_path / "plan.json"
    original_file.write_text(original.model_dump_json(), encoding="utf-8")
    events_file = tmp_path / "events.json"
    events_file.write_text(json.dumps({"format": "supplyroute.events", "events": [
        {"type": "volunteer_leaves", "volunteer": "G2-02", "at": "10:00"}]}), encoding="utf-8")
    out = tmp_path / "new.json"
    code = main(["replan", str(KANDAN), str(original_file), "--at", "10:00", "--events",
                 str(events_file), "-o", str(out), "--time-limit", "1", "--quiet"])
    assert code == 0
    day = tmp_path / "new.scenario.json"
    assert main(["check", str(day), str(out), "--original", str(original_file)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"events": [{"type": "volunteer_leaves", "volunteer": "G2-02"}]}',
                   encoding="utf-8")
    assert main(["replan", str(KANDAN), str(original_file), "--at", "10:00", "--events",
                 str(bad), "-o", str(tmp_path / "x.json")]) == 2
    assert not (tmp_path / "x.json").exists()
    assert main(["replan", str(KANDAN), str(original_file), "--at", "25:99", "-o",
                 str(tmp_path / "x.json")]) == 2


def random_events(rng: random.Random, scenario: Scenario, base: Plan,
                  at_s: float) -> list[dict[str, Any]]:
    """One to four events of any kind, each naming things that are there."""
    started = {vp.volunteer for vp in base.volunteers if any(t.start_s < at_s
                                                              for t in vp.trips)}
    locked = {d.household for d in base.deliveries
              if d.trip is not None and next(vp for vp in base.volunteers
                                             if vp.volunteer == d.volunteer)
              .trips[d.trip].start_s < at_s}
    todo = sorted(h.id for h in scenario.households if h.id not in locked)
    volunteers = [v.id for v in scenario.volunteers]
    carts = [v.id for v in scenario.volunteers if v.cart is not None]
    stairwells = sorted(scenario.stairwell_building)
    out: list[dict[str, Any]] = []
    gone: set[str] = set()
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["leaves", "late", "joins", "added", "removed", "urgent",
                           "release", "closed", "cart"])
        when = at_s + rng.choice([-1800, -600, 0, 900, 3600])
        if kind == "leaves":
            out.append({"type": "volunteer_leaves", "volunteer": rng.choice(volunteers),
                        "at": max(scenario.volunteers[0].shift.start, when)})
        elif kind == "late":
            idle = [v for v in volunteers if v not in started]
            if idle:
                out.append({"type": "volunteer_late", "volunteer": rng.choice(idle),
                            "arrives": at_s + rng.choice([0, 1800])})
        elif kind == "joins":
            new_id = f"J{len(out)}-{rng.randint(0, 9999)}"
            gate = rng.choice(scenario.gates).id
            out.append({"type": "volunteer_joins", "volunteer": {
                "id": new_id, "gate": gate,
                "shift": {"start": at_s, "end": at_s + 6 * 3600}}})
        elif kind == "added":
            w = rng.choice(stairwells)
            floors = scenario.stairwell_building[w].floors
            h = {"id": f"ADD-{len(out)}-{rng.randint(0, 9999)}", "stairwell": w,
                 "floor": rng.randint(1, floors)}
            if rng.random() < 0.5:
                h["deadline"] = at_s + rng.choice([1800, 5400])
            out.append({"type": "households_added", "households": [h]})
        elif kind == "removed" and todo:
            picked = [h for h in rng.sample(todo, min(3, len(todo))) if h not in gone]
            gone.update(picked)
            if picked:
                out.append({"type": "households_removed", "households": picked})
        elif kind == "urgent" and todo:
            hid = rng.choice(todo + sorted(locked)[:20])
            if hid not in gone:
                out.append({"type": "urgent_order", "household": hid,
                            "deadline": at_s + rng.choice([1800, 3600, 7200])})
        elif kind == "release":
            gate = rng.choice(scenario.gates)
            counted = [i for i, r in enumerate(gate.releases)
                       if r.bags is not None and r.at > at_s]  # batches still to come
            if counted:
                i = rng.choice(counted)
                change: dict[str, Any] = {"type": "release_changed", "gate": gate.id,
                                          "release": i}
                if rng.random() < 0.5:
                    change["at"] = gate.releases[i].at + rng.choice([0, 1800, 7200])
                else:
                    change["bags"] = max(0, (gate.releases[i].bags or 0) - rng.randint(0, 50))
                out.append(change)
        elif kind == "closed":
            place = rng.choice([{"stairwell": rng.choice(stairwells)},
                                {"building": rng.choice(scenario.buildings).id}])
            out.append({"type": "closed", **place, "until": at_s + rng.choice([600, 3600])})
        elif kind == "cart" and carts:
            out.append({"type": "cart_broken", "volunteer": rng.choice(carts)})
    return out


@pytest.mark.slow
def test_soak_200_random_event_sequences_on_kandan576(kandan) -> None:
    """200 sequences of random events at random times on kandan576, each replanned with
    a short time limit (some twice, the second replan of the first): every replan
    checks, against its day's scenario and against the plan it replans."""
    scenario, by_hand = kandan
    optimised = plan(scenario, PlanOptions(time_limit_s=2, deterministic=True))
    rng = random.Random(20261204)
    replans = refused = 0
    for n in range(200):
        base = by_hand if n % 2 == 0 else optimised
        at_s = rng.uniform(8.25, base.summary.last_delivery_s / 3600 - 0.1) * 3600
        at_s = round(at_s / 60) * 60
        try:
            first = replan(scenario, base, events(*random_events(rng, scenario, base, at_s)),
                           at_s, PlanOptions(time_limit_s=0.2))
        except InputError as exc:  # e.g. a late arrival after its volunteer left
            refused += 1
            assert exc.issues and exc.issues[0].path.startswith("events"), exc
            continue
        assert_sound(scenario, base, first)
        replans += 1
        if n % 5 == 0:
            later = at_s + 1800
            try:
                second = replan(first.scenario, first.plan, events(*random_events(
                    rng, first.scenario, first.plan, later)), later,
                    PlanOptions(time_limit_s=0.2))
            except InputError as exc:
                refused += 1
                assert exc.issues[0].path.startswith("events"), exc
                continue
            assert_sound(first.scenario, first.plan, second)
            replans += 1
    assert replans >= 200 and refused < 20
