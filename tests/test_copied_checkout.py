"""A copied checkout builds itself. `cp -a` of the repository copies its
.venv, whose editable install still points at the original's src/; the
copy's scripts/build.py must build the copy, with the copy's own code, and
say which folder it built. Running one checkout's build code on another
checkout that has code of its own is refused in one line with a stable code.

The copied .venv is simulated by putting the original's src/ on PYTHONPATH,
which, like the editable install's path entry, comes before site-packages
and after the script's own folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, published_snapshot

pytestmark = pytest.mark.slow  # each test builds a copied checkout in a process of its own

OLD_SUMMARY = 'summary = "France drafts the resolution that ends the mission."'
NEW_SUMMARY = 'summary = "France drafts the resolution; edited in the copy."'
MARK = "the copy's own build code ran"


def copied(dest: Path, with_code: bool = True) -> Path:
    """The checkout copied as `cp -a` would (what the build needs of it), with one curated edit."""
    for name in ("data", "scripts", *(("src",) if with_code else ())):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".staging-*"))
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    events = dest / "data" / "curated" / "events.toml"
    text = events.read_text(encoding="utf-8")
    assert text.count(OLD_SUMMARY) == 1
    events.write_text(text.replace(OLD_SUMMARY, NEW_SUMMARY), encoding="utf-8")
    if with_code:  # a sign, on stderr, that the copy's code is the one running
        init = dest / "src" / "minusma_build" / "__init__.py"
        init.write_text(init.read_text(encoding="utf-8") + f"\nimport sys\nprint({MARK!r}, file=sys.stderr)\n")
    return dest


def with_the_originals_environment(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def original():
    """The original's published files, which nothing here may change."""
    before = published_snapshot(ROOT)
    yield
    assert published_snapshot(ROOT) == before, "a build in the copy wrote into the original"


def edited(root: Path) -> bool:
    return "edited in the copy" in (root / "data" / "events.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("cwd", ["copy", "original"])
def test_the_copys_build_script_builds_the_copy_with_its_own_code(tmp_path, original, cwd):
    copy = copied(tmp_path / "copy")
    done = with_the_originals_environment([str(copy / "scripts" / "build.py")], copy if cwd == "copy" else ROOT)
    assert done.returncode == 0, done.stderr
    assert MARK in done.stderr
    assert edited(copy)
    assert f"built {copy.resolve()}:" in done.stdout
    assert "; 3 file(s) changed" in done.stdout  # events.csv, its Parquet twin and the descriptor
    check = with_the_originals_environment([str(copy / "scripts" / "build.py"), "--check"], ROOT)
    assert check.returncode == 0 and str(copy.resolve()) in check.stdout


def test_a_copy_without_code_of_its_own_is_built_by_its_script(tmp_path, original):
    """Its scripts/build.py builds the folder it lies in, with whatever build code is installed."""
    copy = copied(tmp_path / "copy", with_code=False)
    done = with_the_originals_environment([str(copy / "scripts" / "build.py")], ROOT)
    assert done.returncode == 0, done.stderr
    assert edited(copy)
    assert f"built {copy.resolve()}:" in done.stdout


@pytest.mark.parametrize(
    "how",
    [
        ["-m", "minusma_build"],
        ["-m", "minusma_build", "--root", "."],
        [str(ROOT / "scripts" / "build.py"), "--root", "."],
    ],
    ids=["module-inside-the-copy", "module-with-root", "original-script-with-root"],
)
def test_another_checkouts_code_refuses_to_build_a_copy_with_code_of_its_own(tmp_path, original, how):
    copy = copied(tmp_path / "copy")
    before = published_snapshot(copy)
    done = with_the_originals_environment(how, copy)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.rstrip().endswith("[build-code-elsewhere]"), done.stderr
    assert str(copy.resolve()) in done.stderr and done.stdout == ""
    assert published_snapshot(copy) == before and not edited(copy)
    as_json = with_the_originals_environment([*how, "--json"], copy)
    assert [p["code"] for p in json.loads(as_json.stdout)["problems"]] == ["build-code-elsewhere"]


def test_the_module_names_the_checkout_it_builds(tmp_path):
    """`python -m minusma_build` outside any checkout builds the code's own checkout, and says so."""
    done = with_the_originals_environment(["-m", "minusma_build", "--check"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"in {ROOT.resolve()} match" in done.stdout


def test_make_data_in_a_copy_builds_and_shows_the_copy(tmp_path, original):
    """`make data` in the copy, with the original's environment (the copied .venv
    is the original's): each step works on the copy, and `info` names it."""
    copy = copied(tmp_path / "copy")
    for name in ("Makefile", "pyproject.toml", "README.md", "CITATION.cff"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "docs", copy / "docs")
    os.utime(copy / "pyproject.toml", (0, 0))  # older than the environment: make installs nothing
    tables = copy / "src" / "minusma_data" / "_tables.py"
    fresh = tables.read_text(encoding="utf-8")
    tables.write_text(fresh + "# stale\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS", "MAKELEVEL")}
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(
        ["make", "-C", str(copy), "data", f"BIN={bin_dir}"],
        env={**env, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pip install" not in done.stdout
    assert edited(copy)
    assert tables.read_text(encoding="utf-8") == fresh  # the copy's loader helpers, rewritten by the copy's code
    assert f"data: {copy.resolve()} (checkout)" in done.stdout
