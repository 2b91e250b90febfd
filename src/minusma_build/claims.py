"""The claims table: each claim of the article compared with an outside
record. Its builder refuses a verdict that does not match whether a record is
cited, and fills in the confidence the claim inherits from that record; the
references builder checks the per-aspect confidence claims inherit from.

A record's confidence may differ between aspects of its fact ("high (who),
medium (day)": sure of who announced, less of the day); a claim checked on one
aspect names it, and inherits that aspect's confidence rather than the
record's lowest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .curated import Row
from .spec import Table
from .urls import unsafe

if TYPE_CHECKING:
    from .builders import Build

TABLE = "claims"
"""The claims table, whose verdicts the README's summary and the explorer page show."""
UNCHECKED = "not_checkable"
"""The verdict of a claim no record held speaks to: it cites no reference."""
ROW_COLUMNS = ("event_id", "statement_id", "figure_id")
"""The fact row a claim is about: one of these at most."""
ASPECT = re.compile(r"([a-z]+) \(([a-z]+)\)")


def aspect_confidences(text: str, levels: list[str]) -> dict[str, str] | None:
    """`high (who), medium (day)` as {"who": "high", "day": "medium"}; None
    when the text is not in that form or names a level not in `levels`."""
    parts = text.split(", ")
    found = [ASPECT.fullmatch(p) for p in parts]
    if not all(found) or any(m.group(1) not in levels for m in found if m):
        return None
    aspects = {m.group(2): m.group(1) for m in found if m}
    return aspects if len(aspects) == len(parts) else None


def references(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Each record's confidence by aspect, refused when it cannot be read; its
    locator, refused when it is a link of a scheme the package may not hold."""
    levels = build.spec.vocabularies["confidence"].codes
    for r in rows:
        locator = r.values.get("locator")
        why = unsafe(locator) if isinstance(locator, str) else None
        if why:
            build.problems.add(
                "reference-locator-unsafe",
                r.origin.file,
                r.origin.label,
                "locator",
                f"{locator!r}: {why}; give an https:// address, or the document symbol as text",
            )
        text = r.values.get("confidence_by_aspect")
        if isinstance(text, str) and aspect_confidences(text, levels) is None:
            build.problems.add(
                "reference-aspect-malformed",
                r.origin.file,
                r.origin.label,
                "confidence_by_aspect",
                f'{text!r} is not a list of `<confidence> (<aspect>)` joined by ", ", each aspect once, '
                f'with a confidence of {", ".join(levels)}; e.g. "high (who), medium (day)"',
            )
    return rows


def claims(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Claims whose verdict cites a record exactly when it is not
    not_checkable, each naming one fact row at most, with their confidence."""
    levels = build.spec.vocabularies["confidence"].codes
    verdicts = build.spec.vocabularies["claim_verdict"].codes
    records = {r.values.get("reference_id"): r.values for r in build.rows["references"]}
    for r in rows:
        e, values = r.origin, r.values
        verdict, reference = values.get("verdict"), values.get("reference_id")
        if verdict in verdicts and verdict != UNCHECKED and reference is None:
            build.problems.add(
                "claim-verdict-without-reference",
                e.file,
                e.label,
                "reference_id",
                f"the verdict {verdict!r} says a record was compared; cite it in reference_id, "
                f'or use verdict = "{UNCHECKED}" when no record held speaks to the claim',
            )
        if verdict == UNCHECKED and reference is not None:
            build.problems.add(
                "claim-unchecked-with-reference",
                e.file,
                e.label,
                "reference_id",
                f"a {UNCHECKED} claim cites no record, but this one cites {reference!r}; "
                "give the verdict the comparison with that record calls for, or remove reference_id",
            )
        named = [c for c in ROW_COLUMNS if values.get(c) is not None]
        for extra in named[1:]:
            build.problems.add(
                "claim-several-rows",
                e.file,
                e.label,
                extra,
                f"the claim already names {named[0]} {values[named[0]]!r}; a claim is about one row: "
                "keep the one its words assert",
            )
        values["confidence"] = _confidence(r, records.get(reference), levels, build)
    return rows


def _confidence(r: Row, record: dict | None, levels: list[str], build: Build) -> str | None:
    """The record's confidence for the aspect the claim names, else its
    confidence; None without a record (or after reporting an unknown aspect)."""
    aspect = r.values.get("aspect")
    if record is None:
        if aspect is not None and r.values.get("reference_id") is None:
            _unknown_aspect(r, aspect, "the claim cites no reference, so it is checked on no aspect of one", build)
        return None
    if aspect is None:
        return record.get("confidence")
    text = record.get("confidence_by_aspect")
    aspects = aspect_confidences(text, levels) if isinstance(text, str) else {}
    if aspects is None:  # reported by the references builder
        return None
    if aspect not in aspects:
        known = ", ".join(aspects) if aspects else "none: its confidence holds for the whole fact"
        _unknown_aspect(
            r,
            aspect,
            f"reference {r.values.get('reference_id')!r} gives no confidence for it; its aspects: {known}",
            build,
        )
        return None
    return aspects[aspect]


def _unknown_aspect(r: Row, aspect: str, why: str, build: Build) -> None:
    build.problems.add(
        "claim-aspect-unknown",
        r.origin.file,
        r.origin.label,
        "aspect",
        f"aspect {aspect!r}: {why}; name an aspect of the reference's confidence_by_aspect, or leave aspect out",
    )
