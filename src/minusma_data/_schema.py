"""Read datapackage.json and answer questions about it: which tables exist,
where each one's files are, and which pandas dtype each field gets.

The descriptor is the single source of truth: table names, column names,
types, vocabularies and descriptions all come from its Table Schemas.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._errors import DescriptorError, UnknownFormatError, UnknownTableError, remedy, unknown
from ._files import leads_outside
from ._locate import Location, wrong_data_home
from ._shape import Malformed, check_package, check_resource
from ._tableschema import TYPES, enum_of, foreign_keys, is_coded, resource_table
from ._types import FORMATS, Format

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Package:
    """The parsed descriptor, with its resources keyed by (table, format)."""

    location: Location
    raw: dict[str, Any]
    resources: dict[tuple[str, str], dict[str, Any]]
    tables: tuple[str, ...]
    signature: tuple[int, ...] = ()  # the descriptor file's stat, which parsed frames are paired with

    def table(self, name: object) -> str:
        if not isinstance(name, str) or name not in self.tables:
            raise UnknownTableError(unknown("table", name, self.tables))
        return name

    def resource(self, table: str, format: str) -> dict[str, Any]:
        table, format = self.table(table), check_format(format)
        try:
            return self.resources[(table, format)]
        except KeyError:
            raise self.error(f"lists no {format} resource for table {table!r}.") from None

    def path(self, table: str, format: str) -> Path:
        """The resource's file, refused if a symbolic link leads it out of the package folder."""
        resource = self.resource(table, format)
        path: Path = self.location.root / resource["path"]
        if leads_outside(self.location.root, path):
            raise self.error(
                f"resource {resource['name']!r} 'path' {resource['path']!r} leads outside the "
                f"package folder {self.location.root} (through a symbolic link); the loader reads "
                "only files inside it.",
                code="path-outside-package",
            )
        return path

    def describing(self, table: str) -> dict[str, Any]:
        """The resource that describes a table: its CSV one, else (in a
        Parquet-only export) its Parquet one."""
        table = self.table(table)
        return self.resources.get((table, "csv")) or self.resource(table, "parquet")

    def fields(self, table: str, format: str | None = None) -> list[dict[str, Any]]:
        resource = self.describing(table) if format is None else self.resource(table, format)
        fields: list[dict[str, Any]] = resource["schema"]["fields"]
        return fields

    def actor_columns(self, table: str) -> list[str]:
        """Columns whose foreign key points at the actors table, in schema order."""
        schema = self.describing(table)["schema"]
        targets = {
            fields[0] for fields, target, _ in foreign_keys(schema, table) if len(fields) == 1 and target == "actors"
        }
        return [f["name"] for f in schema["fields"] if f["name"] in targets]

    def error(self, problem: str, code: str | None = None) -> DescriptorError:
        where = self.location
        return DescriptorError(where.descriptor, problem, remedy(where.kind, where.root), code=code)


def check_format(format: object) -> Format:
    for known in FORMATS:
        if format == known:
            return known
    raise UnknownFormatError(unknown("format", format, FORMATS))


_cache: dict[Location, Package] = {}


def read_package(location: Location) -> Package:
    """The parsed descriptor at `location`, read again only when the file changes."""
    path = location.descriptor
    fix = remedy(location.kind, location.root)
    try:
        stat = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise wrong_data_home(location) or DescriptorError(
            path, "datapackage.json is missing.", fix, code="descriptor-missing"
        ) from None
    except OSError as exc:
        raise DescriptorError(
            path, f"datapackage.json cannot be read ({exc.strerror}).", fix, code="descriptor-unreadable"
        ) from None
    # The inode too: a build replaces the file, and the new one may have the old size and mtime.
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_dev)
    hit = _cache.get(location)
    if hit is not None and hit.signature == key:
        return hit
    try:
        raw = json.loads(path.read_bytes())
    except OSError as exc:
        raise DescriptorError(
            path, f"datapackage.json cannot be read ({exc.strerror}).", fix, code="descriptor-unreadable"
        ) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError, deep nesting
        raise DescriptorError(
            path, f"datapackage.json is not valid JSON ({exc}).", fix, code="descriptor-unreadable"
        ) from None
    package = _parse(location, raw, key)
    _cache[location] = package
    return package


