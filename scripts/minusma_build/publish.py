"""Write the published files all at once, or not at all, and compare them
with what the curated files produce (check mode).

Every output is first written to a staging folder beside data/, and only
when all of them are ready are they moved into place, one os.replace each;
an error among the moves puts back the files already moved.
A lock serialises concurrent builds, so two at once leave one consistent
package rather than a mix of both.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the data/ folder itself, so no lock file is left behind."""
    fd = os.open(root / "data", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def publish(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Write outputs (paths relative to root) atomically; return those changed."""
    before = {rel: _read(root / rel) for rel in outputs}
    changed = [rel for rel, data in outputs.items() if before[rel] != data]
    if not changed:
        return []
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root / "data"))
    try:
        for rel in changed:
            staged = staging / rel.replace("/", "__")
            staged.write_bytes(outputs[rel])
            with open(staged, "rb") as fh:
                os.fsync(fh.fileno())
        done = []
        try:
            for rel in changed:
                os.replace(staging / rel.replace("/", "__"), root / rel)
                done.append(rel)
        except BaseException:
            # Interrupted among the moves: put back the files already moved,
            # so the old package stays whole rather than half replaced.
            for rel in done:
                if before[rel] is None:
                    (root / rel).unlink(missing_ok=True)
                else:
                    restored = staging / ("old__" + rel.replace("/", "__"))
                    restored.write_bytes(before[rel])
                    os.replace(restored, root / rel)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def stale_outputs(root: Path, outputs: dict[str, bytes], same_parquet) -> list[str]:
    """Paths whose committed content differs from what the build produces.

    Parquet files are compared by content (`same_parquet`), not bytes, since
    writers may differ in metadata; everything else byte for byte.
    """
    stale = []
    for rel, data in outputs.items():
        current = _read(root / rel)
        if current is None:
            stale.append(rel)
        elif rel.endswith(".parquet"):
            if not same_parquet(current, data):
                stale.append(rel)
        elif current != data:
            stale.append(rel)
    return stale
