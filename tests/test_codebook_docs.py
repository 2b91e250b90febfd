"""The generated docs describe every coded column with its own vocabulary.

The expectation is read from data/curated/package.toml with tomllib alone
(groups expanded here, not by the build), so the test does not share the
code that writes the docs: each coded field names its vocabulary there, and
docs/data-dictionary.md must show that vocabulary's codes and link to its
section of docs/codebook.md, which must list its own codes and labels, where
it is used, and a heading per crosswalk that names the right codebook field.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = tomllib.loads((ROOT / "data" / "curated" / "package.toml").read_text(encoding="utf-8"))
VOCABULARIES = SPEC["vocabularies"]
INLINE_CODES = 8  # longer lists are named, not spelled out (docs/data-dictionary.md)


def _fields(table: dict) -> list[dict]:
    out = []
    for f in table["fields"]:
        out += SPEC["groups"][f["group"]] if "group" in f else [f]
    return out


# (table, field) -> the name of its vocabulary, for every coded field
CODED = {
    (name, f["name"]): f["vocabulary"]
    for name, table in SPEC["tables"].items()
    for f in _fields(table)
    if "vocabulary" in f
}


def _rows(markdown: str) -> list[list[str]]:
    """The cells of every table row (header and body; the rule line dropped),
    with escaped pipes restored."""
    rows = []
    for line in markdown.splitlines():
        if not line.startswith("|") or set(line) <= set("|-"):
            continue
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows


def _sections(path: Path) -> dict[str, str]:
    """Each `### name` section of a document, by name."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"^### (\S+)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


DICTIONARY = _sections(ROOT / "docs" / "data-dictionary.md")
CODEBOOK = _sections(ROOT / "docs" / "codebook.md")


def _codes(vocabulary: str) -> list[str]:
    return [v["value"] for v in VOCABULARIES[vocabulary]["values"]]


@pytest.mark.parametrize(("table", "field"), sorted(CODED), ids=lambda x: x)
def test_each_coded_column_shows_its_own_vocabulary(table, field):
    vocabulary = CODED[(table, field)]
    row = next(r for r in _rows(DICTIONARY[table]) if r[0] == f"`{field}`")
    allowed = row[4]
    assert f"[`{vocabulary}`](codebook.md#{vocabulary})" in allowed, allowed
    codes = _codes(vocabulary)
    if len(codes) <= INLINE_CODES:
        assert allowed.startswith(", ".join(f"`{c}`" for c in codes) + " (see "), allowed
    else:
        assert f"one of the {len(codes)} codes of" in allowed, allowed


@pytest.mark.parametrize("vocabulary", sorted(set(CODED.values())))
def test_each_vocabulary_is_documented_with_its_own_codes_and_labels(vocabulary):
    section = CODEBOOK[vocabulary]
    rows = _rows(section)
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (f"`{v['value']}`", v["label"]) for v in VOCABULARIES[vocabulary]["values"]
    ]
    used = re.search(r"^Used in (.*)\.$", section, flags=re.M)
    assert used, section
    expected = sorted(f"`{t}.{f}`" for (t, f), v in CODED.items() if v == vocabulary)
    assert sorted(used.group(1).split(", ")) == expected


@pytest.mark.parametrize("vocabulary", sorted(set(CODED.values())))
def test_each_crosswalk_heading_is_the_one_its_vocabulary_gives(vocabulary):
    spec = VOCABULARIES[vocabulary]
    keys = list(dict.fromkeys(k for v in spec["values"] for k in v if k not in ("value", "label")))
    headings = spec.get("crosswalks", {})
    assert _rows(CODEBOOK[vocabulary])[0] == ["Code", "Meaning", *(headings.get(k, k) for k in keys)]


def test_the_place_crosswalks_name_the_place_precision_fields():
    """Pinned by hand: place_level's crosswalks are ACLED's geo_precision and
    UCDP GED's where_prec (ACLED and UCDP codebooks), never a time field."""
    header = _rows(CODEBOOK["place_level"])[0]
    assert header == ["Code", "Meaning", "ACLED geo_precision", "UCDP GED where_prec"]
    # and every non-empty crosswalk value is a code of the field it is headed by (written as text)
    for value in VOCABULARIES["place_level"]["values"]:
        assert value["acled_geo_precision"] in ["", *map(str, _codes("acled_geo_precision"))]
        assert value["ucdp_where_prec"] in ["", *map(str, _codes("ucdp_where_prec"))]
