"""The loader gives every column of every table the dtype its Table Schema
calls for, identically from CSV and Parquet; it hands out fresh frames,
imports nothing heavy until asked, finds its data, and refuses names that do
not exist with a message that says what does.

Expected values come from the published CSV files read with the standard
library, and expected dtypes from a literal table below, never from the
loader's own mapping.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import minusma_data
from minusma_data import (
    DataFileError,
    DescriptorError,
    UnknownFormatError,
    UnknownTableError,
    _locate,
    codebook,
    descriptor,
    load,
)

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV_RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
TABLES = list(CSV_RESOURCES)
# The tables with actor ids, which resolve_actors names.
WITH_ACTORS = [
    t
    for t, r in CSV_RESOURCES.items()
    if any(fk["reference"]["resource"] == "actors" for fk in r["schema"].get("foreignKeys", []))
]
FORMATS = ["parquet", "csv"]

# Schema type -> the dtype a column must load as, written out here rather than
# taken from the loader. Strings: pandas' string dtype with Python storage and
# pd.NA, which pandas 2.2 and 3.x both give when asked for it by name.
EXPECTED_DTYPE = {
    "string": pd.StringDtype(storage="python"),
    "integer": pd.Int64Dtype(),
    "year": pd.Int64Dtype(),
    "number": pd.Float64Dtype(),
    "boolean": pd.BooleanDtype(),
    "date": np.dtype("datetime64[s]"),
}


def fields(table: str) -> list[dict]:
    return CSV_RESOURCES[table]["schema"]["fields"]


def enum(field: dict) -> list[str] | None:
    return field.get("constraints", {}).get("enum")


def csv_rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / CSV_RESOURCES[table]["path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_string_dtype(dtype: object) -> None:
    assert isinstance(dtype, pd.StringDtype), dtype
    assert dtype.storage == "python"
    assert dtype.na_value is pd.NA


def assert_expected_dtype(column: str, dtype: object, field: dict) -> None:
    """Text codes load as a Categorical in the schema's order; whole-number
    codes (an integer field with an enum) as plain Int64, like any integer."""
    values = enum(field) if field["type"] == "string" else None
    if values is not None:
        expected = pd.CategoricalDtype(pd.Index(values, dtype=pd.StringDtype(storage="python")), ordered=False)
        assert dtype == expected, f"{column}: {dtype!r}"
        assert list(dtype.categories) == values, f"{column}: categories not in the schema's order"
        assert dtype.ordered is False
        assert_string_dtype(dtype.categories.dtype)
    elif field["type"] == "string":
        assert_string_dtype(dtype)
    else:
        assert dtype == EXPECTED_DTYPE[field["type"]], f"{column}: {dtype!r}"
        assert str(dtype) == str(EXPECTED_DTYPE[field["type"]])


# -- dtypes -------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("table", TABLES)
def test_every_column_has_the_dtype_its_schema_type_calls_for(table, format):
    frame = load(table, format=format)
    assert list(frame.columns) == [f["name"] for f in fields(table)]
    for field in fields(table):
        assert_expected_dtype(field["name"], frame[field["name"]].dtype, field)


def test_the_expected_dtypes_cover_every_schema_type_in_use():
    used = {f["type"] for t in TABLES for f in fields(t)}
    assert used <= set(EXPECTED_DTYPE)
    assert any(enum(f) for t in TABLES for f in fields(t))


@pytest.mark.parametrize("table", TABLES)
def test_csv_and_parquet_load_to_identical_frames(table):
    pd.testing.assert_frame_equal(load(table, format="csv"), load(table, format="parquet"), check_exact=True)


@pytest.mark.parametrize("table", WITH_ACTORS)
def test_csv_and_parquet_agree_with_actor_names_resolved(table):
    pd.testing.assert_frame_equal(
        load(table, format="csv", resolve_actors=True),
        load(table, format="parquet", resolve_actors=True),
        check_exact=True,
    )


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize("table", TABLES)
def test_every_value_matches_the_published_csv_text(table, format):
    """Read back to text, each cell equals the CSV's; an empty cell is missing."""
    frame = load(table, format=format)
    rows = csv_rows(table)
    assert len(frame) == len(rows)
    for field in fields(table):
        name, kind = field["name"], field["type"]
        for i, (value, row) in enumerate(zip(frame[name].tolist(), rows, strict=False)):
            text = row[name]
            where = f"{table}.{name} row {i + 1}"
            if text == "":
                assert value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)), where
            elif kind == "date":
                assert value.to_pydatetime().date() == dt.date.fromisoformat(text), where
            elif kind in ("integer", "year"):
                assert value == int(text), where
            elif kind == "number":
                assert value == float(text), where
            elif kind == "boolean":
                assert value == (text in ("true", "True", "TRUE", "1")), where
            else:
                assert value == text, where


