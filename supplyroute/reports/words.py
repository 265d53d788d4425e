"""The words of the printable sheets and the plan report, in English and Chinese.

A Chinese sheet is Chinese throughout: labels, bag kinds, need tags, priorities, trip
modes, unserved reasons and group names; only ids (and free notes, as written) stay as
they are. Homes are written the local way (:func:`address`).
"""

from __future__ import annotations

import re
from html import escape

from supplyroute.clock import hhmm
from supplyroute.models import Household, Scenario

#: The languages sheets and reports are written in.
LANGUAGES = ("en", "zh")

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "sheet_title": "Route sheet",
        "volunteer": "Volunteer",
        "group": "Group",
        "gate": "Gate",
        "shift": "Shift",
        "carry": "Carrying",
        "cart": "cart (up to {bags} bags, {kg} kg)",
        "hands": "by hand (up to {bags} bags, {kg} kg)",
        "skills": "Skills",
        "role": "Role",
        "none": "none",
        "sheet_summary": "{trips} trips · {climbs} climbs · {households} households · "
                         "{bags} bags · {walk} m on foot · {floors} floors climbed",
        "no_work": "No trips or climbs for this volunteer in this plan.",
        "trip": "Trip {n}",
        "times": "Load {start} · depart {depart} · back at the gate {back}",
        "load": "Load: {bags} bags ({kinds}), {kg} kg",
        "for_whom": "For: {whom}",
        "kind_count": "{count} {kind}",
        "sep": ", ",
        "stop": "Stop {n}: {building}, {stairwell}",
        "arrive": "arrive {arrive} · leave {leave}",
        "climb": "Climb {n}: {building}, {stairwell}",
        "climb_times": "At the entrance {arrive} ({walk} m on foot) · climb {start} · "
                       "down {end}",
        "waiting": "Waiting in the entrance buffer: {bags} bags from {ferries}",
        "col_done": "Done",
        "col_floor": "Floor",
        "col_home": "Home",
        "col_bags": "Bags",
        "col_due": "Due",
        "col_planned": "Planned",
        "col_marks": "Marks",
        "col_contact": "Name / phone",
        "entrance": "entrance",
        "buffer": "buffer",
        "bags_n": "{count} ({kinds})",
        "due_by": "by {t}",
        "window": "{start}-{end}",
        "no_due": "-",
        "urgent": "URGENT",
        "vulnerable": "VULNERABLE",
        "red": "full PPE",
        "fetch": "fetches at entrance",
        "leave_for": "leave for climber {climber}",
        "leave_for_a": "leave for a climber",
        "map": "Map: the gate and this volunteer's stairwells",
        "legend_gate": "gate",
        "index_title": "Route sheets: {scenario}",
        "col_volunteer": "Volunteer",
        "col_trips": "Trips",
        "col_climbs": "Climbs",
        "col_households": "Households",
        "col_first": "First",
        "col_last": "Last",
        # modes, roles
        "mode_cart": "cart",
        "mode_hands": "by hand",
        "role_carrier": "carrier",
        "role_ferry": "ferry",
        "role_climber": "climber",
        "role_sep": " and ",
        # report
        "report_title": "Plan report: {scenario}",
        "generated": "Plan by {method}, {mode} round",
        "summary": "Summary",
        "makespan": "Makespan",
        "bound": "Lower bound",
        "gap": "Gap",
        "proven": "proven optimal",
        "served": "Households served",
        "unserved_n": "Households unserved",
        "bags_delivered": "Bags delivered",
        "trips": "Trips",
        "walk": "On foot",
        "floors": "Floors climbed",
        "urgent_by": "Last urgent household served",
        "vulnerable_by": "Last vulnerable household served",
        "deadlines": "Deadlines met",
        "round": "Round",
        "compound": "The compound and the trips",
        "timeline": "Timeline",
        "priority_title": "Urgent and vulnerable households",
        "col_priority": "Priority",
        "col_served": "Served",
        "col_by": "By",
        "col_met": "In time",
        "yes": "yes",
        "no": "no",
        "unserved_title": "Unserved households",
        "col_reason": "Reason",
        "col_detail": "Detail",
        "nobody_unserved": "Every household is served.",
        "no_priority": "No urgent or vulnerable households.",
        "minutes": "{m} min",
        "hm": "{h} h {m} min",
        "metres": "{m} m",
        "method_manual": "hand method",
        "method_optimized": "optimizer",
        "mode_carry": "carry",
        "mode_relay": "relay",
        "standard": "standard",
        "reason_no_eligible_volunteer": "no eligible volunteer",
        "reason_deadline_unreachable": "deadline unreachable",
        "reason_not_released": "bags never released",
        "reason_no_volunteer_time": "no volunteer time left",
        "group_n": "group {n}",
    },
    "zh": {
        "sheet_title": "路线单",
        "volunteer": "志愿者",
        "group": "小组",
        "gate": "物资门",
        "shift": "班次",
        "carry": "运送方式",
        "cart": "手推车（最多{bags}袋，{kg}公斤）",
        "hands": "徒手（最多{bags}袋，{kg}公斤）",
        "skills": "技能",
        "role": "角色",
        "none": "无",
        "sheet_summary": "共{trips}趟 · 接力上楼{climbs}次 · {households}户 · {bags}袋 · "
                         "步行{walk}米 · 爬楼{floors}层",
        "no_work": "本方案中该志愿者没有任务。",
        "trip": "第{n}趟",
        "times": "装货 {start} · 出发 {depart} · 返回物资门 {back}",
        "load": "装货：共{bags}袋（{kinds}），{kg}公斤",
        "for_whom": "送往：{whom}",
        "kind_count": "{kind}{count}袋",
        "sep": "、",
        "stop": "第{n}站：{building} · {stairwell}",
        "arrive": "到达 {arrive} · 离开 {leave}",
        "climb": "第{n}次接力上楼：{building} · {stairwell}",
        "climb_times": "到达单元门口 {arrive}（步行{walk}米）· 上楼 {start} · 下楼 {end}",
        "waiting": "门口暂存：{bags}袋，来自 {ferries}",
        "col_done": "完成",
        "col_floor": "楼层",
        "col_home": "住户",
        "col_bags": "袋",
        "col_due": "应送达",
        "col_planned": "计划送达",
        "col_marks": "标记",
        "col_contact": "姓名 / 电话",
        "entrance": "单元门口",
        "buffer": "门口暂存",
        "bags_n": "{count}袋（{kinds}）",
        "due_by": "{t}前",
        "window": "{start}至{end}",
        "no_due": "-",
        "urgent": "紧急",
        "vulnerable": "重点关照",
        "red": "需穿防护服",
        "fetch": "住户到门口自取",
        "leave_for": "交爬楼员 {climber}",
        "leave_for_a": "交爬楼员",
        "map": "地图：物资门与本人负责的单元",
        "legend_gate": "物资门",
        "index_title": "路线单目录：{scenario}",
        "col_volunteer": "志愿者",
        "col_trips": "趟数",
        "col_climbs": "接力上楼",
        "col_households": "户数",
        "col_first": "开始",
        "col_last": "结束",
        "mode_cart": "手推车",
        "mode_hands": "徒手",
        "role_carrier": "送货员",
        "role_ferry": "转运员",
        "role_climber": "爬楼员",
        "role_sep": "兼",
        "report_title": "配送方案报告：{scenario}",
        "generated": "算法：{method}；方式：{mode}",
        "summary": "概要",
        "makespan": "完成用时",
        "bound": "理论下限",
        "gap": "差距",
        "proven": "已证明最优",
        "served": "已送达户数",
        "unserved_n": "未送达户数",
        "bags_delivered": "送达袋数",
        "trips": "趟数",
        "walk": "步行",
        "floors": "爬楼层数",
        "urgent_by": "最后一户紧急户送达",
        "vulnerable_by": "最后一户重点关照户送达",
        "deadlines": "按时送达",
        "round": "时段",
        "compound": "小区地图与路线",
        "timeline": "时间表",
        "priority_title": "紧急户与重点关照户",
        "col_priority": "优先级",
        "col_served": "送达时间",
        "col_by": "志愿者",
        "col_met": "按时",
        "yes": "是",
        "no": "否",
        "unserved_title": "未送达住户",
        "col_reason": "原因",
        "col_detail": "说明",
        "nobody_unserved": "全部住户均已送达。",
        "no_priority": "没有紧急户或重点关照户。",
        "minutes": "{m}分钟",
        "hm": "{h}小时{m}分钟",
        "metres": "{m}米",
        "method_manual": "人工排班法",
        "method_optimized": "优化算法",
        "mode_carry": "直送",
        "mode_relay": "接力",
        "standard": "普通",
        "reason_no_eligible_volunteer": "没有可派的志愿者",
        "reason_deadline_unreachable": "无法在期限前送达",
        "reason_not_released": "物资未放行",
        "reason_no_volunteer_time": "志愿者班次时间不足",
        "group_n": "第{n}组",
    },
}

