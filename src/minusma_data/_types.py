"""The loader's option values, each written once as the Literal type that type
checkers read; the tuples the code checks values against are taken from it.

Imports typing, so `import minusma_data` does not import this module; the
first load does.
"""

from __future__ import annotations

import os
from typing import Literal, get_args

Format = Literal["parquet", "csv"]
"""The published formats; Parquet is the default."""

Backend = Literal["pandas", "polars", "pyarrow"]
"""The libraries a table can be returned in; pandas is the default."""

DataHome = str | os.PathLike[str] | None
"""A folder holding datapackage.json and data/, or None for the installed copy."""

FORMATS: tuple[Format, ...] = get_args(Format)
BACKENDS: tuple[Backend, ...] = get_args(Backend)
