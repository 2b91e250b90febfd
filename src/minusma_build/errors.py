"""One error type for everything the build refuses, so every message names
the file, the entry and the field, says what is wrong and what would be right."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": {self.entry}"
        if self.field:
            where += f", field '{self.field}'"
        return _one_line(f"{where}: {self.message}")


def _one_line(text: str) -> str:
    """Line breaks and other unprintable characters (which may come from a
    curated value) written as escapes, so each problem prints as one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class BuildError(Exception):
    """Raised with every problem found; nothing is written when it is."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Collector:
    """Gathers problems so one run reports all of them, then raises once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(file, entry, field, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise BuildError(list(self.problems))


def did_you_mean(value: str, choices: list[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a choice is close to the value."""
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
