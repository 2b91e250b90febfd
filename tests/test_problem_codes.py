"""One catalogue of the build's problem codes (minusma_build.problem_codes),
kept complete in both directions:

- every code the build's source passes to `fail`, `Problem`, `Collector.add`,
  `SpanError`, `DateError`, `PublishError` or the command line's `fault` is in
  the catalogue, found by reading the source with `ast`, and no code is made
  up at run time (only a code made elsewhere is passed on);
- every catalogued code is used somewhere, and has a bad-input case in
  tests/test_bad_input.py (which checks the problem's file against the
  catalogue's too);
- a code missing from the catalogue is refused when a problem is made;
- the table of refusals in docs/guarantees.md is generated from it, and
  `render_docs.py --check` fails when the table is stale.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_bad_input import CASES

from minusma_build import cli, errors
from minusma_build.problem_codes import CODES, GROUPS, UnknownProblemCode
from minusma_build.publish import PublishError

BUILD = ROOT / "src" / "minusma_build"
# The explorer page's own codes (SiteError), tested in tests/test_site.py, and the release
# builder's (ReleaseError, listed in docs/releasing.md), tested in tests/test_release.py.
OTHER_COMMANDS = (
    "site.py",
    "site_data.py",
    "site_files.py",
    "release.py",
    "release_errors.py",
    "versioning.py",
    "zip_readme.py",
)
# Callables whose first argument (or `code=`) is a problem code; `add` with
# more than one argument is Collector.add (set.add takes one).
TAKES_CODE = {"fail", "Problem", "add", "bad", "SpanError", "DateError", "PublishError", "_error", "fault"}
# Arguments that pass on a code made elsewhere, where this test reads it as a literal.
PASSED_ON = {"code", "exc.code"}
# Strings shaped like codes that are not problem codes.
NOT_CODES = {
    "utf-8": "an encoding",
    "tabular-data-resource": "the Data Package profile of a table",
    "data-dictionary": "a generated block of docs/",
    "timeline-summary": "a generated block of README.md",
    "claims-summary": "a generated block of README.md",
    "release-refusals": "a generated block of docs/releasing.md",
    "date-released": "a key of CITATION.cff",
    "given-names": "a key of CITATION.cff",
    "family-names": "a key of CITATION.cff",
    "odc-by": "a licence id of the Hugging Face Hub",
}
CODE_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def build_modules() -> dict[str, ast.Module]:
    return {
        path.name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(BUILD.glob("*.py"))
        if path.name not in (*OTHER_COMMANDS, "problem_codes.py")
    }


def code_arguments() -> list[tuple[str, ast.expr]]:
    """(where, argument) of every call that takes a problem code."""
    found = []
    for name, tree in build_modules().items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called not in TAKES_CODE or (called == "add" and len(node.args) + len(node.keywords) < 2):
                continue
            keyword = next((k.value for k in node.keywords if k.arg == "code"), None)
            argument = node.args[0] if node.args else keyword
            assert argument is not None, f"{name}:{node.lineno}: {called}() without a code"
            found.append((f"{name}:{node.lineno}", argument))
    return found


def code_literals() -> dict[str, list[str]]:
    """Every string of the build's source shaped like a code, and where it stands."""
    found: dict[str, list[str]] = {}
    for name, tree in build_modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_SHAPE.match(node.value):
                found.setdefault(node.value, []).append(f"{name}:{node.lineno}")
    return found


def test_the_scan_reads_the_build():
    """The scan finds what it looks for, so the tests below cannot pass on nothing."""
    arguments = code_arguments()
    assert len(arguments) > 100
    literals = {a.value for _, a in arguments if isinstance(a, ast.Constant)}
    assert {"quote-not-found", "date-cycle", "interrupted", "journal-damaged", "table-unknown-builder"} <= literals


