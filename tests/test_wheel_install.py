"""The wheel carries the data: built from a copy of the repository, installed
into a fresh virtual environment (no system site-packages), it loads every
table from its own bundled copy, from a folder outside the checkout, and its
command line works.

Slow (a wheel build and a pip install of pandas and pyarrow), so marked
`slow`; it still runs in a plain `python -m pytest`.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHEEL_INPUTS = (
    "pyproject.toml",
    "hatch_build.py",
    "README.md",
    "LICENSE",
    "LICENSE-DATA",
    "datapackage.json",
    "src",
    "data",
    "docs",
)

pytestmark = pytest.mark.slow

SCRIPT = r"""
import json, sys
import minusma_data
out = {
    "module": minusma_data.__file__,
    "version": minusma_data.__version__,
    "tables": list(minusma_data.TABLES),
    "rows": {t: len(minusma_data.load(t)) for t in minusma_data.TABLES},
    "csv_rows": {t: len(minusma_data.load(t, format="csv", verify=True)) for t in minusma_data.TABLES},
    "paths": [str(minusma_data.path(t, format=f)) for t in minusma_data.TABLES for f in ("csv", "parquet")],
    "named": int(minusma_data.load_events(resolve_actors=True)["initiator_actor_name"].notna().sum()),
}
print(json.dumps(out))
"""


def copy_wheel_inputs(dest: Path) -> Path:
    """What the wheel is built from, copied while no build is rewriting data/."""
    from minusma_build.publish import build_lock

    dest.mkdir()
    with build_lock(ROOT):
        for name in WHEEL_INPUTS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    dest / name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".staging-*", "_data"),
                )
            else:
                shutil.copy2(source, dest / name)
    return dest


def run(args: list, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, timeout=900, check=False, **kwargs
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def count_csv_rows(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_wheel_installs_into_a_fresh_venv_and_loads_its_bundled_data(tmp_path):
    repo = copy_wheel_inputs(tmp_path / "repo")
    dist = tmp_path / "dist"
    # Use the hatchling at hand when there is one; otherwise let build fetch it.
    isolation = ["--no-isolation"] if importlib.util.find_spec("hatchling") else []
    run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, *isolation, repo])
    (wheel,) = dist.glob("minusma_data-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    published = {r["path"] for r in descriptor["resources"]} | {s["path"] for s in descriptor["sources"]}
    bundled = {n.removeprefix("minusma_data/_data/") for n in names if n.startswith("minusma_data/_data/")}
    assert bundled == published | {"datapackage.json"}, "the wheel carries exactly the published files"
    assert all(n.startswith(("minusma_data/", "minusma_data-")) for n in names), "only the loader's package"

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, system_site_packages=False, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # The fresh environment gets no pip of its own (bootstrapping one takes
    # seconds): this environment's pip installs into it, as `pip install` run
    # there would, without compiling all of pandas and pyarrow ahead of time.
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile", wheel])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run([python, "-c", SCRIPT], cwd=elsewhere)
    result = json.loads(done.stdout)

    module = Path(result["module"]).resolve()
    assert module.is_relative_to(env_dir.resolve())
    assert not module.is_relative_to(ROOT)
    for listed in result["paths"]:
        assert Path(listed).resolve().is_relative_to(env_dir.resolve()), listed
        assert "_data" in Path(listed).parts

    tables = [r["name"] for r in descriptor["resources"] if r["format"] == "csv"]
    assert result["tables"] == tables
    assert result["version"] == descriptor["version"]
    expected = {t: count_csv_rows(repo / "data" / f"{t}.csv") for t in tables}
    assert result["rows"] == expected
    assert result["csv_rows"] == expected
    assert result["named"] > 0

    info = run([env_dir / "bin" / "minusma-data", "info"], cwd=elsewhere)
    assert info.stdout.startswith(f"minusma-data {descriptor['version']}\n")
    assert "(bundled)" in info.stdout
    assert run([python, "-m", "minusma_data", "info"], cwd=elsewhere).stdout == info.stdout

    # An export from the installed wheel carries the licences the wheel ships, and loads back.
    run([env_dir / "bin" / "minusma-data", "export", "--format", "csv", "--output", "out"], cwd=elsewhere)
    for name in ("LICENSE", "LICENSE-DATA"):
        assert (elsewhere / "out" / name).read_bytes() == (repo / name).read_bytes()
    back = run(
        [
            python,
            "-c",
            "import minusma_data as m; print(len(m.load('events', format='csv', data_home='out', verify=True)))",
        ],
        cwd=elsewhere,
    )
    assert int(back.stdout) == expected["events"]

    validate = subprocess.run(
        [python, "-m", "minusma_data", "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert validate.returncode != 0  # frictionless is an extra, not installed here
    assert 'pip install "minusma-data[validate]"' in validate.stderr
