"""Put the published files in place as one package: a reader, or a build that
is stopped at any instant, sees the whole old package or the whole new one,
or a journal that the next build finishes and the loader reports.

How a publish runs, under an exclusive lock on data/:

1. finish any publish a killed build left (`recover`), and remove leftover
   staging folders;
2. stage every changed file, and a copy of the file it replaces, in
   data/.staging-*/, each fsynced;
3. write data/.publish-journal.json (atomically, fsynced): each move, the new
   file's sha256 and where the old file was saved;
4. move the new files into place, one os.replace each;
5. remove the journal, then the staging folder.

A journal on disk therefore means "the new files are all staged; finish the
moves". The next build rolls forward (or, if a staged file was lost, back
from the saved copies); the loader and `--check`, which must not write,
report it in one line. Every filesystem call goes through `STEPS`, so a test
can fail or stop the process at each one in turn.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from minusma_data.buildkit import (
    DESCRIPTOR,
    FINISH,
    INTERRUPTED,
    JOURNAL,
    NotRegularFile,
    package_lock,
    read_regular,
)

from . import signals
from .curated import SPEC_FILE
from .problem_codes import known
from .published import published_paths
from .spec import load_spec

STAGING_PREFIX = ".staging-"


class PublishError(Exception):
    """A file that cannot be read, written or replaced while publishing.
    `code` is stable; the message is one line: the path, what is wrong, what to do."""

    def __init__(self, code: str, path: Path | str, problem: str, remedy: str) -> None:
        self.code, self.path, self.problem, self.remedy = known(code), str(path), problem, remedy
        super().__init__(f"{self.path}: {problem}; {remedy}")


class Steps:
    """The filesystem operations publishing makes, one method each. `hook`,
    when set, is called as hook(step_number, operation, path) before each
    one: a test uses it to raise an OSError or end the process at step k."""

    def __init__(self) -> None:
        self.count = 0
        self.hook: Callable[[int, str, Path], None] | None = None

    def _step(self, operation: str, path: Path) -> None:
        self.count += 1
        if self.hook is not None:
            self.hook(self.count, operation, path)

    def mkdtemp(self, parent: Path) -> Path:
        self._step("mkdtemp", parent)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))

    def write(self, path: Path, data: bytes) -> None:
        self._step("write", path)
        with open(path, "xb") as fh:
            fh.write(data)

    def fsync(self, path: Path) -> None:
        """fsync a file or a folder (a folder, so a rename in it is durable)."""
        self._step("fsync", path)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def replace(self, src: Path, dst: Path) -> None:
        self._step("replace", dst)
        os.replace(src, dst)

    def unlink(self, path: Path) -> None:
        self._step("unlink", path)
        path.unlink(missing_ok=True)

    def rmtree(self, path: Path) -> None:
        self._step("rmtree", path)
        shutil.rmtree(path, ignore_errors=True)


STEPS = Steps()

WAITING = "waiting for another build of this package to finish publishing"


@contextlib.contextmanager
def data_lock(root: Path, exclusive: bool) -> Iterator[None]:
    """The package lock (minusma_data._lock): exclusive for a build, shared
    for `--check`. A build that has to wait says so on stderr, then waits."""
    folder = root / "data"

    def waiting() -> None:
        if exclusive:
            print(f"{WAITING} ({folder}) ...", file=sys.stderr, flush=True)

    try:
        lock = package_lock(root, exclusive, on_wait=waiting)
        lock.__enter__()
    except OSError as exc:
        raise PublishError(
            "data-folder-unusable",
            folder,
            f"cannot open the folder ({exc.strerror})",
            "restore data/ as a folder you can read and write",
        ) from None
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def build_lock(root: Path) -> contextlib.AbstractContextManager[None]:
    return data_lock(root, exclusive=True)


def publish(root: Path, outputs: dict[str, bytes], steps: Steps = STEPS) -> list[str]:
    """Write outputs (paths relative to root) as one package; return those changed.

    Call it holding `build_lock`. SIGINT and SIGTERM are held until it
    returns, so a signal never leaves half a package. A Parquet file whose
    content is unchanged is left as it is, even when another pyarrow version
    would write different bytes for it.
    """
    with signals.deferred():
        recover(root, steps)
        before = {rel: _read_published(root, rel) for rel in outputs}
        changed = [rel for rel, data in outputs.items() if not _same(rel, before[rel], data)]
        if not changed:
            return []
        # datapackage.json last: a reader that takes no lock meets the old
        # descriptor beside new files for the shortest time.
        changed.sort(key=lambda rel: rel == DESCRIPTOR)
        staging = _stage(root, outputs, before, changed, steps)
        plan = _plan(root, staging, outputs, before, changed)
        try:
            _write_journal(root, plan, steps)
        except BaseException:
            _discard(root, staging, steps)
            raise
        try:
            _move(root, plan, steps)
        except OSError as exc:
            if _roll_back_or_keep(root, plan, steps):
                raise _error(
                    "publish-failed",
                    exc,
                    "could not move a new file into place; the old package "
                    "was kept. Make data/ and its files writable, then build again",
                ) from None
            raise _error(
                "interrupted-publish",
                exc,
                f"could not move a new file into place nor put the old one back; {FINISH} once the folder is writable",
            ) from None
        _finish(root, plan, steps)
    return changed


def _stage(
    root: Path, outputs: dict[str, bytes], before: dict[str, bytes | None], changed: list[str], steps: Steps
) -> Path:
    """Every new file, and a copy of each file it replaces, in a fresh staging folder."""
    try:
        staging = steps.mkdtemp(root / "data")
    except OSError as exc:
        raise _error(
            "data-folder-unwritable",
            exc,
            "cannot create a staging folder in data/; make data/ writable (and free some space), then build again",
        ) from None
    try:
        for rel in changed:
            for name, data in (("new", outputs[rel]), ("old", before[rel])):
                if data is None:
                    continue
                staged = staging / f"{name}__{rel.replace('/', '__')}"
                steps.write(staged, data)
                steps.fsync(staged)
        steps.fsync(staging)
    except BaseException as exc:
        _discard(root, staging, steps)
        if isinstance(exc, OSError):
            raise _error(
                "staging-failed",
                exc,
                "could not write the new files; nothing was changed. "
                "Free some space or make data/ writable, then build again",
            ) from None
        raise
    return staging


def _plan(
    root: Path, staging: Path, outputs: dict[str, bytes], before: dict[str, bytes | None], changed: list[str]
) -> dict:
    rel_staging = staging.relative_to(root).as_posix()
    return {
        "staging": rel_staging,
        "moves": [
            {
                "path": rel,
                "new": f"{rel_staging}/new__{rel.replace('/', '__')}",
                "old": None if before[rel] is None else f"{rel_staging}/old__{rel.replace('/', '__')}",
                "sha256": hashlib.sha256(outputs[rel]).hexdigest(),
            }
            for rel in changed
        ],
    }


def _write_journal(root: Path, plan: dict, steps: Steps) -> None:
    journal = root / JOURNAL
    draft = journal.with_name(journal.name + ".draft")
    steps.unlink(draft)
    try:
        steps.write(draft, json.dumps(plan, indent=1).encode("utf-8"))
        steps.fsync(draft)
        steps.replace(draft, journal)
        steps.fsync(journal.parent)
    except OSError as exc:
        raise _error(
            "staging-failed",
            exc,
            "could not write the publish journal; nothing was changed. "
            "Free some space or make data/ writable, then build again",
        ) from None


def _move(root: Path, plan: dict, steps: Steps) -> None:
    for move in plan["moves"]:
        new = root / move["new"]
        if new.exists():
            steps.replace(new, root / move["path"])
    for folder in sorted({(root / m["path"]).parent for m in plan["moves"]}):
        steps.fsync(folder)


def _finish(root: Path, plan: dict, steps: Steps) -> None:
    """The moves are done: drop the journal (the publish is now complete), then the staging folder."""
    steps.unlink(root / JOURNAL)
    steps.fsync(root / "data")
    steps.rmtree(root / plan["staging"])


def _discard(root: Path, staging: Path, steps: Steps) -> None:
    """Nothing was moved yet: remove what was staged. Best effort; the next build retries."""
    with contextlib.suppress(OSError):
        steps.unlink(root / (JOURNAL + ".draft"))
    with contextlib.suppress(OSError):
        steps.rmtree(staging)


def _roll_back_or_keep(root: Path, plan: dict, steps: Steps) -> bool:
    """Put back the saved old files and say whether that worked; if it did
    not, the journal stays, so the next build finishes the job and the
    loader reports it meanwhile."""
    try:
        _roll_back(root, plan, steps, moved_only=True)
        _finish(root, plan, steps)
    except OSError:
        return not (root / JOURNAL).exists()
    return True


def _roll_back(root: Path, plan: dict, steps: Steps, moved_only: bool = False) -> None:
    """Put the saved old files back: of every move, or (`moved_only`) of the
    moves done, whose staged new file is gone. In the reverse order of the
    moves, so datapackage.json, moved last, is put back first: a reader that
    takes no lock never meets the new descriptor beside an old file."""
    for move in reversed(plan["moves"]):
        target = root / move["path"]
        if moved_only and (root / move["new"]).exists():
            continue
        if move["old"] is None:
            steps.unlink(target)
        elif (root / move["old"]).exists():
            steps.replace(root / move["old"], target)
    for folder in sorted({(root / m["path"]).parent for m in plan["moves"]}):
        steps.fsync(folder)


def recover(root: Path, steps: Steps = STEPS) -> str | None:
    """Finish a publish that a killed build left half done, and remove leftover
    staging folders. Call it holding `build_lock`. Returns "forward", "back"
    or None (nothing to do)."""
    done = None
    journal = root / JOURNAL
    if journal.exists() or journal.is_symlink():
        plan = read_journal(root)
        _move(root, plan, steps)
        if all(_sha256(root / m["path"]) == m["sha256"] for m in plan["moves"]):
            done = "forward"
        else:  # a staged file was lost: put the old package back instead
            _roll_back(root, plan, steps)
            done = "back"
        _finish(root, plan, steps)
    steps.unlink(root / (JOURNAL + ".draft"))
    for leftover in sorted((root / "data").glob(STAGING_PREFIX + "*")):
        if leftover.is_dir() and not leftover.is_symlink():
            steps.rmtree(leftover)
    return done


def read_journal(root: Path) -> dict:
    """The journal, checked before anything is moved or removed: a JSON object
    of the shape `_plan` writes, every path in the package, and its staging
    folder a real folder directly inside data/ (a symbolic link named
    data/.staging-* could otherwise lead the moves and the removal outside).
    A FIFO in its place is refused unopened: read, it would block the build
    for ever while it holds the lock and holds off SIGINT and SIGTERM.
    Every target must be a file this package's build publishes (named from
    package.toml's tables, as the build names them), so a crafted journal
    cannot have the roll-back remove any other file of data/."""
    journal = root / JOURNAL
    problem: str | None
    if journal.is_symlink():
        problem = "is a symbolic link, not the file a build writes"
    else:
        try:
            plan = json.loads(read_regular(journal))
        except NotRegularFile as exc:
            problem = f"is {exc.strerror}, not the file a build writes"
        except (OSError, ValueError, RecursionError):
            problem = "cannot be read as JSON"
        else:
            published = published_paths(load_spec(root / SPEC_FILE).tables)
            problem = journal_problem(root, plan, published)
    if problem is not None:
        raise PublishError(
            "journal-damaged",
            journal,
            f"the publish journal {problem}, so the interrupted publish cannot be finished; nothing was touched",
            f"restore data/ and {DESCRIPTOR} from version control "
            f"(git checkout -- data {DESCRIPTOR}), delete {JOURNAL}, then build again",
        )
    return plan


MOVE_KEYS = {"path", "new", "old", "sha256"}
HEX = set("0123456789abcdef")


def journal_problem(root: Path, plan: object, published: Collection[str]) -> str | None:
    """What makes `plan` a journal this build did not write, or None.
    `published`: the paths the build publishes (published.published_paths)."""
    if not isinstance(plan, dict) or set(plan) != {"staging", "moves"}:
        return 'is not an object with the keys "staging" and "moves"'
    staging, moves = plan["staging"], plan["moves"]
    if not _staging_name(staging):
        return f"names the staging folder {staging!r}, which is not data/{STAGING_PREFIX}<name>"
    problem = _real_folder(root / staging, "staging folder")
    if problem is not None:
        return problem
    if not isinstance(moves, list):
        return '"moves" is not a list'
    targets = set()
    for number, move in enumerate(moves, start=1):
        if not isinstance(move, dict) or set(move) != MOVE_KEYS:
            return f"move {number} is not an object with the keys {', '.join(sorted(MOVE_KEYS))}"
        rel = move["path"]
        if not isinstance(rel, str) or rel not in published or rel in targets:
            return f"move {number} names the file {rel!r}, which is not a file the build publishes (or is named twice)"
        targets.add(rel)
        sha = move["sha256"]
        if not (isinstance(sha, str) and len(sha) == 64 and set(sha) <= HEX):
            return f"move {number} gives the sha256 {sha!r}, which is not 64 hexadecimal digits"
        flat = rel.replace("/", "__")
        for key in ("new", "old"):
            value = move[key]
            if key == "old" and value is None:
                continue
            if value != f"{staging}/{key}__{flat}":
                return f"move {number} names the staged file {value!r}; the build would name it {staging}/{key}__{flat}"
            problem = _regular_or_absent(root / value)
            if problem is not None:
                return f"move {number}: {problem}"
    return None


def _staging_name(rel: object) -> bool:
    """data/.staging-<name>: one folder directly inside data/."""
    if not isinstance(rel, str) or "\0" in rel or "\\" in rel:
        return False
    parts = rel.split("/")
    return (
        len(parts) == 2
        and parts[0] == "data"
        and parts[1].startswith(STAGING_PREFIX)
        and len(parts[1]) > len(STAGING_PREFIX)
    )


def _real_folder(path: Path, what: str) -> str | None:
    """None when `path` is absent (its files were lost) or a real folder, not a link."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"names a {what} that cannot be examined ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return f"names a {what}, {path.name}, that is a symbolic link, not a folder the build made"
    if not stat.S_ISDIR(mode):
        return f"names a {what}, {path.name}, that is not a folder"
    return None


