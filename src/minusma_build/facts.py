"""Compute the fact tables (actors, mentions, events, statements, figures)
from the curated entries and the source texts.

Each curated entry gives the values a person decides (ids, types, actors, the
quote); this module computes the rest (offsets, passages, date intervals,
crosswalks, quoted words, bounds, counts) so none of it is typed by hand, and
refuses what contradicts the text (a role or verb not written there, a figure
whose number disagrees with its phrase, quoted words reported as indirect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import codes, dates, numbers
from .curated import FACT_FILES, Entry, Row, read_entries
from .errors import Collector, did_you_mean
from .sources import SOURCE_TABLES, Source, read_sources
from .spans import SpanError, locate
from .spec import Spec

QUOTED = re.compile(r"“([^”]*)”")
BUILT_TABLES = SOURCE_TABLES + FACT_FILES


@dataclass
class Assembled:
    rows: dict[str, list[Row]]
    sources: dict[str, Source]


def assemble(spec: Spec, root: Path) -> Assembled:
    """Read everything and compute every table's rows, or raise BuildError."""
    curated_dir = root / "data" / "curated"
    _check_tables(spec, (curated_dir / "package.toml").relative_to(root).as_posix())
    read = read_sources(spec, root)
    sources = read.sources
    entries = {name: read_entries(curated_dir, root, name) for name in FACT_FILES}
    problems = Collector()
    rows: dict[str, list[Row]] = dict(read.rows)
    for name, items in entries.items():
        _check_keys(spec, name, items, problems)
    references = {e.data.get("reference_id") for e in entries["references"]}
    rows["references"] = [Row(e, dict(e.data)) for e in entries["references"]]
    rows["places"] = _places(entries["places"], sources, problems)
    rows["mentions"] = [_mention(e, sources, problems) for e in entries["mentions"]]
    rows["actors"] = _actors(entries["actors"], rows["mentions"], sources, problems)
    levels = {r.values.get("place_id"): r.values.get("level") for r in rows["places"]}
    actors = {r.values.get("actor_id"): r.values for r in rows["actors"]}
    rows["events"] = _events(spec, entries["events"], sources, references, levels, actors, problems)
    _timeframes(rows["sources"], rows["events"], problems)
    rows["statements"] = _statements(
        entries["statements"], sources, references, {r.values.get("event_id"): r for r in rows["events"]}, problems
    )
    rows["figures"] = [_figure(e, sources, problems) for e in entries["figures"]]
    problems.raise_if_any()
    return Assembled(rows, sources)


def _check_tables(spec: Spec, shown: str) -> None:
    """The schema describes exactly the tables the build makes."""
    built = set(BUILT_TABLES)
    problems = Collector()
    for name in sorted(built - set(spec.tables)):
        problems.add(
            "table-missing",
            shown,
            f"table '{name}'",
            "",
            f"missing: the build makes this table; restore its [tables.{name}] section",
        )
    for name in sorted(set(spec.tables) - built):
        problems.add(
            "table-unknown",
            shown,
            f"table '{name}'",
            "",
            "the build makes no such table"
            + did_you_mean(name, sorted(built))
            + f"; it makes {', '.join(sorted(built))}",
        )
    problems.raise_if_any()


def _passage_texts(sources: dict[str, Source]) -> dict[str, str]:
    return {pid: text for s in sources.values() for pid, text in s.passage_texts().items()}


# -- shared steps -----------------------------------------------------------


def _check_keys(spec: Spec, name: str, entries: list[Entry], problems: Collector) -> None:
    """Refuse keys the table does not have, or that the build computes."""
    table = spec.tables[name]
    allowed = table.curated_names
    for e in entries:
        for key in sorted(set(e.data) - allowed):
            hint = " (it is computed by the build)" if key in table.computed else did_you_mean(key, sorted(allowed))
            problems.add("unknown-field", e.file, e.label, key, "unknown field" + hint)


def _locate(e: Entry, sources: dict[str, Source], problems: Collector) -> dict[str, Any] | None:
    """Offsets and passage of an entry's evidence, or None after reporting why not."""
    source = sources.get(e.data.get("source_id"))
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
            problems.add(
                "place-name-not-in-text",
                e.file,
                e.label,
                "name",
                f"the name {name!r} is not written in any source text; give the place's name as the text writes it",
            )
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
            problems.add(
                "actor-without-mention",
                e.file,
                e.label,
                "actor_id",
                "no mention in mentions.toml refers to this actor; "
                "every actor must come from the text: add its mentions, or remove the actor",
            )
        role = values.get("role")
        if isinstance(role, str) and role and not any(role in s.text for s in sources.values()):
            problems.add(
                "role-not-in-text",
                e.file,
                e.label,
                "role",
                f"the role {role!r} is not written in any source text; "
                "give the role or title verbatim as the text has it, or leave it out",
            )
        rows.append(Row(e, values))
    return rows


