"""Faults of the filesystem and inputs its consumers would reject: each ends
in one problem with a stable code (naming the path, what is wrong and what to
do), no traceback, and the published files as they were.

- files that cannot be read: a folder, a symbolic-link loop, no permission,
  a UTF-8 BOM, zero bytes;
- a data/ folder or a target that cannot be written or replaced, a full disk;
- a descriptor the Data Package v2 profile refuses (`version = 0.2`,
  `[package.licenses]` as a table);
- a source path outside the repository;
- text a spreadsheet or a CSV reader would misread: C1 controls,
  bidirectional overrides, line breaks in a cell, formulas behind a tab or
  carriage return.

And dates from year 1 to 9999 build and load (datetime64[s]).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, build_in_process, copy_repo, published_snapshot, returns_within, run_build
from test_bad_input import in_entry, replace

import minusma_data
from minusma_build import publish as publishing
from minusma_build.errors import BuildError, Problem
from minusma_build.pipeline import produce
from minusma_build.publish import JOURNAL, PublishError, build_lock, publish, stale_outputs
from minusma_data.buildkit import package_lock

SOURCE = "data/source/000_93716cde958e498d.txt"
FRANCE = 'event_id = "france-drafts-resolution"'
FRANCE_SUMMARY = 'summary = "France drafts the resolution that ends the mission."'
WITHDRAWAL_ID = 'event_id = "minusma-withdraws"'
WITHDRAWAL = 'date = { basis = "external", start = "2023-07-01", end = "2023-12-31", reference = "un-sc-15341" }'


def curated(root: Path, name: str) -> Path:
    return root / "data" / "curated" / name


def folder_in_place(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        curated(root, name).unlink()
        curated(root, name).mkdir()

    return edit


def symlink_loop(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        curated(root, name).unlink()
        curated(root, name).symlink_to(curated(root, name))

    return edit


def truncate(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        curated(root, name).write_bytes(b"")

    return edit


def bom(name: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        curated(root, name).write_bytes(b"\xef\xbb\xbf" + curated(root, name).read_bytes())

    return edit


def source_path(value: Callable[[Path], str]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = curated(root, "sources.toml")
        text = path.read_text(encoding="utf-8")
        assert text.count(f'path = "{SOURCE}"') == 1
        path.write_text(text.replace(f'path = "{SOURCE}"', f"path = {json.dumps(value(root))}"), encoding="utf-8")

    return edit


def outside_copy(root: Path) -> str:
    """The source text, byte for byte (same sha256), outside the repository."""
    outside = root.parent / "outside.txt"
    outside.write_bytes((root / SOURCE).read_bytes())
    return str(outside)


def symlinked_out(root: Path) -> str:
    link = root / "data" / "source" / "link.txt"
    link.symlink_to(outside_copy(root))
    return "data/source/link.txt"


def summary(new: str) -> Callable[[Path], None]:
    """The France event's summary as a TOML basic string (escapes allowed)."""
    return in_entry("events.toml", FRANCE, FRANCE_SUMMARY, f'summary = "{new}"')


