"""The event-data codes follow the rules of docs/coding.md, checked here
independently of the build: the expected values are worked out in this file
from the codebooks' rules and package.toml, not read from the build's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, run_build

from minusma_build.codes import acled_time_precision, as_code, ucdp_date_prec

CURATED = ROOT / "data" / "curated"
SPEC = tomllib.loads((CURATED / "package.toml").read_text(encoding="utf-8"))

# PLOVER manual, the "Quad category" subsection of each category's section.
MANUAL_QUAD = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "CONCEDE": 1,
    "COOPERATE": 2,
    "AID": 2,
    "RETREAT": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "SANCTION": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}
# PLOVER manual, the modes tables: which category each mode used here belongs to.
MANUAL_MODES = {
    "phone": "CONSULT",
    "withdraw": "RETREAT",
    "change": "REQUEST",
    "disapprove": "ACCUSE",
    "allege": "ACCUSE",
    "discontinue": "SANCTION",
}
# CAMEO first blocks that are not countries (CAMEO codebook ch. 3; GDELT lookup tables) and role blocks used.
CAMEO_NON_STATE = {"IGO", "IMG", "WST"}
CAMEO_ROLES = {"GOV", "MIL", "CVL", "REB", "UAF", "UNO", "PKO"}
COUNTRIES = {"MLI", "FRA", "RUS", "UKR", "USA", "DEU", "GBR"}


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def vocabulary(name: str) -> dict[str, dict[str, str]]:
    return {v["value"]: v for v in SPEC["vocabularies"][name]["values"]}


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# -- PLOVER -------------------------------------------------------------------


def expected_category(event_type: str, status: str) -> str:
    """P1, P2 as the manual states them, written out again here."""
    entry = vocabulary("event_type")[event_type]
    if status == "planned" and entry["plover_planned"]:
        return entry["plover_planned"]
    return entry["plover"]


def test_every_planned_withdrawal_is_concede_and_every_carried_out_one_retreat():
    withdrawals = [r for r in rows("events") if r["event_type"] == "withdraw_forces"]
    assert {r["status"] for r in withdrawals} >= {"planned"}
    for r in withdrawals:
        want = "CONCEDE" if r["status"] == "planned" else "RETREAT"
        assert r["plover_category"] == want, r["event_id"]


def test_signing_is_support_and_a_promise_to_sign_agree():
    assert expected_category("sign_agreement", "occurred") == "SUPPORT"
    assert expected_category("sign_agreement", "planned") == "AGREE"
    assert expected_category("withdraw_forces", "occurred") == "RETREAT"
    assert expected_category("withdraw_forces", "planned") == "CONCEDE"
    for r in rows("events"):
        if r["event_type"] == "sign_agreement":
            assert r["plover_category"] == ("AGREE" if r["status"] == "planned" else "SUPPORT")


def test_plover_category_and_quad_code_follow_the_rules_on_every_row():
    for r in rows("events"):
        assert r["plover_category"] == expected_category(r["event_type"], r["status"]), r["event_id"]
        quad = MANUAL_QUAD.get(r["plover_category"])
        assert r["quad_code"] == ("" if quad is None else str(quad)), r["event_id"]


def test_the_vote_that_ends_the_mission_at_the_hosts_demand_is_coded():
    vote = next(r for r in rows("events") if r["event_id"] == "unsc-votes-to-end-minusma")
    assert vote["plover_category"] == "CONCEDE"
    assert vote["response_to_event_id"] == "diop-demands-withdrawal"


def test_modes_belong_to_the_events_category_and_need_one():
    used = 0
    for r in rows("events"):
        if r["plover_mode"]:
            used += 1
            assert MANUAL_MODES[r["plover_mode"]] == r["plover_category"], r["event_id"]
        if r["plover_context"] or r["plover_mode"]:
            assert r["plover_category"], r["event_id"]
    assert used >= 5


def test_the_vocabularies_quad_codes_are_the_manuals():
    assert {k: int(v["quad"]) for k, v in vocabulary("plover_category").items()} == MANUAL_QUAD
    assert {k: v["category"] for k, v in vocabulary("plover_mode").items()} == MANUAL_MODES


def test_docs_crosswalk_table_matches_the_vocabulary():
    """The P1 table in docs/coding.md states each type's two categories; it
    may not drift from package.toml."""
    doc = (ROOT / "docs" / "coding.md").read_text(encoding="utf-8")
    table = {
        m.group(1): (m.group(2).strip(), m.group(3).strip())
        for m in re.finditer(r"^\| ([a-z_]+) \| ([A-Z ]*)\| ([A-Z ]*)\|", doc, re.M)
    }
    want = {k: (v["plover"], v["plover_planned"]) for k, v in vocabulary("event_type").items()}
    assert table == want


# -- CAMEO --------------------------------------------------------------------


def test_every_cameo_code_is_concatenated_three_letter_blocks_with_a_valid_first_block():
    coded = [r for r in rows("actors") if r["cameo_code"]]
    assert len(coded) >= 20
    for r in coded:
        code = r["cameo_code"]
        assert " " not in code and len(code) % 3 == 0 and code.isupper(), code
        blocks = [code[i : i + 3] for i in range(0, len(code), 3)]
        assert blocks[0] in COUNTRIES | CAMEO_NON_STATE, code
        assert set(blocks[1:]) <= CAMEO_ROLES, code
        if blocks[0] in COUNTRIES:
            assert blocks[0] == r["country"], (r["actor_id"], code)


@pytest.mark.parametrize(
    "actor_id, code",
    [
        ("unsc", "IGOUNO"),
        ("un", "IGOUNO"),
        ("mali-junta", "MLIGOV"),
        ("russian-military", "RUSMIL"),
        ("malian-people", "MLICVL"),
        ("woodward", "GBRGOV"),
        ("western-nations", "WST"),
        ("tuareg-rebels", "MLIREB"),
    ],
)
def test_actors_the_audit_named_have_their_cameo_code(actor_id, code):
    assert next(r for r in rows("actors") if r["actor_id"] == actor_id)["cameo_code"] == code


# -- precision codes ------------------------------------------------------------

# (first day, last day, ACLED time_precision, UCDP date_prec), written by hand
# from the codebooks, at every edge of their codes:
# - ACLED Codebook, "Event Time: Time precision codes" (time_precision): 1 the
#   actual date is known; 2 only the week, or a similar period of a few days; 3
#   only the month; nothing coarser has a code (docs/coding.md A3: 2 to 7 days
#   are a week's precision, 8 to 31 a month's, longer none).
# - UCDP GED Codebook, `date_prec`: 1 the exact date; 2 more than one day but
#   no more than six; 3 a certain week; 4 a certain month; 5 a certain year
#   (docs/coding.md U1: 7 days are a week, 8 to 31 a month, longer a year).
PRECISION_CASES = [
    ("2023-06-30", "2023-06-30", 1, 1),  # one day
    ("2023-12-31", "2024-01-01", 2, 2),  # two days, across a year's end
    ("2023-06-26", "2023-07-01", 2, 2),  # six days
    ("2023-06-26", "2023-07-02", 2, 3),  # seven: a week
    ("2023-06-26", "2023-07-03", 3, 4),  # eight
    ("2023-06-15", "2023-07-15", 3, 4),  # 31 days that are not a calendar month
    ("2023-06-15", "2023-07-16", None, 5),  # 32 days: more than any month
    ("2023-02-01", "2023-02-28", 3, 4),  # February 2023, 28 days
    ("2024-02-01", "2024-02-29", 3, 4),  # February 2024, 29 days
    ("2023-06-01", "2023-06-30", 3, 4),  # June, 30 days
    ("2023-07-01", "2023-07-31", 3, 4),  # July, 31 days
    ("2023-07-01", "2023-12-31", None, 5),  # the withdrawal window, 184 days
    ("2023-01-01", "2023-12-31", None, 5),  # a year, 365 days
    ("2024-01-01", "2024-12-31", None, 5),  # a leap year, 366 days
]


@pytest.mark.parametrize(
    ("first", "last", "acled", "ucdp"), PRECISION_CASES, ids=[f"{c[0]}..{c[1]}" for c in PRECISION_CASES]
)
def test_precision_codes_at_every_edge(first, last, acled, ucdp):
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    assert (acled_time_precision(start, end), ucdp_date_prec(start, end)) == (acled, ucdp)


def test_an_undated_event_has_no_precision_code():
    assert acled_time_precision(None, None) is None and ucdp_date_prec(None, None) is None


@pytest.mark.parametrize("table", ["events", "statements"])
def test_precision_columns_are_the_rule_applied_to_the_interval(table):
    """The published columns come from the rule tested above, applied to each row's interval."""
    for r in rows(table):
        start, end = day(r["date_start"]), day(r["date_end"])
        assert r["acled_time_precision"] == (as_code(acled_time_precision(start, end)) or ""), r
        assert r["ucdp_date_prec"] == (as_code(ucdp_date_prec(start, end)) or ""), r


