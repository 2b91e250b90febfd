"""`minusma-data diff` on packages nobody vouches for: damaged or swapped
files, hostile zips, malformed descriptors. Each is a difference or a
one-line refusal with a code from DIFF_CODES (exit 2), never IDENTICAL and
never a traceback (docs/versioning.md, "Damaged, hostile and malformed
inputs").
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import re
import shutil
import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.diff import reseal
from minusma_build import versioning
from minusma_build.release_errors import ReleaseError
from minusma_data import cli
from minusma_data._diff import DIFF_CODES, DiffError, diff, diff_paths, open_package
from minusma_data._diff_read import MAX_FILE_BYTES, snapshot
from minusma_data._diff_render import render
from minusma_data._diff_zip import MAX_DIRECTORY_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "minusma_data"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """One copy of the package, never edited: the source of every damaged copy."""
    dest = tmp_path_factory.mktemp("pristine") / "pkg"
    dest.mkdir()
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    (dest / "data").mkdir()
    for path in (ROOT / "data").iterdir():
        if path.suffix in (".csv", ".parquet"):
            shutil.copy2(path, dest / "data" / path.name)
    shutil.copytree(ROOT / "data" / "source", dest / "data" / "source")
    return dest


def damaged(pristine: Path, dest: Path, edit) -> Path:
    shutil.copytree(pristine, dest)
    edit(dest)
    return dest


def refusal(old, new, capsys) -> tuple[str, str]:
    """(code, side) of the one line `minusma-data diff` prints; fails unless it exits 2."""
    code = cli.main(["diff", str(old), str(new)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    match = re.match(r"minusma-data: error: \[([a-z-]+)\] (old|new): ", err)
    assert match, err
    assert match[1] in DIFF_CODES
    return match[1], match[2]


def edit_json(pkg: Path, change) -> None:
    path = pkg / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def resource(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def record(pkg: Path, name: str) -> None:
    """Record the file's present size and sha256, as an attacker covering his tracks would."""

    def change(d):
        r = resource(d, name)
        data = (pkg / r["path"]).read_bytes()
        r.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())

    edit_json(pkg, change)


def swap_in_actors(pkg):
    shutil.copy2(pkg / "data" / "actors.csv", pkg / "data" / "events.csv")


def change_header_byte(pkg):
    data = (pkg / "data" / "events.csv").read_bytes()
    (pkg / "data" / "events.csv").write_bytes(data.replace(b"summary", b"summarx", 1))


def junk_only(pkg):
    (pkg / "data" / "events.csv").write_bytes(b"junk\n")


def junk_line(pkg):
    with open(pkg / "data" / "events.csv", "ab") as fh:
        fh.write(b"\x00junk,,\n")


def garbage_parquet(pkg):
    (pkg / "data" / "events.parquet").write_bytes(b"PAR1 not really PAR1")