def test_index_is_a_plain_range_index():
    frame = load("events")
    assert isinstance(frame.index, pd.RangeIndex)
    assert frame.index.start == 0 and frame.index.stop == len(frame)


# -- the named loaders, the table list, the version ------------------------------


def test_tables_are_the_descriptors_tables_each_with_its_loader():
    assert tuple(TABLES) == minusma_data.TABLES
    assert typing.get_args(minusma_data.TableName) == tuple(TABLES)
    # The static copies type checkers read: tests/test_typing.py.
    for table in TABLES:
        loader = getattr(minusma_data, f"load_{table}")
        assert loader.__doc__ and len(loader.__doc__.split()) >= 8
        pd.testing.assert_frame_equal(loader(), load(table))
        pd.testing.assert_frame_equal(loader(format="csv"), load(table, format="csv"))


def test_version_is_the_descriptors():
    assert minusma_data.__version__ == DESCRIPTOR["version"]


def test_loader_options_are_keyword_only():
    with pytest.raises(TypeError):
        minusma_data.load_events("csv")  # type: ignore[misc]
    with pytest.raises(TypeError):
        load("events", "csv")  # type: ignore[misc]


# -- actor names ----------------------------------------------------------------

ACTOR_COLUMNS = {
    "events": ["initiator_actor_id", "target_actor_id"],
    "statements": ["speaker_actor_id", "addressee_actor_id", "target_actor_id"],
    "figures": ["subject_actor_id"],
    "mentions": ["actor_id"],
    "actors": ["part_of_actor_id"],
}


@pytest.mark.parametrize("table", sorted(ACTOR_COLUMNS))
def test_resolve_actors_puts_each_actors_name_after_its_id(table):
    names = {r["actor_id"]: r["name"] for r in csv_rows("actors")}
    plain = load(table)
    named = load(table, resolve_actors=True)
    expected_columns = []
    for column in plain.columns:
        expected_columns.append(column)
        if column in ACTOR_COLUMNS[table]:
            expected_columns.append(column.removesuffix("_id") + "_name")
    assert list(named.columns) == expected_columns
    for column in ACTOR_COLUMNS[table]:
        name_column = column.removesuffix("_id") + "_name"
        assert_string_dtype(named[name_column].dtype)
        for actor_id, name in zip(named[column].tolist(), named[name_column].tolist(), strict=False):
            if actor_id is pd.NA:
                assert name is pd.NA
            else:
                assert name == names[actor_id]
    pd.testing.assert_frame_equal(
        named.drop(columns=[c.removesuffix("_id") + "_name" for c in ACTOR_COLUMNS[table]]), plain
    )


def test_resolved_events_name_known_actors():
    events = minusma_data.load_events(resolve_actors=True)
    diop = events[events["initiator_actor_id"] == "diop"]
    assert len(diop) and set(diop["initiator_actor_name"]) == {"Abdoulaye Diop"}
    assert events["initiator_actor_name"].notna().sum() == events["initiator_actor_id"].notna().sum()


