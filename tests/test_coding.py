"""The event-data codes follow the rules of docs/coding.md, checked here
independently of the build: the expected values are written out in this file
from the codebooks (the PLOVER manual, the PLOVER project's CAMEO2PLOVER table,
the CAMEO 1.1b3 codebook, the ACLED Codebook, UCDP's definitions) and
package.toml, not read from the build's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib

import pytest
from conftest import ROOT

from minusma_build import codes
from minusma_build.codes import acled_time_precision, ucdp_date_prec
from minusma_build.spec import Vocabulary

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
# PLOVER manual, the modes tables: the categories whose table holds each mode used here.
MANUAL_MODES = {
    "phone": {"CONSULT"},
    "withdraw": {"RETREAT", "SANCTION"},
    "change": {"REQUEST"},
    "disapprove": {"ACCUSE"},
    "allege": {"ACCUSE"},
    "discontinue": {"SANCTION"},
}
# The PLOVER project's CAMEO-to-PLOVER table, file CAMEO2PLOVER-2021.txt of
# openeventdata/PLOVER (commit e834df5b3a302f99af1f23cda08fa34b383ca598, "Updated to
# correspond with 17-Sep-2021 version of manual"; unchanged at 5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f):
# the category of each CAMEO code this dataset uses, copied by hand from its lines
# "<code>: <CATEGORY>, <mode>, <context> # <CAMEO name>".
CAMEO2PLOVER = {
    "033": "AGREE",  # 033: AGREE,  , diplomatic # Express intent to provide material aid
    "0331": "AGREE",  # 0331: AGREE,  ,   economic # Express intent to provide economic aid
    "041": "CONSULT",  # 041: CONSULT, phone,   # Discuss by telephone
    "050": "SUPPORT",  # 050: SUPPORT,   ,   diplomatic # Engage in diplomatic cooperation
    "051": "SUPPORT",  # 051: SUPPORT,  , diplomatic # Praise or endorse
    "057": "SUPPORT",  # 057: SUPPORT,  , diplomatic # Sign formal agreement
    "062": "COOPERATE",  # 062: COOPERATE,   ,   military # Cooperate militarily
    "074": "AID",  # 074: AID,   ,   peacekeeping # Provide military protection or peacekeeping
    "0832": "CONCEDE",  # 0832: CONCEDE,   ,   executive # Accede to demands for change in policy
    "1042": "REQUEST",  # 1042: REQUEST, change, executive # Demand policy change
    "111": "ACCUSE",  # 111: ACCUSE, disapprove,    # Criticize or denounce
    "112": "ACCUSE",  # 112: ACCUSE, disapprove,    # Accuse
    "160": "SANCTION",  # 160: SANCTION,   ,  # Reduce relations
    "1661": "SANCTION",  # 1661: SANCTION, expel ,   military    # Expel or withdraw peacekeepers
    "190": "ASSAULT",  # 190: ASSAULT, , military # Use conventional military force
    "192": "COERCE",  # 192: COERCE, seize, military          # Occupy territory
}
# CAMEO codebook 1.1b3, chapter 3: first blocks that are not countries (3.1.9:
# IGO, IMG; Table 3.3: WST "the West"), role blocks (3.1.4: GOV, MIL; REB, UAF,
# CVL), organisation and identity blocks (UNO; PKO peacekeepers; MOS Muslim; ALQ al-Qaeda).
CAMEO_NON_STATE = {"IGO", "IMG", "WST"}
CAMEO_LATER_BLOCKS = {"GOV", "MIL", "CVL", "REB", "UAF", "UNO", "PKO", "MOS", "ALQ"}
COUNTRIES = {"MLI", "FRA", "RUS", "UKR", "USA", "DEU", "GBR"}


def rows(table: str) -> list[dict[str, str]]:
    with (ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def cell(code: int | None) -> str:
    """A code as its CSV cell holds it: the number, or empty."""
    return "" if code is None else str(code)


def row(table: str, key: str, value: str) -> dict[str, str]:
    return next(r for r in rows(table) if r[key] == value)


def vocabulary(name: str) -> dict[str, dict[str, str]]:
    return {v["value"]: v for v in SPEC["vocabularies"][name]["values"]}


def vocab_object(name: str) -> Vocabulary:
    raw = SPEC["vocabularies"][name]
    return Vocabulary(name, raw["description"], tuple(raw["values"]))


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# -- PLOVER -------------------------------------------------------------------


@pytest.mark.parametrize(
    "event_type, status, category",
    [
        # RETREAT: "events ... which have an immediate (not simply promised) material consequences"
        ("withdraw_forces", "occurred", "RETREAT"),
        # CONCEDE, potential ambiguities: "Announcements of future retreats should be coded as CONCEDE"
        ("withdraw_forces", "planned", "CONCEDE"),
        # SANCTION modes, withdraw: "Withdraw oneself or one's non-military resources (e.g., aid, observers,
        # diplomats, peacekeepers)"; CAMEO2PLOVER 1661 "Expel or withdraw peacekeepers" is SANCTION
        ("withdraw_peacekeepers", "occurred", "SANCTION"),
        ("withdraw_peacekeepers", "planned", "CONCEDE"),
        # SUPPORT: "ratify, sign, or finalize an agreement"; "Promises to sign ... are coded as AGREE"
        ("sign_agreement", "occurred", "SUPPORT"),
        ("sign_agreement", "planned", "AGREE"),
        # AGREE: cooperative actions "reported in future tense ... should be coded as AGREE"
        ("consult", "planned", "AGREE"),
        # "alleged" and "ongoing" keep `plover`: only the future changes the category (P2)
        ("withdraw_forces", "alleged", "RETREAT"),
        ("consult", "ongoing", "CONSULT"),
        ("sign_agreement", "alleged", "SUPPORT"),
        # no one carries out or is said to announce a plan that was replaced
        ("withdraw_forces", "superseded", None),
        # abuses of unstated kind: no act to code (docs/coding.md, P1)
        ("human_rights_abuse", "alleged", None),
        ("human_rights_abuse", "occurred", None),
    ],
)
def test_category_by_type_and_status(event_type, status, category):
    assert codes.plover_category(vocab_object("event_type"), event_type, status) == category


def expected_category(event_type: str, status: str) -> str:
    """P1, P2 as the manual states them, written out again here."""
    if status == "superseded":
        return ""
    entry = vocabulary("event_type")[event_type]
    if status == "planned" and entry["plover_planned"]:
        return entry["plover_planned"]
    return entry["plover"]


def test_plover_category_and_quad_code_follow_the_rules_on_every_row():
    for r in rows("events"):
        assert r["plover_category"] == expected_category(r["event_type"], r["status"]), r["event_id"]
        quad = MANUAL_QUAD.get(r["plover_category"])
        assert r["quad_code"] == ("" if quad is None else str(quad)), r["event_id"]


def test_the_vote_concedes_to_the_junta_that_demanded_it():
    vote = row("events", "event_id", "unsc-votes-to-end-minusma")
    assert (vote["plover_category"], vote["target_actor_id"]) == ("CONCEDE", "mali-junta")
    assert vote["response_to_event_id"] == "diop-demands-withdrawal"
    # the demand the vote answers was made by a member of that junta
    assert row("actors", "actor_id", "diop")["part_of_actor_id"] == "mali-junta"


def test_modes_belong_to_the_events_category():
    used = 0
    for r in rows("events"):
        if r["plover_mode"]:
            used += 1
            assert r["plover_category"] in MANUAL_MODES[r["plover_mode"]], r["event_id"]
        if r["plover_context"] or r["plover_mode"]:
            assert r["plover_category"], r["event_id"]
    assert used >= 5


@pytest.mark.parametrize(
    "mode, category, ok",
    [
        ("withdraw", "RETREAT", True),
        ("withdraw", "SANCTION", True),
        ("withdraw", "CONCEDE", False),
        ("phone", None, False),
    ],
)
def test_a_mode_shared_by_two_categories_fits_both_and_no_other(mode, category, ok):
    assert (codes.mode_problem(vocab_object("plover_mode"), mode, category) is None) == ok


def test_the_vocabularies_quad_codes_and_modes_are_the_manuals():
    assert {k: int(v["quad"]) for k, v in vocabulary("plover_category").items()} == MANUAL_QUAD
    assert {k: set(v["categories"].split()) for k, v in vocabulary("plover_mode").items()} == MANUAL_MODES


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


def test_abuses_of_unstated_kind_carry_no_category_context_or_cameo_code():
    for eid in ("peacekeepers-alleged-abuses", "wagner-alleged-abuses-in-africa"):
        r = row("events", "event_id", eid)
        assert (r["plover_category"], r["quad_code"], r["plover_context"], r["cameo_event_code"]) == ("", "", "", "")


def test_sectors_given_for_one_event_are_the_manuals_for_what_the_actor_does_there():
    # Sector Codes: REB "armed opposition groups", PRM "not in opposition to government",
    # MIL "troops, soldiers", GOV "Government: the executive".
    assert row("actors", "actor_id", "wagner")["plover_sector"] == "PRM"
    sectors = {r["event_id"]: r["initiator_plover_sector"] for r in rows("events")}
    assert sectors["wagner-mutiny"] == sectors["prigozhin-leads-mutiny"] == "REB"
    assert sectors["mali-coup-2020"] == "MIL"
    blame = row("events", "event_id", "us-blames-prigozhin")
    assert (blame["initiator_plover_sector"], blame["initiator_reference_id"]) == ("GOV", "reuters-kirby-2023-06-30")


# -- CAMEO event codes ------------------------------------------------------------


def test_the_vocabularys_cameo2plover_crosswalk_is_the_tables():
    assert {k: v["plover"] for k, v in vocabulary("cameo_event_code").items()} == CAMEO2PLOVER


def test_every_events_cameo_code_maps_to_its_plover_category_through_cameo2plover():
    coded = [r for r in rows("events") if r["cameo_event_code"]]
    assert len(coded) >= 25
    for r in rows("events"):
        if r["cameo_event_code"]:
            assert CAMEO2PLOVER[r["cameo_event_code"]] == r["plover_category"], r["event_id"]


# Events with a PLOVER category but no CAMEO code, each with the reason (docs/coding.md, C5).
NO_CAMEO_CODE = {
    # an announced withdrawal that is not a concession in a fight: CAMEO's intents to yield (035, 0356)
    # are concessions to an adversary, and CAMEO2PLOVER makes them AGREE where the manual says CONCEDE
    "german-troops-exit-faster",
    "minusma-withdraws",
}


def test_cameo_codes_are_set_wherever_cameo_and_plover_can_both_code_the_event():
    missing = {r["event_id"] for r in rows("events") if r["plover_category"] and not r["cameo_event_code"]}
    assert missing == NO_CAMEO_CODE


@pytest.mark.parametrize(
    "event_id, cameo",
    [
        ("unsc-votes-to-end-minusma", "0832"),  # 0832 "Yield by instituting demands for change in policy"
        ("diop-demands-withdrawal", "1042"),  # 1042 Demand policy change
        ("diop-calls-mission-a-failure", "111"),  # 111 "criticize, defame, denigrate responsible parties"
        ("uk-doubts-wagner-partnership", "111"),
        ("us-blames-prigozhin", "112"),  # 112 "Charge, blame, incriminate"
        ("lavrov-calls-diop", "041"),  # 041 Discuss by telephone
        ("junta-ends-defence-cooperation-with-france", "160"),  # 160: not diplomatic (161), not aid (162)
        ("junta-brings-in-wagner", "062"),  # 062 Cooperate militarily
        ("militants-control-territory", "192"),  # 192 Occupy territory
        ("minusma-deployed", "074"),  # 074 "Provide peacekeepers"
        ("peace-agreement-2015", "057"),  # 057 Sign formal agreement
        ("germany-pledges-development-aid", "0331"),  # 0331 Express intent to provide economic aid
        ("wagner-mutiny", "190"),  # 190 "acts of war typically by organized armed groups", weapons unknown
        ("unsc-establishes-minusma", ""),  # coded once, as the deployment (P1)
        ("mali-coup-2020", ""),  # CAMEO 1.1b3 has no verb code for staging a coup
    ],
)
def test_cameo_codes_the_audit_and_the_rules_name(event_id, cameo):
    assert row("events", "event_id", event_id)["cameo_event_code"] == cameo


@pytest.mark.parametrize(
    "cameo, category, ok",
    [("0832", "CONCEDE", True), ("0832", "SANCTION", False), ("190", None, False), (None, "ASSAULT", True)],
)
def test_the_build_rule_for_cameo_codes(cameo, category, ok):
    assert (codes.cameo_problem(vocab_object("cameo_event_code"), cameo, category) is None) == ok


# -- CAMEO actor codes --------------------------------------------------------------


def test_every_cameo_actor_code_is_concatenated_three_letter_blocks_with_a_valid_first_block():
    coded = [r for r in rows("actors") if r["cameo_code"]]
    assert len(coded) >= 20
    for r in coded:
        code = r["cameo_code"]
        assert " " not in code and len(code) % 3 == 0 and code.isupper(), code
        blocks = [code[i : i + 3] for i in range(0, len(code), 3)]
        assert blocks[0] in COUNTRIES | CAMEO_NON_STATE, code
        assert set(blocks[1:]) <= CAMEO_LATER_BLOCKS, code
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
        ("al-qaeda", "IMGMOSALQ"),  # CAMEO 1.1b3, 3.1.9: "Al Qaeda is coded as [IMGMOSALQ]"
        ("islamic-state", "IMG"),  # no code of its own in 1.1b3
    ],
)
def test_actors_the_audits_named_have_their_cameo_code(actor_id, code):
    assert row("actors", "actor_id", actor_id)["cameo_code"] == code


# -- UCDP type_of_violence ------------------------------------------------------------

# (first day, last day, how the date is known, ACLED time_precision, UCDP
# date_prec), written by hand from the codebooks, at every edge of their codes:
# - ACLED Codebook, "Event Time: Time precision codes" (time_precision): 1 the
#   actual date is known; 2 only the week; 3 only the month; nothing coarser is
#   included. ACLED records an event per day, so a span known to the day up to
#   a week is coded day by day (1), a longer one is not activity on each day
#   (none), and a month is 3 only within one calendar month (docs/coding.md A3).
# - UCDP GED Codebook, `date_prec`: 1 the exact date; 2 more than one day but
#   no more than six; 3 a certain week; 4 a certain month; 5 a certain year
#   (docs/coding.md U1: 7 days are a week, 8 to 31 a month, longer a year).
PRECISION_CASES = [
    ("2023-06-30", "2023-06-30", "day", 1, 1),  # one day
    ("2023-12-31", "2024-01-01", "day", 1, 2),  # two days, across a year's end
    ("2023-06-26", "2023-07-01", "day", 1, 2),  # six days
    ("2023-06-26", "2023-07-02", "day", 1, 3),  # seven: a week
    ("2023-06-26", "2023-07-03", "day", None, 4),  # eight
    ("2023-06-15", "2023-07-15", "day", None, 4),  # 31 days that are not a calendar month
    ("2023-06-15", "2023-07-16", "day", None, 5),  # 32 days: more than any month
    ("2023-02-01", "2023-02-28", "month", 3, 4),  # February 2023, 28 days
    ("2024-02-01", "2024-02-29", "month", 3, 4),  # February 2024, 29 days
    ("2023-06-01", "2023-06-30", "month", 3, 4),  # June, 30 days
    ("2023-07-01", "2023-07-31", "month", 3, 4),  # July, 31 days
    ("2023-07-01", "2023-12-31", "day", None, 5),  # the withdrawal window, 184 days
    ("2023-01-01", "2023-12-31", "year", None, 5),  # a year, 365 days
    ("2024-01-01", "2024-12-31", "year", None, 5),  # a leap year, 366 days
]


@pytest.mark.parametrize(
    "violent, initiator, target, code",
    [
        (True, "government", "government", 1),  # two states: state-based
        (True, "group", "government", 1),  # a group against a state's forces
        (True, "government", "group", 1),
        (True, "group", "group", 2),  # neither side a government: non-state
        (True, "group", "civilians", 3),  # one-sided, by a formally organised group
        (True, "government", "civilians", 3),  # one-sided, by a government
        (True, "group", None, None),  # a side UCDP does not name (a UN mission, or none)
        (True, None, "government", None),  # no organised actor uses force
        (True, "civilians", "group", None),  # civilians are victims, never the side using force
        (False, "group", "government", None),  # not organised violence at all
    ],
)
def test_ucdp_type_of_violence_by_the_two_sides(violent, initiator, target, code):
    assert codes.ucdp_type_of_violence(violent, initiator, target) == code


def test_a_person_is_the_side_of_the_actor_it_belongs_to():
    actors = {
        "boss": {"actor_type": "person", "part_of_actor_id": "band"},
        "band": {"actor_type": "armed_group"},
        "envoy": {"actor_type": "person"},
        "loop": {"actor_type": "person", "part_of_actor_id": "loop"},
        "mission": {"actor_type": "mission"},
    }
    side = lambda a: codes.ucdp_side(vocab_object("actor_type"), actors, a)  # noqa: E731
    assert (side("boss"), side("band"), side("envoy"), side("loop"), side("mission"), side(None)) == (
        "group",
        "group",
        None,
        None,
        None,
        None,
    )


def test_ucdp_type_of_violence_on_the_rows():
    types = {r["event_id"]: r["ucdp_type_of_violence"] for r in rows("events")}
    assert {k: v for k, v in types.items() if v} == {
        "russia-war-in-ukraine": "1",  # Russia against Ukraine
        "wagner-fights-in-ukraine": "1",  # a group against a state
        "wagner-mutiny": "1",  # a group against Russia's military
        "prigozhin-leads-mutiny": "1",  # Prigozhin acts for Wagner
        "tuareg-uprising": "1",
        "islamist-insurgency": "1",
    }
    # attacks on the UN mission: the mission is no side UCDP names
    assert types["armed-groups-attack-minusma"] == ""


# -- ACLED time precision (ACLED Codebook, Event Time) ------------------------------------


@pytest.mark.parametrize(
    "start, end, precision, code",
    [
        ("2023-06-30", "2023-06-30", "day", 1),  # "If the source material includes an actual date"
        ("2023-06-23", "2023-06-24", "day", 1),  # each day of a two-day mutiny is its own ACLED event
        ("2023-06-01", "2023-06-07", "day", 1),  # up to a week, still day by day
        ("2023-06-01", "2023-06-08", "day", None),  # a longer window is not activity on each day
        ("2021-12-01", "2021-12-31", "month", 3),  # "sometime during a month"
        ("2021-02-01", "2021-02-28", "month", 3),
        ("2021-11-01", "2021-12-31", "month", None),  # two months: less than ACLED includes
        ("2013-01-01", "2013-12-31", "year", None),  # "ACLED does not include events with less temporal information"
        ("", "", "unknown", None),
    ],
)
def test_acled_time_precision_by_how_the_date_is_known(start, end, precision, code):
    assert codes.acled_time_precision(day(start), day(end), precision) == code


# -- precision codes on the rows ---------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "precision", "acled", "ucdp"),
    PRECISION_CASES,
    ids=[f"{c[0]}..{c[1]}-{c[2]}" for c in PRECISION_CASES],
)
def test_precision_codes_at_every_edge(first, last, precision, acled, ucdp):
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    assert (acled_time_precision(start, end, precision), ucdp_date_prec(start, end)) == (acled, ucdp)


def test_an_undated_event_has_no_precision_code():
    assert acled_time_precision(None, None, "unknown") is None and ucdp_date_prec(None, None) is None


@pytest.mark.parametrize("table", ["events", "statements"])
def test_precision_columns_are_the_rule_applied_to_the_interval(table):
    """The published columns come from the rule tested above, applied to each row's interval."""
    for r in rows(table):
        start, end = day(r["date_start"]), day(r["date_end"])
        precision = r["date_precision"]
        assert r["acled_time_precision"] == cell(acled_time_precision(start, end, precision)), r
        assert r["ucdp_date_prec"] == cell(ucdp_date_prec(start, end)), r


