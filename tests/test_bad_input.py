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

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
        return f"line {number}, column {column}"

    return expected


# -- the cases ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    code: str  # the problem's stable code
    edit: Edit
    file: str
    entry: str
    field: str
    # Values the message must carry for the curator (a suggested id, the
    # corrected quote, a position), not its wording.
    carries: tuple[Expected, ...] = ()
    id: str = ""

    def __str__(self) -> str:
        return self.id or self.code


FRANCE = 'event_id = "france-drafts-resolution"'
DIOP = 'event_id = "diop-demands-withdrawal"'
WAGNER_IN = 'event_id = "junta-brings-in-wagner"'
MUTINY = 'event_id = "wagner-mutiny"'
PERSONNEL = 'figure_id = "minusma-personnel-withdrawn"'
LAVROV = 'statement_id = "lavrov-promises-unstinting-support"'
EVENTS, STATEMENTS, FIGURES = "data/curated/events.toml", "data/curated/statements.toml", "data/curated/figures.toml"
FRANCE_LABEL = "event 'france-drafts-resolution'"
FRANCE_SUMMARY = 'summary = "France drafts the resolution that ends the mission."'

CASES = [
    # evidence
    Case(
        "quote-not-found",
        in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"The resolution, written by France"'),
        EVENTS,
        FRANCE_LABEL,
        "evidence",
        ("'The resolution, drafted by France,'",),
    ),  # the closest passage
    Case(
        "quote-ambiguous",
        in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"the peacekeeping mission in Mali"'),
        EVENTS,
        FRANCE_LABEL,
        "evidence",
        ("within",),
    ),
    Case(
        "quote-not-found",
        in_entry(
            "events.toml",
            DIOP,
            'evidence = "Malian Foreign Minister Abdoulaye Diop labeled the UN operation a “failure” and called for '
            'its termination"',
            'evidence = \'Malian Foreign Minister Abdoulaye Diop labeled the UN operation a "failure" and called for '
            "its termination'",
        ),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "evidence",
        ("labeled the UN operation a “failure” and called",),
        id="quote-with-straight-double-quotes",
    ),
    Case(
        "quote-not-found",
        in_entry(
            "events.toml",
            'event_id = "mali-un-relations-deteriorate"',
            'evidence = "Mali’s relations',
            "evidence = \"Mali's relations",
        ),
        EVENTS,
        "event 'mali-un-relations-deteriorate'",
        "evidence",
        ("'Mali’s relations",),
        id="quote-with-straight-apostrophe",
    ),
    Case(
        "evidence-across-passages",
        in_entry(
            "events.toml",
            FRANCE,
            '"The resolution, drafted by France"',
            '"military junta. The resolution, drafted by France"',
        ),
        EVENTS,
        FRANCE_LABEL,
        "evidence",
    ),
    Case(
        "evidence-in-question",
        in_entry(
            "events.toml",
            'event_id = "junta-aligns-with-russia"',
            '"the junta has aligned itself with Russia"',
            '"the alignment between the military junta in Mali and the Wagner Group"',
        ),
        EVENTS,
        "event 'junta-aligns-with-russia'",
        "evidence",
    ),
    Case(
        "within-not-found",
        replace("mentions.toml", 'within = "to the UN Barbara Woodward"', 'within = "to the UN Barbara Woodword"'),
        "data/curated/mentions.toml",
        "mention #2 (un: 'UN')",
        "within",
    ),
    Case(
        "quote-outside-within",
        replace(
            "mentions.toml",
            'within = "to the UN Barbara Woodward"',
            'within = "to the United Nations Barbara Woodward"',
        ),
        "data/curated/mentions.toml",
        "mention #2 (un: 'UN')",
        "within",
    ),
    Case(
        "source-hash-mismatch",
        replace(SOURCE_TEXT, "has voted unanimously", "has voted almost unanimously"),
        "data/curated/sources.toml",
        "source 'unsc-ends-minusma'",
        "sha256",
    ),
    # ids and references
    Case(
        "id-duplicate",
        replace("events.toml", FRANCE, 'event_id = "minusma-withdraws"'),
        EVENTS,
        "event 'minusma-withdraws'",
        "event_id",
    ),
    Case(
        "foreign-key-unknown",
        in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = "frnace"'),
        EVENTS,
        FRANCE_LABEL,
        "initiator_actor_id",
        ("'france'",),
        id="unknown-actor",
    ),
    Case(
        "foreign-key-unknown",
        in_entry(
            "statements.toml", LAVROV, 'event_id = "russia-pledges-support"', 'event_id = "russia-pledge-support"'
        ),
        STATEMENTS,
        "statement 'lavrov-promises-unstinting-support'",
        "event_id",
        ("'russia-pledges-support'",),
        id="unknown-event",
    ),
    Case(
        "date-unknown-reference",
        in_entry("events.toml", WAGNER_IN, 'reference = "csis-wagner-mali"', 'reference = "csis-wagner"'),
        EVENTS,
        "event 'junta-brings-in-wagner'",
        "date",
        ("'csis-wagner-mali'",),
    ),
    Case(
        "date-unknown-anchor",
        in_entry("events.toml", DIOP, 'anchor = "unsc-votes-to-end-minusma"', 'anchor = "unsc-vote-to-end-minusma"'),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
        ("'unsc-votes-to-end-minusma'",),
    ),
    Case(
        "actor-without-mention",
        append("actors.toml", '\n[[actor]]\nactor_id = "nato"\nname = "NATO"\nactor_type = "igo"\n'),
        "data/curated/actors.toml",
        "actor 'nato'",
        "actor_id",
    ),
    Case(
        "reference-uncited",
        append(
            "references.toml",
            '\n[[reference]]\nreference_id = "ecowas-communique"\ntopic = "ECOWAS"\n'
            'fact = "A communique."\ntitle = "ECOWAS communique"\npublisher = "ECOWAS"\nconfidence = "high"\n',
        ),
        "data/curated/references.toml",
        "reference 'ecowas-communique'",
        "reference_id",
    ),
    # values
    Case(
        "value-not-in-vocabulary",
        in_entry("events.toml", FRANCE, 'event_type = "draft_resolution"', 'event_type = "draft_resolutoin"'),
        EVENTS,
        FRANCE_LABEL,
        "event_type",
        ("'draft_resolution'",),
    ),
    Case(
        "unknown-field",
        replace("events.toml", FRANCE_SUMMARY, FRANCE_SUMMARY.replace("summary", "sumary")),
        EVENTS,
        FRANCE_LABEL,
        "sumary",
        ("'summary'",),
    ),
    Case(
        "unknown-field",
        in_entry("events.toml", FRANCE, FRANCE_SUMMARY, FRANCE_SUMMARY + '\nplover_category = "SUPPORT"'),
        EVENTS,
        FRANCE_LABEL,
        "plover_category",
        ("computed by the build",),
        id="computed-field-given",
    ),
    Case("value-required", replace("events.toml", FRANCE_SUMMARY + "\n", ""), EVENTS, FRANCE_LABEL, "summary"),
    Case(
        "value-wrong-type",
        in_entry("figures.toml", PERSONNEL, "value = 15000", 'value = "15000"'),
        FIGURES,
        "figure 'minusma-personnel-withdrawn'",
        "value",
        id="text-where-a-number-belongs",
    ),
    Case(
        "not-one-value",
        in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = ["france"]'),
        EVENTS,
        FRANCE_LABEL,
        "initiator_actor_id",
        id="array-where-one-value-belongs",
    ),
    Case(
        "not-one-value",
        in_entry("events.toml", 'event_id = "peace-agreement-2015"', 'basis = "external"', 'basis = ["external"]'),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
        id="array-inside-a-date",
    ),
    Case(
        "figure-value-disagrees",
        in_entry("figures.toml", PERSONNEL, "value = 15000", "value = 16000"),
        FIGURES,
        "figure 'minusma-personnel-withdrawn'",
        "value",
    ),
    Case(
        "value-formula",
        replace("events.toml", FRANCE_SUMMARY, 'summary = "=HYPERLINK(\\"http://example.org\\")"'),
        EVENTS,
        FRANCE_LABEL,
        "summary",
        id="formula-equals",
    ),
    Case(
        "value-formula",
        in_entry("actors.toml", 'actor_id = "minusma"', 'notes = "The UN', 'notes = "+The UN'),
        "data/curated/actors.toml",
        "actor 'minusma'",
        "notes",
        id="formula-plus",
    ),
    Case(
        "value-formula",
        in_entry("figures.toml", PERSONNEL, 'scope_note = "All personnel', 'scope_note = "-All personnel'),
        FIGURES,
        "figure 'minusma-personnel-withdrawn'",
        "scope_note",
        id="formula-minus",
    ),
    Case(
        "value-formula",
        in_entry("statements.toml", LAVROV, 'paraphrase = "Lavrov', 'paraphrase = "@Lavrov'),
        STATEMENTS,
        "statement 'lavrov-promises-unstinting-support'",
        "paraphrase",
        id="formula-at",
    ),
    Case(
        "value-control-character",
        replace("events.toml", FRANCE_SUMMARY, 'summary = "France drafts\\rthe resolution that ends the mission."'),
        EVENTS,
        FRANCE_LABEL,
        "summary",
        ("U+000D",),
        id="carriage-return-in-text",
    ),
    Case(
        "role-not-in-text",
        in_entry("actors.toml", 'actor_id = "woodward"', 'role = "Ambassador to the UN"', 'role = "UK Ambassador"'),
        "data/curated/actors.toml",
        "actor 'woodward'",
        "role",
    ),
    Case(
        "mode-has-quotes",
        in_entry("statements.toml", LAVROV, 'mode = "mixed"', 'mode = "indirect"'),
        STATEMENTS,
        "statement 'lavrov-promises-unstinting-support'",
        "mode",
        id="quoted-words-reported-as-indirect",
    ),
    # dates
    Case(
        "date-malformed",
        in_entry(
            "events.toml",
            'event_id = "junta-ends-defence-cooperation-with-france"',
            'start = "2022-05-02"',
            'start = "02/05/2022"',
        ),
        EVENTS,
        "event 'junta-ends-defence-cooperation-with-france'",
        "date",
    ),
    Case(
        "date-impossible",
        in_entry(
            "events.toml",
            'event_id = "junta-ends-defence-cooperation-with-france"',
            'start = "2022-05-02"',
            'start = "2022-05-32"',
        ),
        EVENTS,
        "event 'junta-ends-defence-cooperation-with-france'",
        "date",
    ),
    Case(
        "date-end-before-start",
        in_entry(
            "events.toml",
            MUTINY,
            'start = "2023-06-23", end = "2023-06-24"',
            'start = "2023-06-24", end = "2023-06-23"',
        ),
        EVENTS,
        "event 'wagner-mutiny'",
        "date",
    ),
    Case(
        "date-reference-missing",
        in_entry("events.toml", WAGNER_IN, ', reference = "csis-wagner-mali"', ""),
        EVENTS,
        "event 'junta-brings-in-wagner'",
        "date",
    ),
    Case(
        "date-stated-not-in-evidence",
        in_entry(
            "events.toml",
            'event_id = "mali-coup-2020"',
            'date = { basis = "external", start = "2020-08-18", reference = "afp-mali-coups" }',
            'date = { basis = "stated", start = "2021" }',
        ),
        EVENTS,
        "event 'mali-coup-2020'",
        "date",
    ),
    Case(
        "date-off-calendar",
        in_entry("events.toml", DIOP, "offset_days = -14", "offset_days = -9999999999"),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
    ),
    # files
    Case(
        "toml-syntax",
        replace("events.toml", FRANCE_SUMMARY, FRANCE_SUMMARY[:-1]),
        EVENTS,
        "",
        "",
        (syntax_position("events.toml", FRANCE_SUMMARY[:-1]),),
    ),
    Case(
        "toml-syntax",
        replace("package.toml", 'version = "0.1.0"', 'version = 0.1.0"'),
        "data/curated/package.toml",
        "",
        "",
        (syntax_position("package.toml", 'version = 0.1.0"', at='.0"'),),
        id="toml-syntax-in-the-schema",
    ),
    Case(
        "field-unknown-type",
        replace("package.toml", '{ name = "summary", type = "string"', '{ name = "summary", type = "text"'),
        "data/curated/package.toml",
        "table 'events'",
        "summary",
    ),
    Case(
        "field-unknown-vocabulary",
        replace("package.toml", 'vocabulary = "event_status"', 'vocabulary = "event_statuses"'),
        "data/curated/package.toml",
        "table 'events'",
        "status",
        ("'event_status'",),
    ),
    Case("file-missing", delete("figures.toml"), FIGURES, "", ""),
    Case("not-utf8", reencode("events.toml", "“".encode(), b"\x93"), EVENTS, "", ""),
]


