"""The article as HTML, cut at every evidence boundary.

Offsets in the tables are Unicode code points (Python str indices); the
browser counts UTF-16 units. So the text is cut here, in Python, and each
piece is emitted as its own element: the page never computes an offset.

A segment is a run of text that the same set of spans covers. Every segment
covered by a fact carries `data-facts="<table>/<id> ..."` listing each fact
whose evidence covers it, so overlapping evidence needs nothing special: the
segments that list a fact, joined, are its evidence.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Span:
    """A row's evidence: [start, end) in code points, its key and its layer."""

    start: int
    end: int
    key: str  # "<table>/<id>"
    layer: str  # "fact" or "mention"


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    passage_id: str
    kind: str


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    facts: tuple[str, ...]
    mentions: tuple[str, ...]


def cut(text: str, spans: list[Span], bounds: frozenset[int] | set[int] = frozenset()) -> list[Segment]:
    """Cut `text` at every span boundary and at `bounds`; each segment lists
    the spans covering it, in the order `spans` gives them."""
    points = sorted({0, len(text), *bounds, *(s.start for s in spans), *(s.end for s in spans)})
    points = [p for p in points if 0 <= p <= len(text)]
    segments = []
    for a, b in itertools.pairwise(points):
        covering = [s for s in spans if s.start <= a and b <= s.end]
        segments.append(
            Segment(
                a,
                b,
                tuple(s.key for s in covering if s.layer == "fact"),
                tuple(s.key for s in covering if s.layer == "mention"),
            )
        )
    return segments


def paragraphs(text: str) -> list[tuple[int, int]]:
    """[start, end) of each non-empty line: the article's paragraphs."""
    found, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            found.append((start, start + len(line)))
        start += len(line) + 1
    return found


def segment_html(text: str, seg: Segment) -> str:
    body = escape(text[seg.start : seg.end], quote=False)
    if not seg.facts and not seg.mentions:
        return body
    attrs = [f'class="seg" data-start="{seg.start}" data-end="{seg.end}"']
    if seg.facts:
        n = len(seg.facts)
        attrs.append(
            f'data-facts="{escape(" ".join(seg.facts))}" data-n="{min(n, 3)}" tabindex="0" role="button" '
            f'aria-pressed="false" title="{n} fact{"s" if n > 1 else ""}"'
        )
    if seg.mentions:
        attrs.append(f'data-mentions="{escape(" ".join(seg.mentions))}"')
    return f"<span {' '.join(attrs)}>{body}</span>"


def article_html(text: str, spans: list[Span], passages: list[Passage], after: dict[int, str] | None = None) -> str:
    """One <p> per paragraph; inside, one element per passage (its kind as a
    class and a label wherever the kind changes) holding its segments. `after`
    is markup to place after the segment ending at an offset (a claim's
    verdict mark, after its words); such an offset ends a span, so a segment."""
    after = after or {}
    paras = paragraphs(text)
    bounds = {p.start for p in passages} | {p.end for p in passages}
    bounds |= {a for a, _ in paras} | {b for _, b in paras}
    segments = cut(text, spans, bounds)
    out = []
    for number, (p_start, p_end) in enumerate(paras):
        inside = [s for s in segments if p_start <= s.start and s.end <= p_end]
        groups: list[tuple[Passage | None, list[Segment]]] = []
        for seg in inside:
            passage = next((p for p in passages if p.start <= seg.start and seg.end <= p.end), None)
            if groups and groups[-1][0] == passage:
                groups[-1][1].append(seg)
            else:
                groups.append((passage, [seg]))
        kinds = [g[0].kind for g in groups if g[0] is not None]
        css = " headline" if kinds and kinds[0] == "headline" else ""
        parts, previous = [], None
        for passage, segs in groups:
            body = "".join(segment_html(text, s) + after.get(s.end, "") for s in segs)
            if passage is None:
                parts.append(body)
                continue
            if passage.kind != previous:
                parts.append(f'<span class="kind-label kl-{escape(passage.kind)}">{escape(passage.kind)}</span>')
                previous = passage.kind
            parts.append(
                f'<span class="passage k-{escape(passage.kind)}" data-passage="{escape(passage.passage_id)}" '
                f'data-kind="{escape(passage.kind)}">{body}</span>'
            )
        out.append(f'<p class="para{css}" data-paragraph="{number}">{"".join(parts)}</p>')
    return "\n".join(out)
