"""One typed loader per table of datapackage.json, and the `TableName` literal.

Generated from datapackage.json by `python -m minusma_build.loaders`; do not
edit by hand. `make test` runs it with `--check`, which fails when a table is
added, removed or described anew without this file being generated again.
"""

from __future__ import annotations

from ._load import load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal, overload

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._types import Backend, DataHome, Format

    TableName = Literal[
        "sources",
        "passages",
        "references",
        "places",
        "actors",
        "mentions",
        "events",
        "statements",
        "figures",
        "claims",
    ]
else:
    from minusma_data._overload import overload

__all__ = [
    "load_actors",
    "load_claims",
    "load_events",
    "load_figures",
    "load_mentions",
    "load_passages",
    "load_places",
    "load_references",
    "load_sources",
    "load_statements",
]


@overload
def load_sources(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_sources(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_sources(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_sources(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_sources(
    *,
    format: Format = "parquet",
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """One row per source document: the verbatim text shipped in data/source/, its checksum and
    length, and what is known and unknown about it. Options as for `load`;
    ``codebook("sources")`` describes the columns."""
    return load(
        "sources",
        format=format,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_passages(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_passages(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_passages(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_passages(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_passages(
    *,
    format: Format = "parquet",
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """The article cut into sentences, each with the kind of passage it is. Together they cover
    every non-blank character of the text exactly once; every fact's evidence lies inside
    one passage. Options as for `load`; ``codebook("passages")`` describes the columns."""
    return load(
        "passages",
        format=format,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_references(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_references(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_references(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_references(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_references(
    *,
    format: Format = "parquet",
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Outside records that external values cite and that claims are checked against. Each row
    is one checked fact from outside the article, with the record that supports it. Options
    as for `load`; ``codebook("references")`` describes the columns."""
    return load(
        "references",
        format=format,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_places(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_places(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_places(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_places(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_places(
    *,
    format: Format = "parquet",
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Countries where events take place, with their standard identifiers. The name is the
    text's; every identifier comes from outside the text and cites a row of the references
    table. Options as for `load`; ``codebook("places")`` describes the columns."""
    return load(
        "places",
        format=format,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_actors(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_actors(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_actors(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_actors(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_actors(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Every person, state, government, armed force, organisation, UN organ, mission and group
    the article names. ``resolve_actors=True`` adds ``part_of_actor_name``. Options as for
    `load`; ``codebook("actors")`` describes the columns."""
    return load(
        "actors",
        format=format,
        resolve_actors=resolve_actors,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_mentions(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_mentions(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_mentions(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_mentions(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_mentions(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Each place the article names or refers to an actor, with its span: proof that every
    actor comes from the text, and material for studying how actors are framed.
    ``resolve_actors=True`` adds ``actor_name``. Options as for `load`;
    ``codebook("mentions")`` describes the columns."""
    return load(
        "mentions",
        format=format,
        resolve_actors=resolve_actors,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_events(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_events(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_events(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_events(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_events(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Who did what to whom, and when: past, ongoing, planned and alleged events the article
    reports. ``resolve_actors=True`` adds ``initiator_actor_name`` and
    ``target_actor_name``. Options as for `load`; ``codebook("events")`` describes the
    columns."""
    return load(
        "events",
        format=format,
        resolve_actors=resolve_actors,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_statements(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_statements(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_statements(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_statements(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_statements(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Attributed claims, and the article's own commentary as editorial statements with no
    speaker. ``resolve_actors=True`` adds ``speaker_actor_name``, ``addressee_actor_name``
    and ``target_actor_name``. Options as for `load`; ``codebook("statements")`` describes
    the columns."""
    return load(
        "statements",
        format=format,
        resolve_actors=resolve_actors,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_figures(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_figures(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_figures(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_figures(
    *,
    format: Format = ...,
    resolve_actors: bool = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_figures(
    *,
    format: Format = "parquet",
    resolve_actors: bool = False,
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Numeric claims: what is measured, of whom, the value with its unit, qualifier and
    implied bounds, and the phrase as written. ``resolve_actors=True`` adds
    ``subject_actor_name``. Options as for `load`; ``codebook("figures")`` describes the
    columns."""
    return load(
        "figures",
        format=format,
        resolve_actors=resolve_actors,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )


@overload
def load_claims(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pandas"] = ...,
    data_home: DataHome = ...,
) -> pd.DataFrame: ...
@overload
def load_claims(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["polars"],
    data_home: DataHome = ...,
) -> pl.DataFrame: ...
@overload
def load_claims(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Literal["pyarrow"],
    data_home: DataHome = ...,
) -> pa.Table: ...
@overload
def load_claims(
    *,
    format: Format = ...,
    verify: bool = ...,
    backend: Backend,
    data_home: DataHome = ...,
) -> pd.DataFrame | pl.DataFrame | pa.Table: ...
def load_claims(
    *,
    format: Format = "parquet",
    verify: bool = False,
    backend: Backend = "pandas",
    data_home: DataHome = None,
) -> pd.DataFrame | pl.DataFrame | pa.Table:
    """Checkable claims of the article, each compared with an outside record: the words that
    make the claim, the record it is checked against, a verdict, the confidence inherited
    from the record, and a note on how the two relate. Options as for `load`;
    ``codebook("claims")`` describes the columns."""
    return load(
        "claims",
        format=format,
        verify=verify,
        backend=backend,
        data_home=data_home,
    )
