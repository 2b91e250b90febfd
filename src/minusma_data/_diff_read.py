"""Read one version of the data package for `minusma-data diff`: a package
folder, its datapackage.json or a release zip, as a `Snapshot` whose files
are read on demand (each once).

A zip is read in place (never extracted) by `_diff_zip`, and neither a zip
member nor a resource path may point outside its package. The descriptor's
shape is checked by `_diff_shape` before it is used. Rows are read as the
text of the CSV cells, so no dtype rule can hide or invent a change, and
nothing here imports pandas.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._diff_errors import DiffError
from ._diff_shape import check_descriptor, table_format
from ._diff_zip import open_zip
from ._files import DESCRIPTOR
from ._regular import FileTooLarge, NotRegularFile, read_regular
from ._tableschema import csv_cell, resource_table

MAX_FILE_BYTES = 1 << 30  # a file of a package folder bigger than 1 GiB is refused, not read


@dataclass
class Snapshot:
    """One package: its descriptor and a way to read its files' bytes."""

    label: str
    descriptor: dict[str, Any]
    reader: Callable[[str], bytes]
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # table -> format -> resource
    sources: list[dict[str, Any]] = field(default_factory=list)  # the source texts: sources[] with a path
    files: dict[str, bytes] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return version if isinstance(version, str) else None

    def read(self, rel: str) -> bytes:
        """A file's bytes, read once: a zip's budget counts each member once."""
        if rel not in self.files:
            self.files[rel] = self.reader(rel)
        return self.files[rel]


def open_package(given: str | Path) -> Snapshot:
    """A folder, a datapackage.json path or a release zip, as a Snapshot."""
    path = Path(given)
    if path.is_dir():
        return _folder(path, path)
    if path.is_file() and path.name == DESCRIPTOR:
        return _folder(path.parent, path)
    if path.is_file() and _is_zip(path):
        return snapshot(str(path), open_zip(path, _safe))
    if not path.exists():
        raise DiffError(
            f"{path}: no such file or folder; give a package folder, its datapackage.json or a release zip",
            "input-missing",
        )
    raise DiffError(f"{path}: not a package folder, a datapackage.json or a zip file", "not-a-package")


