"""Check that a datapackage.json given to `minusma-data diff` has the shape the
comparison relies on, before anything reads it: every key the diff uses has
its Table Schema type, so a wrong type is one coded line, never a traceback.

Keys the diff does not interpret (titles, descriptions, licences...) may hold
any JSON value: they are compared as values. Nesting is bounded, so that
neither the comparison nor the JSON output can run out of stack.
"""

from __future__ import annotations

import posixpath
from typing import Any, NoReturn

from ._diff_errors import DiffError
from ._tableschema import TYPES

MAX_DEPTH = 64  # a Data Package descriptor nests about 8 levels deep
TABLE_FORMATS = ("csv", "parquet")


def table_format(resource: dict[str, Any]) -> str | None:
    """The resource's format as Data Package v2 reads it: its `format`, or
    else the extension of its path ("csv", "parquet"), in lower case."""
    fmt = resource.get("format")
    if fmt is None and isinstance(resource.get("path"), str):
        fmt = posixpath.splitext(resource["path"])[1][1:]
    return fmt.lower() if isinstance(fmt, str) else None


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether `value` nests deeper than `limit`, found without recursion."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return False


def check_descriptor(descriptor: Any, label: str) -> None:
    """Raise a DiffError naming the key for the first value of the wrong type."""
    if not isinstance(descriptor, dict):
        _bad(label, "the descriptor", "is not a JSON object", "a Data Package object")
    if depth_exceeds(descriptor):
        raise DiffError(
            f"{label}: datapackage.json nests deeper than {MAX_DEPTH} levels; a Data Package descriptor does not",
            "descriptor-unreadable",
        )
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        _bad(label, "resources", _got(resources), "a list of resources")
    tables: set[tuple[str, str]] = set()
    for i, resource in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(resource, dict):
            _bad(label, where, _got(resource), "a resource object")
        fmt = table_format(resource)
        if fmt not in TABLE_FORMATS:
            # never dropped silently: a resource the diff cannot compare would hide its changes
            _bad(
                label,
                f"{where}.format",
                f"is {resource.get('format')!r} (path {resource.get('path')!r})",
                "csv or parquet, given or read from the path's extension (diff compares CSV and Parquet tables)",
            )
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            _bad(label, f"{where}.name", _got(name), "a resource name")
        where = f"resources[{i}] ({name!r})"
        if (name, fmt) in tables:
            _bad(label, f"{where}.name", "appears twice", "one resource of each name")
        tables.add((name, fmt))
        _resource(label, where, resource)
    _sources(label, descriptor.get("sources", []))


def _sources(label: str, sources: Any) -> None:
    """The source texts: each entry an object; a path, hash and size, when
    given, of the types the verification reads."""
    _need(label, "sources", sources, list, "a list of sources")
    for i, source in enumerate(sources):
        where = f"sources[{i}]"
        _need(label, where, source, dict, "a source object")
        if "path" in source:
            _need(label, f"{where}.path", source["path"], str, "a relative path")
        _seal(label, where, source)


def _resource(label: str, where: str, resource: dict[str, Any]) -> None:
    _need(label, f"{where}.path", resource.get("path"), str, "a relative path")
    _seal(label, where, resource)
    if "encoding" in resource:
        _need(label, f"{where}.encoding", resource["encoding"], str, "an encoding name such as utf-8")
    dialect = resource.get("dialect")
    if dialect is not None:
        _need(label, f"{where}.dialect", dialect, dict, "a CSV dialect object")
        for key, default in (("delimiter", ","), ("quoteChar", '"')):
            value = dialect.get(key, default)
            if not isinstance(value, str) or len(value) != 1 or value in "\r\n":
                _bad(label, f"{where}.dialect.{key}", _got(value), "one character, not a line break")
        if dialect.get("delimiter", ",") == dialect.get("quoteChar", '"'):
            _bad(label, f"{where}.dialect.quoteChar", "equals the delimiter", "a character other than the delimiter")
        if not isinstance(dialect.get("header", True), bool):
            _bad(label, f"{where}.dialect.header", _got(dialect["header"]), "true or false")
    schema = resource.get("schema")
    if not isinstance(schema, dict):
        _bad(label, f"{where}.schema", _got(schema), "a Table Schema object")
    _schema(label, f"{where}.schema", schema)


