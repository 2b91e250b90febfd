"""Which commands read which exports (the table in docs/exports.md), and the
layouts' refusals of a package they cannot lay out.

A CSV and a Parquet export are data packages the loader reads back: `info`,
`load`, every export format and both layouts take them as `--data-home`, and
give what they give from the published package. A JSON Lines export is
refused by each in one line (`unreadable-format`). Before the fix, the
layouts refused a CSV export and the workbook a Parquet one, in words that
suggested the export was damaged.

A package whose events lack a column the layouts read, or name an actor the
actors table lacks, is refused in one line with a code, as the SQLite export
refuses it, instead of a traceback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from conftest import ROOT, need

from minusma_data import load
from minusma_data.cli import main

TABLES = [
    r["name"]
    for r in json.loads(Path(__file__).resolve().parent.parent.joinpath("datapackage.json").read_text())["resources"]
    if r["format"] == "csv"
]
COMMANDS = {
    "info": ["info"],
    "layout acled": ["export", "--layout", "acled"],
    "layout plover": ["export", "--layout", "plover"],
    "xlsx": ["export", "--format", "xlsx"],
    "sqlite": ["export", "--format", "sqlite"],
    "csv": ["export", "--format", "csv"],
    "parquet": ["export", "--format", "parquet"],
    "jsonl": ["export", "--format", "jsonl"],
}
READ_BY_ALL = ("csv", "parquet")


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("exports")
    for format in ("csv", "parquet", "jsonl"):
        assert main(["--data-home", str(ROOT), "export", "--format", format, "--output", str(base / format)]) == 0
    return {format: base / format for format in ("csv", "parquet", "jsonl")}


def run(capsys, home: Path | None, command: str, out: Path) -> tuple[int, str]:
    args = list(COMMANDS[command]) + ([] if command == "info" else ["--output", str(out)])
    status = main(([] if home is None else ["--data-home", str(home)]) + args)
    return status, capsys.readouterr().err


def written(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in READ_BY_ALL] + ["same format"])
@pytest.mark.parametrize("format", READ_BY_ALL)
def test_csv_and_parquet_exports_are_read_by_every_command(exports, tmp_path, capsys, format, command):
    """Each command gives from the export what it gives from the published package."""
    command = format if command == "same format" else command
    if command == "xlsx":
        need("xlsxwriter", "xlsx")
    status, err = run(capsys, exports[format], command, tmp_path / "from-export")
    assert status == 0, err
    if command == "info":
        return
    assert run(capsys, ROOT, command, tmp_path / "from-published")[0] == 0
    ours, theirs = written(tmp_path / "from-export"), written(tmp_path / "from-published")
    if command in ("sqlite", "xlsx"):  # the same rows, in a file whose bytes may differ
        assert ours.keys() == theirs.keys()
        return
    assert command == format or command not in READ_BY_ALL  # the other format: see below
    if command == format:  # an export of an export: the same bytes
        assert ours == theirs
        return
    if command.startswith("layout"):
        assert ours == theirs


@pytest.mark.parametrize("format", READ_BY_ALL)
def test_a_folder_export_in_the_other_format_is_refused_in_one_line(exports, tmp_path, capsys, format):
    """A CSV or Parquet folder export copies the package's own files in that
    format; an export in the other format has none to copy."""
    other = next(f for f in READ_BY_ALL if f != format)
    status, err = run(capsys, exports[format], other, tmp_path / "out")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("[export-format-absent]"), err
    assert not (tmp_path / "out").exists()


def test_a_parquet_export_gives_the_same_workbook_cells(exports, tmp_path, capsys):
    openpyxl = need("openpyxl")
    need("xlsxwriter", "xlsx")
    for name, home in (("csv", exports["csv"]), ("parquet", exports["parquet"])):
        assert run(capsys, home, "xlsx", tmp_path / name)[0] == 0
    books = {}
    for name in ("csv", "parquet"):
        book = openpyxl.load_workbook(next((tmp_path / name).glob("*.xlsx")), read_only=True)
        books[name] = {s: [list(r) for r in book[s].iter_rows(values_only=True)] for s in book.sheetnames}
        book.close()
    assert books["csv"] == books["parquet"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_json_lines_export_is_refused_in_one_line_by_every_command(exports, tmp_path, capsys, command):
    if command == "xlsx":
        need("xlsxwriter", "xlsx")
    status, err = run(capsys, exports["jsonl"], command, tmp_path / "out")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith("[unreadable-format]"), err
    assert not (tmp_path / "out").exists()


def test_the_loader_reads_csv_and_parquet_exports(exports):
    for format in READ_BY_ALL:
        for table in TABLES:
            assert load(table, format=format, data_home=exports[format], verify=True).equals(load(table))


# -- what the layouts refuse ----------------------------------------------------------------


def damaged_copy(source: Path, dest: Path, edit) -> Path:
    """A copy of a CSV export whose events.csv `edit(header, rows)` changed,
    its descriptor recording the new file (so only the change itself is wrong)."""
    import shutil

    shutil.copytree(source, dest)
    path = dest / "data" / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = edit(rows[0], rows[1:])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *body])
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(data)
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "events":
            resource.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
            schema = resource["schema"]
            schema["fields"] = [f for f in schema["fields"] if f["name"] in header]
            schema["foreignKeys"] = [
                k for k in schema.get("foreignKeys", []) if set(as_list(k["fields"])) <= set(header)
            ]
    (dest / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return dest


def as_list(fields: str | list[str]) -> list[str]:
    """A foreign key's fields as a list (the Table Schema allows a string for one)."""
    return [fields] if isinstance(fields, str) else fields


def without(column: str):
    def edit(header, rows):
        i = header.index(column)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return edit


def unknown_actor(header, rows):
    i = header.index("initiator_actor_id")
    first = next(n for n, r in enumerate(rows) if r[i])
    rows[first][i] = "nobody-at-all"
    return header, rows


DAMAGE = {
    "events lack plover_category": (without("plover_category"), "layout-column-missing"),
    "events lack initiator_actor_id": (without("initiator_actor_id"), "layout-column-missing"),
    "an event names an unknown actor": (unknown_actor, "file-damaged"),
}


@pytest.mark.parametrize("layout", ["acled", "plover"])
@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_package_the_layouts_cannot_read_is_one_line_with_a_code(exports, tmp_path, capsys, layout, damage):
    edit, code = DAMAGE[damage]
    home = damaged_copy(exports["csv"], tmp_path / "damaged", edit)
    status, err = run(capsys, home, f"layout {layout}", tmp_path / "out")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and err.strip().endswith(f"[{code}]"), err
    assert not (tmp_path / "out").exists()


def test_the_sqlite_export_refuses_the_unknown_actor_too(exports, tmp_path, capsys):
    home = damaged_copy(exports["csv"], tmp_path / "damaged", unknown_actor)
    status, err = run(capsys, home, "sqlite", tmp_path / "out")
    assert status == 1 and err.strip().endswith("[file-damaged]"), err
