"""The explorer page shows each claim's verdict where its words stand: one
verdict mark per claim, right after the last segment of its evidence, with
the claim's verdict and its key; a legend entry for every verdict; and the
list of claims by verdict, each once, in the article's order. Read from the
written HTML with the standard library's parser."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CLAIMS_RESOURCE = next(r for r in DESCRIPTOR["resources"] if r["name"] == "claims")
VERDICTS = [c["value"] for f in CLAIMS_RESOURCE["schema"]["fields"] if f["name"] == "verdict" for c in f["categories"]]


def claims() -> list[dict[str, str]]:
    with open(ROOT / CLAIMS_RESOURCE["path"], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class ClaimMarks(HTMLParser):
    """The article's verdict marks with the segment before each; the legend's
    verdict signs; the claims list's items with the group they stand in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_article = self.in_legend = False
        self.depth = {"article": 0, "details": 0}
        self.last_segment_end: int | None = None
        self.marks: list[tuple[int | None, dict[str, str]]] = []
        self.legend: list[str] = []
        self.group = ""
        self.listed: list[tuple[str, str]] = []  # (group verdict, claim key)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "article":
            self.in_article = True
        if tag == "details" and "legend" in classes:
            self.in_legend = True
        if self.in_article and tag == "span" and "data-end" in a:
            self.last_segment_end = int(a["data-end"])
        if "verdict-mark" in classes:
            verdict = next(c[2:] for c in classes if c.startswith("v-"))
            if self.in_article:
                self.marks.append((self.last_segment_end, {**a, "verdict": verdict}))
            elif self.in_legend:
                self.legend.append(verdict)
        if tag == "section" and "verdict-group" in classes:
            self.group = a["aria-labelledby"].removeprefix("verdict-").removesuffix("-h")
        if tag == "li" and "claim-item" in classes:
            self.listed.append((self.group, a["data-claim"]))

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
        if tag == "details":
            self.in_legend = False


@pytest.fixture(scope="module")
def page(built_site: Path) -> ClaimMarks:
    parser = ClaimMarks()
    parser.feed((built_site / "index.html").read_text(encoding="utf-8"))
    return parser


def test_each_claim_has_one_verdict_mark_right_after_its_words(page):
    marks = {a["data-fact"]: (end, a) for end, a in page.marks}
    assert len(marks) == len(page.marks), "a claim marked twice"
    expected = {f"claims/{c['claim_id']}": c for c in claims()}
    assert set(marks) == set(expected)
    for key, (end, attrs) in marks.items():
        claim = expected[key]
        assert end == int(claim["char_end"]), key
        assert attrs["verdict"] == claim["verdict"], key
        assert claim["verdict"] in attrs["aria-label"] and attrs["data-symbol"], key


def test_the_verdict_signs_differ_and_the_legend_gives_each_verdict(page):
    assert page.legend == VERDICTS
    signs = {a["verdict"]: a["data-symbol"] for _, a in page.marks}
    assert len(set(signs.values())) == len(signs)


def test_the_claims_are_listed_by_verdict_in_the_articles_order(page):
    rows = sorted(claims(), key=lambda c: int(c["char_start"]))
    expected = [(v, f"claims/{c['claim_id']}") for v in VERDICTS for c in rows if c["verdict"] == v]
    assert page.listed == expected


def test_a_package_without_claims_has_no_marks_and_no_list(copy: Path, tmp_path: Path):
    from minusma_build.site import build_site

    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if not r["name"].startswith("claims")]
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    html = build_site(copy, tmp_path / "site")["index.html"].decode("utf-8")
    assert "verdict-mark" not in html and 'id="claims"' not in html and 'href="#claims"' not in html
    assert 'data-facts="events/' in html  # the rest of the page is there


def test_a_claims_table_without_notes_is_listed_without_them(copy: Path, tmp_path: Path):
    from minusma_build.site import build_site

    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "claims")
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != "note"]
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    kept = [{k: v for k, v in row.items() if k != "note"} for row in claims()]
    with open(copy / resource["path"], "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(kept[0]))
        writer.writeheader()
        writer.writerows(kept)
    html = build_site(copy, tmp_path / "site")["index.html"].decode("utf-8")
    assert html.count('class="claim-item"') == len(claims())
