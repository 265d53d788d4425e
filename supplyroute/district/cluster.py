"""The compounds' rounds, planned side by side: here, or on a Dask cluster.

Once the vans' plan fixes every gate's releases, the compounds' rounds are independent
doorstep problems. A :class:`RoundRunner` plans a batch of them: in this process one
after the other (``workers=1`` and no scheduler), or through Dask distributed on the
cluster at ``scheduler`` (an address) or on a ``LocalCluster`` of ``workers``
single-threaded worker processes started here. Plans come back in the order asked, and
with deterministic options they are the same plans whichever way they ran.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Plan, Scenario
from supplyroute.planner import PlanOptions, plan

INSTALL_HINT = "pip install 'supplyroute[bench]'"


@dataclass(frozen=True)
class RoundJob:
    """One compound's round to plan (picklable: it crosses to the workers)."""

    compound: str
    scenario: Scenario
    time_limit_s: float
    deterministic: bool
    effort: float = 1.0


def plan_round(job: RoundJob) -> Plan:
    """Plan one compound's round (top-level, so that a worker can import it)."""
    return plan(job.scenario, PlanOptions(time_limit_s=job.time_limit_s,
                                          deterministic=job.deterministic,
                                          effort=job.effort))


class RoundRunner:
    """Plans batches of rounds; a Dask client (and a local cluster) while it is open."""

    def __init__(self, workers: int = 1, scheduler: str | None = None):
        if workers < 1:
            raise InputError(InputIssue("workers", "must be at least 1"))
        self.workers = workers
        self.scheduler = scheduler
        self.client: Any = None
        self.cluster: Any = None

    @property
    def where(self) -> str:
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        if self.workers > 1:
            return f"a Dask LocalCluster of {self.workers} workers"
        return "this process"

    def __enter__(self) -> RoundRunner:
        if self.scheduler is None and self.workers == 1:
            return self
        try:
            import distributed
        except ImportError:
            raise InputError(InputIssue("workers", "planning on a Dask cluster needs the "
                                        f"'distributed' package: {INSTALL_HINT}, or plan "
                                        "here with --workers 1")) from None
        # Dask sets its own loggers to INFO on import: its chatter about workers and
        # event loops is not the coordinator's business (a --debug run still sees ours).
        logging.getLogger("distributed").setLevel(logging.WARNING)
        if self.scheduler is not None:
            try:
                self.client = distributed.Client(self.scheduler, timeout=30)
            except OSError as exc:
                raise InputError(InputIssue("scheduler", f"cannot reach the Dask scheduler "
                                            f"at {self.scheduler}: {exc}")) from None
        else:
            self.cluster = distributed.LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=40)
            self.client = distributed.Client(self.cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def map(self, jobs: Sequence[RoundJob]) -> list[Plan]:
        """Each job's plan, in the order of ``jobs``."""
        if self.client is None:
            return [plan_round(job) for job in jobs]
        with warnings.catch_warnings():  # the scenarios travel inside the tasks, on purpose
            warnings.filterwarnings("ignore", message=".*large graph.*")
            futures = self.client.map(plan_round, list(jobs), pure=False)
        try:
            return list(self.client.gather(futures))
        except BaseException:
            self.client.cancel(futures)
            raise
