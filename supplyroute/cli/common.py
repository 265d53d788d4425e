"""What every command of the ``supplyroute`` command line shares: the types of its
arguments, what a file given to it is, progress and Ctrl-C, and how documents are
written (whole, or to standard output)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from supplyroute.errors import InputError, InputIssue
from supplyroute.io import dump_model, is_district, write_atomic
from supplyroute.models import Plan, Scenario
from supplyroute.rounds.budget import Progress

M = TypeVar("M", bound=BaseModel)


# -- argument types ------------------------------------------------------------------

def share(text: str) -> float:
    """A share from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be a share from 0 to 1, e.g. 0.03")
    return value


def effort(text: str) -> float:
    """A share above 0 and at most 1."""
    value = share(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not above 0")
    return value


def positive(text: str) -> float:
    """A positive number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def seconds_list(text: str) -> list[float]:
    """One or more positive seconds: ``5`` or ``1,5,10``."""
    parts = [part for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give a number of seconds")
    return [positive(part.strip()) for part in parts]


def count(text: str) -> int:
    """A whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def sizes(text: str) -> list[int]:
    """Household counts: ``576,2000,20000``."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("give one or more household counts")
    return [count(part) for part in parts]


def naturals(text: str) -> int:
    """A whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def search_options(p: argparse.ArgumentParser, time_limit_s: float, what: str) -> None:
    """The options every command that plans shares: its time, determinism, progress."""
    p.add_argument("--time-limit", type=positive, default=time_limit_s, metavar="S",
                   help=f"{what} (default {time_limit_s:g})")
    p.add_argument("--deterministic", action="store_true",
                   help="stop searches on iteration counts only: same input, same output")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def clock(text: str, field: str) -> float:
    """A time of day given on the command line: seconds or HH:MM[:SS]."""
    from supplyroute.models.base import parse_time

    try:
        value = float(parse_time(text.strip() if not text.strip().isdigit() else
                                 float(text)))
    except ValueError as exc:
        raise InputError(InputIssue(field, str(exc))) from None
    return value


# -- what a file is ------------------------------------------------------------------

class InputKind(str, Enum):
    """What a file or folder given to a command is."""

    SCENARIO = "scenario"  #: one compound's round (format supplyroute.scenario).
    DISTRICT = "district"  #: vans from depots to several compounds' gates.
    HORIZON = "horizon"  #: a folder written by ``supplyroute cycle``.


def input_kind(path: Path) -> InputKind:
    """What ``path`` holds, told by its shape alone (a folder, or a JSON file's
    ``format`` read from its first kilobytes) before anything is validated."""
    if path.is_dir():
        return InputKind.HORIZON
    return InputKind.DISTRICT if is_district(path) else InputKind.SCENARIO


def same_scenario(scenario: Scenario, result: Plan) -> None:
    """The plan is for this scenario (by name), or the command stops."""
    if result.scenario != scenario.name:
        raise InputError(InputIssue("scenario", f"the plan is for scenario "
                                    f"{result.scenario!r}, not {scenario.name!r}"))


# -- output --------------------------------------------------------------------------

def to_stdout(path: Path | None) -> bool:
    """No output path, or ``-``: the document goes to standard output."""
    return path is None or str(path) == "-"


def emit(text: str) -> None:
    """A document to standard output; if the reader goes away (``| head``), the rest is
    dropped quietly and the command still ends with the exit code it would have had."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()


def quiet_stdout() -> None:
    """Point standard output at /dev/null, so that Python's own flush at exit does not
    complain about the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def write_document(output: Path | None, result: M, lines: Callable[[M], list[str]]) -> None:
    """A plan (or another document) to standard output, or written whole to its file
    with its summary on the screen."""
    text = dump_model(result)
    if to_stdout(output):
        emit(text)
    else:
        assert output is not None
        write_atomic(output, text)
        print("\n".join(lines(result)))
        print(f"plan written to {output}")


def write_scenario(output: Path, data: dict) -> None:
    """A scenario made on the desk (imported or generated), validated, written whole
    (UTF-8, Chinese as it is) and described in one line."""
    from supplyroute.io import validate_document

    scenario = validate_document(Scenario, data)
    write_atomic(output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(f"{scenario.name}: {len(scenario.households)} households, "
          f"{len(scenario.buildings)} buildings, {len(scenario.volunteers)} volunteers; "
          f"written to {output}")


def report_violations(violations: Sequence[object]) -> bool:
    """Print each violation and their count; True if there are any."""
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} violations")
    return bool(violations)


# -- progress and Ctrl-C -------------------------------------------------------------

def progress_printer(quiet: bool) -> Callable[[Progress], None] | None:
    """A round's progress on standard error, one line per report (None if quiet)."""
    if quiet:
        return None

    def show(p: Progress) -> None:
        parts = [f"[{p.elapsed_s:7.1f}s] {p.stage}"]
        if p.makespan_s is not None:
            # Below the bound it is a round that leaves households out: say so, not a
            # negative gap.
            partial = bool(p.lower_bound_s) and p.makespan_s < p.lower_bound_s
            parts.append(f"makespan {p.makespan_s / 60:.1f} min"
                         + (" (partial estimate: waits not counted yet)" if partial else ""))
        if p.lower_bound_s:
            parts.append(f"bound {p.lower_bound_s / 60:.1f} min")
        if p.gap is not None:
            parts.append(f"gap {p.gap:.1%}")
        print(" | ".join(parts), file=sys.stderr, flush=True)

    return show


@contextlib.contextmanager
def interruptible() -> Iterator[threading.Event]:
    """While planning, the first Ctrl-C asks the search to stop and hand over its best
    plan so far (written, marked interrupted); a second one abandons it (nothing
    written). A round, a district's vans and rounds, a cycle's days alike."""
    stop = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        # Straight to the descriptor: the handler may come in the middle of a progress
        # line's print, and a print then would be a reentrant call to stderr's buffer.
        message = "interrupted: writing the best plan so far (Ctrl-C again to abandon it)"
        try:
            os.write(sys.stderr.fileno(), f"{message}\n".encode())
        except (OSError, ValueError):  # no descriptor: a caller's own stderr
            print(message, file=sys.stderr, flush=True)

    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals reach the main thread only (a library caller's worker)
        return
    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
