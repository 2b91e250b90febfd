"""A folder export is a Data Package of its own: its datapackage.json names
the exported files with their sha256, frictionless validates the folder
(types included, for JSON Lines too), the licences and a README travel with
it, and `--data-home` loads every table back unchanged."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import need

from minusma_data import load
from minusma_data.cli import main

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r["name"] for r in PACKAGE["resources"] if r["format"] == "csv"]
SOURCE = PACKAGE["sources"][0]["path"]
FORMATS = ["csv", "parquet", "jsonl"]


def export(out: Path, format: str, *extra: str) -> Path:
    assert main([*extra, "export", "--format", format, "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module", params=FORMATS)
def exported(request, tmp_path_factory) -> tuple[str, Path]:
    format = request.param
    return format, export(tmp_path_factory.mktemp(format) / "out", format)


def test_folder_holds_descriptor_data_source_licences_and_readme(exported):
    format, out = exported
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    marker = ".minusma-export.json"  # by which a re-export knows the folder (tests/test_export_output.py)
    tables = [f"data/{t}.{format}" for t in TABLES]
    assert files == sorted(["datapackage.json", "README.md", "LICENSE", "LICENSE-DATA", SOURCE, marker, *tables])
    for name in ("LICENSE", "LICENSE-DATA", SOURCE):
        assert (out / name).read_bytes() == (ROOT / name).read_bytes()


def test_descriptor_paths_formats_and_hashes_fit_the_files(exported):
    format, out = exported
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resources = descriptor["resources"]
    assert [r["name"] for r in resources] == TABLES
    for resource in resources:
        data = (out / resource["path"]).read_bytes()
        assert resource["path"] == f"data/{resource['name']}.{format}" and resource["format"] == format
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource.get("bytes", len(data)) == len(data)
        assert "bytes" not in resource or format != "parquet"  # frictionless refuses bytes on Parquet
        published = next(r for r in PACKAGE["resources"] if r["name"] == resource["name"])
        assert resource["schema"] == published["schema"]  # foreign keys name the exported resources
    assert {k: v for k, v in descriptor.items() if k != "resources"} == {
        k: v for k, v in PACKAGE.items() if k != "resources"
    }


def test_readme_names_every_file_and_the_licence(exported):
    format, out = exported
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {PACKAGE['title']}")
    assert PACKAGE["version"] in readme and PACKAGE["licenses"][0]["name"] in readme
    for table in TABLES:
        assert f"`data/{table}.{format}`" in readme


@pytest.mark.slow
def test_frictionless_validates_the_folder(exported):
    frictionless = need("frictionless", "validate")
    if exported[0] == "jsonl":
        need("jsonlines", "validate")  # frictionless reads JSON Lines through it
    report = frictionless.validate(str(exported[1] / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.stats["rows"] for task in report.tasks] == [len(load(t)) for t in TABLES]


@pytest.mark.slow
def test_frictionless_checks_types_in_json_lines(tmp_path):
    """A JSON Lines export is typed by its schema: text where an integer belongs fails."""
    frictionless = need("frictionless", "validate")
    need("jsonlines", "validate")
    out = export(tmp_path / "out", "jsonl")
    target = out / "data" / "passages.jsonl"
    lines = target.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    row["paragraph"] = "one"
    lines[0] = json.dumps(row, ensure_ascii=False)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:  # let the type check speak, not the changed hash
        resource.pop("hash"), resource.pop("bytes")
    (out / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = frictionless.validate(str(out / "datapackage.json"))
    assert not report.valid
    assert {e.type for t in report.tasks for e in t.errors} == {"type-error"}


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_data_home_loads_every_table_back(tmp_path, format, capsys):
    out = export(tmp_path / "out", format)
    for table in TABLES:
        back = load(table, format=format, data_home=out, verify=True)
        assert back.equals(load(table)), table
        assert list(back.dtypes) == list(load(table).dtypes)
    capsys.readouterr()
    assert main(["--data-home", str(out), "info"]) == 0
    assert f"data: {out} (data_home)" in capsys.readouterr().out


@pytest.mark.parametrize("format", FORMATS)
def test_export_of_an_export_is_the_same_bytes(tmp_path, format):
    """Exports are deterministic, and exporting an exported folder changes nothing."""
    first = export(tmp_path / "a", format)
    again = export(tmp_path / "b", format)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (again / f).read_bytes() for f in files)
    if format != "jsonl":  # the loader reads CSV and Parquet
        second = export(tmp_path / "c", format, "--data-home", str(first))
        assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


def test_export_refuses_an_altered_source_text(tmp_path, capsys):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    shutil.copy2(ROOT / "datapackage.json", copy / "datapackage.json")
    text = copy / SOURCE
    text.write_bytes(text.read_bytes().replace(b"Mali", b"Mall", 1))
    code = main(["--data-home", str(copy), "export", "--format", "csv", "--output", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and str(text) in err and "sha256" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/hostname", "data/../../outside.txt"])
def test_export_refuses_a_source_path_outside_the_package(tmp_path, capsys, path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "data", copy / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    descriptor = dict(PACKAGE, sources=[dict(PACKAGE["sources"][0], path=path)])
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code = main(["--data-home", str(copy), "export", "--format", "csv", "--output", str(tmp_path / "a" / "out")])
    err = capsys.readouterr().err
    assert code == 1 and repr(path) in err and "Traceback" not in err
    assert not (tmp_path / "a" / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
