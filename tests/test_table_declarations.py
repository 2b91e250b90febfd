"""A table's declaration in package.toml is all the build follows, so a
declaration it cannot follow is refused like any bad input: exit status 1,
problems naming package.toml, the table and the key, each with its stable
code, no traceback, and every published file as it was.

Each case edits one [tables.<name>] section (or a vocabulary) in a scratch
copy of the repository and runs the build as a command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import published_snapshot, run_build

SPEC = "data/curated/package.toml"


def _section(text: str, name: str) -> tuple[int, int]:
    """[start, end) of a [tables.<name>] or [vocabularies.<name>] section."""
    start = text.index(f"\n[{name}]\n") + 1
    end = text.find("\n[", start)
    return start, len(text) if end == -1 else end


def in_section(name: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace text that occurs exactly once in one section of package.toml."""

    def edit(root: Path) -> None:
        path = root / SPEC
        text = path.read_text(encoding="utf-8")
        start, end = _section(text, name)
        block = text[start:end]
        assert block.count(old) == 1, f"[{name}]: expected {old!r} exactly once"
        path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")

    return edit


def drop_section(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / SPEC
        text = path.read_text(encoding="utf-8")
        start, end = _section(text, name)
        path.write_text(text[:start] + text[end:], encoding="utf-8")

    return edit


def append(block: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / SPEC
        path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")

    return edit


NOTES = """
[tables.notes]
title = "Notes"
description = "Notes."
curated = "notes.toml"
entry = "note"
primary_key = ["note_id"]
fields = [
  { name = "note_id", type = "string", title = "Note id", description = "Slug.", required = true },
]
"""


@dataclass(frozen=True)
class Case:
    code: str
    edit: Callable[[Path], None]
    entry: str  # the table or vocabulary the problem names
    field: str  # the key it names
    carries: str = ""  # words the message must hold
    file: str = SPEC

    def __str__(self) -> str:
        return f"{self.code}-{self.entry}-{self.field}"


CASES = [
    Case(
        "table-unknown-builder",
        in_section("tables.events", 'builder = "events"', 'builder = "evnts"'),
        "table 'events'",
        "builder",
        "did you mean 'events'?",
    ),
    Case(
        "table-builder-twice",
        in_section("tables.figures", 'builder = "figures"', 'builder = "events"'),
        "table 'figures'",
        "builder",
        "table 'events' is already made by builder 'events'",
    ),
    # the actors builder counts mentions; without the mentions table it cannot
    Case("table-needs-table", drop_section("tables.mentions"), "table 'actors'", "builder", "'mentions'"),
    # a builder that needs its own table (the actors builder on the mentions table)
    Case(
        "table-needs-cycle",
        lambda root: (
            in_section("tables.actors", 'builder = "actors"\n', "")(root),
            in_section("tables.mentions", 'builder = "mentions"', 'builder = "actors"')(root),
        ),
        "table 'mentions'",
        "builder",
    ),
    Case(
        "table-key-missing",
        in_section("tables.figures", 'entry = "figure"\n', ""),
        "table 'figures'",
        "entry",
        'entry = "<entry>"',
    ),
    Case(
        "table-key-missing",
        in_section("tables.figures", 'evidence = "fact"\n', ""),
        "table 'figures'",
        "evidence",
        'evidence = "fact"',
    ),
    Case(
        "table-key-malformed",
        in_section("tables.figures", 'curated = "figures.toml"', 'curated = "figures"'),
        "table 'figures'",
        "curated",
        "got 'figures'",
    ),
    Case(
        "table-key-malformed",
        in_section("tables.figures", 'evidence = "fact"', 'evidence = "facts"'),
        "table 'figures'",
        "evidence",
        '"fact" or "mention"',
    ),
    Case(
        "table-evidence-without-provenance",
        in_section("tables.places", 'builder = "places"', 'builder = "places"\nevidence = "fact"'),
        "table 'places'",
        "evidence",
        'group = "provenance"',
    ),
    Case(
        "vocabulary-crosswalks-malformed",
        in_section("vocabularies.place_level", 'acled = "ACLED geo_precision"', 'acledd = "ACLED geo_precision"'),
        "vocabulary 'place_level'",
        "crosswalks",
        "did you mean 'acled'?",
    ),
    # a table declared before its curated file is written: the message names the table
    Case(
        "file-missing",
        append(NOTES),
        "",
        "",
        "package.toml declares table 'notes' with curated = \"notes.toml\"",
        file="data/curated/notes.toml",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_declaration_the_build_cannot_follow_is_one_clear_problem(scratch_repo: Path, case: Case):
    published = published_snapshot(scratch_repo)
    case.edit(scratch_repo)
    result = run_build(scratch_repo, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert [(p["code"], p["file"], p["entry"], p["field"]) for p in problems] == [
        (case.code, case.file, case.entry, case.field)
    ], problems
    assert case.carries in problems[0]["message"]
    assert published_snapshot(scratch_repo) == published


def test_a_table_with_evidence_needs_the_source_texts(scratch_repo: Path):
    """Without the table whose builder reads the texts, no evidence can be
    located: each table that needs them says so, before anything is read."""
    published = published_snapshot(scratch_repo)
    in_section("tables.sources", 'builder = "sources"\n', "")(scratch_repo)
    result = run_build(scratch_repo, "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert {p["code"] for p in problems} == {"table-needs-table"}
    assert sorted(p["entry"] for p in problems) == sorted(
        f"table '{t}'" for t in ("passages", "mentions", "events", "statements", "figures")
    )
    assert published_snapshot(scratch_repo) == published
