"""Make the rows of every table package.toml declares, the same way for each:
read its curated entries, refuse keys it does not have, locate its evidence if
it has the provenance columns, then let its builder (if it names one) compute
its derived columns. Normalising and checking follow in the pipeline.

No table is known here by name: the declarations say which file, which
builder and which evidence, and what is wrong with them is reported as a
problem of package.toml, never as a KeyError.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .builders import BUILDERS, TEXTS, Build
from .curated import SPEC_FILE, Entry, Row, read_entries
from .errors import Collector, did_you_mean
from .provenance import located
from .sources import Source
from .spec import Spec, Table


@dataclass
class Assembled:
    rows: dict[str, list[Row]]  # every table's rows, by name
    sources: dict[str, Source]
    texts_table: str  # the table of the source texts, whose rows the descriptor lists as its sources


def assemble(spec: Spec, root: Path) -> Assembled:
    """Read everything and compute every table's rows, or raise BuildError."""
    order, texts = plan(spec)
    build = Build(spec, root, Collector())
    if texts is not None:
        table = spec.tables[texts]
        build.rows[texts] = BUILDERS[TEXTS].make(table, [], build)
    entries = {name: read_entries(root, spec.tables[name]) for name in spec.tables if _reads_entries(spec.tables[name])}
    for name in order:
        table = spec.tables[name]
        if name == texts:
            continue
        rows = [_row(table, e, build) for e in entries[name]] if name in entries else []
        _check_keys(table, entries.get(name, []), build.problems)
        builder = BUILDERS.get(table.builder) if table.builder else None
        build.rows[name] = builder.make(table, rows, build) if builder else rows
    build.problems.raise_if_any()
    return Assembled(build.rows, build.sources, texts or "")


def plan(spec: Spec) -> tuple[list[str], str | None]:
    """The order to make the tables in (each after the tables its builder
    needs, else as declared) and the table of the source texts; BuildError
    naming each declaration that cannot be followed."""
    problems = Collector()

    def bad(code: str, name: str, key: str, message: str) -> None:
        problems.add(code, SPEC_FILE, f"table '{name}'", key, message)

    made_by: dict[str, str] = {}
    for name, table in spec.tables.items():
        if table.builder is None:
            continue
        if table.builder not in BUILDERS:
            bad(
                "table-unknown-builder",
                name,
                "builder",
                f"unknown builder {table.builder!r}"
                + did_you_mean(table.builder, sorted(BUILDERS))
                + f"; the builders are {', '.join(BUILDERS)}, or leave `builder` out to publish "
                "the curated values as they are",
            )
        elif table.builder in made_by:
            bad(
                "table-builder-twice",
                name,
                "builder",
                f"table '{made_by[table.builder]}' is already made by builder {table.builder!r}; "
                "a builder makes one table",
            )
        else:
            made_by[table.builder] = name
    texts = made_by.get(TEXTS)
    needs: dict[str, list[str]] = {}
    for name, table in spec.tables.items():
        builder = BUILDERS.get(table.builder) if table.builder else None
        wanted = list(builder.needs) if builder else []
        if (table.has_evidence or (builder and not builder.curated_entries)) and table.builder != TEXTS:
            if texts is None:
                bad(
                    "table-needs-table",
                    name,
                    "evidence" if table.has_evidence else "builder",
                    f"it is made from the source texts, which the table with builder = {TEXTS!r} reads; "
                    "declare that table",
                )
            else:
                wanted.append(texts)
        for other in wanted:
            if other not in spec.tables:
                bad(
                    "table-needs-table",
                    name,
                    "builder",
                    f"builder {table.builder!r} reads the table {other!r}, which package.toml does not declare; "
                    f"declare [tables.{other}], or choose another builder",
                )
        needs[name] = [n for n in wanted if n in spec.tables]
    problems.raise_if_any()
    order: list[str] = []
    while len(order) < len(spec.tables):
        ready = [n for n in spec.tables if n not in order and all(m in order for m in needs[n])]
        if not ready:
            for name in spec.tables:
                if name not in order:
                    bad(
                        "table-needs-cycle",
                        name,
                        "builder",
                        f"its builder needs {', '.join(needs[name])}, whose builders need it in turn; "
                        "the tables cannot be made in any order: change a builder",
                    )
            problems.raise_if_any()
        order.append(ready[0])
    return order, texts


def _reads_entries(table: Table) -> bool:
    builder = BUILDERS.get(table.builder) if table.builder else None
    return builder is None or builder.curated_entries


def _row(table: Table, e: Entry, build: Build) -> Row:
    """The entry's own values, without the keys that are not columns, and
    where its evidence lies if the table has evidence."""
    values = {k: v for k, v in e.data.items() if k not in table.curated_keys}
    if table.has_evidence:
        values.update(located(e, build.sources, build.problems))
    return Row(e, values)


def _check_keys(table: Table, entries: list[Entry], problems: Collector) -> None:
    """Refuse keys the table does not have, or that the build computes."""
    allowed = table.curated_names
    for e in entries:
        for key in sorted(set(e.data) - allowed):
            hint = " (it is computed by the build)" if key in table.computed else did_you_mean(key, sorted(allowed))
            problems.add("unknown-field", e.file, e.label, key, "unknown field" + hint)
