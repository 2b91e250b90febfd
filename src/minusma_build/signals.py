"""Ctrl-C and SIGTERM as one line and the usual exit status (130, 143), and
never in the middle of publishing: a signal that arrives while the files are
being moved into place is held until the package is whole again."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """Raised by the build's signal handler; BaseException, like KeyboardInterrupt,
    so no `except Exception` swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        self.exit_status = 128 + signum
        super().__init__(self.name)


def _raise(signum: int, _frame: object) -> None:
    raise Interrupted(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into `Interrupted` (the command line does this)."""
    for signum in SIGNALS:
        signal.signal(signum, _raise)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them to the
    handlers that were in place. Outside the main thread signals cannot be
    handled in Python at all, so there is nothing to hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous = {signum: signal.getsignal(signum) for signum in SIGNALS}
    for signum in SIGNALS:
        signal.signal(signum, lambda s, _f: pending.append(s))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for number in dict.fromkeys(pending):
            signal.raise_signal(number)
