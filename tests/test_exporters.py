"""One registry of export formats and layouts (minusma_data._exporters): the
command line offers exactly its names, docs/exports.md lists exactly its
entries, every entry writes files with its extension and media type, and a
name it lacks is refused with a stable code before anything is written."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from minusma_data import UnknownFormatError, cli, load
from minusma_data._errors import CODES, UnknownLayoutError
from minusma_data._exporters import EXPORTS, LAYOUTS, export
from minusma_data._locate import locate
from minusma_data._schema import read_package

ROOT = Path(__file__).resolve().parent.parent
ALL = {**EXPORTS, **LAYOUTS}


def choices(option: str) -> list[str]:
    export_parser = next(
        a
        for a in cli._parser()._subparsers._group_actions[0].choices.items()
        if a[0] == "export"  # type: ignore[union-attr]
    )[1]
    action = next(a for a in export_parser._actions if option in a.option_strings)
    return list(action.choices)


def test_the_command_line_offers_the_registry():
    assert choices("--format") == list(EXPORTS)
    assert choices("--layout") == list(LAYOUTS)


def documented(text: str) -> dict[str, tuple]:
    """The table of exports in docs/exports.md, row by row."""
    rows = re.findall(
        r"^\| `--(format|layout) ([a-z]+)` \| (.+?) \| `(.+?)` \| `(.+?)` \| (yes|no) \| (.*?) \|$", text, re.M
    )
    return {name: (kind, summary, ext, media, own == "yes", extra.strip("` ") or None)
            for kind, name, summary, ext, media, own, extra in rows}  # fmt: skip


def registered() -> dict[str, tuple]:
    """The same, from the registry."""
    everything = {**EXPORTS, **LAYOUTS}
    return {
        e.name: (e.kind, e.summary, e.extension, e.media_type, e.self_describing, e.extra) for e in everything.values()
    }


def test_the_docs_table_is_the_registry():
    assert documented((ROOT / "docs" / "exports.md").read_text(encoding="utf-8")) == registered()


def recipe_code() -> list[str]:
    """The Python blocks of CONTRIBUTING.md's "Adding an export format", in order."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Adding an export format", 1)[1].split("\n## ", 1)[0]
    return [textwrap.dedent(block) for block in re.findall(r"```python\n(.*?)```", section, re.S)]


def test_a_new_format_follows_the_recipe(monkeypatch, tmp_path, capsys):
    """CONTRIBUTING.md's recipe, run as written: its writer and its registry
    entry make a `tsv` format that the command line offers and writes, and
    that the docs table check flags until its row is documented."""
    import minusma_data._exporters as registry

    writer, entry = recipe_code()
    namespace = dict(vars(registry))
    exec(writer, namespace)
    tsv = eval(entry, namespace)
    monkeypatch.setitem(EXPORTS, tsv.name, tsv)
    assert "tsv" in choices("--format")
    assert cli.main(["export", "--format", "tsv", "--output", str(tmp_path / "out")]) == 0
    package = read_package(locate())
    for table in package.tables:
        lines = (tmp_path / "out" / f"{table}.tsv").read_text(encoding="utf-8").splitlines()
        assert lines[0].split("\t") == [f["name"] for f in package.fields(table)]
        assert len(lines) - 1 == len(load(table))
    docs = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    missing = set(registered()) - set(documented(docs))
    assert missing == {"tsv"}, "the docs table check does not flag the undocumented format"
    row = f"| `--format tsv` | {tsv.summary} | `{tsv.extension}` | `{tsv.media_type}` | no |  |"
    assert documented(docs + "\n" + row + "\n") == registered()


@pytest.mark.parametrize("name", list(ALL))
def test_each_export_writes_files_with_its_extension_and_media_type(name, tmp_path):
    entry = ALL[name]
    package = read_package(locate())
    output = tmp_path / "out"
    options = {"layout": name} if entry.kind == "layout" else {"format": name}
    written = export(package, output, **options)
    assert written.files and all(path.is_file() for path in written.files)
    rows = [p for p in written.files if p.suffix == entry.extension]
    assert rows, written.files
    descriptor = output / "datapackage.json"
    assert descriptor.is_file() == entry.self_describing
    if entry.self_describing:
        resources = json.loads(descriptor.read_text(encoding="utf-8"))["resources"]
        assert {r["mediatype"] for r in resources} == {entry.media_type}
        assert {Path(r["path"]).suffix for r in resources} == {entry.extension}


@pytest.mark.parametrize(
    ("options", "error", "code"),
    [
        ({"format": "ndjson"}, UnknownFormatError, "unknown-format"),
        ({"format": None}, UnknownFormatError, "unknown-format"),
        ({"layout": "gdelt"}, UnknownLayoutError, "unknown-layout"),
    ],
)
def test_an_unknown_name_is_refused_with_its_code_and_nothing_written(tmp_path, options, error, code):
    with pytest.raises(error) as raised:
        export(read_package(locate()), tmp_path / "out", **options)
    assert raised.value.code == code and code in CODES
    assert isinstance(raised.value, ValueError)
    assert not (tmp_path / "out").exists()


def test_the_command_line_refuses_an_unknown_format(capsys, tmp_path):
    with pytest.raises(SystemExit) as raised:
        cli.main(["export", "--format", "ndjson", "--output", str(tmp_path / "out")])
    assert raised.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
