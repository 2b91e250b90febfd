"""Nothing bad gets in, nothing is lost: each case below damages one curated
file, the source text, a published file or the filesystem in a scratch copy
of the repository, runs the build's command line (`cli.main`, in this process)
and demands

- exit status 1 (130 or 143 for a signal) and no traceback;
- exactly the problems the case names, each with its code, file, entry and
  field, and the values the message must carry for the curator;
- every file of the tree byte-identical to before: a refused build writes
  nothing, and leaves no staging folder.

Every code of minusma_build.problem_codes has at least one case here
(tests/test_problem_codes.py fails when one has none). Each edit is a small
function that proves it changed what it meant to change (the old text must be
there exactly once), so no case can pass by doing nothing. A few tests at the
end run the build as a separate command, as a curator does.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from conftest import published_snapshot, run_build

from minusma_build import cli
from minusma_build import publish as publishing
from minusma_build.pipeline import produce
from minusma_build.problem_codes import CODES
from minusma_build.publish import JOURNAL, build_lock, publish

SOURCE_TEXT = "data/source/000_93716cde958e498d.txt"
HEADER = "build failed with 1 problem(s); no file was written:"

Edit = Callable[[Path], None]
Expected = str | Callable[[Path], str]
# Sets up a fault of the filesystem or the process for the build to meet, with pytest's monkeypatch.
Fault = Callable[[Path, pytest.MonkeyPatch], None]


# -- edits --------------------------------------------------------------------


def _path(root: Path, file: str) -> Path:
    """A path relative to the root, or the name of a curated file."""
    return root / file if "/" in file or not file.endswith(".toml") else root / "data" / "curated" / file


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


def replace_every(file: str, old: str, new: str, count: int) -> Edit:
    """Replace text that occurs exactly `count` times in the file."""

    def edit(root: Path) -> None:
        path = _path(root, file)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == count, f"{file}: expected {old!r} {count} times, found {text.count(old)}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def _in_block(file: str, head: str, end_mark: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = _path(root, file)
        text = path.read_text(encoding="utf-8")
        # the head line itself, not a link to it such as `response_to_event_id = "..."`
        assert text.count("\n" + head) == 1, f"{file}: expected {head!r} exactly once"
        start = text.index("\n" + head) + 1
        end = text.find(end_mark, start)
        end = len(text) if end == -1 else end
        block = _replace_once(text[start:end], old, new, f"{file}, {head}")
        path.write_text(text[:start] + block + text[end:], encoding="utf-8")

    return edit


def in_entry(file: str, id_line: str, old: str, new: str) -> Edit:
    """Replace text inside one entry: from its id line to the next [[...]] header."""
    return _in_block(file, id_line, "\n[[", old, new)


def add_to_entry(file: str, id_line: str, line: str) -> Edit:
    """Add a line to one entry, after its id line."""
    return in_entry(file, id_line, id_line, f"{id_line}\n{line}")


def in_section(file: str, header: str, old: str, new: str) -> Edit:
    """Replace text inside one [section] of package.toml: from its header to the next header."""
    return _in_block(file, header, "\n[", old, new)


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


def both(*edits: Edit) -> Edit:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)

    return edit


def source_rerecorded(old: bytes, new: bytes) -> Edit:
    """Change the source text's bytes and record their new sha256, as a
    curator who re-checked the text would: the hash check passes."""

    def edit(root: Path) -> None:
        path = root / SOURCE_TEXT
        data = path.read_bytes()
        assert data.count(old) >= 1
        changed = data.replace(old, new, 1)
        sha = hashlib.sha256
        replace("sources.toml", sha(data).hexdigest(), sha(changed).hexdigest())(root)
        path.write_bytes(changed)

    return edit


def folder_in_place(file: str) -> Edit:
    def edit(root: Path) -> None:
        _path(root, file).unlink()
        _path(root, file).mkdir()

    return edit


def symlink_loop(file: str) -> Edit:
    def edit(root: Path) -> None:
        _path(root, file).unlink()
        _path(root, file).symlink_to(_path(root, file))

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


def _prepend(root: Path, text: str) -> None:
    path = _path(root, "package.toml")
    path.write_text(text + path.read_text(encoding="utf-8"), encoding="utf-8")


def remove_section(file: str, header: str, until: str) -> Edit:
    """Remove a section of package.toml: from its header to the text `until`."""

    def edit(root: Path) -> None:
        path = _path(root, file)
        text = path.read_text(encoding="utf-8")
        assert text.count("\n" + header + "\n") == 1, f"{file}: expected {header!r} exactly once"
        start = text.index("\n" + header + "\n") + 1
        end = text.index(until, start)
        path.write_text(text[:start] + text[end:], encoding="utf-8")

    return edit


# -- published files and publishing -------------------------------------------

FRANCE = 'event_id = "france-drafts-resolution"'
FRANCE_SUMMARY = 'summary = "France drafts the resolution that ends the mission."'
# A new summary: the curated files then produce a package other than the published one.
NEW_SUMMARY = replace("events.toml", FRANCE_SUMMARY, FRANCE_SUMMARY.replace("ends", "closes"))


class Stop(BaseException):
    """Ends a publish where a SIGKILL would: nothing after it runs."""


def interrupted_publish(root: Path) -> None:
    """A publish stopped after its journal is written, before its first
    move: what a build killed at that instant leaves."""
    NEW_SUMMARY(root)
    outputs = produce(root).outputs

    def hook(step: int, operation: str, path: Path) -> None:
        if operation == "replace" and path != root / JOURNAL:
            raise Stop

    publishing.STEPS.hook = hook
    try:
        with build_lock(root):
            publish(root, outputs)
    except Stop:
        pass
    finally:
        publishing.STEPS.hook = None
    assert (root / JOURNAL).is_file()


def write_bytes(rel: str, data: bytes) -> Edit:
    def edit(root: Path) -> None:
        (root / rel).write_bytes(data)

    return edit


def own_build_code(root: Path) -> None:
    """The tree gets a src/minusma_build of its own, as a copied checkout has."""
    (root / "src" / "minusma_build").mkdir(parents=True)
    (root / "src" / "minusma_build" / "__init__.py").write_bytes(b"")


STAGED = "data/.staging-stopped"
# A move whose new file is `..` of a staging folder: only its `..` tells it from a
# real one; followed, the rollback would delete data/events.csv.
CLIMBING_MOVE = {"path": "data/events.csv", "new": f"{STAGED}/..", "old": None, "sha256": "0" * 64}


def at(rel: str) -> Callable[[Path], str]:
    """The absolute path a publishing fault names."""
    return lambda root: str(root / rel)


def first_move(root: Path) -> str:
    """The first file the journal moves: the one a stopped publish is finished from."""
    return str(root / json.loads((root / JOURNAL).read_bytes())["moves"][0]["path"])


# -- faults -------------------------------------------------------------------


def refuse_reading(file: str) -> Fault:
    """Reading the file fails as a file without read permission would: tests
    run as root, who may read anything, so the refusal is simulated."""

    def fault(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        target, real = _path(root, file), os.open

        def refusing_open(path: str | Path, flags: int, *args: object, **kwargs: object) -> int:
            if Path(path) == target:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing_open)

    return fault


def refuse_opening_data(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """data/ cannot be opened for its lock, as a folder without read permission
    (but with search permission, so its files can be read) could not."""
    real = os.open

    def fake_open(path, flags, *args, **kwargs):
        if Path(path) == root / "data" and flags & os.O_DIRECTORY:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def failing_step(operation: str, error: int, named: bool = True, name: str | None = None) -> Fault:
    """The publishing step `operation` (of the file `name`, or any) fails with
    `error`; the error names the step's file unless `named` is false, as a
    write failing on a full disk names none."""

    def fault(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        def hook(step: int, op: str, path: Path) -> None:
            if op == operation and name in (None, path.name):
                raise OSError(error, os.strerror(error), *([str(path)] if named else []))

        monkeypatch.setattr(publishing.STEPS, "hook", hook)

    return fault


def signal_while_reading(signum: int) -> Fault:
    """The signal arrives while the build reads the curated files."""

    def fault(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        real = cli.produce

        def produce_signalled(root: Path):
            signal.raise_signal(signum)
            return real(root)

        monkeypatch.setattr(cli, "produce", produce_signalled)

    return fault


# -- the cases ----------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    code: str  # the problem's stable code
    edit: Edit | None
    file: Expected
    entry: str
    field: str
    # Values the message must carry for the curator (a suggested id, the
    # corrected quote, a position), not its wording.
    carries: tuple[Expected, ...] = ()
    id: str = ""
    also: tuple[tuple[str, str], ...] = ()  # (entry, field) of more problems with the same code and file
    args: tuple[str, ...] = ()  # more command-line arguments, e.g. --check
    fault: Fault | None = None
    status: int = 1

    def __str__(self) -> str:
        return self.id or self.code

    def expected(self, root: Path) -> list[tuple[str, str, str, str]]:
        file = self.file(root) if callable(self.file) else self.file
        return [(self.code, file, entry, field) for entry, field in ((self.entry, self.field), *self.also)]


DIOP = 'event_id = "diop-demands-withdrawal"'
WAGNER_IN = 'event_id = "junta-brings-in-wagner"'
MUTINY = 'event_id = "wagner-mutiny"'
PEACE_2015 = 'event_id = "peace-agreement-2015"'
GERMANY_PLAN = 'event_id = "germany-original-withdrawal-plan"'
GERMANY_FASTER = 'event_id = "german-troops-exit-faster"'
PERSONNEL = 'figure_id = "minusma-personnel-withdrawn"'
BUDGET = 'figure_id = "minusma-annual-budget"'
LAVROV = 'statement_id = "lavrov-promises-unstinting-support"'
GERMANY_AID = 'statement_id = "germany-pledges-development-aid"'
EDITORIAL = 'statement_id = "editorial-mission-dangerous-and-costly"'
CURATED = "data/curated/"
PACKAGE, SOURCES = CURATED + "package.toml", CURATED + "sources.toml"
EVENTS, STATEMENTS, FIGURES = CURATED + "events.toml", CURATED + "statements.toml", CURATED + "figures.toml"
MENTIONS, ACTORS, PLACES = CURATED + "mentions.toml", CURATED + "actors.toml", CURATED + "places.toml"
REFERENCES, CLAIMS = CURATED + "references.toml", CURATED + "claims.toml"
UNANIMOUS = 'claim_id = "vote-unanimous"'
AFTER_VOTE = 'claim_id = "baerbock-spoke-after-vote"'
LAVROV_PROMISE = 'claim_id = "lavrov-promised-support"'
FRANCE_LABEL = "event 'france-drafts-resolution'"
SOURCE_LABEL = "source 'unsc-ends-minusma'"
TITLE = "UN Security Council Votes to End Peacekeeping Mission in Mali"
FIRST_SENTENCE = (
    "The UN Security Council has voted unanimously to end the decade-long peacekeeping mission in Mali, "
    "as demanded by the country’s military junta."
)
LAST_PASSAGE = (
    '\n# Paragraph 16\n[[source.passage]]\npassage_kind = "commentary"\ntext = "The withdrawal of UN troops from '
    "Mali, prompted by the military junta’s demand, raises concerns about the future stability of the country and "
    'the effectiveness of peacekeeping efforts."'
)
NEW_TABLE = (
    '\n[tables.extra]\ntitle = "Extra"\ndescription = "A table declared before its curated file is written."\n'
    'curated = "extras.toml"\nentry = "extra"\nprimary_key = ["extra_id"]\n'
    'fields = [{ name = "extra_id", type = "string", title = "Id", description = "An id." }]\n'
)


def derived_from(anchor: str) -> str:
    phrase = "faster than originally planned"
    return f'date = {{ basis = "derived", anchor = "{anchor}", offset_days = 0, phrase = "{phrase}" }}'


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
    # -- reading a curated file
    Case("file-is-folder", folder_in_place("events.toml"), EVENTS, "", ""),
    Case("file-unreadable", symlink_loop("actors.toml"), ACTORS, "", "", ("loop",), id="symlink-loop"),
    Case("file-unreadable", None, MENTIONS, "", "", ("permission",), fault=refuse_reading("mentions.toml")),
    Case("file-empty", write_bytes(FIGURES, b""), FIGURES, "", ""),
    Case("file-empty", write_bytes(PACKAGE, b" \n\n"), PACKAGE, "", "", id="package-toml-only-whitespace"),
    Case("toml-bom", reencode("statements.toml", b"#", b"\xef\xbb\xbf#"), STATEMENTS, "", ""),
    Case(
        "entries-not-tables",
        both(
            replace("places.toml", '[[place]]\nplace_id = "mali"', '[place.mali]\nplace_id = "mali"'),
            replace("places.toml", '[[place]]\nplace_id = "ukraine"', '[place.ukraine]\nplace_id = "ukraine"'),
        ),
        PLACES,
        "",
        "place",
    ),
    Case(
        "entries-not-tables",
        replace("sources.toml", "[[source]]\n", "[source]\n"),
        SOURCES,
        "",
        "source",
        id="source-not-an-array-of-tables",
    ),
    Case(
        "entries-not-tables",
        both(
            replace_every("sources.toml", "[[source.passage]]", "[[source.sentence]]", 39),
            replace("sources.toml", 'kind = "news article', 'passage = "all"\nkind = "news article'),
        ),
        SOURCES,
        SOURCE_LABEL,
        "passage",
        id="passages-not-tables",
    ),
    Case(
        "unknown-top-level-key",
        replace(
            "events.toml", 'source_id = "unsc-ends-minusma"\n', 'source_id = "unsc-ends-minusma"\nlanguage = "en"\n'
        ),
        EVENTS,
        "",
        "language",
    ),
    Case(
        "source-id-not-text",
        replace("figures.toml", 'source_id = "unsc-ends-minusma"', "source_id = 1"),
        FIGURES,
        "",
        "source_id",
    ),
    # -- package.toml
    Case(
        "schema-section-not-table",
        both(
            replace_every("package.toml", "[tables.", "[old_tables.", 10),
            lambda root: _prepend(root, 'tables = "all"\n'),
        ),
        PACKAGE,
        "",
        "tables",
    ),
    Case(
        "schema-toml-date",
        replace(
            "package.toml",
            '{ value = "headline", label = "The article\'s title." }',
            '{ value = "headline", label = "The article\'s title.", since = 2023-06-30 }',
        ),
        PACKAGE,
        "[vocabularies]",
        "vocabularies.passage_kind.values[0].since",
    ),
    Case(
        "package-key-missing",
        in_section("package.toml", "[package]", "\nkeywords = [", "\n# keywords = ["),
        PACKAGE,
        "[package]",
        "keywords",
    ),
    Case(
        "package-identifier-malformed",
        replace("package.toml", 'homepage = ""', 'homepage = "example.org/minusma-data"'),
        PACKAGE,
        "[package]",
        "homepage",
        ("an http(s) URL",),
    ),
    Case(
        "package-version-malformed",
        replace("package.toml", 'version = "0.1.0"', 'version = "0.1.0; touch PWNED; echo"'),
        PACKAGE,
        "[package]",
        "version",
        ("'0.1.0; touch PWNED; echo'",),
    ),
    Case(
        "package-version-malformed",
        replace("package.toml", 'version = "0.1.0"', 'version = "0.1"'),
        PACKAGE,
        "[package]",
        "version",
        id="package-version-two-parts",
    ),
    Case(
        "package-link-unsafe",
        replace(
            "package.toml",
            'path = "https://creativecommons.org/licenses/by/4.0/"',
            "path = \"javascript:document.title='pwned'\"",
        ),
        PACKAGE,
        "[[package.licenses]] #1",
        "path",
        ("javascript:",),
    ),
    Case(
        "package-link-unsafe",
        replace("package.toml", 'roles = ["author", "maintainer"]', 'roles = ["author"]\npath = "data:text/html,x"'),
        PACKAGE,
        "[[package.contributors]] #1",
        "path",
        ("data:",),
        id="package-contributor-link-data",
    ),
    Case(
        "package-sources-key",
        replace("package.toml", 'homepage = ""', 'homepage = ""\nsources = []'),
        PACKAGE,
        "[package]",
        "sources",
    ),
    Case(
        "vocabulary-malformed",
        append("package.toml", '\n[vocabularies.unused]\ndescription = "Not used."\nvalues = ["a", "b"]\n'),
        PACKAGE,
        "vocabulary 'unused'",
        "values",
    ),
    Case(
        "vocabulary-duplicate-value",
        in_section(
            "package.toml",
            "[vocabularies.confidence]",
            '  { value = "high", label = "Confirmed by an official record or several reports." },\n',
            '  { value = "high", label = "Confirmed by an official record or several reports." },\n'
            '  { value = "high", label = "The same value again." },\n',
        ),
        PACKAGE,
        "vocabulary 'confidence'",
        "values",
        ("high",),
    ),
    Case(
        "table-fields-malformed",
        append("package.toml", NEW_TABLE.replace("fields = [{", 'fields = "none"\n# [{')),
        PACKAGE,
        "table 'extra'",
        "fields",
    ),
    Case(
        "table-text-missing",
        in_section("package.toml", "[tables.places]", 'title = "Places"\n', ""),
        PACKAGE,
        "table 'places'",
        "title",
    ),
    Case(
        "table-unknown-key",
        in_section("package.toml", "[tables.places]", 'title = "Places"\n', 'title = "Places"\ntitel = "Places"\n'),
        PACKAGE,
        "table 'places'",
        "titel",
        ("'title'",),
    ),
    Case(
        "table-curated-keys-malformed",
        in_section("package.toml", "[tables.mentions]", 'curated_keys = ["within"]', 'curated_keys = "within"'),
        PACKAGE,
        "table 'mentions'",
        "curated_keys",
    ),
    Case(
        "primary-key-invalid",
        in_section("package.toml", "[tables.places]", 'primary_key = ["place_id"]', 'primary_key = ["place"]'),
        PACKAGE,
        "table 'places'",
        "primary_key",
    ),
    Case(
        "schema-unknown-group",
        in_section("package.toml", "[tables.mentions]", '{ group = "provenance" }', '{ group = "provenence" }'),
        PACKAGE,
        "table 'mentions'",
        "fields",
        ("'provenence'", "provenance"),
    ),
    Case(
        "schema-duplicate-field",
        in_section(
            "package.toml",
            "[tables.places]",
            "fields = [\n",
            'fields = [\n  { name = "name", type = "string", title = "Name", description = "Again." },\n',
        ),
        PACKAGE,
        "table 'places'",
        "name",
    ),
    Case(
        "schema-unknown-reference-table",
        in_section("package.toml", "[tables.actors]", 'references = "actors"', 'references = "actor"'),
        PACKAGE,
        "table 'actors'",
        "part_of_actor_id",
        ("'actors'",),
    ),
    Case(
        "field-malformed",
        in_section("package.toml", "[tables.places]", "fields = [\n", 'fields = [\n  "name",\n'),
        PACKAGE,
        "table 'places'",
        "fields",
    ),
    Case(
        "field-unknown-key",
        in_section(
            "package.toml",
            "[tables.places]",
            'description = "How precise the place is.",',
            'description = "How precise the place is.", requird = true,',
        ),
        PACKAGE,
        "table 'places'",
        "level",
        ("'required'",),
    ),
    Case(
        "field-unknown-type",
        replace("package.toml", '{ name = "summary", type = "string"', '{ name = "summary", type = "text"'),
        PACKAGE,
        "table 'events'",
        "summary",
    ),
    Case(
        "field-text-missing",
        in_section("package.toml", "[tables.places]", 'title = "Level", ', ""),
        PACKAGE,
        "table 'places'",
        "level",
    ),
    Case(
        "field-flag-not-boolean",
        in_section(
            "package.toml",
            "[tables.places]",
            'checks it is there).", required = true',
            'checks it is there).", required = "yes"',
        ),
        PACKAGE,
        "table 'places'",
        "name",
    ),
    Case(
        "field-key-not-text",
        in_section("package.toml", "[tables.places]", 'pattern = "^[A-Z]{3}$"', "pattern = 3"),
        PACKAGE,
        "table 'places'",
        "iso_alpha3",
    ),
    Case(
        "pattern-invalid",
        in_section("package.toml", "[tables.places]", 'pattern = "^[A-Z]{3}$"', 'pattern = "^[A-Z{3}$"'),
        PACKAGE,
        "table 'places'",
        "iso_alpha3",
    ),
    Case(
        "pattern-invalid",
        replace("package.toml", 'pattern = "^[0-9a-f]{64}$"', 'pattern = "a{4294967296}"'),
        PACKAGE,
        "table 'sources'",
        "sha256",
        id="pattern-overflows",
    ),
    Case(
        "pattern-on-non-string",
        in_section(
            "package.toml",
            "[tables.passages]",
            '{ name = "paragraph", type = "integer",',
            '{ name = "paragraph", type = "integer", pattern = "^[0-9]+$",',
        ),
        PACKAGE,
        "table 'passages'",
        "paragraph",
    ),
    Case(
        "vocabulary-type-mismatch",
        replace(
            "package.toml",
            '{ name = "quad_code", type = "integer", vocabulary = "quad_code",',
            '{ name = "quad_code", type = "string", vocabulary = "quad_code",',
        ),
        PACKAGE,
        "table 'events'",
        "quad_code",
        ('"integer"',),
    ),
    Case(
        "vocabulary-malformed",
        in_section("package.toml", "[vocabularies.quad_code]", "  { value = 4,", '  { value = "4",'),
        PACKAGE,
        "vocabulary 'quad_code'",
        "values",
        id="vocabulary-mixed-types",
    ),
    Case(
        "field-unknown-vocabulary",
        replace("package.toml", 'vocabulary = "event_status"', 'vocabulary = "event_statuses"'),
        PACKAGE,
        "table 'events'",
        "status",
        ("'event_status'",),
    ),
    # event codes against their rules (docs/coding.md)
    Case(
        "cameo-plover-mismatch",
        in_entry(
            "events.toml",
            'event_id = "unsc-votes-to-end-minusma"',
            'cameo_event_code = "0832"',
            'cameo_event_code = "1661"',
        ),
        EVENTS,
        "event 'unsc-votes-to-end-minusma'",
        "cameo_event_code",
        ("SANCTION",),
    ),
    Case(
        "sector-without-initiator",
        in_entry(
            "events.toml",
            'event_id = "mali-coup-2021"',
            'place_id = "mali"',
            'place_id = "mali"\ninitiator_plover_sector = "MIL"',
        ),
        EVENTS,
        "event 'mali-coup-2021'",
        "initiator_plover_sector",
    ),
    Case(
        "superseded-link-mismatch",
        in_entry(
            "events.toml",
            'event_id = "germany-original-withdrawal-plan"',
            'superseded_by_event_id = "german-troops-exit-faster"\n',
            "",
        ),
        EVENTS,
        "event 'germany-original-withdrawal-plan'",
        "superseded_by_event_id",
    ),
    Case(
        "event-order-contradicted",
        in_entry("events.toml", 'event_id = "tuareg-uprising"', 'start = "2012-01"', 'start = "2014-01"'),
        EVENTS,
        "event 'tuareg-uprising'",
        "before_event_id",
        ("minusma-deployed",),
    ),
    Case(
        "date-note-not-text",
        in_entry("events.toml", DIOP, 'phrase = "two weeks after" }', 'phrase = "two weeks after", note = 5 }'),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
    ),
    # a table's declaration the build cannot follow
    Case(
        "table-unknown-builder",
        in_section("package.toml", "[tables.events]", 'builder = "events"', 'builder = "evnts"'),
        PACKAGE,
        "table 'events'",
        "builder",
        ("'events'",),
    ),
    Case(
        "table-builder-twice",
        in_section("package.toml", "[tables.figures]", 'builder = "figures"', 'builder = "events"'),
        PACKAGE,
        "table 'figures'",
        "builder",
        ("'events'",),
    ),
    # the actors builder counts mentions; without the mentions table it cannot
    Case(
        "table-needs-table",
        remove_section("package.toml", "[tables.mentions]", "\n[tables.events]"),
        PACKAGE,
        "table 'actors'",
        "builder",
        ("'mentions'",),
    ),
    # without the table whose builder reads the texts, no evidence can be located
    Case(
        "table-needs-table",
        in_section("package.toml", "[tables.sources]", 'builder = "sources"\n', ""),
        PACKAGE,
        "table 'passages'",
        "builder",
        id="table-needs-the-source-texts",
        also=(
            ("table 'mentions'", "evidence"),
            ("table 'events'", "evidence"),
            ("table 'statements'", "evidence"),
            ("table 'figures'", "evidence"),
            ("table 'claims'", "evidence"),
        ),
    ),
    # a builder that needs its own table (the actors builder on the mentions table)
    Case(
        "table-needs-cycle",
        both(
            in_section("package.toml", "[tables.actors]", 'builder = "actors"\n', ""),
            in_section("package.toml", "[tables.mentions]", 'builder = "mentions"', 'builder = "actors"'),
        ),
        PACKAGE,
        "table 'mentions'",
        "builder",
    ),
    Case(
        "table-key-missing",
        in_section("package.toml", "[tables.figures]", 'entry = "figure"\n', ""),
        PACKAGE,
        "table 'figures'",
        "entry",
    ),
    Case(
        "table-key-missing",
        in_section("package.toml", "[tables.figures]", 'evidence = "fact"\n', ""),
        PACKAGE,
        "table 'figures'",
        "evidence",
        id="table-evidence-key-missing",
    ),
    Case(
        "table-key-malformed",
        in_section("package.toml", "[tables.figures]", 'curated = "figures.toml"', 'curated = "figures"'),
        PACKAGE,
        "table 'figures'",
        "curated",
        ("'figures'",),
    ),
    Case(
        "table-key-malformed",
        in_section("package.toml", "[tables.figures]", 'evidence = "fact"', 'evidence = "facts"'),
        PACKAGE,
        "table 'figures'",
        "evidence",
        ("'facts'",),
        id="table-evidence-key-malformed",
    ),
    Case(
        "table-evidence-without-provenance",
        in_section("package.toml", "[tables.places]", 'builder = "places"', 'builder = "places"\nevidence = "fact"'),
        PACKAGE,
        "table 'places'",
        "evidence",
    ),
    Case(
        "vocabulary-crosswalks-malformed",
        in_section(
            "package.toml",
            "[vocabularies.place_level]",
            'acled_geo_precision = "ACLED geo_precision"',
            'acled_geo = "ACLED geo_precision"',
        ),
        PACKAGE,
        "vocabulary 'place_level'",
        "crosswalks",
        ("'acled_geo_precision'",),
    ),
    # a table declared before its curated file is written: the message names the table
    Case(
        "file-missing",
        append("package.toml", NEW_TABLE),
        CURATED + "extras.toml",
        "",
        "",
        ("'extra'",),
        id="declared-table-without-its-file",
    ),
    Case(
        "descriptor-invalid",
        replace("package.toml", 'version = "0.1.0"', "version = 0.2"),
        PACKAGE,
        "[package]",
        "version",
        id="version-a-number",
    ),
    Case(
        "descriptor-invalid",
        replace("package.toml", "[[package.licenses]]", "[package.licenses]"),
        PACKAGE,
        "[package]",
        "licenses",
        id="licenses-a-table",
    ),
    # -- sources.toml and the source text
    Case(
        "unknown-field",
        replace("sources.toml", 'kind = "news article', 'titel = "A title"\nkind = "news article'),
        SOURCES,
        SOURCE_LABEL,
        "titel",
        ("'title'",),
        id="unknown-field-of-a-source",
    ),
    Case(
        "unknown-field",
        replace(
            "sources.toml",
            f'passage_kind = "headline"\ntext = "{TITLE}"',
            f'passage_kind = "headline"\nkind = "title"\ntext = "{TITLE}"',
        ),
        SOURCES,
        SOURCE_LABEL + ", passage #1",
        "kind",
        id="unknown-field-of-a-passage",
    ),
    Case(
        "source-path-outside",
        replace("sources.toml", f'path = "{SOURCE_TEXT}"', 'path = "../outside.txt"'),
        SOURCES,
        SOURCE_LABEL,
        "path",
    ),
    Case(
        "source-unreadable",
        replace("sources.toml", f'path = "{SOURCE_TEXT}"', 'path = "data/source/missing.txt"'),
        SOURCES,
        SOURCE_LABEL,
        "path",
    ),
    Case(
        "not-utf8", source_rerecorded("’".encode(), b"\x92"), SOURCES, SOURCE_LABEL, "path", id="source-text-not-utf8"
    ),
    Case(
        "passage-empty",
        replace("sources.toml", f'text = "{TITLE}"', 'text = ""'),
        SOURCES,
        SOURCE_LABEL + ", passage #1",
        "text",
    ),
    Case(
        "passage-out-of-order",
        replace("sources.toml", f'text = "{TITLE}"', 'text = "Peacekeeping Mission in Mali"'),
        SOURCES,
        SOURCE_LABEL + ", passage #1",
        "text",
        ("UN Security Council Votes",),
    ),
    Case(
        "passage-crosses-line",
        both(
            replace("sources.toml", f'text = "{TITLE}"', f'text = "{TITLE}\\n{FIRST_SENTENCE}"'),
            replace(
                "sources.toml",
                f'\n# Paragraph 1\n[[source.passage]]\npassage_kind = "reporting"\ntext = "{FIRST_SENTENCE}"',
                "",
            ),
        ),
        SOURCES,
        SOURCE_LABEL + ", passage #1",
        "text",
    ),
    Case(
        "passages-incomplete",
        replace("sources.toml", LAST_PASSAGE, ""),
        SOURCES,
        SOURCE_LABEL,
        "passage",
        ("The withdrawal of UN troops",),
    ),
    # -- evidence
    Case(
        "unknown-source",
        add_to_entry("statements.toml", LAVROV, 'source_id = "unsc-ends-minusme"'),
        STATEMENTS,
        "statement 'lavrov-promises-unstinting-support'",
        "source_id",
        ("known: unsc-ends-minusma",),
    ),
    Case(
        "evidence-not-text",
        replace("mentions.toml", 'evidence = "United Nations"', "evidence = 5"),
        MENTIONS,
        "mention #1 (un: 5)",
        "evidence",
    ),
    Case(
        "quote-empty",
        replace("mentions.toml", 'evidence = "United Nations"', 'evidence = ""'),
        MENTIONS,
        "mention #1 (un: '')",
        "evidence",
    ),
    Case(
        "within-ambiguous",
        replace("mentions.toml", 'within = "to the UN Barbara Woodward"', 'within = "the UN"'),
        MENTIONS,
        "mention #2 (un: 'UN')",
        "within",
    ),
    # -- facts and the text
    Case(
        "place-name-not-in-text",
        in_entry("places.toml", 'place_id = "ukraine"', 'name = "Ukraine"', 'name = "Atlantis"'),
        PLACES,
        "place 'ukraine'",
        "name",
        ("'Atlantis'",),
    ),
    Case(
        "plover-mode-mismatch",
        in_entry("events.toml", 'event_id = "lavrov-calls-diop"', 'plover_mode = "phone"', 'plover_mode = "withdraw"'),
        EVENTS,
        "event 'lavrov-calls-diop'",
        "plover_mode",
        ("RETREAT",),
    ),
    Case(
        "plover-context-without-category",
        add_to_entry("events.toml", 'event_id = "mali-military-coups"', 'plover_context = "military"'),
        EVENTS,
        "event 'mali-military-coups'",
        "plover_context",
    ),
    Case(
        "initiator-reference-without-initiator",
        add_to_entry("events.toml", PEACE_2015, 'initiator_reference_id = "un-sc-15341"'),
        EVENTS,
        "event 'peace-agreement-2015'",
        "initiator_reference_id",
    ),
    Case(
        "editorial-with-speaker",
        add_to_entry("statements.toml", EDITORIAL, 'speaker_actor_id = "un"'),
        STATEMENTS,
        "statement 'editorial-mission-dangerous-and-costly'",
        "speaker_actor_id",
    ),
    Case(
        "speaker-missing",
        in_entry("statements.toml", GERMANY_AID, 'speaker_actor_id = "germany"\n', ""),
        STATEMENTS,
        "statement 'germany-pledges-development-aid'",
        "speaker_actor_id",
    ),
    *(
        Case(
            "mode-needs-quotes",
            in_entry("statements.toml", GERMANY_AID, 'mode = "indirect"', f'mode = "{mode}"'),
            STATEMENTS,
            "statement 'germany-pledges-development-aid'",
            "mode",
            id=f"mode-needs-quotes-{mode}",
        )
        for mode in ("direct", "mixed")
    ),
    Case(
        "reporting-verb-missing",
        in_entry("statements.toml", GERMANY_AID, 'reporting_verb = "pledged"\n', ""),
        STATEMENTS,
        "statement 'germany-pledges-development-aid'",
        "reporting_verb",
    ),
    Case(
        "reporting-verb-not-in-evidence",
        in_entry("statements.toml", LAVROV, 'reporting_verb = "promised"', 'reporting_verb = "whispered"'),
        STATEMENTS,
        "statement 'lavrov-promises-unstinting-support'",
        "reporting_verb",
        ("'whispered'",),
    ),
    Case(
        "figure-phrase-not-in-evidence",
        in_entry("figures.toml", BUDGET, 'phrase = "$1.2 billion"', 'phrase = "$1.3 billion"'),
        FIGURES,
        "figure 'minusma-annual-budget'",
        "phrase",
    ),
    Case(
        "figure-value-missing",
        in_entry("figures.toml", BUDGET, "value = 1_200_000_000\n", ""),
        FIGURES,
        "figure 'minusma-annual-budget'",
        "value",
    ),
    Case(
        "figure-unquantified-has-value",
        in_entry("figures.toml", BUDGET, 'qualifier = "approximately"', 'qualifier = "unquantified"'),
        FIGURES,
        "figure 'minusma-annual-budget'",
        "value",
    ),
    # -- claims and the records they are checked against
    Case(
        "claim-verdict-without-reference",
        in_entry("claims.toml", UNANIMOUS, 'reference_id = "un-sc-15341"\n', ""),
        CLAIMS,
        "claim 'vote-unanimous'",
        "reference_id",
        ("'consistent'", "not_checkable"),
    ),
    *(
        Case(
            "claim-verdict-without-reference",
            in_entry(
                "claims.toml",
                UNANIMOUS,
                'verdict = "consistent"\nreference_id = "un-sc-15341"\n',
                f'verdict = "{verdict}"\n',
            ),
            CLAIMS,
            "claim 'vote-unanimous'",
            "reference_id",
            (f"'{verdict}'",),
            id=f"claim-{verdict}-without-reference",
        )
        for verdict in ("consistent_with_note", "partly_consistent", "inconsistent")
    ),
    Case(
        "claim-unchecked-with-reference",
        add_to_entry("claims.toml", LAVROV_PROMISE, 'reference_id = "afp-lavrov-call-2023-06-30"'),
        CLAIMS,
        "claim 'lavrov-promised-support'",
        "reference_id",
        ("'afp-lavrov-call-2023-06-30'",),
    ),
    Case(
        "claim-several-rows",
        add_to_entry("claims.toml", UNANIMOUS, 'statement_id = "resolution-orders-withdrawal"'),
        CLAIMS,
        "claim 'vote-unanimous'",
        "statement_id",
        ("'unsc-votes-to-end-minusma'",),
    ),
    Case(
        "claim-aspect-unknown",
        in_entry("claims.toml", AFTER_VOTE, 'aspect = "day"', 'aspect = "hour"'),
        CLAIMS,
        "claim 'baerbock-spoke-after-vote'",
        "aspect",
        ("'hour'", "who, day"),
    ),
    Case(
        "claim-aspect-unknown",
        add_to_entry("claims.toml", LAVROV_PROMISE, 'aspect = "who"'),
        CLAIMS,
        "claim 'lavrov-promised-support'",
        "aspect",
        id="claim-aspect-without-reference",
    ),
    Case(
        "claim-aspect-unknown",
        add_to_entry("claims.toml", UNANIMOUS, 'aspect = "who"'),
        CLAIMS,
        "claim 'vote-unanimous'",
        "aspect",
        ("none",),
        id="claim-aspect-of-a-reference-without-aspects",
    ),
    Case(
        "reference-aspect-malformed",
        replace(
            "references.toml",
            'confidence_by_aspect = "high (who), medium (day)"',
            'confidence_by_aspect = "high (who), low (day)"',
        ),
        REFERENCES,
        "reference 'dpa-baerbock-2023-06-30'",
        "confidence_by_aspect",
        ("'high (who), low (day)'", "high, medium"),
    ),
    Case(
        "reference-aspect-malformed",
        replace(
            "references.toml",
            'confidence_by_aspect = "high (who), medium (day)"',
            'confidence_by_aspect = "high (who), medium (who)"',
        ),
        REFERENCES,
        "reference 'dpa-baerbock-2023-06-30'",
        "confidence_by_aspect",
        id="reference-aspect-twice",
    ),
    Case(
        "reference-locator-unsafe",
        replace("references.toml", 'locator = "gov.uk"', 'locator = "javascript:alert(1)"'),
        REFERENCES,
        "reference 'uk-statement-2023-06-30'",
        "locator",
        ("javascript:",),
    ),
    Case(
        "reference-locator-unsafe",
        replace("references.toml", 'locator = "gov.uk"', 'locator = "http://gov.uk"'),
        REFERENCES,
        "reference 'uk-statement-2023-06-30'",
        "locator",
        id="reference-locator-http",
    ),
    Case(
        "evidence-in-question",
        in_entry(
            "claims.toml",
            'claim_id = "junta-aligned-with-russia"',
            '"the junta has aligned itself with Russia"',
            '"the alignment between the military junta in Mali and the Wagner Group"',
        ),
        CLAIMS,
        "claim 'junta-aligned-with-russia'",
        "evidence",
        id="claim-evidence-in-question",
    ),
    # -- dates
    Case(
        "date-not-table",
        in_entry(
            "events.toml",
            PEACE_2015,
            'date = { basis = "external", start = "2015-05-15", reference = "peace-agreement-records" }',
            'date = "2015-05-15"',
        ),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
    ),
    Case(
        "date-basis-unknown",
        in_entry("events.toml", PEACE_2015, 'basis = "external"', 'basis = "said"'),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
    ),
    Case(
        "date-unknown-key",
        in_entry(
            "events.toml",
            PEACE_2015,
            'reference = "peace-agreement-records" }',
            'reference = "peace-agreement-records", phrase = "2015" }',
        ),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
        ("phrase",),
    ),
    Case(
        "date-start-missing",
        in_entry("events.toml", PEACE_2015, 'start = "2015-05-15"', 'end = "2015-05-15"'),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
    ),
    Case(
        "date-not-text",
        in_entry("events.toml", PEACE_2015, 'start = "2015-05-15"', "start = 2015"),
        EVENTS,
        "event 'peace-agreement-2015'",
        "date",
    ),
    Case(
        "date-precision-mismatch",
        in_entry("events.toml", MUTINY, 'end = "2023-06-24"', 'end = "2023-06"'),
        EVENTS,
        "event 'wagner-mutiny'",
        "date",
    ),
    Case(
        "date-phrase-not-in-sentence",
        in_entry("events.toml", DIOP, 'phrase = "two weeks after"', 'phrase = "two weeks before"'),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
    ),
    Case(
        "date-offset-not-integer",
        in_entry("events.toml", DIOP, "offset_days = -14", "offset_days = -14.5"),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
    ),
    Case(
        "date-anchor-undated",
        in_entry("events.toml", DIOP, 'anchor = "unsc-votes-to-end-minusma"', 'anchor = "france-drafts-resolution"'),
        EVENTS,
        "event 'diop-demands-withdrawal'",
        "date",
        ("'france-drafts-resolution'",),
    ),
    Case(
        "date-cycle",
        both(
            add_to_entry("events.toml", GERMANY_PLAN, derived_from("german-troops-exit-faster")),
            add_to_entry("events.toml", GERMANY_FASTER, derived_from("germany-original-withdrawal-plan")),
        ),
        EVENTS,
        "event 'germany-original-withdrawal-plan'",
        "date",
        also=(("event 'german-troops-exit-faster'", "date"),),
    ),
    # -- values
    Case(
        "value-not-date",
        in_entry(
            "references.toml",
            'reference_id = "un-sc-15341"',
            "reference_date = 2023-06-30",
            'reference_date = "2023-06-31"',
        ),
        REFERENCES,
        "reference 'un-sc-15341'",
        "reference_date",
    ),
    Case(
        "value-pattern-mismatch",
        in_entry("figures.toml", BUDGET, BUDGET, 'figure_id = "MINUSMA-annual-budget"'),
        FIGURES,
        "figure 'MINUSMA-annual-budget'",
        "figure_id",
    ),
    Case(
        "value-bidi-control",
        replace("events.toml", FRANCE_SUMMARY, 'summary = "France drafts\\u2069 the resolution."'),
        EVENTS,
        FRANCE_LABEL,
        "summary",
        ("U+2069",),
        id="lone-pop-directional-isolate",
    ),
    Case(
        "value-line-break",
        replace("events.toml", FRANCE_SUMMARY, 'summary = "France drafts\\u2029the resolution."'),
        EVENTS,
        FRANCE_LABEL,
        "summary",
        ("U+2029",),
        id="paragraph-separator-in-a-cell",
    ),
    # -- publishing, and faults of the filesystem
    Case(
        "stale-output",
        append("datapackage.json", "\n"),
        "datapackage.json",
        "",
        "",
        args=("--check",),
    ),
    Case(
        "published-file-unreadable",
        both(NEW_SUMMARY, folder_in_place("data/events.csv")),
        at("data/events.csv"),
        "",
        "",
    ),
    Case("data-folder-unusable", NEW_SUMMARY, at("data"), "", "", fault=refuse_opening_data),
    Case(
        "data-folder-unwritable",
        NEW_SUMMARY,
        at("data"),
        "",
        "",
        fault=failing_step("mkdtemp", errno.EROFS),
    ),
    Case(
        "staging-failed",
        NEW_SUMMARY,
        "data/",
        "",
        "",
        ("disk is full",),
        fault=failing_step("write", errno.ENOSPC, named=False),
    ),
    Case(
        "publish-failed",
        NEW_SUMMARY,
        at("datapackage.json"),
        "",
        "",
        fault=failing_step("replace", errno.EBUSY, name="datapackage.json"),
    ),
    Case("interrupted-publish", interrupted_publish, at(JOURNAL), "", "", args=("--check",)),
    Case(
        "journal-damaged",
        write_bytes(JOURNAL, b'{"staging": "../elsewhere", "moves": []}'),
        at(JOURNAL),
        "",
        "",
    ),
    Case(
        "journal-damaged",
        write_bytes(JOURNAL, json.dumps({"staging": STAGED, "moves": [CLIMBING_MOVE]}).encode()),
        at(JOURNAL),
        "",
        "",
        id="journal-path-climbing-out-of-staging",
    ),
    Case(
        "filesystem-error",
        interrupted_publish,
        first_move,
        "",
        "",
        fault=failing_step("replace", errno.EROFS),
        id="finishing-a-publish-on-a-read-only-disk",
    ),
    Case("interrupted", None, at("."), "", "", fault=signal_while_reading(signal.SIGTERM), status=143),
    # the tree built with the code of another checkout (the code running is this one's)
    Case("build-code-elsewhere", own_build_code, at("src/minusma_build"), "", ""),
]


def concerned(code: str, file: str, root: Path) -> bool:
    """Whether the file a problem names is one its code concerns, by the catalogue."""
    path = PurePosixPath(file)
    rel = path.relative_to(root).as_posix() if path.is_absolute() else path.as_posix()
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in CODES[code].files)


def tree(root: Path) -> dict[str, object]:
    """Every file, folder and link under root, hidden ones included."""
    found: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            found[rel] = "folder"
        else:
            found[rel] = path.read_bytes()
    return found


@pytest.fixture
def build(monkeypatch, capsys):
    """The build's command line, run in this process; the signal handlers it
    installs are put back afterwards. Returns (exit status, JSON report)."""
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}

    def run(root: Path, *args: str) -> tuple[int, dict]:
        capsys.readouterr()
        status = cli.main(["--root", str(root), "--json", *args])
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return status, json.loads(out)

    yield run
    for signum, handler in handlers.items():
        signal.signal(signum, handler)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_with_exactly_its_problem(scratch_repo: Path, build, monkeypatch, case: Case):
    before = tree(scratch_repo)
    if case.edit:
        case.edit(scratch_repo)
        assert tree(scratch_repo) != before, "the edit changed nothing"
    edited = tree(scratch_repo)
    if case.fault:
        case.fault(scratch_repo, monkeypatch)

    status, report = build(scratch_repo, *case.args)

    assert status == case.status, report
    assert report["ok"] is False
    found = [(p["code"], p["file"], p["entry"], p["field"]) for p in report["problems"]]
    assert found == case.expected(scratch_repo), report["problems"]
    for code, file, _, _ in found:
        assert concerned(code, file, scratch_repo), f"{file} is not a file problem_codes lists for {code}"
    for expected in case.carries:
        text = expected(scratch_repo) if callable(expected) else expected
        assert text in report["problems"][0]["message"], f"{text!r} not in {report['problems'][0]['message']!r}"
    monkeypatch.undo()  # read the tree as it is, not through a simulated fault
    assert tree(scratch_repo) == edited, "a refused build changed a file"


def test_every_problem_of_a_build_is_reported_at_once(scratch_repo: Path, build):
    """Two independent mistakes in two files: both are named in one run."""
    in_entry("events.toml", FRANCE, '"The resolution, drafted by France"', '"The resolution, by France"')(scratch_repo)
    in_entry("figures.toml", PERSONNEL, "value = 15000", "value = 16000")(scratch_repo)
    edited = tree(scratch_repo)
    status, report = build(scratch_repo)
    assert status == 1
    found = {(p["code"], p["entry"], p["field"]) for p in report["problems"]}
    assert found == {
        ("quote-not-found", FRANCE_LABEL, "evidence"),
        ("figure-value-disagrees", "figure 'minusma-personnel-withdrawn'", "value"),
    }
    assert tree(scratch_repo) == edited


# -- as a curator runs it -------------------------------------------------------


def test_a_problem_prints_as_one_line_with_its_code(scratch_repo: Path):
    """Without --json: a header, then one line per problem naming file, entry,
    field, and the code in brackets."""
    CASES[0].edit(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-2] == HEADER, result.stderr
    assert lines[-1].strip().startswith(f"{EVENTS}: {FRANCE_LABEL}, field 'evidence': ")
    assert lines[-1].endswith("[quote-not-found]")
    assert published_snapshot(scratch_repo) == published


def test_check_mode_refuses_bad_input_too(scratch_repo: Path):
    in_entry("events.toml", FRANCE, 'initiator_actor_id = "france"', 'initiator_actor_id = "frnace"')(scratch_repo)
    published = published_snapshot(scratch_repo)
    result = run_build(scratch_repo, "--check", "--json")
    assert result.returncode == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["foreign-key-unknown"]
    assert published_snapshot(scratch_repo) == published
