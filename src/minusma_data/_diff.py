"""Compare two versions of the data package: their schemas, then their rows
by primary key, and say which version bump the changes call for.

    minusma-data diff OLD NEW [--format text|json]

OLD and NEW are read by `_diff_read`; the result is one JSON-ready object,
shown by `_diff_render`. Every kind of change has a stable code and one bump
in `CHANGE_BUMPS`, the single statement of the versioning rules
(docs/versioning.md explains them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from ._diff_errors import DIFF_CODES, DiffError
from ._diff_read import Snapshot, keyed_rows, main_resource, names_of, open_package, read_rows
from ._diff_read import schema_of as _schema
from ._diff_verify import verify
from ._tableschema import foreign_keys

__all__ = [
    "BUMPS",
    "CHANGE_BUMPS",
    "DIFF_CODES",
    "DiffError",
    "Snapshot",
    "diff",
    "diff_paths",
    "open_package",
    "read_rows",
]

BUMPS = ("none", "patch", "minor", "major")

# Each change code -> the version part it bumps, after the Data Package Version
# recipe (frictionlessdata/datapackage, recipes/data-package-version).
CHANGE_BUMPS: dict[str, str] = {
    # MAJOR: "incompatible changes"
    "package_renamed": "major",  # change the data package `name` or identifier
    "table_removed": "major",  # change a resource `name` / delete data
    "format_removed": "major",  # a table's CSV or Parquet file is no longer published
    "field_added": "major",  # "add, remove or re-order fields"
    "field_removed": "major",
    "fields_reordered": "major",
    "field_retyped": "major",  # "change a field type or format"
    "category_removed": "major",  # enum narrowed: a constraint made more restrictive
    "constraint_tightened": "major",  # required, unique or pattern added, or any constraint added
    "constraint_changed": "major",  # a constraint replaced by another (e.g. a new pattern)
    "primary_key_changed": "major",  # the rows' identifiers change
    "foreign_key_added": "major",  # a reference constraint is more restrictive
    "rows_removed": "major",  # ids are cited: removing one breaks a citation
    # MINOR: "add data or change metadata in a backwards-compatible manner"
    "table_added": "minor",  # "add a new data resource"
    "format_added": "minor",
    "category_added": "minor",  # enum widened: "a constraint ... less restrictive"
    "constraint_loosened": "minor",
    "foreign_key_removed": "minor",
    "rows_added": "minor",  # "add new data to an existing data resource"
    # PATCH: "backwards-compatible fixes"
    "values_changed": "patch",  # "correct errors in existing data"
    "source_changed": "patch",  # a source text's contents at the same path: the raw input corrected
    "metadata_changed": "patch",  # "change descriptive metadata properties"
}

# Package properties that change with every release or follow from the data,
# so they are not differences: the version itself, release dates, file sizes.
IGNORED_PACKAGE_KEYS = {"$schema", "version", "created", "resources"}
IGNORED_RESOURCE_KEYS = {"path", "bytes", "hash", "schema", "name"}
SEAL_KEYS = ("bytes", "hash")  # a source text's are compared as its contents (source_changed)


def change(
    code: str, table: str | None = None, field: str | None = None, old: Any = None, new: Any = None
) -> dict[str, Any]:
    return {"change": code, "bump": CHANGE_BUMPS[code], "table": table, "field": field, "old": old, "new": new}


def compare_schemas(old: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    """Every schema and metadata change, in a stable order."""
    changes: list[dict[str, Any]] = []
    o, n = old.descriptor, new.descriptor
    if o.get("name") != n.get("name"):
        changes.append(change("package_renamed", old=o.get("name"), new=n.get("name")))
    if o.get("id") and n.get("id") and o["id"] != n["id"]:
        changes.append(change("package_renamed", field="id", old=o["id"], new=n["id"]))
    for key in sorted((set(o) | set(n)) - IGNORED_PACKAGE_KEYS - {"name"}):
        before, after = (_unsealed(o.get(key)), _unsealed(n.get(key))) if key == "sources" else (o.get(key), n.get(key))
        if before != after and not (key == "id" and o.get(key) and n.get(key)):
            changes.append(change("metadata_changed", field=key, old=before, new=after))
    changes += _source_changes(old, new)
    for table in old.tables:
        if table not in new.tables:
            changes.append(change("table_removed", table))
    for table in new.tables:
        if table not in old.tables:
            changes.append(change("table_added", table))
            continue
        for fmt in sorted(set(old.tables[table]) - set(new.tables[table])):
            changes.append(change("format_removed", table, old=fmt))
        for fmt in sorted(set(new.tables[table]) - set(old.tables[table])):
            changes.append(change("format_added", table, new=fmt))
        changes += _table_changes(table, old, new)
    return changes


def _unsealed(sources: Any) -> Any:
    """The sources without the size and hash of their texts."""
    if not isinstance(sources, list):
        return sources
    return [{k: v for k, v in s.items() if k not in SEAL_KEYS} if isinstance(s, dict) else s for s in sources]


def _source_changes(old: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    """A source text at the same path on both sides whose bytes differ (each
    side's verified against its own descriptor): its sha256 before and after."""
    before = {s["path"]: s for s in old.sources}
    changes = []
    for path in sorted({s["path"] for s in new.sources} & set(before)):
        a, b = old.read(path), new.read(path)
        if a != b:
            changes.append(change("source_changed", field=path, old=f"sha256:{_sha256(a)}", new=f"sha256:{_sha256(b)}"))
    return changes


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _table_changes(table: str, old: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    changes = []
    for fmt in sorted(set(old.tables[table]) & set(new.tables[table])):
        ro, rn = old.tables[table][fmt], new.tables[table][fmt]
        for key in sorted((set(ro) | set(rn)) - IGNORED_RESOURCE_KEYS):
            if ro.get(key) != rn.get(key):
                changes.append(
                    change("metadata_changed", table, field=f"{fmt}:{key}", old=ro.get(key), new=rn.get(key))
                )
    so, sn = _schema(old, table), _schema(new, table)
    fo = {f["name"]: f for f in so["fields"]}
    fn = {f["name"]: f for f in sn["fields"]}
    for name in fo:
        if name not in fn:
            changes.append(change("field_removed", table, name))
    for name in fn:
        if name not in fo:
            changes.append(change("field_added", table, name))
    common_old = [n for n in fo if n in fn]
    common_new = [n for n in fn if n in fo]
    if common_old != common_new:
        changes.append(change("fields_reordered", table, old=common_old, new=common_new))
    for name in common_new:
        changes += _field_changes(table, fo[name], fn[name])
    if _names(so.get("primaryKey")) != _names(sn.get("primaryKey")):
        changes.append(
            change("primary_key_changed", table, old=_names(so.get("primaryKey")), new=_names(sn.get("primaryKey")))
        )
    keys_old, keys_new = _foreign_keys(so, table), _foreign_keys(sn, table)
    for fk in sorted(keys_old - keys_new):
        changes.append(change("foreign_key_removed", table, ",".join(fk[0]), old=_fk_text(fk)))
    for fk in sorted(keys_new - keys_old):
        changes.append(change("foreign_key_added", table, ",".join(fk[0]), new=_fk_text(fk)))
    for key in ("missingValues",):
        if so.get(key, [""]) != sn.get(key, [""]):
            changes.append(change("constraint_changed", table, field=key, old=so.get(key), new=sn.get(key)))
    return changes


def _field_changes(table: str, fo: dict[str, Any], fn: dict[str, Any]) -> list[dict[str, Any]]:
    name = fn["name"]
    changes = []
    for key in ("type", "format"):
        default = "string" if key == "type" else "default"
        if fo.get(key, default) != fn.get(key, default):
            changes.append(change("field_retyped", table, name, old=fo.get(key, default), new=fn.get(key, default)))
    co, cn = dict(fo.get("constraints") or {}), dict(fn.get("constraints") or {})
    enum_old, enum_new = co.pop("enum", None), cn.pop("enum", None)
    if enum_old is None and enum_new is None and fo.get("categories") and fn.get("categories"):
        enum_old, enum_new = _category_values(fo), _category_values(fn)  # categories without an enum
    if enum_old is not None and enum_new is not None:
        changes += [change("category_removed", table, name, old=v) for v in enum_old if v not in enum_new]
        changes += [change("category_added", table, name, new=v) for v in enum_new if v not in enum_old]
    elif enum_old is None and enum_new is not None:
        changes.append(change("constraint_tightened", table, name, new={"enum": enum_new}))
    elif enum_old is not None and enum_new is None:
        changes.append(change("constraint_loosened", table, name, old={"enum": enum_old}))
    for key in sorted(set(co) | set(cn)):
        before, after = co.get(key), cn.get(key)
        if before == after or (key in ("required", "unique") and not before and not after):
            continue
        if key in ("required", "unique"):
            code = "constraint_tightened" if after else "constraint_loosened"
        elif before is None:
            code = "constraint_tightened"
        elif after is None:
            code = "constraint_loosened"
        else:
            code = "constraint_changed"
        changes.append(change(code, table, name, old={key: before}, new={key: after}))
    for key in sorted((set(fo) | set(fn)) - {"name", "type", "format", "constraints", "categories"}):
        if fo.get(key) != fn.get(key):
            changes.append(change("metadata_changed", table, f"{name}:{key}", old=fo.get(key), new=fn.get(key)))
    labels_old, labels_new = _category_entries(fo), _category_entries(fn)
    for value in labels_new:
        if value in labels_old and labels_old[value] != labels_new[value]:
            changes.append(
                change(
                    "metadata_changed",
                    table,
                    f"{name}:categories[{value}]",
                    old=labels_old[value],
                    new=labels_new[value],
                )
            )
    if bool(fo.get("categories")) != bool(fn.get("categories")):
        changes.append(
            change(
                "metadata_changed",
                table,
                f"{name}:categories",
                old=_category_values(fo) or None,
                new=_category_values(fn) or None,
            )
        )
    return changes


def _category_entries(f: dict[str, Any]) -> dict[str, Any]:
    """A field's categories by value: the label (and crosswalks) of each code.
    Codes added or removed are reported from the enum; only relabelled ones here."""
    entries = {}
    for c in f.get("categories") or []:
        if isinstance(c, dict) and "value" in c:
            entries[str(c["value"])] = {k: v for k, v in c.items() if k != "value"}
        else:
            entries[str(c)] = {}
    return entries


def _category_values(f: dict[str, Any]) -> list[str]:
    return list(_category_entries(f))


_names = names_of


def _foreign_keys(schema: dict[str, Any], table: str) -> set[tuple[tuple[str, ...], str, tuple[str, ...]]]:
    return {(tuple(fields), target, tuple(ref)) for fields, target, ref in foreign_keys(schema, table)}


def _fk_text(key: tuple[tuple[str, ...], str, tuple[str, ...]]) -> str:
    return f"{','.join(key[0])} -> {key[1]}.{','.join(key[2])}"


def compare_rows(old: Snapshot, new: Snapshot, table: str) -> dict[str, Any]:
    """Rows added, removed and changed, matched by the new table's primary key.

    A row's id is its primary key value (several key fields are joined by
    "|"; "line N" in a table without a key). Only fields both versions have
    are compared; a cell in the table's missingValues is reported as null.
    """
    result: dict[str, Any] = {"added": [], "removed": [], "changed": {}}
    in_old, in_new = table in old.tables, table in new.tables
    if in_old and in_new:
        ro, rn = main_resource(old, table), main_resource(new, table)
        if (
            ro["format"] == rn["format"]
            and ro["schema"] == rn["schema"]
            and old.read(ro["path"]) == new.read(rn["path"])
        ):
            return result  # the same bytes under the same schema: nothing to parse
    key = _names(_schema(new if in_new else old, table).get("primaryKey"))
    if in_old and in_new and any(k not in [f["name"] for f in _schema(old, table)["fields"]] for k in key):
        return result  # the old table lacks a key field: rows cannot be matched (primary_key_changed says so)
    # The old rows by the new key: by their own when it is the same (then a
    # repeated value is refused), by the new one's fields when the key changed.
    key_old = key if in_old and in_new and key != _names(_schema(old, table).get("primaryKey")) else None
    header_old, rows_old = keyed_rows(old, table, key_old) if in_old else ([], {})
    header_new, rows_new = keyed_rows(new, table) if in_new else ([], {})
    result["added"] = sorted(k for k in rows_new if k not in rows_old)
    result["removed"] = sorted(k for k in rows_old if k not in rows_new)
    common = [name for name in header_new if name in header_old]
    if not common:
        return result
    # Rows are lists of cells; compare the shared columns in one C-level step
    # per row, and look at single cells only in the rows that differ.
    pick_old = itemgetter(*[header_old.index(n) for n in common])
    pick_new = itemgetter(*[header_new.index(n) for n in common])
    same_layout = header_old == header_new
    missing_o = set(_schema(old, table).get("missingValues", [""])) if in_old else set()
    missing_n = set(_schema(new, table).get("missingValues", [""])) if in_new else set()
    changed = {}
    for k, a in rows_old.items():
        b = rows_new.get(k)
        if b is None or (a == b if same_layout else pick_old(a) == pick_new(b)):
            continue
        cells_a, cells_b = (pick_old(a), pick_new(b)) if len(common) > 1 else ((pick_old(a),), (pick_new(b),))
        changed[k] = {
            name: [None if x in missing_o else x, None if y in missing_n else y]
            for name, x, y in zip(common, cells_a, cells_b, strict=False)
            if x != y
        }
    result["changed"] = {k: changed[k] for k in sorted(changed)}
    return result


def suggested_bump(schema_changes: list[dict[str, Any]], tables: dict[str, dict[str, Any]]) -> str:
    """The largest bump any change calls for; "none" for identical packages."""
    codes = [c["change"] for c in schema_changes]
    for rows in tables.values():
        codes += ["rows_added"] * bool(rows["added"]) + ["rows_removed"] * bool(rows["removed"])
        codes += ["values_changed"] * bool(rows["changed"])
    return max((CHANGE_BUMPS[c] for c in codes), key=BUMPS.index, default="none")


def diff(old: Snapshot, new: Snapshot) -> dict[str, Any]:
    """The whole comparison as one JSON-ready object, once each side is
    verified against its own descriptor (`_diff_verify`)."""
    for side, snapshot in (("old", old), ("new", new)):
        with _side(side):
            verify(snapshot)
    schema_changes = compare_schemas(old, new)
    tables: dict[str, dict[str, Any]] = {}
    for table in list(old.tables) + [t for t in new.tables if t not in old.tables]:
        rows = compare_rows(old, new, table)
        if rows["added"] or rows["removed"] or rows["changed"]:
            tables[table] = rows
    return {
        "old": {"package": old.label, "version": old.version},
        "new": {"package": new.label, "version": new.version},
        "tables": tables,
        "schema": {"changes": schema_changes},
        "suggested_bump": suggested_bump(schema_changes, tables),
    }


def diff_paths(old: str | Path, new: str | Path) -> dict[str, Any]:
    """Compare two packages given by path; a DiffError names the side that failed."""
    with _side("old"):
        before = open_package(old)
    with _side("new"):
        after = open_package(new)
    return diff(before, after)


@contextmanager
def _side(side: str) -> Iterator[None]:
    """Mark a DiffError raised inside with the side it concerns."""
    try:
        yield
    except DiffError as exc:
        exc.side = exc.side or side
        raise
