"""The coordinator's desk: printable HTML sheets, the plan report, trips as GeoJSON.

bjxilu7 with names, phones, an address, deadlines and a window added to some homes,
planned by hand (fast; its one urgent home is left unserved, with a reason).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from supplyroute import PlanOptions, plan
from supplyroute.cli import main
from supplyroute.io import dump_model, read_json, validate_document
from supplyroute.models import Plan, Scenario
from supplyroute.reports import words
from supplyroute.reports.geojson import trips_geojson
from supplyroute.reports.html_sheets import render_html_sheet, write_html_sheets
from supplyroute.reports.report import render_report

from .conftest import ROOT

NAMES = ("王秀英", "Zhang Wei", "李建国")
PHONES = ("13800138000", "139-1234-5678", "010 6543 2100")


def _ledger_data() -> dict[str, Any]:
    data = read_json(ROOT / "examples" / "bjxilu7.json")
    for i, hh in enumerate(data["households"]):
        if i % 3 == 0:
            hh["name"] = NAMES[i % len(NAMES)]
            hh["phone"] = PHONES[i % len(PHONES)]
        if i == 5:
            hh["address"] = "西里小区2号楼1单元603室"
        if i in (10, 20):
            hh["deadline"] = "17:30"
        if i == 10:
            hh["priority"] = "urgent"
        if i == 30:
            hh["window"] = {"start": "08:00", "end": "17:00"}
    return data


@pytest.fixture(scope="module")
def ledger() -> Scenario:
    return validate_document(Scenario, _ledger_data())


@pytest.fixture(scope="module")
def hand_plan(ledger: Scenario) -> Plan:
    return plan(ledger, PlanOptions(method="manual"))


def visible_text(page: str) -> str:
    """What a person sees: no style, no tags, entities decoded."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def _ids(scenario: Scenario) -> list[str]:
    ids = [h.id for h in scenario.households] + [v.id for v in scenario.volunteers]
    ids += [g.id for g in scenario.gates] + [b.id for b in scenario.buildings]
    ids += [w.id for b in scenario.buildings for w in b.stairwells]
    ids += [h.note for h in scenario.households if h.note]  # free notes, as written
    ids += [scenario.name]
    return sorted(set(ids), key=len, reverse=True)


def _english_words(scenario: Scenario, page: str) -> list[str]:
    seen = visible_text(page)
    for name in _ids(scenario):
        seen = seen.replace(name, " ")
    return re.findall(r"[A-Za-z]{2,}", seen)


def test_chinese_sheets_have_no_english_words_but_ids(ledger, hand_plan, tmp_path) -> None:
    redacted = write_html_sheets(ledger, hand_plan, tmp_path / "r", "zh", redact=True)
    assert len(redacted) == len([vp for vp in hand_plan.volunteers if vp.trips]) + 1
    for path in redacted:
        assert _english_words(ledger, path.read_text(encoding="utf-8")) == [], path.name
    report = render_report(ledger, hand_plan, "zh", redact=True)
    assert _english_words(ledger, report) == []


def test_chinese_words_cover_the_tags_of_the_examples() -> None:
    for name in ("bjxilu7", "kandan576", "anzhen4389", "nanxiu12"):
        data = read_json(ROOT / "examples" / f"{name}.json")
        tags = {t for hh in data["households"] for t in hh.get("needs", ())}
        tags |= {b["kind"] for hh in data["households"] for b in hh.get("bags") or ()}
        tags |= {s for v in data["volunteers"] for s in v.get("skills", ())}
        assert tags <= set(words.ZH_WORDS), (name, tags - set(words.ZH_WORDS))
        assert all(words.group(v.get("group"), "zh").isascii() is False
                   for v in data["volunteers"] if v.get("group"))


