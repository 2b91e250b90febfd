"""Prove the normalised rows against their Table Schemas and each other:
types, required values, closed vocabularies, patterns, unique keys, foreign
keys, spreadsheet-safe text, and the rules that tie facts to the text.

Checks only read: every row is the same after them as before, so what is
rendered never depends on whether they ran."""

from __future__ import annotations

import re
from typing import Any

from minusma_data.buildkit import FORMULA_START, field_type, has_type

from .curated import Row
from .errors import Collector, did_you_mean
from .spec import Field, Spec

# A spreadsheet also runs a formula (FORMULA_START) behind leading tabs, carriage returns and spaces.
HIDDEN_START = " \t\r\n"
# C0 and C1 control characters other than tab and line feed: a carriage
# return, for one, would split a CSV row for many readers; U+0085 is a line
# break to others.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates, which make text display
# in another order than it is stored ("Trojan Source").
BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Line breaks: the published CSV promises one line per row.
LINE_BREAK = re.compile(r"[\n\u2028\u2029]")


def check_all(spec: Spec, rows: dict[str, list[Row]]) -> None:
    """Check every table; raise BuildError listing every problem found."""
    problems = Collector()
    allowed = {name: frozenset(v.codes) for name, v in spec.vocabularies.items()}
    for name, table in spec.tables.items():
        # Worked out once per table: the loop below runs for every value of every row.
        fields = [(f, not f.computed, allowed.get(f.vocabulary or "")) for f in table.fields]
        for row in rows[name]:
            for f, curated, codes in fields:
                _check_value(spec, f, row, problems, curated, codes)
        _check_unique(table.primary_key, [f.name for f in table.fields if f.unique], rows[name], problems)
    problems.raise_if_any()
    _check_foreign_keys(spec, rows, problems)
    _check_facts_assert(spec, rows, problems)
    _check_cited(spec, rows, problems)
    problems.raise_if_any()


def _check_value(
    spec: Spec, f: Field, row: Row, problems: Collector, curated: bool, allowed: frozenset[Any] | None
) -> None:
    """One value against its field; `allowed` is the field's vocabulary as a set, if it has one."""
    value = row.values.get(f.name)
    where = (row.origin.file, row.origin.label, f.name)
    if value is None:
        if f.required:
            problems.add(
                "value-required",
                *where,
                f"a value is required; add `{f.name} = ...` ({f.description.rstrip('.')})"
                if curated
                else f"a value is required: {f.description}",
            )
        return
    if f.type == "date" and isinstance(value, str):
        problems.add("value-not-date", *where, f"{value!r} is not a date; write YYYY-MM-DD")
        return
    if not has_type(value, f.type):
        problems.add("value-wrong-type", *where, f"expected {field_type(f.type).words}, got {value!r}")
        return
    if allowed is not None and value not in allowed:
        codes = spec.vocabularies[f.vocabulary or ""].codes
        problems.add(
            "value-not-in-vocabulary",
            *where,
            f"{value!r} is not allowed; use one of: {', '.join(map(str, codes))}"
            + did_you_mean(str(value), list(map(str, codes))),
        )
    if f.pattern and not re.fullmatch(f.pattern, value):
        problems.add(
            "value-pattern-mismatch",
            *where,
            f"{value!r} does not match the pattern {f.pattern}"
            + (" (ids are lowercase words joined by hyphens)" if f.name.endswith("_id") else ""),
        )
    if isinstance(value, str):
        _check_text(value, where, problems)


def _check_text(value: str, where: tuple[str, str, str], problems: Collector) -> None:
    """Text that opens safely in a spreadsheet, displays as stored, and keeps to one CSV line."""
    if value.lstrip(HIDDEN_START).startswith(FORMULA_START):
        hidden = value[: len(value) - len(value.lstrip(HIDDEN_START))]
        start = value.lstrip(HIDDEN_START)[0]
        problems.add(
            "value-formula",
            *where,
            f"{value[:30]!r} starts with {hidden + start!r}, which a spreadsheet "
            "would run as a formula; reword it so it starts with a letter, digit or quotation mark",
        )
    found = CONTROL.search(value)
    if found:
        problems.add(
            "value-control-character",
            *where,
            f"{value[:30]!r} holds the control character "
            f"U+{ord(found.group(0)):04X}; remove it (tabs are the only control characters allowed)",
        )
    found = BIDI.search(value)
    if found:
        problems.add(
            "value-bidi-control",
            *where,
            f"{value[:30]!r} holds the bidirectional control "
            f"U+{ord(found.group(0)):04X}, which makes text display in another order than it is "
            "stored; remove it",
        )
    found = LINE_BREAK.search(value)
    if found:
        problems.add(
            "value-line-break",
            *where,
            f"{value[:30]!r} holds a line break (U+{ord(found.group(0)):04X}); "
            "the published CSV has one line per row: write it on one line",
        )


def _check_unique(primary_key, unique_fields, rows: list[Row], problems: Collector) -> None:
    for key in [tuple(primary_key)] + [(f,) for f in unique_fields if (f,) != tuple(primary_key)]:
        seen: dict[tuple, Row] = {}
        for row in rows:
            value = tuple(row.values.get(k) for k in key)
            if None in value:
                continue
            if value in seen:
                first = seen[value].origin
                problems.add(
                    "id-duplicate",
                    row.origin.file,
                    row.origin.label,
                    ", ".join(key),
                    f"{'/'.join(map(str, value))!r} is already used by {first.label} in {first.file}; "
                    "ids must be unique: choose another",
                )
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
                    target = spec.tables[f.references]
                    problems.add(
                        "foreign-key-unknown",
                        row.origin.file,
                        row.origin.label,
                        f.name,
                        f"{value!r} is not a known {target.entry} id"
                        + did_you_mean(str(value), sorted(k for k in known if k))
                        + f"; add it to {target.curated} or fix the id",
                    )


def _check_facts_assert(spec: Spec, rows: dict[str, list[Row]], problems: Collector) -> None:
    """A fact's evidence asserts it, so it never lies in the rhetorical question."""
    for name, table in spec.tables.items():
        if table.evidence != "fact":
            continue
        for row in rows[name]:
            if row.values.get("passage_kind") == "question":
                problems.add(
                    "evidence-in-question",
                    row.origin.file,
                    row.origin.label,
                    "evidence",
                    "the evidence lies in the rhetorical question, which asserts nothing; "
                    "a fact needs words that assert it",
                )


def _check_cited(spec: Spec, rows: dict[str, list[Row]], problems: Collector) -> None:
    """Every row of a table declared `cited` is cited by some row: an outside
    record that no value rests on has no place in the package."""
    for name, table in spec.tables.items():
        if not table.cited:
            continue
        citing = [(t, c) for t, c in spec.citing(name) if t != name]
        cited = {r.values.get(column) for t, column in citing for r in rows[t]}
        key = table.primary_key[0]
        for row in rows[name]:
            if row.values.get(key) not in cited:
                problems.add(
                    "reference-uncited",
                    row.origin.file,
                    row.origin.label,
                    key,
                    f"no row cites this {table.entry}; cite it from "
                    + ", ".join(f"{t}.{c}" for t, c in citing)
                    + ", or remove it",
                )