def truncated_parquet(pkg):
    data = (pkg / "data" / "events.parquet").read_bytes()
    (pkg / "data" / "events.parquet").write_bytes(data[: len(data) // 2] + data[-8:])


def other_parquet(pkg):
    shutil.copy2(pkg / "data" / "actors.parquet", pkg / "data" / "events.parquet")


def altered_parquet_value(pkg):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pkg / "data" / "events.parquet")
    summary = table.column("summary").to_pylist()
    summary[0] = "A summary nobody wrote."
    i = table.column_names.index("summary")
    table = table.set_column(i, table.schema.field(i), pa.array(summary, table.schema.field(i).type))
    pq.write_table(table, pkg / "data" / "events.parquet")


def wrong_hash(pkg):
    edit_json(pkg, lambda d: resource(d, "events").update(hash="sha256:" + "0" * 64))


def unrecorded_changed_row(pkg):
    """The CSV edited and its size and hash dropped from the descriptor: the
    Parquet twin still holds the old values."""
    data = (pkg / "data" / "events.csv").read_text(encoding="utf-8")
    first = data.splitlines()[1]
    (pkg / "data" / "events.csv").write_text(data.replace(first, first.replace(",", ",x", 1), 1), encoding="utf-8")

    def change(d):
        for key in ("bytes", "hash"):
            resource(d, "events").pop(key)

    edit_json(pkg, change)


DAMAGE = {
    # name: (edit, its code, the code once the attacker also records the new size and hash)
    "events.csv replaced by actors.csv": (swap_in_actors, "hash-mismatch", "header-mismatch"),
    "one byte of the header changed": (change_header_byte, "hash-mismatch", "header-mismatch"),
    "a file holding one line of junk": (junk_only, "hash-mismatch", "header-mismatch"),
    "a line of junk appended": (junk_line, "hash-mismatch", "csv-malformed"),
    "a Parquet file of garbage": (garbage_parquet, "parquet-damaged", None),
    "a truncated Parquet file": (truncated_parquet, "parquet-damaged", None),
    "events.parquet replaced by actors.parquet": (other_parquet, "parquet-damaged", None),
    "a value altered in the Parquet file": (altered_parquet_value, "parquet-damaged", None),
    "a hash that is not the file's": (wrong_hash, "hash-mismatch", None),
    "a CSV row changed with no hash recorded": (unrecorded_changed_row, "parquet-damaged", None),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_side_is_refused_never_identical(pristine, tmp_path, capsys, case):
    edit, code, covered = DAMAGE[case]
    pkg = damaged(pristine, tmp_path / "pkg", edit)
    assert refusal(pristine, pkg, capsys) == (code, "new")
    assert refusal(pkg, pristine, capsys) == (code, "old")
    if covered is not None:
        record(pkg, "events")
        assert refusal(pristine, pkg, capsys) == (covered, "new")


def test_an_undamaged_copy_is_identical_and_a_resealed_edit_is_a_change(pristine, tmp_path, capsys):
    assert cli.main(["diff", str(pristine), str(ROOT)]) == 0
    pkg = damaged(pristine, tmp_path / "pkg", lambda p: None)
    data = (pkg / "data" / "events.csv").read_text(encoding="utf-8")
    first = data.splitlines()[1]
    (pkg / "data" / "events.csv").write_text(data.replace(first, first + " (edited)", 1), encoding="utf-8")
    reseal(pkg)
    capsys.readouterr()
    result = diff_paths(pristine, pkg)
    assert len(result["tables"]["events"]["changed"]) == 1 and result["suggested_bump"] == "patch"


def test_a_side_written_with_its_own_dialect_is_read_by_it(pristine, tmp_path):
    """A CSV with semicolons, which its descriptor's dialect declares, holds the
    same rows: its Parquet twin is compared with the rows the dialect gives."""
    pkg = damaged(pristine, tmp_path / "pkg", lambda p: None)
    path = pkg / "data" / "events.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\n").writerows(rows)
    edit_json(pkg, lambda d: resource(d, "events")["dialect"].update(delimiter=";"))
    record(pkg, "events")
    result = diff_paths(pristine, pkg)
    assert result["tables"] == {}  # no row added, removed or changed
    assert [(c["table"], c["field"]) for c in result["schema"]["changes"]] == [("events", "csv:dialect")]


def test_check_bump_refuses_a_broken_package(pristine, tmp_path):
    pkg = damaged(pristine, tmp_path / "pkg", swap_in_actors)
    record(pkg, "events")
    with pytest.raises(ReleaseError) as refused:
        versioning.check_bump(pristine, pkg)
    assert refused.value.code == "header-mismatch" and str(refused.value).startswith("new: ")


@pytest.mark.parametrize("case, code", [("fifo", "file-unreadable"), ("sparse", "too-large")])
def test_a_fifo_or_a_huge_file_in_a_folder_is_refused_unread(pristine, tmp_path, capsys, case, code):
    """A named pipe would block a read for ever; a sparse 1 GiB file would fill memory."""
    pkg = damaged(pristine, tmp_path / "pkg", lambda p: None)
    target = pkg / "data" / "events.csv"
    target.unlink()
    if case == "fifo":
        os.mkfifo(target)
    else:
        with open(target, "wb") as fh:
            fh.truncate(MAX_FILE_BYTES + 1)
    assert refusal(pristine, pkg, capsys) == (code, "new")


# -- the source texts and resources without a format -----------------------------------------


def source_text(pkg: Path) -> Path:
    """The package's (first) source text, as its descriptor's sources[] names it."""
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    return pkg / descriptor["sources"][0]["path"]


def alter_source(pkg: Path) -> None:
    path = source_text(pkg)
    path.write_bytes(path.read_bytes().replace(b"Security Council", b"Security Counsel", 1))


def reseal_source(pkg: Path) -> None:
    data = source_text(pkg).read_bytes()
    edit_json(pkg, lambda d: d["sources"][0].update(hash="sha256:" + hashlib.sha256(data).hexdigest()))


SOURCE_DAMAGE = {
    "a word of the source text altered": (alter_source, "hash-mismatch"),
    "the source text deleted": (lambda p: source_text(p).unlink(), "file-missing"),
    "a folder in its place": (lambda p: source_text(p).unlink() or source_text(p).mkdir(), "file-unreadable"),
    "a source path outside the package": (
        lambda p: edit_json(p, lambda d: d["sources"][0].update(path="../outside.txt")),
        "path-outside-package",
    ),
    "a source path that is absolute": (
        lambda p: edit_json(p, lambda d: d["sources"][0].update(path="/etc/hostname")),
        "path-outside-package",
    ),
}


def zipped(pkg: Path, archive: Path) -> Path:
    """The package folder as a hand-written zip (its members whatever the folder holds)."""
    return write_zip(archive, package_members(pkg, {}))


@pytest.mark.parametrize("case", list(SOURCE_DAMAGE))
def test_a_damaged_source_text_is_refused_never_identical(pristine, tmp_path, capsys, case):
    """The source text is verified like the tables: present, a regular file,
    inside the package, its sha256 as datapackage.json records; in a folder,
    in a zip, and by `release --check-bump`."""
    edit, code = SOURCE_DAMAGE[case]
    pkg = damaged(pristine, tmp_path / "pkg", edit)
    assert refusal(pristine, pkg, capsys) == (code, "new")
    assert refusal(pkg, pristine, capsys) == (code, "old")
    if case != "a folder in its place":  # a zip holds no folder as a member
        archive = zipped(pkg, tmp_path / "damaged.zip")
        assert refusal(zipped(pristine, tmp_path / "ok.zip"), archive, capsys) == (code, "new")
    with pytest.raises(ReleaseError) as refused:
        versioning.check_bump(pristine, pkg)
    assert refused.value.code == code


def test_a_resealed_source_text_is_a_reported_change(pristine, tmp_path, capsys):
    """An altered source text whose sha256 is recorded anew is a difference,
    `source_changed` (patch), in the text output and the JSON; the size and
    hash are not reported again as metadata."""
    pkg = damaged(pristine, tmp_path / "pkg", alter_source)
    reseal_source(pkg)
    for old, new in ((pristine, pkg), (zipped(pristine, tmp_path / "a.zip"), zipped(pkg, tmp_path / "b.zip"))):
        assert cli.main(["diff", str(old), str(new), "--format", "json"]) == 1
        result = json.loads(capsys.readouterr().out)
        path = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["sources"][0]["path"]
        assert result["schema"]["changes"] == [
            {
                "change": "source_changed",
                "bump": "patch",
                "table": None,
                "field": path,
                "old": "sha256:" + hashlib.sha256(source_text(pristine).read_bytes()).hexdigest(),
                "new": "sha256:" + hashlib.sha256(source_text(pkg).read_bytes()).hexdigest(),
            }
        ]
        assert result["suggested_bump"] == "patch" and not result["tables"]
        assert cli.main(["diff", str(old), str(new)]) == 1
        assert "source changed" in capsys.readouterr().out


def drop_formats(pkg: Path) -> None:
    """Data Package v2 makes `format` optional: the path's extension says it."""
    edit_json(pkg, lambda d: [r.pop("format") for r in d["resources"] if r["name"] in ("figures", "figures-parquet")])


def test_a_resource_without_a_format_is_compared_by_its_extension(pristine, tmp_path, capsys):
    """Neither dropped nor IDENTICAL: an altered table with no `format` is
    refused (its hash), and once resealed its changed row is reported."""
    old = damaged(pristine, tmp_path / "old", drop_formats)
    assert cli.main(["diff", str(old), str(pristine)]) == 0
    capsys.readouterr()
    new = damaged(old, tmp_path / "new", lambda p: None)
    path = new / "data" / "figures.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("phrase")] = "CHANGED"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert refusal(old, new, capsys) == ("hash-mismatch", "new")
    reseal(new)
    capsys.readouterr()
    result = diff_paths(old, new)
    assert list(result["tables"]) == ["figures"] and len(result["tables"]["figures"]["changed"]) == 1
    edit_json(new, lambda d: resource(d, "figures").update(format="CSV"))  # the spelling of the format is no change
    assert diff_paths(old, new)["schema"]["changes"] == []


# -- zips ----------------------------------------------------------------------------------


def write_zip(path: Path, members: list[tuple[str, bytes, dict]]) -> Path:
    """A zip written by hand, so that its headers can say what a hostile one
    says: (name, stored bytes, header fields) for each member. Fields:
    method, usize (the declared inflated size), crc, flags, mode (unix)."""
    out = io.BytesIO()
    central = []
    for name, data, f in members:
        raw = name.encode()
        method, flags = f.get("method", 0), f.get("flags", 0)
        usize = f.get("usize", len(data))
        crc = f.get("crc", zlib.crc32(data) if method == 0 else 0)
        offset = out.tell()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(data), usize, len(raw), 0)
        )
        out.write(raw + data)
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                (3 << 8) | 20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                usize,
                len(raw),
                0,
                0,
                0,
                0,
                f.get("mode", 0o100644) << 16,
                offset,
            )
            + raw
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


