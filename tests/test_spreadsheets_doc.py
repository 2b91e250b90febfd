"""docs/spreadsheets.md and the zip's README tell a spreadsheet user how to
import a CSV file; what they say holds. The codes written in digits, which a
spreadsheet would turn into numbers and strip of their leading zeros, are
found from the data and the schema, and the pages must name every one. The
LibreOffice import the page gives runs, as written, in the real LibreOffice
and keeps every such code as the CSV's text."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, need, need_program

from minusma_build import zip_readme

PAGE = (ROOT / "docs" / "spreadsheets.md").read_text(encoding="utf-8")
LIBREOFFICE = PAGE.split("**LibreOffice Calc:**")[1].split("\n## ")[0]
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV_RESOURCES = [r for r in PACKAGE["resources"] if r["format"] == "csv"]
TEXT = 2  # LibreOffice's CSV filter: column format 2 is Text


def rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codes_in_digits() -> dict[tuple[str, str], int]:
    """(table, column) -> its 1-based position: every `string` column whose values are all
    digits, which a spreadsheet guessing types would read as a number."""
    found = {}
    for resource in CSV_RESOURCES:
        values = rows(resource["name"])
        for position, field in enumerate(resource["schema"]["fields"], start=1):
            cells = [row[field["name"]] for row in values if row[field["name"]]]
            if field["type"] == "string" and cells and all(re.fullmatch(r"[0-9]+", cell) for cell in cells):
                found[(resource["name"], field["name"])] = position
    return found


def test_some_code_is_written_in_digits_with_a_leading_zero():
    """The check below is not vacuous: CAMEO's codes are among them, some with leading zeros."""
    assert ("events", "cameo_event_code") in codes_in_digits()
    assert any(row["cameo_event_code"].startswith("0") for row in rows("events"))


def test_the_page_names_every_code_written_in_digits_and_its_column():
    named = set(re.findall(r"`(\w+)\.(\w+)`\s+\(column (\d+) of `(\w+)\.csv`\)", LIBREOFFICE))
    assert named == {(t, f, str(p), t) for (t, f), p in codes_in_digits().items()}


@pytest.mark.parametrize("readme", ["the zip's", "the repository's"])
def test_each_readme_names_every_code_written_in_digits(readme):
    if readme == "the zip's":
        spreadsheet = zip_readme.readme(ROOT).split("### A spreadsheet")[1].split("\n## ")[0]
    else:
        spreadsheet = (ROOT / "README.md").read_text(encoding="utf-8").split("**In a spreadsheet**")[1]
        spreadsheet = spreadsheet.split("\n\n")[0]
    assert set(re.findall(r"`(\w+\.\w+)`", spreadsheet)) >= {f"{t}.{f}" for t, f in codes_in_digits()}
    assert "set to Text" in spreadsheet


def commands() -> list[list[str]]:
    (block,) = re.findall(r"^```sh\n(.*?)^```$", LIBREOFFICE, re.M | re.S)
    return [shlex.split(line) for line in block.strip().splitlines()]


def text_columns(command: list[str]) -> tuple[str, set[int]]:
    """The table a documented command imports, and the columns its filter options make Text."""
    (options,) = [a.split("=", 1)[1] for a in command if a.startswith("--infilter=")]
    tokens = options.removeprefix("CSV:").split(",")
    pairs = tokens[4].split("/") if len(tokens) > 4 else []
    columns = {int(c) for c, f in zip(pairs[::2], pairs[1::2], strict=True) if int(f) == TEXT}
    return Path(command[-1]).stem, columns


def test_the_commands_make_exactly_the_codes_text():
    wanted: dict[str, set[int]] = {}
    for (table, _), position in codes_in_digits().items():
        wanted.setdefault(table, set()).add(position)
    assert dict(text_columns(c) for c in commands()) == wanted


def convert(soffice: str, command: list[str], folder: Path, profile: Path) -> None:
    """Run a documented command as written, with its own LibreOffice profile (others may run)."""
    assert command[0] == "libreoffice"
    argv = [soffice, f"-env:UserInstallation={profile.as_uri()}", *command[1:]]
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=180, check=False)
    assert (folder / f"{Path(command[-1]).stem}.xlsx").is_file(), done.stdout + done.stderr


def cells(folder: Path, table: str, field: str) -> list[object]:
    openpyxl = need("openpyxl")
    sheet = openpyxl.load_workbook(folder / f"{table}.xlsx", read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index(field)
    return [row[column] for row in values[1:]]


@pytest.mark.slow  # LibreOffice
def test_the_documented_libreoffice_import_keeps_every_code_as_its_text(tmp_path):
    soffice = need_program("libreoffice", "apt-get install libreoffice-calc")
    folder = tmp_path / "folder"
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("curated", "source", "*.parquet"))
    for command in commands():
        convert(soffice, command, folder, tmp_path / "profile")
    for table, field in codes_in_digits():
        assert cells(folder, table, field) == [row[field] or None for row in rows(table)], f"{table}.{field}"
    # Without the step, the zeros go: the step is what keeps them.
    plain = [a.rsplit(",", 1)[0] if a.startswith("--infilter=") else a for a in commands()[0]]
    assert Path(plain[-1]).stem == "events" and plain != commands()[0]
    bare = tmp_path / "bare"
    shutil.copytree(folder / "data", bare / "data")
    convert(soffice, plain, bare, tmp_path / "profile")
    assert 33 in cells(bare, "events", "cameo_event_code")


CURLY = ("’", "“", "”")


def test_most_csv_files_hold_curly_quotes_as_the_page_says():
    assert "Most of the CSV files contain curly quotation marks" in PAGE
    held = [r for r in CSV_RESOURCES if any(q in (ROOT / r["path"]).read_text(encoding="utf-8") for q in CURLY)]
    assert len(held) > len(CSV_RESOURCES) / 2
