"""Read the hand-curated TOML files, turning syntax errors into messages that
give the file, line and column, and refusing an array or a table written
where one value belongs."""

from __future__ import annotations

import datetime as dt
import errno
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minusma_data.buildkit import read_regular

from .errors import BuildError, Problem, fail

if TYPE_CHECKING:
    from .spec import Table

CURATED_DIR = Path("data") / "curated"
SPEC_FILE = (CURATED_DIR / "package.toml").as_posix()  # the schema, vocabularies and table declarations

# The single values TOML has (a datetime is a date). Every curated value is
# one of these, except under TABLE_KEYS, which hold a table of them.
SINGLE = (str, int, float, bool, dt.date, dt.time)
TABLE_KEYS = {"date"}


@dataclass(frozen=True)
class Entry:
    """One curated entry and where it came from, for error messages."""

    file: str
    label: str
    data: dict[str, Any]


BOM = b"\xef\xbb\xbf"


def read_toml(path: Path, shown: str, missing: str = "restore it from version control") -> dict[str, Any]:
    """A curated file's contents; any fault (missing, a folder, a symbolic-link
    loop, unreadable, empty, a BOM, not UTF-8, not TOML) as one problem.
    `missing` says what to do when the file is not there."""
    data = _read_bytes(path, shown, missing)
    if not data.strip():
        raise fail(
            "file-empty",
            shown,
            "",
            "",
            f"the file is empty ({len(data)} bytes), as if truncated; "
            "restore it from version control (an empty file would silently empty its table)",
        )
    if data.startswith(BOM):
        raise fail(
            "toml-bom",
            shown,
            "",
            "",
            "the file starts with a UTF-8 BOM (byte order mark), which TOML "
            "does not allow; save it as UTF-8 without BOM",
        )
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", text)
        where = f"line {m.group(1)}, column {m.group(2)}" if m else "unknown position"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", text) or "invalid TOML"
        raise fail(
            "toml-syntax",
            shown,
            "",
            "",
            f"TOML syntax error at {where}: {reason}; "
            "fix the syntax there (strings need quotes, tables [[name]], keys `key = value`)",
        ) from None
    except UnicodeDecodeError as exc:
        raise fail(
            "not-utf8", shown, "", "", f"not valid UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None


def _read_bytes(path: Path, shown: str, missing: str) -> bytes:
    try:
        return read_regular(path)  # a FIFO in its place is refused, not waited on
    except FileNotFoundError:
        raise fail("file-missing", shown, "", "", f"the file is missing; {missing}") from None
    except IsADirectoryError:
        raise fail(
            "file-is-folder",
            shown,
            "",
            "",
            "this is a folder, not a file; remove the folder and restore the file from version control",
        ) from None
    except PermissionError:
        raise fail(
            "file-unreadable",
            shown,
            "",
            "",
            "the file cannot be read (permission denied); make it readable, e.g. chmod u+r",
        ) from None
    except OSError as exc:
        reason = (
            "a symbolic link that leads back to itself (a loop)"
            if exc.errno == errno.ELOOP
            else exc.strerror or str(exc)
        )
        raise fail(
            "file-unreadable",
            shown,
            "",
            "",
            f"the file cannot be read: {reason}; replace it with the real file from version control",
        ) from None


def read_entries(root: Path, table: Table) -> list[Entry]:
    """The entries of a table's curated file, each labelled like "event 'unsc-vote'".

    A top-level `source_id` in the file is the default of every entry's, for a
    table whose entries belong to a source.
    """
    path = root / CURATED_DIR / table.curated
    shown = path.relative_to(root).as_posix()
    array = table.entry
    doc = read_toml(
        path,
        shown,
        missing=f"package.toml declares table '{table.name}' with curated = \"{table.curated}\": restore the file "
        f"from version control, create it with [[{array}]] entries, or remove the table from package.toml",
    )
    raw = doc.get(array, [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise fail("entries-not-tables", shown, "", array, f"expected entries written as [[{array}]] tables")
    per_source = table.per_source
    top_keys = {array, "source_id"} if per_source else {array}
    unknown_top = set(doc) - top_keys
    if unknown_top:
        holds = f"`source_id` and [[{array}]] entries" if per_source else f"[[{array}]] entries"
        raise fail(
            "unknown-top-level-key",
            shown,
            "",
            ", ".join(sorted(unknown_top)),
            f"unknown top-level key; the file holds {holds}",
        )
    if not isinstance(doc.get("source_id", ""), str):
        raise fail(
            "source-id-not-text",
            shown,
            "",
            "source_id",
            f'expected the source\'s id as text, got {doc["source_id"]!r}; write source_id = "<source_id>"',
        )
    entries, problems = [], []
    for i, data in enumerate(raw, start=1):
        if per_source and "source_id" in doc:
            data = {"source_id": doc["source_id"], **data}
        label = entry_label(table, data, i)
        entries.append(Entry(shown, label, data))
        problems += value_problems(shown, label, data)
    if problems:
        raise BuildError(problems)
    return entries


def entry_label(table: Table, data: dict[str, Any], number: int) -> str:
    """How messages name an entry: by its id ("event 'unsc-vote'"), else by its
    number; an entry whose id the build computes also by its first value and
    its evidence ("mention #2 (un: 'UN')"), so a curator can find it."""
    key = table.primary_key[0]
    ident = data.get(key)
    if isinstance(ident, str) and ident:
        return f"{table.entry} '{ident}'"
    label = f"{table.entry} #{number}"
    first = next((f.name for f in table.fields if not f.computed), None)
    if key in table.computed and table.has_evidence and first:
        label += f" ({data.get(first)}: {data.get('evidence')!r})"
    return label


def value_problems(file: str, label: str, data: dict[str, Any]) -> list[Problem]:
    """An array or table written where one value belongs."""
    problems = []
    for key, value in data.items():
        if key in TABLE_KEYS and isinstance(value, dict):
            problems += [
                Problem(
                    "not-one-value",
                    file,
                    label,
                    key,
                    f"`{inner}` must be one value (text, a number, true/false or a date), got {_kind(v)}: {v!r}",
                )
                for inner, v in value.items()
                if not isinstance(v, SINGLE)
            ]
        elif key not in TABLE_KEYS and not isinstance(value, SINGLE):
            problems.append(
                Problem(
                    "not-one-value",
                    file,
                    label,
                    key,
                    f"expected one value (text in quotes, a number, true/false "
                    f"or a date), got {_kind(value)}: {value!r}",
                )
            )
    return problems


def _kind(value: object) -> str:
    return "an array" if isinstance(value, list) else "a table" if isinstance(value, dict) else type(value).__name__


@dataclass
class Row:
    """A published row and the curated entry it came from, for error messages."""

    origin: Entry
    values: dict[str, Any]
