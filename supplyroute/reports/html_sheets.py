"""Printable route sheets as HTML (A4 portrait, large type, a check box per household).

One page per volunteer, beside the Markdown sheets of :mod:`.markdown_sheets`: trip by
trip, cart or hands, what to load and for whom, then each stop's homes in climbing
order, written the local way, with the time each is due and planned, urgent and
vulnerable marks, name and phone where the ledger has them (never with ``redact``),
and a small map of the volunteer's stairwells and gate. ``index.<lang>.html`` lists the
sheets and the households left unserved, with the reason. The module never prints.
"""

from __future__ import annotations

import heapq
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
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
    Risk,
    Scenario,
    Stop,
    Trip,
    Volunteer,
    VolunteerPlan,
)
from supplyroute.reports import svg
from supplyroute.reports.markdown_sheets import sheet_file_name
from supplyroute.reports.plan_facts import (
    Contents,
    Relays,
    bags_of,
    find_volunteer,
    handled_bags,
    households_of,
    roles_of,
    stop_entries,
    trip_bags,
)
from supplyroute.reports.words import (
    address,
    building_label,
    building_name,
    due,
    group,
    h,
    number,
    priority,
    reason,
    stairwell_name,
    text,
    word,
)

#: Print CSS shared by the sheets: A4 portrait, large type, one volunteer a page.
SHEET_CSS = """
@page { size: A4 portrait; margin: 12mm 11mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 14pt; line-height: 1.35; color: #000;
  margin: 0 auto; max-width: 190mm; padding: 4mm; background: #fff; }
h1 { font-size: 22pt; margin: 0 0 4pt; }
h2 { font-size: 17pt; margin: 14pt 0 4pt; border-top: 2px solid #000; padding-top: 6pt;
  break-after: avoid; }
h3 { font-size: 15pt; margin: 10pt 0 2pt; break-after: avoid; }
dl.head { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 10pt;
  margin: 4pt 0; }
dl.head dt { font-weight: bold; }
dl.head dd { margin: 0; }
p { margin: 3pt 0; }
.summary { font-weight: bold; }
.load { font-weight: bold; font-size: 15pt; }
.mode { display: inline-block; border: 2px solid #000; border-radius: 4pt;
  padding: 0 6pt; margin-left: 6pt; font-size: 13pt; }
table { width: 100%; border-collapse: collapse; margin: 3pt 0 6pt; }
th, td { border: 1px solid #555; padding: 3pt 4pt; vertical-align: top; text-align: left; }
th { background: #eee; font-size: 12pt; }
tr { break-inside: avoid; }
td.box { width: 14mm; text-align: center; }
.box span { display: inline-block; width: 7mm; height: 7mm; border: 2px solid #000; }
.urgent { font-weight: bold; color: #b00; }
.vulnerable { font-weight: bold; color: #6a2c91; }
.red { font-weight: bold; }
.mark { display: inline-block; margin-right: 4pt; }
.note { font-style: italic; }
.contact { white-space: nowrap; }
.map-box svg { display: block; width: 100%; height: auto; }
section.work { break-inside: auto; }
@media print { body { padding: 0; max-width: none; } a { color: #000; text-decoration: none; }
  .page-break { break-before: page; } }
"""


