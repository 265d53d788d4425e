"""How long a round planner may search, and how it reports its progress.

A coordinator waits for a plan at the command line, a street office's district plans
forty rounds on a cluster, and a researcher wants the same plan twice: a
:class:`Budget` carries the time limit, deterministic mode (searches stop on counts,
never on the clock), a share of the search's rounds, Ctrl-C, and the progress callback.
What plans many rounds (a district, a cycle) shares how it ends on Ctrl-C: a short
:class:`Grace` for the rounds not yet planned, :func:`sigint_held` while it starts the
processes that plan them, and :class:`Interrupted` when there is nothing to hand over.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing import resource_tracker

#: After Ctrl-C, the seconds in which rounds not yet planned may still get a first plan
#: (a round asked to stop at once hands over its first plan in well under a second).
GRACE_S = 1.0


@dataclass(frozen=True)
class Progress:
    """A progress report from a long solve."""

    elapsed_s: float
    stage: str
    makespan_s: float | None = None
    lower_bound_s: float | None = None

    @property
    def gap(self) -> float | None:
        """makespan / bound - 1; None where they do not compare: a makespan below the
        bound is that of a round that leaves households out (a timed one, say)."""
        if self.makespan_s is None or not self.lower_bound_s:
            return None
        if self.makespan_s < self.lower_bound_s:
            return None
        return self.makespan_s / self.lower_bound_s - 1


@dataclass
class Budget:
    """How long a solver may search: wall-clock, or (deterministic) iterations only."""

    time_limit_s: float
    deterministic: bool
    started: float = field(default_factory=time.monotonic)
    report: Callable[[Progress], None] | None = None
    #: asked as the search goes: True ends it early with the best plan so far (a
    #: coordinator pressed Ctrl-C and wants what there is, not nothing).
    stop: Callable[[], bool] | None = None
    #: A share of the search's rounds (1: all of them): fewer rounds, a quicker plan,
    #: in deterministic mode too (a district's many rounds on a cluster).
    effort: float = 1.0

    def rounds(self, full: int) -> int:
        """How many of ``full`` search rounds to make at this effort (at least one)."""
        return max(1, round(full * self.effort))

    def interrupted(self) -> bool:
        return self.stop is not None and self.stop()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def expired(self) -> bool:
        """Past the time limit, less a small reserve for building the plan after the
        search; never in deterministic mode (searches stop on counts there)."""
        return self.interrupted() or self.left_s() <= 0

    def left_s(self) -> float:
        """Seconds left before :meth:`expired` (infinite in deterministic mode): the
        time limit less a reserve of 5% (at most 2 s)."""
        if self.deterministic:
            return math.inf
        return self.time_limit_s - min(2.0, 0.05 * self.time_limit_s) - self.elapsed()

    def spent(self) -> bool:
        """Past the time limit itself: optional finishing work (the routing pass) stops
        here; never in deterministic mode."""
        if self.interrupted():
            return True
        return not self.deterministic and self.elapsed() >= self.time_limit_s

    def tell(self, stage: str, makespan_s: float | None = None,
             lower_bound_s: float | None = None) -> None:
        if self.report is not None:
            self.report(Progress(self.elapsed(), stage, makespan_s, lower_bound_s))


class Interrupted(Exception):
    """Stopped (Ctrl-C) before any plan existed: there is nothing to hand over."""


class Grace:
    """How a plan of many rounds ends once asked to stop: the rounds running hand over
    their best plan so far, the rounds not yet started get a first plan for
    :data:`GRACE_S` more seconds, and none after that."""

    def __init__(self, stop: Callable[[], bool] | None, grace_s: float = GRACE_S):
        self.stop = stop
        self.grace_s = grace_s
        self.since: float | None = None  #: when the stop was first seen.

    def stopping(self) -> bool:
        """Asked to stop (at this call or before)."""
        if self.since is None and self.stop is not None and self.stop():
            self.since = time.monotonic()
        return self.since is not None

    def over(self) -> bool:
        """Asked to stop more than the grace ago: plan nothing more."""
        return self.stopping() and time.monotonic() - (self.since or 0.0) > self.grace_s


@contextlib.contextmanager
def sigint_held() -> Iterator[None]:
    """Ctrl-C held back while child processes are started here: they inherit the block
    and never see it (the terminal sends it to every process of the command), and this
    process gets it, late but not lost, when the block ends (in this thread only: the
    others, the main thread among them, take it as before). Multiprocessing's resource
    tracker unblocks Ctrl-C when it starts, so it is started first."""
    if not hasattr(signal, "pthread_sigmask"):  # not POSIX: nothing to hold back with
        yield
        return
    resource_tracker.ensure_running()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def reclaim_sigint() -> None:
    """Put this process's own Ctrl-C handler back with the operating system. OR-Tools'
    CP-SAT (a short stock's fair shares) catches Ctrl-C while it solves and then leaves
    the system's default behind: the next Ctrl-C would kill the process outright, with
    no plan written. Call it after such a solve, in the main thread (elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return
    handler = signal.getsignal(signal.SIGINT)
    if callable(handler) or handler in (signal.SIG_IGN, signal.SIG_DFL):
        signal.signal(signal.SIGINT, handler)
