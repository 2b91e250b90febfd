"""The README is the front door and docs/ the manual: their generated parts
must match the data, their commands must be the ones CI runs, their links must
resolve, the Python examples must print what they say, and the timeline picture
must show the current events."""

from __future__ import annotations

import doctest
import hashlib
import json
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import need

from minusma_build.docs import DOCUMENTS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PLOT = ROOT / "scripts" / "plot_timeline.py"
FIGURE = ROOT / "docs" / "timeline.png"
GENERATED = tuple(DOCUMENTS)  # every document holding a generated block
# Every Markdown file a reader may open, and whose links must therefore resolve.
DOCUMENTS = sorted(
    {
        README,
        ROOT / "CONTRIBUTING.md",
        ROOT / "CHANGELOG.md",
        ROOT / "benchmarks" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    }
)
README_LIMIT = 20_000  # bytes: a front door, not a manual


def readme() -> str:
    return README.read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=False)}


def make_targets() -> dict[str, list[str]]:
    """Each Makefile target with its recipe lines."""
    targets: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.$()/-]+):(?!=)", line)
        if match:
            current = match.group(1)
            targets[current] = []
        elif line.startswith("\t") and current:
            targets[current].append(line.strip())
        elif not line.strip():
            current = None
    return targets


def as_plain_command(recipe_line: str) -> str:
    """A Makefile recipe line as it reads in an activated environment."""
    # $(HERE) is $(PY) with this checkout's src/ first on the path: python, once installed.
    return recipe_line.replace("$(HERE)", "python").replace("$(PY)", "python").replace("$(BIN)/", "")


def run_docs(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minusma_build.docs", "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """What the generated documents are made from, and the documents, in a scratch tree."""
    for name in ("datapackage.json", "data/curated/package.toml", *GENERATED):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    for csv_file in (ROOT / "data").glob("*.csv"):
        shutil.copy2(csv_file, tmp_path / "data" / csv_file.name)
    return tmp_path


# -- the generated blocks -----------------------------------------------------


def test_generated_blocks_are_up_to_date():
    result = run_docs(ROOT, "--check")
    assert result.returncode == 0, result.stderr + "\nrun `python scripts/render_docs.py`"


def test_check_fails_on_a_stale_copy(docs_copy: Path):
    dictionary = docs_copy / "docs" / "data-dictionary.md"
    text = dictionary.read_text(encoding="utf-8")
    assert "| `event_id` | string | yes |" in text
    dictionary.write_text(
        text.replace("| `event_id` | string | yes |", "| `event_id` | integer | yes |", 1), encoding="utf-8"
    )
    result = run_docs(docs_copy, "--check")
    assert result.returncode == 1
    assert "docs/data-dictionary.md (data-dictionary)" in result.stderr
    assert dictionary.read_text(encoding="utf-8") != text, "--check must not write"


def test_render_restores_a_stale_copy(docs_copy: Path):
    codebook = docs_copy / "docs" / "codebook.md"
    codebook.write_text(
        re.sub(
            r"(<!-- BEGIN codebook[^>]*-->\n).*?(<!-- END codebook -->)",
            r"\1\2",
            codebook.read_text(encoding="utf-8"),
            flags=re.S,
        ),
        encoding="utf-8",
    )
    assert run_docs(docs_copy).returncode == 0
    for name in GENERATED:
        assert (docs_copy / name).read_bytes() == (ROOT / name).read_bytes(), name


def test_a_new_row_count_reaches_the_readme(docs_copy: Path):
    events = docs_copy / "data" / "events.csv"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    events.write_text("".join(lines[:-1]), encoding="utf-8")
    assert run_docs(docs_copy).returncode == 0
    assert f"| {len(lines) - 2} |" in (docs_copy / "README.md").read_text(encoding="utf-8")


def test_check_fails_without_markers(docs_copy: Path):
    readme_copy = docs_copy / "README.md"
    readme_copy.write_text(readme().replace("<!-- END tables -->", ""), encoding="utf-8")
    result = run_docs(docs_copy, "--check")
    assert result.returncode == 1
    assert "README.md needs exactly one '<!-- BEGIN tables -->'" in result.stderr


def test_dictionary_covers_every_field():
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    dictionary = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for resource in package["resources"]:
        if resource.get("format") != "csv":
            continue
        block = dictionary.split(f"### {resource['name']}\n", 1)[1].split("\n### ", 1)[0]
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in block, (resource["name"], field["name"])


# -- commands: the README's, the Makefile's and CI's agree -----------------------


def test_readme_opens_with_make_data_and_make_test():
    first_block = re.search(r"```(?:sh|bash|shell)?\n(.*?)```", readme(), re.S)
    assert first_block, "the README should open with a code block of commands"
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines() if line.strip()]
    assert commands == ["make data", "make test"]
    assert readme().index(first_block.group(0)) < readme().index("\n## "), "the commands come before any section"


