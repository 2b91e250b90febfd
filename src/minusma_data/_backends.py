"""Hand a loaded table to the library the caller asked for: pandas (as
loaded), pyarrow or polars, typed from the Table Schema the same way.

Every table is read and checked once, into pandas (see `_read.normalise`);
the other backends are converted from that frame, so all three hold the same
values. Each is imported only when asked for. The types come from
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

from . import BACKENDS
from ._errors import UnknownBackendError, unknown
from ._tableschema import enum_of, field_arrow_type, polars_dtype

if TYPE_CHECKING:
    import pandas as pd

EXTRAS = {"polars": 'pip install "minusma-data[polars]"'}


def check_backend(backend: object) -> str:
    if backend not in BACKENDS:
        raise UnknownBackendError(unknown("backend", backend, BACKENDS))
    return str(backend)


def convert(frame: pd.DataFrame, fields: list[dict[str, Any]], backend: str) -> Any:
    """`frame` (as loaded, possibly with actor-name columns added) in `backend`.
    Columns the schema does not list (the actor names) are strings."""
    if backend == "pandas":
        return frame
    table = to_arrow(frame, fields)
    if backend == "pyarrow":
        return table
    try:
        import polars as pl
    except ImportError:
        raise ImportError(
            f"backend='polars' needs polars, which is not installed. Install it with: {EXTRAS['polars']}"
        ) from None
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
        enum = enum_of(field)
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
