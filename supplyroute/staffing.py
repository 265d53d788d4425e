"""How many volunteers a round needs: ``staff(scenario, finish_by_s) -> StaffingAnswer``.

The coordinator's question before the day: the fewest volunteers (how many with carts,
in which zones) that serve every household by a given clock time.

The scenario's volunteers are the roster. A team of ``k`` is drawn from it by
:func:`team`: every zone group (volunteers with the same zone) first gets as many as it
needs so that each household its group may serve keeps an eligible volunteer (a
volunteer with skill ``ppe`` for red homes, say), then each further volunteer goes to
the group with the most work per volunteer; within a group in roster order. Past a
group's roster its volunteers are cloned (ids ``G1-01+1``). The team of ``k + 1`` is
the team of ``k`` and one more, so the proven lower bound
(:func:`supplyroute.bounds.carry.lower_bound`) never rises with ``k``:

- ``lower``: the smallest ``k`` whose team's bound fits before ``finish_by`` (found
  by bisection). No team of fewer drawn this way can finish in time: the bound of
  ``lower - 1`` proves it.
- ``enough``: the smallest ``k`` found whose plan serves every household by
  ``finish_by`` with no violation (plans at ``lower``, then ``lower + 1, + 2, + 4``,
  ..., then bisection back down).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from supplyroute.bounds.carry import lower_bound
from supplyroute.bounds.team import TeamBound, team_bound
from supplyroute.checks import check
from supplyroute.clock import hhmm
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Cart, Plan, Scenario, Volunteer
from supplyroute.planner import PlanOptions, plan

#: A cart for a volunteer when the roster has none to copy: 8 bags, 80 kg.
DEFAULT_CART = Cart(capacity_bags=8, capacity_kg=80.0)
#: The search never goes above this many times the roster (or half the households,
#: if more): beyond it, the answer is that no team can.
CAP_PER_ROSTER = 4


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ZoneCount(_Model):
    """How many of the team work in one zone group, and how many of them with carts."""

    zone: str  #: the group's name, its buildings, or "anywhere" (no zone).
    buildings: tuple[str, ...] | None  #: the zone's buildings; null: anywhere.
    volunteers: int
    carts: int


class Attempt(_Model):
    """One team size tried: its bound, and its plan if one was made."""

    volunteers: int
    round_start_s: float  #: the team's earliest shift start (its makespan counts from it).
    #: The team's proven lower bound on the makespan (s); null if some household has
    #: no eligible volunteer in the team.
    lower_bound_s: float | None
    bound_fits: bool  #: the team's round start + bound is no later than finish-by.
    planned: bool = False
    makespan_s: float | None = None
    last_delivery_s: float | None = None
    households_served: int | None = None
    households_unserved: int | None = None
    violations: int | None = None
    fits: bool = False  #: the plan serves everyone by finish-by with no violation.


class StaffingAnswer(_Model):
    """The fewest volunteers that serve every household by ``finish_by_s``."""

    format: Literal["supplyroute.staffing"] = "supplyroute.staffing"
    version: Literal[1] = 1
    scenario: str
    finish_by_s: float  #: last hand-over by then (seconds since midnight).
    round_start_s: float  #: the earliest shift start of the roster.
    roster: int  #: volunteers in the scenario.
    households: int
    #: No team of fewer volunteers drawn from the roster this way (each zone group
    #: filled by its work, in roster order) can finish in time: the bound proves it for
    #: those teams, not for every other split between zones or choice of who has carts.
    lower: int | None
    #: No team of fewer, however drawn (any of the roster's kinds of volunteer, cloned
    #: at will, with at most the carts allowed), can: the team LP of
    #: :mod:`supplyroute.bounds.team`. None if no team of any size can.
    fewest_any: int | None = None
    fewest_any_lp: float | None = None  #: the team LP's fractional optimum.
    #: The bound (s) of a team of ``lower - 1``: above ``finish_by_s`` minus that team's
    #: round start (``attempts``; the roster's in all but odd rosters); null if ``lower``
    #: is 1 or that team leaves households without an eligible volunteer.
    below_lower_bound_s: float | None
    below_lower_reason: str | None  #: why ``lower - 1`` cannot, in words.
    lower_bound_s: float | None  #: the bound (s) of a team of ``lower``.
    enough: int | None  #: a plan with this many serves everyone by finish-by.
    gap: int | None  #: enough - lower: how far the answer may be from the fewest.
    carts: int | None  #: volunteers of the ``enough`` team with a cart.
    cloned: int | None  #: of them, clones of roster volunteers (above the roster).
    zones: tuple[ZoneCount, ...] = ()
    volunteer_ids: tuple[str, ...] = ()  #: the ``enough`` team.
    makespan_s: float | None  #: the plan's makespan (from the round start).
    last_delivery_s: float | None  #: the plan's last hand-over (seconds since midnight).
    reason: str | None = None  #: why no team was found, when none was.
    attempts: tuple[Attempt, ...] = ()
    time_limit_s: float
    deterministic: bool
    plan: Plan | None = Field(default=None, description="the plan of the enough team")
    team: Scenario | None = Field(
        default=None, description="the scenario with the enough team as its volunteers "
        "(the plan's scenario: check the plan against it)")


def _first_passing(failing: int, passing: int, test: Callable[[int], bool]) -> int:
    """Bisection: the smallest size in (failing, passing] that passes ``test``, given
    that ``passing`` does, ``failing`` does not, and more volunteers never hurt."""
    while passing - failing > 1:
        mid = (failing + passing) // 2
        if test(mid):
            passing = mid
        else:
            failing = mid
    return passing


def _any_team(scenario: Scenario, finish_by_s: float, carts: int | None) -> TeamBound:
    """The team LP's bound over every team with at most ``carts`` carts (None: as many
    as wanted, as clones of the roster's cart volunteers bring theirs). A team may take
    a cart volunteer without the cart (``--carts``), so each gets a twin by hand."""
    twins = tuple(v.model_copy(update={"id": f"{v.id}~hands", "cart": None})
                  for v in scenario.volunteers if v.cart is not None)
    ctx = PreparedCompound(scenario.with_changes(volunteers=(*scenario.volunteers, *twins)))
    return team_bound(ctx.demand, ctx.travel, ctx.servable, ctx.eligible, finish_by_s,
                      carts)


@dataclass
class ZoneGroup:
    """Volunteers of the roster who share a zone, in the order a team takes them."""

    key: tuple[str, ...] | None
    label: str
    members: list[int]  #: roster indices, coverage first, then roster order.
    needed: int  #: the first this many keep every household of the group servable.
    work: float  #: the group's share of the round's work (s, by its first volunteer).


def _label(vol: Volunteer) -> str:
    if vol.zone is None:
        return "anywhere"
    return vol.group or ",".join(vol.zone)


def zone_groups(scenario: Scenario, ctx: PreparedCompound | None = None) -> list[ZoneGroup]:
    """The roster by zone, each group ordered so that its first volunteers can serve
    every household the whole group may (skills such as ``ppe``), then roster order;
    with each group's work: its households' linear work by its first volunteer, a
    household that several groups may serve shared evenly among them."""
    ctx = ctx or PreparedCompound(scenario)
    by_zone: dict[tuple[str, ...] | None, list[int]] = {}
    for v, vol in enumerate(scenario.volunteers):
        key = None if vol.zone is None else tuple(sorted(vol.zone))
        by_zone.setdefault(key, []).append(v)
    serves: dict[int, set[int]] = {v: set() for v in range(len(scenario.volunteers))}
    for i, vs in ctx.eligible.items():
        for v in vs:
            serves[v].add(i)
    groups = []
    for key, members in by_zone.items():
        target = set().union(*(serves[v] for v in members))
        ordered: list[int] = []
        covered: set[int] = set()
        rest = list(members)
        while covered != target:
            v = next(v for v in rest if serves[v] - covered)
            ordered.append(v)
            rest.remove(v)
            covered |= serves[v]
        groups.append(ZoneGroup(key, _label(scenario.volunteers[members[0]]),
                                ordered + [v for v in members if v not in ordered],
                                len(ordered), 0.0))
    group_of = {v: g for g, grp in enumerate(groups) for v in grp.members}
    for q in ctx.demand.parcels:
        mine = {group_of[v] for v in ctx.eligible[q.index]}
        for g in mine:
            groups[g].work += ctx.parcel_cost(groups[g].members[0], q) / len(mine)
    return groups


def _grow(groups: list[ZoneGroup], counts: list[int], n: int) -> list[int]:
    """``n`` more volunteers, one at a time, each to the group with the most work per
    volunteer (the earlier group on ties). Returns the groups in order."""
    counts = list(counts)
    added = []
    for _ in range(n):
        g = max(range(len(groups)), key=lambda g: (groups[g].work / (counts[g] + 1), -g))
        counts[g] += 1
        added.append(g)
    return added


def _member(scenario: Scenario, group: ZoneGroup, position: int, taken: set[str]) -> Volunteer:
    """The group's ``position``-th volunteer: from the roster, or a clone past it."""
    vol = scenario.volunteers[group.members[position % len(group.members)]]
    copy = position // len(group.members)
    if copy == 0:
        return vol
    while f"{vol.id}+{copy}" in taken:
        copy += 1
    return vol.model_copy(update={"id": f"{vol.id}+{copy}"})