@pytest.mark.parametrize(("lang", "modes", "urgent", "vulnerable", "due"), [
    ("en", {"cart", "by hand"}, "URGENT", "VULNERABLE", "by 17:30"),
    ("zh", {"手推车", "徒手"}, "紧急", "重点关照", "17:30前"),
])
def test_sheets_show_cart_or_hands_due_times_and_marks(ledger, hand_plan, lang, modes,
                                                       urgent, vulnerable, due,
                                                       tmp_path) -> None:
    pages = {vp.volunteer: render_html_sheet(ledger, hand_plan, vp.volunteer, lang)
             for vp in hand_plan.volunteers if vp.trips}
    for vp in hand_plan.volunteers:
        if not vp.trips:
            continue
        shown = re.findall(r'<span class="mode">([^<]*)</span>', pages[vp.volunteer])
        assert len(shown) == len(vp.trips)
        assert set(shown) <= modes
        label = {"cart": "mode_cart", "hands": "mode_hands"}
        assert shown == [words.text(lang, label[trip.mode]) for trip in vp.trips]
        for trip in vp.trips:
            assert words.text(lang, "mode_" + trip.mode) in pages[vp.volunteer]
    everything = "".join(pages.values())
    assert everything.count('class="box"') == sum(
        len(list(_entries(trip))) for vp in hand_plan.volunteers for trip in vp.trips)
    assert due in everything  # the deadlines added above
    assert words.text(lang, "window", start="08:00", end="17:00") in everything
    assert vulnerable in everything
    assert urgent in everything
    # an urgent home is unserved: the index names it, its reason and its due time
    index = write_html_sheets(ledger, hand_plan, tmp_path, lang)[-1]
    text = index.read_text(encoding="utf-8")
    for u in hand_plan.unserved:
        assert words.reason(u.reason.value, lang) in text


def _entries(trip) -> list[str]:
    return [hid for stop in trip.stops
            for hid in ([d.household for d in stop.drops] + [r.household for r in stop.relays]
                        + [d.household for run in stop.runs for d in run.doors])]


def test_homes_written_the_local_way(ledger, hand_plan) -> None:
    # One form on every sheet, from the home's id, whatever the ledger wrote.
    hh = ledger.households[5]
    assert hh.id == "B1-1-0302" and hh.address == "西里小区2号楼1单元603室"
    assert words.address(ledger, hh, "zh") == "1号楼1单元302室"
    assert words.address(ledger, hh, "en") == "Bldg 1 Unit 1 Rm 302"
    odd = hh.model_copy(update={"id": "flat-7"})  # not an id of the importer's form
    assert words.address(ledger, odd, "zh") == "西里小区2号楼1单元603室"
    other = ledger.household_by_id["B1-1-0101"]
    assert words.address(ledger, other, "zh") == "1号楼1单元101室"
    assert words.address(ledger, other, "en") == "Bldg 1 Unit 1 Rm 101"
    odd = ledger.households[0].model_copy(update={"id": "flat 7", "address": None})
    assert words.address(ledger, odd, "zh") == "flat 7"
    who = next(d.volunteer for d in hand_plan.deliveries if d.household == hh.id)
    page = render_html_sheet(ledger, hand_plan, who, "zh")
    assert "1号楼1单元302室" in page and "西里小区" not in page


def test_unserved_reasons_in_chinese(tmp_path) -> None:
    data = _ledger_data()
    data["households"][0].update(priority="urgent", deadline="08:01")  # nobody is there by then
    ledger = validate_document(Scenario, data)
    hand_plan = plan(ledger, PlanOptions(method="manual"))
    assert hand_plan.unserved, "a deadline nobody can meet leaves its home unserved"
    index = write_html_sheets(ledger, hand_plan, tmp_path, "zh")[-1]
    seen = visible_text(index.read_text(encoding="utf-8"))
    for u in hand_plan.unserved:
        assert words.reason(u.reason.value, "zh") in seen
        assert u.reason.value not in seen
        assert re.search("[\u4e00-\u9fff]", words.reason(u.reason.value, "zh"))
    for reason in ("no_eligible_volunteer", "deadline_unreachable", "not_released",
                   "no_volunteer_time"):
        assert not re.search(r"[A-Za-z]", words.reason(reason, "zh"))
    report = visible_text(render_report(ledger, hand_plan, "zh"))
    assert words.reason(hand_plan.unserved[0].reason.value, "zh") in report


