"""The SQLite export: one database a SQL user can query without quoting any
name, with the package's keys, vocabularies and descriptions inside it, and
a Datasette metadata file beside it.

Names: a table or column keeps its package name unless SQLite refuses it
bare; `SQL_NAMES` says what such a name becomes (only `references`, an SQL
keyword, which becomes `reference_records`). `table_descriptions` and
`column_descriptions` inside the database record the mapping, titles, types
and descriptions, so the database explains itself without datapackage.json.
"""

from __future__ import annotations

import json
import sqlite3
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._errors import DataFileError, ExportError, remedy
from ._export import records
from ._output import write_files
from ._schema import Package
from ._tableschema import enum_of, field_type, foreign_keys

SQLITE_NAME = "minusma-data.sqlite"
"""The database's name when --output is a folder."""

SQL_NAMES = {"references": "reference_records"}
"""Package name -> SQLite name, for names SQLite takes only in quotes."""

LABEL_COLUMNS = {
    "actors": "name",
    "sources": "title",
    "references": "title",
    "places": "name",
    "events": "summary",
    "passages": "text",
}
"""The column Datasette shows beside a foreign key into each table."""
COLUMN_HELP = "column_descriptions"
"""The table that describes every column; each table's page links to its own rows of it."""

DESCRIPTION_TABLES = {
    "table_descriptions": (
        "table_name TEXT PRIMARY KEY NOT NULL, package_name TEXT NOT NULL, title TEXT, description TEXT"
    ),
    "column_descriptions": (
        "table_name TEXT NOT NULL REFERENCES table_descriptions (table_name), "
        "column_name TEXT NOT NULL, position INTEGER NOT NULL, title TEXT, "
        "type TEXT NOT NULL, sql_type TEXT NOT NULL, required INTEGER NOT NULL, "
        "allowed_values TEXT, description TEXT, PRIMARY KEY (table_name, column_name)"
    ),
}


def sql_name(name: str) -> str:
    """The name a table or column has in the database."""
    return SQL_NAMES.get(name, name)


def sql_type(field: dict[str, Any]) -> str:
    """The SQLite column type of a field (a date is YYYY-MM-DD text)."""
    return field_type(field.get("type", "string")).sqlite


def needs_quoting(names: list[str]) -> list[str]:
    """The names SQLite itself refuses bare, as a table or as a column."""
    refused = []
    db = sqlite3.connect(":memory:")
    try:
        for name in dict.fromkeys(names):
            try:
                if not (name.isidentifier() and name.isascii()):
                    raise sqlite3.OperationalError(name)
                db.execute(f"CREATE TABLE {name} ({name} TEXT)")
                db.execute(f"SELECT {name} FROM {name}")
                db.execute(f"DROP TABLE {name}")
            except sqlite3.Error:
                refused.append(name)
    finally:
        db.close()
    return sorted(refused)


def export_database(package: Package, output: Path) -> list[Path]:
    """Write the database (to `output` if it names a .sqlite, .sqlite3 or .db file, else into it
    as SQLITE_NAME), and its Datasette metadata beside it. The database is a new
    file, renamed over the target once whole; the target's -wal, -shm and
    -journal files, which SQLite would replay into it, are removed first."""
    target = output if output.suffix in (".sqlite", ".sqlite3", ".db") else output / SQLITE_NAME
    rows = {table: records(package, table) for table in package.tables}  # read and checked before writing
    return write_files(
        {
            target: lambda tmp: write_database(package, tmp, rows.__getitem__),
            metadata_path(target): metadata_bytes(package, target),
        },
    )


