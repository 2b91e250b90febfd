"""The explorer page on a hostile package: every path and file a descriptor
names is read only inside the package, only as a regular file, and never
read at all before it is checked; whatever is wrong is one line with a
stable code, promptly (a named pipe never blocks the page), and nothing
outside the package reaches the page or the workbook."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, need, returns_within

SECRET = "secret-token-12345"
"""Written only in files outside the package: no byte of it may reach an output."""


def site_main(capsys, root: Path, output: Path) -> tuple[int, str]:
    """`python -m minusma_build.site --root ROOT --output OUTPUT` in this process: exit status and stderr."""
    from minusma_build import site

    capsys.readouterr()
    with returns_within():
        code = site.main(["--root", str(root), "--output", str(output)])
    return code, capsys.readouterr().err


def assert_refused(capsys, root: Path, output: Path, expected: str) -> None:
    """One line `site: <expected>: ...`, exit 1, no traceback, nothing written."""
    code, err = site_main(capsys, root, output)
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"site: {expected}: "), lines[0]
    assert not output.exists()


def edit(root: Path, change: Callable[[dict], None]) -> None:
    raw = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    change(raw)
    (root / "datapackage.json").write_text(json.dumps(raw), encoding="utf-8")


def source_path(path: str) -> Callable[[dict], None]:
    def change(raw: dict) -> None:
        raw["sources"][0]["path"] = path

    return change


def outside(tmp_path: Path) -> Path:
    """A private file beside the package, never to be published."""
    private = tmp_path / "private.txt"
    private.write_text(f"{SECRET}\n", encoding="utf-8")
    return private


def json_ld(site: Path) -> dict:
    html = (site / "index.html").read_text(encoding="utf-8")
    start = html.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    return json.loads(html[start : html.index("</script>", start)])


# -- the descriptor's `sources` paths ---------------------------------------------


@pytest.mark.parametrize(
    "given, code",
    [("absolute", "path-outside"), ("climbing", "path-outside"), ("dev-zero", "path-outside"),
     ("link-out", "link-outside"), ("missing", "missing-file"), ("fifo", "unreadable-file"),
     ("folder", "unreadable-file")],
)  # fmt: skip
def test_a_descriptor_source_path_is_checked_like_a_resource_path(copy, tmp_path, capsys, given, code):
    """The top-level `sources[].path` is checked before anything is read:
    inside the package, no link out, a regular file; else one line."""
    private = outside(tmp_path)
    path = {
        "absolute": str(private),
        "climbing": "../private.txt",
        "dev-zero": "/dev/zero",
        "link-out": "data/source/link.txt",
        "missing": "data/source/no-such.txt",
        "fifo": "data/source/pipe.txt",
        "folder": "data/source",
    }[given]
    if given == "link-out":
        (copy / path).symlink_to(private)
    if given == "fifo":
        os.mkfifo(copy / path)
    edit(copy, source_path(path))
    assert_refused(capsys, copy, tmp_path / "site", code)


def test_a_source_file_named_like_a_url_is_linked_percent_encoded_in_the_json_ld(copy, tmp_path, capsys):
    """A file `javascript:...` inside the package is a file: its contentUrl is
    percent-encoded by the page's one URL rule, never a scheme."""
    from minusma_build.urls import relative_href, scheme

    name = "javascript:alert(document.domain)"
    (copy / name).write_bytes(next((copy / "data" / "source").iterdir()).read_bytes())
    (copy / "javascript:x").mkdir()
    (copy / "javascript:x" / "y.parquet").write_bytes((copy / "data" / "figures.parquet").read_bytes())

    def change(raw: dict) -> None:
        raw["sources"][0]["path"] = name
        figures = next(r for r in raw["resources"] if r["name"] == "figures-parquet")
        figures["path"] = "javascript:x//y.parquet"

    edit(copy, change)
    code, err = site_main(capsys, copy, tmp_path / "site")
    assert code == 0, err
    urls = [d["contentUrl"] for d in json_ld(tmp_path / "site")["distribution"]]
    assert relative_href(name) in urls and relative_href("javascript:x//y.parquet") in urls
    assert [u for u in urls if scheme(u) is not None] == []


# -- CITATION.cff --------------------------------------------------------------------


def test_a_citation_file_of_invalid_yaml_is_one_line(copy, tmp_path, capsys):
    (copy / "CITATION.cff").write_text("title: [unclosed\n", encoding="utf-8")
    assert_refused(capsys, copy, tmp_path / "site", "citation-unreadable")


