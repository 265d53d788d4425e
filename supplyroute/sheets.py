"""Printable route sheets: one Markdown page per volunteer, in English or Chinese.

A sheet tells a volunteer, trip by trip, when to load at the gate, what to load, which
stairwells to visit, what to leave at each entrance and which doors to climb to, in
climbing order and by when. Urgent, vulnerable and red-risk homes are marked. Times are
``HH:MM`` (hours keep counting past midnight: ``25:10``). The module never prints.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from supplyroute.clock import hhmm
from supplyroute.io import write_atomic
from supplyroute.models import (
    Bag,
    DeliveryMode,
    Household,
    Plan,
    Priority,
    Risk,
    Scenario,
    Stop,
    Trip,
    Volunteer,
    VolunteerPlan,
)

#: Per household, a text per bag (by bag index) saying what is in it.
Contents = Mapping[str, Sequence[str]]

#: The languages a sheet can be written in.
LANGUAGES = ("en", "zh")

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Route sheet",
        "volunteer": "Volunteer",
        "group": "Group",
        "gate": "Gate",
        "shift": "Shift",
        "carry": "Carrying",
        "cart": "cart (up to {bags} bags, {kg} kg)",
        "hands": "by hand (up to {bags} bags, {kg} kg)",
        "skills": "Skills",
        "none": "none",
        "summary": "Trips: {trips} · households: {households} · bags: {bags} · "
                   "on foot: {walk} m · floors climbed: {floors}",
        "no_trips": "No trips for this volunteer in this plan.",
        "trip": "Trip {n}",
        "times": "Start loading **{start}** · depart **{depart}** · back at the gate **{back}**",
        "load": "**Load:** {bags} bags: {kinds} ({kg} kg)",
        "kind_count": "{count} {kind}",
        "list_sep": ", ",
        "paren": " ({})",
        "field": "- **{key}:** {value}",
        "stop": "Stop {n}: stairwell {stairwell}, building {building}",
        "arrive": "Arrive {arrive} · leave {leave}",
        "drop_line": "**Leave at the entrance:** {bags} bag(s) for {households} household(s)",
        "climb_line": "**Carry up:** {runs} climb(s), top floor {top}",
        "col_climb": "Climb",
        "col_floor": "Floor",
        "col_household": "Household",
        "col_bags": "Bags",
        "col_by": "Planned",
        "col_notes": "Notes",
        "col_done": "Done",
        "entrance": "entrance",
        "bags_cell": "{count} ({kinds})",
        "by": "by {t}",
        "urgent": "URGENT by {t}",
        "urgent_plain": "URGENT",
        "vulnerable": "VULNERABLE",
        "red": "full PPE",
        "window": "window {start}-{end}",
        "fetch": "household fetches at entrance",
        "index_title": "Route sheets: {scenario}",
        "index_summary": "{volunteers} volunteers with trips · {trips} trips · "
                         "{households} households · {bags} bags",
        "col_volunteer": "Volunteer",
        "col_group": "Group",
        "col_trips": "Trips",
        "col_households": "Households",
        "col_first": "First start",
        "col_last": "Last return",
        "generated_for": "Plan method: {method}",
    },
    "zh": {
        "title": "路线单",
        "volunteer": "志愿者",
        "group": "小组",
        "gate": "物资门",
        "shift": "班次",
        "carry": "运送方式",
        "cart": "手推车（最多{bags}袋，{kg}公斤）",
        "hands": "徒手（最多{bags}袋，{kg}公斤）",
        "skills": "技能",
        "none": "无",
        "summary": "共{trips}趟 · {households}户 · {bags}袋 · 步行{walk}米 · 爬楼{floors}层",
        "no_trips": "本方案中该志愿者没有任务。",
        "trip": "第{n}趟",
        "times": "开始装货 **{start}** · 出发 **{depart}** · 返回物资门 **{back}**",
        "load": "**装货**：共{bags}袋：{kinds}（{kg}公斤）",
        "kind_count": "{kind}{count}袋",
        "list_sep": "、",
        "paren": "（{}）",
        "field": "- **{key}**：{value}",
        "stop": "第{n}站：楼栋 {building} · 单元 {stairwell}",
        "arrive": "到达 {arrive} · 离开 {leave}",
        "drop_line": "**放在单元门口**：{bags}袋，共{households}户",
        "climb_line": "**送上楼**：上楼{runs}次，最高{top}层",
        "col_climb": "上楼",
        "col_floor": "楼层",
        "col_household": "户",
        "col_bags": "袋",
        "col_by": "预计送达",
        "col_notes": "备注",
        "col_done": "完成",
        "entrance": "单元门口",
        "bags_cell": "{count}袋（{kinds}）",
        "by": "{t}前",
        "urgent": "紧急：{t}前送达",
        "urgent_plain": "紧急",
        "vulnerable": "重点关照",
        "red": "需穿防护服",
        "window": "时段 {start}-{end}",
        "fetch": "住户到单元门口自取",
        "index_title": "路线单目录：{scenario}",
        "index_summary": "有任务的志愿者{volunteers}人 · 共{trips}趟 · {households}户 · {bags}袋",
        "col_volunteer": "志愿者",
        "col_group": "小组",
        "col_trips": "趟数",
        "col_households": "户数",
        "col_first": "首次装货",
        "col_last": "最后返回",
        "generated_for": "方案算法：{method}",
    },
}

#: Chinese names of common bag kinds and need tags; anything else is shown as given.
_ZH_WORDS = {
    "prevention": "防疫包",
    "living": "生活包",
    "insulin": "胰岛素",
    "medicine": "药品",
    "vegetables": "蔬菜包",
    "halal": "清真包",
    "elderly_alone": "独居老人",
    "empty_nest": "空巢老人",
    "seriously_ill": "重病",
    "serious_illness": "重病",
    "pregnant": "孕妇",
    "disability": "残疾",
    "disabled": "残疾",
    "dialysis": "透析",
    "diabetes": "糖尿病",
    "over_80": "80岁以上",
    "ppe": "防护服",
    "medical": "医疗",
}

_UNSAFE = re.compile(r"[^\w.-]+")


def _labels(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise ValueError(f"unknown language {lang!r}; supported: {', '.join(LANGUAGES)}")
    return _LABELS[lang]


def _word(word: str, lang: str) -> str:
    """A bag kind or tag in the sheet's language (unknown words are kept)."""
    return _ZH_WORDS.get(word, word) if lang == "zh" else word


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    """``12.0`` -> ``12``, ``12.5`` -> ``12.5``, ``1234`` -> ``1234``."""
    return f"{value:.1f}".removesuffix(".0")


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _household(scenario: Scenario, household_id: str) -> Household:
    try:
        return scenario.household_by_id[household_id]
    except KeyError:
        raise ValueError(f"household {household_id!r} of the plan is not in the "
                         "scenario") from None