def roster_cart(scenario: Scenario, vol: Volunteer) -> Cart:
    """A cart for a volunteer: that of the first volunteer with one in its zone, else
    the first on the roster, else :data:`DEFAULT_CART`."""
    carts = [v.cart for v in scenario.volunteers if v.cart is not None]
    same = [v.cart for v in scenario.volunteers if v.cart is not None and v.zone == vol.zone]
    return (same or carts or [DEFAULT_CART])[0]


def team(scenario: Scenario, k: int, carts: int | None = None,
         groups: list[ZoneGroup] | None = None) -> list[Volunteer]:
    """The first ``k`` volunteers drawn from the roster (module docstring), in the
    order they join. With ``carts``, the first ``carts`` of them have a cart (their
    own or a copy of the roster's) and the others none."""
    groups = groups if groups is not None else zone_groups(scenario)
    order: list[int] = []
    for g, grp in enumerate(groups):
        order += [g] * grp.needed
    counts = [grp.needed for grp in groups]
    if k > len(order):
        order += _grow(groups, counts, k - len(order))
    order = order[:k]
    taken = {v.id for v in scenario.volunteers}
    position = [0] * len(groups)
    out = []
    for g in order:
        vol = _member(scenario, groups[g], position[g], taken)
        position[g] += 1
        taken.add(vol.id)
        if carts is not None:
            want = len(out) < carts
            if want and vol.cart is None:
                vol = vol.model_copy(update={"cart": roster_cart(scenario, vol)})
            elif not want and vol.cart is not None:
                vol = vol.model_copy(update={"cart": None})
        out.append(vol)
    return out


