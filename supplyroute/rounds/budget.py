"""How long a round planner may search, and how it reports its progress.

A coordinator waits for a plan at the command line, a street office's district plans
forty rounds on a cluster, and a researcher wants the same plan twice: a
:class:`Budget` carries the time limit, deterministic mode (searches stop on counts,
never on the clock), a share of the search's rounds, Ctrl-C, and the progress callback.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
