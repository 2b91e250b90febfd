"""Read a release zip in place for `minusma-data diff`, trusting nothing in it.

A zip listing more than `MAX_MEMBERS` members (or a larger central directory)
is refused from its end record, before the members are read. Every member is
vetted when the zip is opened: its path stays inside the
package, it is no symbolic link, not encrypted, stored or deflated, and its
declared size is within `MAX_MEMBER_BYTES` (and all of them together within
`MAX_TOTAL_BYTES`). A member is then inflated in chunks and the reading stops
as soon as it passes its limit, since a header can lie about the size: a
small member that inflates to gigabytes costs a few megabytes of memory.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from ._diff_errors import DiffError

MAX_MEMBER_BYTES = 32 << 20  # one member inflates to at most 32 MiB
MAX_TOTAL_BYTES = 256 << 20  # all the members read from one zip: at most 256 MiB
CHUNK = 1 << 20  # inflated a MiB at a time
MAX_MEMBERS = 4096  # a package zip holds a few dozen files; more members are refused before they are read
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 256  # the central directory that lists them: at most 1 MiB
READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def open_zip(path: Path, safe: Callable[[str, Path, bool], str]) -> Callable[[str], bytes]:
    """A reader of the zip's members by package-relative path; `safe` is the
    path rule the folders follow too."""
    _count_members(path)
    try:
        archive = zipfile.ZipFile(path)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise DiffError(f"{path}: not a readable zip file ({exc})", "zip-unreadable") from None
    infos: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in members:
        name = safe(info.filename.rstrip("/"), path, True)
        _vet(path, info)
        if name in infos:
            raise DiffError(f"{path}: the zip holds {name!r} twice; a zip with one copy of each file", "zip-unreadable")
        infos[name] = info
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES:
        raise DiffError(
            f"{path}: its members say they inflate to {declared} bytes, more than the {MAX_TOTAL_BYTES} "
            "a package zip may hold",
            "too-large",
        )
    budget = [MAX_TOTAL_BYTES]

    def read(rel: str) -> bytes:
        info = infos.get(rel)
        if info is None:
            raise DiffError(
                f"{path}: the zip has no {rel}; a release zip holds datapackage.json at its root "
                "and every file it lists",
                "descriptor-missing" if rel == "datapackage.json" else "file-missing",
            )
        data = _inflate(archive, info, path, min(MAX_MEMBER_BYTES, budget[0]))
        budget[0] -= len(data)
        return data

    return read


def _count_members(path: Path) -> None:
    """Refuse a zip whose end record lists more members, or a larger central
    directory, than a package zip has, before zipfile reads them all (it keeps
    an object for each: memory would grow with the member count)."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            tail_start = max(0, size - (22 + 0xFFFF))  # the end record and its longest comment
            fh.seek(tail_start)
            tail = fh.read()
            # where zipfile looks: the end of the file (no comment), else the last signature
            no_comment = len(tail) >= 22 and tail[-22:-18] == b"PK\x05\x06" and tail[-2:] == b"\0\0"
            at = len(tail) - 22 if no_comment else tail.rfind(b"PK\x05\x06")
            if at < 0 or len(tail) - at < 22:
                return  # no end record: zipfile refuses it (zip-unreadable)
            members, directory = struct.unpack("<HL", tail[at + 10 : at + 16])
            locator = tail[at - 20 : at] if at >= 20 else b""
            if locator[:4] == b"PK\x06\x07":  # ZIP64: the counts are in the ZIP64 end record
                (record,) = struct.unpack("<Q", locator[8:16])
                # zipfile reads that record just before the locator (or, in some versions, where the
                # locator says): take the larger count of the two, so neither can hide the members
                for where in (tail_start + at - 20 - 56, record):
                    fh.seek(max(where, 0))
                    zip64 = fh.read(56)
                    if zip64[:4] == b"PK\x06\x06" and len(zip64) == 56:
                        count, length = struct.unpack("<2Q", zip64[32:48])
                        members, directory = max(members, count), max(directory, length)
    except OSError:
        return  # zipfile names the problem (zip-unreadable)
    if members > MAX_MEMBERS or directory > MAX_DIRECTORY_BYTES:
        raise DiffError(
            f"{path}: the zip lists {members} members in a {directory}-byte directory, more than the "
            f"{MAX_MEMBERS} members ({MAX_DIRECTORY_BYTES} bytes) a package zip may have",
            "zip-too-many-members",
        )


def _vet(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a member that is a link, encrypted, compressed in a way not
    read here, or declared too large."""
    name = info.filename
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise DiffError(
            f"{path}: member {name!r} is a symbolic link; a package zip holds regular files only", "zip-member-link"
        )
    if info.flag_bits & 0x1:
        raise DiffError(f"{path}: member {name!r} is encrypted; a package zip is not", "zip-member-encrypted")
    if info.compress_type not in READABLE_METHODS:
        raise DiffError(
            f"{path}: member {name!r} uses compression method {info.compress_type}; "
            "a package zip's members are stored or deflated",
            "zip-member-method",
        )
    if info.file_size > MAX_MEMBER_BYTES:
        raise DiffError(
            f"{path}: member {name!r} says it inflates to {info.file_size} bytes, more than the "
            f"{MAX_MEMBER_BYTES} a package file may have",
            "too-large",
        )


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit: int) -> bytes:
    """The member's bytes, inflated a chunk at a time; refused the moment
    they pass `limit`, whatever the header says."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise DiffError(
                        f"{path}: member {info.filename!r} inflates to more than {limit} bytes, beyond "
                        f"the limit of {MAX_MEMBER_BYTES} a member and {MAX_TOTAL_BYTES} a zip",
                        "too-large",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise DiffError(
            f"{path}: member {info.filename!r} cannot be inflated ({exc}); the zip is damaged", "zip-unreadable"
        ) from None
    return b"".join(chunks)
