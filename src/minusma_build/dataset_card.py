"""The Hugging Face dataset card's front matter that opens the release zip's
README: its licence, language, pretty name, size category and tags, and one
`configs` entry per table naming its Parquet file, so that
`datasets.load_dataset(<unzipped folder>, "events")` loads that table as it
is. Generated from datapackage.json (see minusma_build.about); the
repository's own README has none (GitHub would show it as a table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minusma_data.buildkit import fact_tables

from .about import About, read_about

HF_LICENCES = {"cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "odc-by", "odbl", "pddl", "mit", "apache-2.0"}
"""Licence ids of the Hub that a descriptor's licence name (an SPDX id) may
be, lowercased; a licence outside this list is given as `other`."""
LICENCE_FILE = "LICENSE-DATA"
"""What an `other` licence links to: the data licence's text, in the zip."""
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def licence(about: About) -> dict[str, str]:
    """The card's licence keys: the Hub's id of the descriptor's one licence,
    else `other` with the licence's name and a link to its text in the zip."""
    names = [str(x.get("name", "")) for x in about.descriptor.get("licenses") or [] if isinstance(x, dict)]
    if len(names) == 1 and names[0].lower() in HF_LICENCES:
        return {"license": names[0].lower()}
    return {"license": "other", "license_name": " AND ".join(names) or "see LICENSE-DATA", "license_link": LICENCE_FILE}


def size_category(rows: int) -> str:
    """The Hub's size category for a number of rows (all tables together)."""
    return next((label for bound, label in SIZES if rows < bound), "n>1M")


def card(about: About) -> dict[str, Any]:
    rows = sum(len(about.rows(r["name"])) for r in about.tables())
    parquet = {f.table: f.path for f in about.files() if f.format == "parquet"}
    first = next(iter(fact_tables(about.descriptor)), None)
    return {
        **licence(about),
        "language": about.languages(),
        "pretty_name": about.title,
        "size_categories": [size_category(rows)],
        "tags": about.keywords,
        "configs": [config(r["name"], parquet[r["name"]], first) for r in about.tables() if r["name"] in parquet],
    }


def config(table: str, parquet: str, default: str | None) -> dict[str, Any]:
    """A table's config; the first table of facts (events) is the default, as it
    is the table the README starts with and the workbook opens on."""
    return {"config_name": table, "data_files": parquet} | ({"default": True} if table == default else {})


def front_matter(tree: Path) -> str:
    """The card as the YAML block a README opens with, between two `---` lines."""
    import yaml

    text = yaml.safe_dump(card(read_about(tree)), sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{text}---\n"
