"""The README of the release zip, for someone who has only the zip.

The hand-written text lives once, in zip_readme.md beside this module; its
`{{name}}` slots are filled from the tree's datapackage.json and published
files (the table overview and the timeline summary are the same blocks
minusma_build.docs writes into the repository's README). The template is read
from the tree being released, like every other file of the zip, so the zip
holds what the commit holds.

    readme(tree)                          # the text
    readme(tree, front_matter="---\\n...") # with a block put before it (a dataset card's YAML)
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

from minusma_data.buildkit import DESCRIPTOR

from .dataset_card import front_matter
from .docs import csv_resources, render_tables, render_timeline_summary
from .release_errors import ReleaseError

TEMPLATE = "src/minusma_build/zip_readme.md"
SLOT = re.compile(r"\{\{([a-z_]+)\}\}")


def _first_id(tree: Path, package: dict, table: str) -> str:
    """The first row's primary key in a table: a real row to cite as an example."""
    resource = next(r for r in csv_resources(package) if r["name"] == table)
    with open(tree / resource["path"], encoding="utf-8", newline="") as handle:
        first = next(csv.DictReader(handle))
    return first[resource["schema"]["primaryKey"][0]]


def _sources(tree: Path, package: dict) -> str:
    return "\n".join(
        f"| [`{s['path']}`]({s['path']}) | the source text, verbatim: “{s.get('title', '')}”, whose characters "
        "`char_start` and `char_end` count (third-party text; see [Licences](#licences)) |"
        for s in package.get("sources", [])
    )


def _licences(tree: Path, package: dict) -> str:
    return "; ".join(
        f"[{x.get('name', '')}]({x['path']})" if x.get("path") else str(x.get("name", ""))
        for x in package.get("licenses", [])
    )


# Each slot of the template and how it is filled, from the tree and its parsed descriptor.
SLOTS: dict[str, Callable[[Path, dict], str]] = {
    "name": lambda tree, p: str(p["name"]),
    "title": lambda tree, p: str(p.get("title", p["name"])),
    "version": lambda tree, p: str(p["version"]),
    "description": lambda tree, p: str(p.get("description", "")),
    "tables": lambda tree, p: render_tables(tree, p, ""),
    "timeline_summary": lambda tree, p: render_timeline_summary(tree, p, ""),
    "sources": _sources,
    "source_titles": lambda tree, p: ", ".join(f"“{s.get('title', '')}”" for s in p.get("sources", [])),
    "licences": _licences,
    "example_row": lambda tree, p: _first_id(tree, p, "events"),
}


def readme(tree: Path, *, front_matter: str = "") -> str:
    """The zip's README.md: `front_matter` (if any), then the filled template."""
    try:
        template = (tree / TEMPLATE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReleaseError(
            f"{tree / TEMPLATE}: cannot read the zip's README template ({exc.strerror})", "readme-template-unusable"
        ) from None
    package = json.loads((tree / DESCRIPTOR).read_text(encoding="utf-8"))
    unknown = sorted(set(SLOT.findall(template)) - set(SLOTS))
    if unknown:
        raise ReleaseError(
            f"{tree / TEMPLATE}: no value for {', '.join('{{' + u + '}}' for u in unknown)}", "readme-template-unusable"
        )
    text = SLOT.sub(lambda m: SLOTS[m.group(1)](tree, package), template)
    return front_matter + text


def readme_bytes(tree: Path) -> bytes:
    """The README as the zip holds it: opened by the Hugging Face dataset card's front matter."""
    return readme(tree, front_matter=front_matter(tree)).encode("utf-8")
