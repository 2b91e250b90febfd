"""Check the shape of datapackage.json before anything is read through it.

The loader trusts nothing in the descriptor: every key it uses must have the
type the Data Package v2 and Table Schema specs give it, and every resource
path must name a file inside the package folder (frictionless refuses the
same paths as unsafe). Each check returns what is wrong in words naming the
resource and the key, or raises nothing when all is well.
"""

from __future__ import annotations

from typing import Any

# Only these digests can be checked; frictionless knows the same four.
HASH_ALGORITHMS = ("md5", "sha1", "sha256", "sha512")


class Malformed(Exception):
    """What is wrong, naming the resource and key; `code` is the DescriptorError code."""

    def __init__(self, message: str, code: str = "descriptor-malformed") -> None:
        self.code = code
        super().__init__(message)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _want(where: str, value: object, types: type, what: str) -> None:
    """`value` is of `types`; true and false count as numbers only where a boolean is wanted."""
    if not isinstance(value, types) or (isinstance(value, bool) and types is not bool):
        raise Malformed(f"{where} must be {what}, got {_kind(value)}.")


def _text_list(where: str, value: object) -> None:
    _want(where, value, list, "an array of strings")
    assert isinstance(value, list)  # _want has refused anything else
    for i, item in enumerate(value):
        _want(f"{where}[{i}]", item, str, "a string")


def _names(where: str, value: object) -> None:
    """A field name or an array of them (primaryKey, foreign key fields)."""
    if isinstance(value, str):
        return
    _text_list(where, value)


def _known(where: str, value: str | list[str], names: list[str]) -> None:
    """Key fields must be fields of the table."""
    unknown = [n for n in ([value] if isinstance(value, str) else value) if n not in names]
    if unknown:
        raise Malformed(f"{where} names {', '.join(map(repr, unknown))}, which the schema's fields do not list.")


def check_path(where: str, value: object) -> str:
    """A resource path: relative, inside the package, plain text."""
    _want(f"{where} 'path'", value, str, "a string (one file)")
    path: str = value  # type: ignore[assignment]
    parts = path.replace("\\", "/").split("/")
    if (
        not path
        or "\0" in path
        or path.startswith(("/", "\\", "~"))
        or ".." in parts
        or ":" in parts[0]
        or any(ord(c) < 32 for c in path)
    ):
        raise Malformed(
            f"{where} 'path' {path!r} is not a relative path inside the package; the loader "
            "reads only files under its data folder (absolute paths, '..', URLs and control "
            "characters are refused).",
            code="path-outside-package",
        )
    return path


def check_package(raw: Any) -> None:
    """The package-level keys the loader and `minusma-data info` read."""
    if not isinstance(raw, dict):
        raise Malformed(f"datapackage.json must hold an object, got {_kind(raw)}.")
    _want("'resources'", raw.get("resources"), list, "an array of resources")
    if "version" in raw:
        _want("'version'", raw["version"], str, "a string")
    if "sources" in raw:
        _want("'sources'", raw["sources"], list, "an array")
        for i, source in enumerate(raw["sources"]):
            where = f"sources[{i}]"
            _want(where, source, dict, "an object")
            for key in ("title", "path", "hash"):
                if key in source:
                    _want(f"{where} '{key}'", source[key], str, "a string")


