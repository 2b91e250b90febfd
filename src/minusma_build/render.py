"""Render checked rows as the published bytes: CSV (UTF-8, no BOM, LF, rows
sorted by primary key, columns in schema order), Parquet (an explicit Arrow
schema) and the datapackage.json descriptor."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

from minusma_data.buildkit import EVIDENCE_PROPERTY, PARQUET_SUFFIX, arrow_type, csv_cell, data_path

from .curated import Row
from .spec import IDENTIFIER_KEYS, Spec, Table

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
# The v1 name of a table resource, kept beside v2's `type: "table"` on the CSV
# resources because frictionless-r 1.2 reads only resources that carry it
# (R/get_schema.R). The Parquet twins go without: that reader parses every
# tabular resource as delimited text, so it should refuse them, not misread them.
TABULAR_PROFILE = "tabular-data-resource"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
# Custom properties (Data Package v2, "Custom Properties": namespace:propertyName)
# that carry what package.toml says beyond the Table Schema, for readers of the
# descriptor such as the docs and the explorer page (EVIDENCE_PROPERTY, which the
# workbook reads too, lives with the loader's schema module).
VOCABULARY_PROPERTY = "minusma:vocabulary"  # on a coded field: the name of its closed list


def sorted_records(table: Table, rows: list[Row]) -> list[dict[str, Any]]:
    """Rows as plain dicts in schema order, sorted by primary key."""
    names = table.field_names  # a new list on every access: take it once, not once per row
    records = [{f: row.values.get(f) for f in names} for row in rows]
    return sorted(records, key=lambda r: tuple(r[k] for k in table.primary_key))


def csv_bytes(table: Table, records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = table.field_names
    writer.writerow(names)
    for r in records:
        writer.writerow([csv_cell(r[f]) for f in names])
    return buffer.getvalue().encode("utf-8")


def arrow_table(spec: Spec, table: Table, records: list[dict[str, Any]]):
    """An Arrow table whose dictionary columns keep the vocabulary's order
    (text codes; whole-number codes are plain int64)."""
    import pyarrow as pa

    schema = arrow_schema(table)
    columns = []
    for f, af in zip(table.fields, schema, strict=False):
        values = [r[f.name] for r in records]
        if f.vocabulary and f.type == "string":
            codes = spec.vocabularies[f.vocabulary].codes
            index = {c: i for i, c in enumerate(codes)}
            indices = pa.array([None if v is None else index[v] for v in values], type=pa.int32())
            columns.append(pa.DictionaryArray.from_arrays(indices, pa.array(codes, type=pa.string())))
        else:
            columns.append(pa.array(values, type=af.type))
    return pa.Table.from_arrays(columns, schema=schema).replace_schema_metadata(pandas_metadata(table))


def pandas_metadata(table: Table) -> dict[bytes, bytes] | None:
    """The `pandas` schema metadata of the Parquet file, which says that every
    integer column is pandas' nullable Int64. Without it, `pyarrow`'s
    `to_pandas` (which `pandas.read_parquet` and frictionless use) turns an
    integer column with gaps, such as quad_code, into floats with NaN, and
    frictionless then refuses those cells as "nan". Other columns are left
    to pyarrow's defaults; the loader ignores this metadata and applies the
    Table Schema itself."""
    columns = [
        {"name": f.name, "field_name": f.name, "pandas_type": "int64", "numpy_type": "Int64", "metadata": None}
        for f in table.fields
        if f.type in ("integer", "year")
    ]
    if not columns:
        return None
    meta = {"index_columns": [], "column_indexes": [], "columns": columns}
    return {b"pandas": json.dumps(meta, separators=(",", ":")).encode("utf-8")}


def arrow_schema(table: Table) -> Any:
    """The explicit Arrow schema the Parquet file is written with."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(f.name, arrow_type(f.type, bool(f.vocabulary) and f.type == "string"), nullable=not f.required)
            for f in table.fields
        ]
    )


def parquet_bytes(arrow) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(arrow, sink, compression="zstd", write_statistics=True)
    return sink.getvalue().to_pybytes()


def descriptor(spec: Spec, csv_files: dict[str, bytes], source_records: list[dict[str, Any]]) -> dict[str, Any]:
    """The Data Package v2 descriptor. CSV resources carry bytes and hash;
    the Parquet twins do not (frictionless rejects `bytes` on Parquet). No
    resource names a `scheme`: Data Package v2 has no such property."""
    meta = spec.package
    resources = []
    for name, table in spec.tables.items():
        data = csv_files[name]
        resources.append(
            {
                "name": name,
                "type": "table",
                "profile": TABULAR_PROFILE,
                "title": table.title,
                "description": table.description,
                "path": data_path(name, "csv"),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "dialect": {
                    "$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                    "delimiter": ",",
                    "lineTerminator": "\n",
                    "quoteChar": '"',
                    "header": True,
                },
                "schema": table_schema(spec, table),
            }
        )
        resources.append(
            {
                "name": name + PARQUET_SUFFIX,
                "type": "table",
                "title": f"{table.title} (Parquet)",
                "description": f"The same rows as {data_path(name, 'csv')}, in Parquet.",
                "path": data_path(name, "parquet"),
                "format": "parquet",
                "mediatype": PARQUET_MEDIATYPE,
                "schema": table_schema(spec, table, resource_suffix=PARQUET_SUFFIX),
            }
        )
    # The package's sources are the rows of the sources table, so they are recorded once.
    sources = [{"title": s["title"], "path": s["path"], "hash": "sha256:" + s["sha256"]} for s in source_records]
    # id, homepage and created are written only once known (see IDENTIFIER_KEYS).
    known = {key: meta[key] for key in IDENTIFIER_KEYS if meta.get(key)}
    return {
        "$schema": PACKAGE_PROFILE,
        "name": meta["name"],
        **known,
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "keywords": meta["keywords"],
        "licenses": meta["licenses"],
        "contributors": meta["contributors"],
        "sources": sources,
        "resources": resources,
    }


def descriptor_bytes(desc: dict[str, Any]) -> bytes:
    return (json.dumps(desc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def table_schema(spec: Spec, table: Table, resource_suffix: str = "") -> dict[str, Any]:
    """The Frictionless Table Schema (v2) of a table.

    `resource_suffix` names the twin resources that foreign keys point at, so
    the Parquet resources reference Parquet resources.
    """
    fields = []
    for f in table.fields:
        d: dict[str, Any] = {"name": f.name, "type": f.type, "title": f.title, "description": f.description}
        if f.type == "date":
            d["format"] = "default"
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.unique:
            constraints["unique"] = True
        if f.pattern:
            constraints["pattern"] = f.pattern
        vocab = spec.vocabulary_of(f)
        if vocab:
            constraints["enum"] = vocab.codes
            d["categories"] = [dict(v) for v in vocab.values]
            d[VOCABULARY_PROPERTY] = vocab.name
        if constraints:
            d["constraints"] = constraints
        fields.append(d)
    schema: dict[str, Any] = {
        "$schema": TABLESCHEMA_PROFILE,
        "fields": fields,
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.evidence:
        schema[EVIDENCE_PROPERTY] = table.evidence
    foreign_keys = []
    for f in table.fields:
        if f.references:
            target = spec.tables[f.references]
            foreign_keys.append(
                {
                    "fields": [f.name],
                    "reference": {"resource": target.name + resource_suffix, "fields": list(target.primary_key)},
                }
            )
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema
