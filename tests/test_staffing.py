"""Staffing: the fewest volunteers that serve every household by a clock time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyroute.checks import check
from supplyroute.cli import main
from supplyroute.errors import InputError
from supplyroute.io import load_plan, load_scenario
from supplyroute.planner import PlanOptions
from supplyroute.staffing import StaffingAnswer, staff, team, zone_groups
from tests.conftest import ROOT

NANXIU = ROOT / "examples" / "nanxiu12.json"
BJXILU = ROOT / "examples" / "bjxilu7.json"
KANDAN = ROOT / "examples" / "kandan576.json"
QUICK = PlanOptions(time_limit_s=2, deterministic=True)


def _at(hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _sound(answer: StaffingAnswer) -> None:
    """The answer's plan serves everyone by finish-by, checks clean, and the bound of
    one fewer than ``lower`` leaves no time."""
    assert answer.enough is not None and answer.plan is not None and answer.team is not None
    assert check(answer.team, answer.plan) == []
    assert len(answer.team.volunteers) == answer.enough
    assert answer.plan.summary.households_unserved == 0
    assert answer.plan.summary.last_delivery_s <= answer.finish_by_s
    assert answer.lower is not None and answer.lower <= answer.enough
    # The bound over every team holds for the team found too.
    assert answer.fewest_any is not None and answer.fewest_any <= answer.enough
    assert answer.gap == answer.enough - answer.lower
    tried = {a.volunteers: a for a in answer.attempts}
    if answer.below_lower_bound_s is not None:
        below = tried[answer.lower - 1]
        assert below.round_start_s + answer.below_lower_bound_s > answer.finish_by_s
    assert answer.lower_bound_s is not None
    assert tried[answer.lower].round_start_s + answer.lower_bound_s <= answer.finish_by_s


def test_nanxiu_by_0830_needs_its_two_volunteers() -> None:
    answer = staff(load_scenario(NANXIU), _at("08:30"), options=QUICK)
    _sound(answer)
    assert (answer.lower, answer.enough) == (2, 2)
    assert answer.below_lower_bound_s is not None  # one volunteer: 42 min > 30 min
    assert answer.cloned == 0


def test_a_tighter_time_clones_volunteers_above_the_roster() -> None:
    answer = staff(load_scenario(NANXIU), _at("08:13"), options=QUICK)
    _sound(answer)
    assert answer.lower == 3  # the bound of 2 (20.2 min) leaves no time
    assert answer.enough is not None and answer.enough >= 3
    assert answer.cloned == answer.enough - 2
    assert "W1+1" in answer.volunteer_ids
    planned = [a for a in answer.attempts if a.planned]
    assert all(a.violations == 0 for a in planned)


def test_a_red_home_needs_a_volunteer_with_ppe_in_the_team() -> None:
    answer = staff(load_scenario(BJXILU), _at("12:00"), options=QUICK)
    _sound(answer)
    assert answer.lower == 2 and answer.below_lower_bound_s is None
    assert answer.below_lower_reason is not None and "ppe" in answer.below_lower_reason


def test_no_team_can_beat_a_late_release() -> None:
    answer = staff(load_scenario(BJXILU), _at("09:00"), options=QUICK)
    assert answer.enough is None and answer.lower is None
    assert answer.reason is not None and "cannot finish by 09:00" in answer.reason
    assert not any(a.planned for a in answer.attempts)  # the bound said so: no plan


def test_finish_by_before_the_round_is_refused() -> None:
    with pytest.raises(InputError) as err:
        staff(load_scenario(NANXIU), _at("07:30"), options=QUICK)
    assert err.value.first.path == "finish_by"


def test_teams_grow_by_zone_and_keep_each_zone_servable() -> None:
    scenario = load_scenario(KANDAN)
    groups = zone_groups(scenario)
    assert [g.label for g in groups] == ["group 1", "group 2"]
    assert all(g.needed == 2 for g in groups)  # a cart (first on the roster) and the ppe
    bigger = team(scenario, 30, groups=groups)
    for k in range(4, 30):
        assert [v.id for v in team(scenario, k, groups=groups)] == [v.id for v in bigger[:k]]
    first = [v.id for v in bigger[:4]]
    assert first == ["G1-01", "G1-04", "G2-01", "G2-04"]
    assert "ppe" in bigger[1].skills and "ppe" in bigger[3].skills
    assert len({v.id for v in bigger}) == 30
    assert sum(v.id.startswith("G1") for v in bigger) in (14, 15, 16)


def test_carts_go_to_the_first_of_the_team() -> None:
    scenario = load_scenario(KANDAN)
    members = team(scenario, 8, carts=3)
    assert [v.cart is not None for v in members] == [True] * 3 + [False] * 5
    assert members[1].id == "G1-04"  # had no cart on the roster: gets the group's
    assert sum(v.cart is not None for v in team(scenario, 8, carts=0)) == 0


def test_cli_writes_the_answer_its_team_and_plan(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "staff.json"
    code = main(["staff", str(NANXIU), "--finish-by", "08:30", "--time-limit", "2",
                 "--deterministic", "-o", str(out)])
    assert code == 0
    printed = capsys.readouterr()
    assert "enough        2 volunteers" in printed.out
    assert "[staff] bound with 1 volunteers" in printed.err
    answer = StaffingAnswer.model_validate_json(out.read_text())
    assert answer.enough == 2 and answer.plan is None
    team_scenario = load_scenario(tmp_path / "staff.scenario.json")
    assert check(team_scenario, load_plan(tmp_path / "staff.plan.json")) == []
    _valid(capsys, "staffing", json.loads(out.read_text()))


@pytest.mark.parametrize(("finish_by", "code", "words"), [
    ("07:00", 2, "--finish-by: 07:00 is not after the round starts (08:00)"),
    ("8:75", 2, "--finish-by"),
    ("08:01", 3, "cannot finish by 08:01"),
])
def test_cli_exit_codes(finish_by: str, code: int, words: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", str(NANXIU), "--finish-by", finish_by, "--quiet"]) == code
    printed = capsys.readouterr()
    assert words in printed.err + printed.out


def test_schema_lists_the_staffing_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "staffing"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "enough" in schema["properties"] and "lower" in schema["properties"]


def test_a_team_starting_later_is_bounded_from_its_own_start() -> None:
    scenario = load_scenario(NANXIU)
    late = scenario.volunteers[0].model_copy(update={"shift": scenario.volunteers[0].shift
                                                      .model_copy(update={"start": _at("09:00")})})
    scenario = scenario.model_validate(
        scenario.model_dump(mode="json") | {"volunteers": [
            late.model_dump(mode="json"), scenario.volunteers[1].model_dump(mode="json")]})
    answer = staff(scenario, _at("09:35"), options=QUICK)
    _sound(answer)
    one = next(a for a in answer.attempts if a.volunteers == 1)
    assert one.round_start_s == _at("09:00") and not one.bound_fits  # 42 min from 09:00
    assert answer.enough == 2


def _valid(capsys: pytest.CaptureFixture[str], document: str, data: object) -> None:
    """The written JSON is valid under ``supplyroute schema {document}``."""
    jsonschema = pytest.importorskip("jsonschema")
    capsys.readouterr()
    assert main(["schema", document]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


def test_the_team_bound_holds_for_every_team_that_makes_it() -> None:
    """On random small compounds: plan with k volunteers (a cart for some), take the
    last hand-over as the time to beat; the team LP never asks for more than k."""
    import random

    from supplyroute.bounds.team import team_bound
    from supplyroute.compound.prepared import PreparedCompound
    from supplyroute.planner import plan
    from tests.conftest import compound, random_households

    rng = random.Random(11)
    tried = 0
    for case in range(12):
        k = 1 + case % 4
        volunteers = [{"id": f"V{i}", "shift": {"start": "08:00", "end": "18:00"},
                       "gate": "G", **({"cart": {"capacity_bags": 8, "capacity_kg": 80}}
                                       if i == 0 and case % 3 == 0 else {})}
                      for i in range(k)]
        scenario = compound(random_households(rng, rng.randint(4, 16)), volunteers)
        made = plan(scenario, QUICK)
        assert check(scenario, made) == [] and not made.unserved
        ctx = PreparedCompound(scenario)
        carts = sum(v.cart is not None for v in scenario.volunteers)
        bound = team_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible,
                           made.summary.last_delivery_s, carts)
        assert bound.volunteers is not None and bound.volunteers <= k, (case, bound)
        tried += 1
    assert tried == 12


def test_no_team_can_when_a_household_is_out_of_reach_in_time() -> None:
    from supplyroute.bounds.team import team_bound
    from supplyroute.compound.prepared import PreparedCompound

    scenario = load_scenario(NANXIU)
    ctx = PreparedCompound(scenario)
    start = min(v.shift.start for v in scenario.volunteers)
    # Two minutes: loading alone takes that long, so nobody can hand anything over.
    assert team_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible,
                      start + 120).volunteers is None
    answer = staff(scenario, _at("08:30"), options=QUICK)
    assert answer.fewest_any == 2 and 1 < answer.fewest_any_lp < 2
