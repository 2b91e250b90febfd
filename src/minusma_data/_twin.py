"""The twin rule, written once: a Parquet file is its CSV's twin when each
column carries the Arrow type its Table Schema calls for and holds the very
values the CSV's text gives under that schema. The build's validator
(minusma_build.twins) and `diff`'s check of each side (_diff_verify) apply
it; each words and reports a failure its own way.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._tableschema import field_arrow_type

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Difference:
    """The first column in which the twins differ: at `row` (0-based) when
    both hold it, else `row` is None and the counts differ."""

    column: str
    row: int | None
    parquet_rows: int
    csv_rows: int


def type_mismatches(parquet: pa.Table, fields: list[dict[str, Any]]) -> list[tuple[str, Any, Any]]:
    """(column, its Arrow type, the type its schema calls for) for each column of the wrong type."""
    return [
        (f["name"], parquet.schema.field(f["name"]).type, field_arrow_type(f))
        for f in fields
        if parquet.schema.field(f["name"]).type != field_arrow_type(f)
    ]


def read_csv_twin(data: bytes, resource: dict[str, Any]) -> pa.Table:
    """The CSV's rows as Arrow values of its schema's types (a coded column's
    plain values, not its dictionary), read with the resource's dialect,
    encoding and missing values. Raises what pyarrow raises for a value the
    type does not allow."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {f["name"]: field_arrow_type(f) for f in resource["schema"]["fields"]}
    types = {k: (t.value_type if pa.types.is_dictionary(t) else t) for k, t in types.items()}
    dialect = resource.get("dialect") or {}
    return pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            use_threads=False,
            encoding=resource.get("encoding") or "utf-8",
            column_names=None if dialect.get("header", True) else list(types),
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=dialect.get("delimiter", ","), quote_char=dialect.get("quoteChar", '"')
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            null_values=resource["schema"].get("missingValues", [""]),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def first_difference(parquet: pa.Table, csv: pa.Table, names: list[str]) -> Difference | None:
    """The first of `names` whose values differ between the twins; None when they agree."""
    import pyarrow as pa

    for name in names:
        ours = parquet.column(name).combine_chunks()
        if pa.types.is_dictionary(ours.type):
            ours = ours.cast(ours.type.value_type)
        theirs = csv.column(name).combine_chunks()
        if len(ours) != len(theirs) or not ours.equals(theirs):
            row = next((i for i in range(min(len(ours), len(theirs))) if ours[i] != theirs[i]), None)
            return Difference(name, row, len(ours), len(theirs))
    return None
