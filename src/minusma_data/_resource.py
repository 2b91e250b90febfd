"""One published file: the resource that describes it, where it is, the error
to raise about it, and its bytes checked against the size and hash that
datapackage.json records. Every reader and every export goes through here;
nothing here imports pandas, pyarrow or polars.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import DataFileError, remedy

if TYPE_CHECKING:
    from ._schema import Package

Fail = Callable[..., DataFileError]
"""(problem, code=None) -> the DataFileError to raise about one file."""


def target(package: Package, table: str, format: str) -> tuple[dict[str, Any], Path, Fail]:
    """A table's resource, its file, and the error to raise about that file."""
    resource = package.resource(table, format)
    path = package.path(table, format)
    return resource, path, failing(path, remedy(package.location.kind, package.location.root))


def failing(path: Path, fix: str) -> Fail:
    """The error builder for one file: its path and how to restore it, with the problem and code given later."""

    def fail(problem: str, code: str | None = None) -> DataFileError:
        return DataFileError(path, problem, fix, code=code)

    return fail


def read_bytes(path: Path, fail: Fail) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise fail("the file is missing.", "file-missing") from None
    except OSError as exc:
        raise fail(f"the file cannot be read ({exc.strerror}).", "file-unreadable") from None


def stat(path: Path, table: str, format: str, fail: Fail) -> tuple[int, ...]:
    """The file's size, mtime, inode and device: what a cached read is paired with."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise fail(f"the {format} file of table {table!r} is missing.", "file-missing") from None
    except OSError as exc:
        raise fail(
            f"the {format} file of table {table!r} cannot be read ({exc.strerror}).", "file-unreadable"
        ) from None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def check_hash(data: bytes, resource: dict[str, Any], fail: Fail) -> None:
    """Compare the file with the `bytes` and `hash` datapackage.json records."""
    size, recorded = resource.get("bytes"), resource.get("hash")
    if size is None and recorded is None:
        raise fail(
            "datapackage.json records neither bytes nor hash for this file, so it cannot be verified.", "hash-mismatch"
        )
    if size is not None and len(data) != size:
        raise fail(
            f"the file has {len(data)} bytes where datapackage.json records {size}: it was altered or truncated.",
            "hash-mismatch",
        )
    if recorded is not None:
        algorithm, _, digest = str(recorded).rpartition(":")
        actual = hashlib.new(algorithm or "md5", data).hexdigest()
        if actual != digest.lower():
            raise fail(
                f"the file's {algorithm or 'md5'} is {actual} where datapackage.json records {digest}: it was altered.",
                "hash-mismatch",
            )


def checked_bytes(package: Package, table: str, format: str = "csv") -> bytes:
    """A file's bytes, checked against the recorded size and hash."""
    resource, path, fail = target(package, table, format)
    data = read_bytes(path, fail)
    check_hash(data, resource, fail)
    return data
