"""Printable route sheets: one Markdown page per volunteer, in English or Chinese.

A sheet tells a volunteer, trip by trip, when to load at the gate, what to load, which
stairwells to visit, what to leave at each entrance and which doors to climb to, in
climbing order and by when. Urgent, vulnerable and red-risk homes are marked. Times are
``HH:MM`` (hours keep counting past midnight: ``25:10``). The module never prints.

In a relay round (``plan.summary.mode == "relay"``) the header also states the
volunteer's role in the plan. A ferry's stops list, after the entrance drops, the bags
to put down in the entrance buffer and the climber who takes them up; a climber's
climbs list, in time order with any trips, the bags waiting at the entrance (from which
ferry, put down when) and the doors of the stair run.
"""

from __future__ import annotations

import heapq
import re
from collections import ChainMap, Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from supplyroute.clock import hhmm
from supplyroute.io import write_atomic
from supplyroute.models import (
    Bag,
    Climb,
    DeliveryMode,
    Household,
    Plan,
    Priority,
    RelayDrop,
    Risk,
    Scenario,
    Stop,
    Trip,
    Volunteer,
    VolunteerPlan,
)
from supplyroute.reports.plan_facts import (
    Contents,
    Relays,
    bags_of,
    find_volunteer,
    handled_bags,
    household_of,
    households_of,
    roles_of,
    trip_bags,
    trip_households,
)
from supplyroute.reports.words import LANGUAGES, MARKDOWN_TEXTS, TEXTS, ZH_WORDS
from supplyroute.reports.words import group as group_name

_UNSAFE = re.compile(r"[^\w.-]+")


def _labels(lang: str) -> Mapping[str, str]:
    """The sheet's labels: its own wording where it has one, else the printable sheets'."""
    if lang not in TEXTS:
        raise ValueError(f"unknown language {lang!r}; supported: {', '.join(LANGUAGES)}")
    return ChainMap(MARKDOWN_TEXTS[lang], TEXTS[lang])


def _word(word: str, lang: str) -> str:
    """A bag kind or tag in the sheet's language (unknown words are kept)."""
    return ZH_WORDS.get(word, word) if lang == "zh" else word


def _group(name: str | None, lang: str) -> str:
    """A volunteer group: ``group 3`` is ``第3组`` on a Chinese sheet; empty if none."""
    return group_name(name, lang) if name and lang == "zh" else (name or "")


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _number(value: float) -> str:
    """``12.0`` -> ``12``, ``12.5`` -> ``12.5``, ``1234`` -> ``1234``."""
    return f"{value:.1f}".removesuffix(".0")


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _kinds_text(bags: Iterable[Bag], lang: str) -> str:
    """``"6 prevention, 6 living, 1 insulin"``: counts by kind, in order of first sight."""
    t = _labels(lang)
    counts = Counter(b.kind for b in bags)
    return t["list_sep"].join(
        t["kind_count"].format(count=n, kind=_word(kind, lang)) for kind, n in counts.items()
    )


def _is_relay(plan: Plan) -> bool:
    """Does the plan have ferries and climbers (its sheets then say who does what)?"""
    return plan.summary.mode == "relay" or any(vp.climbs for vp in plan.volunteers)


def _role_text(vp: VolunteerPlan, lang: str) -> str:
    t = _labels(lang)
    return t["role_sep"].join(t[f"role_{r}"] for r in roles_of(vp)) or t["none"]


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


def _building_of(scenario: Scenario, stairwell: str) -> str:
    """The id of the building a stairwell of the plan belongs to."""
    building = scenario.stairwell_building.get(stairwell)
    if building is None:
        raise ValueError(f"stairwell {stairwell!r} of the plan is not in the scenario")
    return building.id


def _bags_cell(scenario: Scenario, hid: str, idx: tuple[int, ...], lang: str,
               contents: Contents | None = None) -> str:
    """``2 (prevention, insulin)``, and what is in each bag if known."""
    t = _labels(lang)
    bags = bags_of(scenario, hid, idx)
    kinds = t["list_sep"].join(_word(b.kind, lang) for b in bags)
    cell = t["bags_cell"].format(count=len(bags), kinds=kinds)
    packed = (contents or {}).get(hid)
    if packed:  # what is in each bag, as packed at the gate
        cell += ": " + " / ".join(packed[i] for i in idx if i < len(packed) and packed[i])
    return cell


