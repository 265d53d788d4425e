"""The coordinator's spreadsheets in: layout, ledger and roster read into a scenario.

The done-when test writes bjxilu7 as a street office would keep it (the layout in
XLSX, the ledger in GB18030 CSV with addresses in several forms, the roster in UTF-8
CSV with a BOM) and checks that the import plans the same as ``examples/bjxilu7.json``.
What a ledger cannot say is carried in the layout: bjxilu7's gate releases are its
``release`` rows (a count of bags, or the addresses a batch is for), its entrance
positions are each building's unit-1 door (the others 12 m east, as generated).
"""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from supplyroute.checks import check
from supplyroute.cli import main
from supplyroute.desk import import_compound, parse_address, write_template
from supplyroute.desk.address import Address
from supplyroute.errors import InputError
from supplyroute.generate import bags_for
from supplyroute.io import load_scenario, validate_document
from supplyroute.models import Scenario
from supplyroute.planner import PlanOptions, plan
from tests.conftest import ExamplePlan

ROOT = Path(__file__).resolve().parent.parent
BJXILU7 = ROOT / "examples" / "bjxilu7.json"

#: bjxilu7's need tags as a ledger writes them.
WORDS = {"pregnant": "孕妇", "seriously_ill": "重病", "elderly_alone": "独居老人",
         "diabetes": "糖尿病", "insulin": "胰岛素", "close_contact": "密接"}
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def _write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    book.save(path)
    return path


def _address(hid: str, form: int) -> str:
    """``B1-2-0301`` written in one of several ways people write it."""
    b, u, fr = hid[1:].split("-")
    room = f"{int(fr[:2])}{fr[2:]}"
    forms = [f"{b}号楼{u}单元{room}室", f"{b}-{u}-{room}", f"Bldg {b} Unit {u} Rm {room}",
             f"{b}#{u}-{room}", f"{b}号楼{u}单元{room}室".translate(_FULL),
             f"北京西路7号{b}栋{u}单元{room}"]
    if u == "1":
        forms.append(f"{b}栋{room}")
    return forms[form % len(forms)]


def person(i: int) -> tuple[str, str]:
    """A made-up resident's name and phone, distinct from any other text in the test."""
    return f"测试居民{chr(0x4E00 + 37 * i)}{chr(0x5000 + 11 * i)}", f"139{77000000 + 731 * i}"


def write_bjxilu7(folder: Path) -> tuple[Path, Path, Path, list[str]]:
    """bjxilu7 as a coordinator's three spreadsheets; returns them and the private
    cells (names and phones) written into the ledger."""
    data = json.loads(BJXILU7.read_text(encoding="utf-8"))
    addresses = {h["id"]: _address(h["id"], i) for i, h in enumerate(data["households"])}
    layout: list[list[Any]] = [["类型 kind", "编号 id", "层数", "电梯", "单元数", "x", "y",
                                "大门 gate", "时间 at", "袋数 bags", "住户 households"]]
    for b in data["buildings"]:
        door = b["stairwells"][0]["entrance"]
        layout.append(["楼栋", b["id"][1:] + "号楼", b["floors"], "无" if not b["lift"] else "有",
                       len(b["stairwells"]), door["x"], door["y"], None, None, None, None])
    (gate,) = data["gates"]
    layout.append(["大门", gate["id"], None, None, None, gate["position"]["x"],
                   gate["position"]["y"], None, None, None, None])
    for r in gate["releases"]:
        homes = "；".join(_address(h, 1) for h in r.get("households", []))
        layout.append(["批次", None, None, None, None, None, None, gate["id"], r["at"],
                       r.get("bags"), homes or None])
    ledger = [["家庭住址", "户人数", "联系人", "联系电话", "人员类别", "风险", "时限", "加送",
               "备注", "序号"]]
    private = []
    for i, h in enumerate(data["households"]):
        base = bags_for(h["residents"])
        assert h["bags"][:2] == base, "bjxilu7's bags are sized by residents"
        extra = "、".join(f"{b['kind']} {b['weight_kg']}kg" for b in h["bags"][2:])
        name, phone = person(i)
        private += [name, phone]
        ledger.append([addresses[h["id"]], f"{h['residents']}人" if i % 3 == 0
                       else str(h["residents"]), name, phone,
                       "、".join(WORDS[n] for n in h.get("needs", [])),
                       {"red": "红"}.get(h.get("risk", ""), "绿" if i % 2 else ""),
                       h.get("deadline", ""), extra, h.get("note", ""), str(i + 1)])
    roster = [["编号", "开始", "结束", "大门", "推车", "技能", "负责楼栋", "小组"]]
    for v in data["volunteers"]:
        roster.append([v["id"], v["shift"]["start"], v["shift"]["end"], v["gate"],
                       "是" if v.get("cart") == {"capacity_bags": 24, "capacity_kg": 240}
                       else "否", "防护" if "ppe" in v.get("skills", []) else "",
                       "、".join(z[1:] for z in v.get("zone", [])), v.get("group", "")])
    return (_write_xlsx(folder / "layout.xlsx", layout),
            _write_csv(folder / "ledger.csv", ledger, "gb18030"),
            _write_csv(folder / "roster.csv", roster, "utf-8-sig"), private)


