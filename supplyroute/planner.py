"""``plan(scenario, options) -> Plan``: the library's front door.

Prepares the compound once (travel, demand, eligibility), computes the lower bound of
the kind of round asked for, lets the round planner that applies
(:func:`supplyroute.rounds.choose`) plan it, and assembles the plan with its summary, a
ledger line per served household and a reason per unserved one. ``mode="auto"``
plans both kinds of round on the same prepared compound and keeps the better.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from supplyroute.bounds.carry import Bound, lower_bound
from supplyroute.bounds.relay import RelayEligibility, relay_eligibility, relay_lower_bound
from supplyroute.bounds.service import ServiceBound, service_bound
from supplyroute.compound.prepared import PreparedCompound
from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Plan, Scenario, UnservedReason
from supplyroute.rounds import Budget, Progress, RoundRequest, choose
from supplyroute.rounds.assemble import assemble
from supplyroute.rounds.interface import VULNERABLE_PREFERENCE, Method, RoundMode

log = logging.getLogger("supplyroute.planner")

METHODS: tuple[str, ...] = ("optimized", "manual")
Mode = Literal["carry", "relay", "auto"]
MODES: tuple[str, ...] = ("carry", "relay", "auto")
#: With ``mode="auto"``, the share of the time limit the carry plan gets; the relay
#: plan, which has two kinds of work to synchronise, gets the rest.
AUTO_CARRY_SHARE = 0.4
#: The by-hand method computes the work LP for its bound only up to this many
#: households: it needs none to plan, and on a large compound the LP would take more
#: time than the plan (the cheap bounds are reported instead).
MANUAL_LP_MAX_HOUSEHOLDS = 5000
#: Plans run up to this much longer than the makespan bound; if even that fits every
#: shift, the service LP is skipped (a quick test that spares it on open shifts).
SHIFT_MARGIN = 1.25


@dataclass(frozen=True)
class PlanOptions:
    """How to plan.

    ``deterministic`` makes every search stop on iteration counts, never on the clock,
    so the same scenario gives the same plan byte for byte (``solve_s`` is then null).
    """

    method: Method = "optimized"
    #: "carry": whoever brings the bags takes them up; "relay": ferries bring them to
    #: the entrances and climbers take them up; "auto": both, the better kept.
    mode: Mode = "carry"
    time_limit_s: float = 30.0
    deterministic: bool = False
    #: How much longer (a share of the makespan) the round may be so that the urgent
    #: and vulnerable households are served sooner (0: shortest makespan only).
    vulnerable_preference: float = VULNERABLE_PREFERENCE
    exact_max_households: int = 10  #: exhaustive search up to this many households...
    exact_max_volunteers: int = 3  #: ...and this many volunteers.
    progress: Callable[[Progress], None] | None = None
    #: asked during the search; True ends it with the best plan so far, marked
    #: ``interrupted`` (the CLI's Ctrl-C).
    stop: Callable[[], bool] | None = None
    #: The share of the search's rounds to make (1: all): a quicker plan, also in
    #: deterministic mode, where the rounds and not the clock end the search.
    effort: float = 1.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method {self.method!r} not understood; use one of {METHODS}")
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r} not understood; use one of {MODES}")
        if self.method == "manual" and self.mode != "carry":
            raise ValueError("the by-hand method plans carry rounds only")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be positive")
        if not 0 < self.effort <= 1:
            raise ValueError("effort must be a share above 0 and at most 1")
        if not 0 <= self.vulnerable_preference <= 1:
            raise ValueError("vulnerable_preference must be a share from 0 to 1")


def plan(scenario: Scenario, options: PlanOptions | None = None) -> Plan:
    """Plan a doorstep round for ``scenario``."""
    options = options or PlanOptions()
    if options.mode == "relay" and not scenario.relay:
        raise InputError([InputIssue("relay", "the scenario forbids relays (bags may not "
                                     "wait at the doors): plan it with mode 'carry'")])
    compound = PreparedCompound(scenario)
    if options.mode == "auto" and scenario.relay:
        built = _plan_auto(compound, options)
    elif options.mode == "relay":
        built = _plan_relay(compound, options)[0]
    else:
        built = _plan_carry(compound, options)
    if options.stop is not None and options.stop():
        built = built.model_copy(update={"summary": built.summary.model_copy(
            update={"interrupted": True, "proven_optimal": False})})
    return built


def _budget(options: PlanOptions) -> Budget:
    return Budget(options.time_limit_s, options.deterministic, report=options.progress,
                  stop=options.stop, effort=options.effort)


def _request(compound: PreparedCompound, options: PlanOptions, budget: Budget, bound: Bound,
             service: ServiceBound | None = None,
             relay: RelayEligibility | None = None) -> RoundRequest:
    """What the round planner is asked: the options a planner reads, and the mode's
    service bound (carry) or relay eligibility (relay)."""
    return RoundRequest(compound, budget, bound, method=options.method,
                        vulnerable_preference=options.vulnerable_preference,
                        exact_max_households=options.exact_max_households,
                        exact_max_volunteers=options.exact_max_volunteers,
                        service=service, relay=relay)


def _solve_s(options: PlanOptions, started: float) -> float | None:
    return None if options.deterministic else round(time.monotonic() - started, 3)


def _plan_carry(compound: PreparedCompound, options: PlanOptions) -> Plan:
    started = time.monotonic()
    budget = _budget(options)
    servable = compound.servable
    # By hand needs no linear program: on a large compound only the cheap arguments.
    with_lp = options.method != "manual" or len(servable) <= MANUAL_LP_MAX_HOUSEHOLDS
    bound = lower_bound(compound.demand, compound.travel, servable, compound.eligible,
                        with_lp=with_lp)
    budget.tell("lower bound", lower_bound_s=bound.value_s)
    service = None
    if with_lp and _may_overrun_shifts(compound, bound):
        service = service_bound(compound.demand, compound.travel, servable, compound.eligible)
        log.info("at most %d of %d households can be served within the shifts",
                 service.households, service.servable)
    request = _request(compound, options, budget, bound, service=service)
    result = choose("carry", request).solve(request)
    if service is None and with_lp and any(
            u.reason is UnservedReason.NO_VOLUNTEER_TIME for u in result.unserved):
        # Left out for lack of time after all: say how many any plan could serve.
        service = service_bound(compound.demand, compound.travel, servable, compound.eligible)
    built = assemble(compound, result, bound, options.method, _solve_s(options, started),
                     service=service)
    budget.tell("done", built.summary.makespan_s, built.summary.lower_bound_s)
    return built


def _may_overrun_shifts(compound: PreparedCompound, bound: Bound) -> bool:
    """Whether a plan near the makespan bound may run past a shift's end, so that the
    service bound may be below everyone."""
    ends = [v.shift.end for v in compound.volunteers]
    return bool(ends) and (compound.demand.round_start_s + SHIFT_MARGIN * bound.value_s
                           > min(ends))


def _plan_relay(compound: PreparedCompound, options: PlanOptions) -> tuple[Plan, set[str]]:
    """The relay plan, and the households some carry or relay plan could serve (the
    ones the relay bound covers)."""
    started = time.monotonic()
    budget = _budget(options)
    eligible = relay_eligibility(compound.demand)
    bound = relay_lower_bound(compound.demand, compound.travel, eligible=eligible)
    budget.tell("relay lower bound", lower_bound_s=bound.value_s)
    mode: RoundMode = "relay"
    request = _request(compound, options, budget, bound, relay=eligible)
    result = choose(mode, request).solve(request)
    built = assemble(compound, result, bound, options.method, _solve_s(options, started),
                     mode=mode, servable=eligible.servable)
    budget.tell("done", built.summary.makespan_s, bound.value_s)
    return built, {q.id for q in compound.demand.parcels if eligible.servable(q)}


def _in_relay_terms(carried: Plan, relayed: Plan, servable: set[str]) -> tuple:
    """The carry plan's households left out, with the reasons an auto plan gives: one
    only a relay could serve was not left out for want of an eligible volunteer, but
    for what kept the relay plan from serving it."""
    relay_reason = {u.household: u for u in relayed.unserved}
    return tuple(
        relay_reason.get(u.household, u.model_copy(update={
            "reason": UnservedReason.NO_VOLUNTEER_TIME,
            "detail": "only a ferry and a climber may serve it, and the relay plan, "
                      "which served it, was not kept"}))
        if u.reason is UnservedReason.NO_ELIGIBLE_VOLUNTEER and u.household in servable
        else u for u in carried.unserved)


def _plan_auto(compound: PreparedCompound, options: PlanOptions) -> Plan:
    """Both modes on the same prepared compound, each with its share of the time
    limit; the better plan (fewer households left out, then the shorter makespan) is
    kept, measured against the relay bound (a carry plan is a relay plan without
    relays)."""
    carried = _plan_carry(compound, replace(
        options, mode="carry", time_limit_s=options.time_limit_s * AUTO_CARRY_SHARE))
    relayed, servable = _plan_relay(compound, replace(
        options, mode="relay", time_limit_s=options.time_limit_s * (1 - AUTO_CARRY_SHARE)))
    makespans = {"carry": carried.summary.makespan_s, "relay": relayed.summary.makespan_s}

    def key(p: Plan) -> tuple[int, float]:
        return p.summary.households_unserved, p.summary.makespan_s

    best = carried if key(carried) <= key(relayed) else relayed
    if best is carried:
        best = best.model_copy(update={"unserved": _in_relay_terms(carried, relayed, servable)})
    bound_s = relayed.summary.lower_bound_s
    sm = best.summary
    # The relay bound covers every household a carry or relay plan could serve.
    left_out_servable = any(u.household in servable for u in best.unserved)
    gap = (round(sm.makespan_s / bound_s - 1, 5)
           if best.deliveries and bound_s > 0 and not left_out_servable else None)
    solve_s = None if options.deterministic else round(
        (carried.summary.solve_s or 0.0) + (relayed.summary.solve_s or 0.0), 3)
    summary = sm.model_copy(update={
        "mode_makespans_s": makespans, "lower_bound_s": bound_s, "gap": gap,
        "mode_unserved": {"carry": carried.summary.households_unserved,
                          "relay": relayed.summary.households_unserved},
        "bound": relayed.summary.bound, "solve_s": solve_s,
        "proven_optimal": False})  # optimal among carry plans is not among relay plans
    return best.model_copy(update={"summary": summary})
