"""docs/files.md: the table of where each table's files are, in the release
zip and in the repository, matches datapackage.json. (The reading recipes
are in docs/reading.md, tested by tests/test_reading_recipes.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "files.md").read_text(encoding="utf-8")


def descriptor() -> dict:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def test_the_file_table_lists_every_table_with_its_published_paths():
    rows = re.findall(r"^\| (\w+) \| `([^`]+)` \| `([^`]+)` \|$", DOC, re.M)
    resources = {(r["name"].removesuffix("-parquet"), r["format"]): r["path"] for r in descriptor()["resources"]}
    tables = [r["name"] for r in descriptor()["resources"] if r["format"] == "csv"]
    assert [row[0] for row in rows] == tables
    for table, csv_path, parquet_path in rows:
        assert resources[(table, "csv")] == csv_path
        assert resources[(table, "parquet")] == parquet_path
