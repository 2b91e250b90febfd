"""Replace a file all at once: write a temporary file beside it, flush it to
disk, then rename it over the target, so a reader sees the old file or the
new one, never a part; a failure leaves the old file and no temporary one.
The one writer of whole files in the package, used by the exports and the
build alike."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(target: Path, content: bytes | Callable[[Path], None]) -> None:
    """Write `content` (bytes, or a function that writes a given path) to `target`."""
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(name)
    try:
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            os.close(fd)
            tmp.unlink()  # the writer creates its own file (sqlite3 refuses an empty one)
            content(tmp)
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
