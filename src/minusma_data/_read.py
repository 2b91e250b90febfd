"""Read one published file into a pandas DataFrame typed by its Table Schema.

CSV is read with every column as text and only the empty string as missing;
Parquet is read with pyarrow, ignoring any pandas metadata in the file. Both
then pass through `normalise`, the one step that gives each column its dtype
and checks it against the schema, so the two formats load identically. Each
Table Schema type has its converter in `CONVERTERS`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _refusals as say
from ._errors import DataFileError
from ._resource import Fail, check_hash, read_bytes, stat, target
from ._schema import Package, pandas_dtype, string_dtype
from ._tableschema import enum_of, is_coded

INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
DATE_FORMATS = {"default": "%Y-%m-%d", "any": "ISO8601"}
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# (path, format) -> (the file's stat signature, its normalised frame)
_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], pd.DataFrame]] = {}


def read_table(package: Package, table: str, format: str, *, verify: bool = False) -> pd.DataFrame:
    """Load one table from one file: the CSV or the Parquet one.

    A file read before and unchanged since (same size, mtime and inode) is
    not parsed again, as long as the descriptor it was parsed with is
    unchanged too; the caller gets a deep copy of the frame, so editing it
    never changes what the next call returns. `verify` always reads the bytes.
    """
    resource, path, fail = target(package, table, format)
    key = (str(path), format)
    signature = (*stat(path, table, format, fail), package.signature)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature and not verify:
        return cached[1].copy(deep=True)
    raw = _read_csv(path, resource, verify, fail) if format == "csv" else _read_parquet(path, fail)
    frame = normalise(raw, resource["schema"], fail)
    _CACHE[key] = (signature, frame)
    return frame.copy(deep=True)


def _read_csv(path: Path, resource: dict[str, Any], verify: bool, fail: Fail) -> pd.DataFrame:
    data = read_bytes(path, fail)
    if verify:
        check_hash(data, resource, fail)
    dialect = resource.get("dialect", {})
    try:
        return pd.read_csv(
            io.BytesIO(data),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            sep=dialect.get("delimiter", ","),
            quotechar=dialect.get("quoteChar", '"'),
            encoding=resource.get("encoding", "utf-8"),
        )
    except ValueError as exc:  # ParserError, EmptyDataError and UnicodeDecodeError are ValueErrors
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise fail(f"the file is not valid CSV ({reason}); it may be truncated or overwritten.") from None


def _read_parquet(path: Path, fail: Fail) -> pd.DataFrame:
    import pyarrow as pa

    from ._arrow import read_parquet

    table = read_parquet(path, fail)
    mapper = {
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): string_dtype(),
        pa.large_string(): string_dtype(),
    }
    try:
        return table.to_pandas(types_mapper=mapper.get, date_as_object=False, ignore_metadata=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise fail(f"the file's columns cannot be converted ({exc}).") from None


def normalise(frame: pd.DataFrame, schema: dict[str, Any], fail: Fail) -> pd.DataFrame:
    """Give every column the dtype its schema field calls for, in schema order,
    and refuse columns, values, vocabularies or gaps the schema does not allow."""
    fields = schema["fields"]
    wrong = say.wrong_columns([f["name"] for f in fields], [str(c) for c in frame.columns])
    if wrong:
        raise fail(wrong)
    missing_values = list(schema.get("missingValues", [""]))
    converted = {f["name"]: _column(frame[f["name"]], f, missing_values, fail) for f in fields}
    out = pd.DataFrame(converted).set_axis(pd.RangeIndex(len(frame)), axis=0)
    for columns in say.unique_keys(schema):
        present = out[columns].dropna()
        twice = present.duplicated(keep=False)
        if twice.any():
            raise fail(say.repeated(columns, present[twice].itertuples(index=False)))
    return out


Refuse = Callable[["pd.Series[bool]", str], DataFileError]
"""(the rows holding a bad value, what the value should be) -> the error to raise."""
Converter = Callable[["pd.Series[Any]", dict[str, Any], Any, Refuse], "pd.Series[Any]"]
"""(column as read, its field, the dtype it loads as, refuse) -> the column typed."""


def _column(series: pd.Series[Any], field: dict[str, Any], missing_values: list[str], fail: Fail) -> pd.Series[Any]:
    name, kind = field["name"], field.get("type", "string")
    try:
        dtype = pandas_dtype(field)
    except ValueError as exc:
        raise fail(str(exc) + ".") from None
    if _textual(series):
        series = series.astype(string_dtype())
        gaps = series.isin(missing_values)
        if gaps.any():
            series = series.mask(gaps)

    def refuse(bad: pd.Series[bool], what: str) -> DataFileError:
        return fail(say.not_allowed(name, series[bad].astype(object), np.flatnonzero(bad.to_numpy()), what))

    convert = _enum if is_coded(field) else CONVERTERS[kind]
    try:
        out = convert(series, field, dtype, refuse)
    except DataFileError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise fail(say.unreadable(name, kind, exc)) from None
    enum = enum_of(field)
    if enum is not None and not is_coded(field):  # whole-number codes: checked once they are numbers
        bad = (out.notna() & ~out.isin(enum)).fillna(False).astype(bool)
        if bad.any():
            raise fail(
                say.not_allowed(name, out[bad].astype(object), np.flatnonzero(bad.to_numpy()), say.vocabulary(enum))
            )
    if (field.get("constraints") or {}).get("required"):
        empty = out.isna().to_numpy()
        if empty.any():
            raise fail(say.required_empty(name, np.flatnonzero(empty)))
    return out.rename(name)


def _textual(series: pd.Series[Any]) -> bool:
    return series.dtype == object or isinstance(series.dtype, pd.StringDtype)


def _enum(series: pd.Series[Any], field: dict[str, Any], dtype: Any, refuse: Refuse) -> pd.Series[Any]:
    enum = enum_of(field) or []
    if isinstance(series.dtype, pd.CategoricalDtype) and set(series.cat.categories) <= set(enum):
        return series.astype(dtype)  # a Parquet dictionary within the vocabulary
    bad = series.notna() & ~series.isin(enum)
    if bad.any():
        raise refuse(bad, say.vocabulary(enum))
    return series.astype(dtype)


def _string(series: pd.Series[Any], field: dict[str, Any], dtype: Any, refuse: Refuse) -> pd.Series[Any]:
    return series.astype(dtype)


def _numeric(pattern: str, what: str) -> Converter:
    def convert(series: pd.Series[Any], field: dict[str, Any], dtype: Any, refuse: Refuse) -> pd.Series[Any]:
        if _textual(series):
            bad = series.notna() & ~series.str.fullmatch(pattern).fillna(True).astype(bool)
            if bad.any():
                raise refuse(bad, f"a valid {what}")
        return series.astype(dtype)

    return convert


def _boolean(series: pd.Series[Any], field: dict[str, Any], dtype: Any, refuse: Refuse) -> pd.Series[Any]:
    if not _textual(series):
        return series.astype(dtype)
    true, false = list(field.get("trueValues", TRUE_VALUES)), list(field.get("falseValues", FALSE_VALUES))
    bad = series.notna() & ~series.isin(true + false)
    if bad.any():
        raise refuse(bad, "a boolean (" + ", ".join(true + false) + ")")
    out: pd.Series[Any] = pd.Series(pd.NA, index=series.index, dtype=dtype)
    out[series.isin(true).fillna(False).astype(bool)] = True
    out[series.isin(false).fillna(False).astype(bool)] = False
    return out


def _date(series: pd.Series[Any], field: dict[str, Any], dtype: Any, refuse: Refuse) -> pd.Series[Any]:
    if pd.api.types.is_datetime64_dtype(series.dtype):
        return series.astype(dtype)
    pattern = field.get("format", "default")
    parsed = _dates(series, pattern)
    bad = series.notna() & parsed.isna()
    if bad.any():
        raise refuse(bad, f"a date in the format {DATE_FORMATS.get(pattern, pattern)}")
    return parsed.astype(dtype)


CONVERTERS: dict[str, Converter] = {
    "string": _string,
    "integer": _numeric(INTEGER, "integer"),
    "year": _numeric(INTEGER, "year"),
    "number": _numeric(NUMBER, "number"),
    "boolean": _boolean,
    "date": _date,
}
"""Table Schema type (a key of `_tableschema.TYPES`) -> its converter; a field
with an `enum` goes through `_enum` whatever its type."""


def _dates(series: pd.Series[Any], pattern: str) -> pd.Series[Any]:
    """Text to dates at second resolution, NaT where a value is not a date in
    the format. Parsed one by one with the standard library, which knows every
    date from year 1 to 9999 (pandas' own parser stops at 1677 and 2262)."""

    def parse(value: object) -> dt.date | None:
        if not isinstance(value, str):
            return None
        try:
            if pattern == "default":
                return dt.date.fromisoformat(value) if ISO_DATE.fullmatch(value) else None
            if pattern == "any":
                return dt.date.fromisoformat(value)
            return dt.datetime.strptime(value, pattern).date()
        except ValueError:
            return None

    days = [parse(v) for v in series.astype(object)]
    values = np.array(
        [np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in days], dtype="datetime64[D]"
    )
    return pd.Series(values.astype("datetime64[s]"), index=series.index)
