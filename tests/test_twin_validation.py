"""scripts/validate.py: frictionless on the CSV files, then each Parquet file
proven to be its CSV's exact twin. It must pass the real package and catch
what validating the Parquet files with frictionless would catch."""

from __future__ import annotations

import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, need

from minusma_build.twins import validate_package

need("frictionless", "validate")


def rewrite_parquet(path, column, change):
    table = pq.read_table(path)
    i = table.schema.get_field_index(column)
    values = change(table.column(i).to_pylist())
    field = table.schema.field(i)
    typ = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
    array = pa.array(values, type=typ)
    if pa.types.is_dictionary(field.type):
        array = array.dictionary_encode()
    pq.write_table(table.set_column(i, field.with_type(array.type), array), path)


@pytest.mark.slow
def test_the_published_package_is_valid():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid:")


def test_a_parquet_value_that_differs_from_its_csv_is_caught(scratch_repo):
    rewrite_parquet(scratch_repo / "data/events.parquet", "summary", lambda v: ["Changed.", *v[1:]])
    assert validate_package(scratch_repo) == [
        "data/events.parquet: column 'summary' differs from data/events.csv at data row 1"
    ]


def test_a_parquet_column_of_the_wrong_type_is_caught(scratch_repo):
    table = pq.read_table(scratch_repo / "data/events.parquet")
    i = table.schema.get_field_index("status")
    plain = table.column(i).cast(pa.string())
    pq.write_table(table.set_column(i, pa.field("status", pa.string()), plain), scratch_repo / "data/events.parquet")
    (problem,) = validate_package(scratch_repo)
    assert "column 'status' is string, the schema calls for dictionary" in problem


def test_a_missing_parquet_row_is_caught(scratch_repo):
    path = scratch_repo / "data/figures.parquet"
    pq.write_table(pq.read_table(path).slice(0, 3), path)
    assert validate_package(scratch_repo) == ["data/figures.parquet: 3 rows where data/figures.csv has 7"]


def test_an_extra_parquet_row_is_caught(scratch_repo):
    path = scratch_repo / "data/figures.parquet"
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), path)
    assert validate_package(scratch_repo) == ["data/figures.parquet: 8 rows where data/figures.csv has 7"]


def test_csv_errors_come_from_frictionless(scratch_repo):
    path = scratch_repo / "data/actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\nfrance,France,state,FRA,", b"\nfrance,France,planet,FRA,"))
    problems = validate_package(scratch_repo)
    kinds = {p.split(": ")[1] for p in problems if p.startswith("actors:")}
    assert {"constraint-error", "hash-count", "byte-count"} <= kinds, problems
    assert "data/actors.parquet: column 'actor_type' differs from data/actors.csv at data row 5" in problems
