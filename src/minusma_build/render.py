"""Render checked rows as the published bytes: CSV (UTF-8, no BOM, LF, rows
sorted by primary key, columns in schema order), Parquet (an explicit Arrow
schema) and the datapackage.json descriptor."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from typing import Any

from .spec import IDENTIFIER_KEYS, Spec, Table, arrow_schema, table_schema
from .tables import Row

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def sorted_records(table: Table, rows: list[Row]) -> list[dict[str, Any]]:
    """Rows as plain dicts in schema order, sorted by primary key."""
    names = table.field_names  # a new list on every access: take it once, not once per row
    records = [{f: row.values.get(f) for f in names} for row in rows]
    return sorted(records, key=lambda r: tuple(r[k] for k in table.primary_key))


def csv_cell(value: Any) -> str:
    if isinstance(value, str):  # most cells, so tested first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_bytes(table: Table, records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = table.field_names
    writer.writerow(names)
    for r in records:
        writer.writerow([csv_cell(r[f]) for f in names])
    return buffer.getvalue().encode("utf-8")


def arrow_table(spec: Spec, table: Table, records: list[dict[str, Any]]):
    """An Arrow table whose dictionary columns keep the vocabulary's order."""
    import pyarrow as pa

    schema = arrow_schema(spec, table)
    columns = []
    for f, af in zip(table.fields, schema):
        values = [r[f.name] for r in records]
        if f.vocabulary:
            codes = spec.vocabularies[f.vocabulary].codes
            index = {c: i for i, c in enumerate(codes)}
            indices = pa.array([None if v is None else index[v] for v in values], type=pa.int32())
            columns.append(pa.DictionaryArray.from_arrays(indices, pa.array(codes, type=pa.string())))
        else:
            columns.append(pa.array(values, type=af.type))
    return pa.Table.from_arrays(columns, schema=schema)


def parquet_bytes(arrow) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def descriptor(spec: Spec, csv_files: dict[str, bytes], source_records: list[dict[str, Any]]) -> dict[str, Any]:
    """The Data Package v2 descriptor. CSV resources carry bytes and hash;
    the Parquet twins do not (frictionless rejects `bytes` on Parquet)."""
    meta = spec.package
    resources = []
    for name, table in spec.tables.items():
        data = csv_files[name]
        resources.append({
            "name": name, "type": "table", "title": table.title, "description": table.description,
            "path": f"data/{name}.csv", "scheme": "file", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                        "delimiter": ",", "lineTerminator": "\n", "quoteChar": "\"", "header": True},
            "schema": table_schema(spec, table),
        })
        resources.append({
            "name": f"{name}-parquet", "type": "table", "title": f"{table.title} (Parquet)",
            "description": f"The same rows as data/{name}.csv, in Parquet.",
            "path": f"data/{name}.parquet", "scheme": "file", "format": "parquet", "mediatype": PARQUET_MEDIATYPE,
            "schema": table_schema(spec, table, resource_suffix="-parquet"),
        })
    # The package's sources are the rows of the sources table, so they are recorded once.
    sources = [{"title": s["title"], "path": s["path"], "hash": "sha256:" + s["sha256"]} for s in source_records]
    # id, homepage and created are written only once known (see IDENTIFIER_KEYS).
    known = {key: meta[key] for key in IDENTIFIER_KEYS if meta.get(key)}
    return {
        "$schema": PACKAGE_PROFILE,
        "name": meta["name"], **known, "title": meta["title"], "description": meta["description"],
        "version": meta["version"], "keywords": meta["keywords"], "licenses": meta["licenses"],
        "contributors": meta["contributors"], "sources": sources, "resources": resources,
    }


def descriptor_bytes(desc: dict[str, Any]) -> bytes:
    return (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
