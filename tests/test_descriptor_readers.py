"""datapackage.json is what other Data Package readers accept: only Data
Package v2 properties on resources (no `scheme`), and the legacy
`profile: "tabular-data-resource"` that frictionless-r 1.2 demands before it
reads a table (its R/get_schema.R, cited in docs/reading.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV = [r for r in PACKAGE["resources"] if r.get("format") == "csv"]
PARQUET = [r for r in PACKAGE["resources"] if r.get("format") == "parquet"]

# The resource properties of Data Package v2 (Data Resource and Tabular Data
# Resource) plus the legacy `profile` v2 tolerates beside `type`.
V2_RESOURCE_PROPERTIES = {
    "name",
    "path",
    "data",
    "type",
    "$schema",
    "title",
    "description",
    "homepage",
    "sources",
    "licenses",
    "format",
    "mediatype",
    "encoding",
    "bytes",
    "hash",
    "dialect",
    "schema",
    "profile",
}


# The published tables, in order, and what each one's evidence is: the one
# place the tests pin the list by hand (everything else reads the descriptor),
# so a table added, dropped or reordered is a decision made here too.
PUBLISHED = {
    "sources": None,
    "passages": None,
    "references": None,
    "places": None,
    "actors": None,
    "mentions": "mention",
    "events": "fact",
    "statements": "fact",
    "figures": "fact",
    "claims": "fact",
}


def test_every_table_is_listed():
    assert [r["name"] for r in CSV] == list(PUBLISHED)
    assert [r["name"] for r in PARQUET] == [f"{name}-parquet" for name in PUBLISHED]
    assert {r["name"]: r["schema"].get("minusma:evidence") for r in CSV} == PUBLISHED


@pytest.mark.parametrize("resource", PACKAGE["resources"], ids=lambda r: r["name"])
def test_no_property_outside_data_package_v2(resource):
    assert set(resource) <= V2_RESOURCE_PROPERTIES, set(resource) - V2_RESOURCE_PROPERTIES


@pytest.mark.parametrize("resource", CSV, ids=lambda r: r["name"])
def test_csv_tables_pass_frictionless_r_checks(resource):
    """What frictionless-r 1.2.1 checks before read_resource(): profile
    (get_schema.R), a schema with fields, a relative path not starting with
    ../ (check_path.R), and v2's type "table" (its development schema.R)."""
    assert resource.get("profile") == "tabular-data-resource"
    assert resource.get("type") == "table"
    assert resource["schema"]["fields"]
    assert not resource["path"].startswith(("/", "../")) and "://" not in resource["path"]


@pytest.mark.parametrize("resource", PARQUET, ids=lambda r: r["name"])
def test_parquet_twins_are_not_offered_to_csv_readers(resource):
    """frictionless-r parses every tabular resource as delimited text; without
    the profile it refuses the Parquet twins instead of misreading them."""
    assert "profile" not in resource
    assert resource.get("type") == "table"
