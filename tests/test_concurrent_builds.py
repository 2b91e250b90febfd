"""Builds that run at the same time leave one consistent, valid package, and a
build that fails while moving its files into place puts back what it moved,
so another build's output stays whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_repo, need, published_snapshot, run_build

from minusma_build.pipeline import produce
from minusma_build.publish import WAITING, PublishError, build_lock, publish, same_parquet

SUMMARY = 'summary = "Russia wages war in Ukraine."'

pytestmark = pytest.mark.slow  # real builds, side by side


def edit_summary(root: Path, new: str) -> None:
    """Change one event's summary: a valid edit that changes events.csv,
    events.parquet and datapackage.json."""
    path = root / "data" / "curated" / "events.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(SUMMARY) == 1
    path.write_text(text.replace(SUMMARY, f'summary = "{new}"'), encoding="utf-8")


def start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(root / "scripts" / "build.py"), "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_valid_package(root: Path) -> None:
    frictionless = need("frictionless", "validate")
    check = run_build(root, "--check")
    assert check.returncode == 0, check.stderr
    assert not list((root / "data").glob(".staging-*"))
    report = frictionless.validate(str(root / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_two_builds_at_once_leave_one_valid_package(scratch_repo: Path):
    edit_summary(scratch_repo, "Russia wages a war in Ukraine.")
    before = published_snapshot(scratch_repo)
    builds = [start_build(scratch_repo) for _ in range(2)]
    results = [(b.wait(timeout=300), *b.communicate()) for b in builds]
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert published_snapshot(scratch_repo) != before, "the edit should have changed the package"
    # both wrote the same thing, or one found nothing left to write
    assert sorted("0 file(s) changed" in out for _, out, _ in results) in ([False, False], [False, True])
    assert_valid_package(scratch_repo)


class FailingMoves:
    """os.replace that fails once, on the n-th call, as a full disk or a
    vanished folder would, and works before and after."""

    def __init__(self, fail_on: int):
        self.fail_on, self.calls, self.real = fail_on, 0, os.replace

    def __call__(self, src, dst):
        self.calls += 1
        if self.calls == self.fail_on:
            raise OSError(28, "No space left on device")
        return self.real(src, dst)


@pytest.mark.parametrize("first", ["successful build publishes first", "failing build publishes first"])
def test_a_build_failing_midway_leaves_the_successful_builds_output(tmp_path: Path, monkeypatch, first: str):
    root = copy_repo(tmp_path / "repo")
    # The successful build publishes the curated files as they are now ...
    edit_summary(root, "Russia wages a war in Ukraine.")
    # ... the failing one publishes what it read from another version of them,
    # and fails after moving two of its three changed files into place.
    other = copy_repo(tmp_path / "other")
    edit_summary(other, "Russia fights a war in Ukraine.")
    failing_outputs = produce(other).outputs
    expected = produce(root).outputs
    monkeypatch.setattr(os, "replace", FailingMoves(fail_on=3))

    if first == "successful build publishes first":
        assert run_build(root).returncode == 0
        with build_lock(root), pytest.raises(PublishError) as failed:
            publish(root, failing_outputs)
        assert failed.value.code == "publish-failed"
    else:
        with build_lock(root):
            successful = start_build(root)
            # The build says it is waiting only once it has produced its files
            # and found the lock taken: proof that it will publish after us.
            assert successful.stderr.readline().startswith(WAITING)
            with pytest.raises(PublishError) as failed:
                publish(root, failing_outputs)
            assert failed.value.code == "publish-failed"
        code, (_, err) = successful.wait(timeout=300), successful.communicate()
        assert code == 0, err

    published = published_snapshot(root)
    for rel, data in expected.items():
        same = same_parquet(published[rel], data) if rel.endswith(".parquet") else published[rel] == data
        assert same, f"{rel} is not the successful build's"
    assert_valid_package(root)
