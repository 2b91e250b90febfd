"""Shared fixtures: the repository root, and scratch copies of it for tests
that edit curated files or run the build."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("data", "scripts", "datapackage.json")


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


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The explorer page of the checked-in package, linking a release zip made here."""
    import json
    import zipfile

    from minusma_build.site import build_site

    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    work = tmp_path_factory.mktemp("site")
    archive = work / f"minusma-data-{version}.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(ROOT / "datapackage.json", "datapackage.json")
    build_site(ROOT, work / "site", archive)
    return work / "site"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The published package alone (datapackage.json and data/, no curated
    files), in a folder of its own, to load or damage as `data_home`."""
    dest = tmp_path / "copy"
    dest.mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest
