"""Hand a table to the library the caller asked for: pandas, pyarrow or polars,
typed from the Table Schema the same way.

A Parquet file asked for in pyarrow or polars is read by that library itself
(`_arrow`, `_polars`), which applies the schema's types and checks; pandas is
not imported. Otherwise (CSV, or `verify=True`, which compares a Parquet file
with its CSV twin) the table is read and checked into pandas (`_read`) and
converted from there. Either way the three hold the same values
(tests/test_backends.py compares them cell by cell). The types come from
`_tableschema` (`field_arrow_type`, `polars_dtype`):

========================  ==========================  ========================
schema type               pyarrow                     polars
========================  ==========================  ========================
string                    ``string``                  ``String``
string with an ``enum``   ``dictionary<int32,         ``Enum`` of the schema's
                          string>``, the schema's     values in their order
                          values in their order
integer, year             ``int64``                   ``Int64``
number                    ``double``                  ``Float64``
boolean                   ``bool``                    ``Boolean``
date                      ``date32``                  ``Date``
========================  ==========================  ========================

Missing values are nulls in both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._errors import UnknownBackendError, unknown
from ._tableschema import enum_of, field_arrow_type, is_coded, polars_dtype
from ._types import BACKENDS, Backend

if TYPE_CHECKING:
    import pandas as pd

    from ._schema import Package

EXTRAS = {"polars": 'pip install "minusma-data[polars]"'}


def check_backend(backend: object) -> Backend:
    for known in BACKENDS:
        if backend == known:
            return known
    raise UnknownBackendError(unknown("backend", backend, BACKENDS))


def native(backend: str, format: str, verify: bool) -> bool:
    """Whether the backend reads the file itself: Parquet, unverified, in pyarrow or polars."""
    return backend != "pandas" and format == "parquet" and not verify


def read_native(package: Package, table: str, backend: str) -> Any:
    """A table's Parquet file read by pyarrow or polars itself."""
    if backend == "pyarrow":
        from ._arrow import read_table

        return read_table(package, table)
    _require_polars()
    from ._polars import read_table as read_polars

    return read_polars(package, table)


def with_actor_names(frame: Any, id_columns: list[str], actors: Any, backend: str) -> Any:
    """The actor names beside their ids, in the frame's own library."""
    if backend == "pyarrow":
        from ._arrow import with_actor_names as arrow_names

        return arrow_names(frame, id_columns, actors)
    if backend == "polars":
        from ._polars import with_actor_names as polars_names

        return polars_names(frame, id_columns, actors)
    from ._resolve import with_actor_names as pandas_names

    return pandas_names(frame, id_columns, actors)


def _require_polars() -> None:
    try:
        import polars  # noqa: F401
    except ImportError:
        raise ImportError(
            f"backend='polars' needs polars, which is not installed. Install it with: {EXTRAS['polars']}"
        ) from None


def convert(frame: pd.DataFrame, fields: list[dict[str, Any]], backend: str) -> Any:
    """`frame` (as loaded, possibly with actor-name columns added) in `backend`.
    Columns the schema does not list (the actor names) are strings."""
    if backend == "pandas":
        return frame
    if backend == "polars":
        _require_polars()
    table = to_arrow(frame, fields)
    if backend == "pyarrow":
        return table
    import polars as pl

    by_name = {f["name"]: f for f in fields}
    out = pl.DataFrame(pl.from_arrow(table))
    return out.with_columns(
        [pl.col(name).cast(polars_dtype(by_name.get(name, {"type": "string"}))) for name in out.columns]
    )


def to_arrow(frame: pd.DataFrame, fields: list[dict[str, Any]]) -> Any:
    import numpy as np
    import pyarrow as pa

    by_name = {f["name"]: f for f in fields}
    arrays, names = [], []
    for name in frame.columns:
        series = frame[name]
        field = by_name.get(name, {"name": name, "type": "string"})
        enum = enum_of(field) if is_coded(field) else None
        if enum is not None:
            if list(series.cat.categories) != enum:  # the loader builds them from the enum; never otherwise
                raise ValueError(f"column {name!r}: categories differ from the schema's values")
            codes = series.cat.codes.to_numpy().astype(np.int32)
            indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
            arrays.append(pa.DictionaryArray.from_arrays(indices, pa.array(enum, type=pa.string())))
        elif field.get("type") == "date":
            arrays.append(pa.array(series, from_pandas=True).cast(pa.date32()))
        else:
            arrays.append(pa.array(series, type=field_arrow_type(field), from_pandas=True))
        names.append(str(name))
    return pa.Table.from_arrays(arrays, names=names)