def _household_facts(s: Scenario) -> list[tuple[Any, ...]]:
    return [(h.id, h.stairwell, h.floor, h.residents, s.bags_of(h), h.priority, h.deadline,
             h.risk, h.needs) for h in s.households]


def test_bjxilu7_from_spreadsheets_plans_as_the_example(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, example_plan: ExamplePlan) -> None:
    layout, ledger, roster, private = write_bjxilu7(tmp_path)
    assert ledger.read_bytes().decode("gb18030").count("号楼") > 10
    out = tmp_path / "bjxilu7.json"
    caplog.set_level(logging.DEBUG)
    assert main(["import", "--layout", str(layout), "--ledger", str(ledger), "--roster",
                 str(roster), "--name", "bjxilu7", "-o", str(out)]) == 0
    imported, example = load_scenario(out), load_scenario(BJXILU7)
    assert _household_facts(imported) == _household_facts(example)
    assert [h.address for h in imported.households][:3] == ["1号楼1单元101室", "1-1-102",
                                                            "Bldg 1 Unit 1 Rm 201"]
    assert all(h.name and h.phone for h in imported.households)
    assert imported.volunteers == example.volunteers
    assert imported.gates == example.gates
    assert [(b.id, b.floors, b.lift, b.stairwells) for b in imported.buildings] == \
        [(b.id, b.floors, b.lift, b.stairwells) for b in example.buildings]
    ours = plan(imported, PlanOptions(deterministic=True))
    theirs = example_plan("bjxilu7")[1]  # the example's own plan, shared with other tests
    assert check(imported, ours) == [] and check(example, theirs) == []
    assert ours.summary.makespan_s == theirs.summary.makespan_s
    assert ours.summary.households_served == theirs.summary.households_served == 90
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert not [p for p in private if p in logged]


def test_templates_read_back(tmp_path: Path) -> None:
    for suffix in (".xlsx", ".csv"):
        paths = [tmp_path / f"{kind}{suffix}" for kind in ("layout", "ledger", "roster")]
        for kind, path in zip(("layout", "ledger", "roster"), paths, strict=True):
            assert main(["template", kind, "-o", str(path)]) == 0
        s = validate_document(Scenario, import_compound(*paths))
        assert [h.id for h in s.households] == ["B4-2-0202"]
        assert s.households[0].priority.value == "vulnerable"
    book = openpyxl.load_workbook(tmp_path / "ledger.xlsx")
    assert book.sheetnames[1] == "说明 notes" and book.active["A1"].value == "地址 address"