def test_the_184_day_withdrawal_window_is_not_day_precision():
    r = row("events", "event_id", "minusma-withdraws")
    assert (day(r["date_end"]) - day(r["date_start"])).days + 1 == 184
    assert (r["acled_time_precision"], r["ucdp_date_prec"]) == ("", "5")


def test_the_mutiny_known_to_the_day_is_acled_precision_1():
    assert row("events", "event_id", "wagner-mutiny")["acled_time_precision"] == "1"


# -- the article's date bound and background history ------------------------------------


@pytest.mark.parametrize(
    "end, bound, frame",
    [
        ("2022-12-31", "2023-06-30", "background"),
        ("2023-01-01", "2023-06-30", "current"),
        ("2023-12-31", "2023-06-30", "current"),
        ("2012-01-31", "2023-01-01", "background"),
        ("", "2023-06-30", None),
        ("2022-05-02", "", None),
    ],
)
def test_timeframe_against_the_year_of_the_earliest_possible_day(end, bound, frame):
    assert codes.timeframe(day(end), day(bound)) == frame


def test_an_undated_event_before_background_history_is_background_along_a_chain():
    frames = {"uprising": None, "insurgency": None, "deployed": "background", "vote": "current", "plan": None}
    before = {"insurgency": "uprising", "uprising": "deployed", "plan": "vote"}
    assert codes.background_by_order(frames, before) == {
        "uprising": "background",
        "insurgency": "background",  # two links away
        "deployed": "background",
        "vote": "current",
        "plan": None,  # before news is not history
    }


