"""Replace a file all at once: write a temporary file beside it, flush it to
disk, then rename it over the target, so a reader sees the old file or the
new one, never a part; a failure leaves the old file and no temporary one.
The release files use it. The exports write through `_output` (a folder
export staged and swapped in whole; a file export's files all staged first),
and publishing the package goes through the build's journal
(src/minusma_build/publish.py), since each replaces many files at once."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def write_atomic(target: Path, content: bytes | Callable[[Path], None]) -> None:
    """Write `content` (bytes, or a function that writes a given path) to `target`."""
    target = Path(target)
    # Not mkstemp, which makes the file private (0600): the new file gets the
    # permissions any file written here would get (0666 less the umask).
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
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
