"""A cycle's rounds of one kind (every day's delivery round, or garbage round), planned
here one after the other or side by side in worker processes.

Asked to stop (the command line's Ctrl-C), the rounds running hand over their best plan
so far (marked interrupted), those not yet started get a first plan while the
:class:`~supplyroute.rounds.budget.Grace` lasts (half of it for each kind of round), and
the rest none: the planner then keeps the first days that have all their rounds. The
workers never see Ctrl-C themselves (:func:`~supplyroute.rounds.budget.sigint_held`);
they hear the stop through an event they share with this process, and are ended
whatever happened.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from supplyroute.models import Plan, Scenario
from supplyroute.planner import PlanOptions, plan
from supplyroute.rounds.budget import GRACE_S, Grace, sigint_held

#: How often the wait for the workers' rounds looks at the stop.
POLL_S = 0.1

#: In a worker process: the event that says stop (set by the cycle's process).
_STOP: Any = None


def _start_worker(stop: Any) -> None:
    """A worker's start: Ctrl-C is for the cycle's process, the stop comes by ``stop``."""
    global _STOP
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP = stop


def _plan_one(args: tuple[Scenario, PlanOptions]) -> Plan:
    """A day's round in a worker, cut short once the cycle's process says stop."""
    scenario, round_options = args
    if _STOP is not None:
        round_options = replace(round_options, stop=_STOP.is_set)
    return plan(scenario, round_options)


def plan_rounds(scenarios: list[Scenario | None], round_options: PlanOptions, workers: int,
                tell: Callable[[str, int | None], None], stage: str) -> list[Plan | None]:
    """Each day's plan (None: no round that day, or none planned before the stop), in
    worker processes where ``workers`` > 1; ``round_options.stop`` asks to stop."""
    days = [day for day, s in enumerate(scenarios) if s is not None]
    grace = Grace(round_options.stop, GRACE_S / 2)  # half for each kind of round
    if workers == 1 or len(days) < 2 or grace.stopping():  # stopping: no time to start any
        out: list[Plan | None] = [None] * len(scenarios)
        for day in days:
            if grace.over():
                break
            out[day] = plan(scenarios[day], round_options)  # type: ignore[arg-type]
            tell(stage, day)
        return out
    return _in_workers(scenarios, days, round_options, workers, grace, tell, stage)


def _in_workers(scenarios: list[Scenario | None], days: list[int], round_options: PlanOptions,
                workers: int, grace: Grace, tell: Callable[[str, int | None], None],
                stage: str) -> list[Plan | None]:
    """The days' rounds in a pool of worker processes, reported in the days' order."""
    out: list[Plan | None] = [None] * len(scenarios)
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    with sigint_held():
        pool = context.Pool(min(workers, len(days)), initializer=_start_worker,
                            initargs=(stop,))
    finished = False
    try:
        shipped = replace(round_options, stop=None)  # a callable does not cross over
        pending = {day: pool.apply_async(_plan_one, ((scenarios[day], shipped),))
                   for day in days}
        for day in days:
            result = pending[day]
            while not result.ready() and not grace.over():
                if grace.stopping():
                    stop.set()
                result.wait(POLL_S)
            if not result.ready():
                break  # past the grace: this day and the later ones are not planned
            out[day] = result.get()
            tell(stage, day)
        finished = all(result.ready() for result in pending.values())
    finally:
        with sigint_held():  # a second Ctrl-C abandons the cycle, not the pool's ending
            if finished:
                pool.close()
            else:
                pool.terminate()  # abandoned, or past the grace: end the rounds running
            pool.join()
    return out
