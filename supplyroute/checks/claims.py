"""Verifying what a plan claims to prove: its lower bound and its optimality.

The round checker (:mod:`supplyroute.checks.round`) recomputes what a plan *does* from the
scenario; this module recomputes what a plan *proves*. A bound is an argument, so it is
checked by making the argument again (the same work LP, single-parcel and release-pool
arguments, over the households the bound says it covers) and refusing a stated bound
above it. Optimality is checked by an exhaustive search of the checker's own where it
can run. Both are the checker's own (:mod:`.bound`, :mod:`.optimality`), from the
scenario and the checkers' physics, never the planner's code: a slip in the planner's
arithmetic cannot vouch for itself. A coordinator who is handed a file can then trust
its "within 3% of the best possible" as much as its timetable.
"""

from __future__ import annotations

from supplyroute.checks.bound import ArguedBound, Grounds, carry_bound, relay_bound
from supplyroute.checks.optimality import optimal_makespan_s, reaches, servable
from supplyroute.checks.replan import replan_bound
from supplyroute.checks.round_rules import RoundRule
from supplyroute.checks.violations import Violation
from supplyroute.models import Plan, Scenario

#: A stated bound may exceed the recomputed one by rounding only (plans floor it to
#: 0.01 s) and by the linear program's own tolerance.
BOUND_TOLERANCE_S = 0.05
BOUND_RELATIVE_TOLERANCE = 1e-6
#: The exhaustive search's reach, as the planner runs it by default.
EXACT_MAX_HOUSEHOLDS = 10
EXACT_MAX_VOLUNTEERS = 3
#: Above this many households the work LP is not solved again (it may take a minute):
#: only a bound stated by the cheap arguments is recomputed; a work-LP bound is then
#: reported as not verified rather than refused.
RECOMPUTE_LP_MAX_HOUSEHOLDS = 6000


def verify_claims(scenario: Scenario, plan: Plan, original: Plan | None = None
                  ) -> tuple[list[Violation], list[str]]:
    """The claims of ``plan`` that the arguments do not support, and notes on what
    could not be verified (too large to recompute). Assumes ``plan`` is for
    ``scenario`` (see :func:`supplyroute.checks.round.check`). A replan's bound is
    argued again from the plan it replans (``original``); without it, it is refused."""
    sm = plan.summary
    out: list[Violation] = []
    notes: list[str] = []
    if plan.scenario != scenario.name or not plan.deliveries:
        return out, notes
    if plan.replan is not None:
        if original is None:
            return [Violation(RoundRule.REPLAN, "replan",
                              "a replan's bound and figures can be verified only against the "
                              "plan it replans: pass --original ORIGINAL")], notes
        return _replan_claims(scenario, plan, original), notes
    grounds: Grounds | None = None
    relay = sm.mode == "relay" or sm.mode_makespans_s is not None
    with_lp = sm.bound not in ("none", "single-parcel", "release-pool", "empty")
    large = len(scenario.households) > RECOMPUTE_LP_MAX_HOUSEHOLDS
    if with_lp and large:
        notes.append(f"the {sm.bound} bound was not recomputed: more than "
                     f"{RECOMPUTE_LP_MAX_HOUSEHOLDS} households")
    else:
        grounds = Grounds(scenario)
        bound = _bound(grounds, plan, relay, with_lp)
        allowed = bound.value_s * (1 + BOUND_RELATIVE_TOLERANCE) + BOUND_TOLERANCE_S
        if sm.lower_bound_s > allowed:
            out.append(Violation(
                RoundRule.CLAIM, "summary.lower_bound_s",
                f"stated {sm.lower_bound_s} s; the {bound.kind} argument over the "
                f"{sm.bound_covers} households gives {bound.value_s:.2f} s"))
        else:  # a bound the arguments give: its label names one that gives it
            out += _label(sm.bound, sm.lower_bound_s, bound, relay)
    if sm.proven_optimal and not relay and sm.method == "optimized":
        out += _optimality(grounds or Grounds(scenario), plan)
    return out, notes


def _allowed(value_s: float) -> float:
    return value_s * (1 + BOUND_RELATIVE_TOLERANCE) + BOUND_TOLERANCE_S


