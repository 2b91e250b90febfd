"""Prove the assembled rows against their Table Schemas and each other:
types, required values, closed vocabularies, patterns, unique keys, foreign
keys, spreadsheet-safe text, and the rules that tie facts to the text."""

from __future__ import annotations

import datetime as dt
import re

from .errors import Collector, did_you_mean
from .spec import Field, Spec
from .tables import DERIVED, FACT_TABLES, Row

FORMULA_START = ("=", "+", "-", "@")
# Control characters other than tab and line feed: a carriage return, for one,
# would split a CSV row for many readers.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# The columns that cite the references table, per table.
CITING = {
    "events": ("date_reference_id", "initiator_reference_id"),
    "statements": ("date_reference_id",),
    "figures": ("estimate_reference_id", "scope_reference_id"),
    "places": ("reference_id", "acled_region_reference_id"),
}
TYPE_WORDS = {"string": "text in quotes", "integer": "a whole number", "number": "a number",
              "boolean": "true or false", "date": "a date like 2023-06-30"}


def check_all(spec: Spec, rows: dict[str, list[Row]]) -> None:
    """Check every table; raise BuildError listing every problem found."""
    problems = Collector()
    allowed = {name: frozenset(v.codes) for name, v in spec.vocabularies.items()}
    for name, table in spec.tables.items():
        # Worked out once per table: the loop below runs for every value of every row.
        fields = [(f, f.name not in DERIVED.get(name, ()), allowed.get(f.vocabulary)) for f in table.fields]
        for row in rows[name]:
            for f, curated, codes in fields:
                _check_value(spec, f, row, problems, curated, codes)
        _check_unique(table.primary_key, [f.name for f in table.fields if f.unique], rows[name], problems)
    problems.raise_if_any()
    _check_foreign_keys(spec, rows, problems)
    _check_text_rules(rows, problems)
    problems.raise_if_any()


def _check_value(spec: Spec, f: Field, row: Row, problems: Collector, curated: bool,
                 allowed: frozenset[str] | None) -> None:
    """One value against its field; `allowed` is the field's vocabulary as a set, if it has one."""
    value = row.values.get(f.name)
    if value == "":
        value = row.values[f.name] = None
    where = (row.origin.file, row.origin.label, f.name)
    if value is None:
        if f.required:
            problems.add(*where, f"a value is required; add `{f.name} = ...` ({f.description.rstrip('.')})"
                         if curated else f"a value is required: {f.description}")
        return
    if f.type == "date" and isinstance(value, str):
        try:
            value = row.values[f.name] = dt.date.fromisoformat(value)
        except ValueError:
            problems.add(*where, f"{value!r} is not a date; write YYYY-MM-DD")
            return
    if not _has_type(value, f.type):
        problems.add(*where, f"expected {TYPE_WORDS[f.type]}, got {value!r}")
        return
    if f.type == "number":
        value = row.values[f.name] = float(value)
    if allowed is not None and value not in allowed:
        codes = spec.vocabularies[f.vocabulary].codes
        problems.add(*where, f"{value!r} is not allowed; use one of: {', '.join(codes)}"
                     + did_you_mean(value, codes))
    if f.pattern and not re.fullmatch(f.pattern, value):
        problems.add(*where, f"{value!r} does not match the pattern {f.pattern}"
                     + (" (ids are lowercase words joined by hyphens)" if f.name.endswith("_id") else ""))
    if isinstance(value, str) and value.startswith(FORMULA_START):
        problems.add(*where, f"{value[:30]!r} starts with {value[0]!r}, which a spreadsheet would run as a formula; "
                     "reword it so it starts with a letter, digit or quotation mark")
    if isinstance(value, str) and CONTROL.search(value):
        char = CONTROL.search(value).group(0)
        problems.add(*where, f"{value[:30]!r} holds the control character U+{ord(char):04X}; "
                     "remove it (only tabs and line breaks are allowed in text)")


PYTHON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "date": dt.date}


def _has_type(value: object, typ: str) -> bool:
    if isinstance(value, bool):
        return typ == "boolean"
    if typ == "date" and isinstance(value, dt.datetime):
        return False
    return isinstance(value, PYTHON_TYPES[typ])


def _check_unique(primary_key, unique_fields, rows: list[Row], problems: Collector) -> None:
    for key in [tuple(primary_key)] + [(f,) for f in unique_fields if (f,) != tuple(primary_key)]:
        seen: dict[tuple, Row] = {}
        for row in rows:
            value = tuple(row.values.get(k) for k in key)
            if None in value:
                continue
            if value in seen:
                first = seen[value].origin
                problems.add(row.origin.file, row.origin.label, ", ".join(key),
                             f"{'/'.join(map(str, value))!r} is already used by {first.label} in {first.file}; "
                             "ids must be unique: choose another")
            else:
                seen[value] = row


def _check_foreign_keys(spec: Spec, rows: dict[str, list[Row]], problems: Collector) -> None:
    keys = {name: {r.values[t.primary_key[0]] for r in rows[name]} for name, t in spec.tables.items()}
    for name, table in spec.tables.items():
        for f in table.fields:
            if not f.references:
                continue
            known = keys[f.references]
            for row in rows[name]:
                value = row.values.get(f.name)
                if value is not None and value not in known:
                    problems.add(row.origin.file, row.origin.label, f.name,
                                 f"{value!r} is not a known {f.references[:-1]} id"
                                 + did_you_mean(str(value), sorted(k for k in known if k))
                                 + f"; add it to {f.references}.toml or fix the id")


def _check_text_rules(rows: dict[str, list[Row]], problems: Collector) -> None:
    for name in FACT_TABLES:
        for row in rows[name]:
            if row.values.get("passage_kind") == "question":
                problems.add(row.origin.file, row.origin.label, "evidence",
                             "the evidence lies in the rhetorical question, which asserts nothing; "
                             "a fact needs words that assert it")
    cited = {r.values.get(column) for name, columns in CITING.items() for r in rows[name] for column in columns}
    for row in rows["references"]:
        if row.values.get("reference_id") not in cited:
            problems.add(row.origin.file, row.origin.label, "reference_id",
                         "no row cites this reference; cite it from a date, an initiator, an estimate, "
                         "a scope note or a place, or remove it")
