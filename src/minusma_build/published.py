"""The files a build publishes, named once: the build keys its outputs by
them (pipeline.produce), and finishing an interrupted publish moves or
removes no other file, whatever a journal says (publish.journal_problem)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from minusma_data.buildkit import DESCRIPTOR, data_path


class TableFiles(NamedTuple):
    """A table's published files, one field per format."""

    csv: str
    parquet: str


def table_files(table: str) -> TableFiles:
    return TableFiles(*(data_path(table, format) for format in TableFiles._fields))


def published_paths(tables: Iterable[str]) -> frozenset[str]:
    """Every file a build of these tables publishes: the descriptor and each table's files."""
    return frozenset((DESCRIPTOR, *(path for table in tables for path in table_files(table))))
