"""Locate a row's evidence in its source: the offsets of the quote and the
passage (sentence) it lies in. Every table with the provenance columns goes
through this step, whatever else its builder computes."""

from __future__ import annotations

from typing import Any

from .curated import Entry
from .errors import Collector
from .sources import Source
from .spans import SpanError, locate
from .spec import LOCATED


def located(e: Entry, sources: dict[str, Source], problems: Collector) -> dict[str, Any]:
    """The computed provenance columns of an entry; empty values after
    reporting why its evidence cannot be placed."""
    found = _locate(e, sources, problems)
    return found if found is not None else dict.fromkeys(LOCATED)


def _locate(e: Entry, sources: dict[str, Source], problems: Collector) -> dict[str, Any] | None:
    source = sources.get(str(e.data.get("source_id")))
    if source is None:
        problems.add(
            "unknown-source",
            e.file,
            e.label,
            "source_id",
            f"unknown source {e.data.get('source_id')!r}; known: {', '.join(sorted(sources))}",
        )
        return None
    evidence, within = e.data.get("evidence"), e.data.get("within")
    if not isinstance(evidence, str) or (within is not None and not isinstance(within, str)):
        problems.add("evidence-not-text", e.file, e.label, "evidence", "give the verbatim words of the source as text")
        return None
    try:
        start, end = locate(source.text, evidence, within)
    except SpanError as exc:
        problems.add(exc.code, e.file, e.label, exc.field, str(exc))
        return None
    passage = source.passage_at(start, end)
    if passage is None:
        problems.add(
            "evidence-across-passages",
            e.file,
            e.label,
            "evidence",
            "the evidence runs across two passages (sentences); "
            "quote words from one sentence, or make one fact per sentence",
        )
        return None
    return {
        "char_start": start,
        "char_end": end,
        "passage_id": passage["passage_id"],
        "passage_kind": passage["passage_kind"],
    }
