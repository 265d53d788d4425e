"""Drawing the compound in SVG: buildings with their stairwells, gates, trips as paths.

Positions are ``x``/``y`` metres, or ``lat``/``lon`` projected locally (metres east and
north of the compound's middle); north is up. Everything is inline SVG text, no scripts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from supplyroute.models import Building, Plan, Position, Scenario, Trip
from supplyroute.reports.words import h

_EARTH_RADIUS_M = 6_371_000.0

#: Colours of volunteers' paths (cycled), readable in print and for most colour vision.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39",
           "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363")


def colour(i: int) -> str:
    """The colour of the i-th volunteer."""
    return PALETTE[i % len(PALETTE)]


class Projection:
    """Scenario positions as metres east (x) and north (y)."""

    def __init__(self, scenario: Scenario) -> None:
        points = [g.position for g in scenario.gates]
        points += [w.entrance for b in scenario.buildings for w in b.stairwells]
        self.geographic = points[0].is_geographic
        if self.geographic:
            self.lat0 = sum(p.lat or 0.0 for p in points) / len(points)
            self.lon0 = sum(p.lon or 0.0 for p in points) / len(points)
            self.north = math.pi / 180 * _EARTH_RADIUS_M
            self.east = self.north * math.cos(math.radians(self.lat0))

    def metres(self, p: Position) -> tuple[float, float]:
        if self.geographic:
            lon = p.lon or 0.0
            if lon - self.lon0 > 180:  # across the 180th meridian
                lon -= 360
            elif lon - self.lon0 < -180:
                lon += 360
            return (lon - self.lon0) * self.east, ((p.lat or 0.0) - self.lat0) * self.north
        return p.x or 0.0, p.y or 0.0


@dataclass
class Canvas:
    """Metres fitted into a ``width`` x ``height`` picture with a margin, north up."""

    points: Sequence[tuple[float, float]]
    width: float
    height: float
    margin: float = 24.0
    scale: float = field(init=False)
    span_y: float = field(init=False)
    x0: float = field(init=False)
    y1: float = field(init=False)

    def __post_init__(self) -> None:
        xs = [x for x, _ in self.points] or [0.0]
        ys = [y for _, y in self.points] or [0.0]
        span_x = max(max(xs) - min(xs), 20.0)
        span_y = self.span_y = max(max(ys) - min(ys), 20.0)
        inner_w, inner_h = self.width - 2 * self.margin, self.height - 2 * self.margin
        self.scale = min(inner_w / span_x, inner_h / span_y)
        # centre the drawing
        self.x0 = (min(xs) + max(xs)) / 2 - inner_w / self.scale / 2
        self.y1 = (min(ys) + max(ys)) / 2 + inner_h / self.scale / 2

    def xy(self, point: tuple[float, float]) -> tuple[float, float]:
        x, y = point
        return (round(self.margin + (x - self.x0) * self.scale, 1),
                round(self.margin + (self.y1 - y) * self.scale, 1))


def trip_points(scenario: Scenario, trip: Trip) -> list[Position]:
    """A trip's way: the gate, each stop's entrance in order, the gate again."""
    gate = scenario.gate_by_id[trip.gate].position
    return [gate, *(scenario.stairwells[s.stairwell].entrance for s in trip.stops), gate]


def _polyline(canvas: Canvas, proj: Projection, points: Iterable[Position]) -> str:
    return " ".join(f"{x},{y}" for x, y in (canvas.xy(proj.metres(p)) for p in points))


@dataclass
class Route:
    """One volunteer's ways on the map: a colour, a label, polylines of positions."""

    label: str
    colour: str
    ways: list[list[Position]]


def compound_svg(scenario: Scenario, routes: Sequence[Route] = (), *, width: float = 800,
                 height: float = 560, focus: Iterable[str] | None = None,
                 marks: Mapping[str, str] | None = None, gate_label: str = "",
                 title: str = "", legend: bool = False, key: str = "map",
                 building_label: Callable[[str], str] | None = None) -> str:
    """The compound drawn in SVG.

    ``focus``: stairwell and gate ids the picture is fitted to (default: the whole
    compound); ``marks``: text drawn beside stairwells (stop numbers); ``routes``: paths
    drawn over it, with a legend below if ``legend``; ``key`` names its clip path;
    ``building_label`` writes a building's name from its id (default: name, else id).
    """
    if building_label is None:
        names = {b.id: b.name or b.id for b in scenario.buildings}
        building_label = names.__getitem__
    proj = Projection(scenario)
    wanted = set(focus) if focus is not None else None
    fit = _focus_points(scenario, proj, wanted)
    legend_rows = math.ceil(len(routes) / 4) if legend and routes else 0
    legend_h = legend_rows * 20 + (8 if legend_rows else 0)
    canvas, height = _fitted_canvas(fit, width, height)
    total_h = height + legend_h
    marked = marks or {}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
           f'viewBox="0 0 {width:g} {total_h:g}" width="{width:g}" height="{total_h:g}" '
           f'font-family="sans-serif">']
    if title:
        out.append(f"<title>{h(title)}</title>")
    out.append(f'<rect x="0" y="0" width="{width:g}" height="{height:g}" fill="#fbfbf8" '
               'stroke="#ccc"/>')
    out.append(f'<clipPath id="clip-{key}"><rect x="0" y="0" width="{width:g}" '
               f'height="{height:g}"/></clipPath><g clip-path="url(#clip-{key})">')
    small = canvas.scale * 4 < 6
    for b in scenario.buildings:
        out += _building_svg(b, canvas, proj, wanted, marked,
                             building_label if not small or wanted is not None else None)
    out += _route_svg(routes, canvas, proj)
    out += _gate_svg(scenario, canvas, proj, gate_label)
    out.append("</g>")
    if legend:
        out += _legend_svg(routes, width, height)
    out.append("</svg>")
    return "".join(out)