def test_the_bound_is_the_latest_day_of_an_event_reported_as_having_happened():
    events = [
        {"event_id": "b", "status": "occurred", "date_end": dt.date(2023, 6, 30)},
        {"event_id": "a", "status": "occurred", "date_end": dt.date(2023, 6, 30)},
        {"event_id": "c", "status": "planned", "date_end": dt.date(2023, 12, 31)},  # not yet happened
        {"event_id": "d", "status": "occurred", "date_end": None},
    ]
    assert codes.published_not_before(events) == (dt.date(2023, 6, 30), "a")
    assert codes.published_not_before([]) == (None, None)


def test_the_article_is_dated_no_earlier_than_the_vote_and_its_history_is_background():
    source = rows("sources")[0]
    assert source["published_not_before"] == "2023-06-30"  # the vote and the reactions to it
    background = {r["event_id"] for r in rows("events") if r["timeframe"] == "background"}
    assert background == {
        "tuareg-uprising",  # 2012
        "islamist-insurgency",  # undated, but before the 2013 deployment ("following")
        "unsc-establishes-minusma",
        "minusma-deployed",  # 2013
        "peace-agreement-2015",
        "mali-coup-2020",
        "mali-coup-2021",
        "junta-brings-in-wagner",  # December 2021
        "junta-ends-defence-cooperation-with-france",  # 2022
    }


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
            assert (r["acled_geo_precision"], r["ucdp_where_prec"]) == (
                level["acled_geo_precision"],
                level["ucdp_where_prec"],
            )
        else:
            assert r["acled_geo_precision"] == r["ucdp_where_prec"] == ""


