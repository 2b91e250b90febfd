"""Type checkers see the real return types, and the typed helpers follow the
descriptor.

A user's snippet is checked by mypy in a folder of its own, against the
installed package (its py.typed included): `reveal_type` must name the pandas,
polars and pyarrow classes. The `load_<table>` helpers and `TableName` are
generated from datapackage.json (python -m minusma_build.loaders); they are
compared here with expectations written from the descriptor itself.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import minusma_data

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"] if r["format"] == "csv"}
TABLES = list(RESOURCES)

SNIPPET = """\
from minusma_data import load, load_actors, load_events

reveal_type(load_events())
reveal_type(load_events(backend="polars"))
reveal_type(load_events(format="csv", backend="pyarrow"))
reveal_type(load("actors", backend="pyarrow"))
reveal_type(load("actors"))
reveal_type(load_actors(resolve_actors=True, backend="polars"))
"""
EXPECTED = [
    "pandas.core.frame.DataFrame",
    "polars.dataframe.frame.DataFrame",
    "pyarrow.Table",
    "pyarrow.Table",
    "pandas.core.frame.DataFrame",
    "polars.dataframe.frame.DataFrame",
]


WRONG = 'from minusma_data import load_events\nload_events(backend="polar")\nload_events(format="xlsx")\n'
"""Two calls a type checker must reject: a backend and a format that do not exist."""


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> subprocess.CompletedProcess[str]:
    """mypy --strict over both snippets at once, each in a file of its own,
    as a user's project would be checked (one mypy run costs seconds)."""
    folder = tmp_path_factory.mktemp("typed")
    (folder / "snippet.py").write_text(SNIPPET, encoding="utf-8")
    (folder / "wrong.py").write_text(WRONG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", "snippet.py", "wrong.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def lines_of(done: subprocess.CompletedProcess[str], name: str) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(f"{name}:")]


@pytest.mark.slow
def test_a_type_checker_sees_pandas_polars_and_pyarrow(checked):
    lines = lines_of(checked, "snippet.py")
    revealed = re.findall(r'Revealed type is "([^"]+)"', "\n".join(lines))
    # pyarrow-stubs names the class by the module that defines it; users import it as pyarrow.Table.
    revealed = [re.sub(r"^pyarrow\.[\w.]*\.Table$", "pyarrow.Table", r) for r in revealed]
    assert revealed == EXPECTED, checked.stdout + checked.stderr
    assert not [line for line in lines if ": error:" in line], checked.stdout


@pytest.mark.slow
def test_a_wrong_option_is_a_type_error(checked):
    assert checked.returncode == 1
    assert len([line for line in lines_of(checked, "wrong.py") if ": error:" in line]) == 2, checked.stdout


def actor_columns(resource: dict) -> list[str]:
    """Written here from the descriptor: single-column foreign keys into actors."""
    columns = []
    for fk in resource["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        target = (fk["reference"].get("resource") or resource["name"]).removesuffix("-parquet")
        if target == "actors" and len(fields) == 1:
            columns += fields
    return columns


@pytest.mark.parametrize("table", TABLES)
def test_each_table_has_its_typed_helper(table):
    helper = getattr(minusma_data, f"load_{table}")
    assert f"load_{table}" in minusma_data.__all__
    parameters = inspect.signature(helper).parameters
    expected = ["format", *(["resolve_actors"] if actor_columns(RESOURCES[table]) else []), "verify", "backend"]
    assert list(parameters) == [*expected, "data_home"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    defaults = {"format": "parquet", "resolve_actors": False, "verify": False, "backend": "pandas", "data_home": None}
    assert {name: p.default for name, p in parameters.items()} == {name: defaults[name] for name in parameters}
    doc = " ".join((helper.__doc__ or "").split())
    assert " ".join(RESOURCES[table]["description"].split()) in doc
    for column in actor_columns(RESOURCES[table]):
        assert column.removesuffix("_id") + "_name" in doc


def test_no_helper_for_a_table_the_descriptor_lacks():
    helpers = {name for name in minusma_data.__all__ if name.startswith("load_")}
    assert helpers == {f"load_{t}" for t in TABLES}


def test_the_static_table_name_is_the_descriptors():
    tree = ast.parse((ROOT / "src" / "minusma_data" / "_tables.py").read_text(encoding="utf-8"))
    literal = next(
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["TableName"]
    )
    assert isinstance(literal, ast.Subscript) and isinstance(literal.slice, ast.Tuple)
    assert [element.value for element in literal.slice.elts] == TABLES  # type: ignore[attr-defined]


def test_the_generated_helpers_are_up_to_date():
    done = subprocess.run(
        [sys.executable, "-m", "minusma_build.loaders", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_a_new_table_gets_its_helper_and_a_stale_file_is_caught(tmp_path):
    """Declare a table in a copy's descriptor: --check fails until the helpers are generated again."""
    (tmp_path / "src" / "minusma_data").mkdir(parents=True)
    shutil.copy2(ROOT / "src" / "minusma_data" / "_tables.py", tmp_path / "src" / "minusma_data" / "_tables.py")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    things = {**RESOURCES["places"], "name": "things", "description": "Things the article names, for a test."}
    descriptor["resources"].append(things)
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    command = [sys.executable, "-m", "minusma_build.loaders", "--root", str(tmp_path)]
    stale = subprocess.run([*command, "--check"], cwd=ROOT, capture_output=True, text=True)
    assert stale.returncode == 1 and "_tables.py" in stale.stderr
    assert subprocess.run(command, cwd=ROOT, capture_output=True).returncode == 0
    text = (tmp_path / "src" / "minusma_data" / "_tables.py").read_text(encoding="utf-8")
    assert "def load_things(" in text and "Things the article names, for a test." in text
    assert subprocess.run([*command, "--check"], cwd=ROOT, capture_output=True).returncode == 0


def test_import_minusma_data_imports_no_typing_and_no_library():
    heavy = ("typing", "pandas", "pyarrow", "polars", "numpy")
    code = f"import sys, minusma_data; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "[]"