def _focus_points(scenario: Scenario, proj: Projection,
                  wanted: set[str] | None) -> list[tuple[float, float]]:
    """The points the picture is fitted to: the wanted gates, and the wanted stairwells'
    entrances with room for their building behind them."""
    fit: list[tuple[float, float]] = []
    for g in scenario.gates:
        if wanted is None or g.id in wanted:
            fit.append(proj.metres(g.position))
    for b in scenario.buildings:
        for w in b.stairwells:
            if wanted is None or w.id in wanted:
                ex, ey = proj.metres(w.entrance)
                fit += [(ex, ey), (ex, ey + 14.0)]  # the building stands behind its doors
    return fit


def _fitted_canvas(fit: Sequence[tuple[float, float]], width: float,
                   height: float) -> tuple[Canvas, float]:
    """The canvas for ``fit`` and the map's height, lowered for a flat compound so that
    no empty band stays above and below."""
    canvas = Canvas(fit, width, height)
    needed = canvas.span_y * canvas.scale + 2 * canvas.margin
    if needed < height - 1:  # a flat compound: no empty band above and below
        height = round(needed)
        canvas = Canvas(fit, width, height)
    return canvas, height


def _building_svg(b: Building, canvas: Canvas, proj: Projection, wanted: set[str] | None,
                  marked: Mapping[str, str],
                  label: Callable[[str], str] | None) -> list[str]:
    """A building as a box around its entrances, set back behind them, labelled unless
    ``label`` is None, with its stairwells as dots and their marks beside them."""
    out: list[str] = []
    pts = [canvas.xy(proj.metres(w.entrance)) for w in b.stairwells]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    pad = max(3.0, 5 * canvas.scale)
    depth = max(6.0, 12 * canvas.scale)
    x, y = min(xs) - pad, min(ys) - depth
    w_, h_ = max(xs) - min(xs) + 2 * pad, max(ys) - min(ys) + depth
    active = wanted is None or any(w.id in wanted for w in b.stairwells)
    fill = "#e4e1d8" if active else "#f0eee8"
    out.append(f'<rect class="building" x="{x:.1f}" y="{y:.1f}" width="{w_:.1f}" '
               f'height="{h_:.1f}" fill="{fill}" stroke="#a09a8a" stroke-width="0.8"/>')
    if label is not None:
        out.append(f'<text x="{x + 2:.1f}" y="{y + 10:.1f}" font-size="9" '
                   f'fill="#555">{h(label(b.id))}</text>')
    for w, (px, py) in zip(b.stairwells, pts, strict=True):
        hot = wanted is None or w.id in wanted
        r = 3.5 if hot else 2
        out.append(f'<circle class="stairwell" cx="{px}" cy="{py}" r="{r}" '
                   f'fill="{"#333" if hot else "#bbb"}"><title>{h(w.id)}</title></circle>')
        if w.id in marked:
            out.append(f'<text x="{px + 4:.1f}" y="{py + 12:.1f}" font-size="12" '
                       f'font-weight="bold" fill="#000">{h(marked[w.id])}</text>')
    return out


def _route_svg(routes: Sequence[Route], canvas: Canvas, proj: Projection) -> list[str]:
    """Each volunteer's ways as polylines in the volunteer's colour."""
    out: list[str] = []
    for i, route in enumerate(routes):
        for way in route.ways:
            out.append(f'<polyline class="trip" data-route="{i}" points="'
                       f'{_polyline(canvas, proj, way)}" fill="none" stroke="{route.colour}" '
                       'stroke-width="2" stroke-opacity="0.75" stroke-linejoin="round"/>')
    return out


def _gate_svg(scenario: Scenario, canvas: Canvas, proj: Projection,
              gate_label: str) -> list[str]:
    """Each gate as a red triangle with its label and id beside it."""
    out: list[str] = []
    for g in scenario.gates:
        gx, gy = canvas.xy(proj.metres(g.position))
        out.append(f'<path class="gate" d="M{gx - 7},{gy + 6} L{gx},{gy - 7} L{gx + 7},{gy + 6} Z" '
                   f'fill="#c00" stroke="#600"><title>{h(g.id)}</title></path>')
        out.append(f'<text x="{gx + 9:.1f}" y="{gy + 4:.1f}" font-size="12" fill="#600" '
                   f'font-weight="bold">{h(gate_label)} {h(g.id)}</text>')
    return out


def _legend_svg(routes: Sequence[Route], width: float, height: float) -> list[str]:
    """The legend below the map: each volunteer's colour and label, four to a row."""
    out: list[str] = []
    for i, route in enumerate(routes):
        lx, ly = 10 + (i % 4) * (width - 20) / 4, height + 16 + (i // 4) * 20
        out.append(f'<line x1="{lx:.1f}" y1="{ly - 4:.1f}" x2="{lx + 22:.1f}" y2="{ly - 4:.1f}" '
                   f'stroke="{route.colour}" stroke-width="4"/>')
        out.append(f'<text x="{lx + 28:.1f}" y="{ly:.1f}" font-size="12">'
                   f'{h(route.label)}</text>')
    return out


def plan_routes(scenario: Scenario, plan: Plan) -> list[Route]:
    """Every volunteer with trips, in plan order, with its colour and trips' ways."""
    routes = []
    for i, vp in enumerate(plan.volunteers):
        ways = [trip_points(scenario, trip) for trip in vp.trips]
        ways += [[scenario.stairwells[c.stairwell].entrance] * 2 for c in vp.climbs]
        if ways:
            routes.append(Route(vp.volunteer, colour(i), ways))
    return routes
