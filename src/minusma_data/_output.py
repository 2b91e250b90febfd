"""Where an export may write, and how it writes there so that a failure
changes nothing.

- An export never writes into the package it reads: `--output` may not be
  the package folder or lie in its data/ folder, and a folder export's may
  not contain the package (the folder it replaces would hold it).
- A folder export (csv, parquet, jsonl) owns its folder. It writes into a
  folder that does not exist, is empty, or holds an earlier export and nothing
  else (the files its marker, MARKER, lists); anything else is refused and
  nothing is lost. It writes every file into a new folder beside the target,
  then swaps that folder in: an interrupted or disk-full export leaves the
  earlier export whole, and nothing is written through a symbolic link.
- A file export (sqlite, xlsx, the layouts) writes named files into a folder
  it does not own: every file to a temporary file beside it first, then each
  renamed over its target, so a failure leaves the earlier files whole.

Every filesystem failure is one ExportError with a stable code (`_errors.CODES`).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ._errors import ExportError

if TYPE_CHECKING:
    from ._schema import Package

MARKER = ".minusma-export.json"
"""The file by which a folder export recognises a folder as an earlier export of its own."""
MARKER_KEY = "minusma-data export"

Content = bytes | Callable[[Path], None]
"""A file's bytes, or a function that writes the file at a given path (SQLite)."""


# -- where an export may write --------------------------------------------------------


def refuse_data_home(package: Package, output: Path, folder: bool) -> None:
    """Refuse an --output that is the package folder or lies in its data/,
    and (`folder`: an export that replaces the folder it writes) one that
    contains the package. Checked once for every export, before anything is read."""
    root = Path(os.path.realpath(package.location.root))
    target = Path(os.path.realpath(output))
    data = root / "data"
    if target == root:
        where = "is the package being exported"
    elif target == data or data in target.parents:
        where = "lies in the package's data/ folder"
    elif folder and target in root.parents:
        where = "contains the package being exported"
    else:
        return
    raise ExportError(
        f"{output}: --output {where} ({root}); an export never writes into the package it reads. "
        "Give a folder outside it.",
        code="output-is-data-home",
    )


