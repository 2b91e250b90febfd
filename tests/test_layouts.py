"""`minusma-data export --layout plover|acled`: the events in another
dataset's layout, ready to append to it, and every event left out listed
with its reason (docs/coding.md, Exports). Expectations are written out here
from the PLOVER manual and the ACLED Codebook, not read from the export."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from minusma_data import _layouts
from minusma_data._layouts import _acled_actor, acled_interaction
from minusma_data.cli import main

# ACLED's export, in its order (ACLED Codebook, Table 1; ACLED's acledR package), written out again here.
ACLED_ORDER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# PLOVER manual, chapter Data Fields, table PLOVER JSON; `date_precision` is this
# dataset's own named field, which the chapter allows ("named fields beyond those provided here").
PLOVER_FIELDS = {
    "id",
    "has_event",
    "date",
    "time",
    "enddate",
    "endtime",
    "actor",
    "recipient",
    "event",
    "event_loc",
    "event_text",
    "quad_code",
    "event_scale",
    "mode",
    "context",
    "link",
    "text",
    "text_info",
    "cite_info",
    "coder",
    "coded_date",
    "coded_time",
    "comment",
}
OWN_FIELDS = {"date_precision"}
PLOVER_REQUIRED = {"id", "date", "actor", "event"}
CATEGORIES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}
REASONS = {
    "plover": {
        "background",
        "no-category",
        "no-actor",
        "actor-not-coded",
        "recipient-not-coded",
        "no-date",
        "no-announcement",
        "counted-in-whole",
    },
    "acled": {
        "background",
        "out-of-scope",
        "not-occurred",
        "no-date",
        "date-too-coarse",
        "multi-day",
        "no-place",
        "country-level",
        "no-actor",
        "actor-type-unknown",
        "source-unknown",
        "counted-in-whole",
    },
}
# The 2012-2022 history the article recalls (docs/coding.md, E1), written out by hand.
BACKGROUND = {
    "tuareg-uprising",
    "islamist-insurgency",
    "unsc-establishes-minusma",
    "minusma-deployed",
    "peace-agreement-2015",
    "mali-coup-2020",
    "mali-coup-2021",
    "junta-brings-in-wagner",
    "junta-ends-defence-cooperation-with-france",
}


def export(layout: str, out: Path, capsys, *flags: str) -> tuple[int, str]:
    status = main(["export", "--layout", layout, *flags, "--output", str(out), "--data-home", str(ROOT)])
    return status, capsys.readouterr().err


def event_ids() -> set[str]:
    with (ROOT / "data" / "events.csv").open(encoding="utf-8", newline="") as fh:
        return {r["event_id"] for r in csv.DictReader(fh)}


def omitted(out: Path, layout: str) -> pd.DataFrame:
    return pd.read_csv(out / f"events_{layout}_omitted.csv", dtype=str, keep_default_na=False)


def plover_records(out: Path) -> dict[str, dict]:
    lines = (out / "events_plover.jsonl").read_text(encoding="utf-8").splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


@pytest.mark.parametrize("flags", [(), ("--include-background",)])
@pytest.mark.parametrize("layout", ["plover", "acled"])
def test_every_event_is_either_exported_or_listed_with_its_reason(tmp_path, capsys, layout, flags):
    status, err = export(layout, tmp_path, capsys, *flags)
    assert status == 0
    if layout == "acled":
        kept = set(pd.read_csv(tmp_path / "events_acled.csv", dtype=str)["event_id_cnty"])
    else:
        kept = set(plover_records(tmp_path))
    left = omitted(tmp_path, layout)
    assert list(left.columns) == ["event_id", "reason_code", "reason"]
    assert not kept & set(left["event_id"])
    assert kept | set(left["event_id"]) == event_ids() and len(left) == left["event_id"].nunique()
    assert set(left["reason_code"]) <= REASONS[layout] and all(left["reason"])
    for row in left.itertuples():
        assert f"  {row.event_id}: {row.reason_code}: " in err


# -- background history (X1) ----------------------------------------------------------


@pytest.mark.parametrize("layout", ["plover", "acled"])
def test_background_history_is_left_out_by_default(tmp_path, capsys, layout):
    export(layout, tmp_path, capsys)
    left = omitted(tmp_path, layout).set_index("event_id")["reason_code"]
    assert {e for e, code in left.items() if code == "background"} == BACKGROUND


def test_included_background_is_marked_historical_in_plover(tmp_path, capsys):
    export("plover", tmp_path / "default", capsys)
    export("plover", tmp_path / "all", capsys, "--include-background")
    default, everything = plover_records(tmp_path / "default"), plover_records(tmp_path / "all")
    added = set(everything) - set(default)
    # the background events PLOVER can code: a category, a coded actor and a date
    assert added == {
        "minusma-deployed",
        "junta-ends-defence-cooperation-with-france",
        "junta-brings-in-wagner",
        "tuareg-uprising",
    }
    for eid in added:
        assert "historical" in everything[eid]["context"], eid
    for eid in default:
        assert "historical" not in default[eid]["context"] and everything[eid] == default[eid], eid
    # a month-precision date says so (December 2021, outside record)
    wagner = everything["junta-brings-in-wagner"]
    assert (wagner["date"], wagner["enddate"], wagner["date_precision"]) == ("2021-12-01", "2021-12-31", "month")
    left = omitted(tmp_path / "all", "plover").set_index("event_id")["reason_code"]
    assert left["peace-agreement-2015"] == "no-actor"  # the text names no signatory
    assert left["mali-coup-2020"] == "no-category"


def test_include_background_without_a_layout_is_refused_in_one_line(tmp_path, capsys):
    status = main(["export", "--include-background", "--output", str(tmp_path / "out"), "--data-home", str(ROOT)])
    err = capsys.readouterr().err
    assert status == 2 and len(err.strip().splitlines()) == 1 and "--layout" in err
    assert not (tmp_path / "out").exists()


# -- PLOVER ---------------------------------------------------------------------


def test_plover_records_use_the_manuals_fields_and_codes(tmp_path, capsys):
    export("plover", tmp_path, capsys)
    records = plover_records(tmp_path)
    assert records
    for r in records.values():
        assert PLOVER_REQUIRED | OWN_FIELDS <= set(r) <= PLOVER_FIELDS | OWN_FIELDS, set(r) - PLOVER_FIELDS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"])
        assert r["enddate"] is None or r["enddate"] > r["date"]
        assert r["date_precision"] in ("day", "month", "year")
        assert len(r["event"]) == 1 and r["event"][0] in CATEGORIES
        assert r["quad_code"] in (1, 2, 3, 4)
        for entity in r["actor"] + r["recipient"]:
            assert re.fullmatch(r"[A-Z]{3}", entity["code"])
            assert entity["sector"] is None or re.fullmatch(r"[A-Z]{3}", entity["sector"])


def entities(record: dict, side: str) -> list[tuple]:
    return [(e["code"], e["sector"], e["entity_text"]) for e in record[side]]


def test_plover_records_the_audits_named(tmp_path, capsys):
    export("plover", tmp_path, capsys)
    by_id = plover_records(tmp_path)
    # the vote concedes to the junta that demanded it, not to the mission it ends
    vote = by_id["unsc-votes-to-end-minusma"]
    assert vote["event"] == ["CONCEDE"] and entities(vote, "recipient") == [("MLI", "GOV", "Malian military junta")]
    # P8: a planned withdrawal is coded at its announcement, by whoever announced it
    exit_ = by_id["german-troops-exit-faster"]
    assert exit_["event"] == ["CONCEDE"] and exit_["date"] == "2023-06-30"
    assert entities(exit_, "actor") == [("DEU", "GOV", "Annalena Baerbock")]
    assert by_id["lavrov-calls-diop"]["mode"] == ["phone"]
    # P9: the sector the actor acts in for this event
    assert entities(by_id["us-blames-prigozhin"], "actor") == [("USA", "GOV", "United States")]
    # X3: Prigozhin's leading the mutiny is counted in it, as a second member of its actor list
    mutiny = by_id["wagner-mutiny"]
    assert entities(mutiny, "actor") == [("RUS", "REB", "Wagner Group"), ("RUS", "REB", "Yevgeny Prigozhin")]
    assert "prigozhin-leads-mutiny" not in by_id
    # the establishment is not coded twice next to the deployment (docs/coding.md, P1)
    assert "unsc-establishes-minusma" not in by_id
    left = omitted(tmp_path, "plover").set_index("event_id")["reason_code"]
    assert left["prigozhin-leads-mutiny"] == "counted-in-whole"
    assert left["germany-original-withdrawal-plan"] == "no-category"  # superseded
    assert left["peacekeepers-alleged-abuses"] == "no-category"


def test_plover_link_is_one_reference_shared_by_related_events(tmp_path, capsys):
    """Manual, Data Fields, note 4: a common reference across related events."""
    export("plover", tmp_path, capsys)
    links = {k: r["link"] for k, r in plover_records(tmp_path).items()}
    # the demand, and the vote that answers it ("as demanded by")
    assert links["diop-demands-withdrawal"] == links["unsc-votes-to-end-minusma"] == "diop-demands-withdrawal"
    assert links["wagner-mutiny"] == "wagner-mutiny"  # it has a part
    assert links["lavrov-calls-diop"] is None  # related to nothing by the link columns


def test_link_roots_follow_the_links_to_their_end():
    events = pd.DataFrame(
        [
            {"event_id": "a", "part_of_event_id": None, "response_to_event_id": None, "superseded_by_event_id": None},
            {"event_id": "b", "part_of_event_id": None, "response_to_event_id": "a", "superseded_by_event_id": None},
            {"event_id": "c", "part_of_event_id": "b", "response_to_event_id": None, "superseded_by_event_id": None},
            {"event_id": "d", "part_of_event_id": None, "response_to_event_id": None, "superseded_by_event_id": "e"},
            {"event_id": "e", "part_of_event_id": None, "response_to_event_id": None, "superseded_by_event_id": None},
            {"event_id": "f", "part_of_event_id": None, "response_to_event_id": None, "superseded_by_event_id": None},
            {"event_id": "x", "part_of_event_id": "y", "response_to_event_id": None, "superseded_by_event_id": None},
            {"event_id": "y", "part_of_event_id": "x", "response_to_event_id": None, "superseded_by_event_id": None},
        ]
    )
    roots = _layouts.link_roots(events)
    assert {k: roots[k] for k in "abcde"} == {"a": "a", "b": "a", "c": "a", "d": "e", "e": "e"}
    assert "f" not in roots  # in no group
    assert roots["x"] in ("x", "y") and roots["y"] in ("x", "y")  # a cycle ends, whatever it names


def test_plover_export_appends_to_a_plover_frame_without_type_conflicts(tmp_path, capsys):
    """The manual's own minimal record (chapter Data Fields) and ours load
    into one frame with the same kinds of values per field."""
    export("plover", tmp_path, capsys)
    manual = {
        "id": "PHOXv1-20160724-0042",
        "date": "2016-07-24",
        "actor": [{"code": "USA"}],
        "recipient": [{"code": "CAN"}],
        "event": ["CONSULT"],
    }
    ours = pd.read_json(tmp_path / "events_plover.jsonl", lines=True, dtype=False)
    both = pd.concat([pd.DataFrame([manual]), ours], ignore_index=True)
    for column in manual:
        kinds = {type(v) for v in both[column] if v is not None}
        assert len(kinds) == 1, (column, kinds)
    assert pd.api.types.is_integer_dtype(ours["quad_code"])


# -- ACLED ----------------------------------------------------------------------


def test_acled_columns_are_acleds_in_acleds_order(tmp_path, capsys):
    export("acled", tmp_path, capsys)
    with (tmp_path / "events_acled.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ACLED_ORDER


@pytest.mark.parametrize("flags", [(), ("--include-background",)])
def test_no_event_of_this_article_meets_acleds_rules_and_each_says_why(tmp_path, capsys, flags):
    """Every place the text gives is a whole country, for which ACLED's
    spatial precision codes give no location (A4), and the article's
    publisher, ACLED's `source`, is unknown (A5): no row is written."""
    export("acled", tmp_path, capsys, *flags)
    assert (tmp_path / "events_acled.csv").read_text(encoding="utf-8").splitlines()[1:] == []
    left = omitted(tmp_path, "acled").set_index("event_id")["reason_code"]
    assert left["minusma-withdraws"] == left["german-troops-exit-faster"] == "not-occurred"
    assert left["armed-groups-attack-minusma"] == "out-of-scope"  # method unknown: no ACLED type (A1)
    assert left["wagner-mutiny"] == "out-of-scope"  # a mutiny reported as a whole
    if flags:
        for eid in ("junta-ends-defence-cooperation-with-france", "mali-coup-2020", "peace-agreement-2015"):
            assert left[eid] == "country-level", eid


