"""What-ifs: ``compare(scenario, variations) -> Comparison``.

Plans the scenario and variants of it side by side, so that a coordinator sees what
each constraint costs in minutes: zones, carts, volunteers, releases at the gate,
shifts. Every plan is checked by :func:`supplyroute.checks.check`; each row gives the
makespan and the proven lower bound, and their difference from the base scenario's.

Variation specs (one per variant)::

    zones=off            every volunteer's zone (and group) removed: groups help each other
    carts=+N | carts=-N  N more volunteers get a cart (a copy of the roster's, else
                         8 bags / 80 kg), or the last N with one lose it
    volunteers=+N | -N   N volunteers cloned (to the zones with the most work per
                         volunteer), or the last N of the roster dropped
    releases=off         every gate release at the round start (everything on hand)
    releases=+HH:MM | -HH:MM   every release moved later / earlier by that much
    shifts=HH:MM-HH:MM   every volunteer's shift set to that
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from supplyroute.checks import check
from supplyroute.clock import hhmm
from supplyroute.errors import InputError
from supplyroute.models import Plan, Scenario
from supplyroute.models.base import parse_time
from supplyroute.planner import PlanOptions, plan
from supplyroute.staffing import clones, roster_cart, with_volunteers

Kind = Literal["zones", "carts", "volunteers", "releases", "shifts"]
KINDS: tuple[str, ...] = ("zones", "carts", "volunteers", "releases", "shifts")


class VariationError(ValueError):
    """A variation spec that is not understood, or a variant that is not a valid
    scenario (the reason says which)."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Variation(_Model):
    """One change to the scenario, as parsed from a spec such as ``carts=+2``."""

    spec: str  #: the spec as given.
    kind: Kind
    off: bool = False  #: zones=off, releases=off.
    count: int | None = None  #: carts, volunteers: how many more (negative: fewer).
    shift_s: float | None = None  #: releases: seconds later (negative: earlier).
    start_s: float | None = None  #: shifts: the new start (seconds since midnight).
    end_s: float | None = None  #: shifts: the new end.


class Row(_Model):
    """One plan of the comparison: the base scenario or a variant."""

    variant: str  #: "base", or the variation spec.
    volunteers: int
    carts: int
    makespan_s: float
    lower_bound_s: float
    gap: float | None
    bound_covers: str  #: "servable" or "served" (a plan that leaves households out).
    households_served: int
    households_unserved: int
    round_start_s: float  #: the earliest shift start (the makespan counts from it).
    last_delivery_s: float  #: the last hand-over (seconds since midnight).
    violations: int  #: what the checker found (0 for a sound plan).
    makespan_delta_min: float | None  #: against the base; null on the base row.
    bound_delta_min: float | None  #: against the base; null on the base row.


class Comparison(_Model):
    """Plans of a scenario and its variants, side by side."""

    format: Literal["supplyroute.comparison"] = "supplyroute.comparison"
    version: Literal[1] = 1
    scenario: str
    mode: str  #: the planning mode (carry, relay, auto).
    time_limit_s: float  #: per plan.
    deterministic: bool
    rows: tuple[Row, ...]  #: the base scenario first, then the variants in order.


_SIGNED = re.compile(r"^([+-])(\d+)$")
_SIGNED_TIME = re.compile(r"^([+-])(\d{1,2}:\d{2}(?::\d{2})?)$")


def parse_variation(spec: str) -> Variation:
    """The variation of a spec; :class:`VariationError` if it is not understood."""
    text = spec.strip()
    kind, sep, value = text.partition("=")
    kind, value = kind.strip(), value.strip()
    if not sep or kind not in KINDS:
        raise VariationError(f"{spec!r}: give one of {', '.join(KINDS)} as KIND=VALUE, "
                             "e.g. zones=off, carts=+2, releases=-00:30")
    if kind == "zones":
        if value != "off":
            raise VariationError(f"{spec!r}: zones takes only 'off'")
        return Variation(spec=text, kind="zones", off=True)
    if kind in ("carts", "volunteers"):
        match = _SIGNED.match(value)
        if not match or int(match.group(2)) == 0:
            raise VariationError(f"{spec!r}: give +N or -N, N at least 1 (e.g. {kind}=+2)")
        count = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
        return Variation(spec=text, kind=kind, count=count)  # type: ignore[arg-type]
    if kind == "releases":
        if value == "off":
            return Variation(spec=text, kind="releases", off=True)
        match = _SIGNED_TIME.match(value)
        if not match:
            raise VariationError(f"{spec!r}: give off, +HH:MM or -HH:MM")
        seconds = _time(spec, match.group(2))
        return Variation(spec=text, kind="releases",
                         shift_s=seconds if match.group(1) == "+" else -seconds)
    start, dash, end = value.partition("-")
    if not dash:
        raise VariationError(f"{spec!r}: give the shift as HH:MM-HH:MM")
    start_s, end_s = _time(spec, start.strip()), _time(spec, end.strip())
    if end_s <= start_s:
        raise VariationError(f"{spec!r}: the shift must end after it starts")
    return Variation(spec=text, kind="shifts", start_s=start_s, end_s=end_s)


def _time(spec: str, text: str) -> float:
    try:
        value = parse_time(text)
    except ValueError as exc:
        raise VariationError(f"{spec!r}: {exc}") from None
    if not isinstance(value, int):
        raise VariationError(f"{spec!r}: {text!r} is not HH:MM")
    return float(value)


