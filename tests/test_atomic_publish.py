"""Publishing is atomic per package, proved by stopping it at every step.

Every filesystem call publishing makes goes through minusma_build.publish.STEPS.
The build's command line is killed (SIGKILL), sent SIGTERM or SIGINT, or given
a full disk at step k, for every k from the first step to the last.
Afterwards the package must be the complete old one or the complete new one,
or hold a journal that the loader and `--check` report in one line
(code "interrupted-publish") and the next build finishes.

The build's outputs are computed once. The signal sweeps run the command line
in a pre-imported driver (tests/step_driver.py) that forks once per step and
delivers the real signal to the real process at the real step; the full-disk
sweep runs in this process. A reader that takes no lock (it reads
datapackage.json, then the files it names) is modelled before every step of a
publish, of a failed publish and of a recovery: it never meets the new
descriptor beside an old file, because datapackage.json is moved last and put
back first. And readers loading in threads while many publishes run never see
a false error.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, command_line_signals, copy_repo, published_snapshot

import minusma_data
from minusma_build import cli
from minusma_build import publish as publishing
from minusma_build.pipeline import BuildResult, produce
from minusma_build.publish import JOURNAL, PublishError, build_lock, publish, recover, stale_outputs
from minusma_data import DescriptorError

SUMMARY = 'summary = "Russia wages war in Ukraine."'
DRIVER = Path(__file__).with_name("step_driver.py")
ENV = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}


def edit_summary(root: Path, new: str) -> None:
    path = root / "data" / "curated" / "events.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(SUMMARY) == 1
    path.write_text(text.replace(SUMMARY, f'summary = "{new}"'), encoding="utf-8")


# -- the driver: the build's command line, forked once per step ---------------------------


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str
    steps: list[list[str]] = field(default_factory=list)


class Driver:
    """tests/step_driver.py, started once: `run` forks the build's command line
    at `root` with a fault at step k and returns what a subprocess would."""

    def __init__(self, result: BuildResult, work: Path) -> None:
        outputs = work / "outputs.pickle"
        outputs.write_bytes(pickle.dumps(result))
        self.log = open(work / "driver.log", "w+b")  # noqa: SIM115 (closed in close())
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), str(outputs)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=ENV,
        )

    def run(self, root: Path, step: int, action: str) -> Outcome:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write((json.dumps({"root": str(root), "step": step, "action": action}) + "\n").encode())
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], 120)
        line = self.proc.stdout.readline() if ready else b""
        if not line:
            self.log.seek(0)
            pytest.fail(f"the step driver did not answer: {self.log.read().decode(errors='replace')}")
        return Outcome(**json.loads(line))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@dataclass
class Packages:
    template: Path  # a repository whose curated files differ from its published ones
    old: dict[str, bytes]  # its published files (they load)
    new: dict[str, bytes]  # what the build publishes from it (they load)
    result: BuildResult
    steps: int  # how many publishing steps that publish takes
    driver: Driver

    def copy(self, dest: Path) -> Path:
        shutil.copytree(self.template, dest)
        return dest


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Iterator[Packages]:
    base = tmp_path_factory.mktemp("atomic")
    template = copy_repo(base / "template")
    edit_summary(template, "Russia wages a war in Ukraine.")
    old = published_snapshot(template)
    result = produce(template)
    new = dict(result.outputs)
    assert new != old and set(new) == set(old)
    assert sum(new[rel] != old[rel] for rel in new) >= 3  # events.csv, events.parquet, datapackage.json
    loadable(template)
    driver = Driver(result, base)
    try:
        done = shutil.copytree(template, base / "done")
        counted = driver.run(done, 0, "none")
        assert counted.returncode == 0, counted.stderr
        assert published_snapshot(done) == new
        loadable(done)
        yield Packages(template, old, new, result, len(counted.steps), driver)
    finally:
        driver.close()


# -- what a reader meets ----------------------------------------------------------------


def lockless_read(root: Path) -> tuple[bytes, dict[str, bytes]]:
    """What a reader that takes no lock sees: the descriptor, then each file it names."""
    descriptor = (root / "datapackage.json").read_bytes()
    paths = [r["path"] for r in json.loads(descriptor)["resources"]]
    return descriptor, {path: (root / path).read_bytes() for path in paths}


class LocklessReader:
    """Reads the package before every publishing step (the STEPS hook), as a
    reader without the lock could at any instant, and once more at the end."""

    def __init__(self, root: Path, new: dict[str, bytes]) -> None:
        self.root, self.new = root, new
        self.seen: list[tuple[int, str, str]] = []  # (step, operation, what the reader met)

    def look(self, step: int = 0, operation: str = "end") -> None:
        descriptor, files = lockless_read(self.root)
        if descriptor != self.new["datapackage.json"]:
            self.seen.append((step, operation, "old descriptor"))
            return
        stale = sorted(path for path, data in files.items() if data != self.new[path])
        self.seen.append((step, operation, f"new descriptor with old {', '.join(stale)}" if stale else "new"))

    def mismatches(self) -> list[tuple[int, str, str]]:
        return [s for s in self.seen if s[2].startswith("new descriptor with old")]


@contextlib.contextmanager
def watched(root: Path, new: dict[str, bytes], fault=None) -> Iterator[LocklessReader]:
    """Publishing steps run with a lock-less reader looking before each one;
    `fault(step, operation, path)` runs after it (to raise at step k)."""
    reader = LocklessReader(root, new)
    before = publishing.STEPS.hook

    def hook(step: int, operation: str, path: Path) -> None:
        reader.look(step, operation)
        if fault is not None:
            fault(step, operation, path)

    publishing.STEPS.hook = hook
    try:
        yield reader
    finally:
        publishing.STEPS.hook = before
        reader.look()


def assert_whole_or_reported(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """The package is the old or the new one, or a journal is reported by the
    loader and --check; then the next build's recovery leaves old or new,
    and a lock-less reader never meets a new descriptor beside an old file."""
    state = "journal" if (root / JOURNAL).exists() else None
    if state == "journal":
        with pytest.raises(DescriptorError) as info:
            minusma_data.load("events", data_home=root, format="csv", verify=True)
        assert info.value.code == "interrupted-publish"
        with pytest.raises(PublishError) as checked:
            stale_outputs(root, new)
        assert checked.value.code == "interrupted-publish"
    else:  # what readers see before any build runs again
        whole_package(root, old, new)
    with watched(root, new) as reader, build_lock(root):  # what the next build does first
        recover(root)
    assert not reader.mismatches(), reader.mismatches()
    snapshot = whole_package(root, old, new)
    assert not (root / JOURNAL).exists()
    assert not list((root / "data").glob(".staging-*"))
    return state or ("new" if snapshot == new else "old")


def whole_package(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, bytes]:
    """The published files are exactly the old package or the new one, byte
    for byte (both of which load: see `loadable`)."""
    snapshot = published_snapshot(root)
    assert snapshot in (old, new), sorted(rel for rel in snapshot if snapshot[rel] not in (old[rel], new[rel]))
    return snapshot


def loadable(root: Path) -> None:
    """Every table loads, CSV verified against its hash, and Parquet."""
    for table in minusma_data.TABLES:
        for format in ("csv", "parquet"):
            minusma_data.load(table, data_home=root, format=format, verify=format == "csv")


# -- the order of the steps, and the reader that takes no lock ----------------------------


def test_datapackage_json_is_moved_last(packages: Packages, tmp_path: Path, monkeypatch):
    """The journal is in place before the first published file is replaced and
    removed after the last; datapackage.json is the last file replaced."""
    root = packages.copy(tmp_path / "repo")
    steps: list[tuple[str, str]] = []
    monkeypatch.setattr(publishing.STEPS, "hook", lambda k, op, path: steps.append((op, path.relative_to(root))))
    with build_lock(root):
        changed = publish(root, packages.result.outputs)
    assert set(changed) == {"data/events.csv", "data/events.parquet", "datapackage.json"}
    published = {Path(rel) for rel in packages.new}
    moves = [i for i, (op, path) in enumerate(steps) if op == "replace" and path in published]
    assert [steps[i][1].as_posix() for i in moves] == ["data/events.csv", "data/events.parquet", "datapackage.json"]
    journal_in = steps.index(("replace", Path(JOURNAL)))
    journal_out = steps.index(("unlink", Path(JOURNAL)))
    assert journal_in < moves[0] and moves[-1] < journal_out


def test_a_lockless_reader_never_meets_the_new_descriptor_with_old_files(packages: Packages, tmp_path: Path):
    """Before every step of a publish, a reader that takes no lock reads the
    descriptor and then the files it names: it meets the old descriptor (with
    old or new files) or the new one with new files, never the new one with
    an old file."""
    root = packages.copy(tmp_path / "repo")
    with watched(root, packages.new) as reader, build_lock(root):
        publish(root, packages.result.outputs)
    assert len(reader.seen) == packages.steps + 1
    assert not reader.mismatches(), reader.mismatches()
    assert reader.seen[-1][2] == "new" and {s[2] for s in reader.seen} == {"old descriptor", "new"}


# -- SIGKILL, SIGTERM, SIGINT and a full disk at every step --------------------------------


@pytest.mark.slow
def test_killed_at_every_step_the_package_is_old_new_or_reported(packages: Packages, tmp_path: Path):
    assert packages.steps >= 15
    seen = set()
    for k in range(1, packages.steps + 1):
        root = packages.copy(tmp_path / f"k{k}")
        killed = packages.driver.run(root, k, "SIGKILL")
        assert killed.returncode == -signal.SIGKILL, (k, killed.stderr)
        assert len(killed.steps) == k  # it died at step k, before doing it
        seen.add(assert_whole_or_reported(root, packages.old, packages.new))
        shutil.rmtree(root)
    assert seen == {"old", "journal", "new"}, seen  # every kind of stop was reached


@pytest.mark.slow
def test_a_journal_is_reported_in_one_line_and_finished_by_the_next_build(packages: Packages, tmp_path: Path):
    """The real command lines, each in a process of its own, meet a journal a
    killed build left: `--check` and `minusma-data info` report it in one line
    and repair nothing; the next build finishes the publish."""
    root = None
    for k in range(1, packages.steps + 1):
        root = packages.copy(tmp_path / f"k{k}")
        packages.driver.run(root, k, "SIGKILL")
        if (root / JOURNAL).exists():
            break
        shutil.rmtree(root)
    assert root is not None and (root / JOURNAL).exists(), "no step left a journal"
    check = subprocess.run(
        [sys.executable, str(root / "scripts" / "build.py"), "--root", str(root), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert check.returncode == 1
    assert len(check.stderr.strip().splitlines()) == 1 and "interrupted" in check.stderr, check.stderr
    info = subprocess.run(
        [sys.executable, "-m", "minusma_data", "--data-home", str(root), "info"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert info.returncode == 1 and len(info.stderr.strip().splitlines()) == 1, info.stderr
    assert "python scripts/build.py" in info.stderr and "Traceback" not in info.stderr
    assert (root / JOURNAL).exists(), "reading must not repair"
    rebuilt = subprocess.run(
        [sys.executable, str(root / "scripts" / "build.py"), "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr
    assert published_snapshot(root) == packages.new and not (root / JOURNAL).exists()


@pytest.mark.slow
@pytest.mark.parametrize("signame, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_at_every_step_gives_one_line_and_a_whole_package(packages: Packages, tmp_path: Path, signame, status):
    for k in range(1, packages.steps + 1):
        root = packages.copy(tmp_path / f"k{k}")
        stopped = packages.driver.run(root, k, signame)
        assert stopped.returncode == status, (k, stopped.stderr)
        assert len(stopped.stderr.strip().splitlines()) == 1 and signame in stopped.stderr, stopped.stderr
        assert "[interrupted]" in stopped.stderr
        # Publishing holds the signal until it is done: every step ran, the package is whole, no journal.
        assert len(stopped.steps) == packages.steps
        assert not (root / JOURNAL).exists()
        assert assert_whole_or_reported(root, packages.old, packages.new) == "new"
        shutil.rmtree(root)


@pytest.mark.slow
def test_a_full_disk_at_every_step_leaves_a_whole_package(packages: Packages, tmp_path: Path, monkeypatch, capsys):
    """The command line, in this process, gets ENOSPC at step k: exit 1 with
    one line; the package old or new, or a journal the next build finishes;
    and a lock-less reader never meets a new descriptor with old files,
    neither while the build fails and puts the old files back nor while the
    next one recovers."""
    monkeypatch.setattr(cli, "produce", lambda root: packages.result)
    seen = set()
    for k in range(1, packages.steps + 1):
        root = packages.copy(tmp_path / f"k{k}")
        monkeypatch.setattr(publishing.STEPS, "count", 0)

        def full_disk(step: int, operation: str, path: Path, k=k) -> None:
            if step == k:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

        with command_line_signals(), watched(root, packages.new, full_disk) as reader:
            code = cli.main(["--root", str(root), "--quiet"])
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        assert code == 1 and len(err.strip().splitlines()) == 1, (k, err)
        assert not reader.mismatches(), (k, reader.mismatches())
        seen.add(assert_whole_or_reported(root, packages.old, packages.new))
        shutil.rmtree(root)
    assert seen == {"old", "journal", "new"}, seen


# -- the journal and leftovers --------------------------------------------------------------


def test_leftover_staging_folders_are_removed_by_the_next_build(packages: Packages, tmp_path: Path):
    root = packages.copy(tmp_path / "repo")
    (root / "data" / ".staging-leftover").mkdir()
    (root / "data" / ".staging-leftover" / "new__data__events.csv").write_bytes(b"half")
    with build_lock(root):
        assert recover(root) is None
    assert not list((root / "data").glob(".staging-*"))


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None) under root, to prove nothing was touched."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


STAGING = "data/.staging-leftover"
HOSTILE_PATHS = {
    "staging climbs back to data/": ("staging", f"{STAGING}/.."),
    "staging climbs out": ("staging", "data/../.."),
    "staging absolute": ("staging", "/tmp/.staging-x"),
    "target climbs out": ("path", "data/../../outside.csv"),
    "target absolute": ("path", "/etc/passwd"),
    "new file climbs back to data/": ("new", f"{STAGING}/.."),
    "new file climbs out": ("new", f"{STAGING}/../../datapackage.json"),
    "new file absolute": ("new", "/etc/passwd"),
    "old file climbs back to data/": ("old", f"{STAGING}/.."),
    "old file absolute": ("old", f"/{STAGING}/old__data__events.csv"),
}


@pytest.mark.parametrize("case", HOSTILE_PATHS, ids=list(HOSTILE_PATHS))
def test_a_journal_path_outside_the_package_is_refused_and_nothing_is_touched(
    packages: Packages, tmp_path: Path, case: str
):
    """A journal whose paths climb out with `..` or are absolute is damaged:
    the next build refuses it (`journal-damaged`) and changes no file or
    folder, inside the package or beside it. Without the check, "staging"
    set to data/.staging-leftover/.. would have recovery remove data/."""
    root = packages.copy(tmp_path / "repo")
    (root / STAGING).mkdir()
    (root / STAGING / "new__data__events.csv").write_bytes(packages.new["data/events.csv"])
    (root / STAGING / "old__data__events.csv").write_bytes(packages.old["data/events.csv"])
    (tmp_path / "outside.csv").write_bytes(b"not the package's")
    key, value = HOSTILE_PATHS[case]
    move = {
        "path": "data/events.csv",
        "new": f"{STAGING}/new__data__events.csv",
        "old": f"{STAGING}/old__data__events.csv",
        "sha256": "0" * 64,
    }
    plan = {"staging": STAGING, "moves": [move]}
    if key == "staging":
        plan["staging"] = value
    else:
        move[key] = value
    (root / JOURNAL).write_text(json.dumps(plan))
    before = tree(tmp_path)
    with build_lock(root), pytest.raises(PublishError) as info:
        recover(root)
    assert info.value.code == "journal-damaged"
    assert tree(tmp_path) == before


def test_a_damaged_journal_is_reported_not_guessed(packages: Packages, tmp_path: Path):
    root = packages.copy(tmp_path / "repo")
    (root / JOURNAL).write_text('{"staging": "../../etc", "moves": []}')
    with build_lock(root), pytest.raises(PublishError) as info:
        recover(root)
    assert info.value.code == "journal-damaged"
    assert published_snapshot(root) == packages.old


LINKED = {
    "staging folder": "staging",
    "staged new file": "new",
    "staged old file": "old",
}


@pytest.mark.parametrize("linked", LINKED, ids=list(LINKED))
def test_a_staging_link_out_of_the_repository_deletes_nothing_outside(packages: Packages, tmp_path: Path, linked: str):
    """The attack: data/.staging-x is a symbolic link to a folder outside the
    repository (or a staged file is a link to a file outside), and a crafted
    journal names it. Followed, the next build's recovery moves the outside
    file into data/ and, its hash not matching, deletes it while rolling back.
    The build must refuse the journal in one line (`journal-damaged`, exit 1)
    and touch nothing, outside or inside."""
    root = packages.copy(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "new__data__events.csv").write_bytes(b"the user's own file")
    (outside / "old__data__events.csv").write_bytes(b"another of the user's files")
    (outside / "private.txt").write_bytes(b"private")
    staging = "data/.staging-x"
    if LINKED[linked] == "staging":
        (root / staging).symlink_to(outside, target_is_directory=True)
    else:
        (root / staging).mkdir()
        name = f"{LINKED[linked]}__data__events.csv"
        (root / staging / name).symlink_to(outside / name)
    move = {
        "path": "data/events.csv",
        "new": f"{staging}/new__data__events.csv",
        "old": f"{staging}/old__data__events.csv",
        "sha256": "0" * 64,
    }
    (root / JOURNAL).write_text(json.dumps({"staging": staging, "moves": [move]}))
    before_outside, before_package = tree(outside), published_snapshot(root)
    built = packages.driver.run(root, 0, "none")
    assert built.returncode == 1, built.stderr
    assert len(built.stderr.strip().splitlines()) == 1 and "[journal-damaged]" in built.stderr, built.stderr
    assert tree(outside) == before_outside
    assert published_snapshot(root) == before_package
    assert os.path.lexists(root / staging) and (root / JOURNAL).exists()


BAD_SHAPES = {
    "not an object": [],
    "moves not a list": {"staging": "data/.staging-x", "moves": "data/events.csv"},
    "a move not an object": {"staging": "data/.staging-x", "moves": ["data/events.csv"]},
    "sha256 not hex": {"staging": "data/.staging-x", "moves": [{
        "path": "data/events.csv", "new": "data/.staging-x/new__data__events.csv", "old": None, "sha256": 7}]},
    "staged file in another staging folder": {"staging": "data/.staging-x", "moves": [{
        "path": "data/events.csv", "new": "data/.staging-y/new__data__events.csv", "old": None, "sha256": "0" * 64}]},
    "staging nested": {"staging": "data/.staging-x/deeper", "moves": []},
    "target hidden in data/": {"staging": "data/.staging-x", "moves": [{
        "path": "data/.publish-journal.json", "new": "data/.staging-x/new__data__.publish-journal.json",
        "old": None, "sha256": "0" * 64}]},
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_SHAPES, ids=list(BAD_SHAPES))
def test_a_journal_of_the_wrong_shape_is_refused_before_anything_moves(packages: Packages, tmp_path: Path, case: str):
    root = packages.copy(tmp_path / "repo")
    (root / "data" / ".staging-x").mkdir()
    (root / "data" / ".staging-x" / "new__data__events.csv").write_bytes(packages.new["data/events.csv"])
    (root / JOURNAL).write_text(json.dumps(BAD_SHAPES[case]))
    before = tree(root)
    with build_lock(root), pytest.raises(PublishError) as info:
        recover(root)
    assert info.value.code == "journal-damaged"
    assert "\n" not in str(info.value)
    assert tree(root) == before


UNPUBLISHED = {
    "a file of the user's": "data/MY-NOTES.txt",
    "a table file of no table of the package": "data/notes.csv",
    "a format the build does not write": "data/events.json",
}


@pytest.mark.parametrize("case", UNPUBLISHED, ids=list(UNPUBLISHED))
def test_a_journal_naming_a_file_the_build_does_not_publish_removes_nothing(
    packages: Packages, tmp_path: Path, case: str
):
    """A crafted journal whose move names a file of data/ that the build does
    not publish (its staged file absent, so recovery would roll back and
    remove it) is refused in one line (`journal-damaged`), and every file,
    the user's included, survives."""
    root = packages.copy(tmp_path / "repo")
    rel = UNPUBLISHED[case]
    (root / rel).write_text("my notes\n")
    staging = "data/.staging-evil"
    (root / staging).mkdir()
    flat = rel.replace("/", "__")
    move = {"path": rel, "new": f"{staging}/new__{flat}", "old": None, "sha256": "0" * 64}
    (root / JOURNAL).write_text(json.dumps({"staging": staging, "moves": [move]}))
    before = tree(root)
    built = packages.driver.run(root, 0, "none")
    assert built.returncode == 1, built.stderr
    assert len(built.stderr.strip().splitlines()) == 1 and "[journal-damaged]" in built.stderr, built.stderr
    assert tree(root) == before
    assert (root / rel).read_text() == "my notes\n"


