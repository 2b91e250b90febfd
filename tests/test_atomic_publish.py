"""Publishing is atomic per package, proved by stopping it at every step.

Every filesystem call publishing makes goes through minusma_build.publish.STEPS.
A build run as a subprocess is killed (SIGKILL), sent SIGTERM or SIGINT, or
given a full disk at step k, for every k from the first step to the last.
Afterwards the package must be the complete old one or the complete new one,
or hold a journal that the loader and `--check` report in one line
(code "interrupted-publish") and the next build finishes. And readers loading
in threads while many publishes run must never see a false error.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo, published_snapshot

import minusma_data
from minusma_build import publish as publishing
from minusma_build.pipeline import produce
from minusma_build.publish import JOURNAL, PublishError, build_lock, publish, recover, stale_outputs
from minusma_data import DescriptorError

SUMMARY = 'summary = "Russia wages war in Ukraine."'

# Runs the build with a fault at step K: "count" prints how many steps there are.
DRIVER = """
import os, signal, sys
from minusma_build import cli, publish
k, action, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ops = []
def hook(step, operation, path):
    ops.append(operation)
    if step != k:
        return
    if action == "SIGKILL":
        os.kill(os.getpid(), signal.SIGKILL)
    elif action in ("SIGTERM", "SIGINT"):
        os.kill(os.getpid(), getattr(signal, action))
    elif action == "ENOSPC":
        raise OSError(28, os.strerror(28), str(path))
publish.STEPS.hook = hook
code = cli.main(["--root", root, "--quiet"])
if action == "count":
    print(len(ops))
sys.exit(code)
"""


def edit_summary(root: Path, new: str) -> None:
    path = root / "data" / "curated" / "events.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(SUMMARY) == 1
    path.write_text(text.replace(SUMMARY, f'summary = "{new}"'), encoding="utf-8")


def run_driver(root: Path, k: int, action: str) -> subprocess.CompletedProcess:
    env_path = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(k), action, str(root)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
    )


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> tuple[Path, dict[str, bytes], dict[str, bytes], int]:
    """A template tree whose curated files differ from its published ones,
    the old and the new published snapshots, and the number of publishing steps."""
    base = tmp_path_factory.mktemp("atomic")
    template = copy_repo(base / "template")
    edit_summary(template, "Russia wages a war in Ukraine.")
    old = published_snapshot(template)
    done = copy_tree(template, base / "done")
    counted = run_driver(done, 0, "count")
    assert counted.returncode == 0, counted.stderr
    new = published_snapshot(done)
    assert new != old and set(new) == set(old)
    assert sum(new[rel] != old[rel] for rel in new) >= 3  # events.csv, events.parquet, datapackage.json
    return template, old, new, int(counted.stdout.split()[-1])


def copy_tree(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    return dest


def assert_whole_or_reported(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """The package is the old or the new one, or a journal is reported by the
    loader and --check; then the next build's recovery leaves old or new."""
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
    with build_lock(root):  # what the next build does first
        recover(root)
    snapshot = whole_package(root, old, new)
    assert not (root / JOURNAL).exists()
    assert not list((root / "data").glob(".staging-*"))
    return state or ("new" if snapshot == new else "old")


def whole_package(root: Path, old: dict[str, bytes], new: dict[str, bytes]) -> dict[str, bytes]:
    """The published files are exactly the old package or the new one, and load."""
    snapshot = published_snapshot(root)
    assert snapshot in (old, new), sorted(rel for rel in snapshot if snapshot[rel] not in (old[rel], new[rel]))
    for table in ("events", "sources"):
        for format in ("csv", "parquet"):
            minusma_data.load(table, data_home=root, format=format, verify=format == "csv")
    return snapshot