def test_every_make_command_in_the_docs_is_a_makefile_target():
    targets = make_targets()
    named = set()
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        named |= {a or b for a, b in re.findall(r"`make ([a-z][\w-]*)`|^make ([a-z][\w-]*)", text, re.M)}
    assert {"data", "test"} <= named
    for target in named:
        assert target in targets, f"the docs mention `make {target}`, which the Makefile lacks"


def test_make_data_installs_no_test_tools():
    recipe = " ".join(make_targets()["$(BIN)/.installed-data"])
    assert '".[validate]"' in recipe and "[test]" not in recipe
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    assert all(
        not dep.startswith(("pytest", "hypothesis", "duckdb", "polars", "matplotlib")) for dep in extras["validate"]
    )


def test_make_test_runs_every_check():
    recipe = [as_plain_command(line) for line in make_targets()["test"]]
    for needed in (
        "python scripts/build.py --check",
        "frictionless validate datapackage.json",
        "python scripts/render_docs.py --check",
    ):
        assert needed in recipe, needed
    (pytest,) = [line for line in recipe if line.startswith("python -m pytest")]
    assert " -m " not in pytest.removeprefix("python -m pytest") and " -k " not in pytest, "make test runs every test"


def test_make_check_runs_lint_and_the_fast_tests():
    prerequisites = re.search(r"^check:(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert prerequisites and "lint" in prerequisites.group(1).split()
    recipe = [as_plain_command(line) for line in make_targets()["check"]]
    assert "python scripts/build.py --check" in recipe
    assert any(line.startswith("python -m pytest") and '-m "not slow"' in line for line in recipe), recipe


def test_ci_script_runs_make_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    assert "make test" in commands


def workflow_steps(job: dict) -> list[str]:
    """The shell commands of a job's steps, one per line of each `run`."""
    return [
        line.strip() for step in job.get("steps", []) for line in str(step.get("run", "")).splitlines() if line.strip()
    ]


def test_workflow_runs_what_make_test_runs():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    triggers = workflow.get(True, workflow.get("on"))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    test = workflow["jobs"]["test"]
    runs = workflow_steps(test)
    for command in (as_plain_command(line) for line in make_targets()["test"]):
        assert command in runs, f"ci.yml does not run `{command}` as a step"
    matrix = test["strategy"]["matrix"]
    assert {"3.11", "3.12", "3.13"} <= set(matrix["python"])
    assert {"2.2", "3"} <= set(matrix["pandas"])
    assert any(".ci/run" in line for job in workflow["jobs"].values() for line in workflow_steps(job))


# -- the prose ------------------------------------------------------------------


def test_readme_is_a_front_door():
    assert len(README.read_bytes()) <= README_LIMIT
    for title in (
        "What it holds",
        "Quick start: Python",
        "Quick start: the files",
        "Quick start: maintainers",
        "Documentation",
        "Citing",
        "Licences",
    ):
        assert title in sections(readme()), f"README lacks '## {title}'"


def test_readme_maps_every_document():
    mapped = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", sections(readme())["Documentation"]))
    for document in (ROOT / "docs").glob("*.md"):
        rel = document.relative_to(ROOT).as_posix()
        assert rel in mapped or rel == "docs/pypi.md", f"the README's Documentation section does not list {rel}"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    prose = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {github_anchor(h) for h in re.findall(r"^#+ (.+)$", prose, re.M)}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_links_resolve(document: Path):
    """Every relative link names a file that exists, and every #anchor a heading of its file."""
    text = re.sub(r"```.*?```", "", document.read_text(encoding="utf-8"), flags=re.S)
    for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path = (document.parent / target).resolve() if target else document
        assert path.exists(), f"{document.name} links to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            assert anchor in anchors(path), f"{document.name} links to {target}#{anchor}, which no heading makes"


def test_pypi_description_has_no_relative_links():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    description = (ROOT / pyproject["project"]["readme"]).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)]+)\)", description):
        assert re.match(r"https://", target), f"PyPI cannot resolve the link {target}"