@pytest.mark.parametrize("given, code", [("link-out", "link-outside"), ("fifo", "citation-unreadable")])
def test_a_citation_file_linking_out_or_not_a_file_is_refused_unread(copy, tmp_path, capsys, given, code):
    private = tmp_path / "notes.yml"
    private.write_text(f'title: PRIVATE-TITLE\nauthors:\n  - name: "{SECRET}"\n', encoding="utf-8")
    if given == "link-out":
        (copy / "CITATION.cff").symlink_to(private)
    else:
        os.mkfifo(copy / "CITATION.cff")
    assert_refused(capsys, copy, tmp_path / "site", code)


def test_the_workbook_never_reads_a_citation_file_linking_out_of_the_package(copy, tmp_path, capsys):
    need("xlsxwriter", "xlsx")
    from minusma_data import cli

    private = tmp_path / "notes.yml"
    private.write_text(f'title: PRIVATE-TITLE\nauthors:\n  - name: "{SECRET}"\n', encoding="utf-8")
    (copy / "CITATION.cff").symlink_to(private)
    out = tmp_path / "out.xlsx"
    capsys.readouterr()
    code = cli.main(["--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.strip().endswith("[citation-unreadable]"), err
    if out.exists():
        with zipfile.ZipFile(out) as book:
            assert not [n for n in book.namelist() if SECRET.encode() in book.read(n)]


# -- named pipes in place of the package's files ----------------------------------


@pytest.mark.parametrize("where", ["datapackage.json", "source-text", "data/events.csv"])
def test_a_named_pipe_in_place_of_a_package_file_is_refused_promptly(copy, tmp_path, capsys, where):
    """A FIFO would block a read for ever: each is refused unread, as not a
    regular file (`unreadable-file`), never as missing."""
    target = next((copy / "data" / "source").iterdir()) if where == "source-text" else copy / where
    target.unlink()
    os.mkfifo(target)
    assert_refused(capsys, copy, tmp_path / "site", "unreadable-file")


def test_a_descriptor_too_large_for_a_page_is_refused_unread(copy, tmp_path, capsys):
    """A 20 MB title would be written several times over: a descriptor past
    DESCRIPTOR_MAX_BYTES is refused before it is parsed."""
    from minusma_build.site_data import DESCRIPTOR_MAX_BYTES

    path = copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["title"] = "<" * DESCRIPTOR_MAX_BYTES
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert_refused(capsys, copy, tmp_path / "site", "unreadable-file")
    assert os.path.getsize(ROOT / "datapackage.json") < DESCRIPTOR_MAX_BYTES // 8  # room to grow


# -- a key naming a column the table lacks ----------------------------------------


def drop_column(root: Path, table: str, column: str) -> None:
    """The column removed from the table's CSV file and from its schema."""
    import csv

    path = root / "data" / f"{table}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [c for c in rows[0] if c != column], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)

    def change(raw: dict) -> None:
        schema = next(r for r in raw["resources"] if r["name"] == table)["schema"]
        schema["fields"] = [f for f in schema["fields"] if f["name"] != column]

    edit(root, change)


def _schema(table: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def damage(root: Path) -> None:
        edit(root, lambda raw: change(next(r for r in raw["resources"] if r["name"] == table)["schema"]))

    return damage


@pytest.mark.parametrize(
    "damage",
    [_schema("events", lambda s: s.__setitem__("primaryKey", ["zzz"])),
     _schema("passages", lambda s: s.__setitem__("primaryKey", ["zzz"])),
     _schema("events", lambda s: s["foreignKeys"][0].__setitem__("fields", ["zzz"])),
     _schema("events", lambda s: s["foreignKeys"][0].__setitem__("fields", "zzz")),
     lambda root: drop_column(root, "sources", "path"),
     lambda root: drop_column(root, "sources", "source_id"),
     lambda root: drop_column(root, "passages", "char_start"),
     lambda root: drop_column(root, "passages", "text")],
    ids=["events-key", "passages-key", "foreign-key-list", "foreign-key-text", "sources-no-path",
         "sources-no-id", "passages-no-offsets", "passages-no-text"],
)  # fmt: skip
def test_a_key_or_a_column_the_page_needs_that_the_table_lacks_is_one_line(copy, tmp_path, capsys, damage):
    """A primary or foreign key naming a column the table lacks, or an article
    table without a column the page reads: one line, never a KeyError."""
    damage(copy)
    assert_refused(capsys, copy, tmp_path / "site", "bad-descriptor")