def _label(kind: str, stated_s: float, bound: ArguedBound, relay: bool,
           path: str = "summary.bound") -> list[Violation]:
    """The bound's label names an argument of the mode's, and that argument alone
    gives the stated bound ("none": no argument, a bound of 0; "empty": nobody to
    serve)."""
    lp = "relay-work-lp" if relay else "work-lp"
    alone = {lp: bound.work_lp_s, "single-parcel": bound.single_parcel_s,
             "release-pool": bound.release_pool_s,
             "none": 0.0 if bound.kind != "empty" else -1.0,
             "empty": 0.0 if bound.kind == "empty" else -1.0}
    if kind not in alone:
        return [Violation(RoundRule.CLAIM, path,
                          f"{kind!r} is no argument of a {'relay' if relay else 'carry'} "
                          f"bound (one of {sorted(alone)})")]
    if alone[kind] < 0 or stated_s > _allowed(alone[kind]):
        return [Violation(RoundRule.CLAIM, path,
                          f"the {kind} argument gives {max(alone[kind], 0.0):.2f} s, not the "
                          f"stated {stated_s} s (the checker's strongest: {bound.kind}, "
                          f"{bound.value_s:.2f} s)")]
    return []


def _replan_claims(scenario: Scenario, plan: Plan, original: Plan) -> list[Violation]:
    """A replan's bound argued again: its last kept hand-over, or the rest of the day
    (what the kept trips leave, from when each volunteer is free) argued as a carry
    round; its label names which."""
    sm = plan.summary
    argued = replan_bound(scenario, original, plan)
    if argued is None:
        return []  # not a replan of this original: check_replan says so
    kept_s, offset_s, rest = argued
    value_s = max(kept_s, offset_s + rest.value_s if rest is not None else 0.0)
    out = []
    if sm.lower_bound_s > _allowed(value_s):
        out.append(Violation(RoundRule.CLAIM, "summary.lower_bound_s",
                             f"stated {sm.lower_bound_s} s; the replan's arguments (its "
                             f"last kept hand-over, the rest of the day) give {value_s:.2f} s"))
    prefix, suffix = "replan: ", " of the rest"
    if out:
        return out  # above every argument: which one it names does not matter
    if sm.bound == "replan: kept hand-overs":
        if sm.lower_bound_s > _allowed(kept_s):
            out.append(Violation(RoundRule.CLAIM, "summary.bound",
                                 f"the last kept hand-over gives {kept_s:.2f} s, not the "
                                 f"stated {sm.lower_bound_s} s"))
    elif sm.bound.startswith(prefix) and sm.bound.endswith(suffix) and rest is not None:
        out += _label(sm.bound[len(prefix):-len(suffix)], sm.lower_bound_s - offset_s, rest,
                      False)
    else:
        out.append(Violation(RoundRule.CLAIM, "summary.bound",
                             f"{sm.bound!r} is no argument of a replan's bound ('replan: "
                             "kept hand-overs' or 'replan: ARGUMENT of the rest')"))
    return out


def _bound(grounds: Grounds, plan: Plan, relay: bool, with_lp: bool) -> ArguedBound:
    """The bound argued again over the households the plan's bound covers: the relay
    bound over every household some plan may serve; the carry bound over those or,
    with ``bound_covers == "served"``, over those the plan serves."""
    if relay:
        return relay_bound(grounds.scenario, grounds)
    served = None
    if plan.summary.bound_covers == "served":
        served = {d.household for d in plan.deliveries}
    return carry_bound(grounds.scenario, served, with_lp=with_lp, grounds=grounds)


def _optimality(grounds: Grounds, plan: Plan) -> list[Violation]:
    """Search every plan again: a claimed optimum must be the least makespan."""
    sm = plan.summary
    scenario = grounds.scenario
    if not reaches(scenario, EXACT_MAX_HOUSEHOLDS, EXACT_MAX_VOLUNTEERS, grounds):
        return [Violation(
            RoundRule.CLAIM, "summary.proven_optimal",
            f"claimed, but exhaustive search does not reach a round of "
            f"{len(servable(grounds))} households and {len(scenario.volunteers)} volunteers "
            f"(at most {EXACT_MAX_HOUSEHOLDS} and {EXACT_MAX_VOLUNTEERS})")]
    best_s = optimal_makespan_s(scenario, grounds)
    if best_s is None:
        return [Violation(RoundRule.CLAIM, "summary.proven_optimal",
                          "claimed, but exhaustive search finds no plan serving everyone")]
    if sm.makespan_s > best_s + 0.5:
        return [Violation(RoundRule.CLAIM, "summary.proven_optimal",
                          f"claimed for {sm.makespan_s} s, but exhaustive search finds a "
                          f"plan of {best_s:.2f} s")]
    return []