def _handover_cells(scenario: Scenario, hid: str, idx: tuple[int, ...], at: float,
                    lang: str, contents: Contents | None) -> tuple[str, ...]:
    """Household, bags, planned time, marks and the tick box of one hand-over."""
    t = _labels(lang)
    return (hid, _bags_cell(scenario, hid, idx, lang, contents), t["by"].format(t=hhmm(at)),
            _marks(household_of(scenario, hid), lang), "☐")


def _relay_row(scenario: Scenario, relay: RelayDrop, lang: str, relays: Relays | None,
               contents: Contents | None) -> str:
    """A ferry's line for bags it leaves in the entrance buffer, and for whom."""
    t = _labels(lang)
    climber = relays.climber_of.get(relay.household) if relays is not None else None
    note = (t["for_climber"].format(climber=climber) if climber is not None
            else t["for_a_climber"])
    return _row((t["buffer"], "-", relay.household,
                 _bags_cell(scenario, relay.household, relay.bags, lang, contents),
                 t["down_by"].format(t=hhmm(relay.dropped_s)), note, "☐"))


def _stop_lines(scenario: Scenario, stop: Stop, n: int, lang: str,
                contents: Contents | None = None, relays: Relays | None = None) -> list[str]:
    t = _labels(lang)
    building = _building_of(scenario, stop.stairwell)
    lines = [
        f"### {t['stop'].format(n=n, stairwell=stop.stairwell, building=building)}",
        "",
        t["arrive"].format(arrive=hhmm(stop.arrive_s), leave=hhmm(stop.leave_s)),
        "",
    ]
    if stop.drops:
        dropped = sum(len(d.bags) for d in stop.drops)
        lines += [t["drop_line"].format(bags=dropped, households=len(stop.drops)), ""]
    if stop.relays:
        relayed = sum(len(r.bags) for r in stop.relays)
        lines += [t["relay_line"].format(bags=relayed, households=len(stop.relays)), ""]
    if stop.runs:
        top = max(door.floor for run in stop.runs for door in run.doors)
        lines += [t["climb_line"].format(runs=len(stop.runs), top=top), ""]
    lines.append(_row(t[c] for c in ("col_climb", "col_floor", "col_household", "col_bags",
                                     "col_by", "col_notes", "col_done")))
    lines.append("|:-:|--:|---|---|:-:|---|:-:|")
    for drop in stop.drops:
        lines.append(_row((t["entrance"], "-", *_handover_cells(
            scenario, drop.household, drop.bags, drop.delivered_s, lang, contents))))
    for relay in stop.relays:
        lines.append(_relay_row(scenario, relay, lang, relays, contents))
    for k, run in enumerate(stop.runs, start=1):
        for door in sorted(run.doors, key=lambda d: d.floor):  # climbing order
            lines.append(_row((str(k), door.floor, *_handover_cells(
                scenario, door.household, door.bags, door.delivered_s, lang, contents))))
    lines.append("")
    return lines


def _trip_lines(scenario: Scenario, trip: Trip, n: int, lang: str,
                contents: Contents | None = None, relays: Relays | None = None) -> list[str]:
    t = _labels(lang)
    bags = trip_bags(scenario, trip)
    load = t["load"].format(bags=len(bags), kinds=_kinds_text(bags, lang),
                            kg=_number(sum(b.weight_kg for b in bags)))
    relayed = sum(len(r.bags) for stop in trip.stops for r in stop.relays)
    if relayed:
        load += t["load_relay"].format(bags=relayed)
    lines = [
        f"## {t['trip'].format(n=n)}",
        "",
        t["times"].format(start=hhmm(trip.start_s), depart=hhmm(trip.depart_s),
                          back=hhmm(trip.return_s)),
        "",
        load,
        "",
    ]
    for k, stop in enumerate(trip.stops, start=1):
        lines += _stop_lines(scenario, stop, k, lang, contents, relays)
    return lines


def _arrival_rows(scenario: Scenario, climb: Climb, lang: str, relays: Relays) -> list[str]:
    """Per door of the climb, in climbing order: which bags a ferry left, and when."""
    t = _labels(lang)
    rows = []
    for door in sorted(climb.run.doors, key=lambda d: d.floor):
        for ferry, idx, dropped_s in relays.arrivals(climb.stairwell, door.household,
                                                     door.bags):
            rows.append(_row((
                door.household, _bags_cell(scenario, door.household, idx, lang),
                ferry if ferry is not None else t["not_dropped"],
                hhmm(dropped_s) if dropped_s is not None else "-",
            )))
    return rows


