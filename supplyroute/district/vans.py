"""The vans routed where Ctrl-C can reach them.

OR-Tools holds the interpreter for the whole of a routing search: in this process a
Ctrl-C would be heard only when the search ends on its time limit (half a minute, or
more). So a district plan that may be stopped routes its vans in a helper process of
its own (started once, while the district is prepared), and waits for the routes a
:data:`POLL_S` at a time: asked to stop, it ends the helper and the iteration at once.
Without a stop the vans are routed here, as ever. The routes are the same either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Callable
from typing import Any

from supplyroute.district.trucks import TruckProblem, route
from supplyroute.rounds.budget import sigint_held
from supplyroute.routing.problem import SearchLimit

#: How often the wait for the routes looks at the stop.
POLL_S = 0.1


class VansStopped(Exception):
    """Asked to stop while the vans were being routed: there are no new routes."""


def _serve(conn: Any) -> None:
    """The helper process: routes asked for, until told to end (None) or ended."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the command's process hears Ctrl-C
    while True:
        try:
            asked = conn.recv()
        except EOFError:
            return
        if asked is None:
            return
        truck, limit, start = asked
        try:
            conn.send(("routes", route(truck, limit, start)))
        except Exception as exc:  # noqa: BLE001 - handed back to raise there
            conn.send(("error", exc))


class VanRouter:
    """Routes the vans: in a helper process while a stop may come, else here."""

    def __init__(self, stop: Callable[[], bool] | None = None):
        self.stop = stop
        self.process: Any = None
        self.conn: Any = None

    def __enter__(self) -> VanRouter:
        if self.stop is not None:
            context = multiprocessing.get_context("spawn")
            here, there = context.Pipe()
            with sigint_held():
                self.process = context.Process(target=_serve, args=(there,), daemon=True,
                                               name="supplyroute-vans")
                self.process.start()
            there.close()
            self.conn = here
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the helper, at once if it is routing (Ctrl-C held back meanwhile)."""
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if process is None:
            return
        with sigint_held():
            with contextlib.suppress(OSError):
                conn.send(None)
            process.join(0.2)
            if process.is_alive():
                process.terminate()
                process.join(1.0)
            if process.is_alive():
                process.kill()
                process.join()
            conn.close()

    def route(self, truck: TruckProblem, limit: SearchLimit,
              start: list[list[int]] | None = None) -> list[list[int]] | None:
        """The vans' routes (:func:`~supplyroute.district.trucks.route`); raises
        :class:`VansStopped` if asked to stop before they are found."""
        if self.process is None:
            return route(truck, limit, start)
        assert self.stop is not None
        if self.stop():
            raise VansStopped
        self.conn.send((truck, limit, start))
        while not self.conn.poll(POLL_S):
            if self.stop():
                self.close()
                raise VansStopped
            if not self.process.is_alive():
                raise RuntimeError("the vans' routing process ended unexpectedly "
                                   f"(exit code {self.process.exitcode})")
        try:
            kind, value = self.conn.recv()
        except EOFError:
            raise RuntimeError("the vans' routing process ended unexpectedly") from None
        if kind == "error":
            raise value
        return value
