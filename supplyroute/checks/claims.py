"""Verifying what a plan claims to prove: its lower bound and its optimality.

The round checker (:mod:`supplyroute.checks.round`) recomputes what a plan *does* from the
scenario; this module recomputes what a plan *proves*. A bound is an argument, so it is
checked by making the argument again (the same work LP, single-parcel and release-pool
arguments, over the households the bound says it covers) and refusing a stated bound
above it. Optimality is checked by running the exhaustive search again where it can
run. A coordinator who is handed a file can then trust its "within 3% of the best
possible" as much as its timetable.
"""

from __future__ import annotations

from supplyroute.bounds.carry import lower_bound
from supplyroute.bounds.relay import relay_lower_bound
from supplyroute.checks.round_rules import RoundRule
from supplyroute.checks.violations import Violation
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.models import Plan, Scenario
from supplyroute.rounds import exact
from supplyroute.rounds.budget import Budget

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


def verify_claims(scenario: Scenario, plan: Plan) -> tuple[list[Violation], list[str]]:
    """The claims of ``plan`` that the arguments do not support, and notes on what
    could not be verified (too large to recompute). Assumes ``plan`` is for
    ``scenario`` (see :func:`supplyroute.checks.round.check`)."""
    sm = plan.summary
    out: list[Violation] = []
    notes: list[str] = []
    if plan.scenario != scenario.name or not plan.deliveries:
        return out, notes
    if plan.replan is not None:
        notes.append("a replan's bound (the rest of the day after the trips it kept) is "
                     "not recomputed here; 'check --original' checks what it kept")
        return out, notes
    ctx = PreparedCompound(scenario)
    relay = sm.mode == "relay" or sm.mode_makespans_s is not None
    with_lp = sm.bound not in ("none", "single-parcel", "release-pool", "empty")
    large = len(ctx.demand.parcels) > RECOMPUTE_LP_MAX_HOUSEHOLDS
    if with_lp and large:
        notes.append(f"the {sm.bound} bound was not recomputed: more than "
                     f"{RECOMPUTE_LP_MAX_HOUSEHOLDS} households")
    else:
        served = {d.household for d in plan.deliveries}
        if relay:
            bound = relay_lower_bound(ctx.demand, ctx.travel)
        else:
            parcels = ctx.servable
            if sm.bound_covers == "served":
                parcels = [q for q in parcels if q.id in served]
            bound = lower_bound(ctx.demand, ctx.travel, parcels, ctx.eligible,
                                with_lp=with_lp)
        allowed = bound.value_s * (1 + BOUND_RELATIVE_TOLERANCE) + BOUND_TOLERANCE_S
        if sm.lower_bound_s > allowed:
            out.append(Violation(
                RoundRule.CLAIM, "summary.lower_bound_s",
                f"stated {sm.lower_bound_s} s; the {bound.kind} argument over the "
                f"{sm.bound_covers} households gives {bound.value_s:.2f} s"))
    if sm.proven_optimal and not relay and sm.method == "optimized":
        out += _optimality(ctx, plan)
    return out, notes


def _optimality(ctx: PreparedCompound, plan: Plan) -> list[Violation]:
    """Run the exhaustive search again: a claimed optimum must be its makespan."""
    sm = plan.summary
    if not exact.applies(ctx, EXACT_MAX_HOUSEHOLDS, EXACT_MAX_VOLUNTEERS):
        return [Violation(
            RoundRule.CLAIM, "summary.proven_optimal",
            f"claimed, but exhaustive search does not reach a round of "
            f"{len(ctx.servable)} households and {len(ctx.volunteers)} volunteers "
            f"(at most {EXACT_MAX_HOUSEHOLDS} and {EXACT_MAX_VOLUNTEERS})")]
    result = exact.solve(ctx, Budget(60.0, deterministic=True))
    if result is None:
        return [Violation(RoundRule.CLAIM, "summary.proven_optimal",
                          "claimed, but exhaustive search finds no plan serving everyone")]
    best_s = result.last_delivery_s - ctx.demand.round_start_s
    if sm.makespan_s > best_s + 0.5:
        return [Violation(RoundRule.CLAIM, "summary.proven_optimal",
                          f"claimed for {sm.makespan_s} s, but exhaustive search finds a "
                          f"plan of {best_s:.2f} s")]
    return []
