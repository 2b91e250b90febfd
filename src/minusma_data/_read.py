"""Read one published file into a DataFrame typed by its Table Schema.

CSV is read with every column as text and only the empty string as missing;
Parquet is read with pyarrow, ignoring any pandas metadata in the file. Both
then pass through `normalise`, the one step that gives each column its dtype
and checks it against the schema, so the two formats load identically.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from ._errors import DataFileError, remedy
from ._schema import Package, pandas_dtype, string_dtype
from ._tableschema import enum_of

Fail = Callable[..., DataFileError]  # (problem, code=None) -> the error to raise

INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
DATE_FORMATS = {"default": "%Y-%m-%d", "any": "ISO8601"}
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


# (path, format) -> (the file's stat signature, its normalised frame)
_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], pd.DataFrame]] = {}


def read_table(package: Package, table: str, format: str, *, verify: bool = False) -> pd.DataFrame:
    """Load one table from one file: the CSV or the Parquet one.

    A file read before and unchanged since (same size, mtime and inode) is
    not parsed again, as long as the descriptor it was parsed with is
    unchanged too; the caller gets a deep copy of the frame, so editing it
    never changes what the next call returns. `verify` always reads the bytes.
    """
    resource, path, fail = _target(package, table, format)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise fail(f"the {format} file of table {table!r} is missing.", "file-missing") from None
    except OSError as exc:
        raise fail(
            f"the {format} file of table {table!r} cannot be read ({exc.strerror}).", "file-unreadable"
        ) from None
    key = (str(path), format)
    signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_dev, package.signature)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature and not verify:
        return cached[1].copy(deep=True)
    raw = _read_csv(path, resource, verify, fail) if format == "csv" else _read_parquet(path, fail)
    frame = normalise(raw, resource["schema"], fail)
    _CACHE[key] = (signature, frame)
    return frame.copy(deep=True)


def file_bytes(package: Package, table: str) -> bytes:
    """The CSV file's bytes, checked against the recorded size and hash."""
    resource, path, fail = _target(package, table, "csv")
    data = _bytes(path, fail)
    _verify(data, resource, fail)
    return data


def _target(package: Package, table: str, format: str) -> tuple[dict[str, Any], Path, Fail]:
    """A table's resource, its file, and the error to raise about that file."""
    resource = package.resource(table, format)
    path = package.path(table, format)
    fix = remedy(package.location.kind, package.location.root)

    def fail(problem: str, code: str | None = None) -> DataFileError:
        return DataFileError(path, problem, fix, code=code)

    return resource, path, fail


def _bytes(path: Path, fail: Fail) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("the file is missing.", "file-missing") from None
    except OSError as exc:
        raise fail(f"the file cannot be read ({exc.strerror}).", "file-unreadable") from None


def _read_csv(path: Path, resource: dict[str, Any], verify: bool, fail: Fail) -> pd.DataFrame:
    data = _bytes(path, fail)
    if verify:
        _verify(data, resource, fail)
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


def _verify(data: bytes, resource: dict[str, Any], fail: Fail) -> None:
    """Compare the file with the `bytes` and `hash` datapackage.json records."""
    size, recorded = resource.get("bytes"), resource.get("hash")
    if size is None and recorded is None:
        raise fail(
            "datapackage.json records neither bytes nor hash for this file, so it cannot be verified.", "hash-mismatch"
        )
    if size is not None and len(data) != size:
        raise fail(
            f"the file has {len(data)} bytes where datapackage.json records {size}: it was altered or truncated.",
            "hash-mismatch",
        )
    if recorded is not None:
        algorithm, _, digest = str(recorded).rpartition(":")
        actual = hashlib.new(algorithm or "md5", data).hexdigest()
        if actual != digest.lower():
            raise fail(
                f"the file's {algorithm or 'md5'} is {actual} where datapackage.json records {digest}: it was altered.",
                "hash-mismatch",
            )


def _read_parquet(path: Path, fail: Fail) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, use_threads=False)  # small files; threads only risk a crash at exit
    except (pa.ArrowException, OSError) as exc:
        raise fail(f"the file is not readable Parquet ({exc}); it may be truncated or overwritten.") from None
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


def _dates(series: pd.Series, pattern: str) -> pd.Series:
    """Text to dates at second resolution, NaT where a value is not a date in
    the format. Parsed one by one with the standard library, which knows every
    date from year 1 to 9999 (pandas' own parser stops at 1677 and 2262)."""
    import datetime as dt

    import numpy as np

    def parse(value: object) -> object:
        if not isinstance(value, str):
            return None
        try:
            if pattern == "default":
                return dt.date.fromisoformat(value) if _is_iso_date(value) else None
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


def _is_iso_date(value: str) -> bool:
    import re

    return re.fullmatch(ISO_DATE, value) is not None


