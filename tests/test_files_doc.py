"""docs/files.md: its file table matches datapackage.json, and its
pandas, DuckDB and R examples run against the published files and agree
with the loader (same types, same names from the worked join)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "files.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC, re.M | re.S)


def descriptor() -> dict:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def expected_names() -> pd.DataFrame:
    """Initiator and target names as the loader resolves them."""
    from minusma_data import load_events

    events = load_events(resolve_actors=True, data_home=ROOT)
    return events[["event_id", "initiator_actor_name", "target_actor_name"]].astype(object).where(
        events[["event_id", "initiator_actor_name", "target_actor_name"]].notna(), None)


def test_the_file_table_lists_every_table_with_its_published_paths():
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| `([^`]+)` \|$", DOC, re.M)
    resources = {(r["name"].removesuffix("-parquet"), r["format"]): r["path"] for r in descriptor()["resources"]}
    tables = [r["name"] for r in descriptor()["resources"] if r["format"] == "csv"]
    assert [row[0] for row in rows] == tables
    for table, csv_path, parquet_path in rows:
        assert resources[(table, "csv")] == csv_path
        assert resources[(table, "parquet")] == parquet_path


def test_the_pandas_examples_give_the_types_and_the_join(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    for code in blocks("python"):
        exec(compile(code, "docs/files.md", "exec"), namespace)
    events, figures = namespace["events"], namespace["figures"]
    assert str(events["date_start"].dtype).startswith("datetime64")
    assert str(events["char_start"].dtype) == "Int64"
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert str(figures["value"].dtype) == "Float64"
    assert isinstance(figures["unit"].dtype, pd.CategoricalDtype)
    joined = events[["event_id", "initiator_name", "target_name"]].astype(object)
    joined = joined.where(joined.notna(), None)
    expected = expected_names()
    assert joined["event_id"].tolist() == expected["event_id"].tolist()
    assert joined["initiator_name"].tolist() == expected["initiator_actor_name"].tolist()
    assert joined["target_name"].tolist() == expected["target_actor_name"].tolist()
    assert joined["initiator_name"].notna().sum() > 0


def test_the_duckdb_examples_run_and_the_join_matches_the_loader(monkeypatch):
    duckdb = pytest.importorskip("duckdb")
    monkeypatch.chdir(ROOT)
    (sql,) = blocks("sql")
    statements = [s.strip() for s in re.sub(r"--[^\n]*", "", sql).split(";") if s.strip()]
    con = duckdb.connect()
    typed = con.execute(statements[0])
    kinds = {d[0]: str(d[1]) for d in typed.description}
    assert kinds["date_start"] == "DATE" and kinds["char_start"] == "BIGINT" and kinds["summary"] == "VARCHAR"
    rows = con.execute(statements[1]).fetchall()
    expected = expected_names().sort_values("event_id")
    assert [r[0] for r in rows] == expected["event_id"].tolist()
    assert [r[2] for r in rows] == expected["initiator_actor_name"].tolist()
    assert [r[3] for r in rows] == expected["target_actor_name"].tolist()


def r_with_readr() -> bool:
    if not shutil.which("Rscript"):
        return False
    done = subprocess.run(["Rscript", "-e", "library(readr)"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not r_with_readr(), reason="needs Rscript with readr")
def test_the_r_example_runs_and_the_join_matches_the_loader(tmp_path):
    (code,) = blocks("r")
    script = tmp_path / "example.R"
    script.write_text(code + '\nwrite.csv(events[, c("event_id", "initiator_name", "target_name")], '
                      'stdout(), row.names = FALSE, na = "")\n'
                      'cat("TYPES", class(events$date_start), class(events$char_start), "\\n")\n', encoding="utf-8")
    done = subprocess.run(["Rscript", str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "TYPES Date integer" in done.stdout
    text = done.stdout[done.stdout.index('"event_id"'):done.stdout.index("TYPES")]
    joined = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    expected = expected_names()
    assert joined["event_id"].tolist() == expected["event_id"].tolist()
    expected_initiators = [name or "" for name in expected["initiator_actor_name"]]
    assert joined["initiator_name"].tolist() == expected_initiators
