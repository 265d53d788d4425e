"""The cycle cases users met on compounds nobody tuned for, each planned and held to
the checker: households overdue from before the horizon, too few packers, garbage
rounds that no shift (or only part of the crew) reaches, roster days without full PPE,
a shortage of fewer units than households, and the climbing of both rounds rotated
among volunteers who could swap days."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supplyroute.checks.horizon import HorizonRule, check_horizon
from supplyroute.cycles.folder import read_horizon, write_horizon
from supplyroute.cycles.planner import CycleOptions, CycleResult, plan_cycle
from supplyroute.errors import InputError
from supplyroute.models.cycle import CycleScenario
from supplyroute.models.horizon import HorizonFolder
from tests.conftest import DATA
from tests.conftest import cli as run

CYCLE_SMALL = DATA / "cycle_small.json"
RED = "B1-2-0201"  # cycle_small's red home; V3 is its one volunteer in full PPE


def small(**changes: Any) -> dict[str, Any]:
    data = json.loads(CYCLE_SMALL.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def planned_clean(data: dict[str, Any], tmp_path: Path) -> tuple[CycleResult, HorizonFolder]:
    """Plan the cycle, write and read its folder, and hold it to the checker."""
    cs = CycleScenario.model_validate(data)
    result = plan_cycle(cs, CycleOptions(time_limit_s=1, deterministic=True))
    write_horizon(result.horizon, result.rounds, tmp_path / "horizon")
    folder = read_horizon(tmp_path / "horizon")
    violations = check_horizon(cs, folder)
    assert violations == [], "\n".join(map(str, violations))
    return result, folder


def test_a_household_overdue_from_before_the_horizon_is_delivered_on_day_0(
        tmp_path: Path) -> None:
    data = small(households=[{"household": "B2-2-0501", "last_delivery_day": -3}])
    result, _ = planned_clean(data, tmp_path)
    first = next(d.day for d in result.horizon.days
                 if any(x.household == "B2-2-0501" and x.bags for x in d.deliveries))
    assert first == 0


def test_too_few_packers_leave_the_rest_unpacked_and_share_among_the_packed(
        tmp_path: Path) -> None:
    """One packer for eight minutes: the households the line cannot reach are named
    'not packed' and take no share; nobody packed is short while their items wait at
    the gate (the checker's fairness rule)."""
    data = small(packing={"bag_s": 60, "dwell_s": 0, "batch_bags": 12,
                          "shifts": [{"staff": 1, "start": "06:00", "end": "06:08"}]})
    result, _ = planned_clean(data, tmp_path)
    unpacked = [x for d in result.horizon.days for x in d.deliveries
                if not x.bags and x.short and x.short.startswith("not packed")]
    assert unpacked
    assert result.horizon.summary.undelivered == len(unpacked)


def test_a_garbage_round_no_shift_reaches_is_refused_naming_its_start(tmp_path: Path) -> None:
    data = small()
    for v in data["compound"]["volunteers"]:
        v["shift"] = {"start": "08:00", "end": "14:00"}
    data["garbage"]["start"] = "14:30"
    with pytest.raises(InputError) as err:
        CycleScenario.model_validate(data)
    [issue] = err.value.issues
    assert issue.path == "garbage.start"
    assert "14:00" in issue.reason and "compound.volunteers[0].shift.end" in issue.reason
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run("cycle", str(path), "-o", str(tmp_path / "h"))
    assert done.returncode == 2 and "garbage.start" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "h").exists()


def test_garbage_after_the_crew_in_ppe_has_gone_is_a_named_shortfall(tmp_path: Path) -> None:
    """Only the volunteer in full PPE stops before the garbage round: the red and
    orange homes' garbage is named (no_time) and everyone else's is collected."""
    data = small()
    data["compound"]["volunteers"][2]["shift"] = {"start": "08:00", "end": "13:00"}
    data["garbage"]["start"] = "15:00"
    result, _ = planned_clean(data, tmp_path)
    named = [(d.day, x) for d in result.horizon.days for x in d.not_served
             if x.round == "garbage"]
    assert named and all(x.reason == "no_time" for _, x in named)
    assert {x.household for _, x in named} <= {RED, "B1-2-0601"}
    assert result.horizon.summary.unserved >= len(named)


def test_a_red_home_due_on_a_day_without_ppe_is_delivered_the_day_before(
        tmp_path: Path) -> None:
    """Nobody in full PPE on the day the red home is due: its delivery moves to the
    closest day someone is (earlier, covering up to its next delivery), named on the
    day it was due."""
    cs = CycleScenario.model_validate(small())
    plain = plan_cycle(cs, CycleOptions(time_limit_s=1, deterministic=True))
    due = [d.day for d in plain.horizon.days
           if any(x.household == RED for x in d.deliveries)]
    off = next(d for d in due if d > 0)
    data = small(roster=[{"day": off, "volunteers": ["V1", "V2", "V4"]}])
    result, _ = planned_clean(data, tmp_path)
    day = result.horizon.days[off]
    assert RED not in {x.household for x in day.deliveries}
    [named] = [x for x in day.not_served if x.household == RED and x.round == "delivery"]
    assert named.reason == "nobody_may_serve" and named.moved_to_day == off - 1
    made = next(x for x in result.horizon.days[off - 1].deliveries if x.household == RED)
    assert made.days_covered >= 1 + named.days_covered


