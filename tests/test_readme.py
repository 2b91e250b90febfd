"""The README is the manual: its generated parts must match the data, its
commands must be the ones CI runs, its links must resolve, its Python examples
must print what they say, and its timeline picture must show the current events."""

from __future__ import annotations

import doctest
import hashlib
import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RENDER = ROOT / "scripts" / "render_readme.py"
PLOT = ROOT / "scripts" / "plot_timeline.py"
FIGURE = ROOT / "docs" / "timeline.png"
OWN_SECTIONS = ("Timeline", "Using it from Python", "Using the files directly", "Data dictionary", "Codebook",
                "How facts are curated and verified", "Limits", "Adding a fact or a source", "Citing", "Licences")


def readme() -> str:
    return README.read_text(encoding="utf-8")


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


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
    return recipe_line.replace("$(PY)", "python").replace("$(BIN)/", "")


def run_render(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RENDER), *args], capture_output=True, text=True, timeout=120)


# -- the generated blocks -----------------------------------------------------

def test_generated_blocks_are_up_to_date():
    result = run_render("--check")
    assert result.returncode == 0, result.stderr + "\nrun `python scripts/render_readme.py`"


def test_check_fails_on_a_stale_copy(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(readme().replace("| `event_id` | string | yes |", "| `event_id` | integer | yes |", 1),
                     encoding="utf-8")
    result = run_render("--check", "--readme", str(stale))
    assert result.returncode == 1
    assert "data-dictionary" in result.stderr and "render_readme.py" in result.stderr


def test_render_restores_a_stale_copy(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(re.sub(r"(<!-- BEGIN codebook[^>]*-->\n).*?(<!-- END codebook -->)", r"\1\2", readme(),
                            flags=re.S), encoding="utf-8")
    assert run_render("--readme", str(stale)).returncode == 0
    assert stale.read_text(encoding="utf-8") == readme()


def test_check_fails_without_markers(tmp_path):
    broken = tmp_path / "README.md"
    broken.write_text(readme().replace("<!-- END tables -->", ""), encoding="utf-8")
    result = run_render("--check", "--readme", str(broken))
    assert result.returncode == 1
    assert "tables" in result.stderr


def test_dictionary_covers_every_field():
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    dictionary = sections(readme())["Data dictionary"]
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


def test_readme_commands_are_makefile_targets():
    targets = make_targets()
    assert "data" in targets and "test" in targets
    assert "figure" in targets


def test_make_test_runs_every_check():
    recipe = [as_plain_command(line) for line in make_targets()["test"]]
    for needed in ("python scripts/build.py --check", "frictionless validate datapackage.json",
                   "python scripts/render_readme.py --check", "python -m pytest"):
        assert needed in recipe, needed


def test_ci_script_runs_make_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line and not line.startswith("#")]
    assert "set -euo pipefail" in commands
    assert commands[-1] == "make test"


def test_workflow_runs_what_make_test_runs():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    runs = [line.split("run:", 1)[1].strip() for line in workflow.splitlines() if line.strip().startswith("run:")]
    for command in (as_plain_command(line) for line in make_targets()["test"]):
        assert command in runs, f"ci.yml does not run `{command}` as a step"
    for version in ("3.11", "3.12", "3.13"):
        assert f'"{version}"' in workflow
    assert '"2.2"' in workflow and 'pandas==2.2.*' in workflow and '"3"' in workflow
    assert re.search(r"^on:\n(\s+.*\n)*?\s+push:", workflow, re.M)
    assert "pull_request:" in workflow
    assert ".ci/run" in workflow


# -- the prose ------------------------------------------------------------------

def test_own_sections_are_written():
    found = sections(readme())
    for title in OWN_SECTIONS:
        assert title in found, f"README lacks '## {title}'"
        assert len(found[title].strip()) > 80, f"README section '{title}' is empty"


def test_relative_links_resolve():
    for target in re.findall(r"\]\(([^)#]+?)(?:#[^)]*)?\)", readme()):
        if re.match(r"[a-z]+:", target):
            continue
        assert (ROOT / target).exists(), f"README links to {target}, which does not exist"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_internal_links_have_a_heading():
    prose = re.sub(r"```.*?```", "", readme(), flags=re.S)
    headings = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", prose, re.M)}
    for anchor in re.findall(r"\]\(#([^)]+)\)", readme()):
        assert anchor in headings, f"README links to #{anchor}, which no heading makes"


def _python_examples() -> str:
    body = sections(readme()).get("Using it from Python", "")
    return "\n".join(block for block in re.findall(r"```python\n(.*?)```", body, re.S) if ">>>" in block)


def test_python_examples_print_what_they_say():
    """The `>>>` examples run against the installed loader and print exactly what the README shows."""
    pytest.importorskip("pandas")
    try:
        import minusma_data  # noqa: F401
    except ImportError:
        pytest.skip("minusma_data is not importable; `pip install -e .`")
    examples = _python_examples()
    if not examples:
        pytest.skip("the README has no >>> examples yet")
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
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"IHDR":
            chunks["_width"], chunks["_height"] = (str(n) for n in struct.unpack(">II", body[:8]))
        pos += 12 + length
    return chunks


def test_readme_embeds_the_timeline():
    assert "](docs/timeline.png)" in sections(readme())["Timeline"]
    assert FIGURE.exists(), "run `make figure`"


def test_timeline_shows_the_current_events():
    text = png_text(FIGURE)
    digest = hashlib.sha256((ROOT / "data" / "events.csv").read_bytes()).hexdigest()
    assert text.get("Source") == f"data/events.csv sha256:{digest}", \
        "docs/timeline.png was drawn from another data/events.csv; run `make figure`"
    assert "Software" not in text and "Creation Time" not in text
    assert int(text["_width"]) >= 1200


def test_timeline_is_deterministic(tmp_path):
    pytest.importorskip("matplotlib")
    outs = []
    for name in ("a.png", "b.png"):
        result = subprocess.run([sys.executable, str(PLOT), "--out", str(tmp_path / name)],
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    assert png_text(tmp_path / "a.png")["Source"] == png_text(FIGURE)["Source"]