def clones(scenario: Scenario, n: int,
           groups: list[ZoneGroup] | None = None) -> list[Volunteer]:
    """``n`` more volunteers for the roster, cloned from it: each to the zone group with
    the most work per volunteer, cloning the group's volunteers in turn."""
    groups = groups if groups is not None else zone_groups(scenario)
    position = [len(grp.members) for grp in groups]
    taken = {v.id for v in scenario.volunteers}
    out = []
    for g in _grow(groups, position, n):
        vol = _member(scenario, groups[g], position[g], taken)
        position[g] += 1
        taken.add(vol.id)
        out.append(vol)
    return out


def with_volunteers(scenario: Scenario, volunteers: list[Volunteer]) -> Scenario:
    """The scenario with another roster, validated again (a roster that cannot carry
    some household's bags, or lacks a skill a household needs, is refused)."""
    data = scenario.model_dump(mode="json", exclude={"volunteers"})
    data["volunteers"] = [v.model_dump(mode="json") for v in volunteers]
    return Scenario.model_validate(data)


@dataclass(frozen=True)
class Step:
    """A progress report of the staffing search."""

    stage: str  #: "bound" or "plan".
    volunteers: int
    detail: str

    def __str__(self) -> str:
        return f"{self.stage} with {self.volunteers} volunteers: {self.detail}"


def _bound(scenario: Scenario, members: list[Volunteer]
           ) -> tuple[float, float | None, str]:
    """The team's round start and proven bound (s), or None and why no plan can serve
    everyone."""
    start = min(v.shift.start for v in members)
    try:
        s = with_volunteers(scenario, members)
    except InputError as exc:
        return start, None, f"the team cannot serve every household ({exc.first.reason})"
    ctx = PreparedCompound(s)
    servable = ctx.servable
    if len(servable) < len(ctx.demand.parcels):
        left = next(q for q in ctx.demand.parcels if not ctx.eligible[q.index])
        more = len(ctx.demand.parcels) - len(servable) - 1
        return start, None, (f"household {left.id} (and {more} more) would have no "
                             "eligible volunteer")
    bound = lower_bound(ctx.demand, ctx.travel, servable, ctx.eligible)
    return start, bound.value_s, f"bound {bound.value_s / 60:.1f} min ({bound.kind})"


