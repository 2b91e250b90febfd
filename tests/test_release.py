"""The release: the data zip, SHA256SUMS, the version-bump check, the
release-preparation edits, and (slow) `python -m minusma_build.release`
building byte-identical files twice from the same commit and checking them.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import copy_repo, missing, need_program

from minusma_build import croissant, release, versioning, zip_readme
from minusma_build.errors import BuildError
from minusma_build.pipeline import produce
from minusma_build.release_errors import ReleaseError

ROOT = Path(__file__).resolve().parent.parent
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
RETITLED = "95f4a63f28a286b75117473d0a0e9c78aa60fcc6"


def in_git_checkout() -> bool:
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--git-dir"], capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def git_history() -> None:
    """The repository's git history: skipped without it (an unpacked sdist), failed under CI."""
    if not in_git_checkout():
        missing("the repository's git history is not here (not a git checkout)")


needs_git = pytest.mark.usefixtures("git_history")


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONDONTWRITEBYTECODE": "1"}


def run_release(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minusma_build.release", *map(str, args)],
        env=env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def release_tree(dest: Path) -> Path:
    """The files the zip is made from, as a fresh checkout has them."""
    copy_repo(dest)
    for name in (*release.ZIP_DOCUMENTS, zip_readme.TEMPLATE):
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, dest / name)
    return dest


# -- the data zip ---------------------------------------------------------------------


def test_the_zip_holds_the_package_at_its_root_sorted_with_fixed_times_and_modes(tmp_path):
    tree = release_tree(tmp_path / "tree")
    out = tmp_path / "a.zip"
    release.write_zip(tree, out, EPOCH)
    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        descriptor = json.loads(zf.read("datapackage.json"))
        for resource in descriptor["resources"]:
            assert zf.read(resource["path"]) == (tree / resource["path"]).read_bytes()
        for source in descriptor["sources"]:
            assert source["path"] in names
        assert {*release.ZIP_DOCUMENTS, *release.ZIP_GENERATED} <= set(names)
        assert zf.read("README.md") == zip_readme.readme_bytes(tree)
        assert not [n for n in names if n.startswith("data/curated")]
        for info in infos:
            assert info.date_time == (2023, 11, 14, 22, 13, 20)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644


def test_the_zip_depends_only_on_content_and_epoch(tmp_path):
    tree = release_tree(tmp_path / "tree")
    release.write_zip(tree, tmp_path / "a.zip", EPOCH)
    for path in tree.rglob("*"):  # new mtimes and modes must not matter
        os.utime(path, (EPOCH + 999, EPOCH + 999))
        if path.is_file():
            path.chmod(0o600)
    release.write_zip(tree, tmp_path / "b.zip", EPOCH)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    release.write_zip(tree, tmp_path / "c.zip", EPOCH + 2)
    assert (tmp_path / "a.zip").read_bytes() != (tmp_path / "c.zip").read_bytes()


