"""The lock the build and the loader share, on folders rather than on a lock
file (so none is left behind): the build holds the package's data/ folder
exclusively while it publishes, readers hold it shared while they read the
descriptor and the files it names.

flock gives a waiting exclusive lock no priority, so readers arriving one
after another could keep a build waiting for ever. A gate prevents that:
everyone first takes the package folder itself exclusively, takes data/, and
lets the gate go. A build waiting for data/ holds the gate, so new readers
queue behind it while the current ones finish.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def package_lock(root: Path, exclusive: bool, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold data/ under `root` (exclusive or shared). `on_wait` is called once
    if the lock is taken by someone else, before waiting for it. OSError if
    data/ cannot be opened; without the gate if the package folder cannot be."""
    data = os.open(Path(root) / "data", os.O_RDONLY | os.O_DIRECTORY)
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
        yield
    finally:
        if gate is not None:
            os.close(gate)
        os.close(data)
