"""Executors: run benchmark tasks here, in local processes, or on a Dask cluster.

Every executor has ``map(tasks, report) -> rows``: the rows come back in task order
whatever order they complete in, and ``report(row, rows_so_far)`` is called as each
one completes (``rows_so_far`` in completion order), so that a caller can show
progress. Tasks run through :func:`supplyroute.bench.harness.run_task`, a top-level
function of a picklable :class:`~supplyroute.bench.harness.Task`, which is what lets
them cross process and machine boundaries.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from supplyroute.bench.harness import Row, Task, run_task, solvers

#: Called as each row completes: the row, then every row completed so far.
Report = Callable[[Row, list[Row]], None]

INSTALL_HINT = "pip install 'supplyroute[bench]'"


class MissingExtra(RuntimeError):
    """An optional dependency of the benchmarks is not installed; the message says how."""


class Executor(Protocol):
    """Runs tasks and returns their rows in task order."""

    def map(self, tasks: Sequence[Task], report: Report | None = None) -> list[Row]:
        """Run every task; call ``report`` as each completes."""


def task_cores(tasks: Sequence[Task]) -> int:
    """The most cores any one task's solver occupies (a portfolio runs several)."""
    known = solvers()
    return max((known[t.solver].cores if t.solver in known else 1 for t in tasks), default=1)


class LocalExecutor:
    """Processes on this machine, never more cores busy than ``os.cpu_count()``.

    ``workers=1`` (or a bound of one task at a time) runs the tasks in this process,
    one after the other, with no pool. Otherwise a pool of processes started with
    ``spawn`` (a fresh interpreter: OR-Tools and Dask threads in the parent do not
    survive a ``fork``). A solver that occupies several cores (``Solver.cores``) lowers
    how many tasks run at once, so that the machine is not oversubscribed and the
    timings stay honest.
    """

    def __init__(self, workers: int | None = None):
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers

    def concurrency(self, tasks: Sequence[Task]) -> int:
        """How many tasks run at once: workers, within the cores, by the widest solver."""
        cpus = os.cpu_count() or 1
        wanted = cpus if self.workers is None else min(self.workers, cpus)
        return max(1, min(wanted // task_cores(tasks), len(tasks)))

    def map(self, tasks: Sequence[Task], report: Report | None = None) -> list[Row]:
        tasks = list(tasks)
        done: list[Row] = []
        if not tasks:
            return []
        slots = self.concurrency(tasks)
        if slots == 1:
            rows = []
            for task in tasks:
                rows.append(run_task(task))
                done.append(rows[-1])
                if report is not None:
                    report(rows[-1], done)
            return rows
        results: list[Row | None] = [None] * len(tasks)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=slots, mp_context=context) as pool:
            pending: dict[Future[Row], int] = {
                pool.submit(run_task, task): i for i, task in enumerate(tasks)}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index = pending.pop(future)
                        results[index] = future.result()
                        done.append(results[index])
                        if report is not None:
                            report(done[-1], done)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        return [r for r in results if r is not None]


class DaskExecutor:
    """Tasks on a Dask cluster: a scheduler address, a ``Client`` or a ``LocalCluster``.

    Every worker must be able to import ``supplyroute`` and read the instance files at
    the paths the tasks name (a shared file system). A client made here from an
    address or a cluster is closed by :meth:`close` (or on leaving a ``with`` block); a
    client passed in is left open. Each task is submitted with ``pure=False``: two runs
    of one task are two measurements, never one cached result. A Dask worker runs one
    task per thread: for honest timings start workers with one thread each, and give a
    solver that occupies several cores (``Solver.cores``) as many cores per thread.
    """

    def __init__(self, address: Any):
        distributed = _distributed()
        if isinstance(address, distributed.Client):
            self.client, self._owned = address, False
        else:
            self.client, self._owned = distributed.Client(address), True

    def map(self, tasks: Sequence[Task], report: Report | None = None) -> list[Row]:
        distributed = _distributed()
        tasks = list(tasks)
        futures = [self.client.submit(run_task, task, pure=False) for task in tasks]
        index = {future.key: i for i, future in enumerate(futures)}
        results: list[Row | None] = [None] * len(tasks)
        done: list[Row] = []
        try:
            for future in distributed.as_completed(futures):
                row = future.result()
                results[index[future.key]] = row
                done.append(row)
                if report is not None:
                    report(row, done)
        except BaseException:
            self.client.cancel(futures)
            raise
        return [r for r in results if r is not None]

    def close(self) -> None:
        """Close the client if this executor made it."""
        if self._owned:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtra(f"running on a Dask cluster needs the 'distributed' package: "
                           f"{INSTALL_HINT}") from exc
    return distributed
