"""How the release writes its files into --output: each whole or not at all,
never through a symbolic link at its name, every filesystem failure one line
`[output-unusable]` and Ctrl-C one line `[interrupted]` (exit 130), the earlier
files kept (docs/releasing.md). The builders are replaced by small writers and
the exported commit by a stand-in, so each step can be failed in process."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from minusma_build import release

EPOCH = 1_700_000_000
EARLIER = {"a-9.9.9.bin": b"earlier a", "b-9.9.9.bin": b"earlier b", release.SUMS: b"earlier sums"}
NEW = {"a-9.9.9.bin": b"new a " * 1000, "b-9.9.9.bin": b"new b " * 1000}


def writer(data: bytes):
    def build(ctx, out: Path) -> None:
        out.write_bytes(data)

    return build


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """Two artifacts written by small writers, from a stand-in commit."""
    artifacts = [release.Artifact(name.replace("9.9.9", "{version}"), writer(data)) for name, data in NEW.items()]
    monkeypatch.setattr(release, "ARTIFACTS", artifacts)
    monkeypatch.setattr(release, "exported", lambda root, dest: release.Context(dest, "9.9.9", EPOCH))
    monkeypatch.setattr(release, "uncommitted", lambda root: False)
    out = tmp_path / "dist"
    out.mkdir()
    return out


def run(out: Path, capsys) -> tuple[int, list[str]]:
    status = release.main(["--root", str(out.parent), "--no-verify", "--output", str(out)])
    return status, capsys.readouterr().err.splitlines()


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_links_at_the_release_names_are_replaced_never_written_through(fake, tmp_path, capsys):
    outside = tmp_path / "private"
    outside.mkdir()
    for name in (release.SUMS, "a-9.9.9.bin"):
        (outside / name).write_bytes(b"precious")
        os.chmod(outside / name, 0o600)
        (fake / name).symlink_to(outside / name)
    assert run(fake, capsys) == (0, [])
    for name in (release.SUMS, "a-9.9.9.bin"):
        assert (outside / name).read_bytes() == b"precious" and (outside / name).stat().st_mode & 0o777 == 0o600
        assert not (fake / name).is_symlink() and (fake / name).stat().st_mode & 0o777 == 0o644
        assert (fake / name).stat().st_mtime == EPOCH
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(NEW.items()))
    assert contents(fake) == {**NEW, release.SUMS: sums.encode()}


def fail_writing(monkeypatch, error: BaseException) -> None:
    def build(ctx, out: Path) -> None:
        out.write_bytes(b"half")
        raise error

    first, second = release.ARTIFACTS
    monkeypatch.setattr(release, "ARTIFACTS", [first, release.Artifact(second.pattern, build)])


def fail_staging(monkeypatch, error: BaseException) -> None:
    real = release.tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        if kwargs.get("dir") is None:  # the commit's scratch tree, not the output
            return real(*args, **kwargs)
        raise error

    monkeypatch.setattr(release.tempfile, "mkdtemp", mkdtemp)


FAILURES = {
    "a folder at an artifact's name": lambda out, mp: (out / "b-9.9.9.bin").mkdir(),
    "a full disk": lambda out, mp: fail_writing(mp, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))),
    "a read-only disk": lambda out, mp: fail_staging(mp, OSError(errno.EROFS, os.strerror(errno.EROFS))),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_an_unwritable_output_is_one_line_and_keeps_the_earlier_files(fake, monkeypatch, capsys, case):
    """Before the fix each gave a traceback (IsADirectoryError, ENOSPC, EROFS)."""
    for name, data in EARLIER.items():
        (fake / name).write_bytes(data)
    if case == "a folder at an artifact's name":
        (fake / "b-9.9.9.bin").unlink()
    FAILURES[case](fake, monkeypatch)
    status, err = run(fake, capsys)
    assert status == 2 and len(err) == 1 and err[0].startswith("release: error: "), err
    assert err[0].endswith("[output-unusable]"), err
    assert not [p for p in fake.iterdir() if p.name.startswith(".")]  # no staging folder left
    for name, data in EARLIER.items():  # each file the earlier one or the new one, whole; the sums untouched
        if (fake / name).is_file():
            assert (fake / name).read_bytes() in (data, NEW.get(name)), name
    assert (fake / release.SUMS).read_bytes() == EARLIER[release.SUMS]
    if case != "a folder at an artifact's name":
        assert (fake / "b-9.9.9.bin").read_bytes() == EARLIER["b-9.9.9.bin"]


STEPS = ["writing", "fsync", "chmod", "utime", "replace", "sums"]


@pytest.mark.parametrize("step", STEPS)
def test_ctrl_c_at_any_step_is_one_line_and_keeps_every_file_whole(fake, monkeypatch, capsys, step):
    """Ctrl-C while the second artifact is written, flushed, stamped or renamed,
    or while SHA256SUMS is: exit 130, one line, and each file is the earlier one
    or the new one, whole (before the fix the earlier file was deleted first)."""
    for name, data in EARLIER.items():
        (fake / name).write_bytes(data)
    target = "b-9.9.9.bin" if step != "sums" else release.SUMS
    if step == "writing":
        fail_writing(monkeypatch, KeyboardInterrupt())
    else:
        name = {"sums": "utime"}.get(step, step)
        real = getattr(os, name)

        def interrupted(first, *args, **kwargs):
            path = first if isinstance(first, (str, os.PathLike)) else None
            if path is not None and Path(path).name == target:
                raise KeyboardInterrupt
            if name == "fsync" and isinstance(first, int) and os.readlink(f"/proc/self/fd/{first}").endswith(target):
                raise KeyboardInterrupt
            return real(first, *args, **kwargs)

        monkeypatch.setattr(os, name, interrupted)
    status, err = run(fake, capsys)
    monkeypatch.undo()
    assert status == 130 and len(err) == 1 and err[0].endswith("[interrupted]"), err
    assert "Traceback" not in "".join(err)
    found = contents(fake)
    assert sorted(found) == sorted(EARLIER)  # nothing lost, no staging folder left
    assert found["a-9.9.9.bin"] == NEW["a-9.9.9.bin"]
    assert found["b-9.9.9.bin"] == (NEW["b-9.9.9.bin"] if step == "sums" else EARLIER["b-9.9.9.bin"])
    assert found[release.SUMS] == EARLIER[release.SUMS]
