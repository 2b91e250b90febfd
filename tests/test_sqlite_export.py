"""The SQLite export answers SQL without quoting any name, declares its
keys and indexes them, explains itself in `table_descriptions` and
`column_descriptions`, and comes with a Datasette metadata file under which
Datasette's own test client shows a table's rows first, its column help one
link away, and actor names beside actor ids."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import json
import re
import sqlite3
from html import unescape
from pathlib import Path

import pytest
from conftest import need

from minusma_data import DataFileError
from minusma_data._exporters import export
from minusma_data._load import package as read_package
from minusma_data._sqlite import SQL_NAMES, needs_quoting
from minusma_data.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: r for r in PACKAGE["resources"] if r["format"] == "csv"}


def csv_rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("sqlite") / "minusma-data.sqlite"
    assert main(["export", "--format", "sqlite", "--output", str(target)]) == 0
    return target


@pytest.fixture
def db(database):
    connection = sqlite3.connect(database)
    yield connection
    connection.close()


def test_references_is_renamed_and_answers_unquoted(db):
    assert SQL_NAMES == {"references": "reference_records"}
    (count,) = db.execute("select count(*) from reference_records").fetchone()
    assert count == len(csv_rows("references"))
    with pytest.raises(sqlite3.OperationalError):
        db.execute("select count(*) from references")  # why it was renamed


def test_no_name_needs_quoting(db):
    names = [r[0] for r in db.execute("select name from sqlite_master where type = 'table'")]
    columns = [c[1] for n in names for c in db.execute(f"pragma table_info({n})")]
    assert needs_quoting(names + columns) == []
    assert needs_quoting(["references", "select", "ok_name", "two words"]) == ["references", "select", "two words"]


def test_keys_are_declared_and_indexed(db):
    for table, resource in SCHEMAS.items():
        name = SQL_NAMES.get(table, table)
        info = db.execute(f"pragma table_info({name})").fetchall()
        assert [c[1] for c in info if c[5]] == resource["schema"]["primaryKey"]
        declared = {(fk[3], fk[2], fk[4]) for fk in db.execute(f"pragma foreign_key_list({name})")}
        expected = {
            (
                fk["fields"][0],
                SQL_NAMES.get(fk["reference"]["resource"], fk["reference"]["resource"]),
                fk["reference"]["fields"][0],
            )
            for fk in resource["schema"].get("foreignKeys", [])
        }
        assert declared == expected, table
        indexed = {
            db.execute(f"pragma index_info({i[1]})").fetchone()[2] for i in db.execute(f"pragma index_list({name})")
        }
        assert {fk[0] for fk in expected} | set(resource["schema"]["primaryKey"]) <= indexed, table
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_foreign_keys_hold_when_enforced(db):
    db.execute("pragma foreign_keys = on")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("update events set initiator_actor_id = 'nobody' where event_id = 'lavrov-calls-diop'")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("update events set date_reference_id = 'nothing' where event_id = 'lavrov-calls-diop'")


def test_descriptions_are_kept_in_the_database(db):
    tables = dict(db.execute("select package_name, table_name from table_descriptions"))
    assert tables == {t: SQL_NAMES.get(t, t) for t in SCHEMAS}
    rows = db.execute(
        "select table_name, column_name, type, required, allowed_values, description "
        "from column_descriptions order by table_name, position"
    ).fetchall()
    expected = []
    for table, resource in SCHEMAS.items():
        for f in resource["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            expected.append(
                (
                    SQL_NAMES.get(table, table),
                    f["name"],
                    f["type"],
                    int(f.get("constraints", {}).get("required", False)),
                    None if enum is None else ", ".join(map(str, enum)),
                    f["description"],
                )
            )
    assert sorted(rows) == sorted(expected)


def test_metadata_file_beside_the_database(database):
    metadata = json.loads((database.with_name("minusma-data.metadata.json")).read_text(encoding="utf-8"))
    assert metadata["license"] == PACKAGE["licenses"][0]["name"]
    assert metadata["license_url"] == PACKAGE["licenses"][0]["path"]
    assert metadata["source"] == PACKAGE["sources"][0]["title"]
    tables = metadata["databases"]["minusma-data"]["tables"]
    assert tables["actors"]["label_column"] == "name"
    assert tables["reference_records"]["title"] == SCHEMAS["references"]["title"]
    assert tables["places"]["label_column"] == "name"
    assert tables["events"]["description"] == SCHEMAS["events"]["description"]
    assert all("columns" not in entry for entry in tables.values())  # Datasette would list them above the rows


def datasette_get(database: Path, path: str):
    app = need("datasette.app", "datasette")
    metadata = json.loads(database.with_name("minusma-data.metadata.json").read_text(encoding="utf-8"))
    ds = app.Datasette([str(database)], metadata=metadata)
    return asyncio.run(ds.client.get(path))


def test_datasette_shows_actor_names_beside_ids(database):
    names = {r["actor_id"]: r["name"] for r in csv_rows("actors")}
    response = datasette_get(database, "/minusma-data/events.json?_labels=on&_shape=objects&_size=max")
    assert response.status_code == 200
    rows = response.json()["rows"]
    labelled = [r["initiator_actor_id"] for r in rows if r["initiator_actor_id"]]
    assert labelled and all(cell["label"] == names[cell["value"]] for cell in labelled)
    page = datasette_get(database, "/minusma-data/events?event_id=lavrov-calls-diop")
    assert page.status_code == 200
    cell = re.search(r'<td class="col-initiator_actor_id[^>]*>(.*?)</td>', page.text, re.S).group(1)
    assert "Sergei Lavrov" in cell and "lavrov" in cell


def test_a_table_page_shows_rows_first_and_links_to_its_column_help(database):
    page = datasette_get(database, "/minusma-data/events")
    assert page.status_code == 200
    html = page.text
    rows = html.index('<table class="rows-and-columns">')
    first_row = html.index('<td class="col-event_id', rows)
    described = [f["description"] for f in SCHEMAS["events"]["schema"]["fields"]]
    before = html[:first_row]
    assert 'class="column-descriptions"' not in html
    assert SCHEMAS["events"]["description"] in unescape(before)
    assert [d for d in described if d in unescape(before)] == []
    link = re.search(r'<a href="([^"]+)">What each of the (\d+) columns means</a>', before)
    assert link and int(link.group(2)) == len(described)
    help_page = datasette_get(database, link.group(1).replace("&amp;", "&") + "&_size=max")
    assert help_page.status_code == 200
    assert [d for d in described if d not in unescape(help_page.text)] == []


def test_a_row_page_links_to_its_column_help_and_shows_actor_ids(database):
    """A row page shows the table's description, so its column-help link is the
    same absolute one. Datasette 0.65 does not expand foreign keys on row pages
    (simonw/datasette#1592, done in the 1.0 pre-releases): docs/exports.md says
    so, and this test fails when an upgrade makes that sentence wrong."""
    page = datasette_get(database, "/minusma-data/events/lavrov-calls-diop")
    assert page.status_code == 200
    cell = re.search(r'<td class="col-initiator_actor_id[^>]*>(.*?)</td>', page.text, re.S).group(1)
    assert cell.strip() == "lavrov"
    link = re.search(r'<a href="([^"]+)">What each of the \d+ columns means</a>', page.text).group(1)
    assert datasette_get(database, link.replace("&amp;", "&")).status_code == 200


def test_descriptions_are_escaped_in_the_datasette_metadata(copy, tmp_path):
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["description"] = 'Rows <script>alert("x")</script> & more'
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    target = tmp_path / "odd name.sqlite"
    assert main(["--data-home", str(copy), "export", "--format", "sqlite", "--output", str(target)]) == 0
    metadata = json.loads(target.with_name("odd name.metadata.json").read_text(encoding="utf-8"))
    entry = metadata["databases"]["odd name"]["tables"][descriptor["resources"][0]["name"]]
    assert "<script>" not in entry["description_html"]
    assert "Rows &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in entry["description_html"]
    assert 'href="/odd+name/column_descriptions?table_name=' in entry["description_html"]
    tilde = need("datasette.utils", "datasette").tilde_encode
    assert tilde("odd name") == "odd+name"


def test_datasette_runs_sql_on_the_unquoted_name(database):
    response = datasette_get(
        database, "/minusma-data.json?sql=select+count(*)+as+n+from+reference_records&_shape=array"
    )
    assert response.status_code == 200
    assert response.json() == [{"n": len(csv_rows("references"))}]


def test_datasette_shows_titles_and_licence(database):
    page = datasette_get(database, "/minusma-data/reference_records")
    assert page.status_code == 200
    assert SCHEMAS["references"]["title"] in page.text and PACKAGE["licenses"][0]["name"] in page.text


def dangle(copy: Path, table: str, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` once in the copy's CSV file of `table`, and record
    the file's new size and hash, so only the foreign key is wrong."""
    path = copy / "data" / f"{table}.csv"
    data = path.read_bytes()
    assert data.count(old) >= 1
    data = data.replace(old, new, 1)
    path.write_bytes(data)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["path"] == f"data/{table}.csv")
    resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_a_dangling_foreign_key_is_refused_and_no_database_is_written(copy: Path, tmp_path: Path, capsys):
    """docs/exports.md: `PRAGMA foreign_key_check` is empty when the export
    finishes. A package whose events name an actor the actors table lacks
    (the file's hash updated, so only the key is wrong) is refused: the error
    names events.csv with code `file-damaged`, and no database is left."""
    dangle(copy, "events", b",lavrov,", b",nobody,")
    target = tmp_path / "out" / "minusma-data.sqlite"
    with pytest.raises(DataFileError) as info:
        export(read_package(copy), target, format="sqlite")
    assert info.value.code == "file-damaged"
    assert info.value.path == copy / "data" / "events.csv"
    assert "initiator_actor_id 'nobody'" in info.value.problem and "actors" in info.value.problem
    assert not target.exists() and not list(target.parent.glob("*.sqlite*"))
    assert main(["--data-home", str(copy), "export", "--format", "sqlite", "--output", str(target)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "data/events.csv" in err and "Traceback" not in err
    assert not target.exists()


def test_a_key_into_the_renamed_table_names_the_package_table(copy: Path, tmp_path: Path):
    """A dangling key into `references` (reference_records in SQLite) is
    reported with the package's name for the table."""
    reference = next(r["date_reference_id"] for r in csv_rows("events") if r["date_reference_id"])
    dangle(copy, "events", f",{reference},".encode(), b",no-such-record,")
    with pytest.raises(DataFileError) as info:
        export(read_package(copy), tmp_path / "minusma-data.sqlite", format="sqlite")
    assert info.value.code == "file-damaged"
    assert "'no-such-record', which is not in the references table" in info.value.problem
