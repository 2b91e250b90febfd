"""Verify one side of a diff against its own descriptor before anything is
compared, so that a damaged package is refused (with a code) instead of
being reported as identical or as a change of data.

Each CSV file must have the size and sha256 its descriptor records (when it
records them), a header that is its schema's field names, rows of the
header's width and a primary key that is unique. Each Parquet file must have
its recorded size and sha256 (when recorded), decode in full, carry the Arrow
types its schema calls for, and hold the very values of its CSV twin (the
build's own twin rule, minusma_build.twins).
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

from ._diff_errors import DiffError
from ._tableschema import field_arrow_type, foreign_keys

if TYPE_CHECKING:
    from ._diff_read import Snapshot

MAX_PARQUET_DECODED = 256 << 20  # a Parquet file whose columns decode to more than 256 MiB is refused


def verify(snapshot: Snapshot) -> None:
    """Refuse the first file of the package that does not match its descriptor."""
    from ._diff_read import keyed_rows

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
    """The file's size and hash against those datapackage.json records."""
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
    for f in fields:
        if table.schema.field(f["name"]).type != field_arrow_type(f):
            raise DiffError(
                f"{where}: column {f['name']!r} is {table.schema.field(f['name']).type} where its schema calls "
                f"for {field_arrow_type(f)}",
                "parquet-damaged",
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
    import pyarrow.csv as pacsv

    fields = twin["schema"]["fields"]
    types = {f["name"]: field_arrow_type(f) for f in fields}
    types = {k: (t.value_type if pa.types.is_dictionary(t) else t) for k, t in types.items()}
    dialect = twin.get("dialect") or {}
    header = dialect.get("header", True)
    try:
        text = pacsv.read_csv(
            io.BytesIO(snapshot.read(twin["path"])),
            read_options=pacsv.ReadOptions(
                use_threads=False,
                encoding=twin.get("encoding") or "utf-8",
                column_names=None if header else list(types),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.get("delimiter", ","), quote_char=dialect.get("quoteChar", '"')
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=twin["schema"].get("missingValues", [""]),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, OSError, ValueError, LookupError) as exc:
        raise DiffError(
            f"{snapshot.label}: {twin['path']} holds a value its schema does not allow ({_short(exc)})",
            "csv-malformed",
        ) from None
    for name in types:
        ours = table.column(name).combine_chunks()
        if pa.types.is_dictionary(ours.type):
            ours = ours.cast(ours.type.value_type)
        theirs = text.column(name).combine_chunks()
        if len(ours) != len(theirs) or not ours.equals(theirs):
            row = next((i for i in range(min(len(ours), len(theirs))) if ours[i] != theirs[i]), None)
            at = f"at data row {row + 1}" if row is not None else f"({len(ours)} rows against {len(theirs)})"
            raise DiffError(
                f"{snapshot.label}: {resource['path']} column {name!r} differs from its CSV twin {twin['path']} "
                f"{at}; the twins hold the same values",
                "parquet-damaged",
            )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."
