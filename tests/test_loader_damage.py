"""A missing or damaged file stops the loader with an error that names the
file and says how to restore it, whichever way the data was found: passed as
data_home, bundled in the wheel, or in a checkout.

Every test damages a copy of the published files in tmp_path, never the
files themselves.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import minusma_data
from minusma_data import DataFileError, DescriptorError, _locate, load

ROOT = Path(__file__).resolve().parent.parent

# How the copy is found -> the remedy its errors must give.
REMEDIES = {
    "data_home": "restore that copy",
    "bundled": "pip install --force-reinstall minusma-data",
    "checkout": "run `python scripts/build.py` in the checkout",
}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "copy"
    dest.mkdir()
    for name in ("datapackage.json", "pyproject.toml"):  # a checkout has both
        shutil.copy2(ROOT / name, dest / name)
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest


@pytest.fixture(params=sorted(REMEDIES))
def found(request, copy: Path, monkeypatch):
    """(keyword arguments that make the loader read the copy, expected remedy)."""
    kind = request.param
    if kind == "data_home":
        return {"data_home": copy}, REMEDIES[kind]
    monkeypatch.setattr(_locate, "bundled_root", lambda: copy if kind == "bundled" else None)
    monkeypatch.setattr(_locate, "checkout_root", lambda: copy)
    assert _locate.locate().kind == kind
    return {}, REMEDIES[kind]


def raises_naming(path: Path, remedy: str, call, error=DataFileError) -> str:
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    assert str(path) in message, message
    assert remedy in message, message
    assert info.value.path == path
    return message


def test_the_intact_copy_loads(found, copy):
    kwargs, _ = found
    for table in minusma_data.TABLES:
        assert len(load(table, **kwargs)) == len(load(table, format="csv", verify=True, **kwargs)) > 0


# -- missing files -------------------------------------------------------------


@pytest.mark.parametrize("format", ["parquet", "csv"])
def test_missing_file(found, copy, format):
    kwargs, remedy = found
    target = copy / "data" / f"events.{format}"
    target.unlink()
    message = raises_naming(target, remedy, lambda: minusma_data.load_events(format=format, **kwargs))
    assert "missing" in message


def test_missing_descriptor(found, copy):
    kwargs, remedy = found
    (copy / "datapackage.json").unlink()
    message = raises_naming(copy / "datapackage.json", remedy, lambda: load("events", **kwargs), DescriptorError)
    assert "missing" in message


def test_descriptor_that_is_not_json(found, copy):
    kwargs, remedy = found
    descriptor = copy / "datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes()[:500])
    message = raises_naming(descriptor, remedy, lambda: load("events", **kwargs), DescriptorError)
    assert "not valid JSON" in message


def test_descriptor_that_is_not_a_data_package(found, copy):
    kwargs, remedy = found
    descriptor = copy / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    message = raises_naming(descriptor, remedy, lambda: minusma_data.descriptor(**kwargs), DescriptorError)
    assert "'resources'" in message


# -- truncated CSV ---------------------------------------------------------------


def test_csv_truncated_inside_a_quoted_cell(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "events.csv"
    data = target.read_bytes()
    cut = data.index(b',"', data.index(b"\n") + 1) + 5  # a few characters into a quoted cell of row 1
    target.write_bytes(data[:cut])
    message = raises_naming(target, remedy, lambda: load("events", format="csv", **kwargs))
    assert "not valid CSV" in message and "truncated" in message


def test_csv_truncated_mid_row(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "events.csv"
    lines = target.read_bytes().split(b"\n")
    partial = lines[3][: lines[3].index(b",") + 1]  # the fourth row cut after its first cell
    target.write_bytes(b"\n".join([*lines[:3], partial]))
    message = raises_naming(target, remedy, lambda: load("events", format="csv", **kwargs))
    assert "required but empty in data row 3" in message and "truncated" in message


def test_empty_csv(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "figures.csv"
    target.write_bytes(b"")
    raises_naming(target, remedy, lambda: minusma_data.load_figures(format="csv", **kwargs))


# -- corrupted Parquet -------------------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "footer"])
def test_corrupted_parquet(found, copy, damage):
    kwargs, remedy = found
    target = copy / "data" / "events.parquet"
    data = target.read_bytes()
    if damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "overwritten":
        target.write_bytes(b"event_id,summary\nx,y\n")
    else:
        target.write_bytes(data[:-8] + b"\xff" * 8)  # footer length and magic bytes
    message = raises_naming(target, remedy, lambda: minusma_data.load_events(**kwargs))
    assert "not readable Parquet" in message


# -- altered bytes, caught only by verification ---------------------------------------


def test_altered_byte_is_caught_with_verification(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "events.csv"
    data = target.read_bytes()
    at = data.index(b"Armed groups attack")
    target.write_bytes(data[:at] + b"Armed grouPs attack" + data[at + len(b"Armed groups attack") :])
    assert len(target.read_bytes()) == len(data)
    altered = load("events", format="csv", **kwargs)  # still valid CSV: only the hash can tell
    assert any(s.startswith("Armed grouPs attack the mission over the years") for s in altered["summary"].tolist())
    message = raises_naming(target, remedy, lambda: load("events", format="csv", verify=True, **kwargs))
    assert "sha256" in message and "altered" in message


def test_appended_bytes_are_caught_with_verification(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "actors.csv"
    target.write_bytes(target.read_bytes() + b"\n")
    message = raises_naming(target, remedy, lambda: minusma_data.load_actors(format="csv", verify=True, **kwargs))
    recorded = next(r["bytes"] for r in minusma_data.descriptor(**kwargs)["resources"] if r["name"] == "actors")
    assert f"{recorded + 1} bytes where datapackage.json records {recorded}" in message


# -- files at odds with their schema ----------------------------------------------


def test_csv_with_a_renamed_column(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "figures.csv"
    data = target.read_bytes()
    target.write_bytes(data.replace(b"lower_bound", b"lower", 1))
    message = raises_naming(target, remedy, lambda: load("figures", format="csv", **kwargs))
    assert "missing lower_bound" in message and "unexpected lower" in message


def test_parquet_without_a_column(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "figures.parquet"
    pq.write_table(pq.read_table(target).drop_columns(["scope_note"]), target)
    message = raises_naming(target, remedy, lambda: load("figures", **kwargs))
    assert "missing scope_note" in message


def test_csv_value_outside_its_vocabulary(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "events.csv"
    data = target.read_bytes()
    target.write_bytes(data.replace(b",occurred,", b",happened,", 1))
    message = raises_naming(target, remedy, lambda: load("events", format="csv", **kwargs))
    assert (
        "'status'" in message
        and "'happened'" in message
        and "occurred, ongoing, planned, superseded, alleged" in message
    )


def test_csv_whole_number_code_outside_its_vocabulary(found, copy):
    """acled_inter is an integer with an enum (ACLED's inter codes 1 to 8): 9 is refused."""
    import csv
    import io

    kwargs, remedy = found
    target = copy / "data" / "actors.csv"
    table = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    table[1][table[0].index("acled_inter")] = "9"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    target.write_text(out.getvalue(), encoding="utf-8")
    message = raises_naming(target, remedy, lambda: load("actors", format="csv", **kwargs))
    assert "'acled_inter'" in message and "9" in message and "in its vocabulary: 1, 2, 3, 4, 5, 6, 7, 8" in message


def test_csv_integer_column_with_text(found, copy):
    kwargs, remedy = found
    target = copy / "data" / "passages.csv"
    lines = target.read_text(encoding="utf-8").split("\n")
    cells = lines[1].split(",")
    header = lines[0].split(",")
    cells[header.index("paragraph")] = "two"
    lines[1] = ",".join(cells)
    target.write_text("\n".join(lines), encoding="utf-8")
    message = raises_naming(target, remedy, lambda: load("passages", format="csv", **kwargs))
    assert "'paragraph'" in message and "'two'" in message and "valid integer" in message


# -- whole-file writes ---------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    from minusma_data._atomic import write_atomic

    target = tmp_path / "table.csv"
    target.write_bytes(b"old")

    def half_then_fail(path):
        path.write_bytes(b"half of the new")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic(target, half_then_fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_a_written_file_gets_the_usual_permissions(tmp_path):
    """Not the private 0600 of a temporary file: what open() would give."""
    import os

    from minusma_data._atomic import write_atomic

    write_atomic(tmp_path / "new.csv", b"x")
    (tmp_path / "plain.csv").write_bytes(b"x")
    assert os.stat(tmp_path / "new.csv").st_mode == os.stat(tmp_path / "plain.csv").st_mode


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_a_repeated_id_is_damage_not_a_crash(tmp_path, format):
    """An actors file whose actor_id repeats (the primary key) is refused in one
    error, also when another table's actor names are resolved from it."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("curated"))
    shutil.copy2(ROOT / "datapackage.json", home / "datapackage.json")
    csv_path = home / "data" / "actors.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    csv_path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    table = pq.read_table(home / "data" / "actors.parquet")
    pq.write_table(pa.concat_tables([table, table.slice(0, 1)]), home / "data" / "actors.parquet")
    for name in ("actors", "events"):
        with pytest.raises(DataFileError) as raised:
            load(name, format=format, data_home=home, resolve_actors=True)
        assert raised.value.code == "file-damaged"
        assert raised.value.path.name == f"actors.{format}"
