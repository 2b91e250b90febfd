"""Shared fixtures: the repository root, and scratch copies of it for tests
that edit curated files or run the build; the rule for optional tools (skip
here, fail under CI); and hypothesis's profiles."""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("data", "scripts", "datapackage.json")

# -- optional tools: skipped where missing, except under CI -------------------------------


def under_ci(environ: Mapping[str, str]) -> bool:
    """CI sets CI (.ci/run, GitHub Actions) to a true value."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


UNDER_CI = under_ci(os.environ)
"""Under CI every test extra and system tool is installed, so one that is
missing is a failure, not a skip: a dropped extra must not let a whole
module pass by skipping."""


def missing(reason: str) -> None:
    """Skip the calling test (or module) for want of `reason`; fail under CI."""
    if UNDER_CI:
        pytest.fail(f"{reason}, and CI must have it (.ci/run installs it)", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def need(module: str, extra: str = "test") -> ModuleType:
    """Import an optional module the tests use (pytest.importorskip, but
    failing under CI)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing(f"{module} cannot be imported ({exc}); pip install -e '.[{extra}]'")
        raise  # not reached: missing() skips or fails


def need_program(name: str, install: str) -> str:
    """The path of a program found on PATH; skip (fail under CI) without it.
    `install` says how to get it."""
    found = shutil.which(name)
    if found is None:
        missing(f"{name} is not installed ({install})")
    return found  # type: ignore[return-value]


# -- hypothesis -------------------------------------------------------------------------------
# "ci" (the default under CI): derandomized, so every CI run tries the same
# examples and a failure reproduces; no example database. "dev" (the default
# elsewhere): random examples, remembered in .hypothesis/. "long": ten times
# the examples, for a longer local run: HYPOTHESIS_PROFILE=long make test.
# Tests give their example counts through `examples(n)`, which the profile scales.

SCALE = {"ci": 1, "dev": 1, "long": 10}
COMMON = {"deadline": None, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow]}
# Each from hypothesis's own defaults, not from whichever profile is loaded
# (hypothesis loads a "ci" profile of its own when CI is set).
BASE = settings.get_profile("default")
settings.register_profile("ci", parent=BASE, derandomize=True, database=None, **COMMON)
settings.register_profile("dev", parent=BASE, derandomize=False, **COMMON)
settings.register_profile("long", parent=BASE, derandomize=False, **COMMON)


def profile_for(environ: Mapping[str, str]) -> str:
    """HYPOTHESIS_PROFILE if set, else "ci" under CI and "dev" elsewhere."""
    return environ.get("HYPOTHESIS_PROFILE") or ("ci" if under_ci(environ) else "dev")


PROFILE = profile_for(os.environ)
if PROFILE not in SCALE:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(SCALE)}")
settings.load_profile(PROFILE)


def examples(n: int) -> int:
    """How many examples a property tries: `n` scaled by the hypothesis profile."""
    return n * SCALE[PROFILE]


def clean_environment() -> dict[str, str]:
    """This process's environment without a trace of the Python the tests run
    in (no PYTHONPATH, no VIRTUAL_ENV, its bin/ off PATH): a user's shell, for
    commands run as the documents write them. pip skips compiling bytecode
    and its version check, which changes no outcome and saves seconds."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER", "PIP_REQUIRE_VIRTUALENV")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not Path(p).resolve().is_relative_to(sys.prefix)]
    return {**env, "PATH": os.pathsep.join(path), "PIP_NO_COMPILE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def checkout_copy(dest: Path) -> Path:
    """The checkout as a fresh clone has it, with this working tree's edits:
    every file git tracks or would track (ignored ones, .venv and dist/
    among them, left out); the whole tree but those when git is absent."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if done.returncode == 0:
        for rel in filter(None, done.stdout.decode("utf-8").split("\0")):
            if (ROOT / rel).is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / rel, dest / rel)
    else:
        ignored = shutil.ignore_patterns(
            ".venv*", ".git", "dist", "site", "build", "__pycache__", ".*cache", ".hypothesis"
        )
        shutil.copytree(ROOT, dest, ignore=ignored)
    return dest


def copy_repo(dest: Path) -> Path:
    """Copy what the build reads and writes into `dest`; return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".staging-*"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run scripts/build.py of the scratch copy against it."""
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "build.py"), "--root", str(root), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def published_snapshot(root: Path) -> dict[str, bytes]:
    """Every published file's bytes, to prove a failed build changed none."""
    files = sorted((root / "data").glob("*.csv")) + sorted((root / "data").glob("*.parquet"))
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in [*files, root / "datapackage.json"]}


@contextlib.contextmanager
def command_line_signals() -> Iterator[None]:
    """The build's main() installs its SIGINT and SIGTERM handlers: give pytest its own back."""
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in saved.items():
            signal.signal(s, handler)


def build_in_process(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """scripts/build.py's main() run in this process against `root`, its
    output captured: what run_build gives, without starting Python again."""
    from minusma_build import cli

    capsys.readouterr()
    with command_line_signals():
        code = cli.main(["--root", str(root), *args])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["build.py", "--root", str(root), *args], code, out, err)


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The explorer page of the checked-in package, linking a release zip and
    a workbook made here (the zip holds only the descriptor: the page copies
    it, it does not read it)."""
    import json
    import zipfile

    from minusma_build.site import build_site
    from minusma_data.cli import main as cli

    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    work = tmp_path_factory.mktemp("site")
    archive = work / f"minusma-data-{version}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(ROOT / "datapackage.json", "datapackage.json")
    need("xlsxwriter", "xlsx")
    workbook = work / f"minusma-data-{version}.xlsx"
    assert cli(["export", "--format", "xlsx", "--output", str(workbook)]) == 0
    build_site(ROOT, work / "site", archive, workbook)
    return work / "site"


@pytest.fixture(scope="session")
def release_folder(tmp_path_factory) -> Path:
    """The data zip written from this checkout's files, as `make release`
    writes it from a commit, unzipped into a folder of its own: all that a
    zip-only user has. The zip itself lies beside the folder."""
    import json
    import zipfile

    from minusma_build import release

    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    work = tmp_path_factory.mktemp("release")
    archive = work / f"minusma-data-{version}.zip"
    release.write_zip(ROOT, archive, 1_700_000_000)
    with zipfile.ZipFile(archive) as unzipping:
        unzipping.extractall(work / "unzipped")
    return work / "unzipped"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The published package alone (datapackage.json and data/, no curated
    files), in a folder of its own, to load or damage as `data_home`."""
    dest = tmp_path / "copy"
    dest.mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest


class Hung(BaseException):
    """Raised by `returns_within` into a block that blocks; not an OSError (nor
    any Exception), so no handler of the code under test can report it as one."""


@contextlib.contextmanager
def returns_within(seconds: int = 20) -> Iterator[None]:
    """Fail, rather than stall the suite, if the block blocks: SIGALRM (which
    the build does not hold back) ends an open() waiting on a named pipe."""

    def expire(_signum: int, _frame: object) -> None:
        raise Hung(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding slow tests first: two workers take whole files in
    collection order, and a long file reached last leaves one worker idle
    while the other finishes it."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)
