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
integer, year             ``Int64``
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

from ._errors import DataFileError, DescriptorError, UnknownBackendError, UnknownFormatError, UnknownTableError

# Not `from typing import TYPE_CHECKING`: importing typing alone would triple
# the cost of `import minusma_data`. Type checkers treat this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from pathlib import Path
    from typing import Any, Literal

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._schema import Package

    TABLES: tuple[str, ...]
    __version__: str
    TableName = Literal[
        "sources", "passages", "references", "places", "actors", "mentions", "events", "statements", "figures"
    ]
    Format = Literal["parquet", "csv"]
    Backend = Literal["pandas", "polars", "pyarrow"]
    DataHome = str | os.PathLike[str] | None
    Frame = pd.DataFrame | pl.DataFrame | pa.Table

__all__ = [
    "BACKENDS",
    "FORMATS",
    "TABLES",
    "Backend",
    "DataFileError",
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
    "load_actors",
    "load_events",
    "load_figures",
    "load_mentions",
    "load_passages",
    "load_places",
    "load_references",
    "load_sources",
    "load_statements",
    "path",
]

FORMATS: tuple[str, ...] = ("parquet", "csv")
"""The published formats; Parquet is the default."""

BACKENDS: tuple[str, ...] = ("pandas", "polars", "pyarrow")
"""The libraries a table can be returned in; pandas is the default."""


def _package(data_home: DataHome) -> Package:
    """The parsed descriptor, read under the data folder's shared lock."""
    from ._locate import locate, reading
    from ._schema import read_package

    location = locate(data_home)
    with reading(location):
        return read_package(location)


def load(
    name: TableName | str,
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
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
    from ._backends import check_backend
    from ._schema import check_format

    format = check_format(format)  # type: ignore[assignment]
    backend = check_backend(backend)  # type: ignore[assignment]
    from ._locate import locate, reading
    from ._schema import read_package

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
        frame = _frame(package, table, format, verify)
        actors = None
        if id_columns:
            actors = frame if table == "actors" else _frame(package, "actors", format, verify)
    if actors is not None:
        from ._resolve import with_actor_names

        frame = with_actor_names(frame, id_columns, actors)
    if backend == "pandas":
        return frame
    from ._backends import convert

    return convert(frame, package.fields(table), backend)


def _frame(package: Package, table: str, format: str, verify: bool) -> pd.DataFrame:
    if verify and format == "parquet":
        from ._verify import verify_parquet

        return verify_parquet(package, table)
    from ._read import read_table

    return read_table(package, table, format, verify=verify)


def load_sources(
    *, format: Format = "parquet", verify: bool = False, backend: Backend = "pandas", data_home: DataHome = None
) -> Frame:
    """The source documents: the article's title, language, the path and
    sha256 of its verbatim text in the package, and what is known and unknown
    about its publisher and date. Options as for `load`."""
    return load("sources", format=format, verify=verify, backend=backend, data_home=data_home)


def load_passages(
    *, format: Format = "parquet", verify: bool = False, backend: Backend = "pandas", data_home: DataHome = None
) -> Frame:
    """The article cut into sentences, each with its span and the kind of
    passage it is (headline, reporting, commentary, question, fragment).
    Options as for `load`."""
    return load("passages", format=format, verify=verify, backend=backend, data_home=data_home)


def load_references(
    *, format: Format = "parquet", verify: bool = False, backend: Backend = "pandas", data_home: DataHome = None
) -> Frame:
    """The outside records that values marked ``external`` cite. Options as for `load`."""
    return load("references", format=format, verify=verify, backend=backend, data_home=data_home)


def load_places(
    *, format: Format = "parquet", verify: bool = False, backend: Backend = "pandas", data_home: DataHome = None
) -> Frame:
    """The countries where events take place, with their ISO 3166-1 codes and
    ACLED region, each citing the reference it comes from. Options as for `load`."""
    return load("places", format=format, verify=verify, backend=backend, data_home=data_home)


def load_actors(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
    """Every person, state, government, force, organisation, UN organ, mission
    and group the article names, with type, country, the actor each belongs to
    (``part_of_actor_id``) and a CAMEO-style code. Options as for `load`."""
    return load(
        "actors", format=format, resolve_actors=resolve_actors, verify=verify, backend=backend, data_home=data_home
    )


def load_mentions(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
    """Each place the article names or refers to an actor, with its span.
    Options as for `load`."""
    return load(
        "mentions", format=format, resolve_actors=resolve_actors, verify=verify, backend=backend, data_home=data_home
    )


def load_events(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
    """Who did what to whom, and when: event type, status, PLOVER category,
    mode, context and quad code, initiator and target actors, place, dates
    with their precision and basis and their ACLED and UCDP precision codes,
    and the evidence. ``resolve_actors=True`` adds ``initiator_actor_name`` and
    ``target_actor_name``. Options as for `load`."""
    return load(
        "events", format=format, resolve_actors=resolve_actors, verify=verify, backend=backend, data_home=data_home
    )


def load_statements(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
    """Attributed claims (speaker, addressee, target, speech act, quoted words,
    paraphrase) and the article's own commentary as editorial statements.
    ``resolve_actors=True`` adds ``speaker_actor_name``, ``addressee_actor_name``
    and ``target_actor_name``. Options as for `load`."""
    return load(
        "statements", format=format, resolve_actors=resolve_actors, verify=verify, backend=backend, data_home=data_home
    )


def load_figures(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> Frame:
    """Numeric claims: what is measured, of whom, the value, unit, qualifier
    and implied bounds, and the phrase as written. Options as for `load`."""
    return load(
        "figures", format=format, resolve_actors=resolve_actors, verify=verify, backend=backend, data_home=data_home
    )


def path(name: TableName | str, *, format: Format = "parquet", data_home: DataHome = None) -> Path:
    """The published file of a table, for reading it with other tools."""
    from ._schema import check_format

    format = check_format(format)  # type: ignore[assignment]
    package = _package(data_home)
    return package.path(package.table(name), format)


def descriptor(*, data_home: DataHome = None) -> dict[str, Any]:
    """A deep copy of the parsed datapackage.json."""
    import copy

    return copy.deepcopy(_package(data_home).raw)


def codebook(name: TableName | str, *, data_home: DataHome = None) -> pd.DataFrame:
    """One row per column of a table: field, title, type, the pandas dtype it
    loads as, required, description and allowed values, all from its Table
    Schema. The table's title and description are in ``.attrs``."""
    from ._schema import codebook as build

    package = _package(data_home)
    return build(package, package.table(name))


def _version() -> str:
    """The version single-sourced in datapackage.json, else the installed metadata."""
    try:
        return str(_package(None).raw["version"])
    except (DataFileError, KeyError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("minusma-data")
        except PackageNotFoundError:
            return "0+unknown"


def _literal_aliases() -> dict[str, Any]:
    """`TableName`, `Format` and `Backend` for annotations at run time, built on
    first use (they need typing) from the descriptor, `FORMATS` and `BACKENDS`;
    the static copies above are for type checkers, and a test keeps them equal."""
    from typing import Literal

    return {
        "TableName": Literal[_package(None).tables],  # type: ignore[valid-type]
        "Format": Literal[FORMATS],  # type: ignore[valid-type]
        "Backend": Literal[BACKENDS],
    }  # type: ignore[valid-type]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name == "TABLES":
        return _package(None).tables
    if name in ("TableName", "Format", "Backend"):
        return _literal_aliases()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"__version__", "TABLES", "TableName", "Format", "Backend"})