def vary(scenario: Scenario, variation: Variation) -> Scenario:
    """The scenario with the variation applied, validated again
    (:class:`VariationError` if the variant is not a valid scenario)."""
    data: dict[str, Any] = scenario.model_dump(mode="json")
    volunteers = list(scenario.volunteers)
    v = variation
    if v.kind == "zones":
        volunteers = [vol.model_copy(update={"zone": None, "group": None})
                      for vol in volunteers]
    elif v.kind == "carts" and v.count is not None:
        if v.count > 0:
            without = [i for i, vol in enumerate(volunteers) if vol.cart is None]
            if len(without) < v.count:
                raise VariationError(f"{v.spec!r}: only {len(without)} volunteers have no cart")
            for i in without[:v.count]:
                volunteers[i] = volunteers[i].model_copy(
                    update={"cart": roster_cart(scenario, volunteers[i])})
        else:
            with_cart = [i for i, vol in enumerate(volunteers) if vol.cart is not None]
            if len(with_cart) < -v.count:
                raise VariationError(f"{v.spec!r}: only {len(with_cart)} volunteers have a cart")
            for i in with_cart[len(with_cart) + v.count:]:
                volunteers[i] = volunteers[i].model_copy(update={"cart": None})
    elif v.kind == "volunteers" and v.count is not None:
        if v.count > 0:
            volunteers += clones(scenario, v.count)
        elif -v.count >= len(volunteers):
            raise VariationError(f"{v.spec!r}: the roster has only {len(volunteers)} "
                                 "volunteers; at least one must stay")
        else:
            volunteers = volunteers[:v.count]
    elif v.kind == "shifts":
        volunteers = [vol.model_copy(update={"shift": vol.shift.model_copy(
            update={"start": v.start_s, "end": v.end_s})}) for vol in volunteers]
    elif v.kind == "releases":
        start = min(vol.shift.start for vol in scenario.volunteers)
        for gate in data["gates"]:
            for release in gate.get("releases", []):
                if v.off:
                    release["at"] = start
                else:
                    release["at"] = max(0.0, release["at"] + (v.shift_s or 0.0))
    if v.kind != "releases":
        try:
            return with_volunteers(scenario, volunteers)
        except InputError as exc:
            raise VariationError(f"{v.spec!r}: the variant is not a valid scenario: "
                                 f"{exc.first}") from None
    try:
        return Scenario.model_validate(data)
    except (InputError, ValueError) as exc:
        first = exc.first if isinstance(exc, InputError) else exc
        raise VariationError(f"{v.spec!r}: the variant is not a valid scenario: "
                             f"{first}") from None


def _row(label: str, scenario: Scenario, made: Plan, base: Row | None) -> Row:
    s = made.summary
    return Row(
        variant=label,
        volunteers=len(scenario.volunteers),
        carts=sum(v.cart is not None for v in scenario.volunteers),
        makespan_s=s.makespan_s,
        lower_bound_s=s.lower_bound_s,
        gap=s.gap,
        bound_covers=s.bound_covers,
        households_served=s.households_served,
        households_unserved=s.households_unserved,
        round_start_s=s.round_start_s,
        last_delivery_s=s.last_delivery_s,
        violations=len(check(scenario, made)),
        makespan_delta_min=None if base is None
        else round((s.makespan_s - base.makespan_s) / 60, 2),
        bound_delta_min=None if base is None
        else round((s.lower_bound_s - base.lower_bound_s) / 60, 2),
    )


def compare(scenario: Scenario, variations: list[Variation],
            options: PlanOptions | None = None,
            progress: Callable[[str], None] | None = None) -> Comparison:
    """Plan the scenario and each variant with ``options`` (its time limit per plan)
    and set them side by side. Every variant is built before any plan is made, so
    that a variant that is not a valid scenario fails at once."""
    options = options or PlanOptions()
    variants = [(v.spec, vary(scenario, v)) for v in variations]
    rows: list[Row] = []
    for label, s in [("base", scenario), *variants]:
        if progress is not None:
            progress(f"planning {label} ({len(s.volunteers)} volunteers, "
                     f"{options.time_limit_s:g} s)")
        made = plan(s, replace(options, progress=None))
        row = _row(label, s, made, rows[0] if rows else None)
        rows.append(row)
        if progress is not None:
            progress(f"{label}: makespan {row.makespan_s / 60:.1f} min, bound "
                     f"{row.lower_bound_s / 60:.1f} min, {row.households_unserved} "
                     f"unserved, {row.violations} violations")
    return Comparison(scenario=scenario.name, mode=options.mode,
                      time_limit_s=options.time_limit_s,
                      deterministic=options.deterministic, rows=tuple(rows))


def table(comparison: Comparison) -> list[str]:
    """The comparison as lines of a fixed-width table (minutes; makespans count from
    each row's round start, the earliest shift start)."""
    head = (f"{'variant':<22} {'vol':>4} {'carts':>5} {'makespan':>9} {'Δ':>7} "
            f"{'bound':>7} {'Δ':>7} {'gap':>7} {'last bag':>8} {'served':>7} "
            f"{'unserved':>8} {'viol':>4}")
    lines = [head]
    for r in comparison.rows:
        gap = "n/a" if r.gap is None else f"{r.gap:.1%}"
        dm = "" if r.makespan_delta_min is None else f"{r.makespan_delta_min:+.1f}"
        db = "" if r.bound_delta_min is None else f"{r.bound_delta_min:+.1f}"
        lines.append(f"{r.variant:<22} {r.volunteers:>4} {r.carts:>5} "
                     f"{r.makespan_s / 60:>8.1f}m {dm:>7} {r.lower_bound_s / 60:>6.1f}m "
                     f"{db:>7} {gap:>7} {hhmm(r.last_delivery_s):>8} {r.households_served:>7} "
                     f"{r.households_unserved:>8} {r.violations:>4}")
    return lines