# -- events and statements --------------------------------------------------


def _events(
    spec: Spec, entries: list[Entry], sources, references: set, levels: dict, actors: dict, problems
) -> list[Row]:
    """Events with their codes computed by the rules of docs/coding.md."""
    vocab = spec.vocabularies
    types = vocab["event_type"]
    rows = []
    for e in entries:
        values = _with_provenance(e, sources, problems)
        event_type = values.get("event_type")
        category = codes.plover_category(types, event_type, values.get("status"))
        level = levels.get(values.get("place_id"))
        violent = event_type in types.codes and types.lookup(event_type, "ucdp_violence") == "yes"
        sides = [
            codes.ucdp_side(vocab["actor_type"], actors, values.get(k))
            for k in ("initiator_actor_id", "target_actor_id")
        ]
        values.update(
            plover_category=category,
            quad_code=codes.as_code(codes.quad_code(vocab["plover_category"], category)),
            acled_geo_precision=codes.as_code(
                codes.place_precision(vocab["place_level"], level, "acled_geo_precision")
            ),
            ucdp_where_prec=codes.as_code(codes.place_precision(vocab["place_level"], level, "ucdp_where_prec")),
            ucdp_type_of_violence=codes.as_code(codes.ucdp_type_of_violence(violent, *sides)),
        )
        _check_event_codes(e, values, vocab, problems)
        rows.append(Row(e, values))
    dates.resolve_all(rows, references, _passage_texts(sources), problems)
    return rows


def _check_event_codes(e: Entry, values: dict, vocab: dict, problems: Collector) -> None:
    """[P4, P5, C5] A mode belongs to the event's category, and so does its
    CAMEO code; a category-less event takes neither mode nor context. An
    outside initiator, or a sector for this event, needs an initiator; a
    superseded plan names the plan that replaced it, and only it does."""
    problem = codes.mode_problem(vocab["plover_mode"], values.get("plover_mode"), values.get("plover_category"))
    if problem:
        problems.add("plover-mode-mismatch", e.file, e.label, "plover_mode", problem)
    problem = codes.cameo_problem(
        vocab["cameo_event_code"], values.get("cameo_event_code"), values.get("plover_category")
    )
    if problem:
        problems.add("cameo-plover-mismatch", e.file, e.label, "cameo_event_code", problem)
    if values.get("initiator_plover_sector") and not values.get("initiator_actor_id"):
        problems.add(
            "sector-without-initiator",
            e.file,
            e.label,
            "initiator_plover_sector",
            "gives the initiator's sector in this event, but there is no initiator_actor_id; "
            "give the initiator, or remove the sector",
        )
    superseded, successor = values.get("status") == "superseded", values.get("superseded_by_event_id")
    if superseded != bool(successor):
        problems.add(
            "superseded-link-mismatch",
            e.file,
            e.label,
            "superseded_by_event_id" if superseded else "status",
            "a superseded plan names the plan that replaced it: give superseded_by_event_id"
            if superseded
            else 'superseded_by_event_id is set, but the status is not "superseded"; '
            "set the status, or remove the link",
        )
    if values.get("plover_context") and not values.get("plover_category"):
        problems.add(
            "plover-context-without-category",
            e.file,
            e.label,
            "plover_context",
            "PLOVER has no category for this event, so it takes no context; remove plover_context",
        )
    if values.get("initiator_reference_id") and not values.get("initiator_actor_id"):
        problems.add(
            "initiator-reference-without-initiator",
            e.file,
            e.label,
            "initiator_reference_id",
            "cites a reference for the initiator, but there is no initiator_actor_id; give the initiator, "
            "or remove the reference",
        )