# -- readers in threads, and the seam ------------------------------------------------------


@pytest.mark.slow
def test_loads_in_threads_during_many_publishes_see_no_false_error(packages: Packages, tmp_path: Path):
    """Two valid packages published in turn, 40 times, while four threads load
    every table (CSV verified against its hash, and Parquet): no error, and
    each frame is one package's or the other's."""
    first = packages.copy(tmp_path / "first")
    outputs = [dict(packages.old), packages.result.outputs]
    summaries = {"Russia wages war in Ukraine.", "Russia wages a war in Ukraine."}
    tables = minusma_data.descriptor(data_home=first)["resources"]
    names = [r["name"] for r in tables if r["format"] == "csv"]
    stop, errors, loads = threading.Event(), [], [0]
    started = threading.Barrier(5)

    def reader() -> None:
        started.wait()
        while not stop.is_set():
            try:
                for name in names:
                    for format in ("csv", "parquet"):
                        frame = minusma_data.load(name, data_home=first, format=format, verify=format == "csv")
                        if name == "events":
                            found = summaries & set(frame["summary"].dropna())
                            assert len(found) == 1, found
                loads[0] += 1
            except Exception as exc:
                errors.append(repr(exc))
                stop.set()

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    try:
        for i in range(40):
            with build_lock(first):
                assert publish(first, outputs[(i + 1) % 2])
            if errors:
                break
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert loads[0] > 0


def test_the_step_seam_sees_every_write(packages: Packages, tmp_path: Path, monkeypatch):
    """A publish makes no filesystem change except through STEPS: with every
    step refused, nothing in the tree changes."""
    root = packages.copy(tmp_path / "repo")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

    def refuse(step, operation, path):
        raise OSError(errno.EROFS, "refused by the test", str(path))

    monkeypatch.setattr(publishing.STEPS, "hook", refuse)
    with build_lock(root), pytest.raises((PublishError, OSError)):  # the command line prints either in one line
        publish(root, packages.result.outputs)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
