"""Event-data codes the build computes from curated values, by the rules of
docs/coding.md (rule ids in brackets), so that no code is typed by hand.

Everything here is a pure function of a row's values and the vocabularies
of package.toml; tests/test_coding.py applies the same rules independently.
"""

from __future__ import annotations

import datetime as dt

from .spec import Vocabulary


def as_code(number: int | None) -> str | None:
    """A code as the tables publish it: text from a closed vocabulary, so a
    missing code is an empty cell rather than a number column with gaps."""
    return None if number is None else str(number)


def interval_days(start: dt.date | None, end: dt.date | None) -> int | None:
    """Days in the closed interval start..end; None when either is unknown."""
    if start is None or end is None:
        return None
    return (end - start).days + 1


def acled_time_precision(start: dt.date | None, end: dt.date | None) -> int | None:
    """[A3] 1 one day; 2 two to seven days; 3 eight to 31 days (a calendar
    month is at most 31); None when longer or unknown."""
    days = interval_days(start, end)
    if days is None or days > 31:
        return None
    return 1 if days == 1 else 2 if days <= 7 else 3


def ucdp_date_prec(start: dt.date | None, end: dt.date | None) -> int | None:
    """[U1] 1 one day; 2 two to six days; 3 a week; 4 eight to 31 days;
    5 longer; None when unknown."""
    days = interval_days(start, end)
    if days is None:
        return None
    if days == 1:
        return 1
    if days <= 6:
        return 2
    if days == 7:
        return 3
    return 4 if days <= 31 else 5


def plover_category(event_types: Vocabulary, event_type: str, status: str) -> str | None:
    """[P1, P2] The type's `plover` category, or its `plover_planned` one
    for a planned event where the manual makes the two differ."""
    if event_type not in event_types.codes:
        return None
    if status == "planned" and event_types.lookup(event_type, "plover_planned"):
        return event_types.lookup(event_type, "plover_planned")
    return event_types.lookup(event_type, "plover") or None


def quad_code(categories: Vocabulary, category: str | None) -> int | None:
    """[P3] The category's quad code."""
    if category is None or category not in categories.codes:
        return None
    quad = categories.lookup(category, "quad")
    return int(quad) if quad else None


def place_precision(levels: Vocabulary, level: str | None, codebook: str) -> int | None:
    """[A4, U2] ACLED's geo_precision (`codebook` "acled") or UCDP's
    where_prec ("ucdp") of an event placed at a place of this level."""
    if level is None or level not in levels.codes:
        return None
    code = levels.lookup(level, codebook)
    return int(code) if code else None


def mode_problem(modes: Vocabulary, mode: str | None, category: str | None) -> str | None:
    """[P4] Why a mode does not go with the event's category, or None."""
    if mode is None or mode not in modes.codes:
        return None
    belongs = modes.lookup(mode, "category")
    if category is None:
        return (
            f"PLOVER has no category for this event, so it takes no mode; remove plover_mode "
            f"(the mode {mode!r} belongs to {belongs})"
        )
    if belongs != category:
        return (
            f"the mode {mode!r} belongs to PLOVER category {belongs}, but this event is {category}; "
            f"use a mode of {category} or leave plover_mode out"
        )
    return None