#: The Markdown sheets' own wording (bold markers, the ledger's columns), where it
#: differs from the printable sheets'; every other label comes from :data:`TEXTS`.
MARKDOWN_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Route sheet",
        "summary": "Trips: {trips} · households: {households} · bags: {bags} · "
                   "on foot: {walk} m · floors climbed: {floors}",
        "no_trips": "No trips for this volunteer in this plan.",
        "times": "Start loading **{start}** · depart **{depart}** · back at the gate **{back}**",
        "load": "**Load:** {bags} bags: {kinds} ({kg} kg)",
        "list_sep": ", ",
        "paren": " ({})",
        "field": "- **{key}:** {value}",
        "stop": "Stop {n}: stairwell {stairwell}, building {building}",
        "arrive": "Arrive {arrive} · leave {leave}",
        "drop_line": "**Leave at the entrance:** {bags} bag(s) for {households} household(s)",
        "climb_line": "**Carry up:** {runs} climb(s), top floor {top}",
        "col_climb": "Climb",
        "col_household": "Household",
        "col_by": "Planned",
        "col_notes": "Notes",
        "bags_cell": "{count} ({kinds})",
        "by": "by {t}",
        "urgent": "URGENT by {t}",
        "urgent_plain": "URGENT",
        "window": "window {start}-{end}",
        "fetch": "household fetches at entrance",
        "index_summary": "{volunteers} volunteers with trips · {trips} trips · "
                         "{households} households · {bags} bags",
        "col_group": "Group",
        "col_first": "First start",
        "col_last": "Last return",
        "generated_for": "Plan method: {method}",
        "role": "Role in this plan",
        "station": "Station",
        "summary_relay": "Trips: {trips} · climbs: {climbs} · households: {households} · "
                         "bags: {bags} · on foot: {walk} m · floors climbed: {floors}",
        "load_relay": " · {bags} of them to leave for climbers",
        "relay_line": "**Leave in the entrance buffer for a climber (do not carry up):** "
                      "{bags} bag(s) for {households} household(s)",
        "down_by": "down by {t}",
        "for_climber": "left for climber **{climber}**, not carried up",
        "for_a_climber": "left for a climber, not carried up",
        "climb": "Climb {n}: stairwell {stairwell}, building {building}",
        "climb_times": "Arrive at the entrance **{arrive}** ({walk} m on foot) · "
                       "start climbing **{start}** · back down **{end}**",
        "waiting": "**Waiting in the entrance buffer:**",
        "col_from": "From ferry",
        "col_down": "Put down",
        "not_dropped": "no drop in the plan",
        "carry_up": "**Carry up:** {bags} bag(s), top floor {top}",
        "col_role": "Role",
        "col_last_done": "Last done",
        "index_summary_relay": "{volunteers} volunteers with work · {trips} trips · "
                               "{climbs} climbs · {households} households · {bags} bags",
    },
    "zh": {
        "title": "路线单",
        "summary": "共{trips}趟 · {households}户 · {bags}袋 · 步行{walk}米 · 爬楼{floors}层",
        "no_trips": "本方案中该志愿者没有任务。",
        "times": "开始装货 **{start}** · 出发 **{depart}** · 返回物资门 **{back}**",
        "load": "**装货**：共{bags}袋：{kinds}（{kg}公斤）",
        "list_sep": "、",
        "paren": "（{}）",
        "field": "- **{key}**：{value}",
        "stop": "第{n}站：楼栋 {building} · 单元 {stairwell}",
        "arrive": "到达 {arrive} · 离开 {leave}",
        "drop_line": "**放在单元门口**：{bags}袋，共{households}户",
        "climb_line": "**送上楼**：上楼{runs}次，最高{top}层",
        "col_climb": "上楼",
        "col_household": "户",
        "col_by": "预计送达",
        "col_notes": "备注",
        "bags_cell": "{count}袋（{kinds}）",
        "by": "{t}前",
        "urgent": "紧急：{t}前送达",
        "urgent_plain": "紧急",
        "window": "时段 {start}-{end}",
        "fetch": "住户到单元门口自取",
        "index_summary": "有任务的志愿者{volunteers}人 · 共{trips}趟 · {households}户 · {bags}袋",
        "col_group": "小组",
        "col_first": "首次装货",
        "col_last": "最后返回",
        "generated_for": "方案算法：{method}",
        "role": "本次角色",
        "station": "驻守位置",
        "summary_relay": "共{trips}趟 · 接力上楼{climbs}次 · {households}户 · {bags}袋 · "
                         "步行{walk}米 · 爬楼{floors}层",
        "load_relay": " · 其中{bags}袋放门口暂存，交爬楼员",
        "relay_line": "**门口暂存，交爬楼员送上楼（本人不上楼）**：{bags}袋，共{households}户",
        "down_by": "{t}前放下",
        "for_climber": "交爬楼员 **{climber}** 送上楼，本人不上楼",
        "for_a_climber": "交爬楼员送上楼，本人不上楼",
        "climb": "第{n}次接力上楼：楼栋 {building} · 单元 {stairwell}",
        "climb_times": "到达单元门口 **{arrive}**（步行{walk}米）· 开始上楼 **{start}** · "
                       "下楼 **{end}**",
        "waiting": "**门口暂存的物资**：",
        "col_from": "转运员",
        "col_down": "放下时间",
        "not_dropped": "方案中无转运记录",
        "carry_up": "**送上楼**：{bags}袋，最高{top}层",
        "col_role": "角色",
        "col_last_done": "最后完成",
        "index_summary_relay": "有任务的志愿者{volunteers}人 · 共{trips}趟 · 接力上楼{climbs}次 · "
                               "{households}户 · {bags}袋",
    },
}

