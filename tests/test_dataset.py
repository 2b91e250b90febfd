"""The published tables keep their promises: every span is the source's own
characters, keys are unique, foreign keys resolve, every actor is in the
text, outside values cite their record, figures agree with their words, and
nothing is drawn from the rhetorical question.

These tests read the published files with the standard library only, so
they check the files a user downloads, not the build's own idea of them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import need

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV_RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
# Tables whose rows quote the article: facts (words that assert the row) and
# mentions (words that name an actor), as each table's schema says.
EVIDENCE = {name: r["schema"].get("minusma:evidence") for name, r in CSV_RESOURCES.items()}
FACT_TABLES = [t for t, e in EVIDENCE.items() if e == "fact"]
SPAN_TABLES = [t for t, e in EVIDENCE.items() if e]


def read_table(name: str) -> list[dict[str, str]]:
    with open(ROOT / CSV_RESOURCES[name]["path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def source_texts() -> dict[str, str]:
    return {r["source_id"]: (ROOT / r["path"]).read_text(encoding="utf-8") for r in read_table("sources")}


TEXTS = source_texts()
TEXT = TEXTS["unsc-ends-minusma"]


def primary_key(name: str) -> str:
    (key,) = CSV_RESOURCES[name]["schema"]["primaryKey"]
    return key


# -- the raw input ----------------------------------------------------------


def test_source_text_is_vendored_byte_for_byte_with_its_checksum():
    (source,) = read_table("sources")
    raw = (ROOT / source["path"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == source["sha256"]
    assert int(source["byte_length"]) == len(raw)
    assert int(source["char_length"]) == len(raw.decode("utf-8"))


def test_source_is_labelled_third_party_and_its_unknowns_stay_empty():
    (source,) = read_table("sources")
    assert "third-party" in source["rights"].lower()
    assert source["publisher"] == "" and source["published_date"] == ""
    notes = source["quality_notes"].lower()
    assert "fragment" in notes and "question" in notes and "15,000" in notes


# -- spans --------------------------------------------------------------------


@pytest.mark.parametrize("table", [*SPAN_TABLES, "passages"])
def test_every_span_is_the_source_text_at_its_offsets(table):
    column = "text" if table == "passages" else "evidence"
    rows = read_table(table)
    assert rows
    for row in rows:
        start, end = int(row["char_start"]), int(row["char_end"])
        assert 0 <= start < end <= len(TEXTS[row["source_id"]])
        assert TEXTS[row["source_id"]][start:end] == row[column], row[primary_key(table)]


def test_passages_cover_every_non_blank_character_once_in_order():
    passages = sorted(read_table("passages"), key=lambda r: int(r["char_start"]))
    cursor = 0
    for p in passages:
        assert TEXT[cursor : int(p["char_start"])].strip() == ""
        cursor = int(p["char_end"])
    assert TEXT[cursor:].strip() == ""


@pytest.mark.parametrize("table", SPAN_TABLES)
def test_every_span_lies_in_the_passage_it_names(table):
    passages = {p["passage_id"]: p for p in read_table("passages")}
    for row in read_table(table):
        p = passages[row["passage_id"]]
        assert int(p["char_start"]) <= int(row["char_start"]) and int(row["char_end"]) <= int(p["char_end"])
        assert row["passage_kind"] == p["passage_kind"]


def test_no_fact_is_drawn_from_the_rhetorical_question():
    question_lines = list(re.finditer(r"[^\n]*\?\n", TEXT))
    assert len(question_lines) == 1, "the article has one question"
    q_start, q_end = question_lines[0].start(), question_lines[0].end()
    for table in FACT_TABLES:
        for row in read_table(table):
            assert int(row["char_end"]) <= q_start or int(row["char_start"]) >= q_end, row[primary_key(table)]
    kinds = {
        p["passage_kind"]
        for p in read_table("passages")
        if int(p["char_start"]) >= q_start and int(p["char_end"]) <= q_end
    }
    assert kinds == {"question"}


def test_the_truncated_fragment_is_marked_and_only_its_surviving_words_are_used():
    fragments = [p for p in read_table("passages") if p["passage_kind"] == "fragment"]
    assert [p["text"][:19] for p in fragments] == ["Litary group Wagner"]
    for table in FACT_TABLES:
        for row in read_table(table):
            if row["passage_kind"] == "fragment":
                assert row["evidence"] in fragments[0]["text"]
                assert "Litary" not in row["evidence"]


# -- keys -----------------------------------------------------------------------


@pytest.mark.parametrize("table", list(CSV_RESOURCES))
def test_primary_keys_are_unique_slugs_and_rows_are_sorted_by_them(table):
    key = primary_key(table)
    ids = [r[key] for r in read_table(table)]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("table", list(CSV_RESOURCES))
def test_every_foreign_key_resolves(table):
    schema = CSV_RESOURCES[table]["schema"]
    for fk in schema.get("foreignKeys", []):
        (field,), target = fk["fields"], fk["reference"]["resource"]
        (target_field,) = fk["reference"]["fields"]
        known = {r[target_field] for r in read_table(target)}
        for row in read_table(table):
            assert row[field] == "" or row[field] in known, (table, row[primary_key(table)], field)


@pytest.mark.parametrize("table", list(CSV_RESOURCES))
def test_every_id_column_that_points_elsewhere_is_a_declared_foreign_key(table):
    schema = CSV_RESOURCES[table]["schema"]
    declared = {fk["fields"][0] for fk in schema.get("foreignKeys", [])}
    own = set(schema["primaryKey"])
    id_columns = {f["name"] for f in schema["fields"] if f["name"].endswith("_id")} - own
    assert id_columns == declared


def test_every_actor_is_mentioned_and_its_count_matches_the_mentions():
    mentions = read_table("mentions")
    for actor in read_table("actors"):
        n = sum(m["actor_id"] == actor["actor_id"] for m in mentions)
        assert n >= 1, actor["actor_id"]
        assert int(actor["mention_count"]) == n


def test_roles_are_written_in_the_text():
    for actor in read_table("actors"):
        assert actor["role"] == "" or actor["role"] in TEXT


# -- dates ------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["events", "statements"])
def test_dates_say_where_they_come_from(table):
    references = {r["reference_id"] for r in read_table("references")}
    events = {e["event_id"]: e for e in read_table("events")}
    for row in read_table(table):
        basis = row["date_basis"]
        if basis == "unknown":
            assert row["date_start"] == row["date_end"] == "" and row["date_precision"] == "unknown"
            continue
        start, end = dt.date.fromisoformat(row["date_start"]), dt.date.fromisoformat(row["date_end"])
        assert start <= end
        assert (row["date_reference_id"] in references) == (basis == "external")
        if basis == "stated":
            assert str(start.year) in row["evidence"]
        if basis == "derived":
            anchor = events[row["date_anchor_event_id"]]
            offset = dt.date.fromisoformat(anchor["date_start"]) - start
            # the text's relative date, "two weeks after"; and a claim about the resolution,
            # dated by the vote that adopted it (docs/coding.md, D3)
            said = {dt.timedelta(days=14): "two weeks after", dt.timedelta(0): "the resolution's adoption"}
            assert offset in said and said[offset] in row["date_note"]


def test_every_reference_is_cited():
    citing = {
        "events": ("date_reference_id", "initiator_reference_id"),
        "statements": ("date_reference_id",),
        "figures": ("estimate_reference_id", "scope_reference_id"),
        "places": ("reference_id", "acled_region_reference_id"),
        "claims": ("reference_id",),
    }
    cited = {r[c] for t, columns in citing.items() for r in read_table(t) for c in columns}
    assert {r["reference_id"] for r in read_table("references")} <= cited


def test_the_vote_is_dated_from_the_un_record():
    vote = next(e for e in read_table("events") if e["event_id"] == "unsc-votes-to-end-minusma")
    assert (vote["date_start"], vote["date_basis"], vote["date_reference_id"]) == (
        "2023-06-30",
        "external",
        "un-sc-15341",
    )


# -- figures ------------------------------------------------------------------------

NUMBER_WORDS = {"two": 2, "decade": 10}


def numbers_in(phrase: str) -> list[float]:
    found = []
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)(\s+billion)?|\b(two|decade)\b", phrase):
        if m.group(1):
            found.append(float(m.group(1).replace(",", "")) * (1e9 if m.group(2) else 1))
        else:
            found.append(NUMBER_WORDS[m.group(3)])
    return found


def test_figure_values_agree_with_the_numbers_in_their_words():
    for row in read_table("figures"):
        assert row["phrase"] in row["evidence"]
        if row["qualifier"] == "unquantified":
            assert row["value"] == "" and numbers_in(row["phrase"]) == []
        else:
            assert float(row["value"]) in numbers_in(row["phrase"]), row["figure_id"]


def test_overlapping_personnel_figures_are_both_kept_with_their_scope():
    figures = {f["figure_id"]: f for f in read_table("figures")}
    everyone, uniformed = figures["minusma-personnel-withdrawn"], figures["minusma-uniformed-personnel-deployed"]
    assert (everyone["value"], everyone["qualifier"], everyone["lower_bound"]) == ("15000", "more_than", "15000")
    assert (uniformed["value"], uniformed["qualifier"]) == ("13000", "approximately")
    assert uniformed["figure_id"] in everyone["scope_note"] and everyone["figure_id"] in uniformed["scope_note"]


# -- statements ---------------------------------------------------------------------


def test_editorial_statements_have_no_speaker_and_attributed_ones_do():
    for row in read_table("statements"):
        assert (row["mode"] == "editorial") == (row["speaker_actor_id"] == ""), row["statement_id"]
        if row["mode"] != "editorial":
            assert row["reporting_verb"] in row["evidence"]


def test_quoted_words_are_the_words_between_quotation_marks():
    for row in read_table("statements"):
        quoted = re.findall(r"“([^”]*)”", row["evidence"])
        assert row["quoted_text"] == " … ".join(quoted)
        assert (row["mode"] in ("direct", "mixed")) == bool(quoted)


# -- coverage ---------------------------------------------------------------------


def test_the_article_is_covered_from_start_to_finish():
    """A floor, not a target: the article names ~25 actors and reports 20+
    events, 10+ statements and 6+ figures; the analysis paragraphs count too."""
    counts = {t: len(read_table(t)) for t in ("actors", "events", "statements", "figures")}
    assert counts["actors"] >= 25 and counts["events"] >= 20
    assert counts["statements"] >= 10 and counts["figures"] >= 6
    commentary = {p["passage_id"] for p in read_table("passages") if p["passage_kind"] == "commentary"}
    used = {r["passage_id"] for t in FACT_TABLES for r in read_table(t)}
    assert commentary <= used, "every commentary sentence yields a statement or a fact"


# -- file format ------------------------------------------------------------------


@pytest.mark.parametrize("table", list(CSV_RESOURCES))
def test_csv_files_are_plain_utf8_with_lf_and_columns_in_schema_order(table):
    raw = (ROOT / CSV_RESOURCES[table]["path"]).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw and raw.endswith(b"\n")
    header = next(csv.reader([raw.decode("utf-8").split("\n", 1)[0]]))
    assert header == [f["name"] for f in CSV_RESOURCES[table]["schema"]["fields"]]
    assert CSV_RESOURCES[table]["bytes"] == len(raw)
    assert CSV_RESOURCES[table]["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_every_field_is_titled_and_described():
    for resource in DESCRIPTOR["resources"]:
        assert resource["title"] and resource["description"]
        for f in resource["schema"]["fields"]:
            assert f["title"] and f["description"], (resource["name"], f["name"])


def test_parquet_twins_hold_the_same_values_with_explicit_types():
    pa = need("pyarrow")
    pq = need("pyarrow.parquet")
    for name, resource in CSV_RESOURCES.items():
        table = pq.read_table(ROOT / f"data/{name}.parquet")
        for f in resource["schema"]["fields"]:
            column = table.column(f["name"])
            if "enum" in f.get("constraints", {}) and f["type"] == "string":  # text codes
                assert pa.types.is_dictionary(column.type)
                assert column.type.value_type == pa.string()
            elif f["type"] == "date":
                assert column.type == pa.date32()
            else:
                expected = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}
                assert column.type == expected[f["type"]]
        as_text = [
            [
                (
                    ""
                    if v is None
                    else v.isoformat()
                    if isinstance(v, dt.date)
                    else str(int(v))
                    if isinstance(v, float) and v.is_integer()
                    else str(v)
                )
                for v in row.values()
            ]
            for row in table.to_pylist()
        ]
        assert as_text == [list(r.values()) for r in read_table(name)], name
