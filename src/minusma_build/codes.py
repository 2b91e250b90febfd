"""Event-data codes the build computes from curated values, by the rules of
docs/coding.md (rule ids in brackets), so that no code is typed by hand.

Everything here is a pure function of a row's values and the vocabularies
of package.toml; tests/test_coding.py checks them against cases written out
from the codebooks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .spec import Vocabulary

WEEK = 7  # days: ACLED's unit above the day (time_precision 2)


def interval_days(start: dt.date | None, end: dt.date | None) -> int | None:
    """Days in the closed interval start..end; None when either is unknown."""
    if start is None or end is None:
        return None
    return (end - start).days + 1


def acled_time_precision(start: dt.date | None, end: dt.date | None, precision: str) -> int | None:
    """[A3] ACLED records one event per day, dated as precisely as the source
    allows (ACLED Codebook, Event Time): 1 when the date is known to the day,
    a single day or a range of up to a week (each day of it is its own ACLED
    event with its actual date); 3 when only the month is known and the
    interval is that one calendar month; None otherwise: a longer range of
    days is a window, not activity reported on each day, and a year or
    several months is less than ACLED includes. Code 2 (known only to its
    week) needs a date written to the week, which no date here is."""
    days = interval_days(start, end)
    if days is None or start is None or end is None:
        return None
    if precision == "day":
        return 1 if days <= WEEK else None
    if precision == "month" and (start.year, start.month) == (end.year, end.month):
        return 3
    return None


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
    for a planned event where the manual makes the two differ; none for a
    superseded plan, which no one carries out or is said to announce."""
    if event_type not in event_types.codes or status == "superseded":
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


def place_precision(levels: Vocabulary, level: str | None, column: str) -> int | None:
    """[A4, U2] ACLED's geo_precision (`column` "acled_geo_precision") or
    UCDP's where_prec ("ucdp_where_prec") of an event placed at this level."""
    if level is None or level not in levels.codes:
        return None
    code = levels.lookup(level, column)
    return int(code) if code else None


def mode_problem(modes: Vocabulary, mode: str | None, category: str | None) -> str | None:
    """[P4] Why a mode does not go with the event's category, or None."""
    if mode is None or mode not in modes.codes:
        return None
    belongs = modes.lookup(mode, "categories").split()
    if category is None:
        return (
            f"PLOVER has no category for this event, so it takes no mode; remove plover_mode "
            f"(the mode {mode!r} belongs to {' and '.join(belongs)})"
        )
    if category not in belongs:
        return (
            f"the mode {mode!r} belongs to PLOVER category {' and '.join(belongs)}, but this event is {category}; "
            f"use a mode of {category} or leave plover_mode out"
        )
    return None


def cameo_problem(cameo_codes: Vocabulary, cameo: str | None, category: str | None) -> str | None:
    """[C5] Why an event's CAMEO code does not go with its PLOVER category
    (through the CAMEO2PLOVER crosswalk of the vocabulary), or None."""
    if cameo is None or cameo not in cameo_codes.codes:
        return None
    mapped = cameo_codes.lookup(cameo, "plover") or None
    if mapped == category:
        return None
    said = (
        f"CAMEO2PLOVER gives CAMEO {cameo} the PLOVER category {mapped}"
        if mapped
        else (f"CAMEO2PLOVER gives CAMEO {cameo} no PLOVER category")
    )
    has = f"this event is {category}" if category else "PLOVER has no category for this event"
    return f"{said}, but {has}; choose the CAMEO code of what the event is, or leave cameo_event_code out"


# -- UCDP type_of_violence ------------------------------------------------------

STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3


def ucdp_side(actor_types: Vocabulary, actors: Mapping[Any, Mapping], actor_id: str | None) -> str | None:
    """[U4] The kind of side an actor is for UCDP: "government", "group" or
    "civilians"; a person acts for the actor it belongs to (part_of_actor_id,
    followed upwards); None for anything else or an unknown actor."""
    seen: set[str] = set()
    while actor_id is not None and actor_id in actors and actor_id not in seen:
        seen.add(actor_id)
        actor = actors[actor_id]
        kind = actor.get("actor_type")
        if kind == "person":
            actor_id = actor.get("part_of_actor_id")
            continue
        side = actor_types.lookup(kind, "ucdp_side") if kind in actor_types.codes else ""
        return side or None
    return None


def ucdp_type_of_violence(organised_violence: bool, initiator: str | None, target: str | None) -> int | None:
    """[U4] 3 when a government or an organised group uses armed force
    against civilians; 1 when the two sides are governments or groups and at
    least one is a government; 2 when both are organised groups; None when
    the event is not organised violence or a side is not of these kinds."""
    armed = ("government", "group")
    if not organised_violence or initiator not in armed:
        return None
    if target == "civilians":
        return ONE_SIDED
    if target not in armed:
        return None
    return STATE_BASED if "government" in (initiator, target) else NON_STATE


# -- the article's date bound and background history -------------------------------


def published_not_before(events: Sequence[Mapping]) -> tuple[dt.date | None, str | None]:
    """[E1] The latest date_end among the events reported as having happened,
    and the event it comes from (the first by id on a tie): the article
    cannot have been written before it."""
    best: tuple[dt.date, str] | None = None
    for e in events:
        end, eid = e.get("date_end"), e.get("event_id")
        if e.get("status") != "occurred" or end is None or not isinstance(eid, str):
            continue
        if best is None or end > best[0] or (end == best[0] and eid < best[1]):
            best = (end, eid)
    return (None, None) if best is None else best


def timeframe(end: dt.date | None, bound: dt.date | None) -> str | None:
    """[E1] "background" when the event ended before the year of the
    article's earliest possible day, "current" when it ends in or after that
    year; None when either date is unknown."""
    if end is None or bound is None:
        return None
    return "background" if end < dt.date(bound.year, 1, 1) else "current"


def background_by_order(timeframes: Mapping[str, str | None], before: Mapping[str, str]) -> dict[str, str | None]:
    """[E1] An undated event the text places before background history
    (before_event_id) is background too, along a chain of such links; every
    other timeframe is kept."""
    result = dict(timeframes)
    for _ in before:  # each pass settles one more link of the longest chain
        for event, later in before.items():
            if result.get(event) is None and result.get(later) == "background":
                result[event] = "background"
    return result
