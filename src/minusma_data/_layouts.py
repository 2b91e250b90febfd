"""Write the events in another dataset's layout, so an analyst can append them
to that dataset: PLOVER's JSON records (JSON Lines), or ACLED's CSV export.

Each layout keeps only the events the other dataset's codebook can express
and says which it left out and why (rules in docs/coding.md, section
Exports). The codes themselves are not decided here: they are columns of the
published tables, set by the build.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._atomic import write_atomic
from ._exporters import Written
from ._read import read_table
from ._schema import Package

# The columns of ACLED's export, in ACLED's order (ACLED Codebook; acledR).
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
PLOVER_CODEBOOK = "PLOVER manual, openeventdata/PLOVER PLOVER_MANUAL.tex at 5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f"
OMITTED_COLUMNS = ("event_id", "reason_code", "reason")


@dataclass(frozen=True)
class Omitted:
    event_id: str
    reason_code: str
    reason: str


def export_layout(package: Package, layout: str, output: Path) -> Written:
    """Write DIR/events_<layout>.* and DIR/events_<layout>_omitted.csv."""
    events = read_table(package, "events", "parquet")
    actors = read_table(package, "actors", "parquet").set_index("actor_id", drop=False)
    places = read_table(package, "places", "parquet").set_index("place_id", drop=False)
    sources = read_table(package, "sources", "parquet").set_index("source_id", drop=False)
    events = events.sort_values("event_id", kind="stable")
    output.mkdir(parents=True, exist_ok=True)
    if layout == "plover":
        statements = read_table(package, "statements", "parquet")
        records, omitted = _plover(package, events, _announcements(statements), actors, sources)
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        target = output / "events_plover.jsonl"
    else:
        rows, omitted = _acled(_acled_crosswalk(package), events, actors, places, sources)
        data = _csv(ACLED_COLUMNS, rows)
        target = output / "events_acled.csv"
    sidecar = output / f"events_{layout}_omitted.csv"
    write_atomic(target, data)
    omitted_rows = [{"event_id": o.event_id, "reason_code": o.reason_code, "reason": o.reason} for o in omitted]
    write_atomic(sidecar, _csv(OMITTED_COLUMNS, omitted_rows))
    return Written([target, sidecar], omitted)


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


def _number(code: str | None) -> int | None:
    """A published code ("1") as the number the other dataset stores."""
    return None if code is None else int(code)


# -- PLOVER -----------------------------------------------------------------


def _announcements(statements: pd.DataFrame) -> dict[str, pd.Series]:
    """Each event's earliest dated statement: for a planned event, the
    announcement PLOVER codes (CONCEDE, AGREE) rather than the plan."""
    dated = statements[statements["date_start"].notna() & statements["event_id"].notna()]
    dated = dated.sort_values(["event_id", "date_start", "statement_id"], kind="stable")
    return {str(eid): rows.iloc[0] for eid, rows in dated.groupby("event_id", sort=True)}


def _plover(
    package: Package,
    events: pd.DataFrame,
    announcements: dict[str, pd.Series],
    actors: pd.DataFrame,
    sources: pd.DataFrame,
) -> tuple[list[dict[str, Any]], list[Omitted]]:
    """[P6, P8] One record per event PLOVER can express, in the manual's fields."""
    records, omitted = [], []
    for _, e in events.iterrows():
        eid = _value(e, "event_id")
        category, initiator, target = (
            _value(e, c) for c in ("plover_category", "initiator_actor_id", "target_actor_id")
        )
        start, end = _value(e, "date_start"), _value(e, "date_end")
        announced = None
        if _value(e, "status") == "planned":
            # [P8] PLOVER codes the announcement of a plan: its speaker and day.
            announced = announcements.get(eid)
            start = end = _value(announced, "date_start") if announced is not None else None
            if announced is not None:
                initiator = _value(announced, "speaker_actor_id")
        reason = None
        if category is None:
            reason = ("no-category", f"PLOVER has no category for event type {_value(e, 'event_type')!r}")
        elif initiator is None:
            reason = (
                "no-actor",
                "the text names no actor; PLOVER requires one (manual, Data Fields; "
                "Some residual issues: Required entities)",
            )
        elif _value(actors.loc[initiator], "plover_code") is None:
            reason = ("actor-not-coded", f"PLOVER codes no entity for actor {initiator!r}")
        elif target is not None and _value(actors.loc[target], "plover_code") is None:
            reason = (
                "recipient-not-coded",
                f"PLOVER codes no entity for recipient {target!r} (a regional construct: manual, Country names)",
            )
        elif start is None and _value(e, "status") == "planned":
            reason = (
                "no-announcement",
                "a planned event is coded at its announcement, and no dated statement announces it",
            )
        elif start is None:
            reason = ("no-date", "the event has no date; PLOVER's `date` is required")
        if reason:
            omitted.append(Omitted(eid, *reason))
            continue
        source = sources.loc[_value(e, "source_id")]
        record: dict[str, Any] = {
            "id": eid,
            "date": start.isoformat(),
            "enddate": end.isoformat() if end != start else None,
            "actor": [_entity(actors.loc[initiator])],
            "recipient": [_entity(actors.loc[target])] if target is not None else [],
            "event": [category],
            "mode": [m for m in [_value(e, "plover_mode")] if m],
            "context": [c for c in [_value(e, "plover_context")] if c],
            "quad_code": _number(_value(e, "quad_code")),
            "event_text": [_value(e, "evidence")],
            "link": _value(e, "response_to_event_id"),
            "text_info": {"start": _value(e, "char_start"), "end": _value(e, "char_end")},
            "cite_info": {
                "title": _value(source, "title"),
                "language": _value(source, "language"),
                "codebook": PLOVER_CODEBOOK,
                "version": str(package.raw.get("version", "")),
            },
            "comment": f"{_value(e, 'summary')} Status: {_value(e, 'status')}. "
            + (
                f"Coded at its announcement, statement {_value(announced, 'statement_id')}; "
                f"date basis: {_value(announced, 'date_basis')}."
                if announced is not None
                else f"Date basis: {_value(e, 'date_basis')}."
            ),
        }
        records.append(record)
    return records, omitted