def _parse(location: Location, raw: Any, signature: tuple[int, ...] = ()) -> Package:
    """The descriptor's tables, after checking the shape of every key the loader uses."""

    def fail(problem: str, code: str | None = None) -> DescriptorError:
        return DescriptorError(location.descriptor, problem, remedy(location.kind, location.root), code=code)

    resources: dict[tuple[str, str], dict[str, Any]] = {}
    tables: list[str] = []
    try:
        check_package(raw)
        for i, r in enumerate(raw["resources"]):
            if not isinstance(r, dict) or r.get("format") not in FORMATS:
                continue
            name, format = r.get("name"), r["format"]
            check_resource(f"resource {name!r}" if isinstance(name, str) else f"resource #{i + 1}", r)
            table = resource_table(r["name"], format)  # a string: check_resource says so
            if (table, format) in resources:
                raise Malformed(
                    f"resource {name!r}: a second {format} resource for table {table!r}; "
                    "list each table once per format."
                )
            resources[(table, format)] = r
            if table not in tables:
                tables.append(table)
    except Malformed as exc:
        raise fail(f"datapackage.json: {exc}", exc.code) from None
    if not tables:
        raise _unread_format(location, raw["resources"]) or fail("datapackage.json lists no CSV or Parquet tables.")
    return Package(location, raw, resources, tuple(tables), signature)


def _unread_format(location: Location, resources: list[Any]) -> DescriptorError | None:
    """A package of tables in another format (a JSON Lines export) is not
    damaged: the loader just does not read it. Say so, and what it reads."""
    formats = sorted({r["format"] for r in resources if isinstance(r, dict) and isinstance(r.get("format"), str)})
    if not formats:
        return None
    what = "a JSON Lines export" if formats == ["jsonl"] else f"a package of {', '.join(formats)} files"
    fix = (
        "Read its files with a tool for that format, or give a package the loader reads: the installed data "
        "(leave data_home out), an unzipped release, or an export made with --format csv or --format parquet."
        if location.kind == "data_home"
        else remedy(location.kind, location.root)
    )
    return DescriptorError(
        location.descriptor,
        f"this is {what}; the loader reads CSV and Parquet packages.",
        fix,
        code="unreadable-format",
    )


def string_dtype() -> pd.StringDtype[Any]:
    import pandas as pd

    return pd.StringDtype(storage="python")


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The dtype a field loads as. Text enums become a Categorical whose categories
    are the schema's values in the schema's order (a string-dtype index), so
    `sort_values`, `value_counts(sort=False)` and groupby follow the vocabulary.
    They are unordered (no `<` between codes) unless the field sets
    `categoriesOrdered: true`."""
    kind = field.get("type", "string")
    enum = enum_of(field) if is_coded(field) else None
    if enum is None and kind not in TYPES:
        raise ValueError(f"field {field.get('name')!r} has type {kind!r}; the loader reads {', '.join(TYPES)}")
    return _dtype(kind, None if enum is None else tuple(enum), bool(field.get("categoriesOrdered", False)))


@functools.lru_cache(maxsize=256)
def _dtype(kind: str, enum: tuple[str, ...] | None, ordered: bool) -> Any:
    """Built once per distinct field; dtypes are immutable, so sharing them is safe."""
    import pandas as pd

    if enum is not None:
        return pd.CategoricalDtype(pd.Index(list(enum), dtype=string_dtype()), ordered=ordered)
    name = TYPES[kind].pandas
    return string_dtype() if name == "string" else pd.api.types.pandas_dtype(name)


def allowed_values(field: dict[str, Any], enum: list[Any] | None) -> str | None:
    """A field's allowed values as the codebook shows them: the codes, and for
    codes that are numbers the meaning of each ("1 = Verbal cooperation."),
    one a line, since a number says nothing by itself."""
    if enum is None:
        return None
    labels = {
        c.get("value"): c.get("label")
        for c in field.get("categories") or []
        if isinstance(c, dict) and isinstance(c.get("label"), str)
    }
    if field.get("type") == "integer" and labels:
        return "\n".join(f"{v} = {labels[v]}" if v in labels else str(v) for v in enum)
    return ", ".join(map(str, enum))


def codebook(package: Package, table: str) -> pd.DataFrame:
    """One row per column of `table`, from its Table Schema."""
    import pandas as pd

    rows = []
    for f in package.fields(table):
        constraints = f.get("constraints", {})
        enum = constraints.get("enum")
        rows.append(
            {
                "field": f["name"],
                "title": f.get("title"),
                "type": f.get("type", "string"),
                "dtype": str(pandas_dtype(f)),
                "required": bool(constraints.get("required", False)),
                "description": f.get("description"),
                "allowed_values": allowed_values(f, enum),
            }
        )
    s, b = string_dtype(), pd.BooleanDtype()
    frame = pd.DataFrame(rows).astype(
        {"field": s, "title": s, "type": s, "dtype": s, "required": b, "description": s, "allowed_values": s}
    )
    resource = package.describing(table)
    frame.attrs.update(table=table, title=resource.get("title"), description=resource.get("description"))
    return frame
