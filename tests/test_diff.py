"""`minusma-data diff OLD NEW`: schema and row differences between two
versions of the package, the bump they call for, and its exit codes.

Two comparisons use real commits of this repository (materialised with
`git archive`); the rest edit a copy of the current package one way each, so
every branch of the versioning rules (docs/versioning.md) is exercised.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import missing

from benchmarks.diff import reseal
from minusma_data import cli
from minusma_data._diff import CHANGE_BUMPS, DiffError, diff_paths, open_package

ROOT = Path(__file__).resolve().parent.parent
FIRST = "3fe3b589f9fb104c9fe834d380671939a543ef5d"  # the first published tables
RETITLED = "95f4a63f28a286b75117473d0a0e9c78aa60fcc6"  # events.country's description reworded
DIFFICULTY = "207c3405641dc02a6276b5a83c0b957217a8f070"  # one event and one event_type code added


def in_git_checkout() -> bool:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def git_history() -> None:
    """The repository's git history: skipped without it (an unpacked sdist), failed under CI."""
    if not in_git_checkout():
        missing("the repository's git history is not here (not a git checkout)")


needs_git = pytest.mark.usefixtures("git_history")


def materialise(commit: str, dest: Path) -> Path:
    """The package (datapackage.json and data/) as it was at `commit`."""
    dest.mkdir(parents=True)
    for path in [
        "datapackage.json",
        *subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", commit, "data/"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split(),
    ]:
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"], capture_output=True, check=True).stdout
        )
    return dest


def package_copy(dest: Path) -> Path:
    """The current package's descriptor and tables, to edit."""
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest


