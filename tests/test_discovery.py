"""The package as the places where people look for datasets read it
(docs/discovery.md): croissant.json, read by mlcroissant from the repository
and from the unzipped release; the release README's Hugging Face dataset
card, read by `datasets` offline; and the explorer page's schema.org
markup. Each is generated from the descriptor, so each is checked against
it and against the CSV rows. The tests that import mlcroissant or datasets
(each takes a second or more to import) are marked slow."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, need

from minusma_build import croissant, dataset_card, docs, release, schema_org, zip_readme
from minusma_build.about import CITATION, read_about
from minusma_data.buildkit import CROISSANT, TYPES, csv_cell, foreign_keys

# -- the package as the descriptor and the CSV files give it --------------------------------------


def descriptor(folder: Path = ROOT) -> dict[str, Any]:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def tables(folder: Path = ROOT) -> list[dict[str, Any]]:
    return [r for r in descriptor(folder)["resources"] if r["format"] == "csv"]


def csv_rows(folder: Path, resource: dict[str, Any]) -> list[dict[str, str]]:
    with open(folder / resource["path"], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def published_paths(folder: Path = ROOT) -> list[str]:
    d = descriptor(folder)
    return [r["path"] for r in d["resources"]] + [s["path"] for s in d.get("sources", [])]


def as_cell(value: Any, type_name: str) -> str:
    """A value a reader gave, as the CSV cell it must equal: each type only
    from the values that may stand for it (a text is never a number, a whole
    number never a float, a date a timestamp at midnight at most)."""
    import pandas as pd

    if value is None or (not isinstance(value, (str, bytes, list)) and pd.isna(value)):
        return ""
    if type_name == "string":
        assert isinstance(value, (str, bytes)), (value, type_name)
        return value.decode("utf-8") if isinstance(value, bytes) else value
    if type_name in ("integer", "year"):
        assert not isinstance(value, bool) and float(value).is_integer(), (value, type_name)
        assert "int" in type(value).__name__.lower(), (value, type(value))
        return str(int(value))
    if type_name == "number":
        assert not isinstance(value, (bool, str, bytes)), (value, type_name)
        return csv_cell(float(value))
    if type_name == "boolean":
        assert isinstance(value, bool), (value, type_name)
        return csv_cell(value)
    if type_name == "date":
        if isinstance(value, dt.datetime):
            assert value.tzinfo is None and value.time() == dt.time(0), value
            value = value.date()
        assert isinstance(value, dt.date), (value, type_name)
        return value.isoformat()
    raise AssertionError(f"no rule for {type_name}")


def assert_rows_equal(resource: dict[str, Any], got: list[dict[str, Any]], folder: Path) -> None:
    """The rows a reader gave equal the table's CSV rows: as many, in order, each value typed."""
    types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
    expected = csv_rows(folder, resource)
    assert len(got) == len(expected), (resource["name"], len(got), len(expected))
    for number, (row, want) in enumerate(zip(got, expected, strict=True)):
        assert set(row) == set(types), (resource["name"], sorted(set(row) ^ set(types)))
        cells = {name: as_cell(value, types[name]) for name, value in row.items()}
        assert cells == want, (resource["name"], number)


def test_the_comparison_is_not_loose():
    """A text read as a number, a float for a whole number and a timestamp with a time all fail."""
    wrong = ((466, "string"), (4.0, "integer"), (dt.datetime(2023, 6, 30, 12), "date"), ("1", "number"))
    for value, type_name in wrong:
        with pytest.raises(AssertionError):
            as_cell(value, type_name)
    assert as_cell(b"MLI", "string") == "MLI" and as_cell(None, "integer") == ""
    assert as_cell(dt.datetime(2023, 6, 30), "date") == as_cell(dt.date(2023, 6, 30), "date") == "2023-06-30"


# -- croissant.json ---------------------------------------------------------------------------


def read_croissant(folder: Path = ROOT) -> dict[str, Any]:
    return json.loads((folder / croissant.TARGET).read_text(encoding="utf-8"))