def test_grid_positions_and_lat_lon_and_separate_columns(tmp_path: Path) -> None:
    layout = _write_csv(tmp_path / "l.csv", [
        ["kind", "id", "floors", "stairwells", "grid row", "grid col", "spacing"],
        ["building", "B7", "18", "1", "1", "2", ""], ["building", "8", "6", "2", "2", "0", "50"],
        ["gate", "东门", "", "", "0", "0", ""]])
    ledger = _write_csv(tmp_path / "h.csv", [
        ["楼号", "单元", "房号", "人数", "份数"], ["7", "", "1502", "2", "两份"],
        ["8号楼", "2单元", "302室", "1", "2份"]])
    roster = _write_csv(tmp_path / "v.csv", [["name", "shift", "cart"],
                                             ["V1", "8:00-12:00", "30"]])
    s = validate_document(Scenario, import_compound(layout, ledger, roster))
    assert [(w.id, w.entrance.x, w.entrance.y) for w in s.stairwells.values()] == \
        [("B7-1", 80, 40), ("B8-1", 0, 100), ("B8-2", 12, 100)]
    assert [(h.id, len(s.bags_of(h)), h.address) for h in s.households] == \
        [("B7-1-1502", 4, "7-1502"), ("B8-2-0302", 4, "8号楼-2单元-302室")]
    assert s.volunteers[0].gate == "东门" and s.volunteers[0].cart.capacity_bags == 30


# ---------------------------------------------------------------- malformed ledgers

_LAYOUT = [["类型", "编号", "层数", "单元数", "x", "y"], ["楼栋", "1", "6", "2", "20", "30"],
           ["楼栋", "2", "6", "1", "50", "30"], ["大门", "G", "", "", "0", "0"]]
_HEADER = ["地址", "人数", "姓名", "电话", "类别", "风险", "份数", "时限", "加送"]
_GOOD = [["1号楼1单元101室", "2", "周测甲", "13900000001", "", "", "", "", ""],
         ["2-1-301", "3", "周测乙", "13900000002", "孕妇", "黄", "2", "", ""]]

#: (the bad cell's column, its value, a word of the reason); the rest of the row is fine.
BAD: list[tuple[str, str, str]] = [
    ("地址", "1号楼2单元", "not an address"),
    ("地址", "1-202", "two numbers"),
    ("地址", "不知道", "no building or room"),
    ("地址", "", "empty"),
    ("地址", "1号楼1单元702室", "above the top floor"),
    ("地址", "9号楼1单元202室", "not in the layout"),
    ("地址", "1号楼3单元202室", "has 2 units"),
    ("地址", "1号楼1单元101室", "same home as row 2"),
    ("地址", "1号楼1单元12室", "does not say the floor"),
    ("地址", "1号楼1单元20202室", "too many digits"),
    ("地址", "1号楼1单元100室", "room 00"),
    ("地址", "Bldg 1 Unit 1", "not an address"),
    ("地址", "１号楼１单元７０１室", "above the top floor"),
    ("人数", "0", "residents"),
    ("人数", "abc", "residents"),
    ("人数", "", "residents"),
    ("人数", "51", "residents"),
    ("类别", "外星人", "looks like a name, not quoted) is not understood"),
    ("类别", "独居、VIP", "'VIP' is not understood"),
    ("份数", "2x", "quantity '2x'"),
    ("份数", "0", "quantity"),
    ("份数", "十一", "quantity"),
    ("电话", "12345", "not a phone number"),
    ("电话", "call me maybe", "not a phone number"),
    ("风险", "紫", "not a colour"),
    ("风险", "blue", "not a colour"),
    ("时限", "noon", "not a time"),
    ("时限", "25:61", "not a time"),
    ("加送", "insulin", "weight"),
    ("姓名", "长" * 101, "longer than 100"),
]


def _bad_row(k: int) -> list[str]:
    column, value, _ = BAD[k]
    floor, room = divmod(k, 5)
    row = [f"1号楼2单元{floor + 1}{room + 1:02d}室", "2", f"赵测{chr(0x4E00 + 53 * k)}",
           f"1380013{k:04d}", "", "", "", "", ""]
    row[_HEADER.index(column)] = value
    return row


