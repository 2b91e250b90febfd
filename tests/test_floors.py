"""The version floors pyproject.toml claims are the ones CI installs and tests
(ci/floors.txt, the "floors" job of .github/workflows/ci.yml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINS = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "ci" / "floors.txt").read_text(encoding="utf-8"), re.M))
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def floors(requirements: list[str]) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?>=([^,;\s]+)", "\n".join(requirements), re.M))


def test_every_dependency_floor_is_pinned_for_ci():
    claimed = floors(PROJECT["dependencies"])
    assert set(claimed) == {"pandas", "pyarrow"}
    for name, floor in claimed.items():
        assert PINS[name].startswith(floor), (name, floor, PINS[name])


def test_polars_extra_floor_is_pinned_for_ci():
    assert PINS["polars"].startswith(floors(PROJECT["optional-dependencies"]["polars"])["polars"])


def test_pyarrow_floor_cannot_pair_with_numpy_2():
    """pyarrow 14 declares no numpy ceiling yet fails at import under numpy 2;
    from 15 pip cannot pair them (15 needs numpy<2, 16 and later support numpy 2)."""
    major = int(floors(PROJECT["dependencies"])["pyarrow"].split(".")[0])
    assert major >= 15
    assert int(PINS["numpy"].split(".")[0]) < 2


def test_ci_installs_the_floors_and_runs_the_loader_tests():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "-c ci/floors.txt" in workflow
    for test in ("tests/test_loader.py", "tests/test_backends.py", "tests/test_verify_parquet.py"):
        assert test in workflow
