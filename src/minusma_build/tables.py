"""Assemble the published rows from the source texts and the curated entries.

Each curated entry gives the values a person decides (ids, types, actors, the
quote); this module computes the rest (offsets, passages, date intervals,
crosswalks, quoted words, bounds, counts) so none of it is typed by hand.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import codes, dates, numbers
from .curated import Entry, read_entries, read_toml, value_problems
from .errors import BuildError, Collector, Problem, did_you_mean
from .spans import SpanError, locate
from .spec import Spec

PROVENANCE = {"char_start", "char_end", "passage_id", "passage_kind"}
DATE_COLUMNS = {"date_start", "date_end", "date_precision", "date_basis",
                "date_reference_id", "date_anchor_event_id", "date_note",
                "acled_time_precision", "ucdp_date_prec"}
# Columns the build computes, per table; the curated files may not set them.
DERIVED = {
    "sources": {"char_length", "byte_length"},
    "references": set(),
    "places": set(),
    "actors": {"mention_count"},
    "mentions": {"mention_id"} | PROVENANCE,
    "events": {"plover_category", "quad_code", "acled_geo_precision", "ucdp_where_prec"} | DATE_COLUMNS | PROVENANCE,
    "statements": {"quoted_text"} | DATE_COLUMNS | PROVENANCE,
    "figures": {"lower_bound", "upper_bound"} | PROVENANCE,
}
# Keys the curated files may use that are not columns.
CURATED_ONLY = {
    "sources": {"passage"},
    "references": set(),
    "places": set(),
    "actors": set(),
    "mentions": {"within"},
    "events": {"within", "date"},
    "statements": {"within", "date"},
    "figures": {"within"},
}
FACT_TABLES = ("events", "statements", "figures")
QUOTED = re.compile(r"“([^”]*)”")


@dataclass
class Row:
    """A published row and the curated entry it came from."""

    origin: Entry
    values: dict[str, Any]


@dataclass
class Source:
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


@dataclass
class Assembled:
    rows: dict[str, list[Row]]
    sources: dict[str, Source]


def assemble(spec: Spec, root: Path) -> Assembled:
    """Read everything and build every table's rows, or raise BuildError."""
    curated_dir = root / "data" / "curated"
    _check_tables(spec, (curated_dir / "package.toml").relative_to(root).as_posix())
    sources, source_rows, passage_rows = _read_sources(spec, root, curated_dir)
    entries = {name: read_entries(curated_dir, root, name) for name in DERIVED if name != "sources"}
    problems = Collector()
    rows: dict[str, list[Row]] = {"sources": source_rows, "passages": passage_rows}
    for name, items in entries.items():
        _check_keys(spec, name, items, problems)
    references = {e.data.get("reference_id") for e in entries["references"]}
    rows["references"] = [Row(e, dict(e.data)) for e in entries["references"]]
    rows["places"] = _places(entries["places"], sources, problems)
    rows["mentions"] = [_mention(e, sources, problems) for e in entries["mentions"]]
    rows["actors"] = _actors(entries["actors"], rows["mentions"], sources, problems)
    levels = {r.values.get("place_id"): r.values.get("level") for r in rows["places"]}
    rows["events"] = _events(spec, entries["events"], sources, references, levels, problems)
    rows["statements"] = _statements(entries["statements"], sources, references,
                                     {r.values.get("event_id"): r for r in rows["events"]}, problems)
    rows["figures"] = [_figure(e, sources, problems) for e in entries["figures"]]
    problems.raise_if_any()
    return Assembled(rows, sources)


def _check_tables(spec: Spec, shown: str) -> None:
    """The schema describes exactly the tables the build makes."""
    built = set(DERIVED) | {"passages"}
    problems = [Problem(shown, f"table '{name}'", "", "missing: the build makes this table; restore its "
                        f"[tables.{name}] section") for name in sorted(built - set(spec.tables))]
    problems += [Problem(shown, f"table '{name}'", "", "the build makes no such table" + did_you_mean(name, sorted(built))
                         + f"; it makes {', '.join(sorted(built))}") for name in sorted(set(spec.tables) - built)]
    if problems:
        raise BuildError(problems)


# -- sources and passages ---------------------------------------------------