def _inputs(root: Path) -> dict[str, bytes]:
    files = sorted((root / "data" / "curated").iterdir()) + sorted((root / "data" / "source").iterdir())
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_with_one_clear_problem(scratch_repo: Path, case: Case):
    published = published_snapshot(scratch_repo)
    inputs = _inputs(scratch_repo)
    case.edit(scratch_repo)
    assert _inputs(scratch_repo) != inputs, "the edit changed nothing"

    result = run_build(scratch_repo, "--json")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert len(report["problems"]) == 1, report["problems"]
    problem = report["problems"][0]
    assert (problem["code"], problem["file"], problem["entry"], problem["field"]) == (
        case.code,
        case.file,
        case.entry,
        case.field,
    ), problem
    for expected in case.carries:
        text = expected(scratch_repo) if callable(expected) else expected
        assert text in problem["message"], f"{text!r} not in {problem['message']!r}"
    assert published_snapshot(scratch_repo) == published
    assert not list((scratch_repo / "data").glob(".staging-*"))


def test_a_problem_prints_as_one_line_with_its_code(scratch_repo: Path):
    """Without --json: a header, then one line per problem naming file, entry,
    field, and the code in brackets."""
    CASES[0].edit(scratch_repo)
    result = run_build(scratch_repo)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-2] == HEADER, result.stderr
    assert lines[-1].strip().startswith(f"{EVENTS}: {FRANCE_LABEL}, field 'evidence': ")
    assert lines[-1].endswith("[quote-not-found]")


def test_every_problem_of_a_build_is_reported_at_once(scratch_repo: Path):
    """Two independent mistakes in two files: both are named in one run."""
    in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"The resolution, by France"')(scratch_repo)
    in_entry("figures.toml", PERSONNEL, "value = 15000", "value = 16000")(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo, "--json")
    assert result.returncode == 1
    found = {(p["code"], p["entry"], p["field"]) for p in json.loads(result.stdout)["problems"]}
    assert found == {
        ("quote-not-found", FRANCE_LABEL, "evidence"),
        ("figure-value-disagrees", "figure 'minusma-personnel-withdrawn'", "value"),
    }
    assert published_snapshot(scratch_repo) == published


def test_check_mode_refuses_bad_input_too(scratch_repo: Path):
    in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = "frnace"')(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo, "--check", "--json")
    assert result.returncode == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["foreign-key-unknown"]
    assert published_snapshot(scratch_repo) == published
