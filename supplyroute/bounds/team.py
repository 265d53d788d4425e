r"""The fewest volunteers any team needs to serve every household by a clock time.

A coordinator asking "how many volunteers do I need to finish by 10:00?" needs a "no
fewer can" that holds for *every* team, not only for the teams some rule draws from
the roster. Let the roster's kinds of volunteer (alike in all but id: gate, shift,
cart, capacities, speeds, skills, zone) be cloned at will. In any plan that serves
every household by ``finish_by``, each volunteer's work up to its last hand-over is at
least its households' linear shares (trip shares, climbs, hand-overs, entrance drops:
the work LP of :mod:`supplyroute.bounds.carry`) less one last descent and walk back
(the saving), and it fits between the later of its shift start and its gate's first
bags, and the earlier of ``finish_by`` and its shift end. With ``n_k`` volunteers of
kind ``k`` those rows sum to

    sum_p x_kp w_k(p) - sum_p y_kp s_k(p) <= n_k * available_k,   sum_p y_kp <= n_k,

with ``sum_k x_kp = 1`` for every household and ``x_kp = 0`` where zone, skills,
capacity forbid it or where even a trip for that household alone cannot hand it over
by ``finish_by``. So the LP minimum of ``sum_k n_k`` is at most the size of any team
that can, and its ceiling is a lower bound on the team size. With ``carts`` given, at
most that many of the team have carts (kinds with a cart summed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from supplyroute.bounds.carry import share_modes, units_of
from supplyroute.bounds.lp import LPError, minimise_team
from supplyroute.bounds.service import first_bags_s
from supplyroute.compound.costs import alike, parcel_cost, solo_delivery_s, walk_back_s
from supplyroute.compound.demand import Demand, Parcel
from supplyroute.compound.travel import Travel

#: The LP's optimum is rounded up after allowing this much for its tolerances.
LP_SLACK = 1e-6


@dataclass(frozen=True)
class TeamBound:
    """No team of fewer than ``volunteers`` can serve every household by the time;
    ``by_kind`` is the LP's team (fractional), by each kind's first roster volunteer.
    ``volunteers`` is None when no team of any size can (a household nobody reaches
    in time)."""

    volunteers: int | None
    value: float | None
    by_kind: dict[str, float]


def team_bound(demand: Demand, travel: Travel, parcels: list[Parcel],
               eligible: dict[int, list[int]], finish_by_s: float,
               carts: int | None = None) -> TeamBound:
    """The fewest volunteers any team (the roster's kinds, cloned at will) needs to
    serve ``parcels`` by ``finish_by_s``."""
    s = demand.scenario
    if not parcels:
        return TeamBound(0, 0.0, {})
    kind = alike(s)
    kinds = sorted(set(kind.values()))
    first = {g.id: first_bags_s(demand, g.id) for g in s.gates}
    available: dict[int, float] = {}
    begins: dict[int, float] = {}
    for k in kinds:
        vol = s.volunteers[k]
        if first[vol.gate] is None:
            continue
        begins[k] = max(vol.shift.start, first[vol.gate] or 0.0)
        available[k] = max(0.0, min(finish_by_s, vol.shift.end) - begins[k])
    by_bags, by_hand = share_modes(s, parcels)
    use_kg = not all(all(b) for b in by_bags) or not all(by_hand)
    reps = {i: sorted({kind[v] for v in vs} & set(available)) for i, vs in eligible.items()}
    units = units_of(parcels, reps, use_kg)
    costs: list[dict[int, float]] = []
    savings: list[dict[int, float]] = []
    for unit in units:
        q = max(unit, key=lambda p: p.floor if p.door else 0)
        row: dict[int, float] = {}
        save: dict[int, float] = {}
        for k in reps[unit[0].index]:
            latest = min(finish_by_s, s.volunteers[k].shift.end)
            if begins[k] + max(solo_delivery_s(demand, travel, k, p) for p in unit) > latest:
                continue  # even alone, this kind cannot hand it over in time
            row[k] = sum(parcel_cost(demand, travel, k, p, by_bags[k], by_hand[k])
                         for p in unit) / len(unit)
            down = travel.stairs[q.stairwell].down_s(q.floor) if q.door else 0.0
            save[k] = down + walk_back_s(demand, travel, k, q)
        if not row:
            return TeamBound(None, None, {})
        costs.append(row)
        savings.append(save)
    cart_kinds = {k for k in kinds if s.volunteers[k].cart is not None}
    try:
        value, team = minimise_team([len(u) for u in units], costs, savings, available,
                                    cart_kinds, carts)
    except LPError:
        return TeamBound(None, None, {})
    fewest = max(1, math.ceil(value * (1 - LP_SLACK) - LP_SLACK))
    return TeamBound(fewest, value, {s.volunteers[k].id: round(n, 3)
                                     for k, n in team.items() if n > 1e-9})
