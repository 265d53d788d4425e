"""The compounds' rounds, planned side by side: here, or on a Dask cluster.

Once the vans' plan fixes every gate's releases, the compounds' rounds are independent
doorstep problems. A :class:`RoundRunner` plans a batch of them: in this process one
after the other (``workers=1`` and no scheduler), or through Dask distributed on the
cluster at ``scheduler`` (an address) or on a ``LocalCluster`` of ``workers``
single-threaded worker processes started here. Plans come back in the order asked, and
with deterministic options they are the same plans whichever way they ran.

Asked to stop (Ctrl-C), the runner tells the rounds: here through the stop itself, on a
cluster through a Dask ``Event`` the rounds look at every :data:`POLL_S`. The rounds
running hand over their best plan so far, those not yet started get a first plan while
the :class:`~supplyroute.rounds.budget.Grace` lasts. The local cluster's workers never
see Ctrl-C themselves (:func:`~supplyroute.rounds.budget.sigint_held`): they are closed
by the runner, quietly, whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from supplyroute.errors import InputError, InputIssue
from supplyroute.models import Plan, Scenario
from supplyroute.planner import PlanOptions, plan
from supplyroute.rounds.budget import Grace, sigint_held

INSTALL_HINT = "pip install 'supplyroute[bench]'"
#: How often the client looks at its rounds, and a round on a worker at the stop.
POLL_S = 0.1
#: Seconds a local worker gets to end when the runner closes after a stop or an error.
QUICK_CLOSE_S = 0.5


@dataclass(frozen=True)
class RoundJob:
    """One compound's round to plan (picklable: it crosses to the workers)."""

    compound: str
    scenario: Scenario
    time_limit_s: float
    deterministic: bool
    effort: float = 1.0


def plan_round(job: RoundJob, stop: Callable[[], bool] | None = None) -> Plan:
    """Plan one compound's round (top-level, so that a worker can import it); ``stop``
    cuts it short with its best plan so far."""
    return plan(job.scenario, PlanOptions(time_limit_s=job.time_limit_s,
                                          deterministic=job.deterministic,
                                          effort=job.effort, stop=stop))


def plan_round_on_worker(job: RoundJob, event: str) -> Plan:
    """One compound's round on a Dask worker, cut short once the client sets the
    ``distributed.Event`` named ``event``."""
    return plan_round(job, _Every(lambda: _event_is_set(event), POLL_S))


def _event_is_set(name: str) -> bool:
    """Whether the ``distributed.Event`` ``name`` is set, asked from a worker's task by
    the worker's own line to the scheduler: an ``Event`` there would open a client in
    the worker, and a client left behind when the worker is closed complains on stderr."""
    from distributed import get_worker
    from distributed.utils import sync

    worker = get_worker()
    return bool(sync(worker.loop, worker.scheduler.event_is_set, name=name))


class _Every:
    """A question to the scheduler asked at most every ``period_s``: a round asks for
    its stop far more often than that. Once yes, always yes; a scheduler gone is a no
    (the round's result is then nobody's business)."""

    def __init__(self, ask: Callable[[], bool], period_s: float):
        self.ask = ask
        self.period_s = period_s
        self.asked = -float("inf")
        self.answer = False

    def __call__(self) -> bool:
        now = time.monotonic()
        if not self.answer and now - self.asked >= self.period_s:
            self.asked = now
            try:
                self.answer = bool(self.ask())
            except Exception:  # noqa: BLE001 - no scheduler, no stop to hear
                self.answer = False
        return self.answer


async def _close_workers(nannies: list[Any]) -> None:
    """Close the local cluster's workers at once, busy or not (a nanny kills its worker
    when it has not ended within the timeout)."""
    await asyncio.gather(*(n.close(timeout=QUICK_CLOSE_S) for n in nannies),
                         return_exceptions=True)


class RoundRunner:
    """Plans batches of rounds; a Dask client (and a local cluster) while it is open."""

    def __init__(self, workers: int = 1, scheduler: str | None = None,
                 stop: Callable[[], bool] | None = None):
        if workers < 1:
            raise InputError(InputIssue("workers", "must be at least 1"))
        self.workers = workers
        self.scheduler = scheduler
        self.stop = stop
        self.client: Any = None
        self.cluster: Any = None
        self.event: Any = None  #: the cluster-wide stop, set once asked to stop.
        self.told = False  #: the rounds on the cluster were told to stop.

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
        try:
            self._connect(distributed)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _connect(self, distributed: Any) -> None:
        if self.scheduler is not None:
            try:
                self.client = distributed.Client(self.scheduler, timeout=30)
            except OSError as exc:
                raise InputError(InputIssue("scheduler", f"cannot reach the Dask scheduler "
                                            f"at {self.scheduler}: {exc}")) from None
        else:
            # The workers (and Dask's threads) never take Ctrl-C; their logs are silent:
            # a round's error comes back with its future, and what a worker says of its
            # scheduler gone while it is closed is not news.
            with sigint_held():
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True,
                    dashboard_address=":0", silence_logs=logging.CRITICAL)
                self.client = distributed.Client(self.cluster)
        self.event = distributed.Event(f"supplyroute-stop-{uuid.uuid4().hex}",
                                       client=self.client)

    def __exit__(self, *exc: object) -> None:
        """Close the client and the local cluster, each whatever the other did, with
        Ctrl-C held back until both are closed (a second one abandons the plan, not the
        closing: it takes effect just after). Dask's warnings about workers closed while
        busy are not news then. Stopped (or on an error) the local workers get
        :data:`QUICK_CLOSE_S` to end their rounds."""
        client, cluster = self.client, self.cluster
        self.client = self.cluster = self.event = None
        quick = (exc and exc[0] is not None) or self.told or (self.stop is not None
                                                             and self.stop())
        quiet = logging.getLogger("distributed")
        level = quiet.level
        with sigint_held():
            quiet.setLevel(logging.CRITICAL)
            try:
                if cluster is not None and quick:
                    with contextlib.suppress(Exception):
                        cluster.sync(_close_workers, list(cluster.workers.values()))
                if client is not None:
                    with contextlib.suppress(Exception):
                        client.close()
                if cluster is not None:
                    with contextlib.suppress(Exception):
                        cluster.close()
            finally:
                quiet.setLevel(level)

    def map(self, jobs: Sequence[RoundJob]) -> list[Plan | None]:
        """Each job's plan, in the order of ``jobs``; once asked to stop, None for the
        rounds the grace left no time for."""
        grace = Grace(self.stop)
        if self.client is None:
            return [None if grace.over() else plan_round(job, self.stop) for job in jobs]
        with warnings.catch_warnings():  # the scenarios travel inside the tasks, on purpose
            warnings.filterwarnings("ignore", message=".*large graph.*")
            futures = self.client.map(plan_round_on_worker, list(jobs),
                                      event=self.event.name, pure=False)
        try:
            while not all(f.done() for f in futures) and not grace.over():
                if grace.stopping() and not self.told:
                    self.told = True
                    with contextlib.suppress(Exception):  # else the grace ends them
                        self.event.set()
                time.sleep(POLL_S)
            done = [i for i, f in enumerate(futures) if f.done()]
            plans = dict(zip(done, self.client.gather([futures[i] for i in done]),
                             strict=True))
            return [plans.get(i) for i in range(len(futures))]
        finally:
            with sigint_held(), contextlib.suppress(Exception):
                self.client.cancel([f for f in futures if not f.done()])
