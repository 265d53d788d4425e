"""Route sheets: a tiny compound and a hand-built plan, rendered in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import supplyroute.sheets as sheets
from supplyroute import PlanOptions, check, plan
from supplyroute.io import validate_document
from supplyroute.models import (
    Delivery,
    Door,
    EntranceDrop,
    Plan,
    Scenario,
    StairRun,
    Stop,
    Summary,
    Trip,
    VolunteerPlan,
)
from supplyroute.sheets import render_sheet, sheet_file_name, write_sheets

NIGHT = "Li Wei/2"  # a volunteer id with characters unsafe in file names


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    data: dict[str, Any] = {
        "name": "tiny",
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [
            {"id": "B1", "floors": 6, "stairwells": [
                {"id": "B1-1", "entrance": {"x": 30, "y": 0}},
                {"id": "B1-2", "entrance": {"x": 45, "y": 0}},
            ]},
            {"id": "B2", "floors": 6, "lift": True, "stairwells": [
                {"id": "B2-1", "entrance": {"x": 30, "y": 40}},
            ]},
        ],
        "households": [
            {"id": "H1", "stairwell": "B1-1", "floor": 3, "priority": "urgent",
             "deadline": "11:30", "needs": ["insulin"],
             "bags": [{"kind": "prevention", "weight_kg": 2},
                      {"kind": "insulin", "weight_kg": 0.5}]},
            {"id": "H2", "stairwell": "B1-1", "floor": 5, "priority": "vulnerable",
             "needs": ["elderly_alone"]},
            {"id": "H3", "stairwell": "B1-2", "floor": 2, "risk": "red"},
            {"id": "H4", "stairwell": "B2-1", "floor": 1, "delivery": "entrance"},
            {"id": "H5", "stairwell": "B2-1", "floor": 4},
            {"id": "H6", "stairwell": "B2-1", "floor": 6},
        ],
        "volunteers": [
            {"id": "V1", "shift": {"start": "09:00", "end": "17:00"}, "gate": "G",
             "group": "Group 3", "skills": ["ppe"],
             "cart": {"capacity_bags": 10, "capacity_kg": 80}},
            {"id": NIGHT, "shift": {"start": "22:00", "end": "26:00"}, "gate": "G"},
            {"id": "V3", "shift": {"start": "09:00", "end": "17:00"}, "gate": "G"},
        ],
    }
    return validate_document(Scenario, data)


def _run(start: float, doors: list[tuple[str, int, float]], kg: float) -> StairRun:
    return StairRun(start_s=start, end_s=doors[-1][2] + 60, top_floor=max(f for _, f, _ in doors),
                    bags=2 * len(doors), carry_kg=kg,
                    doors=tuple(Door(household=h, floor=f, bags=(0, 1), delivered_s=t)
                                for h, f, t in doors))


@pytest.fixture(scope="module")
def hand_plan() -> Plan:
    h = 3600
    trip1 = Trip(
        gate="G", mode="cart", start_s=9 * h, depart_s=9 * h + 120, return_s=9 * h + 1500,
        bags=6, carry_kg=22.5, walk_m=180,
        stops=(
            Stop(stairwell="B1-1", arrive_s=9 * h + 160, leave_s=9 * h + 900, runs=(
                _run(9 * h + 160, [("H1", 3, 9 * h + 226)], 2.5),
                _run(9 * h + 300, [("H2", 5, 9 * h + 402)], 10.0),
            )),
            Stop(stairwell="B1-2", arrive_s=9 * h + 920, leave_s=9 * h + 1100, runs=(
                _run(9 * h + 920, [("H3", 2, 9 * h + 968)], 10.0),
            )),
        ),
    )
    trip2 = Trip(
        gate="G", mode="cart", start_s=9 * h + 1500, depart_s=9 * h + 1620,
        return_s=9 * h + 2400, bags=4, carry_kg=20, walk_m=130,
        stops=(
            Stop(stairwell="B2-1", arrive_s=9 * h + 1680, leave_s=9 * h + 2300,
                 drops=(EntranceDrop(household="H4", bags=(0, 1), delivered_s=9 * h + 1700),),
                 runs=(_run(9 * h + 1700, [("H5", 4, 9 * h + 1790)], 10.0),)),
        ),
    )
    night = Trip(
        gate="G", mode="hands", start_s=24 * h + 50 * 60, depart_s=24 * h + 52 * 60,
        return_s=25 * h + 30 * 60, bags=2, carry_kg=10, walk_m=130,
        stops=(Stop(stairwell="B2-1", arrive_s=24 * h + 55 * 60, leave_s=25 * h + 20 * 60,
                    runs=(_run(24 * h + 55 * 60, [("H6", 6, 25 * h + 10 * 60)], 10.0),)),),
    )
    owners = {"H1": ("V1", 0), "H2": ("V1", 0), "H3": ("V1", 0), "H4": ("V1", 1),
              "H5": ("V1", 1), "H6": (NIGHT, 0)}
    deliveries = tuple(
        Delivery(household=hid, priority="standard", volunteer=v, trip=k, delivered_s=0)
        for hid, (v, k) in owners.items()
    )
    summary = Summary(
        method="hand", makespan_s=16 * h, lower_bound_s=h, gap=None, proven_optimal=False,
        bound="none", round_start_s=9 * h, last_delivery_s=25 * h + 600,
        finish_s=25 * h + 1800, households_served=6, households_unserved=0,
        bags_delivered=12, trips=3, walk_m=440, floors_climbed=15,
        urgent_served_by_s=9 * h + 226, vulnerable_served_by_s=9 * h + 402,
        deadlines_met=1, deadlines_total=1, solve_s=None,
    )
    return Plan(
        scenario="tiny", summary=summary, deliveries=deliveries,
        volunteers=(
            VolunteerPlan(volunteer="V1", trips=(trip1, trip2), walk_m=310, floors_climbed=9),
            VolunteerPlan(volunteer=NIGHT, trips=(night,), walk_m=130, floors_climbed=5),
            VolunteerPlan(volunteer="V3"),
        ),
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_household_is_on_its_volunteers_sheet(scenario, hand_plan, lang: str) -> None:
    title = {"en": "# Route sheet", "zh": "# 路线单"}[lang]
    for vp in hand_plan.volunteers:
        sheet = render_sheet(scenario, hand_plan, vp.volunteer, lang)
        assert sheet.startswith(title) and vp.volunteer in sheet
        assert sheet.count("\n## ") == len(vp.trips)
        mine = {d.household for d in hand_plan.deliveries if d.volunteer == vp.volunteer}
        for hid in mine:
            assert f"| {hid} |" in sheet
        for other in {d.household for d in hand_plan.deliveries} - mine:
            assert f"| {other} |" not in sheet


def test_header_summary_and_times(scenario, hand_plan) -> None:
    sheet = render_sheet(scenario, hand_plan, "V1")
    assert "- **Group:** Group 3" in sheet
    assert "cart (up to 10 bags, 80 kg)" in sheet and "- **Skills:** ppe" in sheet
    assert "Trips: 2 · households: 5 · bags: 10 · on foot: 310 m · floors climbed: 9" in sheet
    assert "## Trip 1" in sheet and "## Trip 2" in sheet
    assert "Start loading **09:00** · depart **09:02** · back at the gate **09:25**" in sheet
    assert "Stop 1: stairwell B1-1, building B1" in sheet
    assert "| 1 | 3 | H1 | 2 (prevention, insulin) | by 09:03 |" in sheet
    assert sheet.index("| H1 |") < sheet.index("| H2 |") < sheet.index("| H3 |")
    assert "**Leave at the entrance:** 2 bag(s) for 1 household(s)" in sheet
    assert "| entrance | - | H4 |" in sheet
    night = render_sheet(scenario, hand_plan, NIGHT)
    assert "22:00-26:00" in night and "by 25:10" in night and "**25:30**" in night
    assert "by hand (up to 2 bags, 20 kg)" in night


def test_loading_line_counts_bags(scenario, hand_plan) -> None:
    en = render_sheet(scenario, hand_plan, "V1", "en")
    assert "**Load:** 6 bags: 3 prevention, 1 insulin, 2 living (22.5 kg)" in en
    assert "**Load:** 4 bags: 2 prevention, 2 living (20 kg)" in en
    zh = render_sheet(scenario, hand_plan, "V1", "zh")
    assert "**装货**：共6袋：防疫包3袋、胰岛素1袋、生活包2袋（22.5公斤）" in zh


def test_urgent_vulnerable_and_red_homes_are_marked(scenario, hand_plan) -> None:
    en = render_sheet(scenario, hand_plan, "V1", "en")
    assert "**URGENT by 11:30** (insulin)" in en
    assert "**VULNERABLE: elderly_alone**" in en
    assert "**full PPE**" in en
    zh = render_sheet(scenario, hand_plan, "V1", "zh")
    assert "**紧急：11:30前送达**（胰岛素）" in zh
    assert "**重点关照：独居老人**" in zh
    assert "- **班次**：09:00-17:00" in zh
    assert "**需穿防护服**" in zh


def test_chinese_sheet_has_only_chinese_labels(scenario, hand_plan) -> None:
    for vp in hand_plan.volunteers:
        zh = render_sheet(scenario, hand_plan, vp.volunteer, "zh")
        for label in ("志愿者", "班次", "物资门", "技能"):
            assert label in zh
        if vp.trips:
            for label in ("第1趟", "装货", "出发", "返回", "楼栋", "单元", "楼层", "户",
                          "袋", "预计送达"):
                assert label in zh
        for word in ("Trip", "Load", "Stairwell", "Floor", "Household", "URGENT", "Shift"):
            assert word not in zh
        # Remove the data (ids, group names); no Latin letters may be left.
        data = [h.id for h in scenario.households] + [v.id for v in scenario.volunteers]
        data += [s for s in scenario.stairwells] + [b.id for b in scenario.buildings]
        data += ["Group 3", "G"]
        for token in sorted(data, key=len, reverse=True):
            zh = zh.replace(token, "")
        assert re.search("[A-Za-z]", zh) is None, zh


def test_volunteer_without_trips(scenario, hand_plan) -> None:
    assert "No trips for this volunteer" in render_sheet(scenario, hand_plan, "V3")


def test_write_sheets_writes_atomically(scenario, hand_plan, tmp_path: Path,
                                        monkeypatch) -> None:
    written: list[Path] = []
    real = sheets.write_atomic

    def spy(path: str | Path, text: str) -> None:
        written.append(Path(path))
        real(path, text)

    monkeypatch.setattr(sheets, "write_atomic", spy)
    out = tmp_path / "out"
    paths = write_sheets(scenario, hand_plan, out, lang="en")
    assert paths == [out / "V1.en.md", out / "Li_Wei_2.en.md", out / "index.en.md"]
    assert written == paths
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    for vp in hand_plan.volunteers[:2]:
        path = out / sheet_file_name(vp.volunteer, "en")
        assert path.read_text(encoding="utf-8") == render_sheet(scenario, hand_plan,
                                                                vp.volunteer)
    index = (out / "index.en.md").read_text(encoding="utf-8")
    assert "| [V1](V1.en.md) | Group 3 | 2 | 5 | 09:00 | 09:40 |" in index
    assert "| [Li Wei/2](Li_Wei_2.en.md) |  | 1 | 1 | 24:50 | 25:30 |" in index
    assert "V3" not in index

    zh_paths = write_sheets(scenario, hand_plan, out, lang="zh")
    assert zh_paths[-1] == out / "index.zh.md"
    assert "路线单目录" in zh_paths[-1].read_text(encoding="utf-8")


def test_file_names_are_safe_and_distinct() -> None:
    assert sheet_file_name("Li Wei/2", "en") == "Li_Wei_2.en.md"
    assert sheet_file_name("../x", "zh") == "_x.zh.md"
    assert sheet_file_name("王芳", "zh") == "王芳.zh.md"


def test_unknown_language_and_volunteer(scenario, hand_plan, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="language"):
        render_sheet(scenario, hand_plan, "V1", "fr")
    with pytest.raises(ValueError, match="language"):
        write_sheets(scenario, hand_plan, tmp_path / "fr", lang="fr")
    assert not (tmp_path / "fr").exists()
    with pytest.raises(ValueError, match="volunteer"):
        render_sheet(scenario, hand_plan, "nobody")


def test_sheets_of_a_real_plan(scenario) -> None:
    result = plan(scenario, PlanOptions(deterministic=True, time_limit_s=2))
    assert check(scenario, result) == []
    for vp in result.volunteers:
        for lang in ("en", "zh"):
            sheet = render_sheet(scenario, result, vp.volunteer, lang)
            for d in result.deliveries:
                if d.volunteer == vp.volunteer:
                    assert f"| {d.household} |" in sheet
