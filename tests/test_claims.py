"""The claims table keeps its promises, read from the published files with
the standard library: every claim quotes the article at its offsets, its
verdict is one of the documented codes, a verdict other than not_checkable
cites a record and not_checkable cites none, the confidence is the record's,
the claims the article makes about the vote are all there, and a few verdicts
are as the checked context facts call for (written out here by hand from
reading them, not copied from the build).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
# The verdicts docs/method.md documents, in order.
VERDICTS = ["consistent", "consistent_with_note", "partly_consistent", "inconsistent", "not_checkable"]


def read(table: str) -> list[dict[str, str]]:
    with open(ROOT / RESOURCES[table]["path"], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


CLAIMS = {r["claim_id"]: r for r in read("claims")}
REFERENCES = {r["reference_id"]: r for r in read("references")}
TEXT = (ROOT / read("sources")[0]["path"]).read_text(encoding="utf-8")


def test_every_claim_quotes_the_article_at_its_offsets():
    assert len(CLAIMS) >= 40
    for claim in CLAIMS.values():
        start, end = int(claim["char_start"]), int(claim["char_end"])
        assert TEXT[start:end] == claim["evidence"], claim["claim_id"]
        assert claim["passage_kind"] != "question", claim["claim_id"]


def test_the_verdicts_are_a_closed_documented_list():
    field = next(f for f in RESOURCES["claims"]["schema"]["fields"] if f["name"] == "verdict")
    assert field["constraints"]["enum"] == VERDICTS
    assert [c["value"] for c in field["categories"]] == VERDICTS
    assert all(c["label"] for c in field["categories"])
    assert {c["verdict"] for c in CLAIMS.values()} <= set(VERDICTS)
    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    assert all(f"`{v}`" in method for v in VERDICTS)


def test_a_verdict_cites_a_record_exactly_when_it_is_not_not_checkable():
    for claim in CLAIMS.values():
        checked = claim["verdict"] != "not_checkable"
        assert (claim["reference_id"] != "") == checked, claim["claim_id"]
        assert claim["reference_id"] in REFERENCES or not checked, claim["claim_id"]
        assert claim["note"], claim["claim_id"]


def test_unchecked_claims_are_listed_not_left_out():
    verdicts = Counter(c["verdict"] for c in CLAIMS.values())
    assert verdicts["not_checkable"] > 0 and verdicts["consistent"] > 0


def test_the_confidence_is_the_records():
    for claim in CLAIMS.values():
        if claim["verdict"] == "not_checkable":
            assert claim["confidence"] == claim["aspect"] == "", claim["claim_id"]
            continue
        record = REFERENCES[claim["reference_id"]]
        if claim["aspect"]:
            given = dict(reversed(pair) for pair in re.findall(r"(\w+) \((\w+)\)", record["confidence_by_aspect"]))
            assert claim["confidence"] == given[claim["aspect"]], claim["claim_id"]
        else:
            assert claim["confidence"] == record["confidence"], claim["claim_id"]


def test_a_claim_names_one_fact_row_at_most():
    for claim in CLAIMS.values():
        assert sum(bool(claim[c]) for c in ("event_id", "statement_id", "figure_id")) <= 1, claim["claim_id"]


@pytest.mark.parametrize(
    "words",
    [
        "voted unanimously",
        "drafted by France",
        "as demanded by the country’s military junta",
        "the immediate withdrawal",
        "over 15,000 personnel",
        "completed by the end of the year",
        "two weeks after",
        "began in 2013",
        "an annual budget of $1.2 billion",
        "Approximately 13,000 troops and police",
        "many peacekeepers have lost their lives",
        "“helped engineer”",
    ],
)
def test_each_claim_the_article_makes_about_the_vote_has_a_row(words):
    assert any(words in c["evidence"] for c in CLAIMS.values()), words


# Written from context-facts.md, row by row: (verdict, reference, confidence),
# and words the record's fact must hold for the verdict to stand.
EXPECTED = {
    "vote-unanimous": ("consistent", "un-sc-15341", "high", "unanimously (15 in favour)"),
    "france-drafted-resolution": ("consistent", "france-penholder-reports", "high", "France"),
    "withdrawal-immediate": ("consistent_with_note", "un-sc-15341", "high", "the withdrawal starts on 2023-07-01"),
    "personnel-over-15000": ("consistent_with_note", "un-minusma-strength-2023", "medium", "civilian staff"),
    "uniformed-about-13000": ("consistent", "un-minusma-strength-2023", "medium", "about 13,000 uniformed"),
    "budget-1-2-billion": ("consistent", "budget-afp-2023-06-30", "medium", "about USD 1.2 billion a year"),
    "many-peacekeepers-died": ("consistent_with_note", "sg-sm-21858", "high", "311 MINUSMA personnel died"),
    "us-said-prigozhin-helped-engineer": ("consistent_with_note", "reuters-kirby-2023-06-30", "high", "John Kirby"),
    "baerbock-announced-faster-exit": ("consistent", "dpa-baerbock-2023-06-30", "high", "Annalena Baerbock"),
    "baerbock-spoke-after-vote": ("consistent", "dpa-baerbock-2023-06-30", "medium", "right after the vote"),
    "mission-began-2013": ("consistent", "un-res-2100-2013-04-25", "high", "2013-04-25"),
    "pullout-by-end-of-year": ("consistent", "un-sc-15341", "high", "completing it by 2023-12-31"),
    "prigozhin-led-mutiny": ("not_checkable", "", "", ""),
    "lavrov-promised-support": ("not_checkable", "", "", ""),
}


@pytest.mark.parametrize("claim_id", EXPECTED)
def test_a_verdict_as_the_context_facts_call_for(claim_id):
    verdict, reference, confidence, record_says = EXPECTED[claim_id]
    claim = CLAIMS[claim_id]
    assert (claim["verdict"], claim["reference_id"], claim["confidence"]) == (verdict, reference, confidence)
    if reference:
        assert record_says in REFERENCES[reference]["fact"]


def test_two_weeks_after_is_fourteen_days_between_the_records():
    """The demand's day and the vote's, from their records' facts: two weeks exactly."""
    claim = CLAIMS["vote-two-weeks-after-demand"]
    demand = re.search(r"\d{4}-\d{2}-\d{2}", REFERENCES[claim["reference_id"]]["fact"]).group(0)
    vote = re.search(r"adopted on (\d{4}-\d{2}-\d{2})", REFERENCES["un-sc-15341"]["fact"]).group(1)
    assert dt.date.fromisoformat(vote) - dt.date.fromisoformat(demand) == dt.timedelta(weeks=2)
    assert claim["verdict"] == "consistent"