def _read_sources(spec: Spec, root: Path, curated_dir: Path):
    path = curated_dir / "sources.toml"
    shown = path.relative_to(root).as_posix()
    doc = read_toml(path, shown)
    problems = Collector()
    sources: dict[str, Source] = {}
    source_rows, passage_rows = [], []
    allowed = set(spec.tables["sources"].field_names) - DERIVED["sources"] | CURATED_ONLY["sources"]
    listed = doc.get("source", [])
    if not isinstance(listed, list) or not all(isinstance(d, dict) for d in listed):
        raise BuildError([Problem(shown, "", "source", "expected sources written as [[source]] tables")])
    for i, data in enumerate(listed, start=1):
        entry = Entry(shown, f"source '{data.get('source_id', f'#{i}')}'", data)
        passages = data.get("passage", [])
        shape = value_problems(shown, entry.label, {k: v for k, v in data.items() if k != "passage"})
        if not isinstance(passages, list) or not all(isinstance(p, dict) for p in passages):
            shape.append(Problem(shown, entry.label, "passage", "expected passages written as [[source.passage]] tables"))
        else:
            shape += [q for j, p in enumerate(passages, start=1)
                      for q in value_problems(shown, f"{entry.label}, passage #{j}", p)]
        if shape:
            problems.problems.extend(shape)
            continue
        for key in set(data) - allowed:
            problems.add(shown, entry.label, key, "unknown field" + did_you_mean(key, sorted(allowed)))
        text_path = root / str(data.get("path", ""))
        try:
            raw = text_path.read_bytes()
        except (OSError, ValueError):
            problems.add(shown, entry.label, "path", f"cannot read the source text at {data.get('path')!r}; "
                         "give its path relative to the repository root, e.g. data/source/<file>.txt")
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest != data.get("sha256"):
            problems.add(shown, entry.label, "sha256",
                         f"the text at {data.get('path')} has sha256 {digest}, not the recorded {data.get('sha256')}: "
                         "the source text changed after curation. Restore the original bytes; if the change is "
                         "intended, re-check every quote against the new text, then record the new sha256")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(shown, entry.label, "path", f"the source text is not UTF-8 ({exc.reason})")
            continue
        values = {k: v for k, v in data.items() if k != "passage"}
        values.update(char_length=len(text), byte_length=len(raw))
        source_rows.append(Row(entry, values))
        source = Source(str(data.get("source_id")), text)
        sources[source.source_id] = source
        passage_rows.extend(_passages(entry, source, data.get("passage", []), problems))
    problems.raise_if_any()
    return sources, source_rows, passage_rows


def _passages(entry: Entry, source: Source, curated: list[dict], problems: Collector) -> list[Row]:
    """Locate each passage after the previous one and prove they tile the text."""
    rows, cursor = [], 0
    line_starts = [0] + [m.end() for m in re.finditer("\n", source.text)]
    sentence_in = {}
    for i, p in enumerate(curated, start=1):
        label = f"{entry.label}, passage #{i}"
        text = p.get("text")
        unknown = set(p) - {"text", "passage_kind"}
        if unknown:
            problems.add(entry.file, label, ", ".join(sorted(unknown)), "unknown field; a passage has `text` and `passage_kind`")
        if not isinstance(text, str) or not text:
            problems.add(entry.file, label, "text", "give the passage's words verbatim")
            return rows
        start = source.text.find(text, cursor)
        if start == -1 or source.text[cursor:start].strip():
            gap = source.text[cursor:cursor + 80]
            problems.add(entry.file, label, "text", f"passages must follow one another through the text; "
                         f"the next words are {gap!r}, but this passage is {text[:80]!r}")
            return rows
        end = start + len(text)
        if "\n" in text:
            problems.add(entry.file, label, "text", "a passage may not cross a line break; split it at the break")
        paragraph = bisect.bisect_right(line_starts, start) - 1
        sentence_in[paragraph] = sentence_in.get(paragraph, 0) + 1
        values = {
            "passage_id": f"{source.source_id}-p{paragraph:02d}-s{sentence_in[paragraph]}",
            "source_id": source.source_id, "paragraph": paragraph, "sentence": sentence_in[paragraph],
            "passage_kind": p.get("passage_kind"), "text": text, "char_start": start, "char_end": end,
        }
        rows.append(Row(Entry(entry.file, label, p), values))
        source.passages.append(values)
        cursor = end
    if source.text[cursor:].strip():
        problems.add(entry.file, entry.label, "passage",
                     f"the passages stop before the end of the text; add one starting {source.text[cursor:].strip()[:80]!r}")
    source._starts = [p["char_start"] for p in source.passages]
    return rows


