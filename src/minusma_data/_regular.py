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


class FileTooLarge(OSError):
    """A regular file larger than the reader allows; `size` is its size in bytes."""

    def __init__(self, path: Path | str, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size} bytes, more than the {limit} it may have", str(path))
        self.size = size


def read_regular(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of the regular file at `path` (a symbolic link is followed).
    IsADirectoryError for a folder, NotRegularFile for anything else that is
    not a file, FileTooLarge past `limit` bytes (checked before reading),
    OSError as `open` raises it otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, NOT_REGULAR, str(path))
        if limit is not None and info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)
