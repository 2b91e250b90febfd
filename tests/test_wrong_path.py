"""A wrong data_home is told apart from a damaged package: a mistyped path,
a file (a release zip, datapackage.json itself), a folder that holds no
package, and a JSON Lines export each get a code of their own and a remedy
that fits, never "restore that copy", which is for a package that lost or
spoilt a file. The same codes reach the command line, at the end of its one
line."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import minusma_data
from minusma_data import DataFileError, cli
from minusma_data._errors import CODES, remedy

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """An intact package folder, as an unzipped release holds it."""
    dest = tmp_path / "minusma-data-0.1.0"
    dest.mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    return dest


def mistyped(package: Path) -> tuple[Path, str]:
    return package.with_name("minusma-data-0.1.1"), str(package)


def in_a_missing_folder(package: Path) -> tuple[Path, str]:
    return package.parent / "no" / "such" / "place", ""


def release_zip(package: Path) -> tuple[Path, str]:
    archive = package.parent / "minusma-data-0.1.0.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(package / "datapackage.json", "datapackage.json")
    return archive, ""


def the_descriptor_itself(package: Path) -> tuple[Path, str]:
    return package / "datapackage.json", str(package)


def an_empty_folder(package: Path) -> tuple[Path, str]:
    empty = package.parent / "empty"
    empty.mkdir()
    return empty, ""


def the_folder_above(package: Path) -> tuple[Path, str]:
    return package.parent, str(package)


def a_json_lines_export(package: Path) -> tuple[Path, str]:
    out = package.parent / "minusma-jsonl"
    assert cli.main(["--data-home", str(package), "export", "--format", "jsonl", "--output", str(out)]) == 0
    return out, ""


# (how the wrong data_home is made, its code); each returns the path and a path the message must carry.
WRONG: list[tuple[Callable[[Path], tuple[Path, str]], str]] = [
    (mistyped, "data-home-missing"),
    (in_a_missing_folder, "data-home-missing"),
    (release_zip, "data-home-not-a-folder"),
    (the_descriptor_itself, "data-home-not-a-folder"),
    (an_empty_folder, "not-a-package"),
    (the_folder_above, "not-a-package"),
    (a_json_lines_export, "unreadable-format"),
]


@pytest.mark.parametrize(("make", "code"), WRONG, ids=[make.__name__ for make, _ in WRONG])
def test_a_wrong_data_home_is_named_as_such(package, make, code, capsys):
    given, carried = make(package)
    capsys.readouterr()
    with pytest.raises(DataFileError) as caught:
        minusma_data.load_events(data_home=given)
    error = caught.value
    assert error.code == code and code in CODES
    assert str(given) in str(error) and carried in str(error)
    assert remedy("data_home", given) not in str(error), "a wrong path is not a copy to restore"

    status = cli.main(["--data-home", str(given), "info"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and err.rstrip("\n").endswith(f"[{code}]"), err
    assert str(given) in err and carried in err


def test_the_right_folder_loads(package):
    assert len(minusma_data.load_events(data_home=package)) > 0


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda p: (p / "datapackage.json").unlink(), "descriptor-missing"),
        (lambda p: (p / "data" / "events.parquet").write_bytes(b"PAR1 truncated"), "file-damaged"),
        (lambda p: (p / "data" / "events.parquet").unlink(), "file-missing"),
    ],
    ids=["descriptor-lost", "file-spoilt", "file-lost"],
)
def test_a_damaged_copy_is_still_one_to_restore(package, damage, code, capsys):
    damage(package)
    with pytest.raises(DataFileError) as caught:
        minusma_data.load_events(data_home=package)
    assert caught.value.code == code
    assert remedy("data_home", package) in str(caught.value)
    assert cli.main(["--data-home", str(package), "info"]) == 1
    assert capsys.readouterr().err.rstrip("\n").endswith(f"[{code}]")