def staff(scenario: Scenario, finish_by_s: float, carts: int | None = None,
          options: PlanOptions | None = None,
          progress: Callable[[Step], None] | None = None,
          max_volunteers: int | None = None) -> StaffingAnswer:
    """The fewest volunteers that serve every household by ``finish_by_s`` (seconds
    since midnight), with at most ``carts`` carts (default: as on the roster); each
    plan with ``options`` (its time limit per plan)."""
    options = options or PlanOptions()
    if carts is not None and carts < 0:
        raise InputError(InputIssue("carts", "must be 0 or more"))
    start = min(v.shift.start for v in scenario.volunteers)
    if finish_by_s <= start:
        raise InputError(InputIssue("finish_by", f"{hhmm(finish_by_s)} is not after the "
                                    f"round starts ({hhmm(start)})"))
    groups = zone_groups(scenario)
    cap = max_volunteers or max(CAP_PER_ROSTER * len(scenario.volunteers),
                                math.ceil(len(scenario.households) / 2))
    search = _TeamSearch(scenario, finish_by_s, carts, options, progress, groups,
                         _any_team(scenario, finish_by_s, carts), start)
    if not search.fits_bound(cap):
        return search.answer(reason=f"even {cap} volunteers cannot finish by "
                             f"{hhmm(finish_by_s)} ({search.reasons[cap]}; "
                             f"{search.available(cap)})")
    lower, found = search.lower_end(cap)
    good = search.fewest_in_time(lower, cap)
    if good is None:
        return search.answer(**found, reason=f"no plan with up to {cap} volunteers serves "
                             f"every household by {hhmm(finish_by_s)}")
    members = team(scenario, good, carts, groups)
    made, chosen = search.best_plan[good]
    return search.answer(
        **found, enough=good, gap=good - lower,
        carts=sum(v.cart is not None for v in members),
        cloned=sum(v.id not in scenario.volunteer_by_id for v in members),
        zones=_zone_counts(members), volunteer_ids=tuple(v.id for v in members),
        makespan_s=made.summary.makespan_s, last_delivery_s=made.summary.last_delivery_s,
        plan=made, team=chosen)


