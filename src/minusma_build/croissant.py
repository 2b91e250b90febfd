"""croissant.json: the package described in Croissant (MLCommons' JSON-LD
vocabulary for datasets), which mlcroissant, Hugging Face, Kaggle and OpenML
read. Generated from datapackage.json and CITATION.cff (see minusma_build.about),
never edited by hand.

    python -m minusma_build.croissant           # write croissant.json at the root
    python -m minusma_build.croissant --check   # exit 1 if it is stale; write nothing

`python -m minusma_build.docs` (`make data`) writes it too, and its --check
(`make check`, `make test`) finds it stale. Each table is a RecordSet whose
Fields read its Parquet file: the Parquet file carries every column's type, where a
CSV reader that guesses (as mlcroissant's does) would read a text code such as
`NA` as missing or `024` as a number.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from minusma_data.buildkit import CROISSANT, foreign_keys, write_atomic

from .about import About, read_about

TARGET = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
"""The newest Croissant version the mlcroissant release of the test extra validates."""
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
"""Croissant 1.1's JSON-LD context, as its examples and mlcroissant give it."""

ENCODING = {"parquet": "application/x-parquet"}
"""The media type Croissant readers know a format by, where it is not the
descriptor's: mlcroissant reads Parquet as application/x-parquet only, not as
IANA's application/vnd.apache.parquet."""


def field_id(table: str, column: str) -> str:
    return f"{table}/{column}"


def creator(about: About) -> list[dict[str, str]]:
    return [{"@type": "sc:Person" if c.person else "sc:Organization", "name": c.name} for c in about.creators()]


def file_objects(about: About) -> list[dict[str, Any]]:
    """A FileObject per published file: its path, format and sha256."""
    return [
        {
            "@type": "cr:FileObject",
            "@id": f.path,
            "name": f.path,
            "description": f"{f.title}. {f.rights}" if f.rights else f.title,
            "contentUrl": f.path,
            "contentSize": f"{f.size} B",
            "encodingFormat": ENCODING.get(f.format, f.mediatype),
            "sha256": f.sha256,
        }
        for f in about.files()
    ]


def references(resource: dict[str, Any], earlier: list[str]) -> dict[str, str]:
    """Column -> the Field it references, for each one-column foreign key to a
    table published before this one. Croissant readers join a RecordSet to
    the one it references, so references must not form a cycle (mlcroissant
    refuses one): pointing only backwards in the descriptor's order, they never
    do. A key to the table itself or to a later table is in datapackage.json only."""
    return {
        fields[0]: field_id(target, targets[0])
        for fields, target, targets in foreign_keys(resource["schema"], resource["name"])
        if len(fields) == 1 and len(targets) == 1 and target in earlier
    }


def record_set(resource: dict[str, Any], parquet: str, refs: dict[str, str]) -> dict[str, Any]:
    """A table as a RecordSet: a Field per column, read from the column of the
    table's Parquet file, with its Croissant dataType and the Field it
    references (`refs`)."""
    table, schema = resource["name"], resource["schema"]
    fields = []
    for f in schema["fields"]:
        entry: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": field_id(table, f["name"]),
            "name": f["name"],
            "description": f.get("description", ""),
            "dataType": CROISSANT[f.get("type", "string")],
            "source": {"fileObject": {"@id": parquet}, "extract": {"column": f["name"]}},
        }
        if f["name"] in refs:
            # The form mlcroissant 1.1.1 reads; the bare {"@id": ...} of the 1.1 examples fails in it.
            entry["references"] = {"field": {"@id": refs[f["name"]]}}
        fields.append(entry)
    return {
        "@type": "cr:RecordSet",
        "@id": table,
        "name": table,
        "description": resource.get("description", ""),
        "key": [{"@id": field_id(table, k)} for k in schema.get("primaryKey", [])],
        "field": fields,
    }


def croissant(about: About) -> dict[str, Any]:
    """The Croissant description of the package."""
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": about.name,
        "alternateName": about.title,
        "description": about.description,
        "version": about.version,
        "license": about.licence_urls(),
        "citeAs": about.bibtex(),
        "creator": creator(about),
        "keywords": about.keywords,
    }
    for key, value in (("url", about.known("homepage")), ("sameAs", about.known("id"))):
        if value:
            doc[key] = value
    if about.known("created"):
        doc["datePublished"] = about.known("created")
    doc["distribution"] = file_objects(about)
    parquet = {f.table: f.path for f in about.files() if f.format == "parquet"}
    tables = about.tables()
    names = [r["name"] for r in tables]
    doc["recordSet"] = [record_set(r, parquet[r["name"]], references(r, names[:i])) for i, r in enumerate(tables)]
    return doc


def render(root: Path) -> bytes:
    """croissant.json's bytes for the tree: stable key order, two-space indent, UTF-8."""
    text = json.dumps(croissant(read_about(root)), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def stale(root: Path) -> bool:
    target = root / TARGET
    return not target.is_file() or target.read_bytes() != render(root)


def write(root: Path) -> bool:
    """Write croissant.json all at once when it differs; whether it did."""
    content = render(root)
    target = root / TARGET
    if target.is_file() and target.read_bytes() == content:
        return False
    write_atomic(target, content)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minusma_build.croissant", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if croissant.json is stale; write nothing")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2], help="the checkout")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.check:
        if stale(root):
            print(
                f"stale: {TARGET} differs from what datapackage.json and CITATION.cff give; "
                "run `python scripts/render_docs.py`"
            )
            return 1
        return 0
    print(f"{'wrote' if write(root) else 'unchanged'}: {root / TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
