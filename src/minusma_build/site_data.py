"""Read the published package for the explorer page: datapackage.json, the
CSV tables (with the csv module, values kept as the strings they are) and
the source texts, checked enough that the page cannot mark a wrong span.

The page is made from these published files only, never from the curated
ones, so it shows exactly what a user downloads.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, PARQUET_SUFFIX

from .render import EVIDENCE_PROPERTY
from .spec import EVIDENCE

SOURCES, PASSAGES = ARTICLE_TABLES = ("sources", "passages")
"""The tables the article is made of: its texts, and the sentences they are cut into."""
SPAN_COLUMNS = ("source_id", "evidence", "char_start", "char_end")
"""What a table marked in the article needs: where its evidence stands."""
TIMELINE_TABLE = "events"
"""The table whose dated rows the timeline shows."""


class SiteError(Exception):
    """The package cannot be shown; `code` is stable, the message says where and what would be right."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}"


@dataclass
class Table:
    name: str
    resource: dict[str, Any]
    rows: list[dict[str, str]]

    @property
    def fields(self) -> list[dict[str, Any]]:
        return self.resource["schema"]["fields"]

    @property
    def key(self) -> str:
        """The single primary-key column."""
        return self.resource["schema"]["primaryKey"][0]

    @property
    def evidence(self) -> str | None:
        """What the rows' evidence is, as the schema says ("fact" or "mention"):
        the layer of the article they are marked in; None for a table without."""
        value = self.resource["schema"].get(EVIDENCE_PROPERTY)
        return value if value in EVIDENCE else None

    def foreign_targets(self) -> dict[str, str]:
        """Column -> table it refers to, for single-column foreign keys."""
        targets = {}
        for fk in self.resource["schema"].get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            if len(fields) == 1:
                targets[fields[0]] = (fk["reference"].get("resource") or self.name).removesuffix(PARQUET_SUFFIX)
        return targets


@dataclass
class Package:
    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, Table]
    texts: dict[str, str] = field(default_factory=dict)  # source_id -> text
    files: list[str] = field(default_factory=list)  # published files, relative POSIX paths

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def actor_names(self) -> dict[str, str]:
        actors = self.tables.get("actors")
        return {r["actor_id"]: r["name"] for r in actors.rows} if actors else {}

    def layered(self) -> list[Table]:
        """The tables marked in the article: facts first, then mentions, each in published order."""
        return [t for layer in EVIDENCE for t in self.tables.values() if t.evidence == layer]


def inside(root: Path, rel: str, where: str) -> Path:
    """`root/rel`, refused when `rel` would leave the package folder."""
    parts = PurePosixPath(rel).parts
    if not rel or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
        raise SiteError(
            "path-outside",
            f"{where}: path {rel!r} leaves the package folder; give a relative path inside it, such as data/events.csv",
        )
    return root / rel


def read_package(root: Path) -> Package:
    descriptor_path = root / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(
            "no-descriptor", f"{descriptor_path} is missing; build the package first (python -m minusma_build)"
        ) from None
    except ValueError as exc:
        raise SiteError("bad-descriptor", f"{descriptor_path} is not valid JSON ({exc})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise SiteError("bad-descriptor", f"{descriptor_path} has no 'resources' list")
    package = Package(root, descriptor, {}, files=[DESCRIPTOR])
    for number, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise SiteError("bad-descriptor", f"datapackage.json resource #{number} is not an object with a path")
        where = f"datapackage.json resource {resource.get('name')!r}"
        path = inside(root, resource["path"], where)
        if not path.is_file():
            raise SiteError("missing-file", f"{where}: {path} is missing; rebuild the package")
        package.files.append(resource["path"])
        if resource.get("format") == "csv":
            package.tables[str(resource.get("name"))] = _read_table(resource, path, where)
    for name in (*ARTICLE_TABLES, TIMELINE_TABLE):
        if name not in package.tables:
            raise SiteError("missing-table", f"datapackage.json lists no CSV table {name!r}; the page needs it")
    _read_texts(package)
    _check_spans(package)
    return package


def _read_table(resource: dict[str, Any], path: Path, where: str) -> Table:
    """The CSV's rows, once its schema names the columns and a primary key and its header has them all."""
    given = resource.get("schema")
    schema: dict[str, Any] = given if isinstance(given, dict) else {}
    fields = schema.get("fields")
    if not (
        isinstance(fields, list)
        and all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields)
        and isinstance(schema.get("primaryKey"), list)
        and len(schema["primaryKey"]) == 1
    ):
        raise SiteError("bad-descriptor", f"{where}: needs a schema with named fields and a one-column primaryKey")
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = reader.fieldnames or []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SiteError("bad-csv", f"{path}: not a UTF-8 CSV file ({exc}); rebuild the package") from None
    names = [f["name"] for f in fields]
    if schema.get(EVIDENCE_PROPERTY) is not None and not set(SPAN_COLUMNS) <= set(names):
        raise SiteError(
            "bad-descriptor",
            f"{where}: its schema gives {EVIDENCE_PROPERTY} but not the columns {', '.join(SPAN_COLUMNS)} "
            "that say where the evidence stands; rebuild the package",
        )
    absent = [f["name"] for f in fields if f["name"] not in header]
    if absent:
        raise SiteError(
            "bad-csv",
            f"{path}: the header lacks column(s) {', '.join(absent)} that its schema lists; rebuild the package",
        )
    if any(None in row or None in row.values() for row in rows):
        raise SiteError("bad-csv", f"{path}: a row has more or fewer cells than the header; rebuild the package")
    return Table(str(resource.get("name")), resource, rows)


def _read_texts(package: Package) -> None:
    for row in package.tables[SOURCES].rows:
        where = f"sources.csv row {row['source_id']!r}"
        path = inside(package.root, row["path"], where)
        try:
            data = path.read_bytes()
        except OSError:
            raise SiteError("missing-file", f"{where}: source text {path} is missing") from None
        if row.get("sha256") and hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise SiteError(
                "source-hash", f"{where}: {path} does not match its sha256 {row['sha256']}; restore the verbatim text"
            )
        try:
            package.texts[row["source_id"]] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SiteError("source-hash", f"{where}: {path} is not UTF-8 text; restore the verbatim text") from None
        package.files.append(row["path"])


def _check_spans(package: Package) -> None:
    """Every row with evidence quotes text[char_start:char_end] exactly, inside one paragraph."""
    for table in [*package.layered(), package.tables[PASSAGES]]:
        name = table.name
        quote = "text" if name == PASSAGES else "evidence"
        for row in table.rows:
            where = f"{name}.csv row {row[table.key]!r}"
            text = package.texts.get(row["source_id"])
            if text is None:
                raise SiteError("unknown-source", f"{where}: source_id {row['source_id']!r} is not in sources.csv")
            try:
                start, end = int(row["char_start"]), int(row["char_end"])
            except ValueError:
                raise SiteError("bad-offset", f"{where}: char_start/char_end must be integers") from None
            if not 0 <= start < end <= len(text) or text[start:end] != row[quote]:
                raise SiteError(
                    "evidence-mismatch",
                    f"{where}: {quote} is not the source text at [{start}, {end}); rebuild the package",
                )
            if "\n" in row[quote]:
                raise SiteError("evidence-crosses-paragraph", f"{where}: {quote} spans a line break")