def package_members(pkg: Path, replace: dict[str, tuple[bytes, dict]]) -> list[tuple[str, bytes, dict]]:
    members = [("datapackage.json", (pkg / "datapackage.json").read_bytes(), {})]
    for path in sorted(p for p in (pkg / "data").rglob("*") if p.is_file()):
        name = path.relative_to(pkg).as_posix()
        data, fields = replace.get(name, (path.read_bytes(), {}))
        members.append((name, data, fields))
    return members


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def test_a_hand_written_zip_of_the_package_is_read(pristine, tmp_path, capsys):
    """The writer below makes valid zips: hostile ones differ only where they say."""
    events = (pristine / "data" / "events.csv").read_bytes()
    fields = {"method": 8, "usize": len(events), "crc": zlib.crc32(events)}
    archive = write_zip(tmp_path / "ok.zip", package_members(pristine, {"data/events.csv": (deflate(events), fields)}))
    assert cli.main(["diff", str(archive), str(pristine)]) == 0


@pytest.mark.parametrize(
    "case, code",
    [
        ("link", "zip-member-link"),
        ("encrypted", "zip-member-encrypted"),
        ("method", "zip-member-method"),
        ("corrupt", "zip-unreadable"),
        ("dotdot", "path-outside-package"),
        ("absolute", "path-outside-package"),
        ("twice", "zip-unreadable"),
    ],
)
def test_a_hostile_zip_member_is_refused_in_one_line(pristine, tmp_path, capsys, case, code):
    events = (pristine / "data" / "events.csv").read_bytes()
    crc = zlib.crc32(events)
    replace = {
        "link": (b"../../../etc/passwd", {"mode": 0o120777}),
        "encrypted": (events, {"flags": 1}),
        "method": (events, {"method": 12, "usize": len(events), "crc": crc}),  # bzip2
        "corrupt": (b"\xff" * 64 + deflate(events)[64:], {"method": 8, "usize": len(events), "crc": crc}),
    }
    members = package_members(pristine, {"data/events.csv": replace[case]} if case in replace else {})
    if case == "dotdot":
        members.append(("data/../../evil.csv", b"x", {}))
    if case == "absolute":
        members.append(("/tmp/evil.csv", b"x", {}))
    if case == "twice":
        members.append(("data/events.csv", events, {}))
    archive = write_zip(tmp_path / f"{case}.zip", members)
    assert refusal(archive, pristine, capsys) == (code, "old")
    assert refusal(pristine, archive, capsys) == (code, "new")