def _bags(scenario: Scenario, household_id: str, indices: tuple[int, ...]) -> list[Bag]:
    """The bags a plan entry names, by index into the household's bags."""
    bags = scenario.bags_of(_household(scenario, household_id))
    try:
        return [bags[i] for i in indices]
    except IndexError:
        raise ValueError(f"household {household_id!r} has no bag among indices "
                         f"{list(indices)}") from None


def _kinds_text(bags: Iterable[Bag], lang: str) -> str:
    """``"6 prevention, 6 living, 1 insulin"``: counts by kind, in order of first sight."""
    t = _labels(lang)
    counts = Counter(b.kind for b in bags)
    return t["list_sep"].join(
        t["kind_count"].format(count=n, kind=_word(kind, lang)) for kind, n in counts.items()
    )


def _stop_entries(stop: Stop) -> Iterable[tuple[str, tuple[int, ...]]]:
    for drop in stop.drops:
        yield drop.household, drop.bags
    for run in stop.runs:
        for door in run.doors:
            yield door.household, door.bags


def _trip_bags(scenario: Scenario, trip: Trip) -> list[Bag]:
    return [b for stop in trip.stops for hid, idx in _stop_entries(stop)
            for b in _bags(scenario, hid, idx)]


def _trip_households(trips: Iterable[Trip]) -> list[str]:
    """Household ids in delivery order, each once."""
    seen: dict[str, None] = {}
    for trip in trips:
        for stop in trip.stops:
            for hid, _ in _stop_entries(stop):
                seen.setdefault(hid, None)
    return list(seen)


