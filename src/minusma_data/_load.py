"""`load`, `path`, `descriptor` and `codebook`: the functions every table
shares. The typed `load_<table>` helpers that call `load` are in `_tables`.

`load` is overloaded on `backend`, so a type checker sees a pandas DataFrame,
a polars DataFrame or a pyarrow Table according to the literal given. This
module is imported by `import minusma_data`, so it imports nothing heavy at
the top, not even typing (see `_overload`).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Literal, overload

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._schema import Package
    from ._tables import TableName
    from ._types import Backend, DataHome, Format
else:
    from minusma_data._overload import overload


@overload
def load(
    name: TableName | str,
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load(
    name: TableName | str,
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load(
    name: TableName | str,
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load(
    name: TableName | str,
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load(
    name: TableName | str,
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Load one table by name.

    Parameters
    ----------
    name
        One of `TABLES`. What each holds: ``codebook(name).attrs["description"]``.
    format
        ``"parquet"`` (default) or ``"csv"``; both give identical frames.
    resolve_actors
        Add a ``<role>_actor_name`` column after every actor id column
        (``initiator_actor_id`` -> ``initiator_actor_name``). Reads the actors
        table as well. Only for tables that refer to actors.
    verify
        Check the file before trusting it: a CSV file against the size and
        sha256 that datapackage.json records; a Parquet file against the
        sha256 recorded for it if any (exported packages), else value for
        value against its CSV twin, itself checked first.
    backend
        ``"pandas"`` (default) for a pandas DataFrame, ``"polars"`` for a
        polars DataFrame, ``"pyarrow"`` for a pyarrow Table; all typed from
        the Table Schema and holding the same values.
    data_home
        A folder holding ``datapackage.json`` and ``data/`` to read instead
        of the installed copy.

    Raises
    ------
    UnknownTableError, UnknownFormatError, UnknownBackendError
        For a name, format or backend that does not exist (all ValueErrors).
    DataFileError
        When the file is missing, damaged, or does not match its schema.
    """
    from ._backends import check_backend, native, read_native, with_actor_names
    from ._locate import locate, reading
    from ._resolve import with_actor_names as with_names
    from ._schema import check_format, read_package

    format, backend = check_format(format), check_backend(backend)
    location = locate(data_home)
    # One shared lock around the descriptor and the files: a build publishing
    # meanwhile waits, so a new descriptor is never paired with an old file.
    with reading(location):
        package = read_package(location)
        table = package.table(name)
        id_columns = package.actor_columns(table) if resolve_actors else []
        if resolve_actors and not id_columns:
            with_actors = [t for t in package.tables if package.actor_columns(t)]
            raise ValueError(
                f"table {table!r} has no actor columns to resolve; resolve_actors applies to {', '.join(with_actors)}."
            )
        if native(backend, format, verify):
            native_frame: pl.DataFrame | pa.Table = read_native(package, table, backend)
            if not id_columns:
                return native_frame
            actors = native_frame if table == "actors" else read_native(package, "actors", backend)
            named: pl.DataFrame | pa.Table = with_actor_names(native_frame, id_columns, actors, backend)
            return named
        frame = _pandas(package, table, format, verify)
        if id_columns:
            actors = frame if table == "actors" else _pandas(package, "actors", format, verify)
            frame = with_names(frame, id_columns, actors)
    if backend == "pandas":
        return frame
    from ._backends import convert

    result: pl.DataFrame | pa.Table = convert(frame, package.fields(table), backend)
    return result


def _pandas(package: Package, table: str, format: str, verify: bool) -> pd.DataFrame:
    if verify and format == "parquet":
        from ._verify import verify_parquet

        return verify_parquet(package, table)
    from ._read import read_table

    return read_table(package, table, format, verify=verify)


def package(data_home: DataHome = None) -> Package:
    """The parsed descriptor, read under the data folder's shared lock."""
    from ._locate import locate, reading
    from ._schema import read_package

    location = locate(data_home)
    with reading(location):
        return read_package(location)


def path(name: TableName | str, *, format: Format = "parquet", data_home: DataHome = None) -> Path:
    """The published file of a table, for reading it with other tools."""
    from ._schema import check_format

    checked = check_format(format)
    found = package(data_home)
    return found.path(found.table(name), checked)


def descriptor(*, data_home: DataHome = None) -> dict[str, Any]:
    """A deep copy of the parsed datapackage.json."""
    import copy

    return copy.deepcopy(package(data_home).raw)


def codebook(name: TableName | str, *, data_home: DataHome = None) -> pd.DataFrame:
    """One row per column of a table: field, title, type, the pandas dtype it
    loads as, required, description and allowed values, all from its Table
    Schema. The table's title and description are in ``.attrs``."""
    from ._schema import codebook as build

    found = package(data_home)
    return build(found, found.table(name))
