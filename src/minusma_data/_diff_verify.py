"""Verify one side of a diff against its own descriptor before anything is
compared, so that a damaged package is refused (with a code) instead of
being reported as identical or as a change of data.

Each source text (a `sources[]` entry with a path) must be a regular file
in the package, within the size limits, with the size and sha256 it records.
Each CSV file must have the size and sha256 its descriptor records (when it
records them), a header that is its schema's field names, rows of the
header's width and a primary key that is unique. Each Parquet file must have
its recorded size and sha256 (when recorded), decode in full, carry the Arrow
types its schema calls for, and hold the very values of its CSV twin (the
build's own twin rule, minusma_build.twins).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from ._diff_errors import DiffError
from ._tableschema import foreign_keys
from ._twin import first_difference, read_csv_twin, type_mismatches

if TYPE_CHECKING:
    from ._diff_read import Snapshot

MAX_PARQUET_DECODED = 256 << 20  # a Parquet file whose columns decode to more than 256 MiB is refused


def verify(snapshot: Snapshot) -> None:
    """Refuse the first file of the package that does not match its descriptor."""
    from ._diff_read import keyed_rows

    for source in snapshot.sources:
        check_recorded(snapshot, source)  # read, so present, regular and within limits, whatever it records
    for table, formats in snapshot.tables.items():
        csv_resource, parquet = formats.get("csv"), formats.get("parquet")
        if csv_resource is not None:
            check_recorded(snapshot, csv_resource)
            keyed_rows(snapshot, table)  # header, row widths, unique keys
        if parquet is not None:
            if "bytes" in parquet or "hash" in parquet:
                check_recorded(snapshot, parquet)
            check_parquet(snapshot, parquet, csv_resource)
        if csv_resource is None:
            keyed_rows(snapshot, table)  # a Parquet-only table: unique keys


def check_recorded(snapshot: Snapshot, resource: dict[str, Any]) -> None:
    """The file's size and hash against those datapackage.json records (for a
    resource or a source text)."""
    data = snapshot.read(resource["path"])
    where = f"{snapshot.label}: {resource['path']}"
    size, recorded = resource.get("bytes"), resource.get("hash")
    if size is not None and len(data) != size:
        raise DiffError(
            f"{where} has {len(data)} bytes where datapackage.json records {size}: it was altered or truncated",
            "hash-mismatch",
        )
    if recorded is None:
        return
    algorithm, _, digest = recorded.rpartition(":")
    algorithm = algorithm.lower() or "md5"  # the Data Package default
    if algorithm not in ("md5", "sha1", "sha256", "sha512"):
        raise DiffError(
            f"{where}: datapackage.json records a hash {recorded!r} of unknown kind; sha256:<hex> would be right",
            "descriptor-malformed",
        )
    actual = hashlib.new(algorithm, data).hexdigest()
    if actual != digest.lower():
        raise DiffError(
            f"{where}: its {algorithm} is {actual} where datapackage.json records {digest}: it was altered",
            "hash-mismatch",
        )


def check_parquet(snapshot: Snapshot, resource: dict[str, Any], twin: dict[str, Any] | None) -> None:
    """The Parquet file decodes, with its schema's columns and types, and
    holds its CSV twin's values."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    where = f"{snapshot.label}: {resource['path']}"
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    if twin is not None and _comparable(twin["schema"]) != _comparable(resource["schema"]):
        raise DiffError(
            f"{snapshot.label}: datapackage.json gives {resource['name']!r} a schema other than its CSV twin "
            f"{twin['name']!r}; the twins share one schema",
            "descriptor-malformed",
        )
    try:
        parquet_file = pq.ParquetFile(pa.BufferReader(snapshot.read(resource["path"])))
        meta = parquet_file.metadata
        decoded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if decoded > MAX_PARQUET_DECODED:
            raise DiffError(
                f"{where} says its columns decode to {decoded} bytes, more than the {MAX_PARQUET_DECODED} "
                "a package file may have",
                "too-large",
            )
        table = parquet_file.read(use_threads=False)
    except (pa.ArrowException, OSError, ValueError, IndexError) as exc:
        raise DiffError(
            f"{where} is not readable Parquet ({_short(exc)}); rebuild or restore it", "parquet-damaged"
        ) from None
    if table.column_names != names:
        raise DiffError(
            f"{where} has the columns {table.column_names} where its schema lists {names}", "parquet-damaged"
        )
    wrong = type_mismatches(table, fields)
    if wrong:
        name, actual, expected = wrong[0]
        raise DiffError(
            f"{where}: column {name!r} is {actual} where its schema calls for {expected}", "parquet-damaged"
        )
    if twin is not None:
        _same_values(snapshot, table, resource, twin)


def _comparable(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its foreign keys in the form that does not depend on
    which twin they are written from (each names its own twin's targets)."""
    keys = sorted((f, t, r) for f, t, r in foreign_keys(schema, ""))
    return {**{k: v for k, v in schema.items() if k != "foreignKeys"}, "foreignKeys": keys}


def _same_values(snapshot: Snapshot, table: Any, resource: dict[str, Any], twin: dict[str, Any]) -> None:
    import pyarrow as pa

    try:
        text = read_csv_twin(snapshot.read(twin["path"]), twin)
    except (pa.ArrowException, OSError, ValueError, LookupError) as exc:
        raise DiffError(
            f"{snapshot.label}: {twin['path']} holds a value its schema does not allow ({_short(exc)})",
            "csv-malformed",
        ) from None
    difference = first_difference(table, text, [f["name"] for f in twin["schema"]["fields"]])
    if difference is not None:
        at = (
            f"at data row {difference.row + 1}"
            if difference.row is not None
            else f"({difference.parquet_rows} rows against {difference.csv_rows})"
        )
        raise DiffError(
            f"{snapshot.label}: {resource['path']} column {difference.column!r} differs from its CSV twin "
            f"{twin['path']} {at}; the twins hold the same values",
            "parquet-damaged",
        )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."
