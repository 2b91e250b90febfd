"""Show a comparison made by `_diff.diff`: one line per change for people,
or the object itself as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any


def _show(value: Any, width: int = 80) -> str:
    if value is None:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > width:
        text = text[: width - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def describe(c: dict[str, Any]) -> str:
    """One change as a line of text."""
    where = ".".join(p for p in (c["table"], c["field"]) if p) if c["table"] else f"package.{c['field'] or 'name'}"
    words = c["change"].replace("_", " ")
    parts = [f"{c['bump']:<5}  {where}: {words}"]
    if c["old"] is not None and c["new"] is not None:
        parts.append(f"{_show(c['old'])} -> {_show(c['new'])}")
    elif c["old"] is not None or c["new"] is not None:
        parts.append(_show(c["new"] if c["new"] is not None else c["old"]))
    return " ".join(parts)


def text_lines(result: dict[str, Any]) -> Iterator[str]:
    """The comparison for people, one change a line."""
    yield f"old: {result['old']['package']} (version {result['old']['version']})"
    yield f"new: {result['new']['package']} (version {result['new']['version']})"
    changes = result["schema"]["changes"]
    if not changes and not result["tables"]:
        yield "identical: no schema, metadata or row differs"
        return
    if changes:
        yield "schema and metadata:"
        for c in changes:
            yield "  " + describe(c)
    if result["tables"]:
        yield "rows:"
    for table, rows in result["tables"].items():
        yield (f"  {table}: {len(rows['added'])} added, {len(rows['removed'])} removed, {len(rows['changed'])} changed")
        for ident in rows["added"]:
            yield f"    + {ident}"
        for ident in rows["removed"]:
            yield f"    - {ident}"
        for ident, fields in rows["changed"].items():
            for name, (before, after) in fields.items():
                yield f"    ~ {ident}  {name}: {_show(before)} -> {_show(after)}"
    yield f"suggested bump: {result['suggested_bump']}"


def render(result: dict[str, Any], format: str) -> str:
    if format == "json":
        return json.dumps(result, ensure_ascii=False, sort_keys=False, indent=2)
    return "\n".join(text_lines(result))


def differs(result: dict[str, Any]) -> bool:
    return bool(result["schema"]["changes"] or result["tables"])