def html_page(lang: str, title: str, body: list[str], css: str = SHEET_CSS) -> str:
    code = "zh-CN" if lang == "zh" else "en"
    return ("<!DOCTYPE html>\n"
            f'<html lang="{code}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{h(title)}</title><style>{css}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _kinds(bags: Sequence[Bag], lang: str) -> str:
    counts = Counter(b.kind for b in bags)
    return text(lang, "sep").join(text(lang, "kind_count", count=n, kind=word(k, lang))
                                  for k, n in counts.items())


def marks_html(scenario: Scenario, household: Household, lang: str) -> str:
    """Urgent, vulnerable, full-PPE and fetch marks, need tags, and the free note."""
    sep = text(lang, "sep")
    needs = sep.join(word(n, lang) for n in household.needs)
    out = []
    if household.priority is Priority.URGENT:
        out.append(f'<span class="mark urgent">⚠ {h(text(lang, "urgent"))}</span>')
    elif household.priority is Priority.VULNERABLE:
        out.append(f'<span class="mark vulnerable">♥ {h(text(lang, "vulnerable"))}</span>')
    if needs:
        out.append(f'<span class="mark needs">{h(needs)}</span>')
    if scenario.needs_ppe(household) or household.risk is Risk.RED:
        out.append(f'<span class="mark red">{h(text(lang, "red"))}</span>')
    if household.delivery is DeliveryMode.ENTRANCE:
        out.append(f'<span class="mark">{h(text(lang, "fetch"))}</span>')
    if household.note:
        out.append(f'<span class="mark note">{h(household.note)}</span>')
    return " ".join(out)


def contact_html(household: Household, redact: bool) -> str:
    """Name and phone from the ledger, unless redacted."""
    if redact:
        return ""
    parts = [p for p in (household.name, household.phone) if p]
    return f'<span class="contact">{h(" ".join(parts))}</span>' if parts else ""


def _has_contacts(scenario: Scenario, household_ids: list[str], redact: bool) -> bool:
    if redact:
        return False
    return any(scenario.household_by_id[hid].name or scenario.household_by_id[hid].phone
               for hid in household_ids)


class _SheetWriter:
    """One volunteer's sheet, piece by piece."""

    def __init__(self, scenario: Scenario, plan: Plan, lang: str, redact: bool,
                 contents: Contents | None) -> None:
        self.scenario, self.plan, self.lang = scenario, plan, lang
        self.redact, self.contents = redact, contents
        self.relays = Relays(plan)

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def place(self, stairwell: str) -> dict[str, str]:
        """A stairwell and its building as the sheet names them."""
        return {"building": building_name(self.scenario, stairwell, self.lang),
                "stairwell": stairwell_name(stairwell, self.lang)}

    def household(self, hid: str) -> Household:
        try:
            return self.scenario.household_by_id[hid]
        except KeyError:
            raise ValueError(f"household {hid!r} of the plan is not in the scenario") from None

    def bags_cell(self, hid: str, idx: tuple[int, ...]) -> str:
        bags = bags_of(self.scenario, hid, idx)
        cell = self.t("bags_n", count=len(bags), kinds=_kinds(bags, self.lang))
        packed = (self.contents or {}).get(hid)
        if packed:
            cell += ": " + " / ".join(packed[i] for i in idx if i < len(packed) and packed[i])
        return h(cell)

    def header(self, volunteer: Volunteer, vp: VolunteerPlan) -> list[str]:
        scenario, lang = self.scenario, self.lang
        if volunteer.cart is not None:
            carry = self.t("cart", bags=volunteer.cart.capacity_bags,
                           kg=number(volunteer.cart.capacity_kg))
        else:
            bags, kg = scenario.hand_capacity(volunteer)
            carry = self.t("hands", bags=bags, kg=number(kg))
        fields = [("volunteer", volunteer.id)]
        if vp.climbs or self.plan.summary.mode == "relay":
            roles = self.t("role_sep").join(self.t(f"role_{r}") for r in roles_of(vp))
            fields.append(("role", roles or self.t("none")))
        fields += [
            ("group", group(volunteer.group, lang)),
            ("gate", volunteer.gate),
            ("shift", f"{hhmm(volunteer.shift.start)}-{hhmm(volunteer.shift.end)}"),
            ("carry", carry),
            ("skills", self.t("sep").join(word(s, lang) for s in volunteer.skills)
             or self.t("none")),
        ]
        summary = self.t("sheet_summary", trips=len(vp.trips), climbs=len(vp.climbs),
                         households=len(households_of(vp)),
                         bags=handled_bags(scenario, vp), walk=round(vp.walk_m),
                         floors=vp.floors_climbed)
        return [
            f'<h1>{h(self.t("sheet_title"))} · <span class="vid">{h(volunteer.id)}</span></h1>',
            '<dl class="head">',
            *(f"<dt>{h(self.t(k))}</dt><dd>{h(v)}</dd>" for k, v in fields),
            "</dl>",
            f'<p class="summary">{h(summary)}</p>',
        ]

    def map(self, volunteer: Volunteer, vp: VolunteerPlan) -> str:
        marks: dict[str, str] = {}
        for n, trip in enumerate(vp.trips, start=1):
            for stop in trip.stops:
                marks.setdefault(stop.stairwell, "")
                marks[stop.stairwell] += ("," if marks[stop.stairwell] else "") + str(n)
        for climb in vp.climbs:
            marks.setdefault(climb.stairwell, "")
        route = svg.Route(volunteer.id, "#1f4e9c",
                          [svg.trip_points(self.scenario, trip) for trip in vp.trips])
        focus = {volunteer.gate, *marks, *(trip.gate for trip in vp.trips)}
        picture = svg.compound_svg(self.scenario, [route], width=700, height=360,
                                   focus=focus, marks=marks,
                                   gate_label=self.t("legend_gate"), title=self.t("map"),
                                   key="sheet", building_label=lambda b: building_label(
                                       self.scenario, b, self.lang))
        return f'<div class="map-box"><p>{h(self.t("map"))}</p>{picture}</div>'

    def row(self, where: str, hid: str, idx: tuple[int, ...], planned: float,
            extra: str = "", contacts: bool = False) -> str:
        hh = self.household(hid)
        cells = [
            '<td class="box"><span></span></td>',
            f"<td>{h(where)}</td>",
            f'<td class="home"><b>{h(address(self.scenario, hh, self.lang))}</b></td>',
            f"<td>{self.bags_cell(hid, idx)}</td>",
            f'<td class="due">{h(due(hh, self.lang))}</td>',
            f'<td class="planned">{h(hhmm(planned))}</td>',
            f"<td>{marks_html(self.scenario, hh, self.lang)}{extra}</td>",
        ]
        if contacts:
            cells.append(f"<td>{contact_html(hh, self.redact)}</td>")
        return f'<tr data-household="{h(hid)}">' + "".join(cells) + "</tr>"

    def table_head(self, contacts: bool) -> str:
        cols = ["col_done", "col_floor", "col_home", "col_bags", "col_due", "col_planned",
                "col_marks"] + (["col_contact"] if contacts else [])
        return "<table><thead><tr>" + "".join(f"<th>{h(self.t(c))}</th>" for c in cols) + \
            "</tr></thead><tbody>"

    def stop(self, stop: Stop, n: int) -> list[str]:
        ids = [hid for hid, _ in stop_entries(stop)]
        contacts = _has_contacts(self.scenario, ids, self.redact)
        out = [
            f"<h3>{h(self.t('stop', n=n, **self.place(stop.stairwell)))}</h3>",
            f"<p>{h(self.t('arrive', arrive=hhmm(stop.arrive_s), leave=hhmm(stop.leave_s)))}</p>",
            self.table_head(contacts),
        ]
        for drop in stop.drops:
            out.append(self.row(self.t("entrance"), drop.household, drop.bags,
                                drop.delivered_s, contacts=contacts))
        for relay in stop.relays:
            climber = self.relays.climber_of.get(relay.household)
            note = (self.t("leave_for", climber=climber) if climber is not None
                    else self.t("leave_for_a"))
            out.append(self.row(self.t("buffer"), relay.household, relay.bags,
                                relay.dropped_s, f' <span class="mark">{h(note)}</span>',
                                contacts))
        for run in stop.runs:
            for door in sorted(run.doors, key=lambda d: d.floor):  # climbing order
                out.append(self.row(str(door.floor), door.household, door.bags,
                                    door.delivered_s, contacts=contacts))
        out.append("</tbody></table>")
        return out

    def trip(self, trip: Trip, n: int) -> list[str]:
        bags = trip_bags(self.scenario, trip)
        times = self.t("times", start=hhmm(trip.start_s), depart=hhmm(trip.depart_s),
                       back=hhmm(trip.return_s))
        load = self.t("load", bags=len(bags), kinds=_kinds(bags, self.lang),
                      kg=number(sum(b.weight_kg for b in bags)))
        homes = list(dict.fromkeys(hid for stop in trip.stops
                                   for hid, _ in stop_entries(stop)))
        whom = self.t("sep").join(address(self.scenario, self.household(hid), self.lang)
                                  for hid in homes)
        out = [
            '<section class="work trip">',
            f'<h2>{h(self.t("trip", n=n))}<span class="mode">'
            f'{h(self.t("mode_" + trip.mode))}</span></h2>',
            f"<p>{h(times)}</p>",
            f'<p class="load">☐ {h(load)}</p>',
            f'<p class="whom">{h(self.t("for_whom", whom=whom))}</p>',
        ]
        for k, stop in enumerate(trip.stops, start=1):
            out += self.stop(stop, k)
        out.append("</section>")
        return out

    def climb(self, climb: Climb, n: int) -> list[str]:
        run = climb.run
        ferries = sorted({ferry for door in run.doors
                          for ferry, _, _ in self.relays.arrivals(climb.stairwell,
                                                                  door.household, door.bags)
                          if ferry is not None})
        ids = [d.household for d in run.doors]
        contacts = _has_contacts(self.scenario, ids, self.redact)
        times = self.t("climb_times", arrive=hhmm(climb.arrive_s), walk=round(climb.walk_m),
                       start=hhmm(run.start_s), end=hhmm(run.end_s))
        waiting = self.t("waiting", bags=sum(len(d.bags) for d in run.doors),
                         ferries=self.t("sep").join(ferries) or "-")
        out = [
            '<section class="work climb">',
            f"<h2>{h(self.t('climb', n=n, **self.place(climb.stairwell)))}</h2>",
            f"<p>{h(times)}</p>",
            f"<p>{h(waiting)}</p>",
            self.table_head(contacts),
            *(self.row(str(door.floor), door.household, door.bags, door.delivered_s,
                       contacts=contacts)
              for door in sorted(run.doors, key=lambda d: d.floor)),
            "</tbody></table></section>",
        ]
        return out

    def sheet(self, volunteer_id: str) -> str:
        volunteer, vp = find_volunteer(self.scenario, self.plan, volunteer_id)
        body = [*self.header(volunteer, vp)]
        if not vp.trips and not vp.climbs:
            body.append(f"<p>{h(self.t('no_work'))}</p>")
        else:
            body.append(self.map(volunteer, vp))
        trips = ((trip.start_s, 0, n, trip) for n, trip in enumerate(vp.trips, start=1))
        climbs = ((c.arrive_s, 1, n, c) for n, c in enumerate(vp.climbs, start=1))
        for _, _, n, item in heapq.merge(trips, climbs, key=lambda e: (e[0], e[1])):
            body += self.trip(item, n) if isinstance(item, Trip) else self.climb(item, n)
        title = f"{self.t('sheet_title')} · {volunteer.id}"
        return html_page(self.lang, title, body)


def render_html_sheet(scenario: Scenario, plan: Plan, volunteer_id: str, lang: str = "en",
                      redact: bool = False, contents: Contents | None = None) -> str:
    """The printable route sheet of one volunteer as an HTML page.

    Raises ``ValueError`` for an unknown language or volunteer, or a plan that names
    households, bags or stairwells the scenario does not have.
    """
    text(lang, "none")  # validates the language
    return _SheetWriter(scenario, plan, lang, redact, contents).sheet(volunteer_id)


def html_file_name(volunteer_id: str, lang: str) -> str:
    """``<volunteer id>.<lang>.html``, safe as a file name."""
    return sheet_file_name(volunteer_id, lang).removesuffix(".md") + ".html"


def _index(scenario: Scenario, plan: Plan, lang: str, links: list[tuple[VolunteerPlan, str]],
           redact: bool) -> str:
    t = lambda key, **v: text(lang, key, **v)  # noqa: E731
    rows = []
    for vp, name in links:
        starts = [tr.start_s for tr in vp.trips] + [c.arrive_s for c in vp.climbs]
        ends = [tr.return_s for tr in vp.trips] + [c.run.end_s for c in vp.climbs]
        rows.append(f'<tr><td><a href="{h(name)}">{h(vp.volunteer)}</a></td>'
                    f"<td>{h(group(scenario.volunteer_by_id[vp.volunteer].group, lang))}</td>"
                    f"<td>{len(vp.trips)}</td><td>{len(vp.climbs)}</td>"
                    f"<td>{len(households_of(vp))}</td><td>{hhmm(min(starts))}</td>"
                    f"<td>{hhmm(max(ends))}</td></tr>")
    body = [
        f"<h1>{h(t('index_title', scenario=plan.scenario))}</h1>",
        "<table><thead><tr>" + "".join(
            f"<th>{h(t(c))}</th>" for c in ("col_volunteer", "group", "col_trips",
                                             "col_climbs", "col_households", "col_first",
                                             "col_last")) + "</tr></thead><tbody>",
        *rows,
        "</tbody></table>",
        f"<h2>{h(t('unserved_title'))}</h2>",
        unserved_table(scenario, plan, lang, redact),
    ]
    return html_page(lang, t("index_title", scenario=plan.scenario), body)


def unserved_table(scenario: Scenario, plan: Plan, lang: str, redact: bool) -> str:
    """The households left out, each with its reason (and, in English, the detail)."""
    if not plan.unserved:
        return f"<p>{h(text(lang, 'nobody_unserved'))}</p>"
    cols = ["col_home", "col_priority", "col_due", "col_reason"]
    if lang == "en":
        cols.append("col_detail")  # the planner's detail is English text
    rows = []
    for u in plan.unserved:
        hh = scenario.household_by_id.get(u.household)
        home = address(scenario, hh, lang) if hh is not None else u.household
        contact = contact_html(hh, redact) if hh is not None else ""
        cells = [f'<td data-household="{h(u.household)}">{h(home)} {contact}</td>',
                 f"<td>{h(priority(hh.priority.value, lang) if hh else '-')}</td>",
                 f"<td>{h(due(hh, lang) if hh else '-')}</td>",
                 f'<td class="reason">{h(reason(u.reason.value, lang))}</td>']
        if lang == "en":
            cells.append(f"<td>{h(u.detail)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="unserved"><thead><tr>'
            + "".join(f"<th>{h(text(lang, c))}</th>" for c in cols)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def write_html_sheets(scenario: Scenario, plan: Plan, out_dir: str | Path, lang: str = "en",
                      redact: bool = False, contents: Contents | None = None) -> list[Path]:
    """Write an HTML sheet per volunteer with work, and ``index.<lang>.html``; every file
    atomically. Returns the sheet paths in plan order, then the index."""
    out = Path(out_dir)
    index_name = f"index.{lang}.html"
    used = {index_name.casefold()}
    writer = _SheetWriter(scenario, plan, lang, redact, contents)
    text(lang, "none")
    rendered: list[tuple[Path, str]] = []
    links: list[tuple[VolunteerPlan, str]] = []
    for vp in plan.volunteers:
        if not vp.trips and not vp.climbs:
            continue
        page = writer.sheet(vp.volunteer)
        name = html_file_name(vp.volunteer, lang)
        stem, k = name.removesuffix(f".{lang}.html"), 2
        while name.casefold() in used:
            name, k = f"{stem}-{k}.{lang}.html", k + 1
        used.add(name.casefold())
        rendered.append((out / name, page))
        links.append((vp, name))
    index = _index(scenario, plan, lang, links, redact)
    paths = []
    for path, page in rendered:
        write_atomic(path, page)
        paths.append(path)
    write_atomic(out / index_name, index)
    return [*paths, out / index_name]


#: Names of the Chromium binary, in the order they are looked for on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "headless_shell")


def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) binary on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class PrintError(RuntimeError):
    """Chromium could not print a page to PDF."""


def print_pdf(html_path: str | Path, pdf_path: str | Path, chromium: str | None = None,
              timeout_s: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium (written beside, then renamed)."""
    binary = chromium or find_chromium()
    if binary is None:
        raise PrintError("no chromium binary found: install chromium to print PDF")
    source, target = Path(html_path).resolve(), Path(pdf_path)
    tmp = target.with_name(f".{target.name}.tmp.pdf")
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu",
               "--no-pdf-header-footer", "--print-to-pdf-no-header",
               f"--print-to-pdf={tmp.resolve()}",
               source.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        if done.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
            raise PrintError(f"chromium could not print {source.name} (exit "
                             f"{done.returncode})")
        tmp.replace(target)
    except subprocess.TimeoutExpired:
        raise PrintError(f"chromium took over {timeout_s:g} s to print {source.name}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return target


def print_pdfs(html_paths: Sequence[Path], chromium: str | None = None) -> list[Path]:
    """Print each HTML page to a PDF beside it (``.html`` -> ``.pdf``)."""
    return [print_pdf(p, p.with_suffix(".pdf"), chromium) for p in html_paths]