@pytest.mark.parametrize(
    "start, end, precision, day",
    [
        ("2023-06-30", "2023-06-30", 1, "2023-06-30"),  # the actual date
        ("2021-12-01", "2021-12-31", 3, "2021-12-16"),  # "the month midpoint": 31 days, the 16th
        ("2023-06-01", "2023-06-30", 3, "2023-06-15"),  # 30 days: the earlier middle day
        ("2021-02-01", "2021-02-28", 3, "2021-02-14"),
        ("2024-02-01", "2024-02-29", 3, "2024-02-15"),  # leap year
        ("2023-06-19", "2023-06-25", 2, "2023-06-22"),  # a week (Monday to Sunday): its Thursday
    ],
)
def test_acled_event_date_is_the_day_or_the_middle_of_the_period(start, end, precision, day):
    d = dt.date.fromisoformat
    assert _layouts.acled_event_date(d(start), d(end), precision) == d(day)


@pytest.mark.parametrize(
    "inter1, inter2, interaction",
    [(1, 8, 18), (8, 1, 18), (2, 2, 22), (3, 7, 37), (8, None, 80), (2, None, 20)],
)
def test_acled_interaction_joins_the_codes_lower_first(inter1, inter2, interaction):
    assert _layouts.acled_interaction(inter1, inter2) == interaction


