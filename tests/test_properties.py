"""Properties of the span finder and of the build under random damage.

(a) `spans.locate` either returns offsets of the one whole-word occurrence of
    a quote, or raises SpanError; it never fails in any other way.
(b) Random edits of the curated files (delete or duplicate a line, swap two
    characters, change a value, truncate the file) end in either a valid
    build or the documented refusal, never a crash and never a partial write.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, copy_repo, examples, published_snapshot, run_build
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from minusma_build import spans
from minusma_build.errors import BuildError, Problem
from minusma_build.pipeline import produce
from minusma_build.publish import publish, stale_outputs

TEXT = (ROOT / "data" / "source" / "000_93716cde958e498d.txt").read_text(encoding="utf-8")
TOKENS = list(re.finditer(r"\w+|[^\w\s]", TEXT))  # words and punctuation marks


def whole_word_occurrences(text: str, quote: str) -> list[int]:
    """Every start of `quote` in `text` not glued to a letter or digit on a
    side where the quote itself begins or ends with one."""
    found = []
    for i in range(len(text) - len(quote) + 1):
        if not text.startswith(quote, i):
            continue
        glued_before = quote[0].isalnum() and i > 0 and text[i - 1].isalnum()
        end = i + len(quote)
        glued_after = quote[-1].isalnum() and end < len(text) and text[end].isalnum()
        if not (glued_before or glued_after):
            found.append(i)
    return found


# -- (a) the span finder ----------------------------------------------------------


@st.composite
def substrings_at_word_boundaries(draw) -> str:
    first = draw(st.integers(0, len(TOKENS) - 1))
    last = draw(st.integers(first, min(first + 15, len(TOKENS) - 1)))
    return TEXT[TOKENS[first].start() : TOKENS[last].end()]


@settings(max_examples=examples(200))
@given(quote=substrings_at_word_boundaries())
def test_locate_finds_the_one_occurrence_or_says_it_is_ambiguous(quote):
    occurrences = whole_word_occurrences(TEXT, quote)
    assert occurrences, "a piece of the text cut at word boundaries occurs in it"
    try:
        start, end = spans.locate(TEXT, quote)
    except spans.SpanError as exc:
        assert len(occurrences) >= 2
        assert f"occurs {len(occurrences)} times" in str(exc)
        assert "within" in str(exc)
    else:
        assert TEXT[start:end] == quote
        assert occurrences == [start]


def test_offsets_count_code_points_not_bytes():
    """docs/files.md: char_start and char_end count Unicode code points; the
    curly marks before the quote are three bytes each in UTF-8, one code point."""
    text = "\u201cMali\u2019s\u201d junta demanded it"
    assert spans.locate(text, "junta") == (9, 14)
    assert spans.locate(text, "junta", within="\u201d junta demanded") == (9, 14)


@settings(max_examples=examples(60))
@given(quote=st.text(max_size=40))
def test_locate_refuses_words_that_are_not_in_the_text(quote):
    assume(quote not in TEXT)
    with pytest.raises(spans.SpanError) as caught:
        spans.locate(TEXT, quote)
    message = caught.value.args[0]
    assert isinstance(message, str) and message
    if quote:
        assert "is not in the source text" in message
    else:
        assert "empty" in message


@st.composite
def damaged_quotes(draw) -> str:
    """A piece of the text with one character replaced, inserted or dropped,
    or its curly quotation marks made straight."""
    quote = draw(substrings_at_word_boundaries())
    kind = draw(st.sampled_from(["replace", "insert", "drop", "straighten"]))
    if kind == "straighten":
        return quote.replace("’", "'").replace("“", '"').replace("”", '"')
    i = draw(st.integers(0, len(quote) - 1))
    char = draw(st.characters())
    return {
        "replace": quote[:i] + char + quote[i + 1 :],
        "insert": quote[:i] + char + quote[i:],
        "drop": quote[:i] + quote[i + 1 :],
    }[kind]


@settings(max_examples=examples(100))
@given(
    quote=st.one_of(damaged_quotes(), st.text(max_size=30)),
    within=st.one_of(st.none(), substrings_at_word_boundaries(), st.text(max_size=30)),
)
def test_locate_never_fails_otherwise(quote, within):
    try:
        start, end = spans.locate(TEXT, quote, within)
    except spans.SpanError as exc:
        assert isinstance(exc.args[0], str) and exc.args[0]
    else:
        assert TEXT[start:end] == quote
        assert start in whole_word_occurrences(TEXT, quote)
        if within is None:
            assert whole_word_occurrences(TEXT, quote) == [start]


# -- (b) the build under random edits -------------------------------------------

CURATED = sorted(p.name for p in (ROOT / "data" / "curated").glob("*.toml"))
VALUE_LINE = re.compile(r"^(\s*[A-Za-z_][\w-]*\s*=\s*)\S")
# "<file>: <entry label>, field '<field>': <message>", entry and field optional (errors.Problem)
PROBLEM_LINE = re.compile(r"^  data/[\w./-]+\.(toml|txt)(: .+?)?(, field '[^']*')?: \S.* \[[a-z0-9-]+\]$")
SCALARS = [
    '""',
    '"x"',
    "0",
    "-1",
    "1.5",
    "true",
    "false",
    "nan",
    "inf",
    "2023-06-30",
    "1979-05-27T07:32:00",
    "07:32:00",
    "[1, 2]",
    '["a"]',
    "{ a = 1 }",
    '"=SUM(A1)"',
    '"2023-13-40"',
    "99999999999999999999",
    '"stated"',
    '"derived"',
    '"external"',
    '"string"',
    '"date"',
    '"^["',
    '"\\u0000"',
]


def toml_string(s: str) -> str:
    """`s` as a TOML basic string."""

    def escape(c: str) -> str:
        if c in '\\"':
            return "\\" + c
        return f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c

    return '"' + "".join(escape(c) for c in s) + '"'


@dataclass(frozen=True)
class Edit:
    """One random change to one curated file; `at` is reduced modulo the
    number of lines or characters, so any integer picks a place."""

    file: str
    kind: str
    at: int
    value: str = ""

    def apply(self, text: str) -> str:
        lines = text.split("\n")
        if self.kind == "delete line":
            del lines[self.at % len(lines)]
        elif self.kind == "duplicate line":
            i = self.at % len(lines)
            lines.insert(i, lines[i])
        elif self.kind == "swap characters":
            i = self.at % (len(text) - 1)
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        elif self.kind == "truncate":
            return text[: self.at % len(text)]
        else:  # change a value
            candidates = [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]
            i = candidates[self.at % len(candidates)]
            lines[i] = VALUE_LINE.match(lines[i]).group(1) + self.value
        return "\n".join(lines)


@st.composite
def edits(draw) -> Edit:
    file = draw(st.sampled_from(CURATED))
    kind = draw(
        st.sampled_from(
            ["delete line", "duplicate line", "swap characters", "change value", "change value", "truncate"]
        )
    )
    value = ""
    if kind == "change value":
        value = draw(
            st.one_of(
                st.sampled_from(SCALARS),
                st.text(max_size=20).map(toml_string),
                st.integers().map(str),
                st.floats(allow_nan=False, allow_infinity=False).map(repr),
                st.dates().map(str),
                st.dates().map(lambda d: toml_string(d.isoformat())),
            )
        )
    return Edit(file, kind, draw(st.integers(0, 10**6)), value)


class Scratch:
    """One scratch repository per test, put back after every example."""

    def __init__(self, root: Path):
        self.root = root
        self.curated = {name: (root / "data" / "curated" / name).read_bytes() for name in CURATED}
        self.published = published_snapshot(root)

    def apply(self, edit: Edit) -> bool:
        path = self.root / "data" / "curated" / edit.file
        text = path.read_text(encoding="utf-8")
        damaged = edit.apply(text)
        path.write_text(damaged, encoding="utf-8")
        return damaged != text

    def restore(self) -> None:
        for name, data in self.curated.items():
            (self.root / "data" / "curated" / name).write_bytes(data)
        for rel, data in self.published.items():
            (self.root / rel).write_bytes(data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Scratch:
    root = copy_repo(tmp_path_factory.mktemp("properties") / "repo")
    yield Scratch(root)
    shutil.rmtree(root, ignore_errors=True)


def _build_in_process(root: Path) -> list[Problem] | None:
    """Produce and publish as build.py does; the problems, or None on success.
    Anything but BuildError propagates, failing the test as a crash."""
    try:
        result = produce(root)
    except BuildError as exc:
        return exc.problems
    publish(root, result.outputs)
    return None


CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
INPUTS = {f"data/curated/{name}" for name in CURATED} | {"data/source/000_93716cde958e498d.txt"}


@pytest.mark.slow
@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=edits())
def test_random_edits_build_or_are_refused_in_process(scratch: Scratch, edit: Edit):
    try:
        assume(scratch.apply(edit))
        problems = _build_in_process(scratch.root)
        if problems is None:
            assert not stale_outputs(scratch.root, produce(scratch.root).outputs)
        else:
            for problem in problems:
                # A stable code, and the input file it was found in.
                assert CODE.fullmatch(problem.code), problem
                assert problem.file in INPUTS, problem
                assert PROBLEM_LINE.match("  " + str(problem)), str(problem)
    finally:
        scratch.restore()


@pytest.mark.slow
@settings(max_examples=examples(8), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=edits())
def test_random_edits_build_or_are_refused_by_the_command(scratch: Scratch, edit: Edit):
    try:
        assume(scratch.apply(edit))
        before = published_snapshot(scratch.root)
        result = run_build(scratch.root)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        if result.returncode == 0:
            assert run_build(scratch.root, "--check").returncode == 0
        else:
            header, *lines = result.stderr.splitlines()
            m = re.fullmatch(r"build failed with (\d+) problem\(s\); no file was written:", header)
            assert m and int(m.group(1)) == len(lines) > 0, result.stderr
            for line in lines:
                assert PROBLEM_LINE.match(line), line
            assert published_snapshot(scratch.root) == before
        assert not list((scratch.root / "data").glob(".staging-*"))
    finally:
        scratch.restore()
