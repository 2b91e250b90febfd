"""Read the published package for the explorer page: datapackage.json, the
CSV tables (with the csv module, values kept as the strings they are) and
the source texts, checked enough that the page cannot mark a wrong span.

The page is made from these published files only, never from the curated
ones, so it shows exactly what a user downloads.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, FINISH, INTERRUPTED, JOURNAL, PARQUET_SUFFIX, package_lock

from .render import EVIDENCE_PROPERTY
from .site_files import SiteError, inside, read_cff, read_file
from .spec import EVIDENCE
from .urls import unsafe

SOURCES, PASSAGES = ARTICLE_TABLES = ("sources", "passages")
"""The tables the article is made of: its texts, and the sentences they are cut into."""
SPAN_COLUMNS = ("source_id", "evidence", "char_start", "char_end")
"""What a table marked in the article needs: where its evidence stands."""
TIMELINE_TABLE = "events"
NEEDED_COLUMNS = {
    SOURCES: ("source_id", "path"),
    PASSAGES: ("passage_id", "source_id", "char_start", "char_end", "text"),
}
"""The columns the page reads from the article's tables, whatever their schema says."""
"""The table whose dated rows the timeline shows."""
MAX_DEPTH = 32
"""How deeply datapackage.json may nest (the package's own nests 6 deep): a
deeper one is refused in one line, never met as a RecursionError."""
DESCRIPTOR_MAX_BYTES = 4 << 20
"""The largest datapackage.json the page reads (this package's is about 0.25 MB): the page
writes descriptor values in several places, so a huge one would make a page many times larger."""


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
    cff: dict[str, Any] = field(default_factory=dict)  # CITATION.cff beside the descriptor, {} where none

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def actor_names(self) -> dict[str, str]:
        actors = self.tables.get("actors")
        return {r["actor_id"]: r["name"] for r in actors.rows} if actors else {}

    def layered(self) -> list[Table]:
        """The tables marked in the article: facts first, then mentions, each in published order."""
        return [t for layer in EVIDENCE for t in self.tables.values() if t.evidence == layer]


@contextlib.contextmanager
def reading(root: Path) -> Iterator[None]:
    """Hold the package's read lock (the one the loader holds, minusma_data._lock)
    while the page reads it, so a build publishing meanwhile is never seen
    half done: the page is one version, never a mix. A package whose publish
    was interrupted is refused; a folder without data/ is read without the lock."""
    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):
            stack.enter_context(package_lock(root, exclusive=False))
        if os.path.lexists(root / JOURNAL):
            raise SiteError("interrupted-publish", f"{root / JOURNAL}: {INTERRUPTED}; {FINISH}")
        yield


