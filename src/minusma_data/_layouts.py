"""Write the events in another dataset's layout, so an analyst can append them
to that dataset: PLOVER's JSON records (JSON Lines), or ACLED's CSV export.

Each layout keeps only the events the other dataset's codebook can express,
without claiming more than the text gives, and lists the others with the
reason (rules in docs/coding.md, section Exports). Background history, the
events the article only recalls, is left out unless asked for, because the
other dataset has already recorded it from its own sources. The codes
themselves are not decided here: they are columns of the published tables,
set by the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import DataFileError, remedy
from ._exporters import Written
from ._output import write_files
from ._read import read_table
from ._schema import Package

# The columns of ACLED's export, in ACLED's order (ACLED Codebook, Table 1; acledR).
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
ACLED_DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
ACLED_EXTERNAL = 8  # inter code of state forces active outside their own country
PLOVER_CODEBOOK = "PLOVER manual, openeventdata/PLOVER PLOVER_MANUAL.tex at 5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f"
# PLOVER's auxiliary mode for a historical reference, put in `context` (manual, Auxiliary modes).
HISTORICAL = "historical"
OMITTED_COLUMNS = ("event_id", "reason_code", "reason")


@dataclass(frozen=True)
class Omitted:
    event_id: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class _Tables:
    package: Package
    events: pd.DataFrame  # indexed by event_id, sorted
    actors: pd.DataFrame
    places: pd.DataFrame
    sources: pd.DataFrame
    statements: pd.DataFrame


# The columns each layout reads, by table; a package without one is refused
# in one line (`layout-column-missing`) before anything is written.
NEEDED = {
    "events": (
        "event_id", "event_type", "status", "timeframe", "summary", "evidence", "source_id", "passage_kind",
        "char_start", "char_end", "date_start", "date_end", "date_precision", "date_basis", "place_id",
        "initiator_actor_id", "target_actor_id", "initiator_plover_sector", "plover_category", "plover_mode",
        "plover_context", "quad_code", "acled_time_precision", "acled_geo_precision",
        "part_of_event_id", "response_to_event_id", "superseded_by_event_id",
    ),
    "actors": ("actor_id", "name", "country", "plover_code", "plover_sector", "acled_inter"),
    "places": ("place_id", "name", "iso_alpha3", "iso_numeric", "acled_region"),
    "sources": ("source_id", "title", "language", "publisher"),
    "statements": ("statement_id", "event_id", "speaker_actor_id", "date_start", "date_precision", "date_basis"),
}  # fmt: skip
# Ids the layouts look up in another table: (table, column) -> the table that must hold the id.
LOOKUPS = {
    ("events", "initiator_actor_id"): "actors",
    ("events", "target_actor_id"): "actors",
    ("events", "place_id"): "places",
    ("events", "source_id"): "sources",
    ("statements", "speaker_actor_id"): "actors",
}
KEYS = {"events": "event_id", "actors": "actor_id", "places": "place_id", "sources": "source_id"}


def export_layout(package: Package, layout: str, output: Path, include_background: bool = False) -> Written:
    """Write DIR/events_<layout>.* and DIR/events_<layout>_omitted.csv."""
    frames = {table: _read(package, table) for table in NEEDED}
    _check_lookups(package, frames)
    events = frames["events"].sort_values("event_id", kind="stable")
    tables = _Tables(
        package,
        events.set_index("event_id", drop=False),
        frames["actors"].set_index("actor_id", drop=False),
        frames["places"].set_index("place_id", drop=False),
        frames["sources"].set_index("source_id", drop=False),
        frames["statements"],
    )
    if layout == "plover":
        records, omitted = _plover(tables, include_background)
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        target = output / "events_plover.jsonl"
    else:
        rows, omitted = _acled(tables, include_background)
        data = _csv(ACLED_COLUMNS, rows)
        target = output / "events_acled.csv"
    sidecar = output / f"events_{layout}_omitted.csv"
    omitted_rows = [{"event_id": o.event_id, "reason_code": o.reason_code, "reason": o.reason} for o in omitted]
    written = write_files({target: data, sidecar: _csv(OMITTED_COLUMNS, omitted_rows)})
    return Written(written, omitted)


def _format(package: Package, table: str) -> str:
    """The format a table is read in: Parquet where the package has it, else
    CSV (a CSV export carries no Parquet files)."""
    return "parquet" if (package.table(table), "parquet") in package.resources else "csv"


def _read(package: Package, table: str) -> pd.DataFrame:
    """A table the layouts read, refused in one line if it lacks a column they need."""
    frame = read_table(package, table, _format(package, table))
    missing = [c for c in NEEDED[table] if c not in frame.columns]
    if missing:
        raise package.error(
            f"the {table} table has no column {', '.join(map(repr, missing))}, which the event layouts read; "
            "export a package whose tables have every published column.",
            code="layout-column-missing",
        )
    return frame


def _check_lookups(package: Package, frames: dict[str, pd.DataFrame]) -> None:
    """Every id a layout looks up names a row of its table, as the foreign
    keys say; a row naming an unknown id is refused as the SQLite export
    refuses it (`file-damaged`, naming the file, the row and the value)."""
    for (table, column), target in LOOKUPS.items():
        known = set(frames[target][KEYS[target]].dropna())
        values = frames[table][column]
        for row, value in enumerate(values.tolist(), start=1):
            if value is None or value is pd.NA or value in known:
                continue
            raise DataFileError(
                package.path(table, _format(package, table)),
                f"row {row} has {column} {value!r}, which is not in the {target} table: its foreign key does not hold.",
                remedy(package.location.kind, package.location.root),
                code="file-damaged",
            )


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return buffer.getvalue().encode("utf-8")


def _value(row: pd.Series, column: str) -> Any:
    """A cell as a plain Python value, None when missing."""
    value = row[column]
    if value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _number(code: object) -> int | None:
    """A published code (an integer column, 1) as the plain int the other dataset stores."""
    return None if code is None else int(code)  # type: ignore[call-overload]


# -- shared: background, links, parts --------------------------------------------

BACKGROUND = (
    "background",
    "history the article recalls (timeframe background), already recorded by the dataset it is appended to; "
    "--include-background writes it",
)


def _background(e: pd.Series, include_background: bool) -> tuple[str, str] | None:
    if _value(e, "timeframe") == "background" and not include_background:
        return BACKGROUND
    return None


def link_roots(events: pd.DataFrame) -> dict[str, str]:
    """[X2] Each event that belongs to a group of related events (joined by
    part_of_event_id, response_to_event_id or superseded_by_event_id) and
    the id of the group's root, the event the links lead to; events in no
    such group are absent."""
    parent: dict[str, str] = {}
    for _, e in events.iterrows():
        for column in ("part_of_event_id", "response_to_event_id", "superseded_by_event_id"):
            target = _value(e, column)
            if target is not None:
                parent[_value(e, "event_id")] = target
                break
    roots: dict[str, str] = {}
    for eid in parent:
        seen, node = {eid}, parent[eid]
        while node in parent and node not in seen:
            seen.add(node)
            node = parent[node]
        roots[eid] = node
    for root in set(roots.values()):
        roots.setdefault(root, root)
    return roots


def _count_parts_in_wholes(
    tables: _Tables,
    kept: dict[str, dict[str, Any]],
    omitted: dict[str, Omitted],
    merge: Callable[[dict[str, Any], pd.Series], None],
) -> None:
    """[X3] An event that is part of an event the layout writes is counted
    in its whole, not written twice: it moves to the omitted list, after
    `merge` adds what it says (its initiator) to the whole's record."""
    for eid, e in _by_id(tables.events):
        whole = _value(e, "part_of_event_id")
        if whole is None or whole == eid or whole not in kept:
            continue
        if eid not in kept and omitted[eid].reason_code == "background":
            continue  # left out as history already, as its whole would be
        kept.pop(eid, None)
        merge(kept[whole], e)
        omitted[eid] = Omitted(eid, "counted-in-whole", f"part of {whole}, which is written; coded once, there")


