"""Write every table to a folder (CSV, Parquet or JSON Lines), to one
SQLite file or to one Excel workbook (see _xlsx), for tools that do not read
the published files directly.

CSV and Parquet exports are the published files themselves, byte for byte
(CSV checked against its recorded sha256 first); JSON Lines and SQLite are
written from the loaded tables, with dates as ISO 8601 text.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from ._atomic import write_atomic
from ._read import file_bytes, read_table
from ._schema import Package
from ._tableschema import TYPES, enum_of, foreign_keys

SQLITE_NAME = "minusma-data.sqlite"


def export(package: Package, format: str, output: Path) -> list[Path]:
    """Write all tables; return the files written."""
    if format == "xlsx":
        from ._xlsx import write_workbook  # needs the xlsx extra

        return [write_workbook(package, output)]
    if format == "sqlite":
        target = output if output.suffix in (".sqlite", ".sqlite3", ".db") else output / SQLITE_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, lambda tmp: _sqlite(package, tmp))
        return [target]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for table in package.tables:
        target = output / f"{table}.{format}"
        if format == "csv":
            data = file_bytes(package, table)
        elif format == "parquet":
            read_table(package, table, "parquet")  # refuse a damaged file before copying it
            data = package.path(table, "parquet").read_bytes()
        else:
            data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in _records(package, table)).encode()
        write_atomic(target, lambda tmp, data=data: tmp.write_bytes(data))
        written.append(target)
    return written


def _records(package: Package, table: str) -> list[dict[str, Any]]:
    """Rows as plain Python values: str, int, float, bool, 'YYYY-MM-DD' or None."""
    frame = read_table(package, table, "csv", verify=True)
    columns = {}
    for field in package.fields(table):
        kind = field.get("type", "string")
        values = frame[field["name"]].astype(object).tolist()
        columns[field["name"]] = [_plain(v, kind) for v in values]
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


def _plain(value: Any, kind: str) -> Any:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind in ("integer", "year"):
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


def _sqlite(package: Package, target: Path) -> None:
    with sqlite3.connect(target) as db:
        for table in package.tables:
            schema = package.resource(table, "csv")["schema"]
            fields = schema["fields"]
            db.execute(_create_table(table, schema))
            marks = ", ".join("?" for _ in fields)
            rows = [tuple(r.values()) for r in _records(package, table)]
            db.executemany(f"INSERT INTO {_quote(table)} VALUES ({marks})", rows)
    db.close()


def _create_table(table: str, schema: dict[str, Any]) -> str:
    lines = []
    for f in schema["fields"]:
        line = f"{_quote(f['name'])} {TYPES[f.get('type', 'string')].sqlite}"
        if f.get("constraints", {}).get("required"):
            line += " NOT NULL"
        enum = enum_of(f)
        if enum is not None:
            allowed = ", ".join("'" + v.replace("'", "''") + "'" for v in enum)
            line += f" CHECK ({_quote(f['name'])} IN ({allowed}))"
        lines.append(line)
    if schema.get("primaryKey"):
        key = schema["primaryKey"]
        lines.append("PRIMARY KEY (" + ", ".join(map(_quote, [key] if isinstance(key, str) else key)) + ")")
    for fields, target, ref_fields in foreign_keys(schema, table):
        lines.append(f"FOREIGN KEY ({', '.join(map(_quote, fields))}) "
                     f"REFERENCES {_quote(target)} ({', '.join(map(_quote, ref_fields))})")
    return f"CREATE TABLE {_quote(table)} (\n  " + ",\n  ".join(lines) + "\n)"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