def test_every_code_the_build_uses_is_in_the_catalogue():
    unknown = {
        where: argument.value
        for where, argument in code_arguments()
        if isinstance(argument, ast.Constant) and argument.value not in CODES
    }
    assert not unknown, f"add these to src/minusma_build/problem_codes.py: {unknown}"
    made_up = {
        where: ast.unparse(argument)
        for where, argument in code_arguments()
        if not isinstance(argument, ast.Constant) and ast.unparse(argument) not in PASSED_ON
    }
    assert not made_up, f"a code must be written out, so that it can be found and listed: {made_up}"


def test_every_string_shaped_like_a_code_is_a_listed_code():
    """Catches a code stored before it is used, e.g. in a list of (code, message)."""
    stray = {value: where for value, where in code_literals().items() if value not in CODES and value not in NOT_CODES}
    assert not stray, f"list these in problem_codes.py (or, if they are no codes, in NOT_CODES here): {stray}"


def test_every_listed_code_is_used_by_the_build():
    used = set(code_literals()) | {a.value for _, a in code_arguments() if isinstance(a, ast.Constant)}
    unused = sorted(set(CODES) - used)
    assert not unused, f"nothing in the build reports these; remove them from problem_codes.py: {unused}"


def test_every_listed_code_has_a_bad_input_case():
    covered = {case.code for case in CASES}
    missing = sorted(set(CODES) - covered)
    assert not missing, f"add a case for each of these to tests/test_bad_input.py: {missing}"


def test_each_code_is_listed_once_with_its_meaning():
    listed = [c.code for _, group in GROUPS for c in group]
    assert len(listed) == len(set(listed)) == len(CODES)
    for c in CODES.values():
        assert CODE_SHAPE.match(c.code) or c.code == "interrupted", c.code
        assert c.refused and c.right and c.files, c.code


@pytest.mark.parametrize(
    "make",
    [
        lambda: errors.Problem("no-such-code", "f", "", "", "m"),
        lambda: errors.fail("no-such-code", "f", "", "", "m"),
        lambda: errors.Collector().add("no-such-code", "f", "", "", "m"),
        lambda: PublishError("no-such-code", "data/", "problem", "remedy"),
        lambda: cli.Report(as_json=True, quiet=False).fault("no-such-code", "data/", "m"),
    ],
    ids=["Problem", "fail", "Collector.add", "PublishError", "Report.fault"],
)
def test_a_code_missing_from_the_catalogue_is_refused(make):
    with pytest.raises(UnknownProblemCode, match="no-such-code"):
        make()


def test_a_listed_code_is_accepted():
    assert errors.fail("date-cycle", "f", "e", "date", "m").codes == ["date-cycle"]


# -- the table in docs/guarantees.md ------------------------------------------------


def docs_tree(dest: Path) -> Path:
    """What python -m minusma_build.docs reads and rewrites, in a scratch tree."""
    from minusma_build.docs import DOCUMENTS

    for name in ("datapackage.json", "data/curated/package.toml", *DOCUMENTS):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, dest / "data" / csv_file.name)
    return dest


def run_docs(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minusma_build.docs", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def refused_block(text: str) -> str:
    return re.search(r"<!-- BEGIN refused[^>]*-->\n(.*?)<!-- END refused -->", text, re.S).group(1)


def test_the_refusal_table_lists_every_code_once():
    block = refused_block((ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8"))
    rows = re.findall(r"^\| `([^`]+)` \|", block, re.M)
    assert sorted(rows) == sorted(CODES)
    for c in CODES.values():
        assert c.right in block, c.code


def test_a_stale_refusal_table_fails_the_check(tmp_path: Path):
    tree = docs_tree(tmp_path)
    guarantees = tree / "docs" / "guarantees.md"
    text = guarantees.read_text(encoding="utf-8")
    row = next(line for line in refused_block(text).splitlines() if line.startswith("| `date-cycle` |"))
    guarantees.write_text(text.replace(row + "\n", ""), encoding="utf-8")

    checked = run_docs(tree, "--check")
    assert checked.returncode == 1
    assert "docs/guarantees.md (refused)" in checked.stderr
    assert run_docs(tree).returncode == 0
    assert guarantees.read_text(encoding="utf-8") == text
