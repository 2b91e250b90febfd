"""`minusma-data export --layout plover|acled`: the events in another
dataset's layout, ready to append to it, and every event left out listed
with its reason (docs/coding.md, Exports)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from minusma_data._layouts import _acled_actor, _interaction
from minusma_data.cli import main

# ACLED's export, in its order (ACLED Codebook; ACLED's acledR package), written out again here.
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
ACLED_NUMERIC = {
    "year",
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "timestamp",
}
# PLOVER manual, chapter Data Fields, table PLOVER JSON.
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
    "plover": {"no-category", "no-actor", "actor-not-coded", "recipient-not-coded", "no-date", "no-announcement"},
    "acled": {"out-of-scope", "no-place", "no-date", "date-too-coarse"},
}


def export(layout: str, out: Path, capsys) -> tuple[int, str]:
    status = main(["export", "--layout", layout, "--output", str(out), "--data-home", str(ROOT)])
    return status, capsys.readouterr().err


def event_ids() -> set[str]:
    with (ROOT / "data" / "events.csv").open(encoding="utf-8", newline="") as fh:
        return {r["event_id"] for r in csv.DictReader(fh)}


def omitted(out: Path, layout: str) -> pd.DataFrame:
    return pd.read_csv(out / f"events_{layout}_omitted.csv", dtype=str, keep_default_na=False)


@pytest.mark.parametrize("layout", ["plover", "acled"])
def test_every_event_is_either_exported_or_listed_with_its_reason(tmp_path, capsys, layout):
    status, err = export(layout, tmp_path, capsys)
    assert status == 0
    if layout == "acled":
        kept = set(pd.read_csv(tmp_path / "events_acled.csv", dtype=str)["event_id_cnty"])
    else:
        kept = {json.loads(line)["id"] for line in (tmp_path / "events_plover.jsonl").read_text().splitlines()}
    left = omitted(tmp_path, layout)
    assert list(left.columns) == ["event_id", "reason_code", "reason"]
    assert kept and not kept & set(left["event_id"])
    assert kept | set(left["event_id"]) == event_ids() and len(left) == left["event_id"].nunique()
    assert set(left["reason_code"]) <= REASONS[layout] and all(left["reason"])
    for row in left.itertuples():
        assert f"  {row.event_id}: {row.reason_code}: " in err


def test_acled_columns_are_acleds_in_acleds_order(tmp_path, capsys):
    export("acled", tmp_path, capsys)
    with (tmp_path / "events_acled.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ACLED_ORDER


def test_acled_rows_are_in_scope_and_dated_to_a_month_or_better(tmp_path, capsys):
    export("acled", tmp_path, capsys)
    frame = pd.read_csv(tmp_path / "events_acled.csv")
    events = pd.read_csv(ROOT / "data" / "events.csv", dtype=str, keep_default_na=False).set_index("event_id")
    assert len(frame)
    for row in frame.itertuples():
        event = events.loc[row.event_id_cnty]
        start, end = pd.Timestamp(event["date_start"]), pd.Timestamp(event["date_end"])
        assert (end - start).days + 1 <= 31
        assert row.time_precision in (1, 2, 3) and row.event_date == event["date_start"]
        assert row.year == start.year and row.iso == 466 and row.country == "Mali"
        assert row.disorder_type == "Strategic developments" and row.fatalities == 0
        assert row.interaction == int("".join(sorted(f"{row.inter1}{row.inter2}")))
    # state forces acting outside their country are ACLED's external forces (8)
    france = frame.set_index("event_id_cnty").loc["junta-ends-defence-cooperation-with-france"]
    assert (france.inter1, france.inter2, france.interaction) == (1, 8, 18)


def test_acled_export_appends_to_an_acled_frame_without_type_conflicts(tmp_path, capsys):
    """A frame with ACLED's columns and dtypes, as pandas reads an ACLED
    export: numbers stay numbers after the two are concatenated."""
    export("acled", tmp_path, capsys)
    ours = pd.read_csv(tmp_path / "events_acled.csv")
    real = pd.DataFrame([{c: (1 if c in ACLED_NUMERIC else "x") for c in ACLED_ORDER}])
    real[["latitude", "longitude"]] = real[["latitude", "longitude"]].astype(float)
    both = pd.concat([real, ours], ignore_index=True)
    assert list(both.columns) == ACLED_ORDER
    for column in ACLED_ORDER:
        if column in ACLED_NUMERIC:
            assert pd.api.types.is_numeric_dtype(both[column]), column
        else:
            assert not pd.api.types.is_numeric_dtype(ours[column]) or ours[column].isna().all(), column


def test_plover_records_use_the_manuals_fields_and_codes(tmp_path, capsys):
    export("plover", tmp_path, capsys)
    records = [json.loads(line) for line in (tmp_path / "events_plover.jsonl").read_text().splitlines()]
    assert records
    for r in records:
        assert PLOVER_REQUIRED <= set(r) <= PLOVER_FIELDS, set(r) - PLOVER_FIELDS
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"])
        assert r["enddate"] is None or r["enddate"] > r["date"]
        assert len(r["event"]) == 1 and r["event"][0] in CATEGORIES
        assert r["quad_code"] in (1, 2, 3, 4)
        for entity in r["actor"] + r["recipient"]:
            assert re.fullmatch(r"[A-Z]{3}", entity["code"])
            assert entity["sector"] is None or re.fullmatch(r"[A-Z]{3}", entity["sector"])
    by_id = {r["id"]: r for r in records}
    # P8: a planned withdrawal is coded at its announcement, by whoever announced it
    exit_ = by_id["german-troops-exit-faster"]
    assert exit_["event"] == ["CONCEDE"] and exit_["date"] == "2023-06-30"
    assert exit_["actor"][0]["entity_text"] == "Annalena Baerbock"
    assert by_id["lavrov-calls-diop"]["mode"] == ["phone"]
    # the establishment is not coded twice next to the deployment (docs/coding.md, P1)
    assert "unsc-establishes-minusma" not in by_id and by_id["minusma-deployed"]["event"] == ["AID"]


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
# "Sole State Forces" to "Sole Others"). inter2 is 0 when there is no second
# actor. Written out by hand here, not computed.
INTERACTIONS = [
    ((1, 0), 10),  # state forces alone
    ((0, 1), 10),  # the lone actor in the second place
    ((2, 0), 20),  # rebels alone
    ((7, 0), 70),  # civilians alone
    ((8, 0), 80),  # external forces alone (the UN mission, Wagner)
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
    assert _interaction(*inters) == interaction


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
        ("diop", ("Abdoulaye Diop", 0)),  # a person has no inter code
        (None, (None, 0)),  # no second actor
    ],
)
def test_acled_actor_inter_codes_in_mali(actor_id, expected):
    """docs/coding.md A2: the inter code an actor takes in an event in Mali."""
    assert _acled_actor(ACTORS.set_index("actor_id"), actor_id, "MLI") == expected


def test_a_lone_actor_or_a_person_gives_the_sole_interaction():
    """An event whose only ACLED actor is the junta (the other side a person,
    or nobody) is a sole state forces action, 10, never a two-actor code."""
    actors = ACTORS.set_index("actor_id")
    for other in ("diop", None):
        inter1 = _acled_actor(actors, "junta", "MLI")[1]
        inter2 = _acled_actor(actors, other, "MLI")[1]
        assert (inter1, inter2, _interaction(inter1, inter2)) == (1, 0, 10)
        assert _interaction(inter2, inter1) == 10