def test_the_184_day_withdrawal_window_is_not_day_precision():
    r = next(r for r in rows("events") if r["event_id"] == "minusma-withdraws")
    assert (day(r["date_end"]) - day(r["date_start"])).days + 1 == 184
    assert (r["acled_time_precision"], r["ucdp_date_prec"]) == ("", "5")


# -- places and outside values -----------------------------------------------------


def test_places_cite_references_and_placed_events_carry_the_place_codes():
    references = {r["reference_id"] for r in rows("references")}
    places = {r["place_id"]: r for r in rows("places")}
    assert places and all(
        p["reference_id"] in references and p["acled_region_reference_id"] in references for p in places.values()
    )
    levels = vocabulary("place_level")
    for r in rows("events"):
        if r["place_id"]:
            level = levels[places[r["place_id"]]["level"]]
            assert (r["acled_geo_precision"], r["ucdp_where_prec"]) == (level["acled"], level["ucdp"])
        else:
            assert r["acled_geo_precision"] == r["ucdp_where_prec"] == ""


def test_the_deaths_figure_stays_unquantified_and_its_outside_bound_cites_a_reference():
    fig = next(r for r in rows("figures") if r["figure_id"] == "minusma-peacekeeper-deaths")
    assert fig["value"] == "" and fig["qualifier"] == "unquantified"
    assert fig["high"] and fig["estimate_reference_id"] == "sg-sm-21858"
    assert fig["event_id"] == "peacekeepers-lose-lives"