def test_the_deaths_figure_is_unquantified_and_the_outside_count_is_a_cited_note_not_an_estimate():
    fig = row("figures", "figure_id", "minusma-peacekeeper-deaths")
    assert fig["value"] == "" and fig["qualifier"] == "unquantified"
    assert fig["best"] == fig["low"] == fig["high"] == fig["estimate_reference_id"] == ""
    assert fig["scope_reference_id"] == "sg-sm-21858" and "311" in fig["scope_note"]
    assert fig["event_id"] == "peacekeepers-lose-lives"


def test_the_budget_is_approximate_with_no_implied_bounds():
    budget = row("figures", "figure_id", "minusma-annual-budget")
    assert (budget["qualifier"], budget["lower_bound"], budget["upper_bound"]) == ("approximately", "", "")


def test_an_outside_initiator_is_marked():
    r = row("events", "event_id", "unsc-establishes-minusma")
    assert r["initiator_reference_id"] == "un-res-2100-2013-04-25"


def test_a_rounded_figure_spans_half_a_unit_of_its_last_digit():
    from minusma_build.numbers import rounding_bounds

    assert rounding_bounds(1.2e9, "$1.2 billion") == pytest.approx((1.15e9, 1.25e9))
    assert rounding_bounds(13000, "13,000 troops") == pytest.approx((12999.5, 13000.5))


