"""The derived columns of the fact tables (places, actors, mentions, events,
statements, figures), each computed by the builder its table names in
package.toml (the registry is in builders.py).

Each curated entry gives the values a person decides (ids, types, actors, the
quote); the steps every table goes through have already located its evidence;
this module computes the rest (ids from spans, date intervals, crosswalks,
quoted words, bounds, counts) so none of it is typed by hand, and refuses what
contradicts the text (a role or verb not written there, a figure whose number
disagrees with its phrase, quoted words reported as indirect).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import codes, dates, numbers
from .curated import Entry, Row
from .errors import Collector
from .sources import Source
from .spec import Table

if TYPE_CHECKING:
    from .builders import Build

QUOTED = re.compile(r"“([^”]*)”")


def _passage_texts(sources: dict[str, Source]) -> dict[str, str]:
    return {pid: text for s in sources.values() for pid, text in s.passage_texts().items()}


def _keys(rows: list[Row], column: str) -> set:
    return {r.values.get(column) for r in rows}


# -- places -----------------------------------------------------------------


def places(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Places keep the text's name; their identifiers cite references."""
    for r in rows:
        e, name = r.origin, r.values.get("name")
        if isinstance(name, str) and name and not any(name in s.text for s in build.sources.values()):
            build.problems.add(
                "place-name-not-in-text",
                e.file,
                e.label,
                "name",
                f"the name {name!r} is not written in any source text; give the place's name as the text writes it",
            )
    return rows


# -- actors and mentions ----------------------------------------------------


def mentions(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """A mention's id is where it stands: `<source_id>-<char_start>-<actor_id>`."""
    for r in rows:
        values = r.values
        if values["char_start"] is not None:
            values["mention_id"] = f"{values['source_id']}-{values['char_start']}-{values.get('actor_id')}"
    return rows


def actors(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Every actor is mentioned in the text (the count of its mentions), and
    its role is written there."""
    problems = build.problems
    counts: dict[str, int] = {}
    for m in build.rows["mentions"]:
        actor_id = m.values.get("actor_id") or ""
        counts[actor_id] = counts.get(actor_id, 0) + 1
    for r in rows:
        e, values = r.origin, r.values
        values["mention_count"] = counts.get(values.get("actor_id") or "", 0)
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
        if isinstance(role, str) and role and not any(role in s.text for s in build.sources.values()):
            problems.add(
                "role-not-in-text",
                e.file,
                e.label,
                "role",
                f"the role {role!r} is not written in any source text; "
                "give the role or title verbatim as the text has it, or leave it out",
            )
    return rows


# -- events and statements --------------------------------------------------


def events(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Events with their codes computed by the rules of docs/coding.md, their
    dates by dates.py, and their timeframes against the source's earliest
    possible day (which this builder also writes on the sources rows, since it
    is read off the events)."""
    vocab, problems = build.spec.vocabularies, build.problems
    types = vocab["event_type"]
    levels = {r.values.get("place_id"): r.values.get("level") for r in build.rows["places"]}
    actors = {r.values.get("actor_id"): r.values for r in build.rows["actors"]}
    for r in rows:
        e, values = r.origin, r.values
        event_type = values.get("event_type") or ""
        category = codes.plover_category(types, event_type, values.get("status") or "")
        level = levels.get(values.get("place_id"))
        violent = event_type in types.codes and types.lookup(event_type, "ucdp_violence") == "yes"
        sides = [
            codes.ucdp_side(vocab["actor_type"], actors, values.get(k))
            for k in ("initiator_actor_id", "target_actor_id")
        ]
        values.update(
            plover_category=category,
            quad_code=codes.quad_code(vocab["plover_category"], category),
            acled_geo_precision=codes.place_precision(vocab["place_level"], level, "acled_geo_precision"),
            ucdp_where_prec=codes.place_precision(vocab["place_level"], level, "ucdp_where_prec"),
            ucdp_type_of_violence=codes.ucdp_type_of_violence(violent, *sides),
        )
        _check_event_codes(e, values, vocab, problems)
    references = _keys(build.rows["references"], "reference_id")
    dates.resolve_all(rows, references, _passage_texts(build.sources), problems)
    _timeframes(build.rows["sources"], rows, problems)
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


def statements(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Statements with their quoted words and dates; a derived date counts
    from an event's, so the events are built first."""
    problems = build.problems
    for r in rows:
        e, values = r.origin, r.values
        given = values.get("evidence")
        evidence = given if isinstance(given, str) else ""
        quotes = QUOTED.findall(evidence)
        values["quoted_text"] = " … ".join(quotes) or None
        _check_statement(e, values, quotes, problems)
    references = _keys(build.rows["references"], "reference_id")
    events = {r.values.get("event_id") or "": r for r in build.rows["events"]}
    dates.resolve_all(rows, references, _passage_texts(build.sources), problems, events)
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


def figures(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """Figures whose value agrees with their phrase, with the bounds their qualifier implies."""
    for r in rows:
        _figure(r.origin, r.values, build.problems)
    return rows


def _figure(e: Entry, values: dict, problems: Collector) -> None:
    value, phrase, qualifier = values.get("value"), values.get("phrase"), values.get("qualifier")
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    numeric = number is not None
    if number is not None:
        values["value"] = number
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
        elif number is not None and not numbers.agrees(number, phrase):
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
    if qualifier == "rounded" and number is not None and isinstance(phrase, str):
        low, high = numbers.rounding_bounds(number, phrase)
    else:
        low, high = BOUNDS.get(qualifier or "", lambda v: (None, None))(values.get("value") if numeric else None)
    values.update(lower_bound=low, upper_bound=high)
