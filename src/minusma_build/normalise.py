"""Bring every computed row to its schema's Python types, before any check.

Curated TOML gives some values in a form other than the published one: an
empty string for "no value", a date written as text, a whole number where a
number field may hold fractions. This step rewrites those, once, so that the
checks only read rows and the renderers see one form per type. A value that
cannot be brought to its type is left as it is, for the checks to report.
"""

from __future__ import annotations

import datetime as dt

from .curated import Row
from .spec import Spec


def normalise(spec: Spec, rows: dict[str, list[Row]]) -> None:
    """Rewrite, in place, the values of every table's rows to their schema types."""
    for name, table in spec.tables.items():
        typed = [(f.name, f.type) for f in table.fields if f.type in ("date", "number")]
        names = table.field_names
        for row in rows.get(name, []):
            values = row.values
            for field in names:
                if values.get(field) == "":
                    values[field] = None
            for field, kind in typed:
                values[field] = _typed(values.get(field), kind)


def _typed(value: object, kind: str) -> object:
    if kind == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if kind == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