def _marks(household: Household, lang: str) -> str:
    """Urgent / vulnerable / red-risk / window marks and the household's note."""
    t = _labels(lang)
    sep = t["list_sep"]
    needs = sep.join(_word(n, lang) for n in household.needs)
    marks: list[str] = []
    if household.priority is Priority.URGENT:
        latest = household.latest_s
        text = t["urgent"].format(t=hhmm(latest)) if latest is not None else t["urgent_plain"]
        marks.append(f"**{text}**" + (t["paren"].format(needs) if needs else ""))
    elif household.priority is Priority.VULNERABLE:
        colon = "：" if lang == "zh" else ": "
        marks.append(f"**{t['vulnerable']}" + (f"{colon}{needs}" if needs else "") + "**")
    elif needs:
        marks.append(needs)
    if household.window is not None:
        marks.append(t["window"].format(start=hhmm(household.window.start),
                                        end=hhmm(household.window.end)))
    if household.risk is Risk.RED:
        marks.append(f"**{t['red']}**")
    if household.delivery is DeliveryMode.ENTRANCE:
        marks.append(t["fetch"])
    if household.note:
        marks.append(household.note)
    return "; ".join(marks)


def _stop_lines(scenario: Scenario, stop: Stop, n: int, lang: str,
                contents: Contents | None = None) -> list[str]:
    t = _labels(lang)
    building = scenario.stairwell_building.get(stop.stairwell)
    if building is None:
        raise ValueError(f"stairwell {stop.stairwell!r} of the plan is not in the scenario")
    lines = [
        f"### {t['stop'].format(n=n, stairwell=stop.stairwell, building=building.id)}",
        "",
        t["arrive"].format(arrive=hhmm(stop.arrive_s), leave=hhmm(stop.leave_s)),
        "",
    ]
    if stop.drops:
        dropped = sum(len(d.bags) for d in stop.drops)
        lines += [t["drop_line"].format(bags=dropped, households=len(stop.drops)), ""]
    if stop.runs:
        top = max(door.floor for run in stop.runs for door in run.doors)
        lines += [t["climb_line"].format(runs=len(stop.runs), top=top), ""]
    lines.append(_row(t[c] for c in ("col_climb", "col_floor", "col_household", "col_bags",
                                     "col_by", "col_notes", "col_done")))
    lines.append("|:-:|--:|---|---|:-:|---|:-:|")

    def entry(climb: str, floor: object, hid: str, idx: tuple[int, ...], at: float) -> str:
        bags = _bags(scenario, hid, idx)
        kinds = t["list_sep"].join(_word(b.kind, lang) for b in bags)
        cell = t["bags_cell"].format(count=len(bags), kinds=kinds)
        packed = (contents or {}).get(hid)
        if packed:  # what is in each bag, as packed at the gate
            cell += ": " + " / ".join(packed[i] for i in idx if i < len(packed) and packed[i])
        return _row((climb, floor, hid, cell,
                     t["by"].format(t=hhmm(at)), _marks(_household(scenario, hid), lang), "☐"))

    for drop in stop.drops:
        lines.append(entry(t["entrance"], "-", drop.household, drop.bags, drop.delivered_s))
    for k, run in enumerate(stop.runs, start=1):
        for door in sorted(run.doors, key=lambda d: d.floor):  # climbing order
            lines.append(entry(str(k), door.floor, door.household, door.bags, door.delivered_s))
    lines.append("")
    return lines


def _trip_lines(scenario: Scenario, trip: Trip, n: int, lang: str,
                contents: Contents | None = None) -> list[str]:
    t = _labels(lang)
    bags = _trip_bags(scenario, trip)
    lines = [
        f"## {t['trip'].format(n=n)}",
        "",
        t["times"].format(start=hhmm(trip.start_s), depart=hhmm(trip.depart_s),
                          back=hhmm(trip.return_s)),
        "",
        t["load"].format(bags=len(bags), kinds=_kinds_text(bags, lang),
                         kg=_number(sum(b.weight_kg for b in bags))),
        "",
    ]
    for k, stop in enumerate(trip.stops, start=1):
        lines += _stop_lines(scenario, stop, k, lang, contents)
    return lines


def _find(scenario: Scenario, plan: Plan, volunteer_id: str) -> tuple[Volunteer, VolunteerPlan]:
    volunteer = scenario.volunteer_by_id.get(volunteer_id)
    if volunteer is None:
        raise ValueError(f"unknown volunteer {volunteer_id!r}")
    for vp in plan.volunteers:
        if vp.volunteer == volunteer_id:
            return volunteer, vp
    return volunteer, VolunteerPlan(volunteer=volunteer_id)