# -- stated dates against their evidence --------------------------------------------------


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


@pytest.mark.parametrize(
    "written, start, end, precision",
    [
        # docs/method.md: "a year spans 1 January to 31 December"
        ("2013", "2013-01-01", "2013-12-31", "year"),
        ("2021-12", "2021-12-01", "2021-12-31", "month"),
        ("2024-02", "2024-02-01", "2024-02-29", "month"),
        ("2023-02", "2023-02-01", "2023-02-28", "month"),
        ("2023-06-30", "2023-06-30", "2023-06-30", "day"),
    ],
)
def test_a_written_date_expands_to_the_interval_it_covers(written, start, end, precision):
    from minusma_build.dates import resolve_fixed

    date = resolve_fixed({"basis": "stated", "start": written}, f"in {written}", set())
    assert (date.start, date.end, date.precision) == (day(start), day(end), precision)


@pytest.mark.parametrize(
    "written, evidence",
    [
        ("2015-11-27", "the 2015 peace agreement"),
        ("2015-05-15", "signed in Bamako in May 2015"),
        ("2015-05", "the 2015 peace agreement"),
    ],
)
def test_the_build_refuses_a_stated_date_more_precise_than_its_evidence(written, evidence):
    """D1 applied by the build, not only by the helper above."""
    from minusma_build.dates import DateError, resolve_fixed

    with pytest.raises(DateError) as refused:
        resolve_fixed({"basis": "stated", "start": written}, evidence, set())
    assert refused.value.code == "date-stated-not-in-evidence"