# -- shared steps -----------------------------------------------------------

def _check_keys(spec: Spec, name: str, entries: list[Entry], problems: Collector) -> None:
    allowed = (set(spec.tables[name].field_names) - DERIVED[name]) | CURATED_ONLY[name]
    for e in entries:
        for key in sorted(set(e.data) - allowed):
            hint = " (it is computed by the build)" if key in DERIVED[name] else did_you_mean(key, sorted(allowed))
            problems.add(e.file, e.label, key, "unknown field" + hint)


def _locate(e: Entry, sources: dict[str, Source], problems: Collector) -> dict[str, Any] | None:
    """Offsets and passage of an entry's evidence, or None after reporting why not."""
    source = sources.get(e.data.get("source_id"))
    if source is None:
        problems.add(e.file, e.label, "source_id", f"unknown source {e.data.get('source_id')!r}; "
                     f"known: {', '.join(sorted(sources))}")
        return None
    evidence, within = e.data.get("evidence"), e.data.get("within")
    if not isinstance(evidence, str) or (within is not None and not isinstance(within, str)):
        problems.add(e.file, e.label, "evidence", "give the verbatim words of the source as text")
        return None
    try:
        start, end = locate(source.text, evidence, within)
    except SpanError as exc:
        problems.add(e.file, e.label, exc.field, str(exc))
        return None
    passage = source.passage_at(start, end)
    if passage is None:
        problems.add(e.file, e.label, "evidence", "the evidence runs across two passages (sentences); "
                     "quote words from one sentence, or make one fact per sentence")
        return None
    return {"char_start": start, "char_end": end, "passage_id": passage["passage_id"],
            "passage_kind": passage["passage_kind"]}


def _with_provenance(e: Entry, sources, problems) -> dict[str, Any]:
    """The entry's own values plus the computed provenance columns."""
    values = {k: v for k, v in e.data.items() if k not in ("within", "date")}
    located = _locate(e, sources, problems)
    values.update(located or {"char_start": None, "char_end": None, "passage_id": None, "passage_kind": None})
    return values


# -- places -----------------------------------------------------------------

def _places(entries: list[Entry], sources, problems) -> list[Row]:
    """Places keep the text's name; their identifiers cite references."""
    rows = []
    for e in entries:
        name = e.data.get("name")
        if isinstance(name, str) and name and not any(name in s.text for s in sources.values()):
            problems.add(e.file, e.label, "name", f"the name {name!r} is not written in any source text; "
                         "give the place's name as the text writes it")
        rows.append(Row(e, dict(e.data)))
    return rows


# -- actors and mentions ----------------------------------------------------

def _mention(e: Entry, sources, problems) -> Row:
    values = _with_provenance(e, sources, problems)
    if values["char_start"] is not None:
        values["mention_id"] = f"{values['source_id']}-{values['char_start']}-{values.get('actor_id')}"
    return Row(e, values)


def _actors(entries: list[Entry], mentions: list[Row], sources, problems) -> list[Row]:
    counts: dict[str, int] = {}
    for m in mentions:
        counts[m.values.get("actor_id")] = counts.get(m.values.get("actor_id"), 0) + 1
    rows = []
    for e in entries:
        values = dict(e.data)
        values["mention_count"] = counts.get(values.get("actor_id"), 0)
        if values["mention_count"] == 0:
            problems.add(e.file, e.label, "actor_id", "no mention in mentions.toml refers to this actor; "
                         "every actor must come from the text: add its mentions, or remove the actor")
        role = values.get("role")
        if isinstance(role, str) and role and not any(role in s.text for s in sources.values()):
            problems.add(e.file, e.label, "role", f"the role {role!r} is not written in any source text; "
                         "give the role or title verbatim as the text has it, or leave it out")
        rows.append(Row(e, values))
    return rows


# -- events and statements --------------------------------------------------