def test_the_confidence_differs_by_aspect_of_one_record():
    """The faster German exit: sure of who announced it, less of the day (context facts: high (who), medium (day))."""
    assert REFERENCES["dpa-baerbock-2023-06-30"]["confidence_by_aspect"] == "high (who), medium (day)"
    assert REFERENCES["dpa-baerbock-2023-06-30"]["confidence"] == "medium"
    assert CLAIMS["baerbock-announced-faster-exit"]["aspect"] == "who"
    assert CLAIMS["baerbock-spoke-after-vote"]["aspect"] == "day"


def summary_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"<!-- BEGIN claims-summary[^>]*-->\n(.*?)<!-- END claims-summary -->", readme, re.S).group(1)


def test_the_readme_counts_the_claims_and_their_verdicts():
    verdicts = Counter(c["verdict"] for c in CLAIMS.values())
    checked = len(CLAIMS) - verdicts["not_checkable"]
    text = summary_block()
    assert f"Of the {len(CLAIMS)} claims" in text
    assert f"{checked} are checked" in text
    for verdict in VERDICTS[:-1]:
        assert f"{verdicts[verdict]} `{verdict}`" in text
    assert f"The other {verdicts['not_checkable']} are `not_checkable`" in text


@pytest.mark.parametrize(
    "aspect, confidence",
    [(None, "medium"), ("who", "high"), ("day", "medium")],
)
def test_a_claim_inherits_the_confidence_of_the_aspect_it_is_checked_on(aspect, confidence):
    """The build's rule, on a record sure of who announced and less of the day."""
    from minusma_build.claims import _confidence
    from minusma_build.curated import Entry, Row

    record = {"confidence": "medium", "confidence_by_aspect": "high (who), medium (day)"}
    values = {"reference_id": "r", **({"aspect": aspect} if aspect else {})}
    claim = Row(Entry("claims.toml", "claim 'c'", dict(values)), dict(values))
    assert _confidence(claim, record, ["high", "medium", "low"], build=None) == confidence