def _write_all(tmp_path: Path, ledger: Scenario, hand_plan: Plan, redact: bool,
               capsys: pytest.CaptureFixture[str]) -> tuple[list[Path], str]:
    scenario_path, plan_path = tmp_path / "s.json", tmp_path / "p.json"
    scenario_path.write_text(json.dumps(_ledger_data(), ensure_ascii=False), encoding="utf-8")
    plan_path.write_text(dump_model(hand_plan), encoding="utf-8")
    out = tmp_path / ("redacted" if redact else "plain")
    extra = ["--redact"] if redact else []
    for lang in ("en", "zh"):
        assert main(["sheets", str(scenario_path), str(plan_path), "-o", str(out / "sheets"),
                     "--lang", lang, *extra]) == 0
        assert main(["report", str(scenario_path), str(plan_path), "-o",
                     str(out / f"report.{lang}.html"), "--lang", lang, *extra]) == 0
    captured = capsys.readouterr()
    return sorted(p for p in out.rglob("*") if p.is_file()), captured.out + captured.err


def test_redact_leaves_names_and_phones_out(ledger, hand_plan, tmp_path, capsys) -> None:
    files, said = _write_all(tmp_path, ledger, hand_plan, True, capsys)
    assert {p.suffix for p in files} == {".md", ".html"}
    for path in files:
        content = path.read_text(encoding="utf-8")
        for secret in (*NAMES, *PHONES):
            assert secret not in content, (path.name, secret)
    for secret in (*NAMES, *PHONES):
        assert secret not in said


def test_names_and_phones_on_the_sheets_that_need_them(ledger, hand_plan, tmp_path,
                                                      capsys) -> None:
    files, said = _write_all(tmp_path, ledger, hand_plan, False, capsys)
    pages = "".join(p.read_text(encoding="utf-8") for p in files if p.suffix == ".html")
    served = {d.household for d in hand_plan.deliveries}
    named = [h for h in ledger.households if h.name and h.id in served]
    assert named and all(h.name in pages and h.phone in pages for h in named)
    for secret in (*NAMES, *PHONES):  # never in what the command says
        assert secret not in said


def test_report_is_self_contained(ledger, hand_plan) -> None:
    page = render_report(ledger, hand_plan, "en")
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for vp in hand_plan.volunteers:
        if vp.trips:
            assert f">{vp.volunteer}<" in page
    assert page.count('class="trip"') == sum(len(vp.trips) for vp in hand_plan.volunteers)
    assert page.count('class="trip-bar"') == sum(len(vp.trips) for vp in hand_plan.volunteers)
    assert words.duration(hand_plan.summary.makespan_s, "en") in page
    assert words.duration(hand_plan.summary.lower_bound_s, "en") in page
    assert f"{hand_plan.summary.gap * 100:.1f}%" in page


def _geographic() -> Scenario:
    lat0, lon0 = 39.9, 116.3
    metre = 1 / 111_000
    data = {
        "name": "geo",
        "gates": [{"id": "G", "position": {"lat": lat0, "lon": lon0}}],
        "buildings": [{"id": "B1", "floors": 6, "stairwells": [
            {"id": f"B1-{j}", "entrance": {"lat": lat0 + 40 * metre,
                                           "lon": lon0 + 20 * j * metre}}
            for j in (1, 2)]}],
        "households": [{"id": f"B1-{j}-0{f}01", "stairwell": f"B1-{j}", "floor": f}
                       for j in (1, 2) for f in (1, 3, 5)],
        "volunteers": [{"id": "V1", "shift": {"start": "08:00", "end": "12:00"},
                        "gate": "G"}],
    }
    return validate_document(Scenario, data)


