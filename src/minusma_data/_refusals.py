"""How a reader refuses a file that breaks its Table Schema: the keys that must
be unique, and the sentences that name the column, the values and the data
rows. The pandas, Arrow and polars readers all use them, so a damaged file is
refused in the same words whichever library reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SHOWN = 5
"""How many values or rows a message names."""


def unique_keys(schema: dict[str, Any]) -> list[list[str]]:
    """The primary key and every field marked unique: ids are what rows are
    joined and cited by, so a file that repeats one is damaged."""
    key = schema.get("primaryKey")
    keys = [[key] if isinstance(key, str) else list(key)] if key else []
    keys += [[f["name"]] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")]
    return keys


def wrong_columns(names: Sequence[str], columns: Sequence[str]) -> str | None:
    """What is wrong with a file's columns, None when they are the schema's (in any order)."""
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if not (missing or extra or len(set(columns)) != len(columns)):
        return None
    found = "; ".join(
        part
        for part in (missing and "missing " + ", ".join(missing), extra and "unexpected " + ", ".join(extra))
        if part
    )
    return (
        f"its columns do not match the table's schema in datapackage.json ({found or 'duplicated'}). "
        f"Expected: {', '.join(names)}."
    )


def not_allowed(column: str, values: Iterable[Any], rows: Iterable[int], what: str) -> str:
    """`rows` count data rows from 0; the message counts them from 1, as a spreadsheet does below its header."""
    shown = ", ".join(repr(v) for v in list(dict.fromkeys(values))[:SHOWN])
    return f"column {column!r} holds {shown} (data row {_rows(rows)}), which is not {what}."


def required_empty(column: str, rows: Iterable[int]) -> str:
    return f"column {column!r} is required but empty in data row {_rows(rows)}; the file may be truncated."


def repeated(columns: Sequence[str], values: Iterable[Sequence[Any]]) -> str:
    shown = ", ".join(repr("/".join(map(str, v))) for v in list(dict.fromkeys(map(tuple, values)))[:3])
    return f"{', '.join(columns)} must be unique, but {shown} occurs more than once; the file may have been altered."


def unreadable(column: str, kind: str, exc: BaseException) -> str:
    return f"column {column!r} cannot be read as {kind} ({exc})."


def not_parquet(exc: BaseException) -> str:
    return f"the file is not readable Parquet ({exc}); it may be truncated or overwritten."


def vocabulary(enum: Sequence[object]) -> str:
    return "in its vocabulary: " + ", ".join(map(str, enum))


def _rows(rows: Iterable[int]) -> str:
    return ", ".join(str(i + 1) for i in list(rows)[:SHOWN])
