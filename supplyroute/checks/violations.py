"""One violation model and the skeleton every checker shares.

A checker recomputes a plan from its scenario with its own arithmetic and names every
rule the plan breaks: the rule, the JSON path in the plan (or in the horizon folder),
and why. Coordinators and tests read the same list; the CLI prints one line each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class Violation:
    """A rule a plan breaks: which (a checker's rule enum), where (a JSON path) and why."""

    rule: Enum
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule.value}: {self.path}: {self.message}"


class Checker:
    """The skeleton of a checker: :meth:`identity` says whether the plan can be compared
    with the scenario at all, then each of :meth:`steps` runs in order, every one
    flagging what it finds; nothing stops at the first violation, so a coordinator sees
    them all at once."""

    def __init__(self) -> None:
        self.out: list[Violation] = []

    def flag(self, rule: Enum, path: str, message: str) -> None:
        self.out.append(Violation(rule, path, message))

    def identity(self) -> bool:
        """Flag a plan made for another scenario; False if nothing else can be compared."""
        return True

    def steps(self) -> Iterable[Callable[[], None]]:
        """The checker's steps, in the order they run."""
        return ()

    def run(self) -> list[Violation]:
        if self.identity():
            for step in self.steps():
                step()
        return self.out
