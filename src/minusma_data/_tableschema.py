"""What the Table Schemas in datapackage.json mean in every tool the package
speaks to: the one place that maps a Table Schema type to a pandas dtype, an
Arrow type, an SQLite column type, a spreadsheet cell, the Python values a curated file may give,
the words an error message uses, the text of a CSV cell and a Croissant
dataType (`CROISSANT`); and that reads
foreign keys and the list of tables from a descriptor.

The build (which writes the files), the loader (which reads them), the
exports and the generated docs all use this module; none keeps a mapping of
its own. pandas and pyarrow are imported only by the functions that need them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldType:
    """One Table Schema type, as each tool spells it."""

    name: str
    pandas: str  # the pandas dtype name
    arrow: str  # the pyarrow type factory, e.g. "int64" for pa.int64()
    polars: str  # the polars dtype, e.g. "Int64" for pl.Int64
    sqlite: str  # the SQLite column affinity
    python: tuple[type, ...]  # the Python values that may stand for it in a curated file
    words: str  # how an error message names it
    excel: str  # the XlsxWriter method that writes its spreadsheet cell


TYPES: dict[str, FieldType] = {
    t.name: t
    for t in (
        FieldType("string", "string", "string", "String", "TEXT", (str,), "text in quotes", "write_string"),
        FieldType("integer", "Int64", "int64", "Int64", "INTEGER", (int,), "a whole number", "write_number"),
        FieldType("year", "Int64", "int64", "Int64", "INTEGER", (int,), "a year as a whole number", "write_number"),
        FieldType("number", "Float64", "float64", "Float64", "REAL", (int, float), "a number", "write_number"),
        FieldType("boolean", "boolean", "bool_", "Boolean", "INTEGER", (bool,), "true or false", "write_boolean"),
        FieldType(
            "date", "datetime64[s]", "date32", "Date", "TEXT", (dt.date,), "a date like 2023-06-30", "write_datetime"
        ),
    )
}
"""Strings load as pandas' own string dtype with Python storage and dates at
seconds, because pandas 2.2 and 3.x pick different defaults for both; seconds,
not nanoseconds, so every date a Table Schema allows (years 1 to 9999) loads. A
string field with an `enum` loads as an unordered Categorical instead and is
stored as an Arrow dictionary (see `is_coded`) and a polars Enum (see
`polars_dtype`), both in the schema's order.

An integer field with an `enum` (codes a codebook numbers, such as PLOVER's
quad code 1 to 4) stays a plain nullable integer everywhere (Int64, int64),
with its labels in the schema's `categories`: then `quad_code == 1` selects
the rows it says in pandas, polars, pyarrow, DuckDB and R alike, where a
Categorical of numbers would compare as text in some of them and polars'
Enum holds only text. The readers still refuse a number outside the enum."""


CROISSANT: dict[str, str] = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "year": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
}
"""The Croissant dataType (a schema.org type) of each Table Schema type: the
`dataType` of a column's Field in croissant.json. Croissant has no year type,
so a year is the whole number it is stored as."""


def field_type(name: object) -> FieldType:
    """The FieldType of a type name; ValueError naming the known ones otherwise."""
    try:
        return TYPES[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise ValueError(f"type {name!r} is not one of {', '.join(TYPES)}") from None


def enum_of(field: dict[str, Any]) -> list[Any] | None:
    """The closed vocabulary of a field, in the schema's order: text codes of
    a string field, whole numbers of an integer one."""
    constraints = field.get("constraints") or {}
    enum = constraints.get("enum") if isinstance(constraints, dict) else None
    return list(enum) if isinstance(enum, list) and field.get("type", "string") in ("string", "integer") else None


def is_coded(field: dict[str, Any]) -> bool:
    """Whether a field holds text codes of a closed vocabulary (a string field
    with an `enum`): the ones stored as a Categorical, an Arrow dictionary and a
    polars Enum. Integer codes are plain integers (see TYPES)."""
    return enum_of(field) is not None and field.get("type", "string") == "string"


def has_type(value: object, type_name: str) -> bool:
    """Whether a Python value may stand for the type (a bool is no number, a
    datetime no date)."""
    if isinstance(value, bool):
        return type_name == "boolean"
    if isinstance(value, dt.datetime):
        return False
    return isinstance(value, field_type(type_name).python)


def arrow_type(type_name: str, coded: bool = False) -> Any:
    """The Arrow type a field is stored as: a dictionary for a closed vocabulary."""
    import pyarrow as pa

    if coded:
        return pa.dictionary(pa.int32(), pa.string())
    return getattr(pa, field_type(type_name).arrow)()


def field_arrow_type(field: dict[str, Any]) -> Any:
    """The Arrow type of a descriptor's field."""
    return arrow_type(field.get("type", "string"), is_coded(field))


