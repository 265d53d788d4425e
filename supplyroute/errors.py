"""Errors that carry a JSON path, and the CLI's exit codes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


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