def test_an_outside_initiator_is_marked():
    r = next(r for r in rows("events") if r["event_id"] == "unsc-establishes-minusma")
    assert r["initiator_reference_id"] == "un-res-2100-2013-04-25"


# -- the build refuses codes and dates that break the rules ------------------------

EVENTS = "data/curated/events.toml"


def _edit(root: Path, id_line: str, old: str, new: str) -> None:
    path = root / EVENTS
    text = path.read_text(encoding="utf-8")
    start = text.index("\n" + id_line) + 1  # the id line itself, not a link to the id
    end = text.find("\n[[", start)
    block = text[start:end]
    assert block.count(old) == 1, (id_line, old)
    path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")


@pytest.mark.parametrize(
    "id_line, old, new, code, field, carries",
    [
        # D1: a day (and month) the evidence does not state ("the 2015 peace agreement")
        (
            'event_id = "peace-agreement-2015"',
            'start = "2015"',
            'start = "2015-11-27"',
            "date-stated-not-in-evidence",
            "date",
            "'2015-11-27'",
        ),
        # D1: a month the evidence does not state
        (
            'event_id = "peace-agreement-2015"',
            'start = "2015"',
            'start = "2015-05"',
            "date-stated-not-in-evidence",
            "date",
            "'2015-05'",
        ),
        # P4: a mode of another category
        (
            'event_id = "lavrov-calls-diop"',
            'plover_mode = "phone"',
            'plover_mode = "withdraw"',
            "plover-mode-mismatch",
            "plover_mode",
            "RETREAT",
        ),
        # P4, P5: a context on an event PLOVER cannot code
        (
            'event_id = "mali-military-coups"',
            'place_id = "mali"',
            'place_id = "mali"\nplover_context = "military"',
            "plover-context-without-category",
            "plover_context",
            "plover_context",
        ),
        # an outside initiator needs an initiator
        (
            'event_id = "peace-agreement-2015"',
            'place_id = "mali"',
            'place_id = "mali"\ninitiator_reference_id = "un-sc-15341"',
            "initiator-reference-without-initiator",
            "initiator_reference_id",
            "initiator_actor_id",
        ),
    ],
)
def test_the_build_refuses_a_code_or_date_against_the_rules(scratch_repo, id_line, old, new, code, field, carries):
    _edit(scratch_repo, id_line, old, new)
    result = run_build(scratch_repo, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == 1, problems
    assert (problems[0]["code"], problems[0]["field"]) == (code, field), problems[0]
    assert carries in problems[0]["message"]


@pytest.mark.parametrize(
    "written, evidence, missing",
    [
        ("2015", "the 2015 peace agreement", None),
        ("2015-11-27", "the 2015 peace agreement", "month"),
        ("2015-05", "the 2015 peace agreement", "month"),
        ("2015-05-15", "signed in Bamako on 15 May 2015", None),
        ("2015-05-15", "signed in Bamako on 15th May 2015", None),
        ("2015-05-15", "signed in Bamako in May 2015", "day"),
        ("2013", "a mission founded in 20135", "year"),
    ],
)
def test_a_stated_date_is_checked_at_its_full_precision(written, evidence, missing):
    from minusma_build.dates import missing_parts

    assert missing_parts(written, evidence) == missing


def test_a_rounded_figure_spans_half_a_unit_of_its_last_digit():
    from minusma_build.numbers import rounding_bounds

    assert rounding_bounds(1.2e9, "$1.2 billion") == pytest.approx((1.15e9, 1.25e9))
    assert rounding_bounds(13000, "13,000 troops") == pytest.approx((12999.5, 13000.5))
    budget = next(r for r in rows("figures") if r["figure_id"] == "minusma-annual-budget")
    assert (budget["qualifier"], budget["lower_bound"], budget["upper_bound"]) == (
        "rounded",
        "1150000000",
        "1250000000",
    )


# -- the rows the audit questioned (docs/coding.md, "The rows the audit questioned") --


def _row(table: str, key: str, value: str) -> dict[str, str]:
    return next(r for r in rows(table) if r[key] == value)


def test_audited_event_rows_are_fixed():
    for eid in ("mali-un-relations-deteriorate", "mali-west-relations-deteriorate"):
        r = _row("events", "event_id", eid)
        assert (r["event_type"], r["plover_category"], r["since_event_id"]) == (
            "relations_deteriorate",
            "",
            "mali-coup-2020",
        )
    assert _row("events", "event_id", "mali-coup-2020")["part_of_event_id"] == "mali-military-coups"
    for eid in ("lavrov-calls-diop", "uk-criticizes-decision", "us-blames-prigozhin"):
        assert _row("events", "event_id", eid)["country"] == "MLI"
    plan = _row("events", "event_id", "germany-original-withdrawal-plan")
    assert (plan["status"], plan["plover_category"], plan["date_start"]) == ("planned", "CONCEDE", "")


def test_audited_statement_and_figure_rows_are_fixed():
    for sid in (
        "resolution-acknowledges-need-for-support",
        "resolution-calls-on-government",
        "resolution-emphasizes-comprehensive-approach",
    ):
        assert _row("statements", "statement_id", sid)["passage_kind"] == "commentary"
    demand = _row("statements", "statement_id", "junta-demands-end-of-mission")
    assert (demand["date_start"], demand["date_basis"]) == ("2023-06-16", "external")
    deployed = _row("figures", "figure_id", "minusma-uniformed-personnel-deployed")
    assert deployed["event_id"] == "" and deployed["scope_reference_id"]
    assert "inference" in deployed["scope_note"]
