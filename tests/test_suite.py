"""The test suite's own rules: an optional tool is looked for through
conftest's `need`, `need_program` or `missing`, which skip where it is absent
but fail under CI, so a dropped test extra cannot let a module pass by
skipping; and hypothesis runs under a known profile."""

from __future__ import annotations

import re
from pathlib import Path

import conftest
import pytest

TESTS = Path(__file__).resolve().parent
SKIPS = re.compile(r"importorskip|pytest\.skip\(|mark\.skipif|shutil\.which\(")


def test_optional_tools_are_looked_for_through_conftest():
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name != "conftest.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SKIPS.search(line) and path.name != Path(__file__).name
    ]
    assert not found, found


def outcome(call) -> type[BaseException] | None:
    """What calling `call` raised (skip, fail, ...), caught here so that a
    skip cannot pass for this test's own."""
    try:
        call()
    except BaseException as exc:  # pytest's skip and fail are BaseExceptions
        return type(exc)
    return None


def test_a_missing_tool_skips_here_and_fails_under_ci(monkeypatch):
    module = lambda: conftest.need("no_module_by_this_name")  # noqa: E731
    program = lambda: conftest.need_program("no-program-by-this-name", "nowhere")  # noqa: E731
    monkeypatch.setattr(conftest, "UNDER_CI", False)
    assert outcome(module) is outcome(program) is pytest.skip.Exception
    monkeypatch.setattr(conftest, "UNDER_CI", True)
    assert outcome(module) is outcome(program) is pytest.fail.Exception
    assert conftest.need("json").dumps([]) == "[]"


def test_hypothesis_runs_derandomized_under_ci():
    from hypothesis import settings

    assert conftest.profile_for({"CI": "true"}) == conftest.profile_for({"CI": "1"}) == "ci"
    assert conftest.profile_for({}) == conftest.profile_for({"CI": "false"}) == "dev"
    assert conftest.profile_for({"CI": "true", "HYPOTHESIS_PROFILE": "long"}) == "long"
    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.database is None
    assert not settings.get_profile("dev").derandomize
    assert conftest.SCALE["long"] > conftest.SCALE["ci"]
    assert settings.default.derandomize == (conftest.PROFILE == "ci")