def test_resolve_actors_is_refused_where_there_are_no_actor_columns():
    with pytest.raises(ValueError, match="no actor columns") as info:
        load("sources", resolve_actors=True)
    for table in ACTOR_COLUMNS:
        assert table in str(info.value)


# -- fresh frames ---------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_editing_a_returned_frame_does_not_change_the_next_load(format):
    first = minusma_data.load_events(format=format)
    pristine = first.copy(deep=True)
    first.loc[0, "summary"] = "edited"
    first.loc[0, "char_start"] = -1
    first["status"] = first["status"].cat.rename_categories(lambda c: c.upper())
    del first["evidence"]
    again = minusma_data.load_events(format=format)
    assert again is not first
    pd.testing.assert_frame_equal(again, pristine)


def test_editing_the_descriptor_or_codebook_changes_nothing():
    desc = descriptor()
    desc["resources"].clear()
    desc["version"] = "edited"
    assert descriptor() == DESCRIPTOR
    book = codebook("events")
    book.loc[0, "description"] = "edited"
    assert codebook("events").loc[0, "description"] == fields("events")[0]["description"]


# -- path, descriptor, codebook -------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_path_points_at_the_published_files(table):
    csv_path = minusma_data.path(table, format="csv")
    parquet_path = minusma_data.path(table)
    assert csv_path == ROOT / "data" / f"{table}.csv"
    assert parquet_path == ROOT / "data" / f"{table}.parquet"
    recorded = CSV_RESOURCES[table]["hash"].removeprefix("sha256:")
    assert hashlib.sha256(csv_path.read_bytes()).hexdigest() == recorded
    assert pq.read_metadata(parquet_path).num_rows == len(csv_rows(table))


def test_descriptor_is_the_parsed_datapackage_json():
    assert descriptor() == DESCRIPTOR


@pytest.mark.parametrize("table", TABLES)
def test_codebook_lists_every_field_from_the_schema(table):
    book = codebook(table)
    assert list(book.columns) == ["field", "title", "type", "dtype", "required", "description", "allowed_values"]
    assert book["field"].tolist() == [f["name"] for f in fields(table)]
    for row, field in zip(book.to_dict("records"), fields(table), strict=False):
        assert row["type"] == field["type"]
        assert row["title"] == field["title"]
        assert row["description"] == field["description"]
        assert row["required"] == bool(field.get("constraints", {}).get("required", False))
        values = enum(field)
        if values is None:
            assert pd.isna(row["allowed_values"])
        elif field["type"] == "integer":  # numbers with their meaning
            labels = {c["value"]: c["label"] for c in field["categories"]}
            assert row["allowed_values"].split("\n") == [f"{v} = {labels[v]}" for v in values]
        else:
            assert row["allowed_values"].split(", ") == values
    assert_string_dtype(book["description"].dtype)
    assert book["required"].dtype == pd.BooleanDtype()
    assert book.attrs["description"] == CSV_RESOURCES[table]["description"]
    assert book.attrs["title"] == CSV_RESOURCES[table]["title"]


def test_codebook_dtype_column_matches_what_load_gives():
    frame = load("figures")
    book = codebook("figures")
    assert book["dtype"].tolist() == [str(frame[c].dtype) for c in frame.columns]


# -- bad names ------------------------------------------------------------------


def test_unknown_table_names_what_exists_and_the_nearest_name():
    with pytest.raises(UnknownTableError) as info:
        load("event")
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "'event'" in message and "did you mean 'events'?" in message
    for table in TABLES:
        assert table in message
    with pytest.raises(UnknownTableError, match="did you mean 'actors'"):
        minusma_data.path("Actor")
    with pytest.raises(UnknownTableError, match="did you mean 'figures'"):
        codebook("figure")


def test_unknown_table_without_a_near_name_still_lists_the_tables():
    with pytest.raises(UnknownTableError) as info:
        load("zzz")
    assert "did you mean" not in str(info.value)
    assert ", ".join(TABLES) in str(info.value)


