"""Write the published files all at once, or not at all, and compare them
with what the curated files produce (check mode).

Every output is first written to a staging folder inside data/, and only
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
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from minusma_data._atomic import write_atomic


WAITING = "waiting for another build of this package to finish publishing"


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """An exclusive lock on the data/ folder itself, so no lock file is left
    behind. A build that has to wait says so on stderr, then waits."""
    fd = os.open(root / "data", os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"{WAITING} ({root / 'data'}) ...", file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def publish(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Write outputs (paths relative to root) atomically; return those changed.

    A Parquet file whose content is unchanged is left as it is, even when
    another pyarrow version would write different bytes for it.
    """
    before = {rel: _read(root / rel) for rel in outputs}
    changed = [rel for rel, data in outputs.items() if not _same(rel, before[rel], data)]
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
                    write_atomic(root / rel, before[rel])
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return changed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def stale_outputs(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Paths whose committed content differs from what the build produces."""
    return [rel for rel, data in outputs.items() if not _same(rel, _read(root / rel), data)]


def _same(rel: str, current: bytes | None, data: bytes) -> bool:
    """Parquet files are compared by content, since writers differ in
    metadata; everything else byte for byte."""
    if current is None:
        return False
    if rel.endswith(".parquet"):
        return current == data or same_parquet(current, data)
    return current == data


def same_parquet(a: bytes, b: bytes) -> bool:
    """Whether two Parquet files hold the same schema and values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # One thread: Arrow's reader threads can abort the process at exit
        # ("terminate called without an active exception"), now and then.
        read = lambda data: pq.read_table(pa.BufferReader(data), use_threads=False)  # noqa: E731
        return read(a).equals(read(b), check_metadata=False)
    except (pa.ArrowException, OSError):
        return False
