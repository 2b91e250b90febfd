"""The release builder's refusal codes: one catalogue (RELEASE_CODES), every
code raised somewhere and listed in docs/releasing.md, none raised that the
catalogue lacks; and a case for each refusal of the version, changelog and
citation steps, which runs in process. The refusals of a whole release (a
commit that does not build, a stale commit, a tag, the output) are driven
through the command in tests/test_release.py.
"""

from __future__ import annotations

import ast
import subprocess

import pytest
from conftest import ROOT, need_program

from minusma_build import versioning, zip_readme
from minusma_build.release_errors import RELEASE_CODES, ReleaseError, refused_diff
from minusma_data.buildkit import DiffError

RAISING = ["release.py", "versioning.py", "zip_readme.py"]


def raised_codes() -> dict[str, str]:
    """Each code literal passed to ReleaseError in the release builder's modules, with its file."""
    found = {}
    for name in RAISING:
        tree = ast.parse((ROOT / "src" / "minusma_build" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ReleaseError":
                assert len(node.args) == 2, f"{name}:{node.lineno}: ReleaseError without a code"
                code = node.args[1]
                assert isinstance(code, ast.Constant), f"{name}:{node.lineno}: the code is not a literal"
                found[code.value] = name
    return found


def test_every_code_raised_is_catalogued_and_every_catalogued_code_raised():
    raised = raised_codes()
    assert set(raised) == set(RELEASE_CODES), set(raised) ^ set(RELEASE_CODES)


def test_docs_list_exactly_the_catalogue():
    text = (ROOT / "docs" / "releasing.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- BEGIN release-refusals") : text.index("<!-- END release-refusals")]
    listed = [line.split("`")[1] for line in block.splitlines() if line.startswith("| `")]
    assert listed == list(RELEASE_CODES)


def test_a_code_outside_the_catalogue_cannot_be_raised():
    with pytest.raises(ValueError):
        ReleaseError("x", "release-refused")


def test_a_refused_diff_keeps_its_code_and_names_its_side():
    refused = refused_diff(DiffError("data/events.csv: its header is not its schema's", "header-mismatch", "new"))
    assert refused.code == "header-mismatch" and str(refused).startswith("new: data/events.csv")


def refusal(call, *args):
    with pytest.raises(ReleaseError) as caught:
        call(*args)
    return caught.value.code


def test_the_version_refusals(tmp_path):
    assert refusal(versioning.parse_version, "0.1.0; touch X", "package.toml") == "version-malformed"
    assert refusal(versioning.parse_version, 1, "package.toml") == "version-malformed"
    assert refusal(versioning.bump_between, "0.2.0", "0.1.9") == "version-lowered"
    assert versioning.bump_between("0.1.9", "0.2.0") == "minor"  # the same call, going up, is no refusal
    assert refusal(versioning.curated_version, tmp_path) == "version-unreadable"


def test_the_changelog_and_citation_refusals(tmp_path):
    assert refusal(
        versioning.date_changelog, "# Changelog\n\n## [0.0.9] - 2026-01-01\n", "0.1.0", "2026-12-05", None
    ) == ("changelog-heading-missing")
    assert "## [0.1.0] - 2026-12-05" in versioning.date_changelog("## [Unreleased]\n", "0.1.0", "2026-12-05", None)
    assert refusal(versioning.release_notes, "## [0.0.9] - 2026-01-01\n", "0.1.0") == "changelog-section-missing"
    assert refusal(versioning.date_citation, "cff-version: 1.2.0\ntitle: x\n", "0.1.0", "2026-12-05") == (
        "citation-version-missing"
    )
    assert refusal(versioning.prepare, ROOT, "5 December 2026", None) == "date-malformed"
    spec = tmp_path / "data" / "curated" / "package.toml"
    spec.parent.mkdir(parents=True)
    spec.write_text('[package]\nversion = "0.1.0"\n', encoding="utf-8")
    assert refusal(versioning.set_created, tmp_path, "2026-12-05T00:00:00Z") == "created-line-missing"


def test_a_tree_without_the_readme_template_is_refused(tmp_path):
    assert refusal(zip_readme.readme, tmp_path) == "readme-template-unusable"


def test_a_commit_holding_a_link_out_of_the_tree_is_refused(tmp_path):
    git = need_program("git", "apt-get install git")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "out").symlink_to("../../outside")
    for args in (["init", "-q"], ["add", "out"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        subprocess.run([git, "-C", str(repo), *args], check=True, capture_output=True)
    assert refusal(versioning.extract_commit, repo, "HEAD", tmp_path / "tree") == "commit-path-outside"
    assert not (tmp_path / "outside").exists()
    assert refusal(versioning.extract_commit, tmp_path / "tree", "HEAD", tmp_path / "again") == "not-a-checkout"
