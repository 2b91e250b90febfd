"""The build is deterministic, atomic and honest in check mode, and the
package it writes passes frictionless validation, which in turn notices
damage (so a green validation means something)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, need, published_snapshot, run_build

from minusma_build.publish import same_parquet


def test_committed_tables_match_the_curated_files(scratch_repo):
    result = run_build(scratch_repo, "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


@pytest.mark.slow
def test_a_second_build_changes_no_byte(scratch_repo):
    (scratch_repo / "datapackage.json").unlink()
    for p in (scratch_repo / "data").glob("*.csv"):
        p.unlink()
    for p in (scratch_repo / "data").glob("*.parquet"):
        p.unlink()
    assert run_build(scratch_repo).returncode == 0
    first = published_snapshot(scratch_repo)
    second_run = run_build(scratch_repo)
    assert second_run.returncode == 0
    assert "0 file(s) changed" in second_run.stdout
    assert published_snapshot(scratch_repo) == first
    # and the rebuilt files equal the committed ones
    committed = published_snapshot(ROOT)
    assert first.keys() == committed.keys()
    for rel, data in first.items():
        if rel.endswith(".parquet"):
            assert same_parquet(data, committed[rel]), rel
        else:
            assert data == committed[rel], rel


@pytest.mark.slow
def test_check_names_the_stale_table_and_writes_nothing(scratch_repo):
    events = scratch_repo / "data/curated/events.toml"
    text = events.read_text(encoding="utf-8")
    old = 'summary = "France drafts the resolution that ends the mission."'
    assert old in text
    events.write_text(text.replace(old, 'summary = "France drafts the resolution."'), encoding="utf-8")
    before = published_snapshot(scratch_repo)
    result = run_build(scratch_repo, "--check")
    assert result.returncode == 1
    assert "data/events.csv" in result.stderr and "data/events.parquet" in result.stderr
    assert "data/actors.csv" not in result.stderr
    assert published_snapshot(scratch_repo) == before


def test_a_failed_build_leaves_every_published_file_as_it_was(scratch_repo):
    # one bad edit that must stop the build, one good edit that would change its output
    figures = scratch_repo / "data/curated/figures.toml"
    text = figures.read_text(encoding="utf-8")
    assert "value = 13000" in text
    figures.write_text(text.replace("value = 13000", "value = 12000"), encoding="utf-8")
    events = scratch_repo / "data/curated/events.toml"
    text = events.read_text(encoding="utf-8")
    assert 'summary = "Russia wages war in Ukraine."' in text
    events.write_text(
        text.replace('summary = "Russia wages war in Ukraine."', 'summary = "Russia wages war."'), encoding="utf-8"
    )
    before = published_snapshot(scratch_repo)
    result = run_build(scratch_repo)
    assert result.returncode == 1
    assert "figure 'minusma-uniformed-personnel-deployed', field 'value'" in result.stderr
    assert "no file was written" in result.stderr
    assert published_snapshot(scratch_repo) == before
    assert not list((scratch_repo / "data").glob(".staging-*"))


@pytest.mark.slow
def test_the_package_is_valid_under_frictionless():
    frictionless = need("frictionless", "validate")
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    names = {task.name for task in report.tasks}
    assert {"events", "events-parquet", "actors", "actors-parquet"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("resource", ["events", "events-parquet"])
def test_frictionless_notices_a_broken_foreign_key(scratch_repo, resource):
    """Rewrite one initiator to an unknown actor in the CSV or Parquet file
    (and its recorded hash) and validation must fail on the foreign key."""
    frictionless = need("frictionless", "validate")
    pq = need("pyarrow.parquet")
    pa = need("pyarrow")
    import hashlib

    descriptor_path = scratch_repo / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    if resource == "events":
        path = scratch_repo / "data/events.csv"
        data = path.read_bytes()
        assert b"france-drafts-resolution,draft_resolution,occurred,,,,,,france," in data
        data = data.replace(b"draft_resolution,occurred,,,,,,france,", b"draft_resolution,occurred,,,,,,atlantis,")
        path.write_bytes(data)
        entry = next(r for r in descriptor["resources"] if r["name"] == "events")
        entry["bytes"], entry["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
        descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    else:
        path = scratch_repo / "data/events.parquet"
        table = pq.read_table(path)
        initiators = table.column("initiator_actor_id").to_pylist()
        initiators[0] = "atlantis"
        i = table.schema.get_field_index("initiator_actor_id")
        table = table.set_column(i, table.schema.field(i), pa.array(initiators, type=pa.string()))
        pq.write_table(table, path)
    report = frictionless.validate(str(descriptor_path))
    assert not report.valid
    failing = {task.name: {e.type for e in task.errors} for task in report.tasks if not task.valid}
    assert "foreign-key" in failing.get(resource, set()), failing


# -- normalising: the one step that changes values, before the checks ------------------


def _edit(root, file: str, old: str, new: str) -> None:
    path = root / "data" / "curated" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_date_written_as_text_publishes_as_a_date(scratch_repo):
    """`reference_date = "2023-06-30"` (quoted) builds the same package as the TOML date."""
    path = scratch_repo / "data" / "curated" / "references.toml"
    text = path.read_text(encoding="utf-8")
    assert "reference_date = 2023-06-30" in text
    path.write_text(text.replace("reference_date = 2023-06-30", 'reference_date = "2023-06-30"', 1), encoding="utf-8")
    result = run_build(scratch_repo, "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_empty_text_is_a_missing_value(scratch_repo):
    """An optional field given as "" publishes exactly as a field left out."""
    _edit(scratch_repo, "actors.toml", 'actor_id = "woodward"', 'actor_id = "woodward"\nnotes = ""')
    result = run_build(scratch_repo, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