def _by_id(events: pd.DataFrame) -> Iterator[tuple[str, pd.Series[Any]]]:
    """Each event row with its id, the frame's index."""
    for key, row in events.iterrows():
        yield str(key), row


# -- PLOVER -----------------------------------------------------------------


def _announcements(statements: pd.DataFrame) -> dict[str, pd.Series]:
    """Each event's earliest dated statement: for a planned event, the
    announcement PLOVER codes (CONCEDE, AGREE) rather than the plan."""
    dated = statements[statements["date_start"].notna() & statements["event_id"].notna()]
    dated = dated.sort_values(["event_id", "date_start", "statement_id"], kind="stable")
    return {str(eid): rows.iloc[0] for eid, rows in dated.groupby("event_id", sort=True)}


def _plover(tables: _Tables, include_background: bool) -> tuple[list[dict[str, Any]], list[Omitted]]:
    """[P6, P8, X1-X3] One record per event PLOVER can express, in the manual's fields."""
    announcements = _announcements(tables.statements)
    links = link_roots(tables.events)
    kept: dict[str, dict[str, Any]] = {}
    omitted: dict[str, Omitted] = {}
    for eid, e in _by_id(tables.events):
        record_or_reason = _plover_record(tables, e, announcements.get(eid), links, include_background)
        if isinstance(record_or_reason, dict):
            kept[eid] = record_or_reason
        else:
            omitted[eid] = Omitted(eid, *record_or_reason)

    def merge(record: dict[str, Any], part: pd.Series) -> None:
        """A part's initiator joins its whole's actors (PLOVER's compound actor)."""
        initiator = _value(part, "initiator_actor_id")
        if initiator is None or _value(tables.actors.loc[initiator], "plover_code") is None:
            return
        entity = _entity(tables.actors.loc[initiator], _value(part, "initiator_plover_sector"))
        if entity not in record["actor"]:
            record["actor"].append(entity)

    _count_parts_in_wholes(tables, kept, omitted, merge)
    return [kept[k] for k in sorted(kept)], [omitted[k] for k in sorted(omitted)]