def test_an_external_date_is_marked_and_cites_its_record():
    """README: values taken from outside the text are marked as such and cite their record."""
    from minusma_build.dates import resolve_fixed

    date = resolve_fixed({"basis": "external", "start": "2023-06-30", "reference": "un-sc-15341"}, "", {"un-sc-15341"})
    assert (date.basis, date.reference_id) == ("external", "un-sc-15341")
    assert date.columns()["date_reference_id"] == "un-sc-15341"


def test_a_derived_date_counts_its_offset_from_the_anchor():
    """ "two weeks after" Diop's demand: the demand is 14 days before the vote."""
    from minusma_build.dates import ResolvedDate, resolve_derived

    vote = ResolvedDate(day("2023-06-30"), day("2023-06-30"), "day", "external", reference_id="un-sc-15341")
    spec = {"basis": "derived", "anchor": "vote", "offset_days": -14, "phrase": "two weeks after"}
    date = resolve_derived(spec, "The vote came two weeks after the demand.", vote, "vote")
    assert (date.start, date.end, date.precision) == (day("2023-06-16"), day("2023-06-16"), "day")
    assert date.note.startswith("14 days before the date of event vote")


def test_a_derived_date_is_known_as_precisely_as_its_anchor():
    """A date counted from an anchor known to the month is known to the month."""
    from minusma_build.dates import ResolvedDate, resolve_derived

    anchor = ResolvedDate(day("2021-12-01"), day("2021-12-31"), "month", "external", reference_id="r")
    date = resolve_derived(
        {"basis": "derived", "anchor": "a", "offset_days": 0, "phrase": "that month"}, "in that month", anchor, "a"
    )
    assert (date.start, date.end, date.precision, date.basis) == (
        day("2021-12-01"),
        day("2021-12-31"),
        "month",
        "derived",
    )
    assert date.anchor_event_id == "a"


