"""Every recipe in docs/reading.md runs as written and reads the types
datapackage.json gives, and the worked join prints the actors' names; the
page's claims about what type-guessing readers get wrong hold.

Python blocks run in this process; the R block runs with Rscript, which must
be present in CI (env var CI set) and may be missing elsewhere (skip)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import need, need_program

from minusma_data.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "reading.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(python|r)\n(.*?)^```$", PAGE, re.M | re.S)
PYTHON = [code for language, code in BLOCKS if language == "python"]
R = [code for language, code in BLOCKS if language == "r"]
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
FIELDS = {
    r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in PACKAGE["resources"] if r["format"] == "csv"
}
CHOSEN = ("lavrov-calls-diop", "unsc-votes-to-end-minusma")
# Checked by hand against data/curated/events.toml and actors.toml.
NAMES = {
    "lavrov-calls-diop": ("Sergei Lavrov", "Abdoulaye Diop"),
    "unsc-votes-to-end-minusma": ("UN Security Council", "Malian military junta"),
}


def csv_rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected_join() -> str:
    """The join's output, from the CSV files read with the standard library."""
    names = {r["actor_id"]: r["name"] for r in csv_rows("actors")}
    lines = ["event_id,initiator_name,target_name,date_start"]
    for row in csv_rows("events"):
        if row["event_id"] in CHOSEN:
            initiator, target = names[row["initiator_actor_id"]], names[row["target_actor_id"]]
            assert (initiator, target) == NAMES[row["event_id"]]
            lines.append(f"{row['event_id']},{initiator},{target},{row['date_start']}")
    return "\n".join(lines) + "\n"


def enum(table: str, field: str) -> list[str]:
    return FIELDS[table][field]["constraints"]["enum"]


def test_the_page_has_its_recipes():
    assert len(PYTHON) == 2 and len(R) == 1
    assert "import pandas" in PYTHON[0] and "import duckdb" in PYTHON[1]


@pytest.fixture(params=["checkout", "release", "export"])
def folder(request, tmp_path, capsys) -> Path:
    """The repository root, an unzipped release zip, or a folder made by `minusma-data export --format csv`."""
    if request.param == "checkout":
        return ROOT
    if request.param == "release":
        return request.getfixturevalue("release_folder")
    assert main(["export", "--format", "csv", "--output", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    return tmp_path / "out"


def run_python(code: str, folder: Path, monkeypatch) -> dict:
    monkeypatch.chdir(folder)
    namespace: dict = {"__name__": "__recipe__"}
    exec(compile(code, "docs/reading.md", "exec"), namespace)
    return namespace


def test_pandas_recipe(folder, monkeypatch, capsys):
    import pandas as pd

    ns = run_python(PYTHON[0], folder, monkeypatch)
    assert capsys.readouterr().out == expected_join()
    events, actors, figures = ns["events"], ns["actors"], ns["figures"]
    assert pd.api.types.is_datetime64_dtype(events["date_start"])
    assert list(events["status"].cat.categories) == enum("events", "status")
    assert figures["value"].dtype == pd.Float64Dtype() and actors["mention_count"].dtype == pd.Int64Dtype()
    assert events["date_reference_id"].dtype == pd.StringDtype()
    assert len(events) == len(csv_rows("events"))


def test_duckdb_recipe(folder, monkeypatch, capsys):
    need("duckdb")
    ns = run_python(PYTHON[1], folder, monkeypatch)
    assert capsys.readouterr().out == expected_join()
    types = dict(ns["con"].execute("SELECT column_name, column_type FROM (DESCRIBE figures)").fetchall())
    assert (types["value"], types["char_start"]) == ("DOUBLE", "BIGINT")
    types = dict(ns["con"].execute("SELECT column_name, column_type FROM (DESCRIBE sources)").fetchall())
    assert (types["publisher"], types["published_date"]) == ("VARCHAR", "DATE")
    (count,) = ns["con"].execute('SELECT count(*) FROM "references"').fetchone()
    assert count == len(csv_rows("references"))


R_CHECKS = r"""
cat("TYPES", class(figures$value), class(actors$mention_count), class(events$char_start),
    class(events$date_start), class(sources$publisher), class(sources$published_date), "\n")
cat("LEVELS", levels(events$status), "\n")
cat("PROBLEMS", nrow(problems(events)), nrow(problems(figures)), nrow(problems(sources)), "\n")
"""


def rscript() -> str:
    return need_program("Rscript", "apt-get install r-base-core r-cran-readr r-cran-jsonlite")


def run_r(code: str, folder: Path, tmp_path: Path) -> str:
    script = tmp_path / "recipe.R"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [rscript(), "--vanilla", str(script)], cwd=folder, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # starts R
def test_r_recipe(folder, tmp_path):
    out = run_r(R[0] + R_CHECKS, folder, tmp_path)
    join, _, checks = out.partition("TYPES")
    assert join == expected_join()
    assert checks.split("\n")[0].split() == ["numeric", "integer", "integer", "Date", "character", "Date"]
    assert out.split("LEVELS")[1].split("\n")[0].split() == enum("events", "status")
    assert out.split("PROBLEMS")[1].split() == ["0", "0", "0"]


# -- what guessing gets wrong, as docs/reading.md says ------------------------------


@pytest.mark.slow  # starts R
def test_readr_guesses_double_and_logical(tmp_path):
    out = run_r(
        "library(readr)\n"
        's <- read_csv("data/sources.csv", show_col_types = FALSE)\n'
        'a <- read_csv("data/actors.csv", show_col_types = FALSE)\n'
        "cat(class(a$mention_count), class(s$char_length), class(s$publisher), class(s$published_date))\n",
        ROOT,
        tmp_path,
    )
    assert out.split() == ["numeric", "numeric", "logical", "logical"]


def test_duckdb_guesses_bigint_for_whole_numbers():
    duckdb = need("duckdb")
    guessed = dict(
        duckdb.sql(
            f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
            f"read_csv('{(ROOT / 'data' / 'figures.csv').as_posix()}'))"
        ).fetchall()
    )
    assert FIELDS["figures"]["value"]["type"] == "number"
    assert guessed["value"] == guessed["lower_bound"] == "BIGINT"


def test_pandas_guesses_float_for_empty_text_and_text_for_dates():
    import pandas as pd

    sources = pd.read_csv(ROOT / "data" / "sources.csv")
    events = pd.read_csv(ROOT / "data" / "events.csv")
    assert str(sources["publisher"].dtype) == str(sources["published_date"].dtype) == "float64"
    assert not pd.api.types.is_datetime64_any_dtype(events["date_start"])
