"""Nothing bad gets in, nothing is lost: each case below damages one curated
file (or the source text) in a scratch copy of the repository, runs the build
as a command, and demands

- exit status 1 and no traceback;
- exactly one problem, naming the file, the entry and the field, and saying
  what would be right;
- every published file byte-identical to before, and no staging folder left.

Each edit is a small function that proves it changed what it meant to change
(the old text must be there exactly once), so no case can pass by doing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from conftest import published_snapshot, run_build

SOURCE_TEXT = "data/source/000_93716cde958e498d.txt"
HEADER = "build failed with 1 problem(s); no file was written:"

Edit = Callable[[Path], None]
Expected = str | Callable[[Path], str]


# -- edits --------------------------------------------------------------------

def _path(root: Path, file: str) -> Path:
    return root / file if "/" in file else root / "data" / "curated" / file


def _replace_once(text: str, old: str, new: str, where: str) -> str:
    count = text.count(old)
    assert count == 1, f"{where}: expected {old!r} exactly once, found it {count} times"
    return text.replace(old, new)


def replace(file: str, old: str, new: str) -> Edit:
    """Replace text that occurs exactly once in the file."""
    def edit(root: Path) -> None:
        path = _path(root, file)
        path.write_text(_replace_once(path.read_text(encoding="utf-8"), old, new, file), encoding="utf-8")
    return edit


def in_entry(file: str, id_line: str, old: str, new: str) -> Edit:
    """Replace text inside one entry: from its id line to the next [[...]] header."""
    def edit(root: Path) -> None:
        path = _path(root, file)
        text = path.read_text(encoding="utf-8")
        # the id line itself, not a link to the id such as `response_to_event_id = "..."`
        assert text.count("\n" + id_line) == 1, f"{file}: expected {id_line!r} exactly once"
        start = text.index("\n" + id_line) + 1
        end = text.find("\n[[", start)
        end = len(text) if end == -1 else end
        block = _replace_once(text[start:end], old, new, f"{file}, {id_line}")
        path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return edit


def append(file: str, block: str) -> Edit:
    def edit(root: Path) -> None:
        path = _path(root, file)
        path.write_text(path.read_text(encoding="utf-8") + block, encoding="utf-8")
    return edit


def delete(file: str) -> Edit:
    def edit(root: Path) -> None:
        _path(root, file).unlink()
    return edit


def reencode(file: str, old: bytes, new: bytes) -> Edit:
    """Replace bytes, e.g. a UTF-8 quotation mark by its Windows-1252 byte."""
    def edit(root: Path) -> None:
        path = _path(root, file)
        data = path.read_bytes()
        assert data.count(old) >= 1, f"{file}: {old!r} not found"
        path.write_bytes(data.replace(old, new, 1))
    return edit


def syntax_position(file: str, line_text: str, at: str | None = None) -> Callable[[Path], str]:
    """'line N, column M' of the (edited) line holding line_text: where `at`
    begins in it, or just past its end."""
    def expected(root: Path) -> str:
        lines = _path(root, file).read_text(encoding="utf-8").split("\n")
        number, line = next((i, line) for i, line in enumerate(lines, start=1) if line_text in line)
        column = len(line) + 1 if at is None else line.index(at) + 1
        return f"TOML syntax error at line {number}, column {column}"
    return expected


# -- the cases ----------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    edit: Edit
    expected: tuple[Expected, ...]  # substrings of the one problem line

    def __str__(self) -> str:
        return self.id


FRANCE = 'event_id = "france-drafts-resolution"'
DIOP = 'event_id = "diop-demands-withdrawal"'
WAGNER_IN = 'event_id = "junta-brings-in-wagner"'
MUTINY = 'event_id = "wagner-mutiny"'
PERSONNEL = 'figure_id = "minusma-personnel-withdrawn"'
LAVROV = 'statement_id = "lavrov-promises-unstinting-support"'
EVENTS, STATEMENTS, FIGURES = "data/curated/events.toml", "data/curated/statements.toml", "data/curated/figures.toml"
FRANCE_LABEL = "event 'france-drafts-resolution'"
FRANCE_SUMMARY = 'summary = "France drafts the resolution that ends the mission."'
FORMULA = "which a spreadsheet would run as a formula; reword it so it starts with a letter, digit or quotation mark"

CASES = [
    # evidence
    Case("quote-absent-from-text",
         in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"The resolution, written by France"'),
         (EVENTS, FRANCE_LABEL, "field 'evidence'", "the quote 'The resolution, written by France' is not in the source text",
          "the closest passage is 'The resolution, drafted by France,'")),
    Case("quote-present-twice",
         in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"the peacekeeping mission in Mali"'),
         (EVENTS, FRANCE_LABEL, "field 'evidence'", "occurs 2 times, at offsets",
          "add `within = \"...\"` with longer words around the one you mean")),
    Case("quote-with-straight-double-quotes",
         in_entry("events.toml", DIOP,
                  'evidence = "Malian Foreign Minister Abdoulaye Diop labeled the UN operation a “failure” and called for its termination"',
                  "evidence = 'Malian Foreign Minister Abdoulaye Diop labeled the UN operation a \"failure\" and called for its termination'"),
         (EVENTS, "event 'diop-demands-withdrawal'", "field 'evidence'",
          "it uses straight quotation marks where the text has curly ones: use",
          "labeled the UN operation a “failure” and called")),
    Case("quote-with-straight-apostrophe",
         in_entry("events.toml", 'event_id = "mali-un-relations-deteriorate"', 'evidence = "Mali’s relations', 'evidence = "Mali\'s relations'),
         (EVENTS, "event 'mali-un-relations-deteriorate'", "field 'evidence'",
          "it uses straight quotation marks where the text has curly ones: use 'Mali’s relations")),
    Case("evidence-across-two-sentences",
         in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"military junta. The resolution, drafted by France"'),
         (EVENTS, FRANCE_LABEL, "field 'evidence'", "the evidence runs across two passages (sentences)",
          "quote words from one sentence")),
    Case("evidence-in-the-rhetorical-question",
         in_entry("events.toml", 'event_id = "junta-aligns-with-russia"', '"the junta has aligned itself with Russia"',
                  '"the alignment between the military junta in Mali and the Wagner Group"'),
         (EVENTS, "event 'junta-aligns-with-russia'", "field 'evidence'",
          "the evidence lies in the rhetorical question, which asserts nothing; a fact needs words that assert it")),
    Case("within-absent-from-text",
         replace("mentions.toml", 'within = "to the UN Barbara Woodward"', 'within = "to the UN Barbara Woodword"'),
         ("data/curated/mentions.toml", "mention #2 (un: 'UN')", "field 'within'",
          "`within`: the quote 'to the UN Barbara Woodword' is not in the source text",
          "the closest passage is")),
    Case("within-that-does-not-hold-the-quote",
         replace("mentions.toml", 'within = "to the UN Barbara Woodward"', 'within = "to the United Nations Barbara Woodward"'),
         ("data/curated/mentions.toml", "mention #2 (un: 'UN')", "field 'within'",
          "the quote 'UN' is not part of its `within` quote 'to the United Nations Barbara Woodward'")),
    Case("source-text-altered-after-curation",
         replace(SOURCE_TEXT, "has voted unanimously", "has voted almost unanimously"),
         ("data/curated/sources.toml", "source 'unsc-ends-minusma'", "field 'sha256'",
          "the source text changed after curation. Restore the original bytes",
          "re-check every quote against the new text, then record the new sha256")),
    # ids and references
    Case("duplicate-id",
         replace("events.toml", FRANCE, 'event_id = "minusma-withdraws"'),
         (EVENTS, "event 'minusma-withdraws'", "field 'event_id'",
          "'minusma-withdraws' is already used by event 'minusma-withdraws' in data/curated/events.toml",
          "ids must be unique: choose another")),
    Case("unknown-actor",
         in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = "frnace"'),
         (EVENTS, FRANCE_LABEL, "field 'initiator_actor_id'", "'frnace' is not a known actor id (did you mean 'france'?)",
          "add it to actors.toml or fix the id")),
    Case("unknown-event",
         in_entry("statements.toml", LAVROV, 'event_id = "russia-pledges-support"', 'event_id = "russia-pledge-support"'),
         (STATEMENTS, "statement 'lavrov-promises-unstinting-support'", "field 'event_id'",
          "'russia-pledge-support' is not a known event id (did you mean 'russia-pledges-support'?)",
          "add it to events.toml or fix the id")),
    Case("unknown-reference",
         in_entry("events.toml", WAGNER_IN, 'reference = "csis-wagner-mali"', 'reference = "csis-wagner"'),
         (EVENTS, "event 'junta-brings-in-wagner'", "field 'date'",
          "unknown reference 'csis-wagner' (did you mean 'csis-wagner-mali'?); known: ")),
    Case("derived-date-with-unknown-anchor",
         in_entry("events.toml", DIOP, 'anchor = "unsc-votes-to-end-minusma"', 'anchor = "unsc-vote-to-end-minusma"'),
         (EVENTS, "event 'diop-demands-withdrawal'", "field 'date'",
          "unknown anchor event 'unsc-vote-to-end-minusma' (did you mean 'unsc-votes-to-end-minusma'?)")),
    Case("actor-with-no-mention",
         append("actors.toml", '\n[[actor]]\nactor_id = "nato"\nname = "NATO"\nactor_type = "igo"\n'),
         ("data/curated/actors.toml", "actor 'nato'", "field 'actor_id'",
          "no mention in mentions.toml refers to this actor", "add its mentions, or remove the actor")),
    Case("reference-nobody-cites",
         append("references.toml", '\n[[reference]]\nreference_id = "ecowas-communique"\ntopic = "ECOWAS"\n'
                'fact = "A communique."\ntitle = "ECOWAS communique"\npublisher = "ECOWAS"\nconfidence = "high"\n'),
         ("data/curated/references.toml", "reference 'ecowas-communique'", "field 'reference_id'",
          "no row cites this reference; cite it from a date, an initiator, an estimate, a scope note or a place, or remove it")),
    # values
    Case("value-outside-its-vocabulary",
         in_entry("events.toml", FRANCE, 'event_type = "draft_resolution"', 'event_type = "draft_resolutoin"'),
         (EVENTS, FRANCE_LABEL, "field 'event_type'", "'draft_resolutoin' is not allowed; use one of: end_mission,",
          "(did you mean 'draft_resolution'?)")),
    Case("unknown-field",
         replace("events.toml", FRANCE_SUMMARY, FRANCE_SUMMARY.replace("summary", "sumary")),
         (EVENTS, FRANCE_LABEL, "field 'sumary'", "unknown field (did you mean 'summary'?)")),
    Case("missing-required-field",
         replace("events.toml", FRANCE_SUMMARY + "\n", ""),
         (EVENTS, FRANCE_LABEL, "field 'summary'", "a value is required; add `summary = ...`")),
    Case("text-where-a-number-belongs",
         in_entry("figures.toml", PERSONNEL, "value = 15000", 'value = "15000"'),
         (FIGURES, "figure 'minusma-personnel-withdrawn'", "field 'value'", "expected a number, got '15000'")),
    Case("array-where-one-value-belongs",
         in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = ["france"]'),
         (EVENTS, FRANCE_LABEL, "field 'initiator_actor_id'",
          "expected one value (text in quotes, a number, true/false or a date), got an array: ['france']")),
    Case("array-inside-a-date",
         in_entry("events.toml", 'event_id = "peace-agreement-2015"', 'basis = "stated"', 'basis = ["stated"]'),
         (EVENTS, "event 'peace-agreement-2015'", "field 'date'",
          "`basis` must be one value (text, a number, true/false or a date), got an array: ['stated']")),
    Case("figure-value-disagrees-with-its-evidence",
         in_entry("figures.toml", PERSONNEL, "value = 15000", "value = 16000"),
         (FIGURES, "figure 'minusma-personnel-withdrawn'", "field 'value'",
          "16000 disagrees with the phrase 'over 15,000 personnel', which states 15000",
          "give the number the phrase states, in the unit")),
    Case("formula-equals",
         replace("events.toml", FRANCE_SUMMARY, 'summary = "=HYPERLINK(\\"http://example.org\\")"'),
         (EVENTS, FRANCE_LABEL, "field 'summary'", "starts with '='", FORMULA)),
    Case("formula-plus",
         in_entry("actors.toml", 'actor_id = "minusma"', 'notes = "The UN', 'notes = "+The UN'),
         ("data/curated/actors.toml", "actor 'minusma'", "field 'notes'", "starts with '+'", FORMULA)),
    Case("formula-minus",
         in_entry("figures.toml", PERSONNEL, 'scope_note = "All personnel', 'scope_note = "-All personnel'),
         (FIGURES, "figure 'minusma-personnel-withdrawn'", "field 'scope_note'", "starts with '-'", FORMULA)),
    Case("formula-at",
         in_entry("statements.toml", LAVROV, 'paraphrase = "Lavrov', 'paraphrase = "@Lavrov'),
         (STATEMENTS, "statement 'lavrov-promises-unstinting-support'", "field 'paraphrase'", "starts with '@'", FORMULA)),
    Case("carriage-return-in-text",
         replace("events.toml", FRANCE_SUMMARY, 'summary = "France drafts\\rthe resolution that ends the mission."'),
         (EVENTS, FRANCE_LABEL, "field 'summary'", "holds the control character U+000D",
          "remove it (only tabs and line breaks are allowed in text)")),
    Case("role-not-written-in-the-text",
         in_entry("actors.toml", 'actor_id = "woodward"', 'role = "Ambassador to the UN"', 'role = "UK Ambassador"'),
         ("data/curated/actors.toml", "actor 'woodward'", "field 'role'",
          "the role 'UK Ambassador' is not written in any source text", "give the role or title verbatim")),
    Case("quoted-words-reported-as-indirect",
         in_entry("statements.toml", LAVROV, 'mode = "mixed"', 'mode = "indirect"'),
         (STATEMENTS, "statement 'lavrov-promises-unstinting-support'", "field 'mode'",
          "the evidence quotes 'unstinting support'; use mode \"mixed\" or \"direct\"")),
    # dates
    Case("malformed-date",
         in_entry("events.toml", 'event_id = "junta-ends-defence-cooperation-with-france"', 'start = "2022-05-02"', 'start = "02/05/2022"'),
         (EVENTS, "event 'junta-ends-defence-cooperation-with-france'", "field 'date'",
          "'02/05/2022' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")),
    Case("impossible-date",
         in_entry("events.toml", 'event_id = "junta-ends-defence-cooperation-with-france"', 'start = "2022-05-02"', 'start = "2022-05-32"'),
         (EVENTS, "event 'junta-ends-defence-cooperation-with-france'", "field 'date'",
          "'2022-05-32' is not a real date (day is out of range for month)")),
    Case("date-end-before-start",
         in_entry("events.toml", MUTINY, 'start = "2023-06-23", end = "2023-06-24"', 'start = "2023-06-24", end = "2023-06-23"'),
         (EVENTS, "event 'wagner-mutiny'", "field 'date'", "`end` (2023-06-23) is before `start` (2023-06-24); swap them")),
    Case("external-date-without-reference",
         in_entry("events.toml", WAGNER_IN, ', reference = "csis-wagner-mali"', ""),
         (EVENTS, "event 'junta-brings-in-wagner'", "field 'date'",
          "an external date must cite a reference: add `reference = \"<reference_id>\"`")),
    Case("stated-date-not-in-the-evidence",
         in_entry("events.toml", 'event_id = "peace-agreement-2015"', 'start = "2015"', 'start = "2016"'),
         (EVENTS, "event 'peace-agreement-2015'", "field 'date'",
          "a stated date must appear in the evidence at its full precision, but the year of '2016' is not in 'the 2015 peace agreement'",
          "use basis = \"external\" with a reference")),
    Case("derived-date-off-the-calendar",
         in_entry("events.toml", DIOP, "offset_days = -14", "offset_days = -9999999999"),
         (EVENTS, "event 'diop-demands-withdrawal'", "field 'date'",
          "`offset_days` = -9999999999 leaves the calendar (years 1 to 9999)")),
    # files
    Case("toml-syntax-error",
         replace("events.toml", FRANCE_SUMMARY, FRANCE_SUMMARY[:-1]),
         (EVENTS, syntax_position("events.toml", FRANCE_SUMMARY[:-1]), "Illegal character",
          "fix the syntax there")),
    Case("toml-syntax-error-in-the-schema",
         replace("package.toml", 'version = "0.1.0"', 'version = 0.1.0"'),
         ("data/curated/package.toml", syntax_position("package.toml", 'version = 0.1.0"', at='.0"'), "fix the syntax there")),
    Case("unknown-type-in-the-schema",
         replace("package.toml", '{ name = "summary", type = "string"', '{ name = "summary", type = "text"'),
         ("data/curated/package.toml", "table 'events'", "field 'summary'",
          "type must be one of string, integer, number, boolean, date, got 'text'")),
    Case("unknown-vocabulary-in-the-schema",
         replace("package.toml", 'vocabulary = "event_status"', 'vocabulary = "event_statuses"'),
         ("data/curated/package.toml", "table 'events'", "field 'status'",
          "unknown vocabulary 'event_statuses' (did you mean 'event_status'?)")),
    Case("curated-file-missing",
         delete("figures.toml"),
         (FIGURES, "the file is missing; restore it from version control")),
    Case("curated-file-not-utf8",
         reencode("events.toml", "“".encode("utf-8"), b"\x93"),
         (EVENTS, "not valid UTF-8", "save it as UTF-8")),
]


def _inputs(root: Path) -> dict[str, bytes]:
    files = sorted((root / "data" / "curated").iterdir()) + sorted((root / "data" / "source").iterdir())
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_with_one_clear_message(scratch_repo: Path, case: Case):
    published = published_snapshot(scratch_repo)
    inputs = _inputs(scratch_repo)
    case.edit(scratch_repo)
    assert _inputs(scratch_repo) != inputs, "the edit changed nothing"

    result = run_build(scratch_repo)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == HEADER and len(lines) == 2, result.stderr
    problem = lines[1].strip()
    for expected in case.expected:
        text = expected(scratch_repo) if callable(expected) else expected
        assert text in problem, f"{text!r} not in {problem!r}"
    assert published_snapshot(scratch_repo) == published
    assert not list((scratch_repo / "data").glob(".staging-*"))


def test_every_problem_of_a_build_is_reported_at_once(scratch_repo: Path):
    """Two independent mistakes in two files: both are named in one run."""
    in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"The resolution, by France"')(scratch_repo)
    in_entry("figures.toml", PERSONNEL, "value = 15000", "value = 16000")(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "build failed with 2 problem(s); no file was written:", result.stderr
    assert any(FRANCE_LABEL in line and "field 'evidence'" in line for line in lines[1:])
    assert any("figure 'minusma-personnel-withdrawn'" in line and "field 'value'" in line for line in lines[1:])
    assert published_snapshot(scratch_repo) == published


def test_check_mode_refuses_bad_input_too(scratch_repo: Path):
    in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = "frnace"')(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo, "--check")
    assert result.returncode == 1
    assert result.stderr.startswith(HEADER)
    assert "'frnace' is not a known actor id" in result.stderr
    assert published_snapshot(scratch_repo) == published