# -- the rows the audits questioned (docs/coding.md, "The rows the audits questioned") --


def test_audited_event_rows_are_fixed():
    for eid in ("mali-un-relations-deteriorate", "mali-west-relations-deteriorate"):
        r = row("events", "event_id", eid)
        assert (r["event_type"], r["plover_category"], r["since_event_id"]) == (
            "relations_deteriorate",
            "",
            "mali-coup-2020",
        )
    for eid in ("mali-coup-2020", "mali-coup-2021"):
        assert row("events", "event_id", eid)["part_of_event_id"] == "mali-military-coups"
    # the outside record gives the coups' days (AFP timeline: 2020-08-18, 2021-05-24)
    assert row("events", "event_id", "mali-coup-2020")["date_start"] == "2020-08-18"
    assert row("events", "event_id", "mali-coup-2021")["date_start"] == "2021-05-24"
    for eid in ("lavrov-calls-diop", "uk-criticizes-decision", "us-blames-prigozhin"):
        assert row("events", "event_id", eid)["country"] == "MLI"
    plan = row("events", "event_id", "germany-original-withdrawal-plan")
    assert (plan["status"], plan["plover_category"], plan["superseded_by_event_id"]) == (
        "superseded",
        "",
        "german-troops-exit-faster",
    )
    assert row("events", "event_id", "minusma-withdraws")["response_to_event_id"] == "diop-demands-withdrawal"
    assert row("events", "event_id", "prigozhin-leads-mutiny")["part_of_event_id"] == "wagner-mutiny"
    doubt = row("events", "event_id", "uk-doubts-wagner-partnership")
    assert (doubt["initiator_actor_id"], doubt["target_actor_id"], doubt["plover_category"]) == (
        "woodward",
        "mali-junta",
        "ACCUSE",
    )
    assert row("events", "event_id", "islamist-insurgency")["before_event_id"] == "minusma-deployed"
    assert row("actors", "actor_id", "armed-groups")["acled_inter"] == "3"  # Unidentified Armed Group


