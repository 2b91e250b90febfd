"""Read data/curated/package.toml: package metadata, vocabularies and the Table
Schemas, the single source of truth for every column of every table."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELD_TYPES = ("string", "integer", "number", "boolean", "date")
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    vocabulary: str | None = None
    references: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    values: tuple[dict[str, str], ...]

    @property
    def codes(self) -> list[str]:
        return [v["value"] for v in self.values]

    def lookup(self, code: str, key: str) -> str:
        """A crosswalk or label of one code, e.g. lookup('demand', 'plover')."""
        for v in self.values:
            if v["value"] == code:
                return v.get(key, "")
        raise KeyError(code)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


@dataclass(frozen=True)
class Spec:
    package: dict[str, Any]
    vocabularies: dict[str, Vocabulary]
    tables: dict[str, Table] = field(default_factory=dict)

    def vocabulary_of(self, f: Field) -> Vocabulary | None:
        return self.vocabularies[f.vocabulary] if f.vocabulary else None


def load_spec(path: Path) -> Spec:
    """Parse package.toml, expanding `{ group = ... }` entries in place."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    vocabularies = {
        name: Vocabulary(name, v["description"], tuple(v["values"]))
        for name, v in raw["vocabularies"].items()
    }
    groups = raw.get("groups", {})
    tables = {}
    for name, t in raw["tables"].items():
        fields: list[Field] = []
        for entry in t["fields"]:
            for f in groups[entry["group"]] if "group" in entry else [entry]:
                fields.append(_field(name, f, vocabularies))
        tables[name] = Table(name, t["title"], t["description"], tuple(t["primary_key"]), tuple(fields))
    for t in tables.values():
        for f in t.fields:
            if f.references and f.references not in tables:
                raise ValueError(f"{path}: table '{t.name}', field '{f.name}' references unknown table '{f.references}'")
    return Spec(raw["package"], vocabularies, tables)


def _field(table: str, f: dict[str, Any], vocabularies: dict[str, Vocabulary]) -> Field:
    if f["type"] not in FIELD_TYPES:
        raise ValueError(f"table '{table}', field '{f['name']}': type must be one of {FIELD_TYPES}")
    if f.get("vocabulary") and f["vocabulary"] not in vocabularies:
        raise ValueError(f"table '{table}', field '{f['name']}': unknown vocabulary '{f['vocabulary']}'")
    return Field(**f)


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
        if constraints:
            d["constraints"] = constraints
        fields.append(d)
    schema: dict[str, Any] = {
        "$schema": TABLESCHEMA_PROFILE,
        "fields": fields,
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    foreign_keys = []
    for f in table.fields:
        if f.references:
            target = spec.tables[f.references]
            foreign_keys.append({
                "fields": [f.name],
                "reference": {"resource": target.name + resource_suffix, "fields": list(target.primary_key)},
            })
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def arrow_schema(spec: Spec, table: Table):
    """The explicit Arrow schema the Parquet file is written with: dictionary
    columns for closed vocabularies, date32 for dates."""
    import pyarrow as pa

    scalar = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
              "boolean": pa.bool_(), "date": pa.date32()}
    columns = []
    for f in table.fields:
        typ = pa.dictionary(pa.int32(), pa.string()) if f.vocabulary else scalar[f.type]
        columns.append(pa.field(f.name, typ, nullable=not f.required))
    return pa.schema(columns)
