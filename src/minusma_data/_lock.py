"""The lock the build and the loader share, on folders rather than on a lock
file (so none is left behind): the build holds the package's data/ folder
exclusively while it publishes, readers hold it shared while they read the
descriptor and the files it names.

flock gives a waiting exclusive lock no priority, so readers arriving one
after another could keep a build waiting for ever. A gate prevents that:
everyone first takes the package folder itself exclusively, takes data/, and
lets the gate go. A build waiting for data/ holds the gate, so new readers
queue behind it while the current ones finish.

A thread that already holds the lock on a data/ folder and asks for it again
(an export reading tables through `load` under the command's lock) is let
through at once: queueing at the gate behind a waiting build, while holding
what that build waits for, would deadlock both. Other threads and processes
take the lock as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

_held = threading.local()
"""Per thread: (device, inode) of each data/ folder the thread holds -> whether exclusively."""


def _holding() -> dict[tuple[int, int], bool]:
    if not hasattr(_held, "folders"):
        _held.folders = {}
    folders: dict[tuple[int, int], bool] = _held.folders
    return folders


@contextlib.contextmanager
def package_lock(root: Path, exclusive: bool, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold data/ under `root` (exclusive or shared). `on_wait` is called once
    if the lock is taken by someone else, before waiting for it. OSError if
    data/ cannot be opened; without the gate if the package folder cannot be."""
    data = os.open(Path(root) / "data", os.O_RDONLY | os.O_DIRECTORY)
    info = os.fstat(data)
    key, holding = (info.st_dev, info.st_ino), _holding()
    if key in holding:  # this thread holds it already: a nested reader
        os.close(data)
        if exclusive and not holding[key]:
            raise RuntimeError(f"{root}: a shared lock on data/ cannot become exclusive in the same thread")
        yield
        return
    gate: int | None = None
    waited = [False]

    def take(fd: int, mode: int) -> None:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None and not waited[0]:
                waited[0] = True
                on_wait()
            fcntl.flock(fd, mode)

    try:
        with contextlib.suppress(OSError):
            gate = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        if gate is not None:
            take(gate, fcntl.LOCK_EX)
        take(data, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        if gate is not None:
            os.close(gate)  # lets the next one in
            gate = None
        holding[key] = exclusive
        try:
            yield
        finally:
            del holding[key]
    finally:
        if gate is not None:
            os.close(gate)
        os.close(data)
