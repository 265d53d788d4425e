"""The plan report: one self-contained HTML page for the coordinator's desk.

The compound drawn with each volunteer's trips as coloured paths, a timeline per
volunteer (trips as bars from loading to return, climbs lighter, urgent and vulnerable
hand-overs marked), when the urgent and vulnerable households are served, the households
left unserved with the reason, and the summary: makespan, bound, gap. Inline CSS and
SVG only: no scripts, nothing fetched from the network. The module never prints.
"""

from __future__ import annotations

import math
from pathlib import Path

from supplyroute.clock import hhmm
from supplyroute.io import write_atomic
from supplyroute.models import Plan, Priority, Scenario
from supplyroute.reports import svg
from supplyroute.reports.html_sheets import contact_html, html_page, unserved_table
from supplyroute.reports.words import (
    address,
    building_label,
    due,
    duration,
    h,
    method,
    priority,
    text,
)

REPORT_CSS = """
@page { size: A4 landscape; margin: 10mm; }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei",
  "PingFang SC", sans-serif; font-size: 12pt; line-height: 1.35; color: #111;
  margin: 0 auto; max-width: 1200px; padding: 12px; background: #fff; }
h1 { font-size: 20pt; margin: 0 0 4pt; }
h2 { font-size: 15pt; margin: 16pt 0 6pt; border-bottom: 1px solid #999; }
table { border-collapse: collapse; margin: 4pt 0 8pt; }
th, td { border: 1px solid #aaa; padding: 2pt 6pt; text-align: left; vertical-align: top; }
th { background: #eee; }
table.summary th { background: #f6f6f6; font-weight: normal; }
table.summary td { font-weight: bold; }
svg { max-width: 100%; height: auto; }
.urgent { color: #b00; font-weight: bold; }
.vulnerable { color: #6a2c91; font-weight: bold; }
.late { color: #b00; }
"""


def _summary(plan: Plan, lang: str) -> str:
    s = plan.summary
    t = lambda key, **v: text(lang, key, **v)  # noqa: E731
    gap = "-" if s.gap is None else f"{s.gap * 100:.1f}%"
    if s.proven_optimal:
        gap += f" ({t('proven')})"
    rows = [
        ("makespan", duration(s.makespan_s, lang)),
        ("bound", duration(s.lower_bound_s, lang)),
        ("gap", gap),
        ("round", f"{hhmm(s.round_start_s)}-{hhmm(s.last_delivery_s)}"),
        ("served", str(s.households_served)),
        ("unserved_n", str(s.households_unserved)),
        ("bags_delivered", str(s.bags_delivered)),
        ("trips", str(s.trips)),
        ("walk", t("metres", m=f"{s.walk_m:,.0f}")),
        ("floors", str(s.floors_climbed)),
        ("urgent_by", hhmm(s.urgent_served_by_s) if s.urgent_served_by_s is not None
         else "-"),
        ("vulnerable_by", hhmm(s.vulnerable_served_by_s)
         if s.vulnerable_served_by_s is not None else "-"),
        ("deadlines", f"{s.deadlines_met} / {s.deadlines_total}"),
    ]
    return ('<table class="summary"><tbody>'
            + "".join(f'<tr><th>{h(t(k))}</th><td id="summary-{k}">{h(v)}</td></tr>'
                      for k, v in rows)
            + "</tbody></table>")


