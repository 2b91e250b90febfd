"""Read a Parquet file into a pyarrow Table typed by its Table Schema, with
pyarrow alone: pandas is not imported on this path (see `strings`).

The checks are those of the pandas reader (`_read.normalise`), in the same
words (`_refusals`): the schema's columns, the vocabularies, required values,
unique keys. Types come from `_tableschema.field_arrow_type`; a coded column
becomes a dictionary whose values are the schema's vocabulary in its order.
"""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import _refusals as say
from ._resolve import name_column
from ._resource import Fail, stat, target
from ._schema import Package
from ._tableschema import enum_of, field_arrow_type, is_coded


def read_parquet(path: Path, fail: Fail) -> pa.Table:
    """The file as stored, without the pandas metadata a writer may have left.
    Through ParquetFile, because pq.read_table imports pandas."""
    try:
        reader = pq.ParquetFile(path)
        try:
            table = reader.read(use_threads=False)  # small files; threads only risk a crash at exit
        finally:
            reader.close()
    except FileNotFoundError:
        raise fail("the file is missing.", "file-missing") from None
    except (pa.ArrowException, OSError) as exc:
        raise fail(say.not_parquet(exc)) from None
    return table.replace_schema_metadata(None)


def read_table(package: Package, table: str) -> pa.Table:
    """A table's Parquet file, typed and checked against its Table Schema."""
    resource, path, fail = target(package, table, "parquet")
    stat(path, table, "parquet", fail)  # a missing file is named as the pandas reader names it
    raw = read_parquet(path, fail)
    schema = resource["schema"]
    fields = schema["fields"]
    wrong = say.wrong_columns([f["name"] for f in fields], raw.column_names)
    if wrong:
        raise fail(wrong)
    missing = strings([str(v) for v in schema.get("missingValues", [""])])
    columns = [_column(raw.column(f["name"]).combine_chunks(), f, missing, fail) for f in fields]
    out = pa.Table.from_arrays(columns, names=[f["name"] for f in fields])
    for key in say.unique_keys(schema):
        rows = [r for r in zip(*(out.column(k).to_pylist() for k in key), strict=True) if None not in r]
        counts = Counter(rows)
        if len(counts) != len(rows):
            raise fail(say.repeated(key, [r for r in rows if counts[r] > 1]))
    return out


def _column(column: pa.Array[Any], field: dict[str, Any], missing: pa.Array[Any], fail: Fail) -> pa.Array[Any]:
    name, kind = field["name"], field.get("type", "string")
    enum = enum_of(field)
    try:
        if isinstance(column, pa.DictionaryArray):
            column = column.dictionary_decode()
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
            column = pc.if_else(pc.is_in(column, value_set=missing), pa.nulls(len(column), pa.string()), column)
        if enum is not None and is_coded(field):
            vocabulary = strings(enum)
            indices = pc.index_in(column, value_set=vocabulary)
            bad = pc.and_(pc.is_valid(column), pc.is_null(indices))
            if pc.any(bad).as_py():
                raise _refuse(fail, name, column, bad, say.vocabulary(enum))
            out: pa.Array[Any] = pa.DictionaryArray.from_arrays(indices.cast(pa.int32()), vocabulary)
        else:
            out = column.cast(field_arrow_type(field))
            if enum is not None:  # whole-number codes
                bad = pc.and_(pc.is_valid(out), pc.invert(pc.is_in(out, value_set=integers(enum))))
                if pc.any(bad).as_py():
                    raise _refuse(fail, name, out, bad, say.vocabulary(enum))
    except pa.ArrowException as exc:
        raise fail(say.unreadable(name, kind, exc)) from None
    if (field.get("constraints") or {}).get("required") and out.null_count:
        raise fail(say.required_empty(name, _where(pc.is_null(out))))
    return out


def strings(values: list[str]) -> pa.Array[Any]:
    """An Arrow string array built from its buffers: `pa.array` of a list asks
    pandas whether the list is array-like, which imports pandas."""
    data = [v.encode("utf-8") for v in values]
    offsets = [0]
    for item in data:
        offsets.append(offsets[-1] + len(item))
    buffers = [None, pa.py_buffer(struct.pack(f"<{len(offsets)}i", *offsets)), pa.py_buffer(b"".join(data))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


def integers(values: list[int]) -> pa.Array[Any]:
    """An Arrow int64 array built from its buffer, without pandas (see `strings`)."""
    data = pa.py_buffer(struct.pack(f"<{len(values)}q", *values))
    return pa.Array.from_buffers(pa.int64(), len(values), [None, data])


def _where(mask: pa.Array[Any]) -> list[int]:
    return [i for i, flag in enumerate(mask.to_pylist()) if flag]


def _refuse(fail: Fail, name: str, column: pa.Array[Any], bad: pa.Array[Any], what: str) -> Exception:
    rows = _where(bad)
    values = column.to_pylist()
    return fail(say.not_allowed(name, [values[i] for i in rows], rows, what))


def with_actor_names(table: pa.Table, id_columns: list[str], actors: pa.Table) -> pa.Table:
    """`table` with a `<role>_actor_name` column right after each actor id column."""
    ids, names = actors.column("actor_id").combine_chunks(), actors.column("name").combine_chunks()
    for column in id_columns:
        where = pc.index_in(table.column(column), value_set=ids)
        resolved = pc.take(names, where)
        table = table.add_column(table.column_names.index(column) + 1, name_column(column), resolved)
    return table