def _regular_or_absent(path: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"the staged file {path.name} cannot be examined ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return f"the staged file {path.name} is a symbolic link or not a file"
    return None


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:
        return None


def _error(code: str, exc: OSError, remedy: str) -> PublishError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full (no space left on device)"
    return PublishError(code, exc.filename or "data/", reason, remedy)


def _read_published(root: Path, rel: str) -> bytes | None:
    """A published file's bytes, None if absent; one line if it cannot be read."""
    path = root / rel
    try:
        return read_regular(path)  # a FIFO would block the build, lock held, for ever
    except FileNotFoundError:
        return None
    except OSError as exc:
        if isinstance(exc, IsADirectoryError):
            what = "is a folder, not a file"
        elif isinstance(exc, NotRegularFile):
            what = f"is {exc.strerror}"
        else:
            what = f"cannot be read ({exc.strerror})"
        raise PublishError(
            "published-file-unreadable",
            path,
            what,
            f"remove or repair it (git checkout -- {rel}), then run the build again",
        ) from None


def stale_outputs(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Paths whose committed content differs from what the build produces.
    Reads under a shared lock, and refuses a half-finished publish."""
    with data_lock(root, exclusive=False):
        if (root / JOURNAL).exists():
            raise PublishError("interrupted-publish", root / JOURNAL, INTERRUPTED, FINISH)
        return [rel for rel, data in outputs.items() if not _same(rel, _read_published(root, rel), data)]


def _same(rel: str, current: bytes | None, data: bytes) -> bool:
    """Parquet files are compared by content, since writers' versions differ
    in the file's own metadata; everything else byte for byte."""
    if current is None:
        return False
    if rel.endswith(".parquet"):
        return current == data or same_parquet(current, data)
    return current == data


def same_parquet(a: bytes, b: bytes) -> bool:
    """Whether two Parquet files hold the same schema, schema metadata (the
    `pandas` key, see render.pandas_metadata) and values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        # One thread: Arrow's reader threads can abort the process at exit
        # ("terminate called without an active exception"), now and then.
        read = lambda data: pq.read_table(pa.BufferReader(data), use_threads=False)  # noqa: E731
        return bool(read(a).equals(read(b), check_metadata=True))
    except (pa.ArrowException, OSError):
        return False
