"""One error type for everything the build refuses, so every message names
the file, the entry and the field, says what is wrong and what would be right,
and carries a stable code (`quote-not-found`, `date-end-before-start`, ...)
that tests and CI annotations match on; the wording may change, the code not.
Every code is listed, with what it means, in problem_codes.CODES."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from minusma_data.buildkit import closest

from .problem_codes import known


@dataclass(frozen=True)
class Problem:
    code: str
    file: str
    entry: str
    field: str
    message: str

    def __post_init__(self) -> None:
        known(self.code)

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": {self.entry}"
        if self.field:
            where += f", field '{self.field}'"
        return one_line(f"{where}: {self.message} [{self.code}]")

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def one_line(text: str) -> str:
    """Line breaks and other unprintable characters (which may come from a
    curated value) written as escapes, so each problem prints as one line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class BuildError(Exception):
    """Raised with every problem found; nothing is written when it is."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.problems]


class Collector:
    """Gathers problems so one run reports all of them, then raises once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, file: str, entry: str, field: str, message: str) -> None:
        self.problems.append(Problem(code, file, entry, field, message))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise BuildError(list(self.problems))


def fail(code: str, file: str, entry: str, field: str, message: str) -> BuildError:
    """A BuildError with one problem, for a fault that stops reading at once."""
    return BuildError([Problem(code, file, entry, field, message)])


def did_you_mean(value: str, choices: list[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a choice is close to the value."""
    close = closest(value, choices)
    return f" (did you mean '{close}'?)" if close else ""
