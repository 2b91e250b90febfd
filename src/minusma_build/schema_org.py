"""The explorer page's schema.org `Dataset` markup (JSON-LD), which search
engines and Google Dataset Search read, following Google's Dataset
structured-data guidelines: name and description; version, licence,
creator, citation and keywords; the time and the places the data covers; a
`variableMeasured` per column; and a `DataDownload` per published file, its
`contentUrl` relative to the page, which holds every file at its path in the
package. Generated from the descriptor (see minusma_build.about).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .about import About, read_about

PLACES_TABLE = "places"
"""The table of the places events take place in: the spatial coverage."""
DATE_RANGE = ("date_start", "date_end")
"""The columns that bound the interval a fact falls in: the temporal coverage."""


def temporal_coverage(about: About) -> str:
    """The ISO 8601 interval from the earliest `date_start` to the latest
    `date_end` of the tables that have both ("" when none has a date)."""
    starts, ends = [], []
    for resource in about.tables():
        names = {f["name"] for f in resource["schema"]["fields"]}
        if set(DATE_RANGE) <= names:
            for row in about.rows(resource["name"]):
                starts += [row[DATE_RANGE[0]]] if row[DATE_RANGE[0]] else []
                ends += [row[DATE_RANGE[1]]] if row[DATE_RANGE[1]] else []
    return f"{min(starts)}/{max(ends)}" if starts and ends else ""


def spatial_coverage(about: About) -> list[dict[str, str]]:
    return [{"@type": "Place", "name": row["name"]} for row in about.rows(PLACES_TABLE) if row.get("name")]


def variables(about: About) -> list[dict[str, str]]:
    """Each column as a PropertyValue named `table.column`, with its description."""
    return [
        {"@type": "PropertyValue", "name": f"{r['name']}.{f['name']}", "description": str(f.get("description", ""))}
        for r in about.tables()
        for f in r["schema"]["fields"]
    ]


def dataset(about: About) -> dict[str, Any]:
    """The schema.org Dataset of the package."""
    creators = [{"@type": "Person" if c.person else "Organization", "name": c.name} for c in about.creators()]
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": about.title,
        "alternateName": about.name,
        "description": about.description,
        "version": about.version,
        "license": about.licence_urls(),
        "creator": creators,
        "citation": about.citation(),
        "keywords": about.keywords,
        "isAccessibleForFree": True,
    }
    for key, value in (("url", about.known("homepage")), ("identifier", about.known("id"))):
        if value:
            doc[key] = value
    if about.known("created"):
        doc["datePublished"] = about.known("created")
    coverage = temporal_coverage(about)
    if coverage:
        doc["temporalCoverage"] = coverage
    places = spatial_coverage(about)
    if places:
        doc["spatialCoverage"] = places
    doc["variableMeasured"] = variables(about)
    doc["distribution"] = [
        {"@type": "DataDownload", "name": f.title, "encodingFormat": f.mediatype, "contentUrl": f.path}
        for f in about.files()
    ]
    return doc


def script_tag(root: Path) -> str:
    """The page's <script type="application/ld+json"> element. `<`, `>` and `&`
    are written as JSON escapes (\\u003c ...), so no value can close the
    element or be read as markup; JSON parsers read them as the characters."""
    text = json.dumps(dataset(read_about(root)), ensure_ascii=False, separators=(",", ":"))
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return f'<script type="application/ld+json">{text}</script>'
