"""`backend=` gives the same table in pandas, polars and pyarrow: equal
values in every cell, and types taken from the Table Schema (enums as an
Arrow dictionary and a polars Enum in the schema's order, dates as dates,
integers nullable). Expected types are written from the schema here, not
read back from the program."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import need

import minusma_data
from minusma_data import BACKENDS, UnknownBackendError, load

pl = need("polars", "polars")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: r["schema"] for r in PACKAGE["resources"] if r["format"] == "csv"}
TABLES = list(SCHEMAS)
# The tables with actor ids, which resolve_actors names.
WITH_ACTORS = [
    t for t, s in SCHEMAS.items() if any(fk["reference"]["resource"] == "actors" for fk in s.get("foreignKeys", []))
]
LOADERS = {t: getattr(minusma_data, f"load_{t}") for t in TABLES}


def plain(value):
    """One cell as a plain Python value: None for every kind of missing,
    datetime.date for dates (pandas gives Timestamps)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def pandas_rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(plain(v) for v in row) for row in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("format", ["parquet", "csv"])
@pytest.mark.parametrize("table", TABLES)
def test_three_backends_hold_equal_values(table, format):
    frame = load(table, format=format)
    arrow = load(table, format=format, backend="pyarrow")
    polars = load(table, format=format, backend="polars")
    assert isinstance(arrow, pa.Table) and isinstance(polars, pl.DataFrame)
    assert arrow.column_names == polars.columns == list(frame.columns)
    expected = pandas_rows(frame)
    assert [tuple(r.values()) for r in arrow.to_pylist()] == expected
    assert polars.rows() == expected
    assert len(expected) > 0


@pytest.mark.parametrize("table", WITH_ACTORS)
def test_actor_names_in_every_backend(table):
    frame = load(table, resolve_actors=True)
    for backend in ("pyarrow", "polars"):
        other = LOADERS[table](resolve_actors=True, backend=backend)
        names = [c for c in frame.columns if c.endswith("actor_name")]
        assert names
        for name in names:
            values = other.column(name).to_pylist() if backend == "pyarrow" else other[name].to_list()
            assert values == [plain(v) for v in frame[name].astype(object)]


@pytest.mark.parametrize("table", TABLES)
def test_types_follow_the_schema(table):
    arrow = LOADERS[table](backend="pyarrow")
    polars = LOADERS[table](backend="polars")
    for field in SCHEMAS[table]["fields"]:
        name, kind = field["name"], field["type"]
        enum = field.get("constraints", {}).get("enum") if kind == "string" else None  # whole-number codes: Int64
        a, p = arrow.schema.field(name).type, polars.schema[name]
        if enum is not None:
            assert pa.types.is_dictionary(a) and a.value_type == pa.string(), (name, a)
            assert arrow.column(name).combine_chunks().dictionary.to_pylist() == enum
            assert p == pl.Enum(enum), (name, p)
            assert p.categories.to_list() == enum
        elif kind == "date":
            assert (a, p) == (pa.date32(), pl.Date), name
        elif kind in ("integer", "year"):
            assert (a, p) == (pa.int64(), pl.Int64), name
        elif kind == "number":
            assert (a, p) == (pa.float64(), pl.Float64), name
        elif kind == "boolean":
            assert (a, p) == (pa.bool_(), pl.Boolean), name
        else:
            assert (a, p) == (pa.string(), pl.String), name


def test_missing_integers_and_dates_are_nulls_not_nan():
    figures = load("figures", backend="polars")
    row = figures.filter(pl.col("figure_id") == "minusma-peacekeeper-deaths")  # "many peacekeepers": no number
    assert row["value"].to_list() == [None] and row["value"].dtype == pl.Float64
    events = load("events", backend="pyarrow")
    dates = events.column("date_start").to_pylist()
    assert None in dates and any(isinstance(d, dt.date) for d in dates)


def test_enum_order_is_the_schemas_not_alphabetical():
    status = next(f for f in SCHEMAS["events"]["fields"] if f["name"] == "status")["constraints"]["enum"]
    assert status != sorted(status)
    events = load("events", backend="polars")
    assert events.sort("status")["status"].unique(maintain_order=True).to_list() == [
        s for s in status if s in set(events["status"].to_list())
    ]


def test_unknown_backend_names_the_backends():
    with pytest.raises(UnknownBackendError) as info:
        load("events", backend="polar")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert "did you mean 'polars'?" in str(info.value)
    assert all(b in str(info.value) for b in BACKENDS)


def test_polars_missing_says_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"minusma-data\[polars\]"):
        load("events", backend="polars")


def test_import_imports_no_backend():
    code = (
        "import sys, minusma_data; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'polars', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
