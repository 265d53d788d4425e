"""Route sheets: a tiny compound and a hand-built plan, rendered in English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import supplyroute.reports.markdown_sheets as sheets
from supplyroute import PlanOptions, check, plan
from supplyroute.clock import hhmm
from supplyroute.io import validate_document
from supplyroute.models import (
    Climb,
    Delivery,
    Door,
    EntranceDrop,
    Plan,
    RelayDrop,
    Scenario,
    StairRun,
    Stop,
    Summary,
    Trip,
    VolunteerPlan,
)
from supplyroute.reports.markdown_sheets import render_sheet, sheet_file_name, write_sheets

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


# Relay rounds: a ferry brings bags to the stairwell doors, climbers take them up.

FERRY, CLIMBER, BOTH = "Fan", "Chen", "Li"


@pytest.fixture(scope="module")
def relay_scenario() -> Scenario:
    data: dict[str, Any] = {
        "name": "relay",
        "gates": [{"id": "G", "position": {"x": 0, "y": 0}}],
        "buildings": [
            {"id": "B7", "floors": 6, "stairwells": [
                {"id": "B7-1", "entrance": {"x": 60, "y": 0}},
                {"id": "B7-2", "entrance": {"x": 75, "y": 0}},
            ]},
        ],
        "households": [
            {"id": "R1", "stairwell": "B7-1", "floor": 3, "priority": "urgent",
             "deadline": "10:00", "needs": ["insulin"],
             "bags": [{"kind": "prevention", "weight_kg": 2},
                      {"kind": "insulin", "weight_kg": 0.5}]},
            {"id": "R2", "stairwell": "B7-1", "floor": 5, "priority": "vulnerable",
             "needs": ["elderly_alone"]},
            {"id": "R3", "stairwell": "B7-2", "floor": 4},
        ],
        "volunteers": [
            {"id": FERRY, "shift": {"start": "09:00", "end": "12:00"}, "gate": "G",
             "role": "ferry", "cart": {"capacity_bags": 10, "capacity_kg": 80}},
            {"id": CLIMBER, "shift": {"start": "09:00", "end": "12:00"}, "gate": "G",
             "role": "climber", "station": ["B7-1"]},
            {"id": BOTH, "shift": {"start": "09:00", "end": "12:00"}, "gate": "G"},
        ],
    }
    return validate_document(Scenario, data)


def _at(hh_mm: str) -> float:
    h, m = hh_mm.split(":")
    return int(h) * 3600 + int(m) * 60


@pytest.fixture(scope="module")
def relay_plan() -> Plan:
    ferry_trip = Trip(
        gate="G", mode="cart", start_s=_at("09:00"), depart_s=_at("09:02"),
        return_s=_at("09:07"), bags=4, carry_kg=12.5, walk_m=120,
        stops=(Stop(stairwell="B7-1", arrive_s=_at("09:03"), leave_s=_at("09:05"), relays=(
            RelayDrop(household="R1", bags=(0, 1), dropped_s=_at("09:04")),
            RelayDrop(household="R2", bags=(0, 1), dropped_s=_at("09:05")),
        )),),
    )
    climb = Climb(stairwell="B7-1", walk_m=60, arrive_s=_at("09:02"),
                  run=_run(_at("09:05"), [("R1", 3, _at("09:06")), ("R2", 5, _at("09:08"))],
                           12.5))
    # Li ferries R3's bags to B7-2 with a morning trip, and later takes them up itself.
    own_trip = Trip(
        gate="G", mode="hands", start_s=_at("09:00"), depart_s=_at("09:01"),
        return_s=_at("09:05"), bags=2, carry_kg=10, walk_m=150,
        stops=(Stop(stairwell="B7-2", arrive_s=_at("09:02"), leave_s=_at("09:03"), relays=(
            RelayDrop(household="R3", bags=(0, 1), dropped_s=_at("09:03")),)),),
    )
    own_climb = Climb(stairwell="B7-2", walk_m=75, arrive_s=_at("09:30"),
                      run=_run(_at("09:30"), [("R3", 4, _at("09:32"))], 10.0))
    deliveries = (
        Delivery(household="R1", priority="urgent", volunteer=CLIMBER, climb=0, ferry=FERRY,
                 delivered_s=_at("09:06"), latest_s=_at("10:00")),
        Delivery(household="R2", priority="vulnerable", volunteer=CLIMBER, climb=0,
                 ferry=FERRY, delivered_s=_at("09:08")),
        Delivery(household="R3", priority="standard", volunteer=BOTH, climb=0, ferry=BOTH,
                 delivered_s=_at("09:32")),
    )
    summary = Summary(
        method="hand", mode="relay", makespan_s=32 * 60, lower_bound_s=600, gap=None,
        proven_optimal=False, bound="none", round_start_s=_at("09:00"),
        last_delivery_s=_at("09:32"), finish_s=_at("09:33"), households_served=3,
        households_unserved=0, bags_delivered=6, trips=2, climbs=2, walk_m=405,
        floors_climbed=9, urgent_served_by_s=_at("09:06"), vulnerable_served_by_s=_at("09:08"),
        deadlines_met=1, deadlines_total=1, solve_s=None,
    )
    return Plan(
        scenario="relay", summary=summary, deliveries=deliveries,
        volunteers=(
            VolunteerPlan(volunteer=FERRY, trips=(ferry_trip,), walk_m=120),
            VolunteerPlan(volunteer=CLIMBER, climbs=(climb,), walk_m=60, floors_climbed=5),
            VolunteerPlan(volunteer=BOTH, trips=(own_trip,), climbs=(own_climb,), walk_m=225,
                          floors_climbed=4),
        ),
    )


def test_ferry_sheet_leaves_bags_for_the_climber(relay_scenario, relay_plan) -> None:
    en = render_sheet(relay_scenario, relay_plan, FERRY, "en")
    assert "- **Role in this plan:** ferry" in en
    assert "Trips: 1 · climbs: 0 · households: 2 · bags: 4" in en
    assert ("**Load:** 4 bags: 2 prevention, 1 insulin, 1 living (12.5 kg) · "
            "4 of them to leave for climbers") in en
    assert "Stop 1: stairwell B7-1, building B7" in en
    assert ("**Leave in the entrance buffer for a climber (do not carry up):** "
            "4 bag(s) for 2 household(s)") in en
    assert (f"| buffer | - | R1 | 2 (prevention, insulin) | down by {hhmm(_at('09:04'))} | "
            f"left for climber **{CLIMBER}**, not carried up | ☐ |") in en
    assert "| buffer | - | R2 | 2 (prevention, living) | down by 09:05 |" in en
    assert en.index("| R1 |") < en.index("| R2 |")
    assert "## Climb" not in en and "**Carry up:**" not in en

    zh = render_sheet(relay_scenario, relay_plan, FERRY, "zh")
    assert "- **本次角色**：转运员" in zh
    assert "**装货**：共4袋：防疫包2袋、胰岛素1袋、生活包1袋（12.5公斤） · 其中4袋放门口暂存" in zh
    assert "**门口暂存，交爬楼员送上楼（本人不上楼）**：4袋，共2户" in zh
    assert (f"| 门口暂存 | - | R1 | 2袋（防疫包、胰岛素） | 09:04前放下 | "
            f"交爬楼员 **{CLIMBER}** 送上楼，本人不上楼 | ☐ |") in zh


def test_climber_sheet_says_what_waits_where(relay_scenario, relay_plan) -> None:
    en = render_sheet(relay_scenario, relay_plan, CLIMBER, "en")
    assert "- **Role in this plan:** climber" in en
    assert "- **Station:** B7-1" in en
    assert "Trips: 0 · climbs: 1 · households: 2 · bags: 4" in en
    assert "## Climb 1: stairwell B7-1, building B7" in en
    assert ("Arrive at the entrance **09:02** (60 m on foot) · start climbing **09:05** · "
            "back down **09:09**") in en
    assert f"| R1 | 2 (prevention, insulin) | {FERRY} | 09:04 |" in en
    assert f"| R2 | 2 (prevention, living) | {FERRY} | 09:05 |" in en
    assert "**Carry up:** 4 bag(s), top floor 5" in en
    assert "| 3 | R1 | 2 (prevention, insulin) | by 09:06 | **URGENT by 10:00** (insulin) |" in en
    assert "| 5 | R2 | 2 (prevention, living) | by 09:08 | **VULNERABLE: elderly_alone** |" in en
    doors = en[en.index("**Carry up:**"):]
    assert doors.index("| R1 |") < doors.index("| R2 |")  # climbing order
    assert "## Trip" not in en and "No trips" not in en

    zh = render_sheet(relay_scenario, relay_plan, CLIMBER, "zh")
    assert "- **本次角色**：爬楼员" in zh and "- **驻守位置**：B7-1" in zh
    assert "## 第1次接力上楼：楼栋 B7 · 单元 B7-1" in zh
    assert "到达单元门口 **09:02**（步行60米）· 开始上楼 **09:05** · 下楼 **09:09**" in zh
    assert "**门口暂存的物资**：" in zh
    assert f"| R1 | 2袋（防疫包、胰岛素） | {FERRY} | 09:04 |" in zh
    assert "| 3 | R1 | 2袋（防疫包、胰岛素） | 09:06前 | **紧急：10:00前送达**（胰岛素） |" in zh


def test_a_ferry_who_climbs_later_gets_both(relay_scenario, relay_plan) -> None:
    en = render_sheet(relay_scenario, relay_plan, BOTH, "en")
    assert "- **Role in this plan:** ferry and climber" in en
    assert "Trips: 1 · climbs: 1 · households: 1 · bags: 2" in en  # the same bags, once
    assert en.index("## Trip 1") < en.index("## Climb 1: stairwell B7-2, building B7")
    assert f"left for climber **{BOTH}**" in en
    assert f"| R3 | 2 (prevention, living) | {BOTH} | 09:03 |" in en
    zh = render_sheet(relay_scenario, relay_plan, BOTH, "zh")
    assert "- **本次角色**：转运员兼爬楼员" in zh
    assert zh.index("## 第1趟") < zh.index("## 第1次接力上楼")


def test_relay_sheets_in_chinese_have_only_chinese_labels(relay_scenario, relay_plan) -> None:
    data = [h.id for h in relay_scenario.households]
    data += [v.id for v in relay_scenario.volunteers]
    data += list(relay_scenario.stairwells) + [b.id for b in relay_scenario.buildings] + ["G"]
    for vp in relay_plan.volunteers:
        zh = render_sheet(relay_scenario, relay_plan, vp.volunteer, "zh")
        for token in sorted(data, key=len, reverse=True):
            zh = zh.replace(token, "")
        assert re.search("[A-Za-z]", zh) is None, zh


def test_carry_sheets_state_no_role(scenario, hand_plan) -> None:
    en = render_sheet(scenario, hand_plan, "V1", "en")
    assert "Role" not in en and "climbs:" not in en


def test_write_relay_sheets_includes_climbers(relay_scenario, relay_plan,
                                              tmp_path: Path) -> None:
    paths = write_sheets(relay_scenario, relay_plan, tmp_path, lang="en")
    assert [p.name for p in paths] == ["Fan.en.md", "Chen.en.md", "Li.en.md", "index.en.md"]
    index = paths[-1].read_text(encoding="utf-8")
    assert "**3 volunteers with work · 2 trips · 2 climbs · 3 households · 6 bags**" in index
    assert "| [Fan](Fan.en.md) |  | ferry | 1 | 0 | 2 | 09:00 | 09:07 |" in index
    assert "| [Chen](Chen.en.md) |  | climber | 0 | 1 | 2 | 09:02 | 09:09 |" in index
    assert "| [Li](Li.en.md) |  | ferry and climber | 1 | 1 | 1 | 09:00 | 09:33 |" in index
    zh = write_sheets(relay_scenario, relay_plan, tmp_path, lang="zh")[-1]
    assert "| [Chen](Chen.zh.md) |  | 爬楼员 | 0 | 1 | 2 | 09:02 | 09:09 |" in zh.read_text(
        encoding="utf-8")