def test_trips_as_geojson(tmp_path) -> None:
    scenario = _geographic()
    result = plan(scenario, PlanOptions(method="manual"))
    data = trips_geojson(scenario, result)
    trips = [t for vp in result.volunteers for t in vp.trips]
    assert data["type"] == "FeatureCollection" and len(data["features"]) == len(trips)
    for feature, trip in zip(data["features"], trips, strict=True):
        coords = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "LineString"
        assert coords[0] == coords[-1] == [116.3, 39.9]
        assert len(coords) == len(trip.stops) + 2
        assert feature["properties"]["volunteer"] == "V1"
        assert feature["properties"]["start_s"] == trip.start_s
        assert feature["properties"]["return_s"] == trip.return_s
    s_path, p_path, out = tmp_path / "s.json", tmp_path / "p.json", tmp_path / "t.geojson"
    s_path.write_text(dump_model(scenario), encoding="utf-8")
    p_path.write_text(dump_model(result), encoding="utf-8")
    assert main(["export-geojson", str(s_path), str(p_path), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(data))


def test_geojson_refuses_metres(ledger, hand_plan, tmp_path, capsys) -> None:
    p_path = tmp_path / "p.json"
    p_path.write_text(dump_model(hand_plan), encoding="utf-8")
    s_path = tmp_path / "s.json"
    s_path.write_text(json.dumps(_ledger_data(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "t.geojson"
    assert main(["export-geojson", str(s_path), str(p_path), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("error: scenario:")
    assert not out.exists()


def test_pdf_without_chromium_names_format(ledger, hand_plan, tmp_path, capsys,
                                          monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    p_path = tmp_path / "p.json"
    p_path.write_text(dump_model(hand_plan), encoding="utf-8")
    s_path = tmp_path / "s.json"
    s_path.write_text(json.dumps(_ledger_data(), ensure_ascii=False), encoding="utf-8")
    assert main(["sheets", str(s_path), str(p_path), "-o", str(tmp_path / "o"),
                 "--format", "md,pdf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --format:") and "install chromium to print PDF" in err
    assert not (tmp_path / "o").exists()


def test_markdown_only_keeps_todays_sheets(ledger, hand_plan, tmp_path, capsys) -> None:
    p_path = tmp_path / "p.json"
    p_path.write_text(dump_model(hand_plan), encoding="utf-8")
    s_path = tmp_path / "s.json"
    s_path.write_text(json.dumps(_ledger_data(), ensure_ascii=False), encoding="utf-8")
    assert main(["sheets", str(s_path), str(p_path), "-o", str(tmp_path / "o"),
                 "--format", "md"]) == 0
    assert {p.suffix for p in (tmp_path / "o").iterdir()} == {".md"}


def test_relay_sheets_in_chinese(tmp_path) -> None:
    """Ferries and climbers: climbs have their own sections, still all in Chinese."""
    scenario = validate_document(Scenario, _ledger_data())
    result = plan(scenario, PlanOptions(mode="relay", time_limit_s=2, deterministic=True))
    climbers = [vp for vp in result.volunteers if vp.climbs]
    assert climbers
    paths = write_html_sheets(scenario, result, tmp_path, "zh", redact=True)
    for path in paths:
        assert _english_words(scenario, path.read_text(encoding="utf-8")) == [], path.name
    page = render_html_sheet(scenario, result, climbers[0].volunteer, "zh")
    assert page.count("次接力上楼：") == len(climbers[0].climbs)
    assert "爬楼员" in page
    doors = sum(len(c.run.doors) for c in climbers[0].climbs)
    doors += sum(len(stop.drops) + len(stop.relays) + sum(len(r.doors) for r in stop.runs)
                 for trip in climbers[0].trips for stop in trip.stops)
    assert page.count('class="box"') == doors