class _Package:
    """The one thing the ACLED writer asks of a package: the events' fields."""

    def fields(self, table: str) -> list[dict]:
        categories = [
            {"value": "coup", "acled_event_type": "Strategic developments", "acled_sub_event_type": "Other"},
            {"value": "attack", "acled_event_type": "", "acled_sub_event_type": ""},
        ]
        return [{"name": "event_type", "categories": categories}]


def _tables(events: list[dict], publisher: str | None = "Example Wire") -> _layouts._Tables:
    """A package with a town-level place (geo_precision 1), hand-made."""
    base = {
        "status": "occurred",
        "target_actor_id": None,
        "part_of_event_id": None,
        "place_id": "town",
        "acled_geo_precision": "1",
        "timeframe": "current",
        "source_id": "s",
        "summary": "A test event.",
    }
    frame = pd.DataFrame([{**base, **e} for e in events])
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column])
    actors = pd.DataFrame(
        [
            {"actor_id": "army", "name": "Army of Elsewhere", "acled_inter": "1", "country": "ELS"},
            {"actor_id": "general", "name": "A General", "acled_inter": None, "country": "ELS"},
            {"actor_id": "band", "name": "A Band", "acled_inter": "2", "country": "MLI"},
        ]
    )
    places = pd.DataFrame(
        [
            {
                "place_id": "town",
                "iso_alpha3": "MLI",
                "iso_numeric": "466",
                "acled_region": "Western Africa",
                "name": "Mali",
            }
        ]
    )
    sources = pd.DataFrame([{"source_id": "s", "publisher": publisher, "title": "T", "language": "en"}])
    return _layouts._Tables(
        _Package(),
        frame.set_index("event_id", drop=False),
        actors.set_index("actor_id", drop=False),
        places.set_index("place_id", drop=False),
        sources.set_index("source_id", drop=False),
        pd.DataFrame(columns=["statement_id", "event_id", "date_start"]),
    )


