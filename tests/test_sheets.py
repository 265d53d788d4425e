"""Route sheets: every household on its volunteer's sheet, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from supplyroute import PlanOptions, check, load_scenario, plan
from supplyroute.sheets import render_sheet, write_sheets
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def planned():
    scenario = load_scenario(ROOT / "examples" / "bjxilu7.json")
    result = plan(scenario, PlanOptions(deterministic=True, time_limit_s=5))
    assert check(scenario, result) == []
    return scenario, result


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_household_is_on_its_volunteers_sheet(planned, lang: str) -> None:
    scenario, result = planned
    for vp in result.volunteers:
        sheet = render_sheet(scenario, result, vp.volunteer, lang)
        mine = [d.household for d in result.deliveries if d.volunteer == vp.volunteer]
        for hid in mine:
            assert f"| {hid} |" in sheet
        assert sheet.count("\n## ") == len(vp.trips)


def test_urgent_and_red_homes_are_marked(planned) -> None:
    scenario, result = planned
    urgent = next(h for h in scenario.households if h.priority.value == "urgent")
    owner = next(d.volunteer for d in result.deliveries if d.household == urgent.id)
    en = render_sheet(scenario, result, owner, "en")
    zh = render_sheet(scenario, result, owner, "zh")
    assert "URGENT, due 12:00" in en and "insulin" in en
    assert "紧急，12:00前送达" in zh and "胰岛素" in zh
    for word in ("Trip", "Load", "Stairwell", "Floor"):
        assert word not in zh


def test_loading_line_counts_bags(planned) -> None:
    scenario, result = planned
    vp = next(vp for vp in result.volunteers if vp.trips)
    sheet = render_sheet(scenario, result, vp.volunteer, "en")
    assert f"Load: {vp.trips[0].bags} bags" in sheet


def test_write_sheets_writes_every_volunteer_and_an_index(planned, tmp_path: Path) -> None:
    scenario, result = planned
    paths = write_sheets(scenario, result, tmp_path / "out", lang="zh")
    working = [vp for vp in result.volunteers if vp.trips]
    assert len(paths) == len(working) + 1
    assert all(p.exists() for p in paths)
    assert "路线单目录" in (tmp_path / "out" / "index.zh.md").read_text()
    assert not list((tmp_path / "out").glob(".*"))  # no temporary files left behind


def test_unknown_language_and_volunteer(planned) -> None:
    scenario, result = planned
    with pytest.raises(ValueError, match="language"):
        render_sheet(scenario, result, result.volunteers[0].volunteer, "fr")
    with pytest.raises(ValueError, match="not in the plan"):
        render_sheet(scenario, result, "nobody", "en")
