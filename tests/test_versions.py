"""One version everywhere: package.toml sets it, the build copies it into
datapackage.json, pyproject.toml reads it from there, and CITATION.cff and the
changelog must say the same, or a citation would point at the wrong data."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def curated_version() -> str:
    return tomllib.loads((ROOT / "data" / "curated" / "package.toml").read_text(encoding="utf-8"))["package"]["version"]


def descriptor_version() -> str:
    return json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]


def citation_field(name: str) -> str | None:
    """A top-level scalar of CITATION.cff (read without a YAML library)."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    match = re.search(rf"^{name}:\s*['\"]?([^'\"\n#]+?)['\"]?\s*$", text, re.M)
    return match.group(1) if match else None


def changelog_releases() -> list[tuple[str, str]]:
    """(version, date or 'Unreleased') of every release heading, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[(\d+\.\d+\.\d+[^\]]*)\](?: - (\S+))?", text, re.M)


def test_version_is_semantic():
    assert re.fullmatch(r"\d+\.\d+\.\d+", curated_version()), curated_version()


def test_descriptor_carries_the_curated_version():
    assert descriptor_version() == curated_version(), "run `python scripts/build.py` to copy the version across"


def test_pyproject_reads_the_version_from_the_descriptor():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"].get("dynamic", [])
    hatch = pyproject["tool"]["hatch"]["version"]
    assert hatch["path"] == "datapackage.json"
    match = re.search(hatch["pattern"], (ROOT / hatch["path"]).read_text(encoding="utf-8"))
    assert match and match.group("version") == curated_version()


def test_citation_carries_the_version():
    assert citation_field("cff-version") == "1.2.0"
    assert citation_field("version") == curated_version(), "update `version:` in CITATION.cff"


def test_citation_carries_the_descriptors_keywords():
    """One list of keywords (package.toml's), so that CITATION.cff, the
    descriptor, croissant.json, the page and the dataset card agree."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["keywords"] == descriptor["keywords"], "copy package.toml's keywords into CITATION.cff"


def test_changelog_describes_the_version():
    releases = changelog_releases()
    assert releases, "CHANGELOG.md has no '## [x.y.z] - date' heading"
    newest, date = releases[0]
    assert newest == curated_version(), "add a CHANGELOG.md entry for the new version"
    released = citation_field("date-released")
    if released and date != "Unreleased":
        assert released == date, "CITATION.cff's date-released and the changelog's date differ"