def test_an_acled_row_where_every_column_meets_the_codebook():
    tables = _tables(
        [
            {
                "event_id": "c",
                "event_type": "coup",
                "initiator_actor_id": "army",
                "date_start": "2021-12-01",
                "date_end": "2021-12-31",
                "acled_time_precision": "3",
            },
            {
                "event_id": "c-leader",
                "event_type": "coup",
                "initiator_actor_id": "band",
                "part_of_event_id": "c",
                "date_start": "2021-12-01",
                "date_end": "2021-12-31",
                "acled_time_precision": "3",
            },
        ]
    )
    rows, left = _layouts._acled(tables, include_background=False)
    assert [r["event_id_cnty"] for r in rows] == ["c"]
    row = rows[0]
    # month precision: the month's midpoint, time precision 3 (Time precision codes)
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2021-12-16", 2021, 3)
    # state forces outside their own country are external forces (8); no Actor 2 leaves inter2 blank
    assert (row["inter1"], row["inter2"], row["interaction"]) == (8, None, 80)
    assert (row["disorder_type"], row["geo_precision"], row["iso"], row["source"]) == (
        "Strategic developments",
        1,
        466,
        "Example Wire",
    )
    # X3: the part is counted in its whole, its initiator an associated actor
    assert row["assoc_actor_1"] == "A Band"
    assert [(o.event_id, o.reason_code) for o in left] == [("c-leader", "counted-in-whole")]