def _python_examples() -> str:
    body = sections(readme()).get("Quick start: Python", "")
    return "\n".join(block for block in re.findall(r"```python\n(.*?)```", body, re.S) if ">>>" in block)


def test_python_examples_print_what_they_say():
    """The `>>>` examples run against the installed loader and print exactly what the README shows."""
    examples = _python_examples()
    assert examples.count(">>>") >= 5, "the README's Python quick start lost its examples"
    parser = doctest.DocTestParser()
    test = parser.get_doctest(examples, {}, "README.md", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "a README example prints something else; see the output above"


# -- the timeline figure ------------------------------------------------------------


def png_text(path: Path) -> dict[str, str]:
    """The tEXt chunks of a PNG, read without an imaging library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    chunks, pos = {}, 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"IHDR":
            chunks["_width"], chunks["_height"] = (str(n) for n in struct.unpack(">II", body[:8]))
        pos += 12 + length
    return chunks


def test_readme_embeds_the_timeline():
    assert "](docs/timeline.png)" in sections(readme())["What it holds"]
    assert FIGURE.exists(), "run `make figure`"


def test_timeline_shows_the_current_events():
    text = png_text(FIGURE)
    digest = hashlib.sha256((ROOT / "data" / "events.csv").read_bytes()).hexdigest()
    assert text.get("Source") == f"data/events.csv sha256:{digest}", (
        "docs/timeline.png was drawn from another data/events.csv; run `make figure`"
    )
    assert "Software" not in text and "Creation Time" not in text
    assert int(text["_width"]) >= 1200


@pytest.mark.slow  # draws the figure twice
def test_timeline_is_deterministic(tmp_path):
    need("matplotlib", "plot")
    outs = []
    for name in ("a.png", "b.png"):
        result = subprocess.run(
            [sys.executable, str(PLOT), "--out", str(tmp_path / name)], capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    assert png_text(tmp_path / "a.png")["Source"] == png_text(FIGURE)["Source"]


@pytest.mark.parametrize("document", ["README.md", "docs/pypi.md"])
def test_the_list_of_loaders_names_every_table(document):
    """ "The loaders are ...": one typed helper per published table, each named."""
    import minusma_data

    text = " ".join((ROOT / document).read_text(encoding="utf-8").split())
    listed = re.search(r"The loaders are (.*?) and `load\(name\)`", text).group(1)
    helpers = {name for name in minusma_data.__all__ if name.startswith("load_")}
    assert set(re.findall(r"`(load_\w+)\(\)`", listed)) == helpers
    tables = [
        r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"] if r["format"] == "csv"
    ]
    assert helpers == {f"load_{t}" for t in tables}


TEST_REFERENCE = re.compile(r"tests/(test_\w+\.py)::(test_\w+)")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_tests_exist(document: Path):
    """A document that names a test as proof (docs/guarantees.md, docs/mutations.md)
    names one that exists: a renamed or removed test must take its references along."""
    for file, name in TEST_REFERENCE.findall(document.read_text(encoding="utf-8")):
        test_file = ROOT / "tests" / file
        assert test_file.is_file(), f"{document.name} names tests/{file}, which does not exist"
        assert re.search(rf"^(?:async )?def {name}\(", test_file.read_text(encoding="utf-8"), re.M), (
            f"{document.name} names tests/{file}::{name}, which is not a test of that file"
        )
