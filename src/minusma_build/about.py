"""What every description of the dataset for other readers says alike: its
name, version, licences, creators, citation and keywords, and each published
file with its format and checksum. croissant.json, the page's schema.org
markup and the zip's dataset card all take these facts from here, and here
they come only from datapackage.json, CITATION.cff and the published files.

An identifier or address that is not known yet (a DOI, the repository's
URL, the release date) is absent from the descriptor (package.toml keeps it
empty) and so from every description: none is made up here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, resource_table

from .site_files import CITATION as CITATION
from .site_files import inside, read_cff, read_file

SOURCES_TABLE = "sources"
DESCRIPTOR_TITLE = "The descriptor: metadata and the Table Schema of every table"
"""How the page and its schema.org markup name datapackage.json among the downloads."""
"""The table that lists the source texts, with each one's media type and language."""


@dataclass(frozen=True)
class PublishedFile:
    """One file the package publishes: a table's CSV or Parquet file, or a source text."""

    path: str  # relative POSIX path, the same in a checkout and the release zip
    name: str  # the resource's name ("events", "events-parquet"), or the path for a source text
    title: str
    format: str  # "csv", "parquet" or "txt"
    mediatype: str
    sha256: str
    size: int
    table: str | None  # the table it holds; None for a source text
    rights: str = ""  # a source text's rights (the sources table's): the dataset's licence does not cover it


@dataclass(frozen=True)
class Creator:
    name: str
    person: bool  # a person (given and family names), else an organisation


@dataclass(frozen=True)
class About:
    root: Path
    descriptor: dict[str, Any]
    cff: dict[str, Any]  # CITATION.cff, or {} where there is none

    @property
    def name(self) -> str:
        return str(self.descriptor["name"])

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.name)

    @property
    def description(self) -> str:
        return str(self.descriptor.get("description", ""))

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def keywords(self) -> list[str]:
        return [str(k) for k in self.descriptor.get("keywords") or []]

    def known(self, key: str) -> str:
        """A descriptor property that package.toml leaves empty until it is known
        (`id`, the DOI URL; `homepage`; `created`): "" while unknown."""
        return str(self.descriptor.get(key) or "")

    def licence_urls(self) -> list[str]:
        """Each licence's address as the descriptor gives it (its `path`)."""
        return [str(x["path"]) for x in self.descriptor.get("licenses") or [] if isinstance(x, dict) and x.get("path")]

    def creators(self) -> list[Creator]:
        """CITATION.cff's authors; the descriptor's contributors with the author role where there is no CFF."""
        found = []
        for author in _entries(self.cff, "authors"):
            if author.get("name"):
                found.append(Creator(str(author["name"]), False))
            else:
                names = [str(author[k]) for k in ("given-names", "family-names") if author.get(k)]
                if names:
                    found.append(Creator(" ".join(names), True))
        if found or self.cff:
            return found
        return [
            Creator(str(c["title"]), False)
            for c in _entries(self.descriptor, "contributors")
            if c.get("title") and "author" in (c.get("roles") or ["author"])
        ]

    def _cited(self) -> tuple[str, str, str, str]:
        """(title, version, year, link) as CITATION.cff gives them, else the descriptor."""
        title = str(self.cff.get("title") or self.title)
        version = str(self.cff.get("version") or self.version)
        year = str(self.cff.get("date-released") or self.known("created"))[:4]
        doi = self.cff.get("doi")
        given = self.cff.get("url") or self.known("id") or self.known("homepage")
        link = f"https://doi.org/{doi}" if doi else str(given)
        return title, version, year, link

    def citation(self) -> str:
        """Author. (Year). Title (Version v) [Data set]. Link: the manner of APA."""
        title, version, year, link = self._cited()
        text = "; ".join(c.name for c in self.creators()) or self.name
        text += f". ({year})." if year else "."
        text += f" {title} (Version {version}) [Data set]."
        return text + (f" {link}" if link else "")

    def bibtex(self) -> str:
        """The same citation as a BibTeX @misc entry (Croissant's citeAs asks for BibTeX)."""
        title, version, year, link = self._cited()
        authors = " and ".join("{" + _tex(c.name) + "}" if not c.person else _tex(c.name) for c in self.creators())
        entries = [("title", "{" + _tex(title) + "}"), ("author", authors), ("version", version)]
        entries += [("year", year), ("url", link)]
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in entries if v)
        return f"@misc{{{self.name}-{version},\n{body},\n  note = {{Data set}}\n}}"

    def files(self) -> list[PublishedFile]:
        """Every published file in the descriptor's order, then the source texts:
        a CSV file's checksum and size from the descriptor, a Parquet file's
        and a text's computed from its bytes, read only inside the package
        and only as a regular file (site_files)."""
        out = []
        for r in self.descriptor.get("resources") or []:
            fmt = str(r.get("format", ""))
            where = f"datapackage.json resource {r.get('name')!r}"
            given = str(r.get("hash", ""))
            if given.startswith("sha256:") and isinstance(r.get("bytes"), int):
                digest, size = given.removeprefix("sha256:"), int(r["bytes"])
            else:
                digest, size = _facts(self.root, str(r["path"]), where)
            out.append(
                PublishedFile(
                    str(r["path"]),
                    str(r["name"]),
                    str(r.get("title") or r["name"]),
                    fmt,
                    str(r.get("mediatype", "")),
                    digest,
                    size,
                    resource_table(str(r["name"]), fmt),
                )
            )
        listed = {row.get("path"): row for row in self.rows(SOURCES_TABLE)}
        for s in self.descriptor.get("sources") or []:
            if not isinstance(s, dict) or not isinstance(s.get("path"), str):
                continue
            digest, size = _facts(self.root, s["path"], "datapackage.json sources")
            kind = str(listed.get(s["path"], {}).get("media_type") or "text/plain")
            title = f"Source text: {s.get('title', '')}"
            rights = str(listed.get(s["path"], {}).get("rights") or "")
            out.append(PublishedFile(s["path"], s["path"], title, "txt", kind, digest, size, None, rights))
        return out

    def tables(self) -> list[dict[str, Any]]:
        """The CSV resources, one per table, in published order."""
        return [r for r in self.descriptor.get("resources") or [] if r.get("format") == "csv"]

    def rows(self, table: str) -> list[dict[str, str]]:
        """A table's CSV rows as text (none when the descriptor has no such table)."""
        resource = next((r for r in self.tables() if r["name"] == table), None)
        if resource is None:
            return []
        where = f"datapackage.json resource {table!r}"
        data = read_file(inside(self.root, str(resource["path"]), where), where)
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))

    def languages(self) -> list[str]:
        """The languages of the source texts (primary BCP 47 subtags), in order of first use."""
        return list(dict.fromkeys(r["language"].split("-")[0] for r in self.rows(SOURCES_TABLE) if r.get("language")))


def read_about(root: Path) -> About:
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    return About(root, descriptor, read_cff(root))


def _entries(mapping: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = mapping.get(key)
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def _facts(root: Path, rel: str, where: str) -> tuple[str, int]:
    data = read_file(inside(root, rel, where), where)
    return hashlib.sha256(data).hexdigest(), len(data)


def _tex(text: str) -> str:
    """Text safe inside a BibTeX value: its special characters escaped."""
    for char in "\\{}&%$#_":
        text = text.replace(char, "\\" + char)
    return text