def _kind(path: Path) -> str:
    """'absent', 'link', 'folder', 'file' (anything else that is not a folder)."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "absent"
    except NotADirectoryError:
        raise _below_a_file(path) from None
    except OSError as exc:
        raise translate(exc, path) from None
    if stat.S_ISLNK(mode):
        return "link"
    return "folder" if stat.S_ISDIR(mode) else "file"


def _below_a_file(path: Path) -> ExportError:
    above = next((p for p in path.parents if p.is_file()), path.parent)
    return ExportError(
        f"{path}: --output lies below {above}, which is a file, not a folder; give a path in a folder.",
        code="output-not-a-folder",
    )


def owned_files(output: Path) -> list[str] | None:
    """The files an earlier export in `output` wrote (its marker's list), or
    None when the folder holds anything else: then it is not ours to replace."""
    marker = output / MARKER
    try:
        if not stat.S_ISREG(marker.lstat().st_mode):
            return None
        listed = json.loads(marker.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    files = listed.get("files") if isinstance(listed, dict) and MARKER_KEY in listed else None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    expected = {MARKER, *files}
    folders = {str(PurePosixPath(f).parent) for f in files} | {str(p) for f in files for p in PurePosixPath(f).parents}
    for dirpath, dirnames, filenames in os.walk(output):
        here = Path(dirpath)
        for name in dirnames + filenames:
            path = here / name
            rel = path.relative_to(output).as_posix()
            mode = path.lstat().st_mode
            if stat.S_ISDIR(mode) and rel in folders:
                continue
            if stat.S_ISREG(mode) and rel in expected:
                continue
            return None
    return files


def marker_bytes(format: str, files: list[str]) -> bytes:
    """The marker: which export wrote the folder, and every file it wrote."""
    return (json.dumps({MARKER_KEY: format, "files": sorted(files)}, indent=1) + "\n").encode()


# -- writing a folder export ----------------------------------------------------------


def write_folder(output: Path, files: dict[str, bytes]) -> list[Path]:
    """Write `files` (paths relative to the folder) as the folder `output`:
    staged beside it, then swapped in. Returns the paths written."""
    output = Path(os.path.abspath(output))
    kind = _kind(output)
    if kind == "link":
        raise ExportError(
            f"{output}: --output is a symbolic link; an export does not write through links. "
            f"Give the folder it points to ({os.path.realpath(output)}), or a new folder.",
            code="output-is-a-link",
        )
    if kind == "file":
        raise ExportError(
            f"{output}: --output is a file; this export writes a folder, which must be new, empty "
            "or an earlier export. Give another path.",
            code="output-not-a-folder",
        )
    replacing = kind == "folder" and any(output.iterdir())
    if replacing and owned_files(output) is None:
        raise ExportError(
            f"{output}: --output holds files that are not an earlier export of this package (no {MARKER} "
            "listing them); nothing was written, nothing removed. Give a new or empty folder.",
            code="output-not-empty",
        )
    parent = output.parent
    staging = parent / f".{output.name}.export-{secrets.token_hex(6)}"
    with _translated(output):
        parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    try:
        with _translated(output):
            for rel, data in files.items():
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_new(target, data)
            for folder in sorted({(staging / rel).parent for rel in files}, reverse=True):
                _fsync(folder)
            _swap(staging, output, replacing)
            _fsync(parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already once swapped in
    return [output / rel for rel in files]


def _swap(staging: Path, output: Path, replacing: bool) -> None:
    """Put the staged folder at `output`: a rename over an absent or empty
    folder; else the earlier export is moved aside, the new one moved in,
    and the earlier one removed (put back if the second move fails)."""
    if not replacing:
        os.replace(staging, output)
        return
    previous = output.with_name(f".{output.name}.previous-{secrets.token_hex(6)}")
    os.rename(output, previous)
    try:
        os.rename(staging, output)
    except BaseException:
        os.rename(previous, output)
        raise
    shutil.rmtree(previous, ignore_errors=True)


# -- writing named files into a folder --------------------------------------------------


def write_files(targets: dict[Path, Content]) -> list[Path]:
    """Write each target file: all to temporary files beside their targets
    first, then each renamed over its target (never written through a link
    that stands there). A failure while writing removes the temporary files
    and changes nothing. Returns the targets."""
    staged: dict[Path, Path] = {}
    try:
        for target, content in targets.items():
            target = Path(os.path.abspath(target))
            folder = target.parent
            if _kind(folder) == "file":
                raise _below_a_file(target)
            if _kind(target) == "folder":
                raise ExportError(
                    f"{target}: is a folder; this export writes a file there. Give another --output.",
                    code="output-not-a-file",
                )
            with _translated(target):
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
                staged[target] = tmp
                _write_new(tmp, content)
        with _translated(next(iter(targets), Path("."))):
            for target, tmp in staged.items():
                before_replacing(target)
                os.replace(tmp, target)
            for folder in {t.parent for t in staged}:
                _fsync(folder)
    finally:
        for tmp in staged.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
            for suffix in SQLITE_SIDECARS:
                with contextlib.suppress(OSError):
                    Path(f"{tmp}{suffix}").unlink()
    return list(staged)


SQLITE_SIDECARS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database: a new database must not inherit an old one's."""


def before_replacing(target: Path) -> None:
    """Remove what an earlier file at `target` left beside it that a reader
    of the new file would apply to it: a SQLite database's write-ahead log,
    shared-memory index and rollback journal (a crashed writer's stale -wal
    would otherwise be replayed into the new database)."""
    if target.suffix.lower() in (".sqlite", ".sqlite3", ".db"):
        for suffix in SQLITE_SIDECARS:
            with contextlib.suppress(FileNotFoundError):
                Path(f"{target}{suffix}").unlink()


# -- the filesystem calls, and their failures as one line --------------------------------


def _write_new(path: Path, content: Content) -> None:
    """Create the file (never one that exists, never through a link) and flush it to disk."""
    if not isinstance(content, bytes):
        content(path)
        _fsync(path)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _translated(output: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise translate(exc, output) from None


def translate(exc: OSError, output: Path) -> ExportError:
    """An OSError met while exporting to `output`, as one line with a code."""
    where = exc.filename or output
    kept = "nothing was changed: an earlier export there is whole"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            f"{where}: the disk is full (no space left on device); {kept}. Free some space, then export again.",
            code="disk-full",
        )
    if exc.errno == errno.ENOTDIR:
        return _below_a_file(Path(where))
    reason = exc.strerror or type(exc).__name__
    return ExportError(
        f"{where}: cannot write the export ({reason}); {kept}. Choose an --output you can write to.",
        code="output-unwritable",
    )
