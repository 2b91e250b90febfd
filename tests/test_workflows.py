"""The GitHub workflows parse, and pass the structural checks actionlint
would make (actionlint itself is not installable from PyPI or apt here):
every job runs somewhere and has steps, every action is pinned to a version,
`needs` and step outputs point at what exists, no `${{ }}` expression is
pasted into a shell script, and every make target and release option the
workflows call exists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from minusma_build import release

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@v\d+(\.\d+){0,2}$")


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return workflow


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for m in re.finditer(r"^([A-Za-z][\w.-]*):", text, re.M)}


def steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, job, step


def test_there_are_workflows():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_runs_somewhere_with_steps_and_known_needs(path):
    workflow = load(path)
    assert workflow.get("name") and workflow.get("on") and workflow.get("jobs")
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("runs-on"), str), f"{name}: no runs-on"
        assert job.get("steps"), f"{name}: no steps"
        needs = job.get("needs", [])
        for needed in [needs] if isinstance(needs, str) else needs:
            assert needed in workflow["jobs"], f"{name} needs unknown job {needed}"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step needs exactly one of uses/run: {step}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_version(path):
    for name, _, step in steps(load(path)):
        if "uses" in step:
            assert PINNED.match(step["uses"]), f"{name}: {step['uses']} is not pinned to a vN[.N[.N]] tag"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_script(path):
    """Expressions go through `env:`; pasted into `run:` they are a script
    injection (actionlint's `expression` check on untrusted input)."""
    for name, _, step in steps(load(path)):
        script = step.get("run", "")
        names_only = re.sub(r"^\s*- name:.*$", "", script, flags=re.M)
        allowed = re.findall(r"\$\{\{\s*matrix\.[\w.]+\s*\}\}", names_only)
        assert names_only.count("${{") == len(allowed), f"{name}: expression in run: {script!r}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_step_outputs_that_conditions_read_exist(path):
    for name, job, step in steps(load(path)):
        for ref in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", str(step.get("if", ""))):
            producer = [s for s in job["steps"] if s.get("id") == ref[0]]
            assert producer, f"{name}: no step with id {ref[0]}"
            assert f"{ref[1]}=" in producer[0].get("run", ""), f"{name}: step {ref[0]} never sets {ref[1]}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_make_targets_called_exist_or_are_guarded(path):
    text = path.read_text(encoding="utf-8")
    targets = make_targets()
    for name, _, step in steps(load(path)):
        for target in re.findall(r"(?:^|[;&|]\s*|\s)make\s+([A-Za-z][\w.-]*)", step.get("run", "")):
            guarded = f"grep -q '^{target}:' Makefile" in text and "if" in step
            assert target in targets or guarded, f"{name}: `make {target}` is not a Makefile target"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_release_options_called_exist(path):
    parser_text = Path(release.__file__).read_text(encoding="utf-8")
    for name, _, step in steps(load(path)):
        if "minusma_build.release" in step.get("run", "") or "RELEASE_FLAGS" in step.get("run", ""):
            for option in re.findall(r"\s(--[a-z][\w-]*)", step["run"]):
                assert f'"{option}"' in parser_text, f"{name}: the release command has no option {option}"


def test_release_runs_on_version_tags_tests_first_and_publishes_with_least_privilege():
    workflow = load(ROOT / ".github" / "workflows" / "release.yml")
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["build"]["needs"] == "test"
    assert any(s.get("run") == "make test" for s in jobs["test"]["steps"])
    assert any("make release" in s.get("run", "") for s in jobs["build"]["steps"])
    for publishing in ("github-release", "pypi"):
        assert jobs[publishing]["needs"] == "build"
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish@") for s in jobs["pypi"]["steps"])
    assert "password" not in str(jobs["pypi"])  # trusted publishing: no token
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    for name, job in jobs.items():
        if name not in ("github-release", "pypi"):
            assert "permissions" not in job, f"{name} should run with the workflow's read-only token"


def test_pull_requests_get_the_data_diff_and_the_bump_check():
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert "pull_request" in workflow["on"]
    job = workflow["jobs"]["data-diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    base = [s for s in job["steps"] if s.get("with", {}).get("ref") == "${{ github.base_ref }}"]
    assert base and base[0]["with"]["path"] == ".base"
    (check,) = [s for s in job["steps"] if "--check-bump" in s.get("run", "")]
    assert "--check-bump .base" in check["run"] and "$GITHUB_STEP_SUMMARY" in check["run"]
    assert check["shell"] == "bash"  # bash -eo pipefail: the check's exit status survives `tee`
