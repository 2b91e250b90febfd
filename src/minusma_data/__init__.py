"""The MINUSMA dataset as pandas DataFrames.

Events, actors, statements and figures about the UN Security Council's 2023
decision to end MINUSMA, its peacekeeping mission in Mali, drawn from one
news article. Every fact row quotes the characters of the article that
support it (``evidence``, ``char_start``, ``char_end``).

>>> from minusma_data import load_events, codebook
>>> events = load_events(resolve_actors=True)   # doctest: +SKIP
>>> codebook("events")                          # doctest: +SKIP

Every ``load_*`` function reads one published file (Parquet by default, or
``format="csv"``) and gives each column the dtype its Table Schema in
``datapackage.json`` calls for:

========================  ===============================================
schema type               pandas dtype
========================  ===============================================
string                    ``string[python]`` (``pd.StringDtype("python")``)
string with an ``enum``   unordered ``Categorical``; categories are the
                          schema's values in the schema's order
integer, year             ``Int64``; an integer with an ``enum`` (codes a
                          codebook numbers, such as ``quad_code``) too, so
                          that ``== 1`` selects what it says
number                    ``Float64``
boolean                   ``boolean``
date                      ``datetime64[s]`` (every date from year 1 to 9999)
========================  ===============================================

Missing values are ``pd.NA`` (``NaT`` for dates). Each call returns a new
frame; editing it never changes what the next call returns.

``backend="polars"`` or ``backend="pyarrow"`` returns a polars DataFrame or a
pyarrow Table typed the same way: enums as a polars ``Enum`` or an Arrow
dictionary in the schema's order, dates as dates, integers nullable (polars
is the optional extra ``minusma-data[polars]``).

Errors: an unknown table, format or backend raises `UnknownTableError`,
`UnknownFormatError` or `UnknownBackendError` (all ValueErrors, naming what
exists and the nearest match); a missing or damaged file raises
`DataFileError` (`DescriptorError` for datapackage.json), naming the file and
how to restore it.
"""

from __future__ import annotations

from . import _tables
from ._errors import DataFileError, DescriptorError, UnknownBackendError, UnknownFormatError, UnknownTableError
from ._load import codebook, descriptor, load, path
from ._tables import *  # noqa: F403  (the load_<table> helpers, generated from datapackage.json)

# Not `from typing import TYPE_CHECKING`: importing typing alone would triple
# the cost of `import minusma_data`. Type checkers treat this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._tables import TableName
    from ._types import BACKENDS, FORMATS, Backend, DataHome, Format

    TABLES: tuple[str, ...]
    __version__: str

__all__ = [
    "BACKENDS",
    "FORMATS",
    "TABLES",
    "Backend",
    "DataFileError",
    "DataHome",
    "DescriptorError",
    "Format",
    "TableName",
    "UnknownBackendError",
    "UnknownFormatError",
    "UnknownTableError",
    "__version__",
    "codebook",
    "descriptor",
    "load",
    "path",
]
__all__ += _tables.__all__

# Provided on first use by __getattr__: they need typing, or the descriptor.
_LAZY = ("__version__", "TABLES", "TableName", "FORMATS", "BACKENDS", "Format", "Backend", "DataHome")


def _version() -> str:
    """The version single-sourced in datapackage.json, else the installed metadata."""
    from ._load import package

    try:
        return str(package().raw["version"])
    except (DataFileError, KeyError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("minusma-data")
        except PackageNotFoundError:
            return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in ("TABLES", "TableName"):
        from ._load import package

        tables = package().tables
        if name == "TABLES":
            return tables
        from typing import Literal

        return Literal[tables]  # the installed descriptor's tables; _tables.TableName is the static copy
    if name in _LAZY:
        from . import _types

        return getattr(_types, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