def write_database(package: Package, target: Path, records: Any) -> None:
    """Create the database at `target` (a path that does not exist yet).
    `records(table)` gives a table's rows as dicts of plain Python values.
    Foreign keys are checked once, after every row is in (a table may refer
    to itself, or to a later table)."""
    refused = needs_quoting([sql_name(n) for t in package.tables for n in [t, *(f["name"] for f in package.fields(t))]])
    if refused:
        raise package.error(
            f"names {', '.join(refused)} need quotes in SQLite; the SQLite export "
            "maps such names to others (minusma_data._sqlite.SQL_NAMES)."
        )
    db = sqlite3.connect(target)
    try:
        _fill(db, package, records)
    except sqlite3.IntegrityError as exc:  # a NOT NULL, CHECK or key the reader let through
        raise DataFileError(
            package.location.descriptor,
            f"the package's rows break a constraint of its Table Schemas ({exc}), so no database was written.",
            remedy(package.location.kind, package.location.root),
            code="file-damaged",
        ) from None
    except sqlite3.OperationalError as exc:  # "database or disk is full", an unwritable folder
        full = "full" in str(exc)
        raise ExportError(
            f"{target}: cannot write the SQLite database ({exc}); nothing was changed: an earlier export is whole. "
            + ("Free some space, then export again." if full else "Choose an --output you can write to."),
            code="disk-full" if full else "output-unwritable",
        ) from None
    finally:
        db.close()


def _fill(db: sqlite3.Connection, package: Package, records: Any) -> None:
    """Every table, its descriptions and rows, in one transaction; then the foreign keys."""
    with db:
        for name, columns in DESCRIPTION_TABLES.items():
            db.execute(f"CREATE TABLE {name} ({columns})")
        for table in package.tables:
            schema = package.describing(table)["schema"]
            db.execute(create_table(table, schema))
            for index in create_indexes(table, schema):
                db.execute(index)
            _describe(db, package, table)
            marks = ", ".join("?" for _ in schema["fields"])
            db.executemany(
                f"INSERT INTO {sql_name(table)} VALUES ({marks})", [tuple(r.values()) for r in records(table)]
            )
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise _broken_key(db, package, broken)


def _broken_key(db: sqlite3.Connection, package: Package, broken: list[tuple[str, int, str, int]]) -> DataFileError:
    """A row whose foreign key names no row of the table it refers to: the
    file of the table holding it does not match its Table Schema."""
    sql_table, rowid, sql_target, key_id = broken[0]
    table = next(t for t in package.tables if sql_name(t) == sql_table)
    target = next((t for t in package.tables if sql_name(t) == sql_target), sql_target)
    columns = [r[3] for r in db.execute(f"PRAGMA foreign_key_list({sql_table})") if r[0] == key_id]
    values = db.execute(f"SELECT {', '.join(columns)} FROM {sql_table} WHERE rowid = ?", (rowid,)).fetchone()
    given = ", ".join(f"{c} {v!r}" for c, v in zip(columns, values, strict=True))
    others = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
    format = "csv" if (table, "csv") in package.resources else "parquet"
    return DataFileError(
        package.path(table, format),
        f"row {rowid} has {given}, which is not in the {target} table: its foreign key does not hold{others}.",
        remedy(package.location.kind, package.location.root),
        code="file-damaged",
    )


def create_table(table: str, schema: dict[str, Any]) -> str:
    lines = []
    for f in schema["fields"]:
        name = sql_name(f["name"])
        line = f"{name} {sql_type(f)}"
        if f.get("constraints", {}).get("required"):
            line += " NOT NULL"
        enum = enum_of(f)
        if enum is not None:
            allowed = ", ".join(sql_literal(v) for v in enum)
            line += f" CHECK ({name} IN ({allowed}))"
        lines.append(line)
    key = schema.get("primaryKey")
    if key:
        lines.append("PRIMARY KEY (" + ", ".join(sql_name(k) for k in ([key] if isinstance(key, str) else key)) + ")")
    for fields, target, ref_fields in foreign_keys(schema, table):
        lines.append(
            f"FOREIGN KEY ({', '.join(map(sql_name, fields))}) "
            f"REFERENCES {sql_name(target)} ({', '.join(map(sql_name, ref_fields))})"
        )
    return f"CREATE TABLE {sql_name(table)} (\n  " + ",\n  ".join(lines) + "\n)"