@pytest.mark.parametrize(
    "change, publisher, reason",
    [
        ({"initiator_actor_id": "general"}, "Example Wire", "actor-type-unknown"),  # never written as 0
        ({"initiator_actor_id": None}, "Example Wire", "no-actor"),
        ({}, None, "source-unknown"),  # the outlet is unknown: not invented
        (
            {"date_end": "2021-12-02", "acled_time_precision": "1", "date_start": "2021-12-01"},
            "Example Wire",
            "multi-day",
        ),
        ({"acled_time_precision": None}, "Example Wire", "date-too-coarse"),
        ({"acled_geo_precision": None}, "Example Wire", "country-level"),
        ({"status": "planned"}, "Example Wire", "not-occurred"),
        ({"event_type": "attack"}, "Example Wire", "out-of-scope"),
        ({"timeframe": "background"}, "Example Wire", "background"),
    ],
)
def test_an_acled_row_that_would_claim_more_than_it_has_is_left_out(change, publisher, reason):
    event = {
        "event_id": "c",
        "event_type": "coup",
        "initiator_actor_id": "army",
        "date_start": "2021-12-01",
        "date_end": "2021-12-31",
        "acled_time_precision": "3",
        **change,
    }
    rows, left = _layouts._acled(_tables([event], publisher), include_background=False)
    assert rows == [] and [(o.event_id, o.reason_code) for o in left] == [("c", reason)]


def test_acled_row_types_append_to_an_acled_frame():
    """A frame with ACLED's columns and numbers, as pandas reads an ACLED
    export: numbers stay numbers after the row is appended."""
    event = {
        "event_id": "c",
        "event_type": "coup",
        "initiator_actor_id": "band",
        "target_actor_id": "army",
        "date_start": "2021-12-05",
        "date_end": "2021-12-05",
        "acled_time_precision": "1",
    }
    rows, _ = _layouts._acled(_tables([event]), include_background=False)
    ours = pd.read_csv(pd.io.common.StringIO(_layouts._csv(_layouts.ACLED_COLUMNS, rows).decode()))
    numeric = ["year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities"]
    real = pd.DataFrame([{c: (1 if c in numeric else "x") for c in ACLED_ORDER}])
    both = pd.concat([real, ours], ignore_index=True)
    assert list(both.columns) == ACLED_ORDER
    for column in numeric:
        assert pd.api.types.is_numeric_dtype(both[column]), column
    assert (ours["inter1"][0], ours["inter2"][0], ours["interaction"][0]) == (2, 8, 28)


# -- files ------------------------------------------------------------------------


README_LAYOUT_LINES = [
    line.split("#")[0].strip()
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    if line.startswith("minusma-data export --layout")
]