def _climb_lines(scenario: Scenario, climb: Climb, n: int, lang: str, relays: Relays,
                 contents: Contents | None = None) -> list[str]:
    """A climber's section: where and when to be, what waits there, the doors in order."""
    t = _labels(lang)
    run = climb.run
    building = _building_of(scenario, climb.stairwell)
    return [
        f"## {t['climb'].format(n=n, stairwell=climb.stairwell, building=building)}",
        "",
        t["climb_times"].format(arrive=hhmm(climb.arrive_s), walk=round(climb.walk_m),
                                start=hhmm(run.start_s), end=hhmm(run.end_s)),
        "",
        t["waiting"],
        "",
        _row(t[c] for c in ("col_household", "col_bags", "col_from", "col_down")),
        "|---|---|---|:-:|",
        *_arrival_rows(scenario, climb, lang, relays),
        "",
        t["carry_up"].format(bags=sum(len(d.bags) for d in run.doors),
                             top=max(d.floor for d in run.doors)),
        "",
        _row(t[c] for c in ("col_floor", "col_household", "col_bags", "col_by", "col_notes",
                            "col_done")),
        "|--:|---|---|:-:|---|:-:|",
        *(_row((door.floor, *_handover_cells(scenario, door.household, door.bags,
                                             door.delivered_s, lang, contents)))
          for door in sorted(run.doors, key=lambda d: d.floor)),  # climbing order
        "",
    ]


def _work_lines(scenario: Scenario, plan: Plan, vp: VolunteerPlan, lang: str,
                contents: Contents | None) -> list[str]:
    """Trips and climbs, each numbered in its own series, merged in time order (a trip
    from when loading starts, a climb from its arrival at the entrance)."""
    relays = Relays(plan)
    trips = ((trip.start_s, 0, n, trip) for n, trip in enumerate(vp.trips, start=1))
    climbs = ((climb.arrive_s, 1, n, climb) for n, climb in enumerate(vp.climbs, start=1))
    lines: list[str] = []
    for _, _, n, item in heapq.merge(trips, climbs, key=lambda e: (e[0], e[1])):
        if isinstance(item, Trip):
            lines += _trip_lines(scenario, item, n, lang, contents, relays)
        else:
            lines += _climb_lines(scenario, item, n, lang, relays, contents)
    return lines


def _header_fields(scenario: Scenario, plan: Plan, volunteer: Volunteer, vp: VolunteerPlan,
                   lang: str) -> list[tuple[str, str]]:
    """The sheet's header as (label key, value); a relay plan adds role and station."""
    t = _labels(lang)
    if volunteer.cart is not None:
        carry = t["cart"].format(bags=volunteer.cart.capacity_bags,
                                 kg=_number(volunteer.cart.capacity_kg))
    else:
        hand_bags, hand_kg = scenario.hand_capacity(volunteer)
        carry = t["hands"].format(bags=hand_bags, kg=_number(hand_kg))
    skills = t["list_sep"].join(_word(s, lang) for s in volunteer.skills) or t["none"]
    fields = [("volunteer", volunteer.id)]
    if _is_relay(plan):
        fields.append(("role", _role_text(vp, lang)))
    fields += [
        ("group", _group(volunteer.group, lang) or t["none"]),
        ("gate", volunteer.gate),
    ]
    if _is_relay(plan) and volunteer.station is not None:
        fields.append(("station", t["list_sep"].join(volunteer.station)))
    fields += [
        ("shift", f"{hhmm(volunteer.shift.start)}-{hhmm(volunteer.shift.end)}"),
        ("carry", carry),
        ("skills", skills),
    ]
    return fields


def _summary_line(scenario: Scenario, plan: Plan, vp: VolunteerPlan, lang: str) -> str:
    t = _labels(lang)
    if _is_relay(plan):
        text = t["summary_relay"].format(
            trips=len(vp.trips), climbs=len(vp.climbs), households=len(households_of(vp)),
            bags=handled_bags(scenario, vp), walk=round(vp.walk_m),
            floors=vp.floors_climbed)
    else:
        all_bags = [b for trip in vp.trips for b in trip_bags(scenario, trip)]
        text = t["summary"].format(trips=len(vp.trips),
                                   households=len(trip_households(vp.trips)),
                                   bags=len(all_bags), walk=round(vp.walk_m),
                                   floors=vp.floors_climbed)
    return f"**{text}**"