def test_every_table_schema_type_has_a_croissant_data_type():
    assert set(CROISSANT) == set(TYPES)
    assert all(v.startswith("sc:") for v in CROISSANT.values())


def test_croissant_json_is_what_the_descriptor_and_citation_give():
    assert (ROOT / croissant.TARGET).read_bytes() == croissant.render(ROOT), "run python scripts/render_docs.py"


def test_croissant_names_every_published_file_with_its_format_and_sha256():
    import hashlib

    doc = read_croissant()
    files = {f["contentUrl"]: f for f in doc["distribution"]}
    assert list(files) == published_paths()
    d = descriptor()
    for resource in d["resources"]:
        entry = files[resource["path"]]
        assert entry["@type"] == "cr:FileObject"
        assert entry["contentSize"] == f"{(ROOT / resource['path']).stat().st_size} B"
        assert entry["sha256"] == hashlib.sha256((ROOT / resource["path"]).read_bytes()).hexdigest()
        if resource["format"] == "csv":
            assert "sha256:" + entry["sha256"] == resource["hash"] and entry["encodingFormat"] == "text/csv"
        else:
            assert entry["encodingFormat"] == croissant.ENCODING["parquet"]


def test_croissant_has_a_record_set_per_table_and_a_field_per_column():
    doc = read_croissant()
    sets = {rs["@id"]: rs for rs in doc["recordSet"]}
    assert list(sets) == [r["name"] for r in tables()]
    names = [r["name"] for r in tables()]
    for index, resource in enumerate(tables()):
        rs = sets[resource["name"]]
        assert rs["description"] == resource["description"]
        assert [k["@id"] for k in rs["key"]] == [f"{resource['name']}/{k}" for k in resource["schema"]["primaryKey"]]
        fields = rs["field"]
        assert [f["name"] for f in fields] == [f["name"] for f in resource["schema"]["fields"]]
        parquet = resource["path"].removesuffix(".csv") + ".parquet"
        for field, column in zip(fields, resource["schema"]["fields"], strict=True):
            assert field["dataType"] == CROISSANT[column["type"]]
            assert field["description"] == column["description"]
            assert field["source"] == {"fileObject": {"@id": parquet}, "extract": {"column": column["name"]}}
        given = {f["name"]: f["references"]["field"]["@id"] for f in fields if "references" in f}
        earlier = {
            cols[0]: f"{target}/{refs[0]}"
            for cols, target, refs in foreign_keys(resource["schema"], resource["name"])
            if target in names[:index]
        }
        assert given == earlier, resource["name"]
    assert any("references" in f for rs in doc["recordSet"] for f in rs["field"])


def test_croissant_carries_the_dataset_facts_and_no_made_up_address():
    doc, d = read_croissant(), descriptor()
    cff = yaml.safe_load((ROOT / CITATION).read_text(encoding="utf-8"))
    assert doc["conformsTo"] == croissant.CONFORMS_TO
    assert (doc["name"], doc["description"], doc["version"]) == (d["name"], d["description"], d["version"])
    assert doc["license"] == [x["path"] for x in d["licenses"]]
    assert doc["keywords"] == d["keywords"]
    assert [c["name"] for c in doc["creator"]] == [a["name"] for a in cff["authors"]]
    assert cff["title"] in doc["citeAs"] and f"version = {{{cff['version']}}}" in doc["citeAs"]
    assert doc["citeAs"].startswith("@misc{")
    for key in ("url", "sameAs", "datePublished"):  # package.toml leaves them empty until they are known
        assert key not in doc
    assert "http" not in json.dumps(doc["distribution"])