def _events(spec: Spec, entries: list[Entry], sources, references: set, levels: dict, problems) -> list[Row]:
    """Events with their codes computed by the rules of docs/coding.md."""
    vocab = spec.vocabularies
    rows = []
    for e in entries:
        values = _with_provenance(e, sources, problems)
        category = codes.plover_category(vocab["event_type"], values.get("event_type"), values.get("status"))
        level = levels.get(values.get("place_id"))
        values.update(plover_category=category,
                      quad_code=codes.as_code(codes.quad_code(vocab["plover_category"], category)),
                      acled_geo_precision=codes.as_code(codes.place_precision(vocab["place_level"], level, "acled")),
                      ucdp_where_prec=codes.as_code(codes.place_precision(vocab["place_level"], level, "ucdp")))
        _check_event_codes(e, values, vocab["plover_mode"], problems)
        rows.append(Row(e, values))
    _resolve_dates(rows, references, _passage_texts(sources), problems)
    return rows


def _check_event_codes(e: Entry, values: dict, modes, problems: Collector) -> None:
    """[P4, P5] A mode belongs to the event's category; a category-less event
    takes neither mode nor context. An outside initiator needs an initiator."""
    problem = codes.mode_problem(modes, values.get("plover_mode"), values.get("plover_category"))
    if problem:
        problems.add(e.file, e.label, "plover_mode", problem)
    if values.get("plover_context") and not values.get("plover_category"):
        problems.add(e.file, e.label, "plover_context", "PLOVER has no category for this event, so it takes "
                     "no context; remove plover_context")
    if values.get("initiator_reference_id") and not values.get("initiator_actor_id"):
        problems.add(e.file, e.label, "initiator_reference_id", "cites a reference for the initiator, but there is "
                     "no initiator_actor_id; give the initiator, or remove the reference")


def _statements(entries: list[Entry], sources, references: set, events: dict[str, Row], problems) -> list[Row]:
    rows = []
    for e in entries:
        values = _with_provenance(e, sources, problems)
        evidence = values.get("evidence") if isinstance(values.get("evidence"), str) else ""
        quotes = QUOTED.findall(evidence)
        values["quoted_text"] = " … ".join(quotes) or None
        _check_statement(e, values, quotes, problems)
        rows.append(Row(e, values))
    _resolve_dates(rows, references, _passage_texts(sources), problems, events)
    return rows


def _check_statement(e: Entry, values: dict, quotes: list[str], problems: Collector) -> None:
    mode, speaker, verb = values.get("mode"), values.get("speaker_actor_id"), values.get("reporting_verb")
    if mode == "editorial" and speaker:
        problems.add(e.file, e.label, "speaker_actor_id", "an editorial statement is the article's own voice "
                     "and has no speaker; remove speaker_actor_id or choose another mode")
    if mode != "editorial" and not speaker:
        problems.add(e.file, e.label, "speaker_actor_id", f"a {mode} statement needs its speaker; "
                     "use mode = \"editorial\" for the article's own commentary")
    if mode in ("direct", "mixed") and not quotes:
        problems.add(e.file, e.label, "mode", f"mode {mode!r} needs quoted words (between “ ”) in the evidence; "
                     "use \"indirect\", or quote the words with their quotation marks")
    if mode in ("indirect", "editorial") and quotes:
        problems.add(e.file, e.label, "mode", f"the evidence quotes {quotes[0]!r}; use mode \"mixed\" or \"direct\"")
    if mode != "editorial":
        if not verb:
            problems.add(e.file, e.label, "reporting_verb", "give the verb that reports the statement, as written")
        elif isinstance(verb, str) and verb not in str(values.get("evidence")):
            problems.add(e.file, e.label, "reporting_verb", f"{verb!r} is not in the evidence; copy the verb as written there")


