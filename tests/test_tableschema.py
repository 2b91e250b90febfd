"""The one module of Table Schema type knowledge: what each type becomes in a
CSV cell, in Arrow, in pandas, in SQLite and as a curated Python value, and
that the descriptor's types are all ones it knows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from minusma_data._schema import pandas_dtype
from minusma_data._tableschema import (
    TYPES,
    arrow_type,
    csv_cell,
    enum_of,
    field_type,
    foreign_keys,
    has_type,
    table_names,
)

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("text", "text"),
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (2.0, "2"),
        (2.5, "2.5"),
        (1.2e9, "1200000000"),
        (1e16, "1e+16"),
        (dt.date(2023, 6, 30), "2023-06-30"),
    ],
)
def test_csv_cells(value, cell):
    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("a", "string", True),
        (1, "integer", True),
        (True, "integer", False),
        (1, "number", True),
        (1.5, "number", True),
        (True, "boolean", True),
        (1, "boolean", False),
        (dt.date(2023, 1, 1), "date", True),
        (dt.datetime(2023, 1, 1), "date", False),
        ("2023-01-01", "date", False),
    ],
)
def test_curated_values_have_their_type(value, kind, expected):
    assert has_type(value, kind) is expected


def test_every_type_maps_to_every_tool():
    expected_arrow = {
        "string": pa.string(),
        "integer": pa.int64(),
        "year": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
    }
    expected_pandas = {
        "string": pd.StringDtype("python"),
        "integer": pd.Int64Dtype(),
        "year": pd.Int64Dtype(),
        "number": pd.Float64Dtype(),
        "boolean": pd.BooleanDtype(),
        "date": "datetime64[s]",
    }
    assert set(TYPES) == set(expected_arrow)
    for name in TYPES:
        assert arrow_type(name) == expected_arrow[name]
        assert pandas_dtype({"name": "x", "type": name}) == expected_pandas[name]
        assert field_type(name).sqlite in ("TEXT", "INTEGER", "REAL")
    assert arrow_type("string", coded=True) == pa.dictionary(pa.int32(), pa.string())
    with pytest.raises(ValueError, match="'text' is not one of"):
        field_type("text")


def test_the_descriptor_uses_known_types_only():
    for resource in DESCRIPTOR["resources"]:
        for field in resource["schema"]["fields"]:
            assert field["type"] in TYPES, (resource["name"], field["name"])


def test_foreign_keys_in_every_form():
    schema = {
        "foreignKeys": [
            {"fields": "actor_id", "reference": {"resource": "actors-parquet", "fields": "actor_id"}},
            {"fields": ["event_id"], "reference": {"resource": "events", "fields": ["event_id"]}},
            {"fields": ["part_of"], "reference": {"resource": "", "fields": ["actor_id"]}},
            "not a key",
        ]
    }
    assert foreign_keys(schema, "actors") == [
        (["actor_id"], "actors", ["actor_id"]),
        (["event_id"], "events", ["event_id"]),
        (["part_of"], "actors", ["actor_id"]),
    ]


def test_tables_and_enums_from_the_descriptor():
    assert table_names(DESCRIPTOR) == [r["name"] for r in DESCRIPTOR["resources"] if r["format"] == "csv"]
    assert enum_of({"type": "string", "constraints": {"enum": ["b", "a"]}}) == ["b", "a"]
    assert enum_of({"type": "string", "constraints": None}) is None
    assert enum_of({"type": "integer", "constraints": {"enum": [1]}}) is None


def test_every_type_maps_to_polars():
    pl = pytest.importorskip("polars")
    from minusma_data._tableschema import polars_dtype

    expected = {
        "string": pl.String,
        "integer": pl.Int64,
        "year": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
    }
    assert set(expected) == set(TYPES)
    for name, dtype in expected.items():
        assert polars_dtype({"name": "x", "type": name}) == dtype
    assert polars_dtype({"type": "string", "constraints": {"enum": ["b", "a"]}}) == pl.Enum(["b", "a"])


def test_foreign_keys_of_a_parquet_resource_name_tables():
    """A Parquet resource's foreign keys point at Parquet twins (events-parquet); they are read as the tables."""
    from minusma_data._tableschema import foreign_keys as keys_of

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    tables = [r["name"] for r in descriptor["resources"] if r["format"] == "csv"]
    parquet = [r for r in descriptor["resources"] if r["format"] == "parquet"]
    targets = {t for r in parquet for _, t, _ in keys_of(r["schema"], r["name"])}
    assert any(
        fk["reference"].get("resource", "").endswith("-parquet")
        for r in parquet
        for fk in r["schema"].get("foreignKeys", [])
    )
    assert targets and targets <= set(tables)