def test_a_red_home_without_ppe_on_its_first_day_waits_for_the_next_day(
        tmp_path: Path) -> None:
    """Overdue on day 0, when nobody in full PPE is on duty: day 1 it is."""
    data = small(roster=[{"day": 0, "volunteers": ["V1", "V2", "V4"]}],
                 households=[{"household": RED, "last_delivery_day": -2}])
    result, _ = planned_clean(data, tmp_path)
    [named] = [x for x in result.horizon.days[0].not_served
               if x.household == RED and x.round == "delivery"]
    assert named.moved_to_day == 1
    assert any(x.household == RED and x.bags for x in result.horizon.days[1].deliveries)
    assert result.horizon.summary.unserved >= 1


def test_a_red_home_no_day_of_its_cycle_can_serve_is_named(tmp_path: Path) -> None:
    data = small(roster=[{"day": d, "volunteers": ["V1", "V2", "V4"]} for d in range(3)])
    result, _ = planned_clean(data, tmp_path)
    named = [(d.day, x) for d in result.horizon.days for x in d.not_served
             if x.household == RED]
    assert named and all(x.moved_to_day is None for _, x in named if x.round == "delivery")
    assert not any(x.household == RED for d in result.horizon.days for x in d.deliveries)


def test_fewer_units_than_households_leave_none_at_the_gate(tmp_path: Path) -> None:
    """Three boxes of eggs and no pork on day 0 for every due household: each box goes
    to someone; the bound states the smallest share of 0 as proven."""
    data = small()
    data["stock"] = [a for a in data["stock"]
                     if not (a["day"] == 0 and a["item"] in ("eggs", "pork"))]
    data["stock"].append({"day": 0, "item": "eggs", "units": 3})
    result, _ = planned_clean(data, tmp_path)
    day0 = result.horizon.days[0]
    assert next(s for s in day0.stock if s.item == "eggs").closing == 0
    assert day0.allocation.status == "optimal" and day0.allocation.min_coverage == 0


def test_delivery_and_garbage_climbing_are_rotated_together(tmp_path: Path) -> None:
    """Four interchangeable volunteers over six days: the floors of both rounds,
    per day on duty, within 25% of the group's mean (as the summary states, and the
    checker recomputes)."""
    data = small(days=6)
    for v in data["compound"]["volunteers"]:
        v.pop("cart", None)
        v.pop("skills", None)
        v["shift"] = {"start": "08:00", "end": "18:00"}
    for h in data["compound"]["households"]:
        h.pop("risk", None)
    data["stock"] = [{**a, "day": a["day"] + k} for k in (0, 3) for a in data["stock"]]
    data["garbage"]["every_days"] = 1
    result, _ = planned_clean(data, tmp_path)
    fairness = result.horizon.summary.fairness
    assert fairness.floors_alike_max_over_mean <= 1.25
    floors = [v.floors_climbed for v in result.horizon.volunteers]
    assert max(floors) <= 1.25 * sum(floors) / len(floors)
    assert any(d.garbage_round is not None and d.relabel for d in result.horizon.days)


def test_a_stated_alike_fairness_the_plans_do_not_give_is_refused(tmp_path: Path) -> None:
    result, folder = planned_clean(small(), tmp_path)
    h = folder.horizon
    fairness = h.summary.fairness.model_copy(update={
        "floors_alike_max_over_mean": h.summary.fairness.floors_alike_max_over_mean + 0.5})
    summary = h.summary.model_copy(update={"fairness": fairness})
    edited = HorizonFolder(h.model_copy(update={"summary": summary}), dict(folder.rounds),
                           dict(folder.picklists))
    cs = CycleScenario.model_validate(small())
    violations = check_horizon(cs, edited)
    assert [v.rule for v in violations] == [HorizonRule.SUMMARY]
    assert "floors_alike_max_over_mean" in violations[0].path


def test_the_command_exits_3_for_a_named_shortfall_and_check_accepts_it(
        tmp_path: Path) -> None:
    data = small(roster=[{"day": d, "volunteers": ["V1", "V2", "V4"]} for d in range(3)])
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run("cycle", str(path), "-o", str(tmp_path / "h"), "--deterministic",
               "--time-limit", "1", "--quiet", "--workers", "1")
    assert done.returncode == 3, done.stderr
    checked = run("check", str(path), str(tmp_path / "h"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
