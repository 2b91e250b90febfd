"""Read the source texts named in sources.toml and cut each into its
passages (sentences), proving that the passages tile the text.

The sha256 recorded at curation is checked first, so a changed text stops
the build before any quote is looked for in it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minusma_data.buildkit import read_regular

from .curated import CURATED_DIR, Entry, Row, read_toml, value_problems
from .errors import Collector, did_you_mean, fail
from .spec import Table


@dataclass
class Source:
    """One source text and its passages, in order."""

    source_id: str
    text: str
    passages: list[dict[str, Any]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)

    def passage_at(self, start: int, end: int) -> dict[str, Any] | None:
        """The passage that holds the whole span, if one does."""
        i = bisect.bisect_right(self._starts, start) - 1
        if i >= 0 and self.passages[i]["char_end"] >= end:
            return self.passages[i]
        return None

    def passage_texts(self) -> dict[str, str]:
        return {p["passage_id"]: p["text"] for p in self.passages}


@dataclass
class SourceRows:
    sources: dict[str, Source]
    source_rows: list[Row]  # one per source
    passage_rows: list[Row]  # one per passage, of every source in turn


def read_sources(root: Path, table: Table, passage_keys: frozenset[str]) -> SourceRows:
    """Every source of the table's curated file (sources.toml) with its text
    and passages, or BuildError. `passage_keys` are the keys a passage may use."""
    path = root / CURATED_DIR / table.curated
    shown = path.relative_to(root).as_posix()
    doc = read_toml(path, shown)
    problems = Collector()
    sources: dict[str, Source] = {}
    source_rows, passage_rows = [], []
    allowed = table.curated_names
    listed = doc.get(table.entry, [])
    if not isinstance(listed, list) or not all(isinstance(d, dict) for d in listed):
        raise fail(
            "entries-not-tables", shown, "", table.entry, f"expected sources written as [[{table.entry}]] tables"
        )
    for i, data in enumerate(listed, start=1):
        entry = Entry(shown, f"{table.entry} '{data.get('source_id', f'#{i}')}'", data)
        passages = data.get("passage", [])
        shape = value_problems(shown, entry.label, {k: v for k, v in data.items() if k != "passage"})
        if not isinstance(passages, list) or not all(isinstance(p, dict) for p in passages):
            problems.add(
                "entries-not-tables",
                shown,
                entry.label,
                "passage",
                "expected passages written as [[source.passage]] tables",
            )
            continue
        shape += [
            q for j, p in enumerate(passages, start=1) for q in value_problems(shown, f"{entry.label}, passage #{j}", p)
        ]
        if shape:
            problems.extend(shape)
            continue
        for key in sorted(set(data) - allowed):
            hint = " (it is computed by the build)" if key in table.computed else did_you_mean(key, sorted(allowed))
            problems.add("unknown-field", shown, entry.label, key, "unknown field" + hint)
        source = _read_text(root, entry, problems)
        if source is None:
            continue
        text, raw = source
        values = {k: v for k, v in data.items() if k != "passage"}
        values.update(char_length=len(text), byte_length=len(raw))
        source_rows.append(Row(entry, values))
        src = Source(str(data.get("source_id")), text)
        sources[src.source_id] = src
        passage_rows.extend(_passages(entry, src, passages, passage_keys, problems))
    problems.raise_if_any()
    return SourceRows(sources, source_rows, passage_rows)


def _read_text(root: Path, entry: Entry, problems: Collector) -> tuple[str, bytes] | None:
    """The source's text and bytes, checked against the recorded sha256."""
    data = entry.data
    text_path = root / str(data.get("path", ""))
    if not _inside(root, data.get("path")):
        problems.add(
            "source-path-outside",
            entry.file,
            entry.label,
            "path",
            f"{data.get('path')!r} is not a file inside the repository (absolute paths, '..' and "
            "symbolic links that lead out are refused); copy the text into data/source/ and give "
            "its path relative to the repository root",
        )
        return None
    try:
        raw = read_regular(text_path)  # a FIFO in its place is refused, not waited on
    except (OSError, ValueError):
        problems.add(
            "source-unreadable",
            entry.file,
            entry.label,
            "path",
            f"cannot read the source text at {data.get('path')!r}; "
            "give its path relative to the repository root, e.g. data/source/<file>.txt",
        )
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != data.get("sha256"):
        problems.add(
            "source-hash-mismatch",
            entry.file,
            entry.label,
            "sha256",
            f"the text at {data.get('path')} has sha256 {digest}, not the recorded {data.get('sha256')}: "
            "the source text changed after curation. Restore the original bytes; if the change is "
            "intended, re-check every quote against the new text, then record the new sha256",
        )
        return None
    try:
        return raw.decode("utf-8"), raw
    except UnicodeDecodeError as exc:
        problems.add("not-utf8", entry.file, entry.label, "path", f"the source text is not UTF-8 ({exc.reason})")
        return None


