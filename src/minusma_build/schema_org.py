"""The explorer page's schema.org `Dataset` markup (JSON-LD), which search
engines and Google Dataset Search read, following Google's Dataset
structured-data guidelines: name and description; version, licence,
creator, citation and keywords; the time and the places the data covers; a
`variableMeasured` per column; and a `DataDownload` for every file the page
offers (the descriptor, each published file, and the release zip and
workbook when the page carries them), its `contentUrl` relative to the page,
which holds every file at its path in the package. Generated from the
descriptor (see minusma_build.about).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, EXPORTS

from .about import DESCRIPTOR_TITLE, About
from .urls import relative_href

PLACES_TABLE = "places"
"""The table of the places events take place in: the spatial coverage."""
DATE_RANGE = ("date_start", "date_end")
"""The columns that bound the interval a fact falls in: the temporal coverage."""
RELEASE_MEDIA = {".zip": "application/zip", ".xlsx": EXPORTS["xlsx"].media_type}
"""The media type of each release file the page may carry, by its suffix."""


def download(path: str, name: str, media_type: str, rights: str = "") -> dict[str, str]:
    """A DataDownload; a file the dataset's licence does not cover says so in its description.
    Its contentUrl is the path percent-encoded as the page's own links are
    (urls.relative_href): a file named `javascript:x` is a file, not a scheme."""
    entry = {"@type": "DataDownload", "name": name, "encodingFormat": media_type, "contentUrl": relative_href(path)}
    return entry | ({"description": rights} if rights else {})


def distribution(about: About, release_files: tuple[str, ...]) -> list[dict[str, str]]:
    """The descriptor, every published file, then the release files the page carries."""
    own = [download(DESCRIPTOR, DESCRIPTOR_TITLE, "application/json")]
    published = [download(f.path, f.title, f.mediatype, f.rights) for f in about.files()]
    release = [
        download(name, f"Release {about.version}: {name}", RELEASE_MEDIA[Path(name).suffix]) for name in release_files
    ]
    return own + published + release


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


def dataset(about: About, release_files: tuple[str, ...] = ()) -> dict[str, Any]:
    """The schema.org Dataset of the package, offered with `release_files` (page-relative)."""
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
    doc["distribution"] = distribution(about, release_files)
    return doc


def script_tag(about: About, release_files: tuple[str, ...] = ()) -> str:
    """The page's <script type="application/ld+json"> element. `<`, `>` and `&`
    are written as JSON escapes (\\u003c ...), so no value can close the
    element or be read as markup; JSON parsers read them as the characters."""
    text = json.dumps(dataset(about, release_files), ensure_ascii=False, separators=(",", ":"))
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return f'<script type="application/ld+json">{text}</script>'