def test_killed_at_every_step_the_package_is_old_new_or_reported(packages, tmp_path: Path):
    template, old, new, steps = packages
    assert steps >= 15
    seen = set()
    for k in range(1, steps + 1):
        root = copy_tree(template, tmp_path / f"k{k}")
        killed = run_driver(root, k, "SIGKILL")
        assert killed.returncode == -9, (k, killed.stderr)
        seen.add(assert_whole_or_reported(root, old, new))
        if k == steps // 2:  # the next build itself finishes the job, in one run
            rebuilt = subprocess.run(
                [sys.executable, str(root / "scripts" / "build.py"), "--root", str(root)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr
            assert published_snapshot(root) == new
        shutil.rmtree(root)
    assert seen == {"old", "journal", "new"}, seen  # every kind of stop was reached


def test_a_journal_is_reported_in_one_line_and_finished_by_the_next_build(packages, tmp_path: Path):
    template, _old, new, steps = packages
    journal_steps = []
    for k in range(1, steps + 1):
        root = copy_tree(template, tmp_path / f"k{k}")
        run_driver(root, k, "SIGKILL")
        if (root / JOURNAL).exists():
            journal_steps.append(k)
            break
        shutil.rmtree(root)
    assert journal_steps, "no step left a journal"
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
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert published_snapshot(root) == new and not (root / JOURNAL).exists()


@pytest.mark.parametrize("signame, status", [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_at_every_step_gives_one_line_and_a_whole_package(packages, tmp_path: Path, signame, status):
    template, old, new, steps = packages
    for k in range(1, steps + 1):
        root = copy_tree(template, tmp_path / f"k{k}")
        stopped = run_driver(root, k, signame)
        assert stopped.returncode == status, (k, stopped.stderr)
        assert len(stopped.stderr.strip().splitlines()) == 1 and signame in stopped.stderr, stopped.stderr
        # Publishing holds the signal until it is done: the package is whole, no journal to report.
        assert not (root / JOURNAL).exists()
        assert assert_whole_or_reported(root, old, new) in ("old", "new")
        shutil.rmtree(root)


def test_a_full_disk_at_every_step_leaves_a_whole_package(packages, tmp_path: Path):
    template, old, new, steps = packages
    for k in range(1, steps + 1):
        root = copy_tree(template, tmp_path / f"k{k}")
        failed = run_driver(root, k, "ENOSPC")
        assert "Traceback" not in failed.stderr, failed.stderr
        if failed.returncode != 0:
            assert failed.returncode == 1
            assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
        assert_whole_or_reported(root, old, new)
        shutil.rmtree(root)


def test_leftover_staging_folders_are_removed_by_the_next_build(packages, tmp_path: Path):
    template, _old, _new, _ = packages
    root = copy_tree(template, tmp_path / "repo")
    (root / "data" / ".staging-leftover").mkdir()
    (root / "data" / ".staging-leftover" / "new__data__events.csv").write_bytes(b"half")
    with build_lock(root):
        assert recover(root) is None
    assert not list((root / "data").glob(".staging-*"))


def test_a_damaged_journal_is_reported_not_guessed(packages, tmp_path: Path):
    template, old, _new, _ = packages
    root = copy_tree(template, tmp_path / "repo")
    (root / JOURNAL).write_text('{"staging": "../../etc", "moves": []}')
    with build_lock(root), pytest.raises(PublishError) as info:
        recover(root)
    assert info.value.code == "journal-damaged"
    assert published_snapshot(root) == old


def test_loads_in_threads_during_many_publishes_see_no_false_error(tmp_path: Path):
    """Two valid packages published in turn, 40 times, while four threads load
    every table (CSV verified against its hash, and Parquet): no error, and
    each frame is one package's or the other's."""
    first = copy_repo(tmp_path / "first")
    second = copy_repo(tmp_path / "second")
    edit_summary(second, "Russia wages a war in Ukraine.")
    outputs = [produce(first).outputs, produce(second).outputs]
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


def test_the_step_seam_sees_every_write(tmp_path: Path, monkeypatch):
    """A publish makes no filesystem change except through STEPS: with every
    step refused, nothing in the tree changes."""
    root = copy_repo(tmp_path / "repo")
    edit_summary(root, "Russia wages a war in Ukraine.")
    outputs = produce(root).outputs
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}

    def refuse(step, operation, path):
        raise OSError(errno.EROFS, "refused by the test", str(path))

    monkeypatch.setattr(publishing.STEPS, "hook", refuse)
    with build_lock(root), pytest.raises((PublishError, OSError)):  # the command line prints either in one line
        publish(root, outputs)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