# (id, edit, code, file, field)
CASES = [
    ("curated file is a folder", folder_in_place("events.toml"), "file-is-folder", "data/curated/events.toml", ""),
    ("symlink loop", symlink_loop("actors.toml"), "file-unreadable", "data/curated/actors.toml", ""),
    ("zero bytes", truncate("figures.toml"), "file-empty", "data/curated/figures.toml", ""),
    ("package.toml zero bytes", truncate("package.toml"), "file-empty", "data/curated/package.toml", ""),
    ("BOM", bom("statements.toml"), "toml-bom", "data/curated/statements.toml", ""),
    (
        "version a number",
        replace("package.toml", 'version = "0.1.0"', "version = 0.2"),
        "descriptor-invalid",
        "data/curated/package.toml",
        "version",
    ),
    (
        "licenses a table",
        replace("package.toml", "[[package.licenses]]", "[package.licenses]"),
        "descriptor-invalid",
        "data/curated/package.toml",
        "licenses",
    ),
    ("source path absolute", source_path(outside_copy), "source-path-outside", "data/curated/sources.toml", "path"),
    (
        "source path dot-dot",
        source_path(lambda root: (outside_copy(root), "../outside.txt")[1]),
        "source-path-outside",
        "data/curated/sources.toml",
        "path",
    ),
    ("source path symlink out", source_path(symlinked_out), "source-path-outside", "data/curated/sources.toml", "path"),
    (
        "C1 control NEL",
        summary("France drafts\\u0085 the resolution."),
        "value-control-character",
        "data/curated/events.toml",
        "summary",
    ),
    (
        "C1 control CSI",
        summary("France \\u009b drafts the resolution."),
        "value-control-character",
        "data/curated/events.toml",
        "summary",
    ),
    (
        "bidi override",
        summary("France \\u202edrafts the resolution."),
        "value-bidi-control",
        "data/curated/events.toml",
        "summary",
    ),
    (
        "bidi isolate",
        summary("France \\u2066drafts\\u2069 the resolution."),
        "value-bidi-control",
        "data/curated/events.toml",
        "summary",
    ),
    (
        "line feed in a cell",
        summary("France drafts\\nthe resolution."),
        "value-line-break",
        "data/curated/events.toml",
        "summary",
    ),
    (
        "line separator in a cell",
        summary("France drafts\\u2028the resolution."),
        "value-line-break",
        "data/curated/events.toml",
        "summary",
    ),
    ("formula behind a tab", summary("\\t=HYPERLINK(1)"), "value-formula", "data/curated/events.toml", "summary"),
    ("formula behind spaces and a tab", summary("  \\t+1"), "value-formula", "data/curated/events.toml", "summary"),
    (
        "pattern overflows",
        replace("package.toml", 'pattern = "^[0-9a-f]{64}$"', 'pattern = "a{4294967296}"'),
        "pattern-invalid",
        "data/curated/package.toml",
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_hostile_input_is_one_problem_with_its_code(scratch_repo: Path, case, capsys):
    """The JSON report from the build's main() in this process; the plain
    one from scripts/build.py in a process of its own, as a user runs it."""
    _, edit, code, file, field = case
    published = published_snapshot(scratch_repo)
    edit(scratch_repo)
    result = build_in_process(scratch_repo, capsys, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert [p["code"] for p in problems][:1] == [code], problems
    assert problems[0]["file"] == file
    if field is not None:
        assert problems[0]["field"] == field
    plain = run_build(scratch_repo)
    assert "Traceback" not in plain.stderr and plain.returncode == 1
    assert published_snapshot(scratch_repo) == published


def test_a_formula_behind_a_carriage_return_is_refused(scratch_repo: Path):
    summary("\\r=1+1")(scratch_repo)
    with pytest.raises(BuildError) as info:
        produce(scratch_repo)
    assert {"value-formula", "value-control-character"} <= set(info.value.codes)


# Every bidirectional control Unicode defines (UAX #9, "Explicit Directional
# Embeddings, Overrides and Isolates"), each alone: an unpaired one reorders
# the rest of the cell in a viewer just as a pair does.
BIDI_CONTROLS = {
    "U+202A LRE": "\u202a",
    "U+202B RLE": "\u202b",
    "U+202C PDF": "\u202c",
    "U+202D LRO": "\u202d",
    "U+202E RLO": "\u202e",
    "U+2066 LRI": "\u2066",
    "U+2067 RLI": "\u2067",
    "U+2068 FSI": "\u2068",
    "U+2069 PDI": "\u2069",
}


@pytest.fixture(scope="module")
def bidi_refusals(tmp_path_factory) -> dict[str, list[Problem]]:
    """One build of a copy in which each of several events' summaries holds
    one bidi control, alone: the problems, by event."""
    root = copy_repo(tmp_path_factory.mktemp("bidi") / "repo")
    path = curated(root, "events.toml")
    text = path.read_text(encoding="utf-8")
    entries = {}
    lines = text.split("\n")
    event = None
    done = 0
    for i, line in enumerate(lines):
        if line.startswith("event_id = "):
            event = line.split('"')[1]
        elif line.startswith('summary = "') and done < len(BIDI_CONTROLS):
            name = list(BIDI_CONTROLS)[done]
            at = line.index(" ", len('summary = "'))  # after the summary's first word
            lines[i] = line[:at] + " " + BIDI_CONTROLS[name] + line[at + 1 :]
            entries[name] = event
            done += 1
    assert done == len(BIDI_CONTROLS)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        produce(root)
    found: dict[str, list[Problem]] = {}
    for problem in info.value.problems:
        found.setdefault(problem.entry, []).append(problem)
    return {name: found.get(f"event {event!r}", []) for name, event in entries.items()}


@pytest.mark.parametrize("name", BIDI_CONTROLS)
def test_each_bidi_control_alone_is_refused(bidi_refusals, name: str):
    """docs/guarantees.md: a bidirectional embedding, override or isolate
    (U+202A-U+202E, U+2066-U+2069) is refused, each one alone, not only as a pair."""
    problems = bidi_refusals[name]
    assert [(p.code, p.file, p.field) for p in problems] == [
        ("value-bidi-control", "data/curated/events.toml", "summary")
    ], problems
    assert f"U+{ord(BIDI_CONTROLS[name]):04X}" in problems[0].message


def refuse_reading(monkeypatch, target: Path) -> None:
    """Reading `target` fails as a file without read permission would: tests
    run as root, who may read anything, so the refusal is simulated."""
    real = os.open

    def refusing_open(path: str | Path, flags: int, *args: object, **kwargs: object) -> int:
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def test_an_unreadable_curated_file_is_one_problem(scratch_repo: Path, monkeypatch):
    """Tests run as root, who may read anything: the refusal is simulated."""
    refuse_reading(monkeypatch, curated(scratch_repo, "mentions.toml"))
    with pytest.raises(BuildError) as info:
        produce(scratch_repo)
    assert info.value.codes == ["file-unreadable"]
    assert info.value.problems[0].file == "data/curated/mentions.toml"


# -- publishing into a folder that refuses --------------------------------------


def changed_outputs(root: Path) -> dict[str, bytes]:
    summary("France drafts the resolution that closes the mission.")(root)
    return produce(root).outputs


@pytest.mark.parametrize(
    "operation, error, code",
    [
        ("mkdtemp", errno.EACCES, "data-folder-unwritable"),
        ("mkdtemp", errno.EROFS, "data-folder-unwritable"),
        ("write", errno.ENOSPC, "staging-failed"),
        ("fsync", errno.EIO, "staging-failed"),
        ("replace", errno.EACCES, "staging-failed"),  # the journal's own replace comes first
    ],
)
def test_a_folder_that_cannot_be_written_is_one_error(scratch_repo: Path, monkeypatch, operation, error, code):
    outputs = changed_outputs(scratch_repo)
    published = published_snapshot(scratch_repo)

    def hook(step: int, op: str, path: Path) -> None:
        if op == operation:
            raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr(publishing.STEPS, "hook", hook)
    with build_lock(scratch_repo), pytest.raises(PublishError) as info:
        publish(scratch_repo, outputs)
    assert info.value.code == code
    assert "\n" not in str(info.value)
    assert published_snapshot(scratch_repo) == published
    assert not list((scratch_repo / "data").glob(".staging-*"))


def test_a_target_that_cannot_be_replaced_keeps_the_old_package(scratch_repo: Path, monkeypatch):
    outputs = changed_outputs(scratch_repo)
    published = published_snapshot(scratch_repo)
    moves = []

    def hook(step: int, op: str, path: Path) -> None:
        if op == "replace" and path.name == "datapackage.json":
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(path))
        if op == "replace":
            moves.append(path.name)

    monkeypatch.setattr(publishing.STEPS, "hook", hook)
    with build_lock(scratch_repo), pytest.raises(PublishError) as info:
        publish(scratch_repo, outputs)
    assert info.value.code == "publish-failed"
    assert "events.csv" in moves, "the data files were moved before the descriptor failed"
    assert published_snapshot(scratch_repo) == published


@pytest.mark.slow
def test_a_published_file_that_is_a_folder_is_one_line(scratch_repo: Path):
    (scratch_repo / "data" / "events.csv").unlink()
    (scratch_repo / "data" / "events.csv").mkdir()
    for args in ((), ("--check",)):
        result = run_build(scratch_repo, *args)
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "data/events.csv" in result.stderr and "[published-file-unreadable]" in result.stderr


def test_check_meeting_an_unreadable_published_file_is_one_error(scratch_repo: Path, monkeypatch):
    outputs = produce(scratch_repo).outputs
    target = scratch_repo / "data" / "figures.parquet"
    refuse_reading(monkeypatch, target)
    with pytest.raises(PublishError) as info:
        stale_outputs(scratch_repo, outputs)
    assert info.value.code == "published-file-unreadable"
    assert str(target) in str(info.value)


def test_a_missing_data_folder_is_one_line(scratch_repo: Path):
    (scratch_repo / "data" / "events.csv").unlink()
    data = scratch_repo / "data"
    data.rename(scratch_repo / "elsewhere")
    result = run_build(scratch_repo)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr


# -- FIFOs and devices where a file should be ----------------------------------


def lock_is_free(root: Path) -> bool:
    """Whether a reader (another thread, so a lock of its own) gets the shared lock at once."""
    got = threading.Event()

    def read() -> None:
        with package_lock(root, exclusive=False):
            got.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return got.wait(5)


def fifo_in_place(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def test_a_fifo_journal_is_refused_at_once_and_lets_readers_in(scratch_repo: Path, capsys):
    """A FIFO at data/.publish-journal.json, opened, would block the build for
    ever while it holds the exclusive lock and holds back SIGINT and SIGTERM:
    it is refused unopened (`journal-damaged`, one line), left as it is, and
    the lock is let go."""
    journal = scratch_repo / JOURNAL
    os.mkfifo(journal)
    with returns_within(20):
        built = build_in_process(scratch_repo, capsys)
    assert built.returncode == 1, built.stdout
    assert len(built.stderr.strip().splitlines()) == 1 and "[journal-damaged]" in built.stderr, built.stderr
    assert stat.S_ISFIFO(journal.lstat().st_mode)
    assert lock_is_free(scratch_repo)


IN_PLACE: dict[str, Callable[[Path], None]] = {
    "fifo": fifo_in_place,
    "link to a device": lambda path: (path.unlink(), path.symlink_to("/dev/null")),
}


@pytest.mark.parametrize("args", [(), ("--check",)], ids=["build", "check"])
@pytest.mark.parametrize("kind", IN_PLACE)
def test_a_fifo_or_device_in_place_of_a_published_file_is_refused_at_once(
    scratch_repo: Path, capsys, kind: str, args: tuple[str, ...]
):
    """A published file that is a FIFO (or a link to a device, /dev/null) is refused
    unread, by the build and by --check (`published-file-unreadable`, one
    line); nothing is published and the lock is let go."""
    target = scratch_repo / "data" / "events.csv"
    IN_PLACE[kind](target)
    before = sorted(p.name for p in (scratch_repo / "data").iterdir())
    with returns_within(20):
        built = build_in_process(scratch_repo, capsys, *args)
    assert built.returncode == 1, built.stdout
    assert len(built.stderr.strip().splitlines()) == 1, built.stderr
    assert "data/events.csv" in built.stderr and "[published-file-unreadable]" in built.stderr, built.stderr
    assert sorted(p.name for p in (scratch_repo / "data").iterdir()) == before
    assert lock_is_free(scratch_repo)


FIFO_INPUTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "a curated table": (lambda root: curated(root, "events.toml"), "file-unreadable"),
    "a source text": (lambda root: min((root / "data" / "source").glob("*.txt")), "source-unreadable"),
}


@pytest.mark.parametrize("case", FIFO_INPUTS)
def test_a_fifo_curated_file_or_source_text_is_one_problem(scratch_repo: Path, case: str):
    where, code = FIFO_INPUTS[case]
    fifo_in_place(where(scratch_repo))
    with returns_within(20), pytest.raises(BuildError) as info:
        produce(scratch_repo)
    assert info.value.codes == [code]


def test_a_fifo_package_toml_beside_a_journal_is_one_problem(scratch_repo: Path, capsys):
    """Finishing a journal reads package.toml (the tables name the files a
    journal may move) under the exclusive lock: a FIFO there is one problem,
    not a build blocked with the lock held."""
    (scratch_repo / "data" / ".staging-x").mkdir()
    (scratch_repo / JOURNAL).write_text(json.dumps({"staging": "data/.staging-x", "moves": []}))
    fifo_in_place(scratch_repo / "data" / "curated" / "package.toml")
    with returns_within(20):
        built = build_in_process(scratch_repo, capsys)
    assert built.returncode == 1, built.stdout
    assert "[file-unreadable]" in built.stderr and "package.toml" in built.stderr, built.stderr
    assert (scratch_repo / JOURNAL).is_file()
    assert lock_is_free(scratch_repo)


# -- dates the loader must represent -------------------------------------------


@pytest.mark.slow  # two whole builds
@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_every_valid_date_builds_and_loads(scratch_repo: Path, start: str, end: str):
    new = f'date = {{ basis = "external", start = "{start}", end = "{end}", reference = "un-sc-15341" }}'
    in_entry("events.toml", WITHDRAWAL_ID, WITHDRAWAL, new)(scratch_repo)
    result = run_build(scratch_repo)
    assert result.returncode == 0, result.stderr
    for format in ("csv", "parquet"):
        events = minusma_data.load("events", format=format, data_home=scratch_repo)
        assert events["date_start"].dtype == np.dtype("datetime64[s]")
        row = events.set_index("event_id").loc["minusma-withdraws"]
        assert (row["date_start"].isoformat()[:10], row["date_end"].isoformat()[:10]) == (start, end)


def test_the_cli_names_a_bad_input_without_a_traceback(scratch_repo: Path):
    """The build's command line, the shortest way a curator meets these faults."""
    folder_in_place("events.toml")(scratch_repo)
    result = subprocess.run(
        [sys.executable, "-m", "minusma_build", "--root", str(scratch_repo)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[file-is-folder]" in result.stderr
