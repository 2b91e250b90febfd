"""Verify a Parquet file, which datapackage.json cannot give a size and
hash for (frictionless refuses `bytes` on Parquet resources and ignores
their `hash`), and whose bytes change with the pyarrow that wrote them.

A Parquet file passes when datapackage.json records its sha256 (as an
exported package does) and the file matches it, or else when its rows equal,
value for value and dtype for dtype, those of its CSV twin, whose own size
and sha256 are checked first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._read import read_table
from ._resource import check_hash, read_bytes, target

if TYPE_CHECKING:
    import pandas as pd

    from ._schema import Package


def verify_parquet(package: Package, table: str) -> pd.DataFrame:
    """The Parquet file's frame, once the file is shown unaltered."""
    resource, path, fail = target(package, table, "parquet")
    if resource.get("hash") is not None:
        check_hash(read_bytes(path, fail), resource, fail)
        return read_table(package, table, "parquet", verify=True)
    if (table, "csv") not in package.resources:
        raise fail("datapackage.json records no sha256 for this file and lists no CSV twin, so it cannot be verified.")
    twin = read_table(package, table, "csv", verify=True)
    frame = read_table(package, table, "parquet", verify=True)
    if frame.shape != twin.shape:
        raise fail(
            f"it holds {len(frame)} rows where its CSV twin {package.path(table, 'csv').name}, "
            f"checked against its sha256, holds {len(twin)}: the Parquet file was altered."
        )
    for column in twin.columns:
        mine, theirs = frame[column], twin[column]
        if mine.dtype != theirs.dtype or not mine.equals(theirs):
            pairs = zip(mine.astype(object), theirs.astype(object), strict=False)
            rows = [str(i + 1) for i, (a, b) in enumerate(pairs) if _differ(a, b)][:5]
            raise fail(
                f"column {column!r} differs from its CSV twin {package.path(table, 'csv').name} "
                f"(checked against its sha256) in data row {', '.join(rows) or '(its dtype)'}: "
                "the Parquet file was altered."
            )
    return frame


def _differ(a: Any, b: Any) -> bool:
    import pandas as pd

    if pd.isna(a) or pd.isna(b):
        return not (pd.isna(a) and pd.isna(b))
    return bool(a != b)