def _entity(actor: pd.Series) -> dict[str, Any]:
    """[P7] The manual's entity object."""
    return {
        "code": _value(actor, "plover_code"),
        "sector": _value(actor, "plover_sector"),
        "entity_text": _value(actor, "name"),
    }


# -- ACLED --------------------------------------------------------------------


def _acled(
    crosswalk: dict[str, tuple[str | None, str | None]],
    events: pd.DataFrame,
    actors: pd.DataFrame,
    places: pd.DataFrame,
    sources: pd.DataFrame,
) -> tuple[list[dict[str, Any]], list[Omitted]]:
    """[A1-A5] One row per event in ACLED's scope, placed, dated to a month or better."""
    rows, omitted = [], []
    for _, e in events.iterrows():
        eid = _value(e, "event_id")
        event_type, sub_type = crosswalk.get(_value(e, "event_type"), (None, None))
        place_id, precision = _value(e, "place_id"), _value(e, "acled_time_precision")
        reason = None
        if event_type is None:
            reason = ("out-of-scope", f"ACLED records no event of type {_value(e, 'event_type')!r}")
        elif place_id is None:
            reason = ("no-place", "the text gives no place for the event")
        elif _value(e, "date_start") is None:
            reason = ("no-date", "the event has no date")
        elif precision is None:
            reason = ("date-too-coarse", "the date interval is longer than a month (ACLED time_precision has no code)")
        if reason:
            omitted.append(Omitted(eid, *reason))
            continue
        assert event_type is not None  # an event out of ACLED's scope was left out above
        place = places.loc[place_id]
        country = _value(place, "iso_alpha3")
        actor1 = _acled_actor(actors, _value(e, "initiator_actor_id"), country)
        actor2 = _acled_actor(actors, _value(e, "target_actor_id"), country)
        inter1, inter2 = actor1[1], actor2[1]
        start = _value(e, "date_start")
        rows.append(
            {
                "event_id_cnty": eid,
                "event_date": start.isoformat(),
                "year": start.year,
                "time_precision": _number(precision),
                "disorder_type": ACLED_DISORDER[event_type],
                "event_type": event_type,
                "sub_event_type": sub_type,
                "actor1": actor1[0],
                "assoc_actor_1": None,
                "inter1": inter1,
                "actor2": actor2[0],
                "assoc_actor_2": None,
                "inter2": inter2,
                "interaction": _interaction(inter1, inter2),
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
                "geo_precision": _number(_value(e, "acled_geo_precision")),
                "source": _value(sources.loc[_value(e, "source_id")], "title"),
                "source_scale": None,
                "notes": _value(e, "summary"),
                "fatalities": 0,
                "tags": None,
                "timestamp": None,
            }
        )
    return rows, omitted


def _acled_crosswalk(package: Package) -> dict[str, tuple[str | None, str | None]]:
    """[A1] Each event type's ACLED event and sub-event type, from the
    crosswalk the descriptor keeps beside the `event_type` field's categories."""
    field = next(f for f in package.fields("events") if f["name"] == "event_type")
    return {
        c["value"]: (c.get("acled_event_type") or None, c.get("acled_sub_event_type") or None)
        for c in field.get("categories", [])
    }


def _acled_actor(actors: pd.DataFrame, actor_id: str | None, country: str | None) -> tuple[str | None, int]:
    """[A2] Name and inter code; state forces outside their country are 8;
    0 (ACLED's value for no second actor) when there is none."""
    if actor_id is None:
        return None, 0
    actor = _row(actors, actor_id)
    inter = _value(actor, "acled_inter")
    code = int(inter) if inter is not None else 0
    if code == 1 and _value(actor, "country") not in (None, country):
        code = 8
    return _value(actor, "name"), code


def _row(frame: pd.DataFrame, key: str) -> pd.Series[Any]:
    """The row with this id: one, since the loader refuses a table that repeats an id."""
    row = frame.loc[key]
    assert isinstance(row, pd.Series)
    return row


def _interaction(inter1: int, inter2: int) -> int:
    """ACLED's interaction: the two inter codes, lower first; one code when alone."""
    low, high = sorted((inter1, inter2))
    if low == 0:
        return high * 10
    return low * 10 + high