def render_sheet(scenario: Scenario, plan: Plan, volunteer_id: str, lang: str = "en",
                 contents: Contents | None = None) -> str:
    """The route sheet of one volunteer as Markdown text.

    Raises ``ValueError`` for an unknown language or volunteer, or a plan that names
    households, bags or stairwells the scenario does not have.
    """
    t = _labels(lang)
    volunteer, vp = find_volunteer(scenario, plan, volunteer_id)
    lines = [
        f"# {t['title']} · {volunteer.id}",
        "",
        *(t["field"].format(key=t[key], value=value)
          for key, value in _header_fields(scenario, plan, volunteer, vp, lang)),
        "",
        _summary_line(scenario, plan, vp, lang),
        "",
    ]
    if not vp.trips and not vp.climbs:
        lines += [t["no_work" if _is_relay(plan) else "no_trips"], ""]
    lines += _work_lines(scenario, plan, vp, lang, contents)
    return "\n".join(lines).rstrip("\n") + "\n"


def sheet_file_name(volunteer_id: str, lang: str) -> str:
    """``<volunteer id>.<lang>.md`` with characters unsafe in file names replaced."""
    stem = _UNSAFE.sub("_", volunteer_id).strip(".") or "_"
    return f"{stem}.{lang}.md"


def _index_row(scenario: Scenario, vp: VolunteerPlan, link: str, relay: bool,
               lang: str) -> str:
    """A volunteer's line in the index; a relay plan adds role and climbs."""
    group = _group(scenario.volunteer_by_id[vp.volunteer].group, lang)
    if not relay:
        return _row((link, group, len(vp.trips), len(trip_households(vp.trips)),
                     hhmm(min(tr.start_s for tr in vp.trips)),
                     hhmm(max(tr.return_s for tr in vp.trips))))
    starts = [tr.start_s for tr in vp.trips] + [c.arrive_s for c in vp.climbs]
    ends = [tr.return_s for tr in vp.trips] + [c.run.end_s for c in vp.climbs]
    return _row((link, group, _role_text(vp, lang), len(vp.trips), len(vp.climbs),
                 len(households_of(vp)), hhmm(min(starts)), hhmm(max(ends))))


def write_sheets(scenario: Scenario, plan: Plan, out_dir: str | Path,
                 lang: str = "en", contents: Contents | None = None) -> list[Path]:
    """Write a sheet per volunteer with at least one trip or climb, and
    ``index.<lang>.md``.

    Every file is written atomically. Returns the sheet paths in plan order, then the
    index path.
    """
    t = _labels(lang)
    relay = _is_relay(plan)
    out = Path(out_dir)
    index_name = f"index.{lang}.md"
    used = {index_name.casefold()}
    rendered: list[tuple[Path, str]] = []
    rows: list[str] = []
    total_trips = total_climbs = total_bags = 0
    households: set[str] = set()
    for vp in plan.volunteers:
        if not vp.trips and not vp.climbs:
            continue
        text = render_sheet(scenario, plan, vp.volunteer, lang, contents)  # validates first
        name = sheet_file_name(vp.volunteer, lang)
        stem, k = name.removesuffix(f".{lang}.md"), 2
        while name.casefold() in used:  # distinct ids may clean up to the same name
            name, k = f"{stem}-{k}.{lang}.md", k + 1
        used.add(name.casefold())
        rendered.append((out / name, text))
        households.update(households_of(vp))
        total_trips += len(vp.trips)
        total_climbs += len(vp.climbs)
        total_bags += sum(len(trip_bags(scenario, trip)) for trip in vp.trips)  # gate out
        link = f"[{vp.volunteer.replace('[', '(').replace(']', ')')}]({name})"
        rows.append(_index_row(scenario, vp, link, relay, lang))
    if relay:
        summary = t["index_summary_relay"].format(
            volunteers=len(rows), trips=total_trips, climbs=total_climbs,
            households=len(households), bags=total_bags)
        columns = ("col_volunteer", "col_group", "col_role", "col_trips", "col_climbs",
                   "col_households", "col_first", "col_last_done")
        align = "|---|---|---|--:|--:|--:|:-:|:-:|"
    else:
        summary = t["index_summary"].format(volunteers=len(rows), trips=total_trips,
                                            households=len(households), bags=total_bags)
        columns = ("col_volunteer", "col_group", "col_trips", "col_households",
                   "col_first", "col_last")
        align = "|---|---|--:|--:|:-:|:-:|"
    index = [
        f"# {t['index_title'].format(scenario=plan.scenario)}",
        "",
        t["generated_for"].format(method=plan.summary.method),
        "",
        f"**{summary}**",
        "",
        _row(t[c] for c in columns),
        align,
        *rows,
    ]
    paths = []
    for path, text in rendered:
        write_atomic(path, text)
        paths.append(path)
    write_atomic(out / index_name, "\n".join(index) + "\n")
    return [*paths, out / index_name]