def _seal(label: str, where: str, entry: dict[str, Any]) -> None:
    """The recorded size and hash of a file, when given."""
    if "bytes" in entry and (not isinstance(entry["bytes"], int) or isinstance(entry["bytes"], bool)):
        _bad(label, f"{where}.bytes", _got(entry["bytes"]), "a whole number of bytes")
    if "hash" in entry:
        _need(label, f"{where}.hash", entry["hash"], str, "a text like sha256:<hex>")


def _schema(label: str, where: str, schema: dict[str, Any]) -> None:
    fields = schema.get("fields")
    if not isinstance(fields, list):
        _bad(label, f"{where}.fields", _got(fields), "a list of fields")
    names: list[str] = []
    for j, field in enumerate(fields):
        at = f"{where}.fields[{j}]"
        _need(label, at, field, dict, "a field object")
        _need(label, f"{at}.name", field.get("name"), str, "a field name")
        if field["name"] in names:
            _bad(label, f"{at}.name", f"repeats {field['name']!r}", "a name no other field has")
        names.append(field["name"])
        at = f"{where}.fields[{j}] ({field['name']!r})"
        kind = field.get("type", "string")
        if not isinstance(kind, str) or kind not in TYPES:
            _bad(label, f"{at}.type", _got(field.get("type")), f"one of {', '.join(TYPES)}")
        if "format" in field:
            _need(label, f"{at}.format", field["format"], str, "a format name")
        constraints = field.get("constraints", {})
        _need(label, f"{at}.constraints", constraints, dict, "a constraints object")
        if "enum" in constraints:
            _need(label, f"{at}.constraints.enum", constraints["enum"], list, "a list of values")
        if "categories" in field:
            _need(label, f"{at}.categories", field["categories"], list, "a list of categories")
    if "missingValues" in schema:
        _strings(label, f"{where}.missingValues", schema["missingValues"], allow_one=False)
    if "primaryKey" in schema:
        for key in _strings(label, f"{where}.primaryKey", schema["primaryKey"]):
            if key not in names:
                _bad(label, f"{where}.primaryKey", f"names {key!r}, which is no field", "field names of the schema")
    foreign = schema.get("foreignKeys", [])
    _need(label, f"{where}.foreignKeys", foreign, list, "a list of foreign keys")
    for k, fk in enumerate(foreign):
        at = f"{where}.foreignKeys[{k}]"
        _need(label, at, fk, dict, "a foreign key object")
        _strings(label, f"{at}.fields", fk.get("fields"))
        reference = fk.get("reference")
        _need(label, f"{at}.reference", reference, dict, "an object with resource and fields")
        if "resource" in reference:
            _need(label, f"{at}.reference.resource", reference["resource"], str, "a resource name")
        _strings(label, f"{at}.reference.fields", reference.get("fields"))


def _strings(label: str, where: str, value: Any, allow_one: bool = True) -> list[str]:
    if allow_one and isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _bad(label, where, _got(value), "a list of texts" + (" or one text" if allow_one else ""))
    return list(value)


def _need(label: str, where: str, value: Any, kind: type, right: str) -> None:
    if not isinstance(value, kind):
        _bad(label, where, _got(value), right)


def _got(value: Any) -> str:
    if value is None:
        return "is missing"
    shown = repr(value)
    return f"is {type(value).__name__} {shown if len(shown) <= 40 else shown[:37] + '...'}"


def _bad(label: str, key: str, problem: str, right: str) -> NoReturn:
    raise DiffError(f"{label}: datapackage.json {key} {problem}; {right} would be right", "descriptor-malformed")