def render_sheet(scenario: Scenario, plan: Plan, volunteer_id: str, lang: str = "en",
                 contents: Contents | None = None) -> str:
    """The route sheet of one volunteer as Markdown text.

    Raises ``ValueError`` for an unknown language or volunteer, or a plan that names
    households, bags or stairwells the scenario does not have.
    """
    t = _labels(lang)
    volunteer, vp = _find(scenario, plan, volunteer_id)
    if volunteer.cart is not None:
        carry = t["cart"].format(bags=volunteer.cart.capacity_bags,
                                 kg=_number(volunteer.cart.capacity_kg))
    else:
        hand_bags, hand_kg = scenario.hand_capacity(volunteer)
        carry = t["hands"].format(bags=hand_bags, kg=_number(hand_kg))
    skills = t["list_sep"].join(_word(s, lang) for s in volunteer.skills) or t["none"]
    all_bags = [b for trip in vp.trips for b in _trip_bags(scenario, trip)]
    lines = [
        f"# {t['title']} · {volunteer.id}",
        "",
        *(t["field"].format(key=t[key], value=value) for key, value in (
            ("volunteer", volunteer.id),
            ("group", volunteer.group or t["none"]),
            ("gate", volunteer.gate),
            ("shift", f"{hhmm(volunteer.shift.start)}-{hhmm(volunteer.shift.end)}"),
            ("carry", carry),
            ("skills", skills),
        )),
        "",
        "**" + t["summary"].format(trips=len(vp.trips),
                                   households=len(_trip_households(vp.trips)),
                                   bags=len(all_bags), walk=round(vp.walk_m),
                                   floors=vp.floors_climbed) + "**",
        "",
    ]
    if not vp.trips:
        lines += [t["no_trips"], ""]
    for n, trip in enumerate(vp.trips, start=1):
        lines += _trip_lines(scenario, trip, n, lang, contents)
    return "\n".join(lines).rstrip("\n") + "\n"


def sheet_file_name(volunteer_id: str, lang: str) -> str:
    """``<volunteer id>.<lang>.md`` with characters unsafe in file names replaced."""
    stem = _UNSAFE.sub("_", volunteer_id).strip(".") or "_"
    return f"{stem}.{lang}.md"


def write_sheets(scenario: Scenario, plan: Plan, out_dir: str | Path,
                 lang: str = "en", contents: Contents | None = None) -> list[Path]:
    """Write a sheet per volunteer with at least one trip, and ``index.<lang>.md``.

    Every file is written atomically. Returns the sheet paths in plan order, then the
    index path.
    """
    t = _labels(lang)
    out = Path(out_dir)
    index_name = f"index.{lang}.md"
    used = {index_name.casefold()}
    rendered: list[tuple[Path, str]] = []
    rows: list[str] = []
    total_trips = total_bags = 0
    households: set[str] = set()
    for vp in plan.volunteers:
        if not vp.trips:
            continue
        text = render_sheet(scenario, plan, vp.volunteer, lang, contents)  # validates first
        name = sheet_file_name(vp.volunteer, lang)
        stem, k = name.removesuffix(f".{lang}.md"), 2
        while name.casefold() in used:  # distinct ids may clean up to the same name
            name, k = f"{stem}-{k}.{lang}.md", k + 1
        used.add(name.casefold())
        rendered.append((out / name, text))
        mine = _trip_households(vp.trips)
        households.update(mine)
        total_trips += len(vp.trips)
        total_bags += sum(len(_trip_bags(scenario, trip)) for trip in vp.trips)
        group = scenario.volunteer_by_id[vp.volunteer].group or ""
        link = f"[{vp.volunteer.replace('[', '(').replace(']', ')')}]({name})"
        rows.append(_row((link, group, len(vp.trips), len(mine),
                          hhmm(min(tr.start_s for tr in vp.trips)),
                          hhmm(max(tr.return_s for tr in vp.trips)))))
    index = [
        f"# {t['index_title'].format(scenario=plan.scenario)}",
        "",
        t["generated_for"].format(method=plan.summary.method),
        "",
        "**" + t["index_summary"].format(volunteers=len(rows), trips=total_trips,
                                         households=len(households), bags=total_bags) + "**",
        "",
        _row(t[c] for c in ("col_volunteer", "col_group", "col_trips", "col_households",
                            "col_first", "col_last")),
        "|---|---|--:|--:|:-:|:-:|",
        *rows,
    ]
    paths = []
    for path, text in rendered:
        write_atomic(path, text)
        paths.append(path)
    write_atomic(out / index_name, "\n".join(index) + "\n")
    return [*paths, out / index_name]