#: Chinese names of bag kinds, need tags and skills.
ZH_WORDS: dict[str, str] = {
    "prevention": "防疫包",
    "living": "生活包",
    "insulin": "胰岛素",
    "medicine": "药品",
    "vegetables": "蔬菜包",
    "halal": "清真包",
    "garbage": "垃圾",
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
    "close_contact": "密接",
    "infant": "婴幼儿",
    "wheelchair": "轮椅",
    "oxygen": "吸氧",
    "ppe": "防护服",
    "medical": "医疗",
    "urgent": "紧急",
    "vulnerable": "重点关照",
    "standard": "普通",
    "red": "红码",
    "orange": "橙码",
    "yellow": "黄码",
    "green": "绿码",
}

_HOME_ID = re.compile(r"^B(\d+)-(\d+)-(\d{1,3})(\d{2})$")
_BUILDING_ID = re.compile(r"^B(\d+)$")
_STAIRWELL_ID = re.compile(r"^B\d+-(\d+)$")
_GROUP = re.compile(r"^group\s*(\d+)$", re.IGNORECASE)


def text(lang: str, key: str, **values: object) -> str:
    """A label in the sheet's language, filled in."""
    if lang not in TEXTS:
        raise ValueError(f"unknown language {lang!r}; supported: {', '.join(LANGUAGES)}")
    return TEXTS[lang][key].format(**values)


