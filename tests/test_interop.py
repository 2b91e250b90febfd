"""The published files work in tools other than this package: DuckDB and
Polars read every CSV and Parquet table with the schema's columns and the
right number of rows, and a SQL join through the foreign keys gives the names
a reader would expect from the curated facts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import need

duckdb = need("duckdb")
pl = need("polars", "polars")
pq = need("pyarrow.parquet")
pa = need("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in PACKAGE["resources"]}
TABLES = [r["name"] for r in PACKAGE["resources"] if r.get("format") == "csv"]


def csv_path(table: str) -> Path:
    return ROOT / RESOURCES[table]["path"]


def parquet_path(table: str) -> Path:
    return ROOT / RESOURCES[f"{table}-parquet"]["path"]


def field_names(table: str) -> list[str]:
    return [f["name"] for f in RESOURCES[table]["schema"]["fields"]]


def csv_records(table: str) -> int:
    """Rows of the CSV as the csv module counts them (header excluded)."""
    with open(csv_path(table), encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def line_count(table: str) -> int:
    with open(csv_path(table), "rb") as handle:
        return sum(1 for _ in handle)


@pytest.fixture(scope="module")
def con():
    """A DuckDB connection with every table as a view over its published file
    (names quoted: `references` is an SQL keyword)."""
    connection = duckdb.connect()
    for table in TABLES:
        connection.execute(
            f"CREATE VIEW \"{table}\" AS SELECT * FROM read_csv('{csv_path(table).as_posix()}', "
            "header = true, all_varchar = true)"
        )
        connection.execute(
            f"CREATE VIEW \"{table}_pq\" AS SELECT * FROM read_parquet('{parquet_path(table).as_posix()}')"
        )
    yield connection
    connection.close()


def test_every_table_has_a_parquet_twin():
    assert TABLES, "datapackage.json lists no CSV resource"
    for table in TABLES:
        assert f"{table}-parquet" in RESOURCES, table
        assert field_names(f"{table}-parquet") == field_names(table)


@pytest.mark.parametrize("table", TABLES)
def test_one_line_per_row(table):
    """No value spans lines, so `wc -l` minus the header is the row count."""
    assert line_count(table) - 1 == csv_records(table)


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_csv(table):
    rel = duckdb.read_csv(str(csv_path(table)), header=True)  # DuckDB's own type sniffing, as a user would
    assert rel.columns == field_names(table)
    assert len(rel.fetchall()) == csv_records(table)


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_parquet(table):
    rel = duckdb.read_parquet(str(parquet_path(table)))
    assert rel.columns == field_names(table)
    assert len(rel.fetchall()) == csv_records(table)


@pytest.mark.parametrize("table", TABLES)
def test_polars_reads_csv(table):
    frame = pl.read_csv(csv_path(table))  # Polars' own type inference, as a user would
    assert frame.columns == field_names(table)
    assert frame.height == csv_records(table)


@pytest.mark.parametrize("table", TABLES)
def test_polars_reads_parquet(table):
    frame = pl.read_parquet(parquet_path(table))
    assert frame.columns == field_names(table)
    assert frame.height == csv_records(table)


@pytest.mark.parametrize("table", TABLES)
def test_parquet_types_follow_the_schema(table):
    """What docs/files.md promises Parquet readers: closed lists of text are
    dictionary-encoded, dates are dates, integers (integer codes too) are
    64-bit, numbers are doubles, the rest is text."""
    schema = pq.read_schema(parquet_path(table))
    for field in RESOURCES[table]["schema"]["fields"]:
        arrow = schema.field(field["name"]).type
        if "enum" in field.get("constraints", {}) and field["type"] == "string":
            assert pa.types.is_dictionary(arrow) and pa.types.is_string(arrow.value_type), (field["name"], arrow)
        elif field["type"] == "date":
            assert arrow == pa.date32(), (field["name"], arrow)
        elif field["type"] == "integer":
            assert arrow == pa.int64(), (field["name"], arrow)
        elif field["type"] == "number":
            assert arrow == pa.float64(), (field["name"], arrow)
        elif field["type"] == "string":
            assert pa.types.is_string(arrow) or pa.types.is_large_string(arrow), (field["name"], arrow)


@pytest.mark.parametrize("suffix", ["", "_pq"])
def test_sql_join_resolves_actor_names(con, suffix):
    """Events joined to actors through initiator_actor_id and target_actor_id,
    checked by hand against data/curated/events.toml and actors.toml."""
    rows = con.execute(f"""
        SELECT e.event_id, i.name AS initiator, t.name AS target
        FROM events{suffix} AS e
        LEFT JOIN actors{suffix} AS i ON i.actor_id = e.initiator_actor_id
        LEFT JOIN actors{suffix} AS t ON t.actor_id = e.target_actor_id
        WHERE e.event_id IN ('lavrov-calls-diop', 'unsc-votes-to-end-minusma', 'us-blames-prigozhin',
                             'junta-brings-in-wagner', 'france-drafts-resolution', 'peace-agreement-2015')
        ORDER BY e.event_id
    """).fetchall()
    assert rows == [
        ("france-drafts-resolution", "France", "UN Security Council"),
        ("junta-brings-in-wagner", "Malian military junta", "Wagner Group"),
        ("lavrov-calls-diop", "Sergei Lavrov", "Abdoulaye Diop"),
        ("peace-agreement-2015", None, None),
        ("unsc-votes-to-end-minusma", "UN Security Council", "Malian military junta"),
        ("us-blames-prigozhin", "United States", "Yevgeny Prigozhin"),
    ]


def test_sql_join_through_part_of(con):
    """actors.part_of_actor_id is a self-reference: a person to their government."""
    rows = dict(
        con.execute("""
        SELECT a.name, p.name FROM actors AS a JOIN actors AS p ON p.actor_id = a.part_of_actor_id
        WHERE a.actor_id IN ('diop', 'prigozhin', 'minusma')
    """).fetchall()
    )
    assert rows == {
        "Abdoulaye Diop": "Malian military junta",
        "Yevgeny Prigozhin": "Wagner Group",
        "MINUSMA": "United Nations",
    }


def _foreign_keys():
    for table in TABLES:
        for fk in RESOURCES[table]["schema"].get("foreignKeys", []):
            fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            ref = fk["reference"]
            ref_fields = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
            yield pytest.param(table, fields[0], ref.get("resource") or table, ref_fields[0], id=f"{table}.{fields[0]}")


@pytest.mark.parametrize("table, field, ref_table, ref_field", list(_foreign_keys()))
def test_every_foreign_key_resolves_in_sql(con, table, field, ref_table, ref_field):
    """A plain anti-join finds no dangling id, so joins in any SQL tool lose no row."""
    dangling = con.execute(f"""
        SELECT DISTINCT x.{field} FROM "{table}" AS x
        WHERE x.{field} IS NOT NULL AND x.{field} <> ''
          AND NOT EXISTS (SELECT 1 FROM "{ref_table}" AS r WHERE r.{ref_field} = x.{field})
    """).fetchall()
    assert dangling == []


def test_evidence_offsets_in_sql(con):
    """char_start/char_end are 0-based, end-exclusive code points: SQL's 1-based
    substring(text, char_start + 1, char_end - char_start) gives the evidence back."""
    source = (ROOT / "data" / "source").glob("*.txt")
    texts = {p.name: p.read_text(encoding="utf-8") for p in source}
    path = con.execute("SELECT path FROM sources WHERE source_id = 'unsc-ends-minusma'").fetchone()[0]
    text = texts[Path(path).name]
    con.execute("CREATE OR REPLACE TEMP TABLE src AS SELECT ? AS body", [text])
    bad = con.execute("""
        SELECT e.event_id FROM events AS e, src
        WHERE substring(src.body, CAST(e.char_start AS INTEGER) + 1,
                        CAST(e.char_end AS INTEGER) - CAST(e.char_start AS INTEGER)) <> e.evidence
    """).fetchall()
    assert bad == []


# -- what the README promises readers of the raw files ------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_csv_layout_is_plain(table):
    """UTF-8 without a byte-order mark, a header of the schema's names, `\\n` line ends."""
    raw = csv_path(table).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert b"\r" not in raw
    assert raw.split(b"\n", 1)[0].decode("utf-8") == ",".join(field_names(table))


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_is_the_first_column(table):
    assert RESOURCES[table]["schema"]["primaryKey"] == [field_names(table)[0]]


@pytest.mark.parametrize("table", TABLES)
def test_no_missing_value_markers_and_no_formulas(table):
    """Missing is only ever the empty cell, and no cell would run as a spreadsheet formula."""
    with open(csv_path(table), encoding="utf-8", newline="") as handle:
        cells = [c for row in list(csv.reader(handle))[1:] for c in row]
    assert not [c for c in cells if c in {"NA", "N/A", "null", "NULL", "None", "nan", "NaN"}]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_actor_id_columns_point_at_actors():
    """The README's shorthand: every *_actor_id column is a foreign key to actors.actor_id."""
    for table in TABLES:
        links = {
            fk["fields"][0] if isinstance(fk["fields"], list) else fk["fields"]: fk["reference"].get("resource")
            or table
            for fk in RESOURCES[table]["schema"].get("foreignKeys", [])
        }
        for name in field_names(table):
            if name.endswith("_actor_id"):
                assert links.get(name) == "actors", (table, name)
