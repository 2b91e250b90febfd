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
import sys
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
# Each reader reads every CSV file with its defaults; every column whose guessed type is not
# its schema type must be a row of the page's table, and every row must be such a column.

GUESSING = PAGE.split("## What a type-guessing reader gets wrong")[1].split("\n## ")[0]
READERS = {"pandas": "pandas", "DuckDB": "duckdb", "readr": "readr"}
# The type each reader gives a column of each schema type when it reads it right.
RIGHT = {
    "pandas": {"string": "text", "integer": "int64", "number": "float64", "date": "datetime64"},
    "duckdb": {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE"},
    "readr": {"string": "text", "integer": "integer", "number": "double", "date": "Date"},
}
CLASS = re.compile(r"every (other )?`(\w+)` column( with an empty cell)?")
NAMED = re.compile(r"`(\w+)\.(\w+)`")


def has_empty(table: str, field: str) -> bool:
    return any(row[field] == "" for row in csv_rows(table))


def documented(reader: str) -> dict[tuple[str, str], str]:
    """(table, column) -> guessed type, as the page's table gives it for `reader`. A row names
    columns as `table.column`, or a class: "every `T` column" (with an empty cell), or "every
    other `T` column", the columns of type T that no other row of the reader names."""
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in GUESSING.splitlines()
        if line.startswith("| ") and not line.startswith("| Reader")
    ]
    mine = [(column, guessed, says) for who, column, guessed, says in rows if READERS[who.split()[0]] == reader]
    named: dict[tuple[str, str], str] = {}
    for column, guessed, _ in mine:
        for table, field in NAMED.findall(column):
            assert field in FIELDS[table], f"docs/reading.md names {table}.{field}, which is no column"
            named[(table, field)] = guessed
    found = dict(named)
    for column, guessed, says in mine:
        explicit = NAMED.findall(column)
        types = {FIELDS[t][f]["type"] for t, f in explicit}
        if match := CLASS.search(column):
            other, kind, empty = match.groups()
            types.add(kind)
            for table, fields in FIELDS.items():
                for field, spec in fields.items():
                    if spec["type"] != kind or (other and (table, field) in named):
                        continue
                    if empty and not has_empty(table, field):
                        continue
                    found[(table, field)] = guessed
        assert set(says.split(", ")) == types, f"{column}: the schema says {sorted(types)}, not {says}"
    return found


def wrong(reader: str, guessed: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    """The columns `reader` guesses other than as their schema type says."""
    return {
        (table, field): kind
        for (table, field), kind in guessed.items()
        if kind != RIGHT[reader][FIELDS[table][field]["type"]]
    }


def pandas_name(dtype) -> str:
    import pandas as pd

    if pd.api.types.is_string_dtype(dtype) or str(dtype) == "object":
        return "text"
    return "datetime64" if pd.api.types.is_datetime64_any_dtype(dtype) else str(dtype)


def test_the_table_names_every_column_pandas_guesses_wrong():
    import pandas as pd

    guessed = {}
    for table in FIELDS:
        frame = pd.read_csv(ROOT / "data" / f"{table}.csv")
        guessed |= {(table, field): pandas_name(frame[field].dtype) for field in frame.columns}
    assert wrong("pandas", guessed) == documented("pandas")
    # the leading zeros are lost, as the page says
    codes = pd.read_csv(ROOT / "data" / "events.csv")["cameo_event_code"]
    assert "062" in {r["cameo_event_code"] for r in csv_rows("events")} and 62.0 in set(codes)


def test_the_table_names_every_column_duckdb_guesses_wrong():
    duckdb = need("duckdb")
    guessed = {}
    for table in FIELDS:
        path = (ROOT / "data" / f"{table}.csv").as_posix()
        described = duckdb.sql(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_csv('{path}'))")
        guessed |= {(table, field): kind for field, kind in described.fetchall()}
    assert wrong("duckdb", guessed) == documented("duckdb")


READR_GUESSES = r"""
library(readr)
for (table in commandArgs(trailingOnly = TRUE)) {
  frame <- read_csv(file.path("data", paste0(table, ".csv")), show_col_types = FALSE, progress = FALSE)
  for (field in names(frame)) cat(table, field, class(frame[[field]])[1], "\n")
}
na <- read_csv(I("country\nNA\n"), show_col_types = FALSE)
cat("NA", is.na(na$country), "\n")
"""
R_NAMES = {"character": "text", "numeric": "double"}


@pytest.mark.slow  # starts R
def test_the_table_names_every_column_readr_guesses_wrong(tmp_path):
    script = tmp_path / "guess.R"
    script.write_text(READR_GUESSES, encoding="utf-8")
    done = subprocess.run(
        [rscript(), "--vanilla", str(script), *FIELDS], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    lines = [line.split() for line in done.stdout.splitlines()]
    guessed = {(row[0], row[1]): R_NAMES.get(row[2], row[2]) for row in lines if row[0] != "NA"}
    assert len(guessed) == sum(len(fields) for fields in FIELDS.values())
    assert wrong("readr", guessed) == documented("readr")
    assert ["NA", "TRUE"] in lines  # readr's default reads Namibia's code as missing


def test_pandas_reads_namibia_as_missing_unless_told():
    import io

    import pandas as pd

    assert pd.read_csv(io.StringIO("country\nNA\n"))["country"].isna().all()
    told = pd.read_csv(io.StringIO("country\nNA\n"), keep_default_na=False, na_values=[""])
    assert list(told["country"]) == ["NA"]


def test_the_table_check_sees_a_missing_row(monkeypatch):
    """Not vacuous: drop a row from the page's table and the columns it named go missing."""
    line = next(row for row in GUESSING.splitlines() if "`events.cameo_event_code`" in row)
    monkeypatch.setattr(sys.modules[__name__], "GUESSING", GUESSING.replace(line + "\n", ""))
    assert ("events", "cameo_event_code") not in documented("pandas")