def word(tag: str, lang: str) -> str:
    """A bag kind, need tag or skill in the language (unknown tags: underscores as
    spaces)."""
    if lang == "zh" and tag in ZH_WORDS:
        return ZH_WORDS[tag]
    return tag.replace("_", " ")


def group(name: str | None, lang: str) -> str:
    """A volunteer group: ``"group 3"`` is ``"第3组"`` in Chinese; other names as given."""
    if not name:
        return text(lang, "none")
    match = _GROUP.match(name.strip())
    return text(lang, "group_n", n=match.group(1)) if match else name


def address(scenario: Scenario, household: Household, lang: str) -> str:
    """The home the local way, one form on every sheet: for ids ``B{b}-{u}-{ffrr}``,
    ``{b}号楼{u}单元{f}{rr}室`` (``Bldg {b} Unit {u} Rm {f}{rr}``), whatever form the
    ledger wrote it in; else its ``address`` as written; else the id."""
    match = _HOME_ID.match(household.id)
    if not match:
        return household.address or household.id
    b, u, floor, room = match.groups()
    b, u, floor_n = str(int(b)), str(int(u)), str(int(floor))
    if lang == "zh":
        return f"{b}号楼{u}单元{floor_n}{room}室"
    return f"Bldg {b} Unit {u} Rm {floor_n}{room}"


