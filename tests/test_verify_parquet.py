"""`verify=True` works for Parquet, which datapackage.json gives no hash
(frictionless refuses `bytes` on Parquet and ignores its `hash`, and the
bytes depend on the pyarrow that wrote them): the file must equal its CSV
twin, whose sha256 is checked first; in an exported package, which records
a sha256 for every file, the Parquet file must match its own."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from minusma_data import DataFileError, load
from minusma_data.cli import main

ROOT = Path(__file__).resolve().parent.parent


def alter_parquet(path: Path, column: str, row: int, value) -> None:
    """Rewrite a Parquet file, still valid and of the same schema, with one cell changed."""
    table = pq.read_table(path)
    values = table.column(column).to_pylist()
    assert values[row] != value
    values[row] = value
    index = table.schema.get_field_index(column)
    table = table.set_column(index, table.schema.field(index), pa.array(values, type=table.schema.field(index).type))
    pq.write_table(table, path)


@pytest.mark.parametrize("table", ["actors", "events", "figures"])
def test_published_parquet_verifies(copy, table):
    assert load(table, data_home=copy, verify=True).equals(load(table, data_home=copy, format="csv"))


def test_altered_parquet_is_refused(copy):
    target = copy / "data" / "figures.parquet"
    alter_parquet(target, "value", 5, 16000.0)  # minusma-personnel-withdrawn: 15000 in the text
    load("figures", data_home=copy)  # unverified, the altered file still loads: it is valid Parquet
    with pytest.raises(DataFileError) as info:
        load("figures", data_home=copy, verify=True)
    assert info.value.path == target
    assert "'value'" in info.value.problem and "data row 6" in info.value.problem


def test_altered_vocabulary_cell_is_refused(copy):
    target = copy / "data" / "events.parquet"
    table = pq.read_table(target)
    status = table.column("status").to_pylist()
    alter_parquet(target, "status", 0, "planned" if status[0] != "planned" else "occurred")
    with pytest.raises(DataFileError) as info:
        load("events", data_home=copy, verify=True, resolve_actors=True)
    assert info.value.path == target and "'status'" in info.value.problem


def test_dropped_row_is_refused(copy):
    target = copy / "data" / "actors.parquet"
    table = pq.read_table(target)
    pq.write_table(table.slice(1), target)
    with pytest.raises(DataFileError) as info:
        load("actors", data_home=copy, verify=True)
    assert info.value.path == target


def test_altered_csv_twin_is_refused_first(copy):
    target = copy / "data" / "figures.csv"
    target.write_bytes(target.read_bytes().replace(b"15,000", b"16,000", 1))
    with pytest.raises(DataFileError) as info:
        load("figures", data_home=copy, verify=True)
    assert info.value.path == target and "sha256" in info.value.problem


def test_parquet_with_neither_hash_nor_twin_cannot_be_verified(copy):
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "figures"]
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load("figures", data_home=copy, verify=True)
    assert info.value.path == copy / "data" / "figures.parquet"
    assert "CSV twin" in info.value.problem


def test_exported_parquet_is_verified_by_its_own_hash(tmp_path, capsys):
    out = tmp_path / "export"
    assert main(["export", "--format", "parquet", "--output", str(out)]) == 0
    capsys.readouterr()
    assert load("figures", data_home=out, verify=True).equals(load("figures"))
    alter_parquet(out / "data" / "figures.parquet", "value", 5, 16000.0)
    with pytest.raises(DataFileError) as info:
        load("figures", data_home=out, verify=True)
    assert info.value.path == out / "data" / "figures.parquet" and "sha256" in info.value.problem


def test_export_refuses_an_altered_parquet(copy, tmp_path, capsys):
    alter_parquet(copy / "data" / "figures.parquet", "value", 5, 16000.0)
    code = main(["--data-home", str(copy), "export", "--format", "parquet", "--output", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1 and str(copy / "data" / "figures.parquet") in err and "Traceback" not in err
    assert not (tmp_path / "o" / "datapackage.json").exists()
