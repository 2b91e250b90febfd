"""The one module of Table Schema type knowledge: what each type becomes in a
CSV cell, in Arrow, in pandas, in polars, in SQLite and as a curated Python
value, and that the descriptor's types are all ones it knows. What each type
becomes in each tool is checked by loading and exporting a package holding
one field of every type, against expectations written by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import need

import minusma_data
from minusma_data._tableschema import (
    TYPES,
    csv_cell,
    enum_of,
    foreign_keys,
    has_type,
    is_coded,
    table_names,
)
from minusma_data.cli import main as cli_main

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


# What each Table Schema type becomes in each tool, written by hand from the
# specifications and the project's documentation, not read from the module:
# - Table Schema v2, "Field Types": string, integer, number, boolean, date, year;
# - docs/ and README: strings load as pandas' StringDtype (Python storage),
#   whole numbers as the nullable Int64, numbers as Float64, booleans as the
#   nullable boolean, dates as datetime64[s]; a closed vocabulary (`enum`)
#   as an unordered Categorical, an Arrow dictionary and a polars Enum;
# - Apache Arrow: utf8 string, int64, double (float64), bool, date32[day];
# - SQLite, "Datatypes In SQLite" 2 and 3.1: no boolean storage class
#   (booleans are integers 0 and 1), no date one (ISO-8601 text); a declared
#   type containing "INT" has INTEGER affinity, "REAL" REAL, "TEXT" TEXT.
# Columns: pandas dtype, Arrow type, polars dtype, SQLite declared type,
# SQLite storage class of a stored value, and the value of the row below as
# SQLite returns it.
EXPECTED = {
    "string": (pd.StringDtype("python"), pa.string(), "String", "TEXT", "text", "text"),
    "integer": (pd.Int64Dtype(), pa.int64(), "Int64", "INTEGER", "integer", -3),
    "year": (pd.Int64Dtype(), pa.int64(), "Int64", "INTEGER", "integer", 2023),
    "number": (pd.Float64Dtype(), pa.float64(), "Float64", "REAL", "real", 2.5),
    "boolean": (pd.BooleanDtype(), pa.bool_(), "Boolean", "INTEGER", "integer", 1),
    "date": (np.dtype("datetime64[s]"), pa.date32(), "Date", "TEXT", "text", "2023-06-30"),
}
# One field of each type (its name is the type's), and a string with an enum.
FIELDS = [{"name": "kind_id", "type": "string", "constraints": {"required": True, "unique": True}}]
FIELDS += [{"name": kind, "type": kind} for kind in EXPECTED]
FIELDS += [{"name": "code", "type": "string", "constraints": {"enum": ["b", "a"]}}]
CSV = b"kind_id,string,integer,year,number,boolean,date,code\nk1,text,-3,2023,2.5,true,2023-06-30,a\nk2,,,,,,,\n"


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Path:
    """A package of one table holding one field of every type, as CSV and as a
    Parquet file written here with the Arrow types above: the loader verifies
    both against the descriptor."""
    home = tmp_path_factory.mktemp("kinds")
    (home / "data").mkdir()
    (home / "data" / "kinds.csv").write_bytes(CSV)
    arrays = {"kind_id": pa.array(["k1", "k2"], pa.string())}
    values = {"string": "text", "integer": -3, "year": 2023, "number": 2.5, "boolean": True}
    values["date"] = dt.date(2023, 6, 30)
    for kind, (_, arrow, *_) in EXPECTED.items():
        arrays[kind] = pa.array([values[kind], None], arrow)
    arrays["code"] = pa.array(["a", None]).dictionary_encode().cast(pa.dictionary(pa.int32(), pa.string()))
    buffer = pa.BufferOutputStream()
    pq.write_table(pa.table(arrays), buffer)
    parquet = buffer.getvalue().to_pybytes()
    (home / "data" / "kinds.parquet").write_bytes(parquet)
    schema = {"fields": FIELDS, "primaryKey": ["kind_id"]}
    resources = []
    for name, path, data, format in (
        ("kinds", "data/kinds.csv", CSV, "csv"),
        ("kinds-parquet", "data/kinds.parquet", parquet, "parquet"),
    ):
        resources.append(
            {
                "name": name,
                "path": path,
                "format": format,
                "encoding": "utf-8",
                "schema": schema,
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            }
        )
    descriptor = {"name": "kinds", "version": "1.0.0", "resources": resources}
    (home / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return home


def test_every_type_has_its_expectations():
    assert set(TYPES) == set(EXPECTED)


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_each_type_loads_in_pandas_as_documented(kinds: Path, format: str):
    frame = minusma_data.load("kinds", data_home=kinds, format=format, verify=True)
    for kind, (dtype, *_) in EXPECTED.items():
        assert frame[kind].dtype == dtype, kind
    code = frame["code"].dtype
    assert isinstance(code, pd.CategoricalDtype) and list(code.categories) == ["b", "a"] and not code.ordered
    first = frame.iloc[0]
    assert (first["integer"], first["year"], first["number"], first["boolean"]) == (-3, 2023, 2.5, True)
    assert first["date"] == pd.Timestamp("2023-06-30") and first["string"] == "text"
    assert frame.iloc[1].drop("kind_id").isna().all()


def test_each_type_is_its_arrow_type(kinds: Path):
    table = minusma_data.load("kinds", data_home=kinds, backend="pyarrow")
    for kind, (_, arrow, *_) in EXPECTED.items():
        assert table.schema.field(kind).type == arrow, kind
    assert table.schema.field("code").type == pa.dictionary(pa.int32(), pa.string())


def test_the_published_parquet_files_hold_these_arrow_types():
    """What a reader of the published Parquet files with pyarrow alone meets."""
    for resource in DESCRIPTOR["resources"]:
        if resource["format"] != "parquet":
            continue
        schema = pq.read_schema(ROOT / resource["path"])
        for f in resource["schema"]["fields"]:
            expected = EXPECTED[f["type"]][1]
            if f.get("constraints", {}).get("enum") and f["type"] == "string":
                expected = pa.dictionary(pa.int32(), pa.string())
            assert schema.field(f["name"]).type == expected, (resource["name"], f["name"])


def test_each_type_is_its_polars_dtype(kinds: Path):
    pl = need("polars")
    frame = minusma_data.load("kinds", data_home=kinds, backend="polars")
    for kind, (_, _, polars, *_) in EXPECTED.items():
        assert frame.schema[kind] == getattr(pl, polars), kind
    assert frame.schema["code"] == pl.Enum(["b", "a"])


def test_each_type_is_its_sqlite_type_and_storage_class(kinds: Path, tmp_path: Path):
    target = tmp_path / "kinds.sqlite"
    assert cli_main(["--data-home", str(kinds), "export", "--format", "sqlite", "--output", str(target)]) == 0
    db = sqlite3.connect(target)
    try:
        declared = {c[1]: c[2] for c in db.execute("pragma table_info(kinds)")}
        stored = db.execute(
            "select " + ", ".join(f"typeof({k}), {k}" for k in EXPECTED) + " from kinds where kind_id = 'k1'"
        ).fetchone()
        nulls = db.execute("select " + ", ".join(f"typeof({k})" for k in EXPECTED) + " from kinds where kind_id = 'k2'")
        assert set(nulls.fetchone()) == {"null"}
    finally:
        db.close()
    for i, (kind, (*_, sql, storage, value)) in enumerate(EXPECTED.items()):
        assert declared[kind] == sql, kind
        assert stored[2 * i : 2 * i + 2] == (storage, value), kind
    assert declared["code"] == "TEXT"


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
    assert enum_of({"type": "integer", "constraints": {"enum": [1]}}) == [1]  # whole-number codes
    assert enum_of({"type": "number", "constraints": {"enum": [1.5]}}) is None
    assert is_coded({"type": "string", "constraints": {"enum": ["b", "a"]}})
    assert not is_coded({"type": "integer", "constraints": {"enum": [1]}})  # stays a plain integer


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