def _passages(
    entry: Entry, source: Source, curated: list[dict], allowed: frozenset[str], problems: Collector
) -> list[Row]:
    """Locate each passage after the previous one and prove they tile the text."""
    rows: list[Row] = []
    cursor = 0
    line_starts = [0] + [m.end() for m in re.finditer("\n", source.text)]
    sentence_in: dict[int, int] = {}
    for i, p in enumerate(curated, start=1):
        label = f"{entry.label}, passage #{i}"
        text = p.get("text")
        unknown = set(p) - allowed
        if unknown:
            problems.add(
                "unknown-field",
                entry.file,
                label,
                ", ".join(sorted(unknown)),
                f"unknown field; a passage has {' and '.join(f'`{k}`' for k in sorted(allowed))}",
            )
        if not isinstance(text, str) or not text:
            problems.add("passage-empty", entry.file, label, "text", "give the passage's words verbatim")
            return rows
        start = source.text.find(text, cursor)
        if start == -1 or source.text[cursor:start].strip():
            gap = source.text[cursor : cursor + 80]
            problems.add(
                "passage-out-of-order",
                entry.file,
                label,
                "text",
                f"passages must follow one another through the text; "
                f"the next words are {gap!r}, but this passage is {text[:80]!r}",
            )
            return rows
        end = start + len(text)
        if "\n" in text:
            problems.add(
                "passage-crosses-line",
                entry.file,
                label,
                "text",
                "a passage may not cross a line break; split it at the break",
            )
        paragraph = bisect.bisect_right(line_starts, start) - 1
        sentence_in[paragraph] = sentence_in.get(paragraph, 0) + 1
        values = {
            "passage_id": f"{source.source_id}-p{paragraph:02d}-s{sentence_in[paragraph]}",
            "source_id": source.source_id,
            "paragraph": paragraph,
            "sentence": sentence_in[paragraph],
            "passage_kind": p.get("passage_kind"),
            "text": text,
            "char_start": start,
            "char_end": end,
        }
        rows.append(Row(Entry(entry.file, label, p), values))
        source.passages.append(values)
        cursor = end
    if source.text[cursor:].strip():
        problems.add(
            "passages-incomplete",
            entry.file,
            entry.label,
            "passage",
            f"the passages stop before the end of the text; add one starting {source.text[cursor:].strip()[:80]!r}",
        )
    source._starts = [p["char_start"] for p in source.passages]
    return rows


def _inside(root: Path, path: object) -> bool:
    """Whether a curated source path names a file inside the repository,
    written relative to it, even after following symbolic links."""
    if not isinstance(path, str) or not path:
        return True  # no path at all: reported when the text cannot be read
    if "\0" in path:
        return False
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "~")) or ".." in parts or ":" in parts[0]:
        return False
    try:
        return (root / path).resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symbolic-link loop: reported as unreadable
        return True
