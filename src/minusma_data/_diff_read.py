"""Read one version of the data package for `minusma-data diff`: a package
folder, its datapackage.json or a release zip, as a `Snapshot` whose files
are read on demand.

A zip is read in place (never extracted), and neither a zip member nor a
resource path may point outside its package. Rows are read as the text of
the CSV cells, so no dtype rule can hide or invent a change, and nothing here
imports pandas.
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

from ._files import DESCRIPTOR
from ._tableschema import resource_table

MAX_MEMBER_BYTES = 1 << 30  # a zip member bigger than 1 GiB is refused, not read


class DiffError(Exception):
    """An input that cannot be compared; the message is one line saying what,
    where and what would be right."""


@dataclass
class Snapshot:
    """One package: its descriptor and a way to read its files' bytes."""

    label: str
    descriptor: dict[str, Any]
    read: Callable[[str], bytes]
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # table -> format -> resource

    @property
    def version(self) -> str | None:
        version = self.descriptor.get("version")
        return version if isinstance(version, str) else None


def open_package(given: str | Path) -> Snapshot:
    """A folder, a datapackage.json path or a release zip, as a Snapshot."""
    path = Path(given)
    if path.is_dir():
        return _folder(path, path)
    if path.is_file() and path.name == DESCRIPTOR:
        return _folder(path.parent, path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _zip(path)
    if not path.exists():
        raise DiffError(f"{path}: no such file or folder; give a package folder, its datapackage.json or a release zip")
    raise DiffError(f"{path}: not a package folder, a datapackage.json or a zip file")


def _folder(root: Path, shown: Path) -> Snapshot:
    base = root.resolve()

    def read(rel: str) -> bytes:
        target = (base / _safe(rel, shown)).resolve()
        if not target.is_relative_to(base):
            raise DiffError(
                f"{shown}: {rel!r} leads outside the package folder (a link); a file inside the folder would be right"
            )
        try:
            return target.read_bytes()
        except FileNotFoundError:
            if rel == DESCRIPTOR:
                raise DiffError(
                    f"{shown}: no {DESCRIPTOR} here; give a package folder (one holding "
                    f"{DESCRIPTOR}), its {DESCRIPTOR} or a release zip"
                ) from None
            raise DiffError(f"{shown}: {rel} is missing; the package lists it") from None
        except OSError as exc:
            raise DiffError(f"{shown}: {rel} cannot be read ({exc.strerror})") from None

    return _snapshot(str(shown), read)


def _zip(path: Path) -> Snapshot:
    try:
        archive = zipfile.ZipFile(path)
        infos = {}
        for info in archive.infolist():
            _safe(info.filename.rstrip("/"), path, member=True)
            infos[info.filename] = info
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DiffError(f"{path}: not a readable zip file ({exc})") from None

    def read(rel: str) -> bytes:
        info = infos.get(_safe(rel, path))
        if info is None:
            raise DiffError(
                f"{path}: the zip has no {rel}; a release zip holds datapackage.json at its root "
                "and every file it lists"
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise DiffError(
                f"{path}: {rel} claims {info.file_size} bytes, more than the {MAX_MEMBER_BYTES} a package file may have"
            )
        try:
            return archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise DiffError(f"{path}: {rel} cannot be read from the zip ({exc})") from None

    return _snapshot(str(path), read)


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
            "a relative path inside it, like data/events.csv, would be right"
        )
    return normal


def _snapshot(label: str, read: Callable[[str], bytes]) -> Snapshot:
    try:
        descriptor = json.loads(read(DESCRIPTOR))
    except ValueError as exc:
        raise DiffError(f"{label}: {DESCRIPTOR} is not valid JSON ({exc})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DiffError(f"{label}: {DESCRIPTOR} is not a Data Package (it has no 'resources' list)")
    snapshot = Snapshot(label, descriptor, read)
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict) or resource.get("format") not in ("csv", "parquet"):
            continue
        name, path = resource.get("name"), resource.get("path")
        schema = resource.get("schema")
        if not (
            isinstance(name, str)
            and isinstance(path, str)
            and isinstance(schema, dict)
            and isinstance(schema.get("fields"), list)
            and all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in schema["fields"])
        ):
            raise DiffError(f"{label}: resource {name!r} lacks a name, a path or a schema with named fields")
        _safe(path, Path(label))
        table = resource_table(name, resource["format"])
        snapshot.tables.setdefault(table, {})[resource["format"]] = resource
    return snapshot


def schema_of(snapshot: Snapshot, table: str) -> dict[str, Any]:
    formats = snapshot.tables[table]
    schema: dict[str, Any] = (formats.get("csv") or formats["parquet"])["schema"]
    return schema


def read_rows(snapshot: Snapshot, table: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of a table's CSV file, every cell as text."""
    resource = snapshot.tables[table]["csv"]
    given = resource.get("dialect")
    dialect: dict[str, Any] = given if isinstance(given, dict) else {}
    data = snapshot.read(resource["path"])
    try:
        text = data.decode(resource.get("encoding", "utf-8") or "utf-8")
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=dialect.get("delimiter", ","),
            quotechar=dialect.get("quoteChar", '"'),
            strict=True,
        )
        rows = list(reader)
    except (UnicodeDecodeError, LookupError, csv.Error) as exc:
        raise DiffError(f"{snapshot.label}: {resource['path']} is not valid CSV ({exc})") from None
    if not rows:
        raise DiffError(f"{snapshot.label}: {resource['path']} is empty; it should start with a header row")
    return rows[0], rows[1:]
