"""Read a Parquet file into a polars DataFrame typed by its Table Schema, with
polars alone: neither pandas nor pyarrow is imported on this path.

The checks are those of the pandas reader (`_read.normalise`), in the same
words (`_refusals`): the schema's columns, the vocabularies, required values,
unique keys. Types come from `_tableschema.polars_dtype`: an Enum of the
schema's vocabulary in its order for a coded column, Date, Int64, Float64,
Boolean or String otherwise.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from . import _refusals as say
from ._resolve import name_column
from ._resource import Fail, stat, target
from ._schema import Package
from ._tableschema import enum_of, is_coded, polars_dtype

# What polars raises for a file it cannot read or a value it cannot cast.
POLARS_ERRORS = (pl.exceptions.PolarsError, OSError, ValueError)


def read_table(package: Package, table: str) -> pl.DataFrame:
    """A table's Parquet file, typed and checked against its Table Schema."""
    resource, path, fail = target(package, table, "parquet")
    stat(path, table, "parquet", fail)  # a missing file is named as the pandas reader names it
    try:
        raw = pl.read_parquet(path, use_pyarrow=False)
    except FileNotFoundError:
        raise fail("the file is missing.", "file-missing") from None
    except POLARS_ERRORS as exc:
        raise fail(say.not_parquet(exc)) from None
    schema = resource["schema"]
    fields = schema["fields"]
    wrong = say.wrong_columns([f["name"] for f in fields], raw.columns)
    if wrong:
        raise fail(wrong)
    missing = list(schema.get("missingValues", [""]))
    out = pl.DataFrame([_column(raw.get_column(f["name"]), f, missing, fail) for f in fields])
    for key in say.unique_keys(schema):
        present = out.select(key).drop_nulls()
        twice = present.filter(present.is_duplicated())
        if twice.height:
            raise fail(say.repeated(key, twice.rows()))
    return out


def _column(column: pl.Series, field: dict[str, Any], missing: list[str], fail: Fail) -> pl.Series:
    name, kind = field["name"], field.get("type", "string")
    enum = enum_of(field)
    dtype = polars_dtype(field)
    try:
        if column.dtype in (pl.Categorical, pl.String) or isinstance(column.dtype, pl.Enum):
            column = column.cast(pl.String)
            column = column.set(column.is_in(missing).fill_null(False), None)
        if enum is not None and is_coded(field):
            bad = column.is_not_null() & ~column.is_in(enum)
            if bad.any():
                raise _refuse(fail, name, column, bad, say.vocabulary(enum))
        out = column.cast(dtype, strict=True)
        if enum is not None and not is_coded(field):  # whole-number codes, checked as numbers
            bad = out.is_not_null() & ~out.is_in(enum)
            if bad.any():
                raise _refuse(fail, name, out, bad, say.vocabulary(enum))
    except POLARS_ERRORS as exc:
        raise fail(say.unreadable(name, kind, exc)) from None
    if (field.get("constraints") or {}).get("required") and out.null_count():
        raise fail(say.required_empty(name, out.is_null().arg_true().to_list()))
    return out


def _refuse(fail: Fail, name: str, column: pl.Series, bad: pl.Series, what: str) -> Exception:
    rows = bad.arg_true().to_list()
    return fail(say.not_allowed(name, column.gather(rows).to_list(), rows, what))


def with_actor_names(frame: pl.DataFrame, id_columns: list[str], actors: pl.DataFrame) -> pl.DataFrame:
    """`frame` with a `<role>_actor_name` column right after each actor id column."""
    names = dict(zip(actors.get_column("actor_id").to_list(), actors.get_column("name").to_list(), strict=True))
    for column in id_columns:
        resolved = frame.get_column(column).replace_strict(names, default=None, return_dtype=pl.String)
        frame = frame.insert_column(frame.columns.index(column) + 1, resolved.alias(name_column(column)))
    return frame