def check_resource(where: str, r: dict[str, Any]) -> None:
    """One table resource (CSV or Parquet) the loader will read."""
    _want(f"{where} 'name'", r.get("name"), str, "a string")
    check_path(where, r.get("path"))
    for key in ("title", "description", "encoding"):
        if key in r:
            _want(f"{where} '{key}'", r[key], str, "a string")
    if "encoding" in r:
        import codecs

        try:
            codecs.lookup(r["encoding"])
        except LookupError:
            raise Malformed(f"{where} 'encoding' {r['encoding']!r} is not a known text encoding.") from None
    if "bytes" in r and (not isinstance(r["bytes"], int) or isinstance(r["bytes"], bool) or r["bytes"] < 0):
        raise Malformed(f"{where} 'bytes' must be a whole number of bytes, got {r['bytes']!r}.")
    if "hash" in r:
        _want(f"{where} 'hash'", r["hash"], str, "a string like 'sha256:<hex digest>'")
        algorithm, _, digest = r["hash"].rpartition(":")
        if (
            (algorithm or "md5") not in HASH_ALGORITHMS
            or not digest
            or any(c not in "0123456789abcdefABCDEF" for c in digest)
        ):
            raise Malformed(
                f"{where} 'hash' {r['hash']!r} is not '<algorithm>:<hex digest>' with one of the "
                f"algorithms {', '.join(HASH_ALGORITHMS)}."
            )
    if "dialect" in r:
        dialect = r["dialect"]
        _want(f"{where} 'dialect'", dialect, dict, "an object")
        for key in ("delimiter", "quoteChar"):
            if key in dialect and not (isinstance(dialect[key], str) and len(dialect[key]) == 1):
                raise Malformed(f"{where} 'dialect.{key}' must be one character, got {dialect[key]!r}.")
    _want(f"{where} 'schema'", r.get("schema"), dict, "an object (a Table Schema)")
    check_schema(where, r["schema"])


def check_schema(where: str, schema: dict[str, Any]) -> None:
    from ._tableschema import TYPES

    fields = schema.get("fields")
    _want(f"{where} 'schema.fields'", fields, list, "an array of field objects")
    if not fields:
        raise Malformed(f"{where} 'schema.fields' is empty; a table needs at least one field.")
    names = []
    for i, f in enumerate(fields):
        at = f"{where} field #{i + 1}"
        _want(at, f, dict, "an object")
        _want(f"{at} 'name'", f.get("name"), str, "a string")
        at = f"{where} field {f['name']!r}"
        names.append(f["name"])
        if "type" in f:
            _want(f"{at} 'type'", f["type"], str, "a string")
            if f["type"] not in TYPES:
                raise Malformed(f"{at} 'type' is {f['type']!r}; the loader reads {', '.join(TYPES)}.")
        for key in ("title", "description", "format"):
            if key in f:
                _want(f"{at} '{key}'", f[key], str, "a string")
        if "categoriesOrdered" in f:
            _want(f"{at} 'categoriesOrdered'", f["categoriesOrdered"], bool, "true or false")
        for key in ("trueValues", "falseValues"):
            if key in f:
                _text_list(f"{at} '{key}'", f[key])
        if "constraints" in f:
            c = f["constraints"]
            _want(f"{at} 'constraints'", c, dict, "an object")
            for key in ("required", "unique"):
                if key in c:
                    _want(f"{at} 'constraints.{key}'", c[key], bool, "true or false")
            if "enum" in c:
                _want(f"{at} 'constraints.enum'", c["enum"], list, "an array")
                if f.get("type", "string") == "string":
                    _text_list(f"{at} 'constraints.enum'", c["enum"])
                if f.get("type") == "integer" and not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in c["enum"]
                ):
                    raise Malformed(f"{at} 'constraints.enum' must list whole numbers on an integer field.")
                if f.get("type", "string") in ("string", "integer") and len(set(c["enum"])) != len(c["enum"]):
                    raise Malformed(f"{at} 'constraints.enum' lists a value twice.")
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise Malformed(f"{where} 'schema.fields' names {', '.join(map(repr, twice))} twice.")
    if "missingValues" in schema:
        _text_list(f"{where} 'schema.missingValues'", schema["missingValues"])
    if "primaryKey" in schema:
        _names(f"{where} 'schema.primaryKey'", schema["primaryKey"])
        _known(f"{where} 'schema.primaryKey'", schema["primaryKey"], names)
    if "foreignKeys" in schema:
        _want(f"{where} 'schema.foreignKeys'", schema["foreignKeys"], list, "an array")
        for i, fk in enumerate(schema["foreignKeys"]):
            at = f"{where} 'schema.foreignKeys[{i}]'"
            _want(at, fk, dict, "an object")
            _names(f"{at} 'fields'", fk.get("fields"))
            _known(f"{at} 'fields'", fk["fields"], names)
            _want(f"{at} 'reference'", fk.get("reference"), dict, "an object")
            ref = fk["reference"]
            if "resource" in ref:
                _want(f"{at} 'reference.resource'", ref["resource"], str, "a string")
            _names(f"{at} 'reference.fields'", ref.get("fields"))
