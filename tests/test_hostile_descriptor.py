"""The loader trusts nothing in datapackage.json.

A resource path that leaves the package (``..``, absolute, a symbolic link
out, a NUL, a URL) is refused with DescriptorError code
"path-outside-package", before any byte outside is read. A key of the wrong
type is refused with code "descriptor-malformed", naming the resource and the
key. And whatever the descriptor holds, `load` either loads or raises
DataFileError (DescriptorError is one), while `minusma-data info`, `export`
and `validate` exit 0 or 1 with one line on stderr and no traceback.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minusma_data
from minusma_data import DataFileError, DescriptorError, UnknownTableError
from minusma_data.cli import main as cli_main

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    dest = tmp_path / "home"
    dest.mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", "source", ".staging-*"))
    return dest


def resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r["name"] == name)


def field(desc: dict, name: str, column: str) -> dict:
    return next(f for f in resource(desc, name)["schema"]["fields"] if f["name"] == column)


def write(home: Path, desc: dict) -> None:
    (home / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")


def outside_copy(home: Path) -> Path:
    """A valid events.csv outside the package, which the loader must not read."""
    outside = home.parent / "outside.csv"
    shutil.copy2(home / "data" / "events.csv", outside)
    return outside


# -- paths that leave the package ------------------------------------------------


def set_path(value: Callable[[Path], str], name: str = "events") -> Callable[[Path, dict], None]:
    def mutate(home: Path, desc: dict) -> None:
        resource(desc, name)["path"] = value(home)

    return mutate


def symlink_out(home: Path, desc: dict) -> None:
    target = outside_copy(home)
    (home / "data" / "events.csv").unlink()
    (home / "data" / "events.csv").symlink_to(target)


def symlinked_folder(home: Path, desc: dict) -> None:
    outside = home.parent / "elsewhere"
    outside.mkdir()
    shutil.copy2(home / "data" / "events.csv", outside / "events.csv")
    (home / "link").symlink_to(outside)
    resource(desc, "events")["path"] = "link/events.csv"


def symlink_loop(home: Path, desc: dict) -> None:
    (home / "data" / "events.csv").unlink()
    (home / "data" / "events.csv").symlink_to(home / "data" / "events.csv")


UNSAFE = {
    "dot-dot": set_path(lambda home: (outside_copy(home), "../outside.csv")[1]),
    "dot-dot inside": set_path(lambda home: (outside_copy(home), "data/../../outside.csv")[1]),
    "absolute": set_path(lambda home: str(outside_copy(home))),
    "home folder": set_path(lambda home: "~/outside.csv"),
    "NUL": set_path(lambda home: "data/events.csv\0.txt"),
    "URL": set_path(lambda home: "https://example.org/events.csv"),
    "file URL": set_path(lambda home: "file:///etc/passwd"),
    "backslash dot-dot": set_path(lambda home: (outside_copy(home), "..\\outside.csv")[1]),
    "parquet dot-dot": set_path(lambda home: "../outside.parquet", "events-parquet"),
    "symlink out": symlink_out,
    "symlinked folder": symlinked_folder,
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_a_path_outside_the_package_is_refused(home: Path, case: str):
    desc = copy.deepcopy(DESCRIPTOR)
    UNSAFE[case](home, desc)
    write(home, desc)
    format = "parquet" if case.startswith("parquet") else "csv"
    with pytest.raises(DescriptorError) as info:
        minusma_data.load("events", format=format, data_home=home)
    assert info.value.code == "path-outside-package", info.value
    with pytest.raises(DescriptorError) as info:
        minusma_data.path("events", format=format, data_home=home)
    assert info.value.code == "path-outside-package"


def test_a_symlink_loop_is_one_error(home: Path):
    desc = copy.deepcopy(DESCRIPTOR)
    symlink_loop(home, desc)
    with pytest.raises(DataFileError) as info:
        minusma_data.load("events", format="csv", data_home=home)
    assert info.value.code in ("path-outside-package", "file-unreadable")


# -- keys of the wrong type ----------------------------------------------------


def set_key(getter: Callable[[dict], dict], key: str, value: Any) -> Callable[[Path, dict], None]:
    def mutate(home: Path, desc: dict) -> None:
        getter(desc)[key] = value

    return mutate


def events(desc: dict) -> dict:
    return resource(desc, "events")


def events_schema(desc: dict) -> dict:
    return resource(desc, "events")["schema"]


def event_type(desc: dict) -> dict:
    return field(desc, "events", "event_type")


def replace_first_field(value: Any) -> Callable[[Path, dict], None]:
    def mutate(home: Path, desc: dict) -> None:
        events_schema(desc)["fields"][0] = value

    return mutate


MALFORMED = {
    "field is a string": replace_first_field("event_id"),
    "field is null": replace_first_field(None),
    "field without name": replace_first_field({"type": "string"}),
    "constraints null": set_key(event_type, "constraints", None),
    "constraints a list": set_key(event_type, "constraints", ["required"]),
    "enum null": lambda home, desc: event_type(desc)["constraints"].update(enum=None),
    "enum of numbers": lambda home, desc: event_type(desc)["constraints"].update(enum=[1, 2]),
    "required a string": lambda home, desc: event_type(desc)["constraints"].update(required="yes"),
    "unknown type": set_key(event_type, "type", "geopoint"),
    "type a number": set_key(event_type, "type", 3),
    "format a list": set_key(lambda d: field(d, "events", "date_start"), "format", ["%Y"]),
    "categoriesOrdered a string": set_key(event_type, "categoriesOrdered", "yes"),
    "schema a string": set_key(events, "schema", "schema.json"),
    "schema null": set_key(events, "schema", None),
    "fields an object": set_key(events_schema, "fields", {"event_id": "string"}),
    "fields empty": set_key(events_schema, "fields", []),
    "duplicate field": lambda home, desc: events_schema(desc)["fields"].append(events_schema(desc)["fields"][0]),
    "missingValues null": set_key(events_schema, "missingValues", None),
    "primaryKey a number": set_key(events_schema, "primaryKey", 1),
    "primaryKey unknown field": set_key(events_schema, "primaryKey", ["no_such_field"]),
    "foreignKeys an object": set_key(events_schema, "foreignKeys", {"fields": "x"}),
    "foreign key without reference": lambda home, desc: events_schema(desc)["foreignKeys"][0].pop("reference"),
    "foreign key unknown field": lambda home, desc: events_schema(desc)["foreignKeys"][0].update(fields=["nope"]),
    "unknown hash algorithm": set_key(events, "hash", "sha999:" + "0" * 64),
    "hash a number": set_key(events, "hash", 12),
    "hash not hex": set_key(events, "hash", "sha256:zz"),
    "bytes a string": set_key(events, "bytes", "1000"),
    "bytes negative": set_key(events, "bytes", -1),
    "bytes true": set_key(events, "bytes", True),
    "unknown encoding": set_key(events, "encoding", "klingon-8"),
    "dialect a string": set_key(events, "dialect", "excel"),
    "delimiter two characters": lambda home, desc: events(desc)["dialect"].update(delimiter=";;"),
    "name a number": set_key(events, "name", 7),
    "path a list": set_key(events, "path", ["data/events.csv"]),
    "path null": set_key(events, "path", None),
    "resources an object": lambda home, desc: desc.update(resources={"events": {}}),
    "version a number": lambda home, desc: desc.update(version=0.2),
    "sources an object": lambda home, desc: desc.update(sources={"title": "x"}),
    "source title a list": lambda home, desc: desc["sources"][0].update(title=["x"]),
    "table listed twice": lambda home, desc: desc["resources"].append(copy.deepcopy(events(desc))),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_descriptor_is_one_descriptor_error(home: Path, case: str):
    desc = copy.deepcopy(DESCRIPTOR)
    MALFORMED[case](home, desc)
    write(home, desc)
    with pytest.raises(DescriptorError) as info:
        minusma_data.load("events", format="csv", verify=True, data_home=home)
    assert info.value.code == "descriptor-malformed", info.value
    assert "datapackage.json" in str(info.value)


def test_the_message_names_the_resource_and_the_key(home: Path):
    desc = copy.deepcopy(DESCRIPTOR)
    event_type(desc)["constraints"] = None
    write(home, desc)
    with pytest.raises(DescriptorError) as info:
        minusma_data.load("events", data_home=home)
    assert "'events'" in info.value.problem and "event_type" in info.value.problem
    assert "constraints" in info.value.problem


# -- the command line ----------------------------------------------------------


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "minusma_data", "--data-home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


CASES = ["dot-dot", "constraints null", "field is a string", "unknown hash algorithm", "primaryKey unknown field"]
CASES += ["schema a string"]
COMMANDS = {
    "info": ["info"],
    "export sqlite": ["export", "--format", "sqlite", "--output", "OUT"],
    "export jsonl": ["export", "--format", "jsonl", "--output", "OUT"],
    "validate": ["validate"],
}


def damage(home: Path, case: str) -> None:
    desc = copy.deepcopy(DESCRIPTOR)
    (UNSAFE.get(case) or MALFORMED[case])(home, desc)
    write(home, desc)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_line_gives_one_line_and_no_traceback(home: Path, tmp_path: Path, case: str, command, capsys):
    """Every command against every fault, through the command line's main()
    in this process: any exception it let through would fail the test."""
    damage(home, case)
    args = [str(tmp_path / "out") if a == "OUT" else a for a in COMMANDS[command]]
    assert cli_main(["--data-home", str(home), *args]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("command", COMMANDS)
def test_the_installed_command_gives_one_line_and_no_traceback(home: Path, tmp_path: Path, command):
    """The same, as a user runs it: `python -m minusma_data ...` in a process of its own."""
    damage(home, "schema a string")
    done = run_cli(home, *[str(tmp_path / "out") if a == "OUT" else a for a in COMMANDS[command]])
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


# -- anything at all ----------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(["", "../x", "/etc/passwd", "data/events.csv", "sha256:00", "string", "date", "\0"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _places(value: Any, at: tuple = ()) -> list[tuple]:
    """Every place in the descriptor a value can be replaced or deleted."""
    found = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _places(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:3]):
            found += _places(v, (*at, i))
    return found


EVENTS_AT = DESCRIPTOR["resources"].index(resource(DESCRIPTOR, "events"))
PLACES = [
    p
    for p in _places(DESCRIPTOR)
    if p[:2] in ((), ("resources",), ("resources", EVENTS_AT)) or len(p) < 2 or p[0] != "resources"
]


@pytest.mark.slow
@settings(max_examples=examples(100), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), value=JSON, delete=st.booleans())
def test_any_mutation_loads_or_raises_a_data_error(home: Path, place: tuple, value: Any, delete: bool):
    desc = copy.deepcopy(DESCRIPTOR)
    if not place:
        desc = value
    else:
        parent = desc
        for key in place[:-1]:
            parent = parent[key]
        if delete and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = value
    write(home, desc)
    for format in ("csv", "parquet"):
        try:
            minusma_data.load("events", format=format, verify=format == "csv", resolve_actors=True, data_home=home)
            minusma_data.codebook("events", data_home=home)
        except (DataFileError, UnknownTableError):
            pass
        except ValueError as exc:  # only the documented one: resolve_actors on a table without actors
            assert "no actor columns" in str(exc), exc
