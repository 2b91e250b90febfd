"""Every way the package can be written elsewhere, once: the export formats
(`minusma-data export --format`) and the event layouts (`--layout`), each
with its writer, file extension, media type, whether it describes itself, and
the extra it needs.

The command line takes its choices from here, `export` refuses any other name
with a stable code, docs/exports.md's table of exports is checked against
`EXPORTS` (tests/test_exporters.py), and the tests iterate over it. Writers
are imported only when used, so reading the registry imports no library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ._errors import UnknownFormatError, UnknownLayoutError, unknown

if TYPE_CHECKING:
    from ._layouts import Omitted
    from ._schema import Package


@dataclass(frozen=True)
class Written:
    """What an export wrote, and (for a layout) the events it left out and why."""

    files: list[Path]
    omitted: list[Omitted] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    name: str
    kind: Literal["format", "layout"]
    extension: str  # of the files holding the rows
    media_type: str  # of those files
    self_describing: bool  # writes a datapackage.json with every Table Schema, which frictionless validates
    extra: str | None  # the optional dependencies it needs: pip install "minusma-data[<extra>]"
    modules: tuple[str, ...]  # the modules that extra installs, checked before anything is written
    summary: str  # what it writes, for --help and docs/exports.md
    write: Callable[[Package, Path, bool], Written]  # (package, output, include_background)

    def install_hint(self) -> str | None:
        """How to install what this export needs, when something is missing; None when all is there."""
        for module in self.modules:
            try:
                importlib.import_module(module)
            except ImportError:
                return f'pip install "minusma-data[{self.extra}]"'
        return None


def _package_writer(format: str) -> Callable[[Package, Path, bool], Written]:
    def write(package: Package, output: Path, include_background: bool) -> Written:
        from ._export import write_package

        return Written(write_package(package, EXPORTS[format], output))

    return write


def _write_sqlite(package: Package, output: Path, include_background: bool) -> Written:
    from ._sqlite import export_database

    return Written(export_database(package, output))


def _write_xlsx(package: Package, output: Path, include_background: bool) -> Written:
    from ._xlsx import write_workbook

    return Written([write_workbook(package, output)])


def _layout_writer(layout: str) -> Callable[[Package, Path, bool], Written]:
    def write(package: Package, output: Path, include_background: bool) -> Written:
        from ._layouts import export_layout

        return export_layout(package, layout, output, include_background=include_background)

    return write


_ALL = (
    Exporter(
        "csv", "format", ".csv", "text/csv", True, None, (),
        "a data package of CSV files, copied from the published ones", _package_writer("csv"),
    ),
    Exporter(
        "parquet", "format", ".parquet", "application/vnd.apache.parquet", True, None, (),
        "a data package of Parquet files, copied from the published ones", _package_writer("parquet"),
    ),
    Exporter(
        "jsonl", "format", ".jsonl", "application/jsonl", True, None, (),
        "a data package of JSON Lines files, one object per row", _package_writer("jsonl"),
    ),
    Exporter(
        "sqlite", "format", ".sqlite", "application/vnd.sqlite3", False, None, (),
        "one SQLite database with keys, vocabularies and descriptions, and Datasette metadata beside it",
        _write_sqlite,
    ),
    Exporter(
        "xlsx", "format", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False,
        "xlsx", ("xlsxwriter", "yaml"), "one Excel workbook: a sheet per table, a codebook and an about sheet",
        _write_xlsx,
    ),
    Exporter(
        "plover", "layout", ".jsonl", "application/jsonl", False, None, (),
        "the events as PLOVER JSON Lines records, with the events left out and why", _layout_writer("plover"),
    ),
    Exporter(
        "acled", "layout", ".csv", "text/csv", False, None, (),
        "the events as rows of ACLED's export columns, with the events left out and why", _layout_writer("acled"),
    ),
)  # fmt: skip

EXPORTS: dict[str, Exporter] = {e.name: e for e in _ALL if e.kind == "format"}
"""Export formats by name, in the order --help lists them; csv is the default."""

LAYOUTS: dict[str, Exporter] = {e.name: e for e in _ALL if e.kind == "layout"}
"""Event layouts by name."""


def exporter(format: object = "csv", layout: object = None) -> Exporter:
    """The exporter for a format, or for a layout when one is given; an unknown
    name raises UnknownFormatError or UnknownLayoutError naming the known ones."""
    if layout is not None:
        if isinstance(layout, str) and layout in LAYOUTS:
            return LAYOUTS[layout]
        raise UnknownLayoutError(unknown("layout", layout, LAYOUTS))
    if isinstance(format, str) and format in EXPORTS:
        return EXPORTS[format]
    raise UnknownFormatError(unknown("export format", format, EXPORTS))


def export(
    package: Package,
    output: Path,
    *,
    format: str = "csv",
    layout: str | None = None,
    include_background: bool = False,
) -> Written:
    """Write the package (or, with `layout`, its events) to `output`, under
    the package's read lock (`_locate.reading`) from the first file read to
    the last: a build publishing meanwhile waits, so the export is one version.
    `include_background` (layouts only) also writes the background history the
    article recalls (docs/coding.md, X1)."""
    chosen = exporter(format, layout)
    if include_background and chosen.kind != "layout":
        raise ValueError("include_background selects events for a layout (plover or acled); give a layout")
    hint = chosen.install_hint()
    if hint is not None:
        raise ImportError(f"export --{chosen.kind} {chosen.name} needs {chosen.extra!r}; install it with: {hint}")
    from ._locate import reading
    from ._output import refuse_data_home

    refuse_data_home(package, Path(output), folder=chosen.self_describing)  # a package folder, swapped in whole
    with reading(package.location):
        return chosen.write(package, Path(output), include_background)
