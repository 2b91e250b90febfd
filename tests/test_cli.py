"""The command line: `info` tells the truth about the files, `export` writes
every table faithfully in each format, `validate` runs frictionless or says
how to install it, and errors exit non-zero with a message.

Expected values come from the published files read with the standard
library, not from the loader.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import need

from minusma_data import cli

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV_RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
TABLES = list(CSV_RESOURCES)


def csv_rows(table: str, root: Path = ROOT) -> list[dict[str, str]]:
    with open(root / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- info ------------------------------------------------------------------------


def check_info(out: str, root: Path) -> None:
    assert out.splitlines()[0] == f"minusma-data {DESCRIPTOR['version']}"
    assert f"data: {root} " in out
    for source in DESCRIPTOR["sources"]:
        digest = hashlib.sha256((root / source["path"]).read_bytes()).hexdigest()
        assert f"source: {source['title']}" in out
        assert f"sha256: {digest}" in out
    for table in TABLES:
        line = next(line for line in out.splitlines() if line.split()[:1] == [table])
        rows = int(re.search(r"(\d+) rows", line).group(1))
        assert rows == len(csv_rows(table, root)), table
        for listed in line.split("rows", 1)[1].split():
            assert (root / listed).is_file(), listed
        assert f"data/{table}.csv" in line and f"data/{table}.parquet" in line


def test_info_reports_version_source_and_every_table(capsys):
    code, out, err = run(capsys, "info")
    assert code == 0, err
    check_info(out, ROOT)


def test_python_m_minusma_data_info_runs_from_the_checkout():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "minusma_data", "info"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    check_info(done.stdout, ROOT)
    assert "(checkout)" in done.stdout


def test_info_with_data_home(capsys, copy):
    code, out, err = run(capsys, "info", "--data-home", str(copy))
    assert code == 0, err
    check_info(out, copy)
    assert "(data_home)" in out


def test_damaged_data_exits_non_zero_naming_the_file(capsys, copy):
    (copy / "data" / "events.parquet").write_bytes(b"not parquet")
    code, _, err = run(capsys, "info", "--data-home", str(copy))
    assert code == 1
    assert str(copy / "data" / "events.parquet") in err
    assert "restore that copy" in err


# -- export ----------------------------------------------------------------------


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_export_copies_the_published_files(capsys, tmp_path, format):
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "export", "--format", format, "--output", str(out_dir))
    assert code == 0, err
    assert sorted(p.name for p in (out_dir / "data").glob(f"*.{format}")) == sorted(f"{t}.{format}" for t in TABLES)
    for table in TABLES:
        exported = out_dir / "data" / f"{table}.{format}"
        assert exported.read_bytes() == (ROOT / "data" / f"{table}.{format}").read_bytes()
        assert str(exported) in out


def test_export_jsonl_matches_the_csv_cell_for_cell(capsys, tmp_path):
    code, _, err = run(capsys, "export", "--format", "jsonl", "--output", str(tmp_path))
    assert code == 0, err
    for table in TABLES:
        types = {f["name"]: f["type"] for f in CSV_RESOURCES[table]["schema"]["fields"]}
        lines = (tmp_path / "data" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        rows = csv_rows(table)
        assert len(lines) == len(rows)
        for line, row in zip(lines, rows, strict=False):
            record = json.loads(line)
            assert list(record) == list(row)
            for name, text in row.items():
                value = record[name]
                if text == "":
                    assert value is None
                elif types[name] == "integer":
                    assert value == int(text) and isinstance(value, int)
                elif types[name] == "number":
                    assert value == float(text)
                else:
                    assert value == text  # strings, vocabulary codes and ISO dates alike


def test_export_sqlite_holds_every_row_with_keys_and_vocabularies(capsys, tmp_path):
    target = tmp_path / "minusma.db"
    code, out, err = run(capsys, "export", "--format", "sqlite", "--output", str(target))
    assert code == 0, err
    assert out.split() == [str(target), str(tmp_path / "minusma.metadata.json")]
    with sqlite3.connect(target) as db:
        for table in TABLES:
            name = "reference_records" if table == "references" else table  # the one SQL keyword
            (count,) = db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()
            assert count == len(csv_rows(table))
            columns = [r[1] for r in db.execute(f"PRAGMA table_info({name})")]
            assert columns == list(csv_rows(table)[0])
        names = {r["actor_id"]: r["name"] for r in csv_rows("actors")}
        joined = db.execute(
            "SELECT e.event_id, a.name FROM events e JOIN actors a ON a.actor_id = e.initiator_actor_id"
        ).fetchall()
        expected = [
            (r["event_id"], names[r["initiator_actor_id"]]) for r in csv_rows("events") if r["initiator_actor_id"]
        ]
        assert sorted(joined) == sorted(expected)
        dated = dict(db.execute("SELECT event_id, date_start FROM events WHERE date_start IS NOT NULL"))
        assert dated == {r["event_id"]: r["date_start"] for r in csv_rows("events") if r["date_start"]}
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE events SET status = 'happened'")
        with pytest.raises(sqlite3.IntegrityError):
            first = csv_rows("actors")[0]
            db.execute(f"INSERT INTO actors VALUES ({', '.join('?' * len(first))})", list(first.values()))
    db.close()


def test_export_sqlite_into_a_folder(capsys, tmp_path):
    code, _, _ = run(capsys, "export", "--format", "sqlite", "--output", str(tmp_path / "folder"))
    assert code == 0
    assert (tmp_path / "folder" / "minusma-data.sqlite").is_file()


def test_export_refuses_an_altered_csv(capsys, copy, tmp_path):
    target = copy / "data" / "figures.csv"
    target.write_bytes(target.read_bytes().replace(b"15,000", b"16,000", 1))
    assert target.read_bytes() != (ROOT / "data" / "figures.csv").read_bytes()
    code, _, err = run(capsys, "--data-home", str(copy), "export", "--format", "csv", "--output", str(tmp_path / "o"))
    assert code == 1
    assert str(target) in err and "sha256" in err


def test_export_onto_an_existing_file_says_it_cannot_write(capsys, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")
    code, _, err = run(capsys, "export", "--format", "csv", "--output", str(taken))
    assert code == 1
    assert str(taken) in err and err.strip().endswith("[output-not-a-folder]")
    assert "Traceback" not in err and taken.read_text(encoding="utf-8") == "not a folder"


# -- validate ----------------------------------------------------------------------


@pytest.mark.slow
def test_validate_passes_on_the_published_package(capsys):
    need("frictionless", "validate")
    code, out, err = run(capsys, "validate")
    assert code == 0, err
    assert out.strip() == f"valid: {ROOT / 'datapackage.json'}"


@pytest.mark.slow
def test_validate_fails_on_an_altered_copy(capsys, copy):
    need("frictionless", "validate")
    target = copy / "data" / "references.csv"
    data = target.read_bytes()
    target.write_bytes(data.replace(b",high", b",certain", 1))
    assert target.read_bytes() != data
    code, _, err = run(capsys, "validate", "--data-home", str(copy))
    assert code == 1
    assert "invalid" in err and "references" in err


def test_validate_without_frictionless_says_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "frictionless", None)  # makes `import frictionless` fail
    code, out, err = run(capsys, "validate")
    assert code != 0
    assert 'pip install "minusma-data[validate]"' in err
    assert out == ""