def _plover_record(
    tables: _Tables,
    e: pd.Series,
    announced: pd.Series | None,
    links: dict[str, str],
    include_background: bool,
) -> dict[str, Any] | tuple[str, str]:
    """The event's record, or why PLOVER cannot have it."""
    eid = _value(e, "event_id")
    category, initiator, target = (_value(e, c) for c in ("plover_category", "initiator_actor_id", "target_actor_id"))
    start, end, precision = _value(e, "date_start"), _value(e, "date_end"), _value(e, "date_precision")
    sector = _value(e, "initiator_plover_sector")
    planned = _value(e, "status") == "planned"
    if planned:
        # [P8] PLOVER codes the announcement of a plan: its speaker and day.
        start = end = _value(announced, "date_start") if announced is not None else None
        precision = _value(announced, "date_precision") if announced is not None else None
        initiator = _value(announced, "speaker_actor_id") if announced is not None else initiator
        sector = None  # the sector given for the initiator, not for the speaker
    actors = tables.actors
    reason = _background(e, include_background)
    if reason:
        return reason
    if category is None:
        return (
            "no-category",
            f"PLOVER has no category for an event of type {_value(e, 'event_type')!r} "
            f"and status {_value(e, 'status')!r} (P1, P2)",
        )
    if initiator is None:
        return (
            "no-actor",
            "the text names no actor; PLOVER requires one "
            "(manual, Data Fields; Some residual issues: Required entities)",
        )
    if _value(actors.loc[initiator], "plover_code") is None:
        return ("actor-not-coded", f"PLOVER codes no entity for actor {initiator!r}")
    if target is not None and _value(actors.loc[target], "plover_code") is None:
        return (
            "recipient-not-coded",
            f"PLOVER codes no entity for recipient {target!r} (a regional construct: manual, Country names)",
        )
    if start is None and planned:
        return ("no-announcement", "a planned event is coded at its announcement, and no dated statement announces it")
    if start is None:
        return ("no-date", "the event has no date; PLOVER's `date` is required")
    context = [c for c in [_value(e, "plover_context")] if c]
    if _value(e, "timeframe") == "background":
        context.append(HISTORICAL)  # [X1] written only with --include-background
    source = tables.sources.loc[_value(e, "source_id")]
    cite_info = {
        "title": _value(source, "title"),
        "language": _value(source, "language"),
        "codebook": PLOVER_CODEBOOK,
        "version": str(tables.package.raw.get("version", "")),
    }
    if _value(source, "publisher"):
        cite_info["publication"] = _value(source, "publisher")
    return {
        "id": eid,
        "date": start.isoformat(),
        "enddate": end.isoformat() if end != start else None,
        "date_precision": precision,
        "actor": [_entity(actors.loc[initiator], sector)],
        "recipient": [_entity(actors.loc[target])] if target is not None else [],
        "event": [category],
        "mode": [m for m in [_value(e, "plover_mode")] if m],
        "context": context,
        "quad_code": _number(_value(e, "quad_code")),
        "event_text": [_value(e, "evidence")],
        "link": links.get(eid),
        "text_info": {"start": _value(e, "char_start"), "end": _value(e, "char_end")},
        "cite_info": cite_info,
        "comment": f"{_value(e, 'summary')} Status: {_value(e, 'status')}. "
        f"Passage: {_value(e, 'passage_kind')}. "
        + (
            f"Coded at its announcement, statement {_value(announced, 'statement_id')}; "
            f"date basis: {_value(announced, 'date_basis')}."
            if planned and announced is not None
            else f"Date basis: {_value(e, 'date_basis')}."
        ),
    }