class _TeamSearch:
    """The staffing search's state: each team size tried so far, with its proven bound
    (and why), its plan's outcome, and the plans that were in time."""

    def __init__(self, scenario: Scenario, finish_by_s: float, carts: int | None,
                 options: PlanOptions, progress: Callable[[Step], None] | None,
                 groups: list[ZoneGroup], any_team: TeamBound, start: float) -> None:
        self.scenario, self.finish_by_s, self.carts = scenario, finish_by_s, carts
        self.options, self.progress, self.groups = options, progress, groups
        self.any_team, self.start = any_team, start
        self.attempts: dict[int, Attempt] = {}
        self.reasons: dict[int, str] = {}
        self.best_plan: dict[int, tuple[Plan, Scenario]] = {}

    def available(self, k: int) -> str:
        """The minutes a team of ``k`` has between its round start and the finish."""
        return f"{(self.finish_by_s - self.attempts[k].round_start_s) / 60:.1f} min available"

    def tell(self, stage: str, k: int, detail: str) -> None:
        """Report a step of the search to the caller, if it listens."""
        if self.progress is not None:
            self.progress(Step(stage, k, detail))

    def bound_of(self, k: int) -> float | None:
        """The proven bound of the team of ``k`` (rounded down), worked out once."""
        attempts, finish_by_s = self.attempts, self.finish_by_s
        if k not in attempts:
            members = team(self.scenario, k, self.carts, self.groups)
            begins, value, why = _bound(self.scenario, members)
            fits = value is not None and begins + value <= finish_by_s
            attempts[k] = Attempt(volunteers=k, round_start_s=begins,
                                  lower_bound_s=_down(value), bound_fits=fits)
            self.reasons[k] = why
            late = value is not None and not fits
            self.tell("bound", k,
                      why + (f": cannot finish by {hhmm(finish_by_s)}" if late else ""))
        return attempts[k].lower_bound_s

    def fits_bound(self, k: int) -> bool:
        """Whether the bound of the team of ``k`` lets it finish in time."""
        self.bound_of(k)
        return self.attempts[k].bound_fits

    def plan_of(self, k: int) -> bool:
        """Whether the plan of the team of ``k`` serves every household in time with no
        violation; planned once, kept if it is."""
        self.bound_of(k)
        attempts = self.attempts
        if attempts[k].planned:
            return attempts[k].fits
        s = with_volunteers(self.scenario, team(self.scenario, k, self.carts, self.groups))
        made = plan(s, replace(self.options, progress=None))
        violations = len(check(s, made))
        sm = made.summary
        ok = (sm.households_unserved == 0 and violations == 0
              and sm.last_delivery_s <= self.finish_by_s + 1e-6)
        attempts[k] = attempts[k].model_copy(update={
            "planned": True, "makespan_s": sm.makespan_s,
            "last_delivery_s": sm.last_delivery_s, "households_served": sm.households_served,
            "households_unserved": sm.households_unserved, "violations": violations,
            "fits": ok})
        if ok:
            self.best_plan[k] = made, s
        self.tell("plan", k, f"makespan {sm.makespan_s / 60:.1f} min, last bag at "
                  f"{hhmm(sm.last_delivery_s)}, {sm.households_unserved} unserved, "
                  f"{violations} violations: " + ("in time" if ok else "not in time"))
        return ok

    def lower_end(self, cap: int) -> tuple[int, dict[str, object]]:
        """The fewest volunteers whose bound fits (by bisection up to ``cap``), and the
        answer's fields for it: its bound, and the bound and reason that rule out one fewer."""
        attempts, reasons = self.attempts, self.reasons
        lower = _first_passing(0, cap, self.fits_bound)  # no team of 0 fits
        below = attempts[lower - 1].lower_bound_s if lower > 1 else None
        below_reason = (reasons[lower - 1] + f" > {self.available(lower - 1)}"
                        if lower > 1 and below is not None else
                        reasons.get(lower - 1, "no team of 0 serves anyone"))
        return lower, {"lower": lower, "below_lower_bound_s": below,
                       "below_lower_reason": below_reason,
                       "lower_bound_s": attempts[lower].lower_bound_s}

    def fewest_in_time(self, lower: int, cap: int) -> int | None:
        """The fewest volunteers found whose plan is in time, or None if no team up to
        ``cap`` is: plans at ``lower``, then lower + 1, + 2, + 4, ... until one is in
        time, then bisection between the last size that was not and the one that was."""
        failed, step, k = lower - 1, 1, lower
        while not self.plan_of(k):
            failed = k
            if k >= cap:
                return None
            k = min(cap, lower + step)
            step *= 2
        return _first_passing(failed, k, self.plan_of)

    def answer(self, **fields: object) -> StaffingAnswer:
        """The staffing answer with ``fields`` over the defaults, and every attempt made
        in order of team size."""
        scenario, options, any_team = self.scenario, self.options, self.any_team
        base: dict[str, object] = dict(
            fewest_any=any_team.volunteers,
            fewest_any_lp=None if any_team.value is None else round(any_team.value, 3),
            scenario=scenario.name, finish_by_s=self.finish_by_s, round_start_s=self.start,
            roster=len(scenario.volunteers), households=len(scenario.households),
            lower=None, below_lower_bound_s=None, below_lower_reason=None,
            lower_bound_s=None, enough=None, gap=None, carts=None, cloned=None,
            makespan_s=None, last_delivery_s=None,
            time_limit_s=options.time_limit_s, deterministic=options.deterministic)
        base.update(fields)
        base["attempts"] = tuple(self.attempts[k] for k in sorted(self.attempts))
        return StaffingAnswer.model_validate(base)


def _down(value: float | None) -> float | None:
    """A bound rounded down to 0.01 s (a bound stays a bound)."""
    return None if value is None else math.floor(value * 100) / 100


def _zone_counts(members: list[Volunteer]) -> tuple[ZoneCount, ...]:
    counts: dict[str, list[int]] = {}
    zones: dict[str, tuple[str, ...] | None] = {}
    for v in members:
        label = _label(v)
        zones.setdefault(label, None if v.zone is None else tuple(v.zone))
        c = counts.setdefault(label, [0, 0])
        c[0] += 1
        c[1] += v.cart is not None
    return tuple(ZoneCount(zone=label, buildings=zones[label], volunteers=n, carts=c)
                 for label, (n, c) in counts.items())