def _timeframes(sources: list[Row], events: list[Row], problems: Collector) -> None:
    """[E1] Each source's earliest possible day, and each event's timeframe
    against it; an event the text places before another (before_event_id)
    may not be dated after it, and is background when that one is."""
    by_id = {r.values["event_id"]: r for r in events if isinstance(r.values.get("event_id"), str)}
    for source in sources:
        sid = source.values.get("source_id")
        own = [r.values for r in events if r.values.get("source_id") == sid]
        bound, eid = codes.published_not_before(own)
        source.values.update(published_not_before=bound, published_not_before_event_id=eid)
    bounds = {s.values.get("source_id"): s.values.get("published_not_before") for s in sources}
    for r in events:
        v = r.values
        sid = v.get("source_id")
        v["timeframe"] = codes.timeframe(v.get("date_end"), bounds.get(sid) if isinstance(sid, str) else None)
    ordered = [
        (r, by_id[later])
        for r in events
        if isinstance(later := r.values.get("before_event_id"), str) and later in by_id
    ]
    for r, later in ordered:
        start, later_end = r.values.get("date_start"), later.values.get("date_end")
        if start is not None and later_end is not None and start > later_end:
            problems.add(
                "event-order-contradicted",
                r.origin.file,
                r.origin.label,
                "before_event_id",
                f"the text places this event before {r.values['before_event_id']!r}, but its date starts on "
                f"{start}, after that event ended ({later_end}); correct one of the dates, or the link",
            )
    frames = codes.background_by_order(
        {eid: r.values["timeframe"] for eid, r in by_id.items()},
        {
            r.values["event_id"]: later.values["event_id"]
            for r, later in ordered
            if isinstance(r.values.get("event_id"), str)
        },
    )
    for eid, r in by_id.items():
        r.values["timeframe"] = frames[eid]


def _statements(entries: list[Entry], sources, references: set, events: dict[str, Row], problems) -> list[Row]:
    rows = []
    for e in entries:
        values = _with_provenance(e, sources, problems)
        evidence = values.get("evidence") if isinstance(values.get("evidence"), str) else ""
        quotes = QUOTED.findall(evidence)
        values["quoted_text"] = " … ".join(quotes) or None
        _check_statement(e, values, quotes, problems)
        rows.append(Row(e, values))
    dates.resolve_all(rows, references, _passage_texts(sources), problems, events)
    return rows


def _check_statement(e: Entry, values: dict, quotes: list[str], problems: Collector) -> None:
    mode, speaker, verb = values.get("mode"), values.get("speaker_actor_id"), values.get("reporting_verb")
    if mode == "editorial" and speaker:
        problems.add(
            "editorial-with-speaker",
            e.file,
            e.label,
            "speaker_actor_id",
            "an editorial statement is the article's own voice "
            "and has no speaker; remove speaker_actor_id or choose another mode",
        )
    if mode != "editorial" and not speaker:
        problems.add(
            "speaker-missing",
            e.file,
            e.label,
            "speaker_actor_id",
            f'a {mode} statement needs its speaker; use mode = "editorial" for the article\'s own commentary',
        )
    if mode in ("direct", "mixed") and not quotes:
        problems.add(
            "mode-needs-quotes",
            e.file,
            e.label,
            "mode",
            f"mode {mode!r} needs quoted words (between “ ”) in the evidence; "
            'use "indirect", or quote the words with their quotation marks',
        )
    if mode in ("indirect", "editorial") and quotes:
        problems.add(
            "mode-has-quotes",
            e.file,
            e.label,
            "mode",
            f'the evidence quotes {quotes[0]!r}; use mode "mixed" or "direct"',
        )
    if mode != "editorial":
        if not verb:
            problems.add(
                "reporting-verb-missing",
                e.file,
                e.label,
                "reporting_verb",
                "give the verb that reports the statement, as written",
            )
        elif isinstance(verb, str) and verb not in str(values.get("evidence")):
            problems.add(
                "reporting-verb-not-in-evidence",
                e.file,
                e.label,
                "reporting_verb",
                f"{verb!r} is not in the evidence; copy the verb as written there",
            )


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
        problems.add(
            "figure-phrase-not-in-evidence",
            e.file,
            e.label,
            "phrase",
            f"{phrase!r} is not in the evidence; copy the figure as written there",
        )
    elif isinstance(phrase, str):
        stated = numbers.stated_numbers(phrase)
        if qualifier == "unquantified":
            if value is not None or stated:
                problems.add(
                    "figure-unquantified-has-value",
                    e.file,
                    e.label,
                    "value",
                    "an unquantified figure has no value; "
                    "leave `value` out, or choose a qualifier that goes with the number in the phrase",
                )
        elif numeric and not numbers.agrees(float(value), phrase):
            said = ", ".join(f"{n:g}" for n in stated) or "no number"
            problems.add(
                "figure-value-disagrees",
                e.file,
                e.label,
                "value",
                f"{value!r} disagrees with the phrase {phrase!r}, which states {said}; "
                "give the number the phrase states, in the unit",
            )
        elif value is None:
            problems.add(
                "figure-value-missing",
                e.file,
                e.label,
                "value",
                'give the number the phrase states, or use qualifier "unquantified"',
            )
    if qualifier == "rounded" and numeric and isinstance(phrase, str):
        low, high = numbers.rounding_bounds(float(value), phrase)
    else:
        low, high = BOUNDS.get(qualifier, lambda v: (None, None))(values.get("value") if numeric else None)
    values.update(lower_bound=low, upper_bound=high)
    return Row(e, values)