def polars_dtype(field: dict[str, Any]) -> Any:
    """The polars dtype of a descriptor's field: an Enum of the schema's values,
    in their order, for a closed vocabulary of text codes."""
    import polars as pl

    if is_coded(field):
        return pl.Enum([str(v) for v in enum_of(field) or []])
    return getattr(pl, field_type(field.get("type", "string")).polars)


def csv_cell(value: Any) -> str:
    """How a value is written in a CSV cell: empty for missing, true/false,
    whole numbers without a decimal point, dates as YYYY-MM-DD."""
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


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters of a cell that a spreadsheet may run as a formula, as
OWASP's CSV Injection guidance lists them: `=`, `+`, `-` and `@` begin one, and
a tab or carriage return in front of one is skipped by some spreadsheets, so
they count too. The build refuses text that starts with one of them once
leading blanks are skipped; the workbook writer keeps any text that starts
with one as text even when a cell is edited."""


def foreign_keys(schema: dict[str, Any], table: str) -> list[tuple[list[str], str, list[str]]]:
    """(fields, target table, target fields) of each foreign key, whichever
    form the descriptor uses: a name or a list, the Parquet twin or the table
    itself (an empty resource)."""

    def names(value: object) -> list[str]:
        return [value] if isinstance(value, str) else [str(v) for v in value] if isinstance(value, list) else []

    keys = []
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict):
            continue
        reference = fk.get("reference")
        ref: dict[str, Any] = reference if isinstance(reference, dict) else {}
        target = resource_table(str(ref.get("resource") or table), "parquet")
        keys.append((names(fk.get("fields")), target, names(ref.get("fields"))))
    return keys


EVIDENCE_PROPERTY = "minusma:evidence"
"""A custom property (Data Package v2, "Custom Properties") on the Table Schema
of a table whose rows quote the source: "fact" when the words assert the row,
"mention" when they name something."""


def fact_tables(descriptor: dict[str, Any]) -> list[str]:
    """The tables whose rows are facts (`EVIDENCE_PROPERTY` "fact"), in the
    descriptor's order: where a reader starts (the workbook opens on the first)."""
    return [
        r["name"]
        for r in descriptor.get("resources") or []
        if isinstance(r, dict)
        and r.get("format") == "csv"
        and isinstance(r.get("schema"), dict)
        and r["schema"].get(EVIDENCE_PROPERTY) == "fact"
    ]


PARQUET_SUFFIX = "-parquet"
"""A table's Parquet resource is named after its CSV resource plus this."""


def resource_table(name: str, format: str) -> str:
    """The table a resource holds: its name, less `PARQUET_SUFFIX` for a Parquet one
    (a foreign key may point at either twin, so it is read as a Parquet name)."""
    return name.removesuffix(PARQUET_SUFFIX) if format == "parquet" else name


def table_names(descriptor: dict[str, Any]) -> list[str]:
    """The tables a descriptor lists, in its order: one per CSV resource."""
    resources = descriptor.get("resources")
    return [
        r["name"]
        for r in resources or []
        if isinstance(r, dict) and r.get("format") == "csv" and isinstance(r.get("name"), str)
    ]
