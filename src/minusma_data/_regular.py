"""Read a file only if it is a regular file, without ever waiting on it.

A FIFO in place of a file blocks `open()` until a writer comes, and a device
(`/dev/zero` behind a link) never ends: a build holding the package lock
would wait for ever, and every reader with it. The file is opened with
O_NONBLOCK (which changes nothing for a regular file) and checked with
fstat on the opened descriptor, so what is read is what was checked.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

NOT_REGULAR = "not a regular file (a FIFO, socket or device)"


class NotRegularFile(OSError):
    """A FIFO, socket or device where a file should be; `strerror` says so."""


def read_regular(path: Path | str) -> bytes:
    """The bytes of the regular file at `path` (a symbolic link is followed).
    IsADirectoryError for a folder, NotRegularFile for anything else that is
    not a file, OSError as `open` raises it otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, NOT_REGULAR, str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