def test_audited_statement_rows_are_fixed():
    for sid in (
        "resolution-acknowledges-need-for-support",
        "resolution-calls-on-government",
        "resolution-emphasizes-comprehensive-approach",
    ):
        r = row("statements", "statement_id", sid)
        assert r["passage_kind"] == "commentary"
        # dated by the vote they belong to, not by a record that does not contain them
        assert (r["date_basis"], r["date_anchor_event_id"], r["date_start"], r["date_reference_id"]) == (
            "derived",
            "unsc-votes-to-end-minusma",
            "2023-06-30",
            "",
        )
        assert "SC/15341" in r["date_note"]
    demand = row("statements", "statement_id", "junta-demands-end-of-mission")
    assert (demand["date_start"], demand["date_basis"]) == ("2023-06-16", "external")
    assert row("statements", "statement_id", "editorial-mission-dangerous-and-costly")["event_id"] == ""
    assert row("statements", "statement_id", "editorial-withdrawal-risks-instability")["target_actor_id"] == "mali"
    shift = row("statements", "statement_id", "editorial-alliance-shift-raises-concerns")
    assert (shift["event_id"], shift["target_actor_id"]) == ("", "mali")
    assert row("statements", "statement_id", "diop-calls-mission-a-failure")["event_id"] == (
        "diop-calls-mission-a-failure"
    )
    deployed = row("figures", "figure_id", "minusma-uniformed-personnel-deployed")
    assert deployed["event_id"] == "" and deployed["scope_reference_id"]
    assert "inference" in deployed["scope_note"]


def test_the_codebook_documents_each_precision_vocabulary_with_its_own_labels():
    """The generated codebook once showed ACLED's place codes under
    acled_time_precision, because vocabularies were matched by their codes."""
    doc = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)\n(.*?)(?=^### |\Z)", doc, re.M | re.S))
    for name in ("acled_time_precision", "acled_geo_precision", "ucdp_type_of_violence"):
        for value in SPEC["vocabularies"][name]["values"]:
            assert value["label"] in sections[name], (name, value["value"])
    assert "`events.acled_time_precision`" not in sections["acled_geo_precision"]