def normalise(frame: pd.DataFrame, schema: dict[str, Any], fail: Fail) -> pd.DataFrame:
    """Give every column the dtype its schema field calls for, in schema order,
    and refuse columns, values, vocabularies or gaps the schema does not allow."""
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    columns = [str(c) for c in frame.columns]
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra or len(set(columns)) != len(columns):
        found = "; ".join(
            part
            for part in (missing and "missing " + ", ".join(missing), extra and "unexpected " + ", ".join(extra))
            if part
        )
        raise fail(
            f"its columns do not match the table's schema in datapackage.json ({found or 'duplicated'}). "
            f"Expected: {', '.join(names)}."
        )
    missing_values = list(schema.get("missingValues", [""]))
    converted = {f["name"]: _column(frame[f["name"]], f, missing_values, fail) for f in fields}
    out = pd.DataFrame(converted).set_axis(pd.RangeIndex(len(frame)), axis=0)
    _refuse_repeated_keys(out, schema, fail)
    return out


def _refuse_repeated_keys(frame: pd.DataFrame, schema: dict[str, Any], fail: Fail) -> None:
    """A primary key or unique field that repeats a value: ids are what rows
    are joined and cited by, so a file that repeats one is damaged."""
    key = schema.get("primaryKey")
    keys = [[key] if isinstance(key, str) else list(key)] if key else []
    keys += [[f["name"]] for f in schema["fields"] if (f.get("constraints") or {}).get("unique")]
    for columns in keys:
        present = frame[columns].dropna()
        repeated = present.duplicated(keep=False)
        if repeated.any():
            values = ", ".join(
                repr("/".join(map(str, row)))
                for row in present[repeated].drop_duplicates().head(3).itertuples(index=False)
            )
            raise fail(
                f"{', '.join(columns)} must be unique, but {values} occurs more than once; "
                "the file may have been altered."
            )


def _column(series: pd.Series, field: dict[str, Any], missing_values: list[str], fail: Fail) -> pd.Series:
    name, kind = field["name"], field.get("type", "string")
    try:
        dtype = pandas_dtype(field)
    except ValueError as exc:
        raise fail(str(exc) + ".") from None
    textual = series.dtype == object or isinstance(series.dtype, pd.StringDtype)
    if textual:
        series = series.astype(string_dtype())
        gaps = series.isin(missing_values)
        if gaps.any():
            series = series.mask(gaps)

    def refuse(bad: pd.Series, what: str) -> DataFileError:
        values = ", ".join(repr(v) for v in pd.unique(series[bad].astype(object))[:5])
        rows = ", ".join(str(i + 1) for i in bad[bad].index[:5])
        return fail(f"column {name!r} holds {values} (data row {rows}), which is not {what}.")

    enum = enum_of(field)
    try:
        if enum is not None:
            if isinstance(series.dtype, pd.CategoricalDtype) and set(series.cat.categories) <= set(enum):
                bad = pd.Series(False, index=series.index)  # Parquet dictionary within the vocabulary
            else:
                bad = series.notna() & ~series.isin(enum)
            if bad.any():
                raise refuse(bad, "in its vocabulary: " + ", ".join(enum))
            out = series.astype(dtype)
        elif kind == "string":
            out = series.astype(dtype)
        elif textual and kind in ("integer", "year", "number"):
            pattern = INTEGER if kind != "number" else NUMBER
            bad = series.notna() & ~series.str.fullmatch(pattern).fillna(True).astype(bool)
            if bad.any():
                raise refuse(bad, f"a valid {kind}")
            out = series.astype(dtype)
        elif kind == "boolean" and textual:
            true, false = field.get("trueValues", TRUE_VALUES), field.get("falseValues", FALSE_VALUES)
            bad = series.notna() & ~series.isin(list(true) + list(false))
            if bad.any():
                raise refuse(bad, "a boolean (" + ", ".join(list(true) + list(false)) + ")")
            out = pd.Series(pd.NA, index=series.index, dtype=dtype)
            out[series.isin(true).fillna(False).astype(bool)] = True
            out[series.isin(false).fillna(False).astype(bool)] = False
        elif kind == "date" and not pd.api.types.is_datetime64_dtype(series.dtype):
            pattern = field.get("format", "default")
            parsed = _dates(series, pattern)
            bad = series.notna() & parsed.isna()
            if bad.any():
                raise refuse(bad, f"a date in the format {DATE_FORMATS.get(pattern, pattern)}")
            out = parsed.astype(dtype)
        else:
            out = series.astype(dtype)
    except DataFileError:
        raise
    except (ValueError, TypeError, OverflowError) as exc:
        raise fail(f"column {name!r} cannot be read as {kind} ({exc}).") from None
    if field.get("constraints", {}).get("required"):
        empty = out.isna()
        if empty.any():
            rows = ", ".join(str(i + 1) for i in empty[empty].index[:5])
            raise fail(f"column {name!r} is required but empty in data row {rows}; the file may be truncated.")
    return out.rename(name)
