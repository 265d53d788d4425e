"""``check_replan(original, replanned)``: what a replan had to keep of the plan it
replans.

At the replan's time the day is under way: every trip started before then has
volunteers on the stairs and bags at doors. A coordinator trusts a replan only if
those trips, and their hand-overs, are in it as they were.
"""

from __future__ import annotations

import math

from supplyroute.checks.round_rules import RoundRule
from supplyroute.checks.violations import Violation
from supplyroute.models import Plan
from supplyroute.models.digest import plan_sha256


def check_replan(original: Plan, replanned: Plan) -> list[Violation]:
    """Every way a replan changes what it had to keep of ``original``: each trip that
    started before the replan's time, as it was (a trip cut short when its volunteer
    left: its first stops as they were, no others), and each hand-over on them."""
    out: list[Violation] = []
    info = replanned.replan
    if info is None:
        return [Violation(RoundRule.LOCKED, "replan", "the plan is not a replan")]
    if info.original_sha256 != plan_sha256(original):
        return [Violation(RoundRule.LOCKED, "replan.original_sha256",
                          "the replan is of another plan (or of another version of it)")]
    new = {vp.volunteer: (v_i, vp) for v_i, vp in enumerate(replanned.volunteers)}
    cut = {(c.volunteer, c.trip): c.stops_kept for c in info.cut_trips}
    kept: set[tuple[str, int]] = set()
    for vp in original.volunteers:
        until = min(info.at_s, info.left.get(vp.volunteer, math.inf))
        for t_i, trip in enumerate(vp.trips):
            if trip.start_s >= until:
                break
            kept.add((vp.volunteer, t_i))
            v_i, now = new.get(vp.volunteer, (None, None))
            where = f"volunteers[{v_i}].trips[{t_i}]"
            if (vp.volunteer, t_i) in cut:
                stops = cut[vp.volunteer, t_i]
                if stops == 0:
                    kept.discard((vp.volunteer, t_i))
                    continue  # still loading when the volunteer left: not made
                same = now is not None and t_i < len(now.trips) and \
                    now.trips[t_i].stops == trip.stops[:stops]
            else:
                same = now is not None and t_i < len(now.trips) and now.trips[t_i] == trip
            if not same:
                out.append(Violation(RoundRule.LOCKED, where if now else "volunteers",
                                     f"volunteer {vp.volunteer!r}'s trip {t_i}, started at "
                                     f"{trip.start_s} s before the replan, is not kept as "
                                     "it was"))
    ledger = {d.household: d for d in replanned.deliveries}
    for d in original.deliveries:
        if (d.volunteer, d.trip) not in kept or d.trip is None:
            continue
        stops = cut.get((d.volunteer, d.trip))
        if stops is not None and not any(
                d.household in {x.household for x in st.drops}
                | {x.household for r in st.runs for x in r.doors}
                for st in original.volunteers[[vp.volunteer for vp in original.volunteers]
                                              .index(d.volunteer)].trips[d.trip].stops[:stops]):
            continue  # on a stop the volunteer did not reach: back at the gate
        now = ledger.get(d.household)
        if now is None or (now.volunteer, now.trip, now.delivered_s) != (
                d.volunteer, d.trip, d.delivered_s):
            out.append(Violation(RoundRule.LOCKED, "deliveries",
                                 f"household {d.household!r}, handed over by "
                                 f"{d.volunteer!r} at {d.delivered_s} s on a kept trip, is "
                                 "not in the replan's ledger as it was"))
    return out
