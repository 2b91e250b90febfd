"""Where an export writes, and what it leaves when it cannot finish
(minusma_data._output).

- It never writes into the package it reads (`output-is-data-home`).
- A folder export (csv, parquet, jsonl) writes into a folder that is new,
  empty or an earlier export of its own (`.minusma-export.json` lists its
  files), and refuses any other folder losing nothing (`output-not-empty`);
  it does not write through a symbolic link (`output-is-a-link`).
- Every export, stopped by a full disk or an interrupt at any file, leaves
  the earlier export whole and no temporary file; a full disk is one line
  (`disk-full`), never "cannot write None".
- An --output below a regular file is one line (`output-not-a-folder`).
- A SQLite export replaces a database a crashed writer left in WAL mode
  with a new file, leaving no -wal, -shm or -journal to replay into it.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import need

import minusma_data._output as output
from minusma_data import load
from minusma_data._exporters import EXPORTS, LAYOUTS
from minusma_data.cli import main

FOLDER_FORMATS = ["csv", "parquet", "jsonl"]
EVERY = [*(("--format", n) for n in EXPORTS), *(("--layout", n) for n in LAYOUTS)]
IDS = [f"{option[2:]}-{name}" for option, name in EVERY]


def needs(option: str, name: str) -> None:
    if name == "xlsx":
        need("xlsxwriter", "xlsx")
        need("yaml", "xlsx")


def export(capsys, out: Path, option: str = "--format", name: str = "csv", *extra: str) -> tuple[int, str]:
    status = main([*extra, "export", option, name, "--output", str(out)])
    return status, capsys.readouterr().err


def tree(root: Path) -> dict[str, bytes | str | None]:
    """Every entry under root: a file's bytes, a link's target, None for a folder."""
    entries: dict[str, bytes | str | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        entries[rel] = os.readlink(path) if path.is_symlink() else None if path.is_dir() else path.read_bytes()
    return entries


def one_line(err: str, code: str) -> None:
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.strip().endswith(f"[{code}]"), err


# -- the package it reads --------------------------------------------------------------


@pytest.mark.parametrize("where", ["the package", "its data folder", "a folder containing it"])
@pytest.mark.parametrize("option, name", EVERY, ids=IDS)
def test_an_export_never_writes_into_the_package_it_reads(copy, capsys, option, name, where):
    """Before the fix, `export --output` equal to `--data-home` overwrote its
    datapackage.json and README, after which it no longer loaded. A folder
    containing the package is refused to the folder exports, which replace
    the folder they write."""
    needs(option, name)
    if where == "a folder containing it" and name not in FOLDER_FORMATS:
        # a file export writes its files there (`--output ~` with the package installed under ~)
        status, err = export(capsys, copy.parent, option, name, "--data-home", str(copy))
        assert status == 0, err
        load("events", data_home=copy, verify=True)
        return
    out = {"the package": copy, "its data folder": copy / "data", "a folder containing it": copy.parent}[where]
    before = tree(copy.parent)
    status, err = export(capsys, out, option, name, "--data-home", str(copy))
    assert status == 1
    one_line(err, "output-is-data-home")
    assert tree(copy.parent) == before
    load("events", data_home=copy, verify=True)


def test_a_folder_inside_the_package_but_outside_its_data_is_allowed(copy, capsys):
    status, err = export(capsys, copy / "exports" / "csv", "--format", "csv", "--data-home", str(copy))
    assert status == 0, err
    load("events", data_home=copy, verify=True)


# -- whose folder ----------------------------------------------------------------------


@pytest.mark.parametrize("name", FOLDER_FORMATS)
def test_a_folder_of_other_files_is_refused_and_nothing_is_lost(tmp_path, capsys, name):
    mine = tmp_path / "mine"
    (mine / "data").mkdir(parents=True)
    (mine / "thesis.docx").write_bytes(b"a year of work")
    (mine / "data" / "events.csv").write_bytes(b"my own events")
    before = tree(tmp_path)
    status, err = export(capsys, mine, "--format", name)
    assert status == 1
    one_line(err, "output-not-empty")
    assert tree(tmp_path) == before


def test_an_earlier_export_is_replaced_whole(tmp_path, capsys):
    """A csv export, then a parquet export into the same folder: the folder is the parquet export alone."""
    out = tmp_path / "out"
    assert export(capsys, out, "--format", "csv")[0] == 0
    status, err = export(capsys, out, "--format", "parquet")
    assert status == 0, err
    assert not list(out.rglob("*.csv"))
    marker = json.loads((out / output.MARKER).read_bytes())
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert sorted([*marker["files"], output.MARKER]) == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging or previous folder left


@pytest.mark.parametrize(
    "change",
    ["a file of the user's added", "a file replaced by a link out of the folder"],
)
def test_an_earlier_export_that_was_changed_is_refused(tmp_path, capsys, change):
    """The marker lists the files an export wrote; a folder that holds
    anything else, or a link in place of one of them, is not the export's to
    replace. The file a link points to is never written."""
    out = tmp_path / "out"
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"the user's own file")
    assert export(capsys, out, "--format", "csv")[0] == 0
    if change.startswith("a file of the user's"):
        (out / "data" / "notes.txt").write_bytes(b"my notes")
    else:
        (out / "data" / "events.csv").unlink()
        (out / "data" / "events.csv").symlink_to(outside)
    before = tree(tmp_path)
    status, err = export(capsys, out, "--format", "csv")
    assert status == 1
    one_line(err, "output-not-empty")
    assert tree(tmp_path) == before


def test_an_output_that_is_a_link_is_refused(tmp_path, capsys):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "keep.txt").write_bytes(b"keep")
    (tmp_path / "out").symlink_to(target, target_is_directory=True)
    before = tree(tmp_path)
    status, err = export(capsys, tmp_path / "out", "--format", "csv")
    assert status == 1
    one_line(err, "output-is-a-link")
    assert tree(tmp_path) == before


@pytest.mark.parametrize("option, name", EVERY, ids=IDS)
def test_an_output_below_a_regular_file_is_one_line(tmp_path, capsys, option, name):
    needs(option, name)
    (tmp_path / "file").write_bytes(b"a file")
    suffix = {"sqlite": "db.sqlite", "xlsx": "book.xlsx"}.get(name, "folder")
    status, err = export(capsys, tmp_path / "file" / "below" / suffix, option, name)
    assert status == 1
    one_line(err, "output-not-a-folder")
    assert tree(tmp_path) == {"file": b"a file"}


# -- a full disk, an interrupt -----------------------------------------------------------


def failing_writer(monkeypatch, at: int, error: BaseException) -> None:
    """The export's writer fails at its `at`-th file, as a full disk does (an
    OSError without a file name), or is interrupted there."""
    real, calls = output._write_new, [0]

    def write(path, content):
        calls[0] += 1
        if calls[0] == at:
            raise error
        real(path, content)

    monkeypatch.setattr(output, "_write_new", write)


FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("option, name", EVERY, ids=IDS)
@pytest.mark.parametrize("stop", ["disk full", "interrupted"])
def test_a_failed_re_export_leaves_the_earlier_export_whole(tmp_path, capsys, monkeypatch, option, name, stop):
    """Before the fix, a disk-full re-export into an earlier export's folder
    left it a mix of old and new files, with "cannot write None"; Ctrl-C gave
    a KeyboardInterrupt traceback."""
    needs(option, name)
    out = tmp_path / ("out.sqlite" if name == "sqlite" else "out")
    assert export(capsys, out, option, name)[0] == 0
    for path in [p for p in tmp_path.rglob("*") if p.is_file() and p.name != output.MARKER]:
        path.write_bytes(b"earlier " + path.read_bytes())  # so that a new file among them would show
    before = tree(tmp_path)
    failing_writer(monkeypatch, 1 if name == "xlsx" else 2, FULL if stop == "disk full" else KeyboardInterrupt())
    if stop == "interrupted":  # Ctrl-C: one line and 130, no traceback
        status, err = export(capsys, out, option, name)
        assert status == 130
        one_line(err, "interrupted")
    else:
        status, err = export(capsys, out, option, name)
        assert status == 1
        one_line(err, "disk-full")
        assert "None" not in err
    assert tree(tmp_path) == before


def test_sqlites_own_full_disk_is_one_line(tmp_path, capsys, monkeypatch):
    import minusma_data._sqlite as sqlite_export

    def full(db, package, records):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_export, "_fill", full)
    status, err = export(capsys, tmp_path / "out.sqlite", "--format", "sqlite")
    assert status == 1
    one_line(err, "disk-full")
    assert list(tmp_path.iterdir()) == []


# -- SQLite: no stale log replayed into the new database ------------------------------------

CRASHED_WRITER = """
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("CREATE TABLE old_table (x)")
db.commit()
db.execute("INSERT INTO old_table VALUES (1)")
db.commit()
os._exit(0)  # a crash: the connection is never closed, the log never checkpointed
"""


def test_a_sqlite_export_over_a_crashed_wal_database_opens_as_the_new_data(tmp_path, capsys):
    """Before the fix, the export exited 0 and the file then opened as the
    old database: SQLite replayed the stale -wal into the new file."""
    target = tmp_path / "minusma.sqlite"
    import subprocess

    subprocess.run([sys.executable, "-c", CRASHED_WRITER, str(target)], check=True, timeout=60)
    assert Path(f"{target}-wal").stat().st_size > 0, "the writer left no log to replay"
    status, err = export(capsys, target, "--format", "sqlite")
    assert status == 0, err
    assert not any(Path(f"{target}{s}").exists() for s in ("-wal", "-shm", "-journal"))
    db = sqlite3.connect(target)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "old_table" not in tables and "events" in tables
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == len(load("events"))
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        db.close()


def test_every_code_the_loader_and_the_exports_give_is_listed():
    """Each `code="..."` in minusma_data, and each `[code]` the command line
    prints, is in `_errors.CODES`, the one list of them."""
    import re

    from minusma_data._errors import CODES

    source = Path(output.__file__).parent
    used = set()
    for path in source.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'code="([a-z-]+)"', text))
        used |= set(re.findall(r"(?<!ignore)\[([a-z]+(?:-[a-z]+)+)\]", text))
    assert used and used <= set(CODES), sorted(used - set(CODES))