def _sheets(folder: Path, bad: list[list[str]]) -> list[str]:
    layout = _write_csv(folder / "layout.csv", _LAYOUT)
    ledger = _write_csv(folder / "ledger.csv", [_HEADER, *_GOOD, *bad], "gb18030")
    roster = _write_csv(folder / "roster.csv", [["编号", "开始", "结束", "技能", "推车"],
                                                ["V1", "08:00", "12:00", "防护", "是"]])
    return ["--layout", str(layout), "--ledger", str(ledger), "--roster", str(roster)]


def _private(rows: list[list[str]]) -> list[str]:
    return [cell for r in rows for cell in (r[2], r[3]) if cell]


def test_thirty_kinds_of_bad_rows_are_thirty(tmp_path: Path) -> None:
    assert len(BAD) == 30 and len({(c, v) for c, v, _ in BAD}) == 30
    bad = [_bad_row(k) for k in range(30)]
    args = _sheets(tmp_path, bad)
    with pytest.raises(InputError) as caught:
        import_compound(args[1], args[3], args[5])
    issues = caught.value.issues
    assert [i.path for i in issues] == [f"{args[3]}:row {k + 4}:column {BAD[k][0]}"
                                        for k in range(30)]
    text = " ".join(str(i) for i in issues)
    assert not [p for p in _private(_GOOD + bad) if p in text]


