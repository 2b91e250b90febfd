"""The README's Python quick start works as written right after `make data`.

A fresh copy of the checkout (what a clone holds), `make data` run in it as
the README's first line says, then the quick start's shell lines typed into
a shell exactly as written, the last of them starting the `python` whose
`>>>` prompt the README's examples are typed at. Those examples run there,
through doctest, and must print what the README shows. Slow: `make data`
makes a virtual environment and installs the package from the registry
(pip's cache makes that quick here)."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT, checkout_copy, clean_environment, need_program

# Typed at the >>> prompt: run the README's examples and say whether they print what it shows.
AT_THE_PROMPT = r"""
import doctest, re, sys
readme = open("README.md", encoding="utf-8").read()
body = re.split(r"^## ", readme, flags=re.M)
(section,) = [part for part in body if part.startswith("Quick start: Python\n")]
examples = "\n".join(b for b in re.findall(r"```python\n(.*?)```", section, re.S) if ">>>" in b)
test = doctest.DocTestParser().get_doctest(examples, {}, "README.md", "README.md", 0)
runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
runner.run(test)
result = runner.summarize(verbose=False)
print(f"ran {result.attempted} examples, {result.failed} failed")
sys.exit(1 if result.failed or not result.attempted else 0)
"""


def quick_start_lines() -> list[str]:
    """The shell lines of the README's Python quick start, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.split(r"^## ", text, flags=re.M)
    (body,) = [part for part in section if part.startswith("Quick start: Python\n")]
    first = re.search(r"```sh\n(.*?)```", body, re.S)
    assert first, "the Python quick start gives no shell lines"
    return [line.strip() for line in first.group(1).splitlines() if line.strip()]


def test_the_quick_start_enters_the_environment_make_data_makes():
    lines = quick_start_lines()
    assert lines[-1] == "python" and lines[:-1], lines
    assert any(".venv/bin/activate" in line for line in lines[:-1])


@pytest.mark.slow
def test_the_quick_start_works_as_written_after_make_data(tmp_path):
    make = need_program("make", "apt-get install make")
    need_program("bash", "apt-get install bash")
    checkout = checkout_copy(tmp_path / "checkout")
    env = clean_environment()
    done = subprocess.run([make, "data"], cwd=checkout, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = quick_start_lines()
    for line in lines[:-1]:
        assert line in done.stdout, f"`make data` does not tell the user to run `{line}`"
    typed = subprocess.run(
        ["bash", "-c", " && ".join(lines)],
        cwd=checkout,
        env=env,
        input=AT_THE_PROMPT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr
    assert re.search(r"^ran [5-9]\d* examples, 0 failed$", typed.stdout, re.M), typed.stdout