def sql_literal(value: object) -> str:
    """A code in an SQL CHECK: a whole number as it is (an integer code), text quoted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def create_indexes(table: str, schema: dict[str, Any]) -> list[str]:
    """One index per foreign key (SQLite indexes the primary key itself)."""
    statements = []
    for fields, _, _ in foreign_keys(schema, table):
        columns = [sql_name(f) for f in fields]
        statements.append(
            f"CREATE INDEX {sql_name(table)}_{'_'.join(columns)} ON {sql_name(table)} ({', '.join(columns)})"
        )
    return statements


def _describe(db: sqlite3.Connection, package: Package, table: str) -> None:
    resource = package.describing(table)
    db.execute(
        "INSERT INTO table_descriptions VALUES (?, ?, ?, ?)",
        (sql_name(table), table, resource.get("title"), resource.get("description")),
    )
    for position, f in enumerate(package.fields(table), start=1):
        kind = f.get("type", "string")
        enum = enum_of(f)
        db.execute(
            "INSERT INTO column_descriptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sql_name(table),
                sql_name(f["name"]),
                position,
                f.get("title"),
                kind,
                sql_type(f),
                int(bool(f.get("constraints", {}).get("required"))),
                None if enum is None else ", ".join(map(str, enum)),
                f.get("description"),
            ),
        )


def metadata_path(database: Path) -> Path:
    """minusma-data.sqlite -> minusma-data.metadata.json, beside it."""
    return database.with_name(database.stem + ".metadata.json")


def datasette_metadata(package: Package, database: Path) -> dict[str, Any]:
    """Datasette's metadata for the database: titles, descriptions, licence,
    source, and the label column of every table a foreign key points at (so a
    page of events shows actor names beside their ids). Datasette matches it
    by database name, the file name without suffix.

    Column descriptions are not given as Datasette's `columns`: Datasette
    lists those above the rows, which for events filled the first screen.
    Each table's description links instead to that table's rows of
    `column_descriptions`, one click away."""
    raw = package.raw
    licence = (raw.get("licenses") or [{}])[0]
    sources = raw.get("sources") or [{}]
    tables: dict[str, Any] = {}
    for table in package.tables:
        resource = package.describing(table)
        description = str(resource.get("description") or "")
        entry: dict[str, Any] = {
            "title": resource.get("title"),
            "description": description,
            "description_html": description_html(database, table, description, len(package.fields(table))),
        }
        if table in LABEL_COLUMNS:
            entry["label_column"] = sql_name(LABEL_COLUMNS[table])
        tables[sql_name(table)] = entry
    tables["table_descriptions"] = {
        "title": "Table descriptions",
        "description": "Every table: its name here, its name in datapackage.json, title and description.",
        "label_column": "title",
    }
    tables[COLUMN_HELP] = {
        "title": "Column descriptions",
        "description": "Every column: its Table Schema type, SQLite type, whether it "
        "is required, its allowed values and description.",
        "sort": "position",
    }
    metadata = {
        "title": raw.get("title"),
        "description": raw.get("description"),
        "license": licence.get("name"),
        "license_url": licence.get("path"),
        "source": sources[0].get("title"),
        "databases": {database.stem: {"title": raw.get("title"), "tables": tables}},
    }
    return {k: v for k, v in metadata.items() if v is not None}


def description_html(database: Path, table: str, description: str, columns: int) -> str:
    """A table's description and a link to what each of its columns means.
    The link is absolute (Datasette at the root of its site, as `datasette
    FILE` serves it), because a row page shows the same description one
    level deeper than the table page."""
    link = f"/{datasette_route(database.stem)}/{COLUMN_HELP}?table_name={quote(sql_name(table))}"
    return f'<p>{escape(description)}</p><p><a href="{escape(link)}">What each of the {columns} columns means</a></p>'


def datasette_route(name: str) -> str:
    """How Datasette writes a database name in a URL ("tilde encoding": every
    byte but letters, digits, `_` and `-` as ~XX, a space as +)."""
    safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(c if c in safe else "+" if c == " " else "".join(f"~{b:02X}" for b in c.encode()) for c in name)


def metadata_bytes(package: Package, database: Path) -> bytes:
    return (json.dumps(datasette_metadata(package, database), indent=2, ensure_ascii=False) + "\n").encode()