def building_label(scenario: Scenario, building_id: str, lang: str) -> str:
    """A building by its name; else, for ids ``B{b}``, ``{b}号楼`` (``Bldg {b}``); else
    its id."""
    building = next((b for b in scenario.buildings if b.id == building_id), None)
    if building is not None and building.name:
        return building.name
    match = _BUILDING_ID.match(building_id)
    if not match:
        return building_id
    return f"{int(match.group(1))}号楼" if lang == "zh" else f"Bldg {int(match.group(1))}"


def building_name(scenario: Scenario, stairwell: str, lang: str = "en") -> str:
    """The building of a stairwell, as :func:`building_label` writes it."""
    building = scenario.stairwell_building.get(stairwell)
    if building is None:
        raise ValueError(f"stairwell {stairwell!r} of the plan is not in the scenario")
    return building.name or building_label(scenario, building.id, lang)


def stairwell_name(stairwell: str, lang: str) -> str:
    """``B4-2`` as ``2单元 (B4-2)`` / ``Unit 2 (B4-2)``; other ids as given."""
    match = _STAIRWELL_ID.match(stairwell)
    if not match:
        return stairwell
    unit = int(match.group(1))
    return f"{unit}单元（{stairwell}）" if lang == "zh" else f"Unit {unit} ({stairwell})"


def number(value: float) -> str:
    """``12.0`` -> ``12``, ``12.5`` -> ``12.5``."""
    return f"{value:.1f}".removesuffix(".0")


def duration(seconds: float, lang: str) -> str:
    """``5400`` -> ``1 h 30 min`` / ``1小时30分钟``."""
    minutes = int(round(seconds / 60))
    if minutes < 60:
        return text(lang, "minutes", m=minutes)
    return text(lang, "hm", h=minutes // 60, m=minutes % 60)


def due(household: Household, lang: str) -> str:
    """When the household is due: ``by 11:30``, a window ``10:00-11:00``, or ``-``."""
    parts = []
    if household.window is not None:
        parts.append(text(lang, "window", start=hhmm(household.window.start),
                          end=hhmm(household.window.end)))
    if household.deadline is not None:
        parts.append(text(lang, "due_by", t=hhmm(household.deadline)))
    return text(lang, "sep").join(parts) or text(lang, "no_due")


def reason(value: str, lang: str) -> str:
    """An unserved reason in words."""
    key = f"reason_{value}"
    return text(lang, key) if key in TEXTS[lang] else value.replace("_", " ")


def priority(value: str, lang: str) -> str:
    """``urgent`` / ``vulnerable`` / ``standard`` in words."""
    return text(lang, value) if value in ("urgent", "vulnerable", "standard") else value


def method(value: str, lang: str) -> str:
    """The planning method in words."""
    key = f"method_{value}"
    return text(lang, key) if key in TEXTS[lang] else value


def h(value: object) -> str:
    """Text safe in HTML."""
    return escape(str(value), quote=True)
