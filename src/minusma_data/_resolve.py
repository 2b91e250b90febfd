"""Put actor names beside actor ids, for readers who want names, not slugs.

The pandas version is here; `_arrow` and `_polars` do the same for their
libraries, with the same column names (`name_column`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def name_column(id_column: str) -> str:
    """initiator_actor_id -> initiator_actor_name; actor_id -> actor_name."""
    return id_column.removesuffix("_id") + "_name"


def with_actor_names(frame: pd.DataFrame, id_columns: list[str], actors: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with a `<role>_actor_name` column right after each
    actor id column; empty where the id is empty."""
    import pandas as pd

    from ._schema import string_dtype

    names = pd.Series(actors["name"].to_numpy(), index=actors["actor_id"].to_numpy())
    out = frame.copy()
    for column in id_columns:
        resolved = out[column].map(names).astype(string_dtype())
        out.insert(list(out.columns).index(column) + 1, name_column(column), resolved)
    return out