def test_a_known_address_and_date_reach_croissant_and_the_page(copy):
    d = descriptor(copy)
    d.update(id="https://doi.org/10.5281/zenodo.1", homepage="https://example.org/x", created="2026-12-01T00:00:00Z")
    (copy / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    doc = croissant.croissant(read_about(copy))
    assert (doc["url"], doc["sameAs"], doc["datePublished"]) == (d["homepage"], d["id"], d["created"])
    page = schema_org.dataset(read_about(copy))
    assert (page["url"], page["identifier"], page["datePublished"]) == (d["homepage"], d["id"], d["created"])


def test_render_docs_finds_croissant_json_stale_and_rewrites_it(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("datapackage.json", "croissant.json", "README.md", CITATION, "docs", "data"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, tree / name)
    assert docs.main(["--check", "--root", str(tree)]) == 0
    text = (tree / croissant.TARGET).read_text(encoding="utf-8")
    (tree / croissant.TARGET).write_text(text.replace('"version": "', '"version": "9', 1), encoding="utf-8")
    assert docs.main(["--check", "--root", str(tree)]) == 1
    assert docs.main(["--root", str(tree)]) == 0
    assert (tree / croissant.TARGET).read_text(encoding="utf-8") == text
    cff = (tree / CITATION).read_text(encoding="utf-8")
    (tree / CITATION).write_text(cff.replace('title: "', 'title: "Renamed ', 1), encoding="utf-8")
    assert croissant.stale(tree), "CITATION.cff is an input of croissant.json"
    assert croissant.main(["--check", "--root", str(tree)]) == 1


def test_croissant_json_is_written_all_at_once(tmp_path, monkeypatch):
    written = []
    monkeypatch.setattr(croissant, "write_atomic", lambda target, data: written.append((target, data)))
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("datapackage.json", CITATION, "data"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, tree / name)
    assert croissant.write(tree)
    assert written == [(tree / croissant.TARGET, croissant.render(tree))]


def test_the_zip_holds_croissant_json_for_its_own_files(release_folder):
    assert "croissant.json" in release.zip_members(ROOT)
    assert (release_folder / croissant.TARGET).read_bytes() == (ROOT / croissant.TARGET).read_bytes()


@pytest.fixture(scope="module")
def mlc():
    return need("mlcroissant")


def test_the_documented_mlcroissant_install_is_what_the_tests_read_with():
    """The zip README and docs/discovery.md tell a reader to install
    `mlcroissant[parquet]`: the test extra installs exactly that, so the reads
    below run with what a reader installs (plain mlcroissant has no Parquet reader)."""
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    (tested,) = [r for r in extra["test"] if r.startswith("mlcroissant")]
    for text in (zip_readme.readme(ROOT), (ROOT / "docs" / "discovery.md").read_text(encoding="utf-8")):
        (documented,) = set(re.findall(r'pip install "(mlcroissant[^"]*)"', text))
        assert tested.startswith(documented + ">="), (tested, documented)


@pytest.mark.slow
@pytest.mark.parametrize("where", ["repository", "release"])
def test_mlcroissant_validates_and_reads_every_table_as_its_csv_rows(mlc, where, request):
    folder = ROOT if where == "repository" else request.getfixturevalue("release_folder")
    dataset = mlc.Dataset(jsonld=str(folder / croissant.TARGET))
    issues = dataset.metadata.ctx.issues
    assert not issues.errors
    # The one warning: no release date yet (package.toml's `created` is empty until a release).
    assert all("datePublished" in w for w in issues.warnings), issues.warnings
    for resource in tables(folder):
        prefix = resource["name"] + "/"
        records = [{k.removeprefix(prefix): v for k, v in r.items()} for r in dataset.records(resource["name"])]
        assert_rows_equal(resource, records, folder)


@pytest.mark.slow
def test_mlcroissant_refuses_a_file_whose_sha256_differs(mlc, copy):
    shutil.copy2(ROOT / CITATION, copy / CITATION)
    croissant.write(copy)
    with open(copy / "data" / "places.parquet", "ab") as handle:
        handle.write(b"\0")
    dataset = mlc.Dataset(jsonld=str(copy / croissant.TARGET))
    with pytest.raises(Exception) as refused:
        list(dataset.records("places"))
    assert "Hash of downloaded file" in str(refused.value.__cause__ or refused.value)


# -- the release zip's dataset card --------------------------------------------------------------


def front_matter(text: str) -> dict[str, Any]:
    match = re.match(r"---\n(.*?\n)---\n", text, re.S)
    assert match, "no front matter"
    return yaml.safe_load(match.group(1))


def test_the_repository_readme_has_no_front_matter():
    assert not (ROOT / "README.md").read_text(encoding="utf-8").startswith("---")


def test_the_zip_readme_opens_with_a_dataset_card_from_the_descriptor(release_folder):
    text = (release_folder / "README.md").read_text(encoding="utf-8")
    card = front_matter(text)
    d = descriptor()
    assert text.split("---\n", 2)[2].startswith("# ")  # the README follows the card
    assert card["license"] == d["licenses"][0]["name"].lower() == "cc-by-4.0"
    assert card["pretty_name"] == d["title"]
    assert card["language"] == ["en"]
    rows = sum(len(csv_rows(ROOT, r)) for r in tables())
    assert rows < 1000 and card["size_categories"] == ["n<1K"]
    assert card["tags"] == d["keywords"]
    configs = [(c["config_name"], c["data_files"]) for c in card["configs"]]
    assert configs == [(r["name"], r["path"].removesuffix(".csv") + ".parquet") for r in tables()]
    for _, path in configs:
        assert (release_folder / path).is_file()
    # The default is events, the table the README starts with and the workbook opens on.
    assert [c["config_name"] for c in card["configs"] if c.get("default")] == ["events"]


def test_a_licence_without_a_hub_id_is_other_with_a_link_to_its_text(copy):
    d = descriptor(copy)
    d["licenses"] = [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}, {"name": "X"}]
    (copy / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    given = dataset_card.licence(read_about(copy))
    assert given == {"license": "other", "license_name": "CC-BY-4.0 AND X", "license_link": "LICENSE-DATA"}
    assert given["license_link"] in release.ZIP_DOCUMENTS
    assert [dataset_card.size_category(n) for n in (999, 1000, 10**6)] == ["n<1K", "1K<n<10K", "n>1M"]


@pytest.fixture(scope="module")
def hf_datasets(tmp_path_factory):
    """`datasets`, imported with the Hub out of reach and a cache of its own."""
    home = tmp_path_factory.mktemp("hf-home")
    saved = {k: os.environ.get(k) for k in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE", "HF_HOME")}
    os.environ.update(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(home))
    try:
        yield need("datasets")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.mark.slow
def test_datasets_loads_every_table_of_the_unzipped_release_offline(hf_datasets, release_folder):
    for resource in tables(release_folder):
        loaded = hf_datasets.load_dataset(str(release_folder), resource["name"])
        assert list(loaded) == ["train"]
        assert_rows_equal(resource, list(loaded["train"]), release_folder)
    events = next(r for r in tables(release_folder) if r["name"] == "events")
    assert_rows_equal(events, list(hf_datasets.load_dataset(str(release_folder))["train"]), release_folder)


# -- the explorer page's schema.org markup ----------------------------------------------------------

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def page_markup(site: Path) -> dict[str, Any]:
    (found,) = SCRIPT.findall((site / "index.html").read_text(encoding="utf-8"))
    return json.loads(found)


def test_the_page_describes_the_dataset_in_schema_org(built_site):
    doc, d = page_markup(built_site), descriptor()
    cff = yaml.safe_load((ROOT / CITATION).read_text(encoding="utf-8"))
    assert (doc["@context"], doc["@type"]) == ("https://schema.org/", "Dataset")
    assert (doc["name"], doc["description"], doc["version"]) == (d["title"], d["description"], d["version"])
    assert 50 <= len(doc["description"]) <= 5000  # Google's bounds for a Dataset's description
    assert doc["license"] == [x["path"] for x in d["licenses"]]
    assert [c["name"] for c in doc["creator"]] == [a["name"] for a in cff["authors"]]
    assert cff["title"] in doc["citation"] and f"(Version {cff['version']})" in doc["citation"]
    assert doc["keywords"] == d["keywords"]
    dated = [row for r in tables() if r["name"] in ("events", "statements") for row in csv_rows(ROOT, r)]
    first = min(row["date_start"] for row in dated if row["date_start"])
    last = max(row["date_end"] for row in dated if row["date_end"])
    assert doc["temporalCoverage"] == f"{first}/{last}"
    places = [row["name"] for r in tables() if r["name"] == "places" for row in csv_rows(ROOT, r)]
    assert [p["name"] for p in doc["spatialCoverage"]] == places
    columns = [f"{r['name']}.{f['name']}" for r in tables() for f in r["schema"]["fields"]]
    assert [v["name"] for v in doc["variableMeasured"]] == columns
    for key in ("url", "identifier", "datePublished"):
        assert key not in doc


def test_the_page_offers_every_file_it_links_as_a_data_download(built_site):
    """The markup names each file the Downloads section offers (the descriptor,
    every table, the source text, the release zip and workbook), no other."""
    doc = page_markup(built_site)
    downloads = {x["contentUrl"]: x for x in doc["distribution"]}
    html = (built_site / "index.html").read_text(encoding="utf-8")
    linked = re.findall(r'<a class="download" href="([^"]+)" download>', html)
    assert sorted(downloads) == sorted(set(linked))
    assert {"datapackage.json", *published_paths()} < set(downloads)
    assert {Path(u).suffix for u in downloads} >= {".zip", ".xlsx"}
    media = {r["path"]: r["mediatype"] for r in descriptor()["resources"]}
    media |= {"datapackage.json": "application/json"}
    suffix = {".zip": "application/zip", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    for url, entry in downloads.items():
        assert entry["@type"] == "DataDownload" and not re.match(r"[a-z]+:", url)
        assert (built_site / url).is_file(), f"{url} is not beside the page"
        expected = media.get(url) or suffix.get(Path(url).suffix, "text/plain; charset=utf-8")
        assert entry["encodingFormat"] == expected, url


def test_the_source_text_says_the_licence_does_not_cover_it(built_site):
    """The article is third-party text: its FileObject and its DataDownload
    carry the sources table's rights, which say the licence does not cover it."""
    sources = next(r for r in tables() if r["name"] == "sources")
    rights = {row["path"]: row["rights"] for row in csv_rows(ROOT, sources)}
    assert rights and all("not covered by this package's licence" in text for text in rights.values())
    described = json.loads((ROOT / croissant.TARGET).read_text(encoding="utf-8"))
    objects = {f["contentUrl"]: f for f in described["distribution"]}
    downloads = {x["contentUrl"]: x for x in page_markup(built_site)["distribution"]}
    for path, text in rights.items():
        assert objects[path]["description"].endswith(text)
        assert downloads[path]["description"] == text
    assert not [x for url, x in downloads.items() if url not in rights and "description" in x]


def test_no_value_can_close_the_markup_script(copy):
    shutil.copy2(ROOT / CITATION, copy / CITATION)
    d = descriptor(copy)
    d["description"] = 'Ends here </script><script>alert("x")</script> & <!-- more'
    (copy / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")
    tag = schema_org.script_tag(read_about(copy))
    inner = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not set("<>&") & set(inner)
    assert json.loads(inner)["description"] == d["description"]


def test_the_zip_readme_template_names_croissant_json():
    assert "`croissant.json`" in zip_readme.readme(ROOT) or "(croissant.json)" in zip_readme.readme(ROOT)


def test_every_test_the_discovery_page_names_exists():
    import importlib

    named = re.findall(r"tests/(test_\w+)\.py::(\w+)", (ROOT / "docs" / "discovery.md").read_text(encoding="utf-8"))
    assert len(named) > 10
    for module, test in named:
        assert hasattr(importlib.import_module(module), test), f"{module}::{test}"
