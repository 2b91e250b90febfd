"""The registry of builders: the build steps that compute a table's derived
columns, looked up by the name a table gives in package.toml
(`builder = "events"`).

A builder receives its table's rows once the steps every table goes through
are done (the curated values, and the evidence located for a table with
provenance columns) and returns them with its columns filled. It may read the
rows of the tables it `needs`, which the build makes first. The "sources"
builder is special in one way: it reads the source texts, which locating any
evidence needs, so it runs before every other table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import claims, facts
from .curated import Row
from .errors import Collector
from .sources import Source, read_sources
from .spec import Spec, Table

TEXTS = "sources"
"""The builder that reads the source texts."""


@dataclass
class Build:
    """What the builders share while the tables are made."""

    spec: Spec
    root: Path
    problems: Collector
    rows: dict[str, list[Row]] = field(default_factory=dict)  # the tables made so far, by name
    sources: dict[str, Source] = field(default_factory=dict)  # the source texts, by source_id
    passages: list[Row] = field(default_factory=list)  # the passages cut from them

    def table_made_by(self, builder: str) -> Table | None:
        return next((t for t in self.spec.tables.values() if t.builder == builder), None)


@dataclass(frozen=True)
class Builder:
    make: Callable[[Table, list[Row], Build], list[Row]]
    needs: tuple[str, ...] = ()  # tables whose rows it reads, made before its own
    curated_entries: bool = True  # False: its rows come from the source texts, not from [[entry]] tables


def _sources(table: Table, rows: list[Row], build: Build) -> list[Row]:
    """The texts: each checked against its sha256, with its length, and cut
    into the passages the passages table publishes."""
    passages = build.table_made_by("passages")
    read = read_sources(build.root, table, passages.curated_names if passages else frozenset())
    build.sources, build.passages = read.sources, read.passage_rows
    return read.source_rows


def _passages(table: Table, rows: list[Row], build: Build) -> list[Row]:
    return build.passages


BUILDERS: dict[str, Builder] = {
    TEXTS: Builder(_sources, curated_entries=False),
    "passages": Builder(_passages, curated_entries=False),
    "places": Builder(facts.places),
    "mentions": Builder(facts.mentions),
    "actors": Builder(facts.actors, needs=("mentions",)),
    "events": Builder(facts.events, needs=("references", "places", "actors")),
    "statements": Builder(facts.statements, needs=("references", "events")),
    "figures": Builder(facts.figures),
    "references": Builder(claims.references),
    "claims": Builder(claims.claims, needs=("references",)),
}