def _entity(actor: pd.Series, sector: str | None = None) -> dict[str, Any]:
    """[P7] The manual's entity object; `sector` is the one the actor acts
    in for this event when it differs from its usual one."""
    return {
        "code": _value(actor, "plover_code"),
        "sector": sector or _value(actor, "plover_sector"),
        "entity_text": _value(actor, "name"),
    }


# -- ACLED --------------------------------------------------------------------


def acled_event_date(start: dt.date, end: dt.date, time_precision: int) -> dt.date:
    """[A6] The day ACLED records: the actual date (time_precision 1), or the
    middle of the week or month the event is known only to (2, 3), the
    earlier of the two middle days when the period has an even number of
    days (ACLED Codebook, Time precision codes)."""
    if time_precision == 1:
        return start
    return start + dt.timedelta(days=((end - start).days) // 2)


def acled_interaction(inter1: int, inter2: int | None) -> int:
    """[A2] ACLED's interaction: the two inter codes joined, lower first; an
    event with one actor is its code followed by 0 (ACLED Codebook,
    Interaction codes: 10 "State forces only" ... 80)."""
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _acled(tables: _Tables, include_background: bool) -> tuple[list[dict[str, Any]], list[Omitted]]:
    """[A1-A6, X1, X3] One row per event ACLED records, placed and dated by
    the codebook's rules."""
    crosswalk = _acled_crosswalk(tables.package)
    kept: dict[str, dict[str, Any]] = {}
    omitted: dict[str, Omitted] = {}
    for eid, e in _by_id(tables.events):
        row_or_reason = _acled_row(tables, crosswalk, e, include_background)
        if isinstance(row_or_reason, dict):
            kept[eid] = row_or_reason
        else:
            omitted[eid] = Omitted(eid, *row_or_reason)

    def merge(row: dict[str, Any], part: pd.Series) -> None:
        """A part's initiator is an actor associated with Actor 1 (ACLED Codebook, Actors)."""
        name = _acled_actor(tables.actors, _value(part, "initiator_actor_id"), None)[0]
        if name and name != row["actor1"]:
            row["assoc_actor_1"] = "; ".join(filter(None, [row["assoc_actor_1"], name]))

    _count_parts_in_wholes(tables, kept, omitted, merge)
    return [kept[k] for k in sorted(kept)], [omitted[k] for k in sorted(omitted)]


def _acled_row(
    tables: _Tables, crosswalk: dict[str, tuple[str | None, str | None]], e: pd.Series, include_background: bool
) -> dict[str, Any] | tuple[str, str]:
    """The event's ACLED row, or why ACLED's rules leave it out."""
    event_type, sub_type = crosswalk.get(_value(e, "event_type"), (None, None))
    start, end = _value(e, "date_start"), _value(e, "date_end")
    precision = _number(_value(e, "acled_time_precision"))
    place_id, geo = _value(e, "place_id"), _number(_value(e, "acled_geo_precision"))
    reason = _background(e, include_background)
    if reason:
        return reason
    if event_type is None or sub_type is None:
        return (
            "out-of-scope",
            f"no ACLED event type for an event of type {_value(e, 'event_type')!r}: ACLED does not record it, "
            "or the text does not say which type it would be (A1)",
        )
    if _value(e, "status") != "occurred":
        return ("not-occurred", f"ACLED records events that took place; this one is {_value(e, 'status')} (A1)")
    if start is None:
        return ("no-date", "the event has no date; dates are a necessary part of every ACLED event (Event Time)")
    if precision is None:
        return ("date-too-coarse", "the date is known less precisely than a month, which ACLED does not include (A3)")
    if precision == 1 and end != start:
        return (
            "multi-day",
            "ACLED records each day of a multi-day event as its own event (Event Time); one row cannot hold them",
        )
    if place_id is None:
        return ("no-place", "the text gives no place for the event")
    if geo is None:
        return (
            "country-level",
            "the text places it only in a country; ACLED's spatial precision codes give no location for that (A4)",
        )
    place = tables.places.loc[place_id]
    country = _value(place, "iso_alpha3")
    actor1, inter1 = _acled_actor(tables.actors, _value(e, "initiator_actor_id"), country)
    actor2, inter2 = _acled_actor(tables.actors, _value(e, "target_actor_id"), country)
    if actor1 is None:
        return ("no-actor", "the text names no actor; every ACLED event has at least Actor 1")
    if inter1 is None or (actor2 is not None and inter2 is None):
        return ("actor-type-unknown", "an actor has no ACLED inter code (A2)")
    publisher = _value(tables.sources.loc[_value(e, "source_id")], "publisher")
    if publisher is None:
        return (
            "source-unknown",
            "ACLED's source column names the outlet the event comes from; the article's publisher is unknown (A5)",
        )
    date = acled_event_date(start, end, precision)
    return {
        "event_id_cnty": _value(e, "event_id"),
        "event_date": date.isoformat(),
        "year": date.year,
        "time_precision": precision,
        "disorder_type": ACLED_DISORDER[event_type],
        "event_type": event_type,
        "sub_event_type": sub_type,
        "actor1": actor1,
        "assoc_actor_1": None,
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": None,
        "inter2": inter2,
        "interaction": acled_interaction(inter1, inter2),
        "civilian_targeting": None,
        "iso": int(_value(place, "iso_numeric")),
        "region": _value(place, "acled_region"),
        "country": _value(place, "name"),
        "admin1": None,
        "admin2": None,
        "admin3": None,
        "location": None,
        "latitude": None,
        "longitude": None,
        "geo_precision": geo,
        "source": publisher,
        "source_scale": None,
        "notes": _value(e, "summary"),
        "fatalities": 0,
        "tags": None,
        "timestamp": None,
    }


def _acled_crosswalk(package: Package) -> dict[str, tuple[str | None, str | None]]:
    """[A1] Each event type's ACLED event and sub-event type, from the
    crosswalk the descriptor keeps beside the `event_type` field's categories."""
    field = next(f for f in package.fields("events") if f["name"] == "event_type")
    categories = field.get("categories")
    return {
        c["value"]: (c.get("acled_event_type") or None, c.get("acled_sub_event_type") or None)
        for c in (categories if isinstance(categories, list) else [])
        if isinstance(c, dict) and isinstance(c.get("value"), str)
    }


def _acled_actor(actors: pd.DataFrame, actor_id: str | None, country: str | None) -> tuple[str | None, int | None]:
    """[A2] Name and inter code; state forces outside their country are
    external forces (8); None for an actor ACLED gives no inter code."""
    if actor_id is None:
        return None, None
    actor = _row(actors, actor_id)
    code = _number(_value(actor, "acled_inter"))
    if code == 1 and _value(actor, "country") not in (None, country):
        code = ACLED_EXTERNAL
    return _value(actor, "name"), code


def _row(frame: pd.DataFrame, key: str) -> pd.Series[Any]:
    """The row with this id: one, since the loader refuses a table that repeats an id."""
    row = frame.loc[key]
    assert isinstance(row, pd.Series)
    return row