def test_unknown_format_names_the_formats_and_the_nearest():
    with pytest.raises(UnknownFormatError) as info:
        load("events", format="parq")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert "did you mean 'parquet'?" in str(info.value)
    assert "parquet, csv" in str(info.value)
    with pytest.raises(UnknownFormatError, match="'xlsx'"):
        minusma_data.path("events", format="xlsx")  # type: ignore[arg-type]


def test_verification_works_for_both_formats():
    """Parquet is verified against its CSV twin (tests/test_verify_parquet.py)."""
    assert len(load("events", verify=True)) == len(load("events", format="csv", verify=True)) == len(csv_rows("events"))


# -- lazy imports ---------------------------------------------------------------


def test_import_loads_no_pandas_pyarrow_or_frictionless():
    code = (
        "import sys, minusma_data; minusma_data.__version__; minusma_data.TABLES; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'frictionless', 'numpy') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "[]"
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "minusma_data" in imported
    heavy = {m for m in imported if m.split(".")[0] in ("pandas", "pyarrow", "frictionless", "numpy")}
    assert heavy == set()


# -- where the data comes from ----------------------------------------------------


def copy_data(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest


def test_the_bundled_copy_comes_before_the_checkout(tmp_path, monkeypatch):
    bundled = copy_data(tmp_path / "_data")
    monkeypatch.setattr(_locate, "bundled_root", lambda: bundled)
    assert minusma_data.path("events") == bundled / "data" / "events.parquet"
    pd.testing.assert_frame_equal(minusma_data.load_events(), load("events", data_home=ROOT))


def test_without_a_bundled_copy_the_checkout_is_used(monkeypatch):
    monkeypatch.setattr(_locate, "bundled_root", lambda: None)
    assert _locate.locate().kind == "checkout"
    assert minusma_data.path("events", format="csv") == ROOT / "data" / "events.csv"


def test_data_home_overrides_both(tmp_path):
    home = copy_data(tmp_path / "home")
    assert minusma_data.path("figures", data_home=home) == home / "data" / "figures.parquet"
    assert descriptor(data_home=home) == DESCRIPTOR


def test_no_data_anywhere_is_a_descriptor_error(tmp_path, monkeypatch):
    monkeypatch.setattr(_locate, "bundled_root", lambda: None)
    monkeypatch.setattr(_locate, "checkout_root", lambda: tmp_path)
    with pytest.raises(DescriptorError, match="pip install --force-reinstall minusma-data"):
        load("events")


def test_a_load_reads_only_its_own_file(tmp_path):
    home = copy_data(tmp_path / "home")
    for other in (home / "data").glob("*.*"):
        if other.name != "events.parquet":
            other.unlink()
    shutil.rmtree(home / "data" / "source")
    assert len(minusma_data.load_events(data_home=home)) == len(csv_rows("events"))
    with pytest.raises(DataFileError):
        minusma_data.load_events(data_home=home, resolve_actors=True)  # names need actors.parquet too


def test_a_rebuilt_descriptor_is_read_again(tmp_path):
    home = copy_data(tmp_path / "home")
    original = json.loads((home / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor(data_home=home)["version"] == original["version"]  # now cached for `home`
    changed = dict(original, version="9.9.9")
    (home / "datapackage.json").write_text(json.dumps(changed, indent=2), encoding="utf-8")
    assert descriptor(data_home=home)["version"] == "9.9.9"


def test_a_changed_file_is_read_again_after_a_warm_load(tmp_path):
    home = copy_data(tmp_path / "home")
    first = minusma_data.load_events(data_home=home)
    table = pq.read_table(home / "data" / "events.parquet")
    i = table.schema.get_field_index("summary")
    summaries = table.column(i).to_pylist()
    summaries[0] = "A changed summary."
    pq.write_table(
        table.set_column(i, table.schema.field(i), pa.array(summaries, type=pa.string())),
        home / "data" / "events.parquet",
    )
    second = minusma_data.load_events(data_home=home)
    assert first.loc[0, "summary"] != "A changed summary."
    assert second.loc[0, "summary"] == "A changed summary."


# -- any values, both formats ---------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12)
ROW = st.fixed_dictionaries(
    {
        "text": st.one_of(st.none(), TEXT, st.sampled_from(["NA", "N/A", "null", "None", "nan", "NaN", " ", "#N/A"])),
        "kind": st.one_of(st.none(), st.sampled_from(["zeta", "alpha", "mu"])),
        "count": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        "amount": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
        "flag": st.one_of(st.none(), st.booleans()),
        "day": st.one_of(st.none(), st.dates(dt.date(1700, 1, 1), dt.date(2250, 12, 31))),
    }
)
SYNTHETIC_FIELDS = [
    {"name": "id", "type": "integer", "constraints": {"required": True}},
    {"name": "text", "type": "string"},
    {"name": "kind", "type": "string", "constraints": {"enum": ["zeta", "alpha", "mu"]}},
    {"name": "count", "type": "integer"},
    {"name": "amount", "type": "number"},
    {"name": "flag", "type": "boolean"},
    {"name": "day", "type": "date", "format": "default"},
]


def write_synthetic_package(root: Path, rows: list[dict]) -> None:
    """A one-table package written the way the build writes its files: CSV with
    empty cells for missing values, Parquet from an explicit Arrow schema."""
    (root / "data").mkdir(parents=True)
    schema = {"fields": SYNTHETIC_FIELDS, "missingValues": [""], "primaryKey": ["id"]}
    (root / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "synthetic",
                "resources": [
                    {"name": "things", "path": "data/things.csv", "format": "csv", "schema": schema},
                    {"name": "things-parquet", "path": "data/things.parquet", "format": "parquet", "schema": schema},
                ],
            }
        ),
        encoding="utf-8",
    )

    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    # "\r\n" rows: Python's csv module quotes a cell only for the characters of its
    # line terminator, and a bare "\r" left unquoted reads back as a row break.
    with open(root / "data" / "things.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([f["name"] for f in SYNTHETIC_FIELDS])
        for i, row in enumerate(rows):
            writer.writerow([cell(i)] + [cell(row[f["name"]]) for f in SYNTHETIC_FIELDS[1:]])
    codes = ["zeta", "alpha", "mu"]
    arrays = [
        pa.array(range(len(rows)), pa.int64()),
        pa.array([r["text"] for r in rows], pa.string()),
        pa.DictionaryArray.from_arrays(
            pa.array([None if r["kind"] is None else codes.index(r["kind"]) for r in rows], pa.int32()), pa.array(codes)
        ),
        pa.array([r["count"] for r in rows], pa.int64()),
        pa.array([r["amount"] for r in rows], pa.float64()),
        pa.array([r["flag"] for r in rows], pa.bool_()),
        pa.array([r["day"] for r in rows], pa.date32()),
    ]
    pq.write_table(
        pa.Table.from_arrays(arrays, names=[f["name"] for f in SYNTHETIC_FIELDS]), root / "data" / "things.parquet"
    )


@pytest.mark.slow
@settings(max_examples=examples(60))
@given(st.lists(ROW, min_size=1, max_size=8))
def test_any_values_load_identically_from_csv_and_parquet(rows):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_synthetic_package(root, rows)
        from_csv = load("things", format="csv", data_home=root)
        from_parquet = load("things", format="parquet", data_home=root)
    pd.testing.assert_frame_equal(from_csv, from_parquet, check_exact=True)
    for field in SYNTHETIC_FIELDS:
        assert_expected_dtype(field["name"], from_csv[field["name"]].dtype, field)
    for i, row in enumerate(rows):
        got = from_csv.iloc[i]
        assert got["id"] == i
        for name, value in row.items():
            if value is None or (name == "text" and value == ""):
                assert pd.isna(got[name]), (name, got[name])
            elif name == "day":
                assert got[name].date() == value
            else:
                assert got[name] == value, (name, got[name], value)