def timeline_svg(scenario: Scenario, plan: Plan, lang: str, width: float = 1100) -> str:
    """One row per volunteer with work: trips as bars from loading to return (the
    volunteer's colour), climbs lighter, hour ticks, urgent (red) and vulnerable
    (purple) hand-overs as dots."""
    rows = [(i, vp) for i, vp in enumerate(plan.volunteers) if vp.trips or vp.climbs]
    spans = [(tr.start_s, tr.return_s) for _, vp in rows for tr in vp.trips]
    spans += [(c.arrive_s - c.walk_m / 1.2, c.run.end_s) for _, vp in rows for c in vp.climbs]
    start = min([plan.summary.round_start_s, *(a for a, _ in spans)])
    end = max([plan.summary.last_delivery_s, start + 3600, *(b for _, b in spans)])
    first_hour, last_hour = math.floor(start / 3600), math.ceil(end / 3600)
    left, right, top, row_h = 110.0, 16.0, 28.0, 20.0
    scale = (width - left - right) / ((last_hour - first_hour) * 3600)
    height = top + row_h * len(rows) + 12

    def x(t: float) -> float:
        return round(left + (t - first_hour * 3600) * scale, 1)

    priorities = {hh.id: hh.priority for hh in scenario.households}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
           f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
           f'font-family="sans-serif" font-size="11"><title>{h(text(lang, "timeline"))}</title>']
    for hour in range(first_hour, last_hour + 1):
        hx = x(hour * 3600)
        out.append(f'<line x1="{hx}" y1="{top - 6}" x2="{hx}" y2="{height - 8}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{hx}" y="{top - 10}" text-anchor="middle">'
                   f"{h(hhmm(hour * 3600))}</text>")
    for r, (i, vp) in enumerate(rows):
        y = top + r * row_h
        col = svg.colour(i)
        out.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{h(vp.volunteer)}</text>')
        for n, tr in enumerate(vp.trips, start=1):
            out.append(f'<rect class="trip-bar" x="{x(tr.start_s)}" y="{y + 3}" '
                       f'width="{max(1.0, x(tr.return_s) - x(tr.start_s)):.1f}" height="14" '
                       f'fill="{col}" stroke="#fff" stroke-width="0.5">'
                       f'<title>{h(vp.volunteer)} #{n}: {hhmm(tr.start_s)}-{hhmm(tr.return_s)}'
                       "</title></rect>")
        for n, c in enumerate(vp.climbs, start=1):
            out.append(f'<rect class="climb-bar" x="{x(c.arrive_s)}" y="{y + 3}" '
                       f'width="{max(1.0, x(c.run.end_s) - x(c.arrive_s)):.1f}" height="14" '
                       f'fill="{col}" fill-opacity="0.45" stroke="{col}">'
                       f"<title>{h(vp.volunteer)} +{n}: {hhmm(c.arrive_s)}-"
                       f"{hhmm(c.run.end_s)}</title></rect>")
    row_of = {vp.volunteer: r for r, (_, vp) in enumerate(rows)}
    for d in plan.deliveries:
        p = priorities.get(d.household)
        if p not in (Priority.URGENT, Priority.VULNERABLE) or d.volunteer not in row_of:
            continue
        fill = "#b00" if p is Priority.URGENT else "#6a2c91"
        y = top + row_of[d.volunteer] * row_h + 10
        out.append(f'<circle cx="{x(d.delivered_s)}" cy="{y}" r="3" fill="{fill}" '
                   f'stroke="#fff" stroke-width="0.8"><title>{h(d.household)} '
                   f"{hhmm(d.delivered_s)}</title></circle>")
    out.append("</svg>")
    return "".join(out)


def _priority_table(scenario: Scenario, plan: Plan, lang: str, redact: bool) -> str:
    served = {d.household: d for d in plan.deliveries}
    homes = [hh for hh in scenario.households
             if hh.priority in (Priority.URGENT, Priority.VULNERABLE)]
    if not homes:
        return f"<p>{h(text(lang, 'no_priority'))}</p>"
    homes.sort(key=lambda hh: (hh.priority is not Priority.URGENT,
                               served[hh.id].delivered_s if hh.id in served else math.inf))
    rows = []
    for hh in homes:
        d = served.get(hh.id)
        latest = hh.latest_s
        late = d is not None and latest is not None and d.delivered_s > latest + 1e-6
        met = "-" if latest is None or d is None else text(lang, "no" if late else "yes")
        rows.append(
            f'<tr data-household="{h(hh.id)}"><td>{h(address(scenario, hh, lang))} '
            f"{contact_html(hh, redact)}</td>"
            f'<td class="{hh.priority.value}">{h(priority(hh.priority.value, lang))}</td>'
            f"<td>{h(due(hh, lang))}</td>"
            f"<td>{h(hhmm(d.delivered_s)) if d else '-'}</td>"
            f"<td>{h(d.volunteer) if d else '-'}</td>"
            f'<td class="{"late" if late else ""}">{h(met)}</td></tr>')
    cols = ("col_home", "col_priority", "col_due", "col_served", "col_by", "col_met")
    return ("<table><thead><tr>" + "".join(f"<th>{h(text(lang, c))}</th>" for c in cols)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render_report(scenario: Scenario, plan: Plan, lang: str = "en",
                  redact: bool = False) -> str:
    """The plan report as one self-contained HTML page."""
    t = lambda key, **v: text(lang, key, **v)  # noqa: E731
    routes = svg.plan_routes(scenario, plan)
    mode = t(f"mode_{plan.summary.mode}")
    body = [
        f"<h1>{h(t('report_title', scenario=plan.scenario))}</h1>",
        f"<p>{h(t('generated', method=method(plan.summary.method, lang), mode=mode))}</p>",
        f"<h2>{h(t('summary'))}</h2>",
        _summary(plan, lang),
        f"<h2>{h(t('compound'))}</h2>",
        svg.compound_svg(scenario, routes, width=1100, height=700,
                         gate_label=t("legend_gate"), title=t("compound"), legend=True,
                         key="report",
                         building_label=lambda b: building_label(scenario, b, lang)),
        f"<h2>{h(t('timeline'))}</h2>",
        timeline_svg(scenario, plan, lang),
        f"<h2>{h(t('priority_title'))}</h2>",
        _priority_table(scenario, plan, lang, redact),
        f"<h2>{h(t('unserved_title'))}</h2>",
        unserved_table(scenario, plan, lang, redact),
    ]
    return html_page(lang, t("report_title", scenario=plan.scenario), body, REPORT_CSS)


def write_report(scenario: Scenario, plan: Plan, path: str | Path, lang: str = "en",
                 redact: bool = False) -> Path:
    """Write the report atomically; returns its path."""
    page = render_report(scenario, plan, lang, redact)
    write_atomic(path, page)
    return Path(path)
