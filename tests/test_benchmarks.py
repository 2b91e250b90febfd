"""The benchmark's synthetic corpus is a faithful copy of the real package:
it builds, and n documents give exactly n times every table's rows.

No timing is asserted here; speed is read from `benchmarks/run.py`.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from benchmarks import corpus
from minusma_build.pipeline import produce

ROOT = Path(__file__).resolve().parent.parent


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def two_documents(tmp_path_factory) -> Path:
    tree = tmp_path_factory.mktemp("corpus-2")
    corpus.make_corpus(tree, 2)
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build.py"), "--root", str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return tree


@pytest.mark.slow
def test_two_documents_hold_twice_the_rows_of_every_table(two_documents):
    real = produce(ROOT).row_counts
    built = {name: len(read_rows(two_documents / "data" / f"{name}.csv")) for name in real}
    assert built == {name: 2 * n for name, n in real.items()}


def test_each_document_has_its_own_source_and_text(two_documents):
    sources = read_rows(two_documents / "data" / "sources.csv")
    assert [s["source_id"] for s in sources] == ["doc-0001", "doc-0002"]
    texts = {s["path"]: (two_documents / s["path"]).read_bytes() for s in sources}
    assert len(texts) == 2 and len(set(texts.values())) == 1
    original = tomllib.loads((ROOT / "data" / "curated" / "sources.toml").read_text("utf-8"))["source"][0]
    assert {s["sha256"] for s in sources} == {original["sha256"]}


def test_every_span_points_into_its_own_document(two_documents):
    texts = {
        s["source_id"]: (two_documents / s["path"]).read_text("utf-8")
        for s in read_rows(two_documents / "data" / "sources.csv")
    }
    descriptor = json.loads((two_documents / "datapackage.json").read_text("utf-8"))
    with_evidence = [r["path"] for r in descriptor["resources"] if r["schema"].get("minusma:evidence")]
    assert [p for p in with_evidence if p.endswith(".csv")], "no table with evidence"
    for path in with_evidence:
        if not path.endswith(".csv"):
            continue
        for row in read_rows(two_documents / path):
            text = texts[row["source_id"]]
            assert text[int(row["char_start"]) : int(row["char_end"])] == row["evidence"]
            assert row["passage_id"].startswith(row["source_id"] + "-")


def test_cross_references_stay_within_a_document(two_documents):
    events = read_rows(two_documents / "data" / "events.csv")
    for event in events:
        tag = event["source_id"].removeprefix("doc-")
        for column in (
            "event_id",
            "initiator_actor_id",
            "target_actor_id",
            "date_reference_id",
            "date_anchor_event_id",
        ):
            if event[column]:
                assert event[column].endswith(f"-d{tag}"), (column, event[column])
