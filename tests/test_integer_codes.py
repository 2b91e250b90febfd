"""Codes that their codebooks define as numbers are integers: in the Table
Schema (`type: integer`, an integer `enum`, `categories` with each number's
label), and so in every reader, where `quad_code == 1` selects the rows whose
CSV cell is "1": pandas (CSV and Parquet), polars, pyarrow, DuckDB over the
Parquet file and R over the CSV file, each the real tool.

The expected rows come from the CSV files read with the csv module."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import need
from test_reading_recipes import R, run_r

from minusma_data import codebook, load

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
FIELDS = {
    r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in PACKAGE["resources"] if r["format"] == "csv"
}
# Written by hand from the codebooks, which number these codes: the PLOVER
# manual's quad category (1-4), the ACLED codebook's time_precision,
# geo_precision (1-3) and inter codes (1-8), and the UCDP GED codebook's
# date_prec (1-5), where_prec (1-7) and type_of_violence (1-3).
INTEGER_CODES = {
    ("events", "quad_code"),
    ("events", "acled_time_precision"),
    ("events", "acled_geo_precision"),
    ("events", "ucdp_date_prec"),
    ("events", "ucdp_where_prec"),
    ("events", "ucdp_type_of_violence"),
    ("statements", "acled_time_precision"),
    ("statements", "ucdp_date_prec"),
    ("actors", "acled_inter"),
}


def csv_rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def ids_where(table: str, column: str, code: int) -> list[str]:
    key = next(iter(FIELDS[table]))
    return sorted(r[key] for r in csv_rows(table) if r[column] == str(code))


def test_the_numbered_codes_are_exactly_the_integer_coded_columns():
    coded = {
        (table, name)
        for table, fields in FIELDS.items()
        for name, f in fields.items()
        if f["type"] == "integer" and "enum" in f.get("constraints", {})
    }
    assert coded == INTEGER_CODES
    for table, name in INTEGER_CODES:
        f = FIELDS[table][name]
        enum = f["constraints"]["enum"]
        assert all(type(v) is int for v in enum), (table, name)
        assert [c["value"] for c in f["categories"]] == enum and all(c["label"] for c in f["categories"])
        present = {r[name] for r in csv_rows(table)} - {""}  # acled_geo_precision is empty on every row
        assert present <= {str(v) for v in enum}, (table, name)


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_pandas_selects_by_number(format):
    events = load("events", format=format)
    assert str(events["quad_code"].dtype) == "Int64"
    assert sorted(events.loc[events["quad_code"] == 1, "event_id"]) == ids_where("events", "quad_code", 1)
    for table, name in INTEGER_CODES:
        frame = load(table, format=format)
        key = next(iter(FIELDS[table]))
        for code in FIELDS[table][name]["constraints"]["enum"]:
            assert sorted(frame.loc[frame[name] == code, key]) == ids_where(table, name, code), (table, name, code)


def test_polars_and_pyarrow_select_by_number():
    pl = need("polars")
    import pyarrow.compute as pc

    events = load("events", backend="polars")
    assert events.schema["quad_code"] == pl.Int64
    assert sorted(events.filter(pl.col("quad_code") == 1)["event_id"].to_list()) == ids_where("events", "quad_code", 1)
    table = load("events", backend="pyarrow")
    picked = table.filter(pc.equal(table["quad_code"], 1))
    assert sorted(picked["event_id"].to_pylist()) == ids_where("events", "quad_code", 1)


def test_duckdb_over_parquet_selects_by_number():
    duckdb = need("duckdb")
    path = (ROOT / "data" / "events.parquet").as_posix()
    kind = duckdb.sql(f"SELECT typeof(quad_code) FROM '{path}' LIMIT 1").fetchall()[0][0]
    assert kind == "BIGINT"
    picked = duckdb.sql(f"SELECT event_id FROM '{path}' WHERE quad_code = 1 ORDER BY event_id").fetchall()
    assert [r[0] for r in picked] == ids_where("events", "quad_code", 1)


def test_pandas_read_parquet_keeps_gaps_as_missing_integers():
    """Without the loader: the file's own metadata makes pandas read Int64, not floats with NaN."""
    import pandas as pd

    events = pd.read_parquet(ROOT / "data" / "events.parquet")
    assert str(events["quad_code"].dtype) == "Int64" and events["quad_code"].isna().any()
    assert sorted(events.loc[events["quad_code"] == 1, "event_id"]) == ids_where("events", "quad_code", 1)


@pytest.mark.slow  # starts R
def test_r_over_csv_selects_by_number(tmp_path):
    """The R recipe of docs/reading.md, then `quad_code == 1`."""
    check = "picked <- events$event_id[which(events$quad_code == 1)]\n"
    check += 'cat("QUAD", class(events$quad_code), sort(picked, method = "radix"), "\\n")\n'
    out = run_r(R[0] + check, ROOT, tmp_path)
    words = out.split("QUAD")[1].split()
    assert words == ["integer", *ids_where("events", "quad_code", 1)]


def test_the_codebook_gives_each_numbers_meaning():
    allowed = codebook("events").set_index("field").loc["quad_code", "allowed_values"]
    labels = {c["value"]: c["label"] for c in FIELDS["events"]["quad_code"]["categories"]}
    assert allowed == "\n".join(f"{v} = {labels[v]}" for v in (1, 2, 3, 4))
    assert codebook("events").set_index("field").loc["status", "allowed_values"] == ", ".join(
        FIELDS["events"]["status"]["constraints"]["enum"]
    )


def test_sqlite_stores_the_codes_as_integers_and_refuses_others(tmp_path):
    import sqlite3

    from minusma_data.cli import main

    target = tmp_path / "m.sqlite"
    assert main(["export", "--format", "sqlite", "--output", str(target)]) == 0
    db = sqlite3.connect(target)
    try:
        assert {t for (t,) in db.execute("SELECT DISTINCT typeof(quad_code) FROM events")} == {"integer", "null"}
        picked = [r for (r,) in db.execute("SELECT event_id FROM events WHERE quad_code = 1 ORDER BY event_id")]
        assert picked == ids_where("events", "quad_code", 1)
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE events SET quad_code = 7 WHERE event_id = ?", (picked[0],))
    finally:
        db.close()