def _resolve_dates(rows: list[Row], references: set, passage_texts: dict[str, str], problems: Collector,
                   anchors: dict[str, Row] | None = None) -> None:
    """Fill the date columns; derived dates are counted from their anchor
    event, which may itself be derived (resolved in dependency order)."""
    anchors = anchors if anchors is not None else {r.values.get("event_id"): r for r in rows}
    resolved: dict[int, dates.ResolvedDate] = {}
    pending = []
    for r in rows:
        spec = r.origin.data.get("date")
        if spec is None:
            resolved[id(r)] = dates.UNKNOWN
        elif not isinstance(spec, dict):
            problems.add(r.origin.file, r.origin.label, "date", "write the date as a table: "
                         "date = { basis = \"external\", start = \"2023-06-30\", reference = \"...\" }")
            resolved[id(r)] = dates.UNKNOWN
        elif spec.get("basis") == "derived":
            pending.append(r)
        else:
            resolved[id(r)] = _try(r, problems, dates.resolve_fixed, spec, str(r.values.get("evidence")), references)
    anchor_dates = {key: _date_of(row) if "date_basis" in row.values else resolved.get(id(row))
                    for key, row in anchors.items()}
    while pending:
        progressed = False
        for r in list(pending):
            spec = r.origin.data["date"]
            anchor_id = spec.get("anchor")
            if anchor_id not in anchors:
                problems.add(r.origin.file, r.origin.label, "date", f"unknown anchor event {anchor_id!r}"
                             + did_you_mean(str(anchor_id), sorted(k for k in anchors if isinstance(k, str))))
            elif anchor_dates.get(anchor_id) is None:
                continue
            elif r.values.get("passage_id") is None:
                resolved[id(r)] = dates.UNKNOWN  # its evidence was not found, which is reported already
            else:
                resolved[id(r)] = _try(r, problems, dates.resolve_derived, spec,
                                       passage_texts[r.values["passage_id"]],
                                       anchor_dates[anchor_id], anchor_id)
            resolved.setdefault(id(r), dates.UNKNOWN)
            if anchors.get(r.values.get("event_id")) is r:
                anchor_dates[r.values["event_id"]] = resolved[id(r)]
            pending.remove(r)
            progressed = True
        if not progressed:
            for r in pending:
                problems.add(r.origin.file, r.origin.label, "date", "derived dates form a cycle; "
                             "anchor one of them on an event with a stated or external date")
                resolved[id(r)] = dates.UNKNOWN
            break
    for r in rows:
        r.values.update(resolved[id(r)].columns())


def _passage_texts(sources: dict[str, Source]) -> dict[str, str]:
    return {p["passage_id"]: p["text"] for s in sources.values() for p in s.passages}


def _date_of(row: Row) -> dates.ResolvedDate:
    v = row.values
    return dates.ResolvedDate(v["date_start"], v["date_end"], v["date_precision"], v["date_basis"],
                              v["date_reference_id"], v["date_anchor_event_id"], v["date_note"])


def _try(r: Row, problems: Collector, fn, *args) -> dates.ResolvedDate:
    try:
        return fn(*args)
    except dates.DateError as exc:
        problems.add(r.origin.file, r.origin.label, "date", str(exc))
        return dates.UNKNOWN


# -- figures ----------------------------------------------------------------

BOUNDS = {
    "exact": lambda v: (v, v),
    "approximately": lambda v: (None, None),
    "more_than": lambda v: (v, None),
    "unquantified": lambda v: (None, None),
}


def _figure(e: Entry, sources, problems) -> Row:
    values = _with_provenance(e, sources, problems)
    value, phrase, qualifier = values.get("value"), values.get("phrase"), values.get("qualifier")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric:
        values["value"] = float(value)
    if isinstance(phrase, str) and phrase not in str(values.get("evidence")):
        problems.add(e.file, e.label, "phrase", f"{phrase!r} is not in the evidence; copy the figure as written there")
    elif isinstance(phrase, str):
        stated = numbers.stated_numbers(phrase)
        if qualifier == "unquantified":
            if value is not None or stated:
                problems.add(e.file, e.label, "value", "an unquantified figure has no value; "
                             "leave `value` out, or choose a qualifier that goes with the number in the phrase")
        elif numeric and not numbers.agrees(float(value), phrase):
            said = ", ".join(f"{n:g}" for n in stated) or "no number"
            problems.add(e.file, e.label, "value", f"{value!r} disagrees with the phrase {phrase!r}, which states {said}; "
                         "give the number the phrase states, in the unit")
        elif value is None:
            problems.add(e.file, e.label, "value", "give the number the phrase states, or use qualifier \"unquantified\"")
    if qualifier == "rounded" and numeric and isinstance(phrase, str):
        low, high = numbers.rounding_bounds(float(value), phrase)
    else:
        low, high = BOUNDS.get(qualifier, lambda v: (None, None))(values.get("value") if numeric else None)
    values.update(lower_bound=low, upper_bound=high)
    return Row(e, values)