def read_package(root: Path) -> Package:
    """The package, every file it names checked (inside it, a regular file)
    before any is read, and its tables and texts checked against each other."""
    descriptor_path = root / DESCRIPTOR
    data = read_file(descriptor_path, str(descriptor_path), missing="no-descriptor", limit=DESCRIPTOR_MAX_BYTES)
    try:
        descriptor = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise SiteError("bad-descriptor", f"{descriptor_path} nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:
        raise SiteError("bad-descriptor", f"{descriptor_path} is not valid JSON ({exc})") from None
    if depth(descriptor) > MAX_DEPTH:
        raise SiteError("bad-descriptor", f"{descriptor_path} nests deeper than {MAX_DEPTH} levels")
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise SiteError("bad-descriptor", f"{descriptor_path} has no 'resources' list")
    check_shape(descriptor)
    package = Package(root, descriptor, {}, files=[DESCRIPTOR])
    paths = []
    for number, resource in enumerate(descriptor["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise SiteError("bad-descriptor", f"datapackage.json resource #{number} is not an object with a path")
        where = f"datapackage.json resource {resource.get('name')!r}"
        paths.append((resource, regular(root, resource["path"], where), where))
    sources = [s["path"] for s in descriptor.get("sources", []) if "path" in s]
    for number, rel in enumerate(sources):
        regular(root, rel, f"datapackage.json source #{number + 1}")
    for resource, path, where in paths:
        package.files.append(resource["path"])
        if resource.get("format") == "csv":
            package.tables[str(resource.get("name"))] = _read_table(resource, path, where)
    for name in (*ARTICLE_TABLES, TIMELINE_TABLE):
        if name not in package.tables:
            raise SiteError("missing-table", f"datapackage.json lists no CSV table {name!r}; the page needs it")
    _read_texts(package)
    package.files.extend(sources)
    package.cff = read_cff(root)
    _check_spans(package)
    return package


def regular(root: Path, rel: str, where: str) -> Path:
    """`root/rel` once it is inside the package and a regular file (not read
    yet): a pipe, a device or a folder in its place is `unreadable-file`."""
    path = inside(root, rel, where)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise SiteError("missing-file", f"{where}: {path} is missing; rebuild the package") from None
    except OSError as exc:
        raise SiteError("unreadable-file", f"{where}: {path} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SiteError(
            "unreadable-file", f"{where}: {path} is not a regular file (a folder, a pipe or a device); give the file"
        )
    return path


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
    data = read_file(path, where)
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
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
    named = [schema["primaryKey"][0], *NEEDED_COLUMNS.get(str(resource.get("name")), ())]
    for fk in schema.get("foreignKeys", []):
        named += fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
    unknown = [name for name in dict.fromkeys(named) if name not in names]
    if unknown:
        raise SiteError(
            "bad-descriptor",
            f"{where}: its schema names column(s) {', '.join(map(repr, unknown))} as a key or the page needs them, "
            "but lists no such field; rebuild the package",
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
        path = regular(package.root, row["path"], where)
        data = read_file(path, where)
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


def depth(value: object) -> int:
    """How deeply `value` nests (lists and objects), counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


TEXT_KEYS = ("name", "title", "description", "version", "path", "format", "label", "type", "pattern")
"""Keys the page shows or links, whose value must be text wherever it stands."""


def check_shape(descriptor: dict[str, Any]) -> None:
    """Every value the page reads has the type it reads it as, and every link
    it would write is one it may write (urls.py); else one line, bad-descriptor
    or unsafe-link. `site --root` takes any package, so nothing is trusted."""

    def bad(where: str, what: str) -> SiteError:
        return SiteError("bad-descriptor", f"datapackage.json {where.strip()}: {what}; rebuild the package")

    def texts(node: dict[str, Any], where: str) -> None:
        for key in TEXT_KEYS:
            if key in node and not isinstance(node[key], str):
                raise bad(f"{where} {key!r}", f"is {type(node[key]).__name__}, not text")

    def objects(node: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        given = node.get(key, [])
        if not (isinstance(given, list) and all(isinstance(x, dict) for x in given)):
            raise bad(f"{where} {key!r}", "is not a list of objects")
        return given

    texts(descriptor, "")
    for number, source in enumerate(objects(descriptor, "sources", "")):
        texts(source, f"source #{number + 1}")
    for number, lic in enumerate(objects(descriptor, "licenses", "")):
        texts(lic, f"licence #{number + 1}")
        why = unsafe(lic["path"]) if "path" in lic else None
        if why:
            raise SiteError(
                "unsafe-link",
                f"datapackage.json licence #{number + 1} path {lic['path']!r}: {why}; the page links only "
                "https:// URLs and paths inside the package",
            )
    for number, resource in enumerate(objects(descriptor, "resources", "")):
        where = f"resource #{number + 1}"
        texts(resource, where)
        schema = resource.get("schema", {})
        if not isinstance(schema, dict):
            raise bad(f"{where} 'schema'", "is not an object")
        for f in objects(schema, "fields", where):
            texts(f, f"{where} field {f.get('name')!r}")
            constraints = f.get("constraints", {})
            if not isinstance(constraints, dict) or not isinstance(constraints.get("enum", []), list):
                raise bad(
                    f"{where} field {f.get('name')!r}", "has constraints that are not an object with an enum list"
                )
            if "pattern" in constraints and not isinstance(constraints["pattern"], str):
                raise bad(f"{where} field {f.get('name')!r}", "has a pattern that is not text")
            for c in objects(f, "categories", f"{where} field {f.get('name')!r}"):
                if "value" not in c or isinstance(c["value"], dict | list):
                    raise bad(f"{where} field {f.get('name')!r}", "has a category without a value")
                texts(c, f"{where} field {f.get('name')!r} category")
        for fk in objects(schema, "foreignKeys", where):
            fields, reference = fk.get("fields"), fk.get("reference")
            if not (
                (isinstance(fields, str) or (isinstance(fields, list) and all(isinstance(x, str) for x in fields)))
                and isinstance(reference, dict)
                and isinstance(reference.get("resource", ""), str)
            ):
                raise bad(f"{where} foreignKeys", "needs fields (text or a list of text) and a reference object")
        keys = schema.get("primaryKey", [])
        if not (isinstance(keys, list) and all(isinstance(k, str) for k in keys)):
            raise bad(f"{where} primaryKey", "is not a list of column names")