def refused_traced(archive: Path, other: Path) -> tuple[DiffError, int]:
    """The DiffError `diff archive other` raises, and the peak of memory traced while it ran."""
    tracemalloc.start()
    try:
        with pytest.raises(DiffError) as raised:
            diff_paths(archive, other)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value, peak


def zeros_bomb(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zeros, about a KiB per MiB: one
    fully flushed block repeated (no block refers back past a full flush)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def test_the_bomb_writer_inflates_as_claimed():
    d = zlib.decompressobj(-15)
    assert len(d.decompress(zeros_bomb(3))) == 3 << 20 and d.eof


@pytest.mark.parametrize("declared", [1500 << 20, 40 << 20, 1024, 20 << 20])
def test_a_zip_bomb_is_refused_fast_with_bounded_memory(pristine, tmp_path, declared):
    """A 1.5 MB member inflating to 1.5 GB, its header honest (1.5 GB), over
    the member limit alone (40 MiB) or lying (1 KiB, 20 MiB): refused within
    seconds and a few tens of MiB."""
    bomb = zeros_bomb(1500)
    assert len(bomb) < 2_000_000
    archive = write_zip(
        tmp_path / "bomb.zip", package_members(pristine, {"data/events.csv": (bomb, {"method": 8, "usize": declared})})
    )
    started = time.perf_counter()
    raised, peak = refused_traced(archive, pristine)
    assert time.perf_counter() - started < 5
    assert peak < 3 * max(min(declared, MAX_MEMBER_BYTES), 1 << 20) + (8 << 20), peak
    assert raised.side == "old"
    if declared > MAX_MEMBER_BYTES:  # refused from the header, before anything is inflated
        assert raised.code == "too-large"
        with pytest.raises(DiffError, match="too-large"):
            open_package(archive)
    else:  # inflation stops at the declared size, whose checksum then fails
        assert raised.code == "zip-unreadable"


def test_members_declaring_more_than_the_zip_limit_together_are_refused(pristine, tmp_path):
    """Each member under the member limit, all of them together over the zip's."""
    members = package_members(pristine, {})
    members += [(f"pad/{i}.bin", b"", {"usize": 30 << 20}) for i in range(9)]
    with pytest.raises(DiffError) as raised:
        open_package(write_zip(tmp_path / "many.zip", members))
    assert raised.value.code == "too-large"


@pytest.mark.parametrize("lie", [False, True])
def test_a_zip_of_too_many_members_is_refused_before_they_are_read(pristine, tmp_path, lie):
    """30,000 empty members (zipfile keeps an object for each, so memory would
    grow with the count): refused from the end record, honest or claiming 30
    members, within a few MiB traced."""
    extra = 30_000
    members = package_members(pristine, {}) + [(f"x/{k}", b"", {}) for k in range(extra)]
    assert len(members) > MAX_MEMBERS and extra * 53 > MAX_DIRECTORY_BYTES
    archive = write_zip(tmp_path / "many.zip", members)
    if lie:  # the end record's two member counts say 30; the directory's size still tells
        data = bytearray(archive.read_bytes())
        data[-22 + 8 : -22 + 12] = struct.pack("<2H", 30, 30)
        archive.write_bytes(bytes(data))
    raised, peak = refused_traced(archive, pristine)
    assert (raised.code, raised.side) == ("zip-too-many-members", "old")
    assert peak < 2 << 20, peak


# -- malformed descriptors -----------------------------------------------------------------


def events(d: dict) -> dict:
    return resource(d, "events")


MALFORMED = {
    "resources missing": (lambda d: d.pop("resources"), "resources"),
    "resources not a list": (lambda d: d.update(resources={"a": 1}), "resources"),
    "a resource not an object": (lambda d: d["resources"].append("events"), "resources[20]"),
    "delimiter a number": (lambda d: events(d)["dialect"].update(delimiter=5), "dialect.delimiter"),
    "quoteChar a number": (lambda d: events(d)["dialect"].update(quoteChar=7), "dialect.quoteChar"),
    "quoteChar two characters": (lambda d: events(d)["dialect"].update(quoteChar="''"), "dialect.quoteChar"),
    "dialect a list": (lambda d: events(d).update(dialect=[","]), "dialect"),
    "encoding a list": (lambda d: events(d).update(encoding=["utf-8"]), "encoding"),
    "missingValues a string": (lambda d: events(d)["schema"].update(missingValues="NA"), "missingValues"),
    "primaryKey an int": (lambda d: events(d)["schema"].update(primaryKey=3), "primaryKey"),
    "primaryKey no field": (lambda d: events(d)["schema"].update(primaryKey=["nope"]), "primaryKey"),
    "fields not a list": (lambda d: events(d)["schema"].update(fields="event_id"), "fields"),
    "a field without a name": (lambda d: events(d)["schema"]["fields"][0].pop("name"), "fields[0].name"),
    "a field type unknown": (lambda d: events(d)["schema"]["fields"][1].update(type=["string"]), ".type"),
    "constraints a string": (lambda d: events(d)["schema"]["fields"][1].update(constraints="x"), ".constraints"),
    "enum a string": (lambda d: events(d)["schema"]["fields"][1]["constraints"].update(enum="x"), ".enum"),
    "foreignKeys an object": (lambda d: events(d)["schema"].update(foreignKeys={}), "foreignKeys"),
    "bytes a string": (lambda d: events(d).update(bytes="16257"), "bytes"),
    "hash a number": (lambda d: events(d).update(hash=1), "hash"),
    "path a number": (lambda d: events(d).update(path=1), "path"),
    "schema missing": (lambda d: events(d).pop("schema"), "schema"),
    "a format neither csv nor parquet": (lambda d: events(d).update(format="json"), ".format"),
    "no format and a path of another kind": (
        lambda d: events(d).pop("format") and events(d).update(path="data/events.txt"),
        ".format",
    ),
    "sources an object": (lambda d: d.update(sources={"path": "x"}), "sources"),
    "a source path a number": (lambda d: d["sources"][0].update(path=3), "sources[0].path"),
    "a source hash a number": (lambda d: d["sources"][0].update(hash=3), "sources[0].hash"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_descriptor_is_one_line_naming_side_and_key(pristine, tmp_path, capsys, case):
    edit, key = MALFORMED[case]
    pkg = damaged(pristine, tmp_path / "pkg", lambda p: edit_json(p, edit))
    assert refusal(pristine, pkg, capsys) == ("descriptor-malformed", "new")
    assert refusal(pkg, pristine, capsys) == ("descriptor-malformed", "old")
    cli.main(["diff", str(pkg), str(pkg)])
    assert key in capsys.readouterr().err


@pytest.mark.parametrize("depth", [100_000, 500])
def test_a_deeply_nested_descriptor_is_refused(pristine, tmp_path, capsys, depth):
    """Past the JSON reader's own limit (RecursionError), and within it but
    deeper than a descriptor nests (where comparing or printing would recurse)."""
    pkg = damaged(pristine, tmp_path / "pkg", lambda p: None)
    edit_json(pkg, lambda d: d.update(description="x"))
    text = (pkg / "datapackage.json").read_text(encoding="utf-8")
    (pkg / "datapackage.json").write_text(text.replace('"x"', "[" * depth + "]" * depth, 1), encoding="utf-8")
    assert refusal(pristine, pkg, capsys) == ("descriptor-unreadable", "new")


# -- fuzzing the descriptor with values of every type ---------------------------------------


def small_package() -> dict[str, bytes]:
    """Two tables, with every descriptor key the diff reads, as files in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {"name": "kind", "type": "string", "constraints": {"enum": ["x", "y"]}, "categories": ["x", "y"]}
    fields = [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        kinds,
        {"name": "n", "type": "integer"},
    ]
    schema = {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
    link = {"fields": ["id"], "reference": {"resource": "t", "fields": ["id"]}}
    files = {"data/t.csv": b"id,kind,n\na,x,1\nb,y,\n", "data/u.csv": b"id\na\n"}
    table = pa.table(
        {"id": ["a", "b"], "kind": pa.array(["x", "y"]).dictionary_encode(), "n": pa.array([1, None], pa.int64())}
    )
    sink = io.BytesIO()
    pq.write_table(
        table.cast(
            pa.schema([("id", pa.string()), ("kind", pa.dictionary(pa.int32(), pa.string())), ("n", pa.int64())])
        ),
        sink,
    )
    files["data/t.parquet"] = sink.getvalue()
    dialect = {"delimiter": ",", "quoteChar": '"', "header": True}

    def csv_resource(name: str, schema: dict) -> dict:
        data = files[f"data/{name}.csv"]
        return {
            "name": name,
            "path": f"data/{name}.csv",
            "format": "csv",
            "encoding": "utf-8",
            "dialect": dialect,
            "bytes": len(data),
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": schema,
        }

    u_schema = {"fields": [{"name": "id", "type": "string"}], "primaryKey": "id", "foreignKeys": [link]}
    descriptor = {
        "name": "small",
        "version": "0.1.0",
        "resources": [
            csv_resource("t", schema),
            {"name": "t-parquet", "path": "data/t.parquet", "format": "parquet", "schema": copy.deepcopy(schema)},
            csv_resource("u", u_schema),
        ],
    }
    files["datapackage.json"] = json.dumps(descriptor).encode()
    return files


SMALL = small_package()
PLACES = [
    ("resources",),
    ("resources", 0),
    *[("resources", 0, k) for k in ("name", "path", "format", "encoding", "dialect", "bytes", "hash", "schema")],
    *[("resources", 0, "dialect", k) for k in ("delimiter", "quoteChar", "header")],
    *[("resources", 0, "schema", k) for k in ("fields", "primaryKey", "missingValues", "foreignKeys")],
    *[("resources", 0, "schema", "fields", 1, k) for k in ("name", "type", "format", "constraints", "categories")],
    ("resources", 0, "schema", "fields", 1, "constraints", "enum"),
    ("resources", 0, "schema", "fields", 0),
    *[("resources", 1, k) for k in ("name", "path", "schema")],
    *[("resources", 2, "schema", "foreignKeys", 0, k) for k in ("fields", "reference")],
    ("resources", 2, "schema", "foreignKeys", 0, "reference", "resource"),
    ("resources", 2, "schema", "foreignKeys", 0, "reference", "fields"),
    ("name",),
    ("version",),
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
DELETE = object()


def in_memory(label: str, files: dict[str, bytes]):
    def read(rel: str) -> bytes:
        if rel not in files:
            raise DiffError(f"{label}: {rel} is missing", "file-missing")
        return files[rel]

    return snapshot(label, read)


@settings(max_examples=examples(300))
@given(place=st.sampled_from(PLACES), value=JSON | st.just(DELETE), side=st.sampled_from(["old", "new"]))
def test_any_value_anywhere_is_a_report_or_a_coded_refusal(place, value, side):
    descriptor = json.loads(SMALL["datapackage.json"])
    parent = descriptor
    for step in place[:-1]:
        parent = parent[step]
    if value is DELETE:
        parent.pop(place[-1], None) if isinstance(parent, dict) else parent.__setitem__(place[-1], None)
    else:
        parent[place[-1]] = value
    hostile = {**SMALL, "datapackage.json": json.dumps(descriptor).encode()}
    try:
        old = in_memory("old", hostile if side == "old" else SMALL)
        new = in_memory("new", hostile if side == "new" else SMALL)
        result = diff(old, new)
    except DiffError as exc:
        assert exc.code in DIFF_CODES
        return
    render(result, "text")
    json.loads(render(result, "json"))


# -- the catalogue of codes -----------------------------------------------------------------


def test_every_code_raised_is_catalogued_and_documented():
    """DiffError refuses a code not in DIFF_CODES (so every code raised is
    catalogued); every catalogued code is raised somewhere and documented."""
    sources = "".join(
        p.read_text(encoding="utf-8") for p in sorted(SRC.glob("_diff*.py")) if p.name != "_diff_errors.py"
    )
    used = {c for c in re.findall(r'"([a-z][a-z-]+)"', sources) if c in DIFF_CODES}
    assert used == set(DIFF_CODES), set(DIFF_CODES) - used
    docs = (ROOT / "docs" / "versioning.md").read_text(encoding="utf-8")
    assert {c for c in DIFF_CODES if f"`{c}`" not in docs} == set()
    with pytest.raises(ValueError):
        DiffError("x", "no-such-code")