def _is_zip(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _folder(root: Path, shown: Path) -> Snapshot:
    base = root.resolve()

    def read(rel: str) -> bytes:
        target = (base / _safe(rel, shown)).resolve()
        if not target.is_relative_to(base):
            raise DiffError(
                f"{shown}: {rel!r} leads outside the package folder (a link); a file inside the folder would be right",
                "path-outside-package",
            )
        try:
            return read_regular(target, MAX_FILE_BYTES)
        except (NotRegularFile, IsADirectoryError):
            raise DiffError(
                f"{shown}: {rel} is not a regular file; the package lists a file", "file-unreadable"
            ) from None
        except FileTooLarge as exc:
            raise DiffError(
                f"{shown}: {rel} has {exc.size} bytes, more than the {MAX_FILE_BYTES} a package file may have",
                "too-large",
            ) from None
        except FileNotFoundError:
            if rel == DESCRIPTOR:
                raise DiffError(
                    f"{shown}: no {DESCRIPTOR} here; give a package folder (one holding "
                    f"{DESCRIPTOR}), its {DESCRIPTOR} or a release zip",
                    "descriptor-missing",
                ) from None
            raise DiffError(f"{shown}: {rel} is missing; the package lists it", "file-missing") from None
        except OSError as exc:
            raise DiffError(f"{shown}: {rel} cannot be read ({exc.strerror})", "file-unreadable") from None

    return snapshot(str(shown), read)


def _safe(rel: str, where: Path, member: bool = False) -> str:
    """`rel` as a plain relative POSIX path, or a DiffError if it could point
    anywhere but inside the package (absolute, `..`, a drive, a URL)."""
    what = "zip member" if member else "path"
    normal = posixpath.normpath(rel) if rel else ""
    if (
        not rel
        or "\\" in rel
        or "\x00" in rel
        or rel.startswith("/")
        or ":" in rel.split("/")[0]
        or normal == ".."
        or normal.startswith("../")
        or ".." in rel.split("/")
    ):
        raise DiffError(
            f"{where}: {what} {rel!r} points outside the package; "
            "a relative path inside it, like data/events.csv, would be right",
            "path-outside-package",
        )
    return normal


def snapshot(label: str, read: Callable[[str], bytes]) -> Snapshot:
    """The package whose files `read` returns, its descriptor checked."""
    try:
        descriptor = json.loads(read(DESCRIPTOR))
    except RecursionError:
        raise DiffError(
            f"{label}: {DESCRIPTOR} nests too deeply to read; a Data Package descriptor does not",
            "descriptor-unreadable",
        ) from None
    except ValueError as exc:
        raise DiffError(f"{label}: {DESCRIPTOR} is not valid JSON ({exc})", "descriptor-unreadable") from None
    check_descriptor(descriptor, label)
    result = Snapshot(label, descriptor, read)
    for given in descriptor["resources"]:
        resource = {**given, "format": table_format(given)}  # check_descriptor let only csv and parquet by
        _safe(resource["path"], Path(label))
        table = resource_table(resource["name"], resource["format"])
        result.tables.setdefault(table, {})[resource["format"]] = resource
    for source in descriptor.get("sources", []):
        if "path" in source:
            _safe(source["path"], Path(label))
            result.sources.append(source)
    return result


def schema_of(snapshot: Snapshot, table: str) -> dict[str, Any]:
    formats = snapshot.tables[table]
    schema: dict[str, Any] = (formats.get("csv") or formats["parquet"])["schema"]
    return schema


def main_resource(snapshot: Snapshot, table: str) -> dict[str, Any]:
    """The resource whose rows stand for the table: its CSV file, or its
    Parquet file in a package without one."""
    formats = snapshot.tables[table]
    return formats.get("csv") or formats["parquet"]


def read_rows(snapshot: Snapshot, table: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a table's CSV file, every cell as text;
    refused unless the header is the schema's field names and every row has
    its width. A table published only as Parquet gives its cells as a CSV
    file would write them."""
    if "csv" not in snapshot.tables[table]:
        return _parquet_rows(snapshot, snapshot.tables[table]["parquet"])
    resource = snapshot.tables[table]["csv"]
    where = f"{snapshot.label}: {resource['path']}"
    dialect: dict[str, Any] = resource.get("dialect") or {}
    data = snapshot.read(resource["path"])
    try:
        text = data.decode(resource.get("encoding") or "utf-8")
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=dialect.get("delimiter", ","),
            quotechar=dialect.get("quoteChar", '"'),
            strict=True,
        )
        rows = list(reader)
    except (UnicodeError, LookupError, csv.Error) as exc:
        raise DiffError(f"{where} is not valid CSV ({exc})", "csv-malformed") from None
    names = [f["name"] for f in resource["schema"]["fields"]]
    if not dialect.get("header", True):
        rows.insert(0, names)
    if not rows:
        raise DiffError(f"{where} is empty; it should start with a header row", "csv-malformed")
    if rows[0] != names:
        raise DiffError(
            f"{where}: its header {_short(rows[0])} is not its schema's field names {_short(names)}",
            "header-mismatch",
        )
    width = len(names)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise DiffError(
                f"{where}: line {number} has {len(row)} cells where the header has {width}", "csv-malformed"
            )
    return rows[0], rows[1:]


def _parquet_rows(snapshot: Snapshot, resource: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(snapshot.read(resource["path"])), use_threads=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DiffError(
            f"{snapshot.label}: {resource['path']} is not readable Parquet ({exc})", "parquet-damaged"
        ) from None
    columns = [[csv_cell(v) for v in table.column(name).to_pylist()] for name in table.column_names]
    return table.column_names, [list(row) for row in zip(*columns, strict=True)]


def keyed_rows(snapshot: Snapshot, table: str, key: list[str] | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """The header, and the rows by id: the value of the table's primary key
    (or of `key`, another version's; fields of a composite key joined by
    "|"), or "line N" in a table without one. Refused when a value of the
    table's own key appears twice."""
    header, rows = read_rows(snapshot, table)
    own = key is None
    if key is None:
        key = names_of(main_resource(snapshot, table)["schema"].get("primaryKey"))
    if not key:
        return header, {f"line {n}": row for n, row in enumerate(rows, start=2)}
    index = [header.index(k) for k in key]
    if len(index) == 1:
        i = index[0]
        keyed = {row[i]: row for row in rows}
    else:
        keyed = {"|".join(row[i] for i in index): row for row in rows}
    if own and len(keyed) != len(rows):
        seen: set[str] = set()
        for number, row in enumerate(rows, start=2):
            ident = "|".join(row[i] for i in index)
            if ident in seen:
                raise DiffError(
                    f"{snapshot.label}: {main_resource(snapshot, table)['path']}: primary key {ident!r} "
                    f"appears twice (line {number})",
                    "csv-malformed",
                )
            seen.add(ident)
    return header, keyed


def names_of(value: Any) -> list[str]:
    """A primary key's field names, as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _short(names: list[str]) -> str:
    text = ",".join(names)
    return repr(text if len(text) <= 80 else text[:77] + "...")