@pytest.mark.parametrize("line", README_LAYOUT_LINES)
def test_the_readmes_layout_commands_run_as_written(tmp_path, line):
    """Each `export --layout` line of the README, run by the installed
    command in an empty folder, writes the files docs/coding.md names."""
    import shlex
    import subprocess
    import sys

    command = shlex.split(line)
    program = Path(sys.executable).parent / command[0]
    result = subprocess.run([str(program), *command[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    layout = command[command.index("--layout") + 1]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    suffix = "jsonl" if layout == "plover" else "csv"
    assert written == sorted([f"events_{layout}.{suffix}", f"events_{layout}_omitted.csv"])
    if "--include-background" in command:
        assert "historical" in (tmp_path / "out" / "events_plover.jsonl").read_text(encoding="utf-8")


def test_the_readme_shows_the_background_flag():
    assert any("--include-background" in line for line in README_LAYOUT_LINES)


@pytest.mark.parametrize("layout", ["plover", "acled"])
def test_layout_exports_are_deterministic(tmp_path, capsys, layout):
    export(layout, tmp_path / "a", capsys)
    export(layout, tmp_path / "b", capsys)
    for name in sorted(p.name for p in (tmp_path / "a").iterdir()):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_an_output_that_is_a_file_is_refused_in_one_line(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    status, err = export("acled", target, capsys)
    assert status == 1
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and str(target) in err
    assert target.read_text() == "not a folder"


# ACLED Codebook (2023), chapter "Actors", section "Interaction codes": the
# interaction is the two actors' inter codes joined into one number, the lower
# code first ("recorded as the lowest joint number"; a country's military
# against a political militia, inter 1 and 3, is 13), and an event with one
# actor has the "sole" code of that actor's type, its inter code followed by 0
# (10 sole state forces action, 20 sole rebel action, ... 70 sole civilian
# action, 80 sole other actor action; ACLED's acledR package labels 10 to 80
# "Sole State Forces" to "Sole Others"). inter2 is None when there is no second
# actor. Written out by hand here, not computed.
INTERACTIONS = [
    ((1, None), 10),  # state forces alone
    ((2, None), 20),  # rebels alone
    ((7, None), 70),  # civilians alone
    ((8, None), 80),  # external forces alone (the UN mission, Wagner)
    ((1, 3), 13),  # the codebook's example
    ((3, 1), 13),  # lower code first, whichever actor comes first
    ((1, 1), 11),  # state forces against state forces
    ((1, 8), 18),  # the junta and France's forces, as exported
    ((8, 2), 28),  # external forces and rebels
    ((7, 8), 78),
]


@pytest.mark.parametrize(("inters", "interaction"), INTERACTIONS, ids=[f"{a}-{b}" for (a, b), _ in INTERACTIONS])
def test_acled_interaction_of_two_codes_or_a_lone_actor(inters, interaction):
    """docs/coding.md A2; the cases are the codebook's (see INTERACTIONS)."""
    assert acled_interaction(*inters) == interaction


ACTORS = pd.DataFrame(
    [
        ("junta", "Mali's junta", 1, "MLI"),
        ("french-forces", "French forces", 1, "FRA"),
        ("minusma", "MINUSMA", 8, None),
        ("militants", "Militants", 2, "MLI"),
        ("diop", "Abdoulaye Diop", None, "MLI"),  # a person: ACLED names collective actors only
    ],
    columns=["actor_id", "name", "acled_inter", "country"],
).astype({"acled_inter": "Int64"})


@pytest.mark.parametrize(
    ("actor_id", "expected"),
    [
        ("junta", ("Mali's junta", 1)),  # state forces in their own country
        ("french-forces", ("French forces", 8)),  # state forces abroad are external forces (inter code 8)
        ("minusma", ("MINUSMA", 8)),
        ("militants", ("Militants", 2)),
        ("diop", ("Abdoulaye Diop", None)),  # a person has no inter code
        (None, (None, None)),  # no second actor
    ],
)
def test_acled_actor_inter_codes_in_mali(actor_id, expected):
    """docs/coding.md A2: the inter code an actor takes in an event in Mali."""
    assert _acled_actor(ACTORS.set_index("actor_id"), actor_id, "MLI") == expected


def test_a_lone_actor_gives_the_sole_interaction_and_a_person_no_code():
    """An event whose only ACLED actor is the junta is a sole state forces
    action, 10, never a two-actor code; a person has no inter code of its own
    (ACLED names collective actors), so a row naming one is left out (A2)."""
    actors = ACTORS.set_index("actor_id")
    inter1 = _acled_actor(actors, "junta", "MLI")[1]
    alone = _acled_actor(actors, None, "MLI")[1]
    assert (inter1, alone, acled_interaction(inter1, alone)) == (1, None, 10)
    assert _acled_actor(actors, "diop", "MLI")[1] is None
