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

Fail = Callable[[str], DataFileError]

INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|INF|-INF"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
DATE_FORMATS = {"default": "%Y-%m-%d", "any": "ISO8601"}


# (path, format) -> (the file's stat signature, its normalised frame)
_CACHE: dict[tuple[str, str], tuple[tuple[int, int, int], pd.DataFrame]] = {}


def read_table(package: Package, table: str, format: str, *, verify: bool = False) -> pd.DataFrame:
    """Load one table from one file: the CSV or the Parquet one.

    A file read before and unchanged since (same size, mtime and inode) is
    not parsed again; the caller gets a deep copy of the frame, so editing it
    never changes what the next call returns. `verify` always reads the bytes.
    """
    resource, path, fail = _target(package, table, format)
    try:
        stat = path.stat()
    except OSError:
        raise fail(f"the {format} file of table {table!r} is missing.") from None
    key, signature = (str(path), format), (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == signature and not verify:
        return cached[1].copy(deep=True)
    if format == "csv":
        raw = _read_csv(path, resource, verify, fail)
    else:
        raw = _read_parquet(path, fail)
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
    path = package.location.root / resource["path"]
    fix = remedy(package.location.kind, package.location.root)

    def fail(problem: str) -> DataFileError:
        return DataFileError(path, problem, fix)

    return resource, path, fail


def _bytes(path: Path, fail: Fail) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("the file is missing.") from None
    except OSError as exc:
        raise fail(f"the file cannot be read ({exc.strerror}).") from None


def _read_csv(path: Path, resource: dict[str, Any], verify: bool, fail: Fail) -> pd.DataFrame:
    data = _bytes(path, fail)
    if verify:
        _verify(data, resource, fail)
    dialect = resource.get("dialect", {})
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""],
                           sep=dialect.get("delimiter", ","), quotechar=dialect.get("quoteChar", '"'),
                           encoding=resource.get("encoding", "utf-8"))
    except ValueError as exc:  # ParserError, EmptyDataError and UnicodeDecodeError are ValueErrors
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise fail(f"the file is not valid CSV ({reason}); it may be truncated or overwritten.") from None


def _verify(data: bytes, resource: dict[str, Any], fail: Fail) -> None:
    """Compare the file with the `bytes` and `hash` datapackage.json records."""
    size, recorded = resource.get("bytes"), resource.get("hash")
    if size is None and recorded is None:
        raise fail("datapackage.json records neither bytes nor hash for this file, so it cannot be verified.")
    if size is not None and len(data) != size:
        raise fail(f"the file has {len(data)} bytes where datapackage.json records {size}: "
                   "it was altered or truncated.")
    if recorded is not None:
        algorithm, _, digest = str(recorded).rpartition(":")
        actual = hashlib.new(algorithm or "md5", data).hexdigest()
        if actual != digest.lower():
            raise fail(f"the file's {algorithm or 'md5'} is {actual} where datapackage.json records "
                       f"{digest}: it was altered.")


def _read_parquet(path: Path, fail: Fail) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path, use_threads=False)  # small files; threads only risk a crash at exit
    except (pa.ArrowException, OSError) as exc:
        raise fail(f"the file is not readable Parquet ({exc}); it may be truncated or overwritten.") from None
    mapper = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype(),
              pa.string(): string_dtype(), pa.large_string(): string_dtype()}
    try:
        return table.to_pandas(types_mapper=mapper.get, date_as_object=False, ignore_metadata=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise fail(f"the file's columns cannot be converted ({exc}).") from None


def normalise(frame: pd.DataFrame, schema: dict[str, Any], fail: Fail) -> pd.DataFrame:
    """Give every column the dtype its schema field calls for, in schema order,
    and refuse columns, values, vocabularies or gaps the schema does not allow."""
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    columns = [str(c) for c in frame.columns]
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra or len(set(columns)) != len(columns):
        found = "; ".join(part for part in (
            missing and "missing " + ", ".join(missing), extra and "unexpected " + ", ".join(extra)) if part)
        raise fail(f"its columns do not match the table's schema in datapackage.json ({found or 'duplicated'}). "
                   f"Expected: {', '.join(names)}.")
    missing_values = list(schema.get("missingValues", [""]))
    converted = {f["name"]: _column(frame[f["name"]], f, missing_values, fail) for f in fields}
    return pd.DataFrame(converted).set_axis(pd.RangeIndex(len(frame)), axis=0)


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
            parsed = pd.to_datetime(series, format=DATE_FORMATS.get(pattern, pattern), errors="coerce")
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
            raise fail(f"column {name!r} is required but empty in data row {rows}; "
                       "the file may be truncated.")
    return out.rename(name)