@pytest.mark.parametrize("k", range(30), ids=[f"{c}={v[:12]!r}" for c, v, _ in BAD])
def test_each_bad_row_alone_exits_2_naming_file_row_column(
        tmp_path: Path, k: int, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bad = _bad_row(k)
    out = tmp_path / "s.json"
    args = _sheets(tmp_path, [bad])
    assert main(["import", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {args[3]}:row 4:column {BAD[k][0]}: ")
    assert BAD[k][2] in err and "more)" not in err
    assert not out.exists()
    assert not [p for p in _private(_GOOD + [bad]) if p in err + caplog.text]


def test_the_good_rows_alone_import(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert main(["import", *_sheets(tmp_path, []), "-o", str(out)]) == 0
    s = load_scenario(out)
    assert [(h.id, len(s.bags_of(h)), h.risk.value, h.priority.value)
            for h in s.households] == [("B1-1-0101", 2, "green", "standard"),
                                       ("B2-1-0301", 4, "yellow", "vulnerable")]


def test_columns_mapping_names_an_unusual_header(tmp_path: Path) -> None:
    args = _sheets(tmp_path, [])
    ledger = Path(args[3])
    rows = list(csv.reader(io.StringIO(ledger.read_bytes().decode("gb18030"))))
    rows[0][0] = "住户位置"
    _write_csv(ledger, rows, "gb18030")
    out = tmp_path / "s.json"
    assert main(["import", *args, "-o", str(out)]) == 2
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"address": "住户位置"}, ensure_ascii=False), "utf-8")
    assert main(["import", *args, "--columns", str(mapping), "-o", str(out)]) == 0
    for wrong in ({"address": "住户地址"}, {"adress": "住户位置"},
                  {"ledger": {"address": "住户地址"}}):
        mapping.write_text(json.dumps(wrong, ensure_ascii=False), "utf-8")
        with pytest.raises(InputError) as caught:
            import_compound(args[1], args[3], args[5], wrong)
        assert caught.value.first.path == "--columns"
    assert import_compound(args[1], args[3], args[5], {"ledger": {"address": "住户位置"}})


# ---------------------------------------------------------------- addresses

ADDRESSES: list[tuple[str, tuple[str, int, int, int] | str]] = [
    ("4号楼2单元202室", ("4", 2, 2, 2)),
    ("4-2-202", ("4", 2, 2, 2)),
    ("4栋202", ("4", 1, 2, 2)),
    ("Bldg 4 Unit 2 Rm 202", ("4", 2, 2, 2)),
    ("Building 4, Unit 2, Room 1502", ("4", 2, 15, 2)),
    ("４号楼２单元２０２室", ("4", 2, 2, 2)),
    ("4#2-202", ("4", 2, 2, 2)),
    ("4栋2-202", ("4", 2, 2, 2)),
    ("4幢2单元1502", ("4", 2, 15, 2)),
    ("4号楼2单元1502室", ("4", 2, 15, 2)),
    ("4号楼2单元2层1室", ("4", 2, 2, 1)),
    ("北京西路7号4号楼2单元202室", ("4", 2, 2, 2)),
    ("12-1-0602", ("12", 1, 6, 2)),
    ("B4-2-202", ("4", 2, 2, 2)),
    ("4座 2单元 303", ("4", 2, 3, 3)),
    ("4号202", ("4", 1, 2, 2)),
    ("4－2－202", ("4", 2, 2, 2)),
    ("bldg4 u2 #202", ("4", 2, 2, 2)),
    ("4-2-2202", ("4", 2, 22, 2)),
    ("", "empty"),
    ("   ", "empty"),
    ("4-202", "two numbers"),
    ("4号楼2单元", "not an address"),
    ("4号楼2单元2室", "does not say the floor"),
    ("4号楼2单元20202室", "too many digits"),
    ("4号楼2单元002室", "floor 0"),
    ("4号楼2单元200室", "room 00"),
    ("物业办公室", "no building or room"),
    ("1502", "not an address"),
]


@pytest.mark.parametrize(("text", "expected"), ADDRESSES)
def test_address_forms(text: str, expected: tuple[str, int, int, int] | str) -> None:
    got = parse_address(text)
    if isinstance(expected, str):
        assert isinstance(got, str) and expected in got
    else:
        assert got == Address(*expected)


def test_write_template_refuses_an_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_template("menu", tmp_path / "x.xlsx")


def test_what_only_the_whole_scenario_shows_names_the_row(tmp_path: Path) -> None:
    """Four bags with nobody to carry four (one volunteer, with a cart of three: by
    hand, without a cart, they would go on two trips); a red home with nobody in PPE."""
    args = _sheets(tmp_path, [])
    ledger, roster = Path(args[3]), Path(args[5])
    _write_csv(roster, [["编号", "开始", "结束", "推车"], ["V1", "08:00", "12:00", "3"]])
    with pytest.raises(InputError) as caught:
        import_compound(args[1], ledger, roster)
    assert [str(i).split(": ")[0] for i in caught.value.issues] == \
        [f"{ledger}:row 3:column 份数"]
    rows = [_HEADER, ["1-1-101", "1", "周测丙", "", "", "红", "", "", ""]]
    _write_csv(ledger, rows, "gb18030")
    out = tmp_path / "s.json"
    assert main(["import", *args, "-o", str(out)]) == 2 and not out.exists()
    with pytest.raises(InputError) as caught:
        import_compound(args[1], ledger, roster)
    assert caught.value.first.path == f"{ledger}:row 2:column 风险"
    assert "ppe" in caught.value.first.reason


def test_a_missing_column_names_the_header_row(tmp_path: Path) -> None:
    args = _sheets(tmp_path, [])
    ledger = Path(args[3])
    _write_csv(ledger, [[], ["地址", "姓名"], ["1-1-101", "周测丁"]], "gb18030")
    with pytest.raises(InputError) as caught:
        import_compound(args[1], ledger, args[5])
    assert [i.path for i in caught.value.issues] == [f"{ledger}:row 2"]
    assert "residents" in caught.value.first.reason


def test_the_worked_example_of_the_guide_imports_plans_and_checks(tmp_path: Path) -> None:
    """docs/guide.md's worked example (examples/desk/) goes through import, plan, check."""
    desk = ROOT / "examples" / "desk"
    out = tmp_path / "compound.json"
    assert main(["import", "--layout", str(desk / "layout.csv"), "--ledger",
                 str(desk / "ledger.csv"), "--roster", str(desk / "roster.csv"), "--name",
                 "示例小区", "-o", str(out)]) == 0
    scenario = load_scenario(out)
    assert len(scenario.households) == 72 and len(scenario.volunteers) == 4
    assert sum(h.priority.value != "standard" for h in scenario.households) >= 5
    result = plan(scenario, PlanOptions(time_limit_s=2, deterministic=True))
    assert check(scenario, result) == [] and not result.unserved


def test_walkways_in_the_layout(tmp_path: Path) -> None:
    """A layout may draw the paths between its points: walking follows them."""
    straight = [["类型", "编号", "层数", "单元数", "x", "y", "起点", "终点", "长度"],
                ["楼栋", "1", "6", "1", "100", "0", "", "", ""],
                ["大门", "G", "", "", "0", "0", "", "", ""]]
    around = straight + [["路口", "P1", "", "", "0", "0", "", "", ""],
                         ["路口", "P2", "", "", "50", "80", "", "", ""],
                         ["路口", "P3", "", "", "100", "0", "", "", ""],
                         ["通道", "", "", "", "", "", "P1", "P2", ""],
                         ["通道", "", "", "", "", "", "P2", "P3", "120"]]
    ledger = _write_csv(tmp_path / "h.csv", [["地址", "人数"], ["1-1-101", "1"]])
    roster = _write_csv(tmp_path / "v.csv", [["编号", "开始", "结束"], ["V1", "08:00", "12:00"]])
    made = {}
    for name, rows in (("straight", straight), ("around", around)):
        data = import_compound(_write_csv(tmp_path / f"{name}.csv", rows), ledger, roster)
        scenario = validate_document(Scenario, data)
        made[name] = plan(scenario, PlanOptions(time_limit_s=1, deterministic=True))
        assert check(scenario, made[name]) == []
    assert made["around"].summary.walk_m > made["straight"].summary.walk_m + 100
    bad = around + [["通道", "", "", "", "", "", "P1", "P9", ""]]
    with pytest.raises(InputError) as err:
        import_compound(_write_csv(tmp_path / "bad.csv", bad), ledger, roster)
    assert [i.path for i in err.value.issues] == [f"{tmp_path / 'bad.csv'}:row 9:column 终点"]


def test_names_and_phones_stay_out_of_plans_logs_progress_and_messages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """The worked example's names and phones: on the scenario (for the sheets), and in
    nothing else the tool writes or says, with every log at DEBUG."""
    desk = ROOT / "examples" / "desk"
    with (desk / "ledger.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    private = [r["姓名 name"] for r in rows] + [r["电话 phone"] for r in rows]
    assert len(private) == 144 and all(private)
    scenario_file, plan_file = tmp_path / "c.json", tmp_path / "p.json"
    caplog.set_level(logging.DEBUG)
    assert main(["--debug", "import", "--layout", str(desk / "layout.csv"), "--ledger",
                 str(desk / "ledger.csv"), "--roster", str(desk / "roster.csv"), "-o",
                 str(scenario_file)]) == 0
    assert main(["--debug", "plan", str(scenario_file), "-o", str(plan_file),
                 "--time-limit", "2"]) == 0
    assert main(["check", str(scenario_file), str(plan_file)]) == 0
    report = tmp_path / "r.html"
    assert main(["report", str(scenario_file), str(plan_file), "-o", str(report),
                 "--redact"]) == 0
    # A broken plan: the violations name households by id only.
    broken = json.loads(plan_file.read_text(encoding="utf-8"))
    broken["deliveries"][0]["delivered_s"] += 600
    plan_file.with_name("b.json").write_text(json.dumps(broken), encoding="utf-8")
    assert main(["check", str(scenario_file), str(plan_file.with_name("b.json"))]) == 4
    out = capsys.readouterr()
    said = "\n".join([out.out, out.err, *(r.getMessage() for r in caplog.records),
                      plan_file.read_text(encoding="utf-8"),
                      report.read_text(encoding="utf-8")])
    assert [p for p in private if p in said] == []
    assert private[0] in scenario_file.read_text(encoding="utf-8")  # kept for the sheets
