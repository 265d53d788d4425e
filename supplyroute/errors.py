"""Errors that carry a JSON path, and the CLI's exit codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

#: The most characters of one input value a message quotes: an id a megabyte long is
#: cut here, so that the error stays one line a coordinator can read.
QUOTE_LIMIT = 60

#: The most characters of a whole reason (many long values together).
MESSAGE_LIMIT = 600

#: A stretch without a space this long is an input value, not words (a file's path is
#: shorter): it is cut as a quoted value is.
RUN_LIMIT = 200

_QUOTED = re.compile(rf"'([^']{{{QUOTE_LIMIT + 1},}})'|\"([^\"]{{{QUOTE_LIMIT + 1},}})\"")
_LONG_RUN = re.compile(rf"\S{{{RUN_LIMIT + 1},}}")
_LONG_KEY = re.compile(rf"[^.\[\]]{{{RUN_LIMIT + 1},}}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut at ``limit`` characters, with ``…`` where it was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def quote(value: Any) -> str:
    """An input value as a message quotes it: text in quotes, cut if long."""
    if isinstance(value, str):
        return repr(shorten(value))
    return shorten(repr(value))


def _escaped(text: str) -> str:
    """Control characters (a newline, a terminal escape in an id) written as escapes."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


def tame(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """A reason safe to print on one line: control characters escaped, every quoted
    value longer than :data:`QUOTE_LIMIT` cut (and any unbroken run longer than
    :data:`RUN_LIMIT`), the whole cut at ``limit``."""
    text = _escaped(text)
    if len(text) > QUOTE_LIMIT:
        text = _QUOTED.sub(lambda m: m.group()[0] + shorten(m.group()[1:-1]) + m.group()[0],
                           text)
        text = _LONG_RUN.sub(lambda m: shorten(m.group()), text)
    return shorten(text, limit)


def tame_path(path: str) -> str:
    """A JSON path safe to print: a key from the input longer than :data:`RUN_LIMIT`
    cut, the indices, the other keys and a file's name kept whole."""
    path = _escaped(path)
    return _LONG_KEY.sub(lambda m: shorten(m.group()), path) if len(path) > RUN_LIMIT else path


class ExitCode(IntEnum):
    """Process exit codes of the command-line tool."""

    OK = 0  #: success.
    INTERNAL = 1  #: a bug or an unexpected failure.
    INVALID_INPUT = 2  #: the scenario or plan file is malformed or inconsistent.
    UNSERVED = 3  #: the plan leaves households unserved (the partial plan is written).
    VIOLATIONS = 4  #: ``check`` found violations.
    #: stopped by Ctrl-C (``plan`` first writes the best plan so far, marked interrupted).
    INTERRUPTED = 130


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input document: where (a JSON path) and why."""

    path: str
    reason: str

    def __post_init__(self) -> None:
        # Every message quoting an input value passes here: cut and escaped once for all.
        object.__setattr__(self, "path", tame_path(str(self.path)))
        object.__setattr__(self, "reason", tame(str(self.reason)))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class InputError(Exception):
    """An input document is malformed or inconsistent.

    Not a ``ValueError`` on purpose: pydantic lets other exception types pass through
    its validators untouched, so the JSON paths computed here survive.
    """

    def __init__(self, issues: list[InputIssue] | InputIssue):
        self.issues = [issues] if isinstance(issues, InputIssue) else list(issues)
        super().__init__("; ".join(str(i) for i in self.issues))

    @property
    def first(self) -> InputIssue:
        return self.issues[0]


def json_path(loc: tuple[str | int, ...] | list[str | int]) -> str:
    """Format a location tuple like ``('households', 12, 'floor')`` as ``households[12].floor``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
