"""No value of the data reaches a shell: the Makefile's recipes use only the
variables a developer sets (the interpreter, the environment's folder,
RELEASE_FLAGS), never one read from a file, and the workflows pass what
they are given through the environment, never into a `make` line.

The package's version is checked by the build (package-version-malformed),
but `make site` must be safe with any datapackage.json, so one test runs it
with a version that is a shell command.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import yaml
from conftest import ROOT, need_program

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
DEVELOPER_VARIABLES = {"PYTHON", "VENV", "BIN", "PY", "HERE", "PIP", "RELEASE_FLAGS", "FLOORS", "FLOOR_TESTS", "@"}
"""What a recipe may expand: set in the Makefile or on make's command line, never read from data."""


def test_the_makefile_reads_no_file_into_a_variable():
    assert "$(shell" not in MAKEFILE and "$(file" not in MAKEFILE and "$(wildcard" not in MAKEFILE


def test_recipes_expand_only_the_developers_variables():
    recipes = [line for line in MAKEFILE.splitlines() if line.startswith("\t")]
    used = {m for line in recipes for m in re.findall(r"\$[({]([^)}]+)[)}]|\$(@)", line) for m in m if m}
    assert used <= DEVELOPER_VARIABLES, used - DEVELOPER_VARIABLES


def test_workflows_pass_nothing_of_their_own_into_make():
    """A `make` line in a workflow holds no `$`: a tag or a ref given to a
    Make variable would be pasted into a recipe and run by its shell."""
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                for line in step.get("run", "").splitlines():
                    if re.search(r"(^|[;&|]\s*)make\b", line.strip()):
                        assert "$" not in line, f"{path.name}: {line}"


def test_a_hostile_version_runs_no_command_in_make_site(tmp_path):
    """`make site` on a package whose version is `0.1.0; touch PWNED; echo`,
    with stand-ins for the programs it runs: no PWNED, and the version is in
    no command line (the page finds the release files itself)."""
    make = need_program("make", "apt-get install make")
    shutil.copy2(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "0.1.0; touch PWNED; echo $(touch PWNED2) `touch PWNED3`"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "commands.log"
    for name in ("python", "minusma-data"):
        stand_in = bin_dir / name
        stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\n', encoding="utf-8")
        stand_in.chmod(0o755)
    for stamp in (".installed-data", ".installed-xlsx"):
        (bin_dir / stamp).touch()
    done = subprocess.run(
        [make, "site", "VENV=venv"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith("PWNED")]
    commands = log.read_text(encoding="utf-8")
    assert "-m minusma_build.site --output site --release-dir dist" in commands
    assert "0.1.0" not in commands and "PWNED" not in commands
