"""A Parquet file asked for in pyarrow or polars is read by that library alone
(no pandas on the polars path, no pandas on the pyarrow path), and a damaged
file is refused there exactly as the pandas reader refuses it: the same code,
the same file, the same sentence.

Each test damages a copy of the published files in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from minusma_data import DataFileError, load

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: r["schema"] for r in PACKAGE["resources"] if r["format"] == "csv"}
BACKENDS = ["pandas", "pyarrow", "polars"]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    dest = tmp_path / "home"
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    return dest


def rewrite(home: Path, table: str, change) -> Path:
    target = home / "data" / f"{table}.parquet"
    pq.write_table(change(pq.read_table(target)), target)
    return target


def refusals(home: Path, table: str, **options) -> dict[str, DataFileError]:
    """The error each backend raises loading `table` from `home`."""
    errors = {}
    for backend in BACKENDS:
        with pytest.raises(DataFileError) as raised:
            load(table, backend=backend, data_home=home, **options)
        errors[backend] = raised.value
    return errors


def assert_same_refusal(errors: dict[str, DataFileError], path: Path, code: str = "file-damaged") -> str:
    messages = {backend: str(e) for backend, e in errors.items()}
    assert len(set(messages.values())) == 1, messages
    for error in errors.values():
        assert (error.code, error.path) == (code, path)
    return messages["pandas"]


def set_cell(table: pa.Table, column: str, row: int, value) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    kind = table.schema.field(column).type
    array = pa.array(values, type=kind.value_type if pa.types.is_dictionary(kind) else kind)
    return table.set_column(table.column_names.index(column), column, array)


def test_a_value_outside_its_vocabulary(home):
    target = rewrite(home, "events", lambda t: set_cell(t, "status", 2, "rumoured"))
    message = assert_same_refusal(refusals(home, "events"), target)
    assert "'rumoured'" in message and "data row 3" in message and "vocabulary" in message


def test_a_whole_number_code_outside_its_vocabulary(home):
    """quad_code is an integer with an enum (1-4): 7 is a number, and still refused, in the same words."""
    row = next(i for i, v in enumerate(pq.read_table(home / "data" / "events.parquet")["quad_code"].to_pylist()) if v)
    target = rewrite(home, "events", lambda t: set_cell(t, "quad_code", row, 7))
    message = assert_same_refusal(refusals(home, "events"), target)
    assert "'quad_code'" in message and "7" in message and f"data row {row + 1}" in message
    assert "in its vocabulary: 1, 2, 3, 4" in message


def test_a_missing_column(home):
    target = rewrite(home, "figures", lambda t: t.drop_columns(["scope_note"]))
    assert "missing scope_note" in assert_same_refusal(refusals(home, "figures"), target)


def test_an_unexpected_column(home):
    target = rewrite(home, "figures", lambda t: t.append_column("extra", pa.array(["x"] * t.num_rows)))
    assert "unexpected extra" in assert_same_refusal(refusals(home, "figures"), target)


def test_a_required_value_left_empty(home):
    required = next(f["name"] for f in SCHEMAS["events"]["fields"][1:] if f.get("constraints", {}).get("required"))
    target = rewrite(home, "events", lambda t: set_cell(t, required, 4, None))
    message = assert_same_refusal(refusals(home, "events"), target)
    assert f"column {required!r} is required but empty in data row 5" in message


def test_an_empty_string_is_missing_as_in_the_csv(home):
    """missingValues [""] holds for Parquet text too: "" in a required column is an empty cell."""
    required = next(f["name"] for f in SCHEMAS["events"]["fields"][1:] if f.get("constraints", {}).get("required"))
    target = rewrite(home, "events", lambda t: set_cell(t, required, 0, ""))
    assert "required but empty in data row 1" in assert_same_refusal(refusals(home, "events"), target)


def test_a_repeated_primary_key(home):
    target = rewrite(home, "actors", lambda t: pa.concat_tables([t, t.slice(3, 1)]))
    errors = refusals(home, "actors")
    assert "must be unique" in assert_same_refusal(errors, target)
    errors = refusals(home, "events", resolve_actors=True)  # read while resolving names
    assert_same_refusal(errors, target)


def test_an_integer_column_holding_text(home):
    target = rewrite(home, "events", lambda t: t.set_column(t.column_names.index("char_start"), "char_start",
                                                           pc.cast(t.column("char_start"), pa.string())))  # fmt: skip
    intact = rewrite(home, "passages", lambda t: t)  # text that is all digits still loads as the schema's integers
    assert load("passages", backend="polars", data_home=home)["char_start"].dtype.is_integer()
    assert intact.exists()
    target = rewrite(home, "events", lambda t: set_cell(t, "char_start", 1, "x1"))
    for backend, error in refusals(home, "events").items():
        assert (error.code, error.path) == ("file-damaged", target), backend
        assert "'char_start'" in str(error), backend


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_file_that_is_not_parquet(home, damage):
    target = home / "data" / "events.parquet"
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"event_id,summary\nx,y\n")
    for backend, error in refusals(home, "events").items():
        assert (error.code, error.path) == ("file-damaged", target), backend
        assert "not readable Parquet" in str(error), backend
        assert len(str(error).splitlines()) == 2, backend  # the problem, then the remedy


def test_a_missing_file(home):
    target = home / "data" / "places.parquet"
    target.unlink()
    assert_same_refusal(refusals(home, "places"), target, code="file-missing")


@pytest.mark.parametrize(("backend", "absent"), [("polars", ("pandas", "pyarrow")), ("pyarrow", ("pandas",))])
def test_the_native_path_imports_no_pandas(backend, absent):
    code = (
        "import sys\nfrom minusma_data import load_events, load_statements\n"
        f"load_events(backend={backend!r}); load_statements(backend={backend!r}, resolve_actors=True)\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'numpy') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    imported = eval(out)  # a list of module names, printed above
    assert not set(imported) & set(absent), imported