def test_a_file_the_descriptor_lists_outside_the_tree_stops_the_zip(tmp_path):
    tree = release_tree(tmp_path / "tree")
    descriptor = json.loads((tree / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../secret.csv"
    (tree / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (tmp_path / "secret.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(ReleaseError):
        release.write_zip(tree, tmp_path / "a.zip", EPOCH)
    assert not (tmp_path / "a.zip").exists()


def test_sha256sums_is_in_sha256sum_check_format(tmp_path):
    files = []
    for name, data in (("b.zip", b"bee"), ("a.whl", b"ay")):
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    text = release.sha256sums(files)
    assert text == (f"{hashlib.sha256(b'ay').hexdigest()}  a.whl\n{hashlib.sha256(b'bee').hexdigest()}  b.zip\n")
    (tmp_path / "SHA256SUMS").write_text(text, encoding="utf-8")
    sha256sum = need_program("sha256sum", "GNU coreutils")
    done = subprocess.run([sha256sum, "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, check=False)
    assert done.returncode == 0
    (tmp_path / "a.whl").write_bytes(b"changed")
    done = subprocess.run([sha256sum, "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, check=False)
    assert done.returncode != 0


def test_verify_catches_a_file_that_no_longer_matches_its_sum(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"one")
    (tmp_path / "SHA256SUMS").write_text(release.sha256sums([tmp_path / "x.zip"]), encoding="utf-8")
    (tmp_path / "x.zip").write_bytes(b"two")
    with pytest.raises(ReleaseError, match="SHA256SUMS"):
        release.verify(tmp_path, [], install=False)


def test_outside_a_git_checkout_the_release_stops_with_one_line(tmp_path):
    done = run_release("--root", release_tree(tmp_path / "tree"), "--output", tmp_path / "dist", "--no-verify")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.rstrip().endswith("[not-a-checkout]")
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def test_a_commit_dated_after_2107_stops_the_release_with_one_line(tmp_path, capsys):
    """A zip records years up to 2107; a later commit date is refused with a code, not a traceback."""
    git = need_program("git", "apt-get install git")
    when = "@4354819200 +0000"  # 2108-01-01
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for role in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{role}_NAME": "a", f"GIT_{role}_EMAIL": "a@example.org"}
    subprocess.run([git, "init", "-q", str(tmp_path)], check=True, env=env)
    subprocess.run([git, "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "x"], check=True, env=env)
    capsys.readouterr()
    assert release.main(["--root", str(tmp_path), "--zip-only", "--output", str(tmp_path / "dist")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.rstrip().endswith("[commit-date-out-of-range]"), err
    with pytest.raises(ReleaseError) as refused:
        release.write_zip(ROOT, tmp_path / "x.zip", 4_354_819_200)  # 2108-01-01
    assert refused.value.code == "commit-date-out-of-range"
    assert not (tmp_path / "x.zip").exists()


def test_output_below_a_file_stops_the_release_with_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    capsys.readouterr()
    assert release.main(["--zip-only", "--output", str(tmp_path / "file" / "dist")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("release: note:")]
    assert len(err) == 1 and err[0].endswith("[output-unusable]"), err


def test_the_artifacts_list_names_the_release_files():
    names = [a.name("1.2.3") for a in release.ARTIFACTS]
    assert names == [
        "minusma_data-1.2.3-py3-none-any.whl",
        "minusma_data-1.2.3.tar.gz",
        "minusma-data-1.2.3.zip",
        "minusma-data-1.2.3.xlsx",
    ]


# -- identifiers in the descriptor -----------------------------------------------------


def set_package_key(root: Path, key: str, value: str) -> None:
    path = root / "data" / "curated" / "package.toml"
    text = path.read_text(encoding="utf-8")
    assert f'{key} = ""' in text
    path.write_text(text.replace(f'{key} = ""', f'{key} = "{value}"', 1), encoding="utf-8")


def test_unknown_identifiers_stay_out_of_the_descriptor(scratch_repo):
    descriptor = json.loads(produce(scratch_repo).outputs["datapackage.json"])
    assert not {"id", "homepage", "created"} & set(descriptor)


def test_known_identifiers_are_written_into_the_descriptor(scratch_repo):
    set_package_key(scratch_repo, "homepage", "https://example.org/minusma-data")
    set_package_key(scratch_repo, "created", "2026-12-01T00:00:00Z")
    descriptor = json.loads(produce(scratch_repo).outputs["datapackage.json"])
    assert descriptor["homepage"] == "https://example.org/minusma-data"
    assert descriptor["created"] == "2026-12-01T00:00:00Z"
    assert "id" not in descriptor


@pytest.mark.parametrize("key, value", [("homepage", "not a url"), ("created", "2026-12-01")])
def test_a_malformed_identifier_stops_the_build(scratch_repo, key, value):
    set_package_key(scratch_repo, key, value)
    with pytest.raises(BuildError) as caught:
        produce(scratch_repo)
    assert [(p.code, p.entry, p.field) for p in caught.value.problems] == [
        ("package-identifier-malformed", "[package]", key)
    ]


# -- version bumps -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new, bump",
    [
        ("0.1.0", "0.1.0", "none"),
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.9", "0.2.0", "minor"),
        ("0.9.9", "1.0.0", "major"),
        ("1.2.3", "1.3.0", "minor"),
    ],
)
def test_bump_between(old, new, bump):
    assert versioning.bump_between(old, new) == bump


@pytest.mark.parametrize("old, new", [("0.2.0", "0.1.9"), ("0.1", "0.1.1"), ("0.1.0", "v0.2.0")])
def test_bump_between_refuses_a_lower_or_malformed_version(old, new):
    with pytest.raises(ReleaseError):
        versioning.bump_between(old, new)


@pytest.mark.parametrize(
    "version, bump, expected",
    [("0.1.0", "patch", "0.1.1"), ("0.1.3", "minor", "0.2.0"), ("0.4.2", "major", "1.0.0"), ("0.1.0", "none", "0.1.0")],
)
def test_next_version(version, bump, expected):
    assert versioning.next_version(version, bump) == expected


def add_an_event(root: Path) -> None:
    """Append a copy of an event under a new id to the curated facts."""
    path = root / "data" / "curated" / "events.toml"
    text = path.read_text(encoding="utf-8")
    block = text[text.index("[[event]]") :]
    block = block[: block.index("[[event]]", 1)] if "[[event]]" in block[1:] else block
    first_id = block.split('event_id = "', 1)[1].split('"', 1)[0]
    path.write_text(
        text.rstrip("\n") + "\n\n" + block.replace(f'"{first_id}"', '"zz-added-event"', 1), encoding="utf-8"
    )


def set_version(root: Path, version: str) -> None:
    path = root / "data" / "curated" / "package.toml"
    text = path.read_text(encoding="utf-8")
    old = versioning.curated_version(root)
    path.write_text(text.replace(f'version = "{old}"', f'version = "{version}"', 1), encoding="utf-8")


def rebuild(root: Path) -> None:
    from minusma_build.cli import main as build

    assert build(["--root", str(root), "--quiet"]) == 0


@pytest.mark.parametrize("version, ok", [("0.1.0", False), ("0.1.1", False), ("0.2.0", True), ("1.0.0", True)])
def test_check_bump_wants_a_minor_bump_for_an_added_row(tmp_path, version, ok):
    head = copy_repo(tmp_path / "head")
    add_an_event(head)
    set_version(head, version)
    rebuild(head)
    passed, report = versioning.check_bump(ROOT, head)
    assert passed is ok
    assert "zz-added-event" in report and "the changes call for minor" in report
    done = run_release("--root", head, "--check-bump", ROOT)
    assert done.returncode == (0 if ok else 1), done.stderr
    assert done.stdout == report


def test_check_bump_refuses_a_stale_descriptor(tmp_path):
    head = copy_repo(tmp_path / "head")
    set_version(head, "0.2.0")  # package.toml changed, datapackage.json not rebuilt
    with pytest.raises(ReleaseError, match=r"package\.toml says 0\.2\.0"):
        versioning.check_bump(ROOT, head)
    done = run_release("--root", head, "--check-bump", ROOT)
    assert done.returncode == 2 and done.stderr.count("\n") == 1


# -- preparing a release -------------------------------------------------------------------

CHANGELOG = """# Changelog

## [0.2.0] - Unreleased

### Added

- Something.

## [0.1.0] - 2026-11-01

The first release.
"""


def test_date_changelog_dates_the_heading_and_writes_the_section_once():
    section = f"{versioning.DATA_START}\n\n- events: 1 row(s) added\n\n{versioning.DATA_END}"
    once = versioning.date_changelog(CHANGELOG, "0.2.0", "2026-12-01", section)
    assert "## [0.2.0] - 2026-12-01\n" in once and "Unreleased" not in once
    assert once.index("- Something.") < once.index("- events: 1 row(s) added") < once.index("## [0.1.0]")
    twice = versioning.date_changelog(once, "0.2.0", "2026-12-02", section.replace("1 row", "2 rows"))
    assert twice.count(versioning.DATA_START) == 1 and "2 rows" in twice and "1 row(s)" not in twice
    assert "## [0.1.0] - 2026-11-01" in twice


def test_date_changelog_needs_a_heading_for_the_version():
    with pytest.raises(ReleaseError):
        versioning.date_changelog("# Changelog\n\n## [0.1.0] - 2026-11-01\n", "0.2.0", "2026-12-01", None)


def test_date_citation_sets_version_and_date_released():
    text = "cff-version: 1.2.0\ntitle: x\nversion: 0.1.0\nauthors: []\n"
    dated = versioning.date_citation(text, "0.2.0", "2026-12-01")
    assert 'version: 0.2.0\ndate-released: "2026-12-01"\n' in dated
    again = versioning.date_citation(dated, "0.2.1", "2026-12-05")
    assert again.count("date-released") == 1 and 'date-released: "2026-12-05"' in again


def test_release_notes_are_the_versions_section():
    assert versioning.release_notes(CHANGELOG, "0.2.0") == "### Added\n\n- Something.\n"
    assert versioning.release_notes(CHANGELOG, "0.1.0") == "The first release.\n"
    with pytest.raises(ReleaseError):
        versioning.release_notes(CHANGELOG, "0.3.0")


@pytest.mark.slow
@needs_git
def test_prepare_dates_the_release_and_writes_the_data_section_from_the_previous_one(tmp_path):
    from test_diff import materialise

    previous = materialise(RETITLED, tmp_path / "previous")
    head = copy_repo(tmp_path / "head")
    for name in ("CHANGELOG.md", "CITATION.cff", croissant.TARGET):
        shutil.copy2(ROOT / name, head / name)
    version = versioning.curated_version(head)
    done = run_release("--root", head, "--prepare", "--date", "2026-12-01", "--previous", previous)
    assert done.returncode == 0, done.stderr
    changelog = (head / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{version}] - 2026-12-01" in changelog
    section = changelog[changelog.index(versioning.DATA_START) : changelog.index(versioning.DATA_END)]
    added = re.search(r"^- events: (\d+) row\(s\) added \((.*)\)$", section, re.M)
    assert added and "`peace-agreement-implementation-difficulties`" in added.group(2)
    assert "- events.event_type: category added: `implementation_difficulty` (minor)" in section
    citation = (head / "CITATION.cff").read_text(encoding="utf-8")
    assert f"\nversion: {version}\n" in citation and '\ndate-released: "2026-12-01"\n' in citation
    descriptor = json.loads((head / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == "2026-12-01T00:00:00Z"
    assert produce(head).outputs["datapackage.json"] == (head / "datapackage.json").read_bytes()
    # croissant.json, which says the release's date and citation, follows them.
    described = json.loads((head / croissant.TARGET).read_text(encoding="utf-8"))
    assert described["datePublished"] == "2026-12-01T00:00:00Z" and described["version"] == version
    assert not croissant.stale(head)


# -- the whole release (slow) ------------------------------------------------------------


@pytest.mark.slow
@needs_git
def test_release_twice_from_the_same_commit_gives_identical_files_that_verify(tmp_path):
    # The two releases run at the same time, each in a process of its own.
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "minusma_build.release", "--output", str(tmp_path / name), "--no-verify"],
            env=env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    for done in runs:
        _, err = done.communicate(timeout=900)
        assert done.returncode == 0, err
    version = json.loads(
        subprocess.run(
            ["git", "-C", str(ROOT), "show", "HEAD:datapackage.json"], capture_output=True, check=True
        ).stdout
    )["version"]
    expected = sorted([a.name(version) for a in release.ARTIFACTS] + [release.SUMS])
    one = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert one == expected == sorted(p.name for p in (tmp_path / "two").iterdir())
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    # Every timestamp is the last commit's (SOURCE_DATE_EPOCH), not the time of the build.
    epoch = int(
        subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        ).stdout
    )
    stamp = datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    for name in (a.name(version) for a in release.ARTIFACTS if a.pattern.endswith((".whl", ".zip"))):
        with zipfile.ZipFile(tmp_path / "one" / name) as zf:
            for info in zf.infolist():
                taken = datetime.datetime(*info.date_time, tzinfo=datetime.UTC)
                assert abs((taken - stamp).total_seconds()) <= 2, (name, info.filename, info.date_time)
    with tarfile.open(tmp_path / "one" / f"minusma_data-{version}.tar.gz") as tar:
        assert {m.mtime for m in tar.getmembers()} == {epoch}
    sha256sum = need_program("sha256sum", "GNU coreutils")
    done = subprocess.run([sha256sum, "-c", "SHA256SUMS"], cwd=tmp_path / "one", capture_output=True, check=False)
    assert done.returncode == 0, done.stdout
    written = [tmp_path / "one" / name for name in one]
    passed = release.verify(tmp_path / "one", written, install=True)
    assert any(line.startswith("frictionless validate") for line in passed)
    assert any(line.startswith("fresh venv") for line in passed)
    assert any(line.startswith("twine check") for line in passed)
    assert any(line.startswith("check-wheel-contents") for line in passed)


@pytest.mark.slow
@needs_git
def test_zip_only_writes_just_the_zip(tmp_path):
    done = run_release("--zip-only", "--output", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    (archive,) = (tmp_path / "site").iterdir()
    assert archive.name.startswith("minusma-data-") and archive.suffix == ".zip"
    assert "frictionless validate" in done.stdout