def zip_of(pkg: Path, archive: Path, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """The package as a release zip holds it: datapackage.json, its data files and source texts."""
    with zipfile.ZipFile(archive, "w", compression=compression) as zf:
        zf.write(pkg / "datapackage.json", "datapackage.json")
        for path in sorted((pkg / "data").glob("*.csv")) + sorted((pkg / "data").glob("*.parquet")):
            zf.write(path, f"data/{path.name}")
        for path in sorted((pkg / "data" / "source").glob("*")):
            zf.write(path, f"data/source/{path.name}")
    return archive


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    code = cli.main(["diff", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def codes(result: dict) -> set[tuple[str, str | None, str | None]]:
    return {(c["change"], c["table"], c["field"]) for c in result["schema"]["changes"]}


# -- real history ----------------------------------------------------------------


@needs_git
def test_a_real_commit_that_added_an_event_and_its_code(tmp_path, capsys):
    old = materialise(RETITLED, tmp_path / "old")
    new = materialise(DIFFICULTY, tmp_path / "new")
    code, out, err = run_cli(old, new, "--format", "json", capsys=capsys)
    assert code == 1 and err == ""
    result = json.loads(out)
    # From `git show 207c340 -- data/events.csv datapackage.json`: one row, one event_type code.
    assert result["tables"] == {
        "events": {"added": ["peace-agreement-implementation-difficulties"], "removed": [], "changed": {}}
    }
    added = [c for c in result["schema"]["changes"] if c["change"] == "category_added"]
    assert [(c["table"], c["field"], c["new"]) for c in added] == [
        ("events", "event_type", "implementation_difficulty")
    ]
    assert {c["bump"] for c in result["schema"]["changes"]} == {"minor"}
    assert result["suggested_bump"] == "minor"


@needs_git
def test_a_real_commit_that_only_reworded_a_description(tmp_path, capsys):
    old = materialise(FIRST, tmp_path / "old")
    new = materialise(RETITLED, tmp_path / "new")
    code, out, _ = run_cli(old, new, "--format", "json", capsys=capsys)
    result = json.loads(out)
    assert code == 1
    assert result["tables"] == {}
    assert [(c["change"], c["table"], c["field"]) for c in result["schema"]["changes"]] == [
        ("metadata_changed", "events", "country:description")
    ]
    assert result["schema"]["changes"][0]["new"].startswith("ISO 3166-1 alpha-3 code of the country where the event")
    assert result["suggested_bump"] == "patch"


@needs_git
def test_text_output_names_the_added_row_and_the_bump(tmp_path, capsys):
    code, out, _ = run_cli(
        materialise(RETITLED, tmp_path / "old"), materialise(DIFFICULTY, tmp_path / "new"), capsys=capsys
    )
    assert code == 1
    assert "    + peace-agreement-implementation-difficulties" in out.splitlines()
    assert "events: 1 added, 0 removed, 0 changed" in out
    assert out.rstrip().endswith("suggested bump: minor")


# -- identical, inputs, exit codes ---------------------------------------------------


def test_identical_packages_exit_0_with_no_bump(tmp_path, capsys):
    code, out, err = run_cli(ROOT, package_copy(tmp_path / "copy"), "--format", "json", capsys=capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["tables"] == {} and result["schema"] == {"changes": []}
    assert result["suggested_bump"] == "none"


def test_json_is_exactly_one_object_with_the_documented_keys(tmp_path, capsys):
    new = package_copy(tmp_path / "new")
    edit_csv(new, "events", lambda rows: rows[:-1])
    code, out, _ = run_cli(ROOT, new, "--format", "json", capsys=capsys)
    result = json.loads(out)  # raises if there is anything but one JSON document
    assert code == 1
    assert {"tables", "schema", "suggested_bump"} <= set(result)
    assert set(result["tables"]["events"]) == {"added", "removed", "changed"}


def test_descriptor_path_and_release_zip_are_accepted(tmp_path, capsys):
    archive = zip_of(ROOT, tmp_path / "minusma-data.zip")
    assert run_cli(archive, ROOT / "datapackage.json", capsys=capsys)[0] == 0
    new = package_copy(tmp_path / "new")
    edit_csv(new, "actors", lambda rows: rows[1:])
    code, out, _ = run_cli(archive, new / "datapackage.json", "--format", "json", capsys=capsys)
    assert code == 1 and json.loads(out)["suggested_bump"] == "major"


def test_errors_exit_2_with_one_line_and_no_traceback(tmp_path, capsys):
    code, out, err = run_cli(tmp_path / "absent", ROOT, capsys=capsys)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err and "absent" in err

    code, _, err = run_cli(ROOT / "docs", ROOT, capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "no datapackage.json here" in err

    broken = package_copy(tmp_path / "broken")
    (broken / "datapackage.json").write_text("{not json", encoding="utf-8")
    code, _, err = run_cli(ROOT, broken, capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "not valid JSON" in err

    missing = package_copy(tmp_path / "missing")
    (missing / "data" / "events.csv").unlink()
    code, _, err = run_cli(ROOT, missing, capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "events.csv" in err

    ragged = package_copy(tmp_path / "ragged")
    with open(ragged / "data" / "events.csv", "a", encoding="utf-8") as fh:
        fh.write("one,two\n")
    code, _, err = run_cli(ROOT, ragged, capsys=capsys)
    assert code == 2 and err.count("\n") == 1


def test_the_installed_command_uses_the_same_exit_codes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    same = subprocess.run(
        [sys.executable, "-m", "minusma_data", "diff", ROOT, ROOT], env=env, capture_output=True, text=True, check=False
    )
    assert same.returncode == 0, same.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "minusma_data", "diff", ROOT, tmp_path / "nothing"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


# -- hostile inputs -------------------------------------------------------------------


@pytest.mark.parametrize("member", ["../evil.csv", "/etc/evil.csv", "data/../../evil.csv", "C:/evil.csv"])
def test_a_zip_member_outside_the_package_is_refused(tmp_path, capsys, member):
    archive = tmp_path / "hostile.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(ROOT / "datapackage.json", "datapackage.json")
        zf.writestr(member, "x\n")
    code, _, err = run_cli(archive, ROOT, capsys=capsys)
    assert code == 2 and "outside the package" in err and err.count("\n") == 1
    assert not (tmp_path.parent / "evil.csv").exists()


@pytest.mark.parametrize(
    "path", ["../outside.csv", "/etc/passwd", "data/../../outside.csv", "https://example.org/x.csv"]
)
def test_a_resource_path_outside_the_package_is_refused(tmp_path, capsys, path):
    (tmp_path / "outside.csv").write_text("secret\n1\n", encoding="utf-8")
    new = package_copy(tmp_path / "pkg")
    descriptor = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    (new / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, _, err = run_cli(ROOT, new, capsys=capsys)
    assert code == 2 and "outside the package" in err and err.count("\n") == 1


def test_a_link_out_of_the_package_folder_is_refused(tmp_path, capsys):
    (tmp_path / "outside.csv").write_bytes((ROOT / "data" / "events.csv").read_bytes())
    new = package_copy(tmp_path / "pkg")
    (new / "data" / "events.csv").unlink()
    (new / "data" / "events.csv").symlink_to(tmp_path / "outside.csv")
    code, _, err = run_cli(ROOT, new, capsys=capsys)
    assert code == 2 and "outside the package folder" in err


# -- every branch of the bump rules ---------------------------------------------------


def read_csv(pkg: Path, table: str) -> list[list[str]]:
    with open(pkg / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_csv(pkg: Path, table: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (pkg / "data" / f"{table}.csv").write_text(buffer.getvalue(), encoding="utf-8")


def edit_csv(pkg: Path, table: str, change) -> None:
    """Apply `change` to the data rows (the header stays), and reseal."""
    rows = read_csv(pkg, table)
    write_csv(pkg, table, [rows[0], *change(rows[1:])])
    reseal(pkg)


def edit_descriptor(pkg: Path, change) -> None:
    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def schemas(descriptor: dict, table: str) -> list[dict]:
    """The schema of a table's CSV resource and of its Parquet twin."""
    return [r["schema"] for r in descriptor["resources"] if r["name"] in (table, f"{table}-parquet")]


def field_of(descriptor: dict, table: str, name: str) -> list[dict]:
    return [f for s in schemas(descriptor, table) for f in s["fields"] if f["name"] == name]


def drop_column(pkg: Path, table: str, name: str) -> None:
    rows = read_csv(pkg, table)
    i = rows[0].index(name)
    write_csv(pkg, table, [r[:i] + r[i + 1 :] for r in rows])

    def change(d):
        for s in schemas(d, table):
            s["fields"] = [f for f in s["fields"] if f["name"] != name]

    edit_descriptor(pkg, change)


def add_column(pkg: Path, table: str, name: str) -> None:
    rows = read_csv(pkg, table)
    write_csv(pkg, table, [rows[0] + [name]] + [[*r, ""] for r in rows[1:]])

    def change(d):
        for s in schemas(d, table):
            s["fields"].append({"name": name, "type": "string", "title": name, "description": "new"})

    edit_descriptor(pkg, change)


def change_summary(pkg):
    rows = read_csv(pkg, "events")
    i = rows[0].index("summary")
    rows[1][i] = "A corrected summary."
    write_csv(pkg, "events", rows)


def add_event(pkg):
    rows = read_csv(pkg, "events")
    rows.append(rows[1][:])
    rows[-1][0] = "zz-new-event"
    write_csv(pkg, "events", rows)


def set_enum(table, name, change):
    def edit(d):
        for f in field_of(d, table, name):
            f["constraints"]["enum"] = change(f["constraints"]["enum"])
            f["categories"] = [c for c in f["categories"] if c["value"] in f["constraints"]["enum"]] + [
                {"value": v, "label": v}
                for v in f["constraints"]["enum"]
                if v not in [c["value"] for c in f["categories"]]
            ]

    return lambda pkg: edit_descriptor(pkg, edit)


def set_field(table, name, key, value):
    def edit(d):
        for f in field_of(d, table, name):
            if value is None:
                f.pop(key, None)
            else:
                f[key] = value

    return lambda pkg: edit_descriptor(pkg, edit)


def set_constraint(table, name, key, value):
    def edit(d):
        for f in field_of(d, table, name):
            constraints = f.setdefault("constraints", {})
            if value is None:
                constraints.pop(key, None)
            else:
                constraints[key] = value

    return lambda pkg: edit_descriptor(pkg, edit)


def drop_table(pkg):
    edit_descriptor(
        pkg,
        lambda d: d.update(resources=[r for r in d["resources"] if r["name"] not in ("figures", "figures-parquet")]),
    )


def add_table(pkg):
    def edit(d):
        twin = copy.deepcopy(next(r for r in d["resources"] if r["name"] == "references"))
        twin.update(name="references2", path="data/references2.csv")
        d["resources"].append(twin)

    shutil.copy2(pkg / "data" / "references.csv", pkg / "data" / "references2.csv")
    edit_descriptor(pkg, edit)


def reorder_fields(pkg):
    rows = read_csv(pkg, "actors")
    write_csv(pkg, "actors", [[r[0], r[2], r[1], *r[3:]] for r in rows])

    def edit(d):
        for s in schemas(d, "actors"):
            f = s["fields"]
            f[1], f[2] = f[2], f[1]

    edit_descriptor(pkg, edit)


def drop_foreign_key(pkg):
    def edit(d):
        for s in schemas(d, "events"):
            s["foreignKeys"] = s["foreignKeys"][1:]

    edit_descriptor(pkg, edit)


def add_foreign_key(pkg):
    def edit(d):
        for s in schemas(d, "figures"):
            s.setdefault("foreignKeys", []).append(
                {"fields": ["figure_id"], "reference": {"resource": "references", "fields": ["reference_id"]}}
            )

    edit_descriptor(pkg, edit)


def set_primary_key(pkg):
    def edit(d):
        for s in schemas(d, "actors"):
            s["primaryKey"] = ["actor_id", "name"]

    edit_descriptor(pkg, edit)


def retitle_package(pkg):
    edit_descriptor(pkg, lambda d: d.update(title=d["title"] + " (revised)"))


def rename_package(pkg):
    edit_descriptor(pkg, lambda d: d.update(name="minusma-data-renamed"))


def relabel_code(pkg):
    def edit(d):
        for f in field_of(d, "events", "status"):
            f["categories"][0]["label"] = "A reworded label."

    edit_descriptor(pkg, edit)


BRANCHES = {
    # name: (edit, expected change code, table, field, suggested bump)
    "value corrected": (change_summary, None, None, None, "patch"),
    "row added": (add_event, None, None, None, "minor"),
    "row removed": (lambda pkg: edit_csv(pkg, "events", lambda rows: rows[1:]), None, None, None, "major"),
    "table added": (add_table, "table_added", "references2", None, "minor"),
    "table removed": (drop_table, "table_removed", "figures", None, "major"),
    "field added": (lambda pkg: add_column(pkg, "events", "note"), "field_added", "events", "note", "major"),
    "field removed": (lambda pkg: drop_column(pkg, "events", "summary"), "field_removed", "events", "summary", "major"),
    "fields reordered": (reorder_fields, "fields_reordered", "actors", None, "major"),
    "field retyped": (set_field("figures", "value", "type", "string"), "field_retyped", "figures", "value", "major"),
    "category added": (
        set_enum("events", "status", lambda e: [*e, "rumoured"]),
        "category_added",
        "events",
        "status",
        "minor",
    ),
    "category removed": (
        set_enum("events", "status", lambda e: [v for v in e if v != "alleged"]),
        "category_removed",
        "events",
        "status",
        "major",
    ),
    "required added": (
        set_constraint("actors", "role", "required", True),
        "constraint_tightened",
        "actors",
        "role",
        "major",
    ),
    "required dropped": (
        set_constraint("events", "event_id", "required", None),
        "constraint_loosened",
        "events",
        "event_id",
        "minor",
    ),
    "pattern replaced": (
        set_constraint("events", "country", "pattern", "^[A-Z]{2,3}$"),
        "constraint_changed",
        "events",
        "country",
        "major",
    ),
    "primary key changed": (set_primary_key, "primary_key_changed", "actors", None, "major"),
    "foreign key added": (add_foreign_key, "foreign_key_added", "figures", "figure_id", "major"),
    "foreign key removed": (drop_foreign_key, "foreign_key_removed", "events", None, "minor"),
    "description reworded": (
        set_field("events", "summary", "description", "Reworded."),
        "metadata_changed",
        "events",
        "summary:description",
        "patch",
    ),
    "code relabelled": (relabel_code, "metadata_changed", "events", None, "patch"),
    "package retitled": (retitle_package, "metadata_changed", None, "title", "patch"),
    "package renamed": (rename_package, "package_renamed", None, None, "major"),
}


@pytest.mark.parametrize("branch", list(BRANCHES))
def test_each_kind_of_change_suggests_its_bump(tmp_path, branch):
    edit, code, table, field, bump = BRANCHES[branch]
    new = package_copy(tmp_path / "new")
    edit(new)
    reseal(new)
    result = diff_paths(ROOT, new)
    assert result["suggested_bump"] == bump
    if code is not None:
        found = [
            c
            for c in result["schema"]["changes"]
            if c["change"] == code and c["table"] == table and (field is None or c["field"] == field)
        ]
        assert found, result["schema"]["changes"]
        assert all(c["bump"] == CHANGE_BUMPS[c["change"]] for c in result["schema"]["changes"])


def test_a_corrected_value_is_reported_with_its_old_and_new_text(tmp_path):
    new = package_copy(tmp_path / "new")
    rows = read_csv(new, "events")
    summary = rows[0].index("summary")
    ident, before = rows[1][0], rows[1][summary]
    change_summary(new)
    reseal(new)
    result = diff_paths(ROOT, new)
    assert result["tables"] == {
        "events": {"added": [], "removed": [], "changed": {ident: {"summary": [before, "A corrected summary."]}}}
    }
    assert result["schema"]["changes"] == []


def test_an_emptied_cell_is_reported_as_null(tmp_path):
    new = package_copy(tmp_path / "new")
    rows = read_csv(new, "actors")
    role = rows[0].index("role")
    row = next(r for r in rows[1:] if r[role])
    before, row[role] = row[role], ""
    write_csv(new, "actors", rows)
    reseal(new)
    changed = diff_paths(ROOT, new)["tables"]["actors"]["changed"]
    assert changed == {row[0]: {"role": [before, None]}}


def test_rows_of_added_and_removed_tables_are_listed(tmp_path):
    new = package_copy(tmp_path / "new")
    drop_table(new)
    result = diff_paths(ROOT, new)
    figure_ids = sorted(r[0] for r in read_csv(ROOT, "figures")[1:])
    assert result["tables"]["figures"] == {"added": [], "removed": figure_ids, "changed": {}}


def test_a_removed_column_does_not_show_as_changed_values(tmp_path):
    new = package_copy(tmp_path / "new")
    drop_column(new, "events", "summary")
    reseal(new)
    result = diff_paths(ROOT, new)
    assert "events" not in result["tables"]


def test_the_version_itself_is_not_a_difference(tmp_path):
    new = package_copy(tmp_path / "new")
    edit_descriptor(new, lambda d: d.update(version="9.9.9", created="2030-01-01T00:00:00Z"))
    result = diff_paths(ROOT, new)
    assert result["suggested_bump"] == "none" and result["new"]["version"] == "9.9.9"


def test_every_change_code_has_a_bump():
    assert set(CHANGE_BUMPS.values()) <= {"major", "minor", "patch"}
    with pytest.raises(DiffError):
        open_package(ROOT / "README.md")


def test_the_benchmark_changes_one_row_of_every_table(tmp_path):
    """benchmarks/diff.py times a diff in which every table is read; its altered
    copy must differ by exactly one row per table (no time is asserted)."""
    from benchmarks.diff import altered_copy

    result = diff_paths(ROOT, altered_copy(ROOT, tmp_path / "altered"))
    tables = [
        r["name"]
        for r in json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]
        if r["format"] == "csv"
    ]
    assert sorted(result["tables"]) == sorted(tables)
    assert all(len(t["changed"]) == 1 and not t["added"] and not t["removed"] for t in result["tables"].values())
