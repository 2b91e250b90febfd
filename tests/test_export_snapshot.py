"""Exports read one snapshot of the package, and never deadlock with a build.

A build publishes two versions of a copy of the package in turn, without
pause, in a process of its own (tests/publish_loop.py, the build's own
`publish` under its exclusive lock), while the command line exports the copy
again and again, in this process: every export finishes within its timeout,
every export holds one version whole (the descriptor's title and the events'
summary of the same version), and the build keeps publishing throughout.

Before the fix, an xlsx export met a waiting build and both hung: the
command held the shared lock, and the workbook's reads asked for it again,
queueing behind the build that waited for the first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import select
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, need

from minusma_data import cli

PUBLISHER = Path(__file__).with_name("publish_loop.py")
OLD_SUMMARY, NEW_SUMMARY = b"Russia wages war in Ukraine.", b"Russia wages a war in Ukraine."
NEW_TITLE = " (second version)"
TIMEOUT = 60  # seconds for one export; each takes about one


def two_versions(root: Path) -> list[dict[str, bytes]]:
    """The published files of the copy, and a second version with another
    events summary and title (its descriptor recording the new CSV's hash)."""
    old = {rel: (root / rel).read_bytes() for rel in ("datapackage.json", "data/events.csv")}
    assert old["data/events.csv"].count(OLD_SUMMARY) == 1
    events = old["data/events.csv"].replace(OLD_SUMMARY, NEW_SUMMARY)
    descriptor = json.loads(old["datapackage.json"])
    descriptor["title"] += NEW_TITLE
    for resource in descriptor["resources"]:
        if resource["path"] == "data/events.csv":
            resource.update(bytes=len(events), hash="sha256:" + hashlib.sha256(events).hexdigest())
    new = {"datapackage.json": (json.dumps(descriptor, indent=2) + "\n").encode(), "data/events.csv": events}
    return [new, old]


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("snapshot") / "package"
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("curated", ".staging-*", ".publish-*"))
    for name in ("datapackage.json", "LICENSE", "LICENSE-DATA"):
        shutil.copy2(ROOT / name, root / name)
    (root.parent / "versions.pickle").write_bytes(pickle.dumps(two_versions(root)))
    return root


@contextlib.contextmanager
def publishing(root: Path) -> Iterator[subprocess.Popen]:
    """The stream of publishes, running once this returns; stopped (its stdin
    closed) at the end, and it must stop within the timeout: it never hangs."""
    loop = subprocess.Popen(
        [sys.executable, str(PUBLISHER), str(root), str(root.parent / "versions.pickle")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        assert select.select([loop.stdout], [], [], TIMEOUT)[0], "the publisher did not start"
        assert loop.stdout and loop.stdout.readline().startswith(b"published")
        yield loop
        assert loop.poll() is None, "the publisher stopped by itself"
        assert loop.stdin
        loop.stdin.close()
        loop.wait(timeout=TIMEOUT)
        assert loop.returncode == 0
    finally:
        if loop.poll() is None:
            loop.kill()
            loop.wait()


def export_within_timeout(*args: str) -> int:
    """The command line's exit status; fails the test if it has not returned within TIMEOUT."""
    status: list[int] = []
    worker = threading.Thread(target=lambda: status.append(cli.main(list(args))), daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if worker.is_alive():
        pytest.fail(f"export {' '.join(args)} hung for {TIMEOUT} s during a stream of publishes (a deadlock)")
    return status[0]


def publishes_so_far(loop: subprocess.Popen) -> int:
    """How many publishes the stream has reported (reading what it printed so far)."""
    assert loop.stdout
    count = 0
    while select.select([loop.stdout], [], [], 0)[0]:
        line = loop.stdout.readline()
        if not line:
            break
        count = int(line.split()[1])
    return count


def csv_version(out: Path) -> str:
    title = json.loads((out / "datapackage.json").read_bytes())["title"]
    events = (out / "data" / "events.csv").read_bytes()
    return version_of(title, NEW_SUMMARY in events, OLD_SUMMARY in events)


def xlsx_version(out: Path) -> str:
    openpyxl = need("openpyxl")
    book = openpyxl.load_workbook(next(out.glob("*.xlsx")), read_only=True)
    try:
        title = next(row[1] for row in book["about"].iter_rows(values_only=True) if row[0] == "title")
        summaries = {str(v) for row in book["events"].iter_rows(values_only=True) for v in row}
    finally:
        book.close()
    return version_of(title, NEW_SUMMARY.decode() in summaries, OLD_SUMMARY.decode() in summaries)


def version_of(title: str, new_summary: bool, old_summary: bool) -> str:
    """'new' or 'old' when the title and the summary agree; a mix fails."""
    new_title = title.endswith(NEW_TITLE)
    assert new_summary != old_summary, "the events hold both summaries, or neither"
    events = "new" if new_summary else "old"
    assert new_title == new_summary, f"a mix of versions: title {title!r} with the {events} events"
    return "new" if new_title else "old"


READ_BACK = {"csv": csv_version, "xlsx": xlsx_version}


@pytest.mark.slow
@pytest.mark.parametrize("format", READ_BACK)
def test_exports_during_a_stream_of_publishes_are_one_version_and_never_hang(package, tmp_path, format, capsys):
    if format == "xlsx":
        need("xlsxwriter", "xlsx")
    seen = []
    with publishing(package) as loop:
        for i in range(6):
            out = tmp_path / f"export-{i}"
            args = ("--data-home", str(package), "export", "--format", format, "--output", str(out))
            status = export_within_timeout(*args)
            assert status == 0, capsys.readouterr().err
            seen.append(READ_BACK[format](out))
        assert publishes_so_far(loop) > 1, "the build did not publish while the exports ran"
    assert set(seen) <= {"new", "old"}
