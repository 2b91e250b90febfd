"""The errors the loader raises, and the sentences they share.

Each message says what was wrong, where, and what would be right.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not imported from typing, which would slow `import minusma_data`
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

REINSTALL = "pip install --force-reinstall minusma-data"
REBUILD = "python scripts/build.py"


class UnknownTableError(ValueError):
    """A table name that the descriptor does not list."""

    code = "unknown-table"


class UnknownFormatError(ValueError):
    """A file format other than the published ones (parquet, csv), or an
    export format other than those `minusma-data export` writes."""

    code = "unknown-format"


class UnknownBackendError(ValueError):
    """A backend other than the supported ones (pandas, polars, pyarrow)."""

    code = "unknown-backend"


class UnknownLayoutError(ValueError):
    """An event layout other than those `minusma-data export --layout` writes."""

    code = "unknown-layout"


class DataFileError(Exception):
    """A published file is missing or damaged: absent, unreadable, not valid
    CSV or Parquet, at odds with its Table Schema, or (when verification is
    asked for) different from the size and sha256 that datapackage.json records.

    `path` is the file; the message says what is wrong and how to restore it.
    `code` names the kind of problem in words that do not change between
    releases (see CODES), for programs that react to it.
    """

    default_code = "file-damaged"

    def __init__(self, path: Path, problem: str, remedy: str, code: str | None = None) -> None:
        from pathlib import Path

        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        self.code = code or self.default_code
        super().__init__(f"{self.path}: {problem}\n{remedy}")


class DescriptorError(DataFileError):
    """datapackage.json is missing, unreadable or not a Data Package, or
    describes a file the loader must not read (outside its folder)."""

    default_code = "descriptor-malformed"


CODES = {
    # ValueErrors for a name the caller gave
    "unknown-table": "a table the descriptor does not list",
    "unknown-format": "a format the loader does not read, or that the export does not write",
    "unknown-backend": "a library other than pandas, polars and pyarrow",
    "unknown-layout": "an event layout the export does not write",
    # DataFileError
    "file-missing": "a published file is absent",
    "file-unreadable": "a published file cannot be read (permissions, a folder in its place)",
    "file-damaged": "a file is not valid CSV or Parquet, or does not match its Table Schema",
    "hash-mismatch": "a file's size or sha256 differs from what datapackage.json records",
    # DescriptorError
    "descriptor-missing": "datapackage.json is absent",
    "descriptor-unreadable": "datapackage.json cannot be read, or is not JSON",
    "descriptor-malformed": "datapackage.json is not a Data Package the loader can read; the message names "
    "the resource and the key",
    "path-outside-package": "a resource path that is absolute, climbs out with '..', holds a NUL or leads "
    "outside the data folder through a symbolic link",
    "interrupted-publish": "a build was stopped while publishing; the build must be run again to finish it",
    "no-data": "the package has neither bundled data nor a checkout",
    # DescriptorError: data_home names the wrong thing, and nothing is damaged
    "data-home-missing": "data_home names no folder (a mistyped path)",
    "data-home-not-a-folder": "data_home names a file (a release zip, datapackage.json itself, an export "
    "file) instead of the folder holding datapackage.json",
    "not-a-package": "data_home is a folder with neither datapackage.json nor data/: not a data package",
    "unreadable-format": "a data package whose tables are in a format the loader does not read (a JSON "
    "Lines export); it reads CSV and Parquet packages",
    # ExportError: where an export may write, and what it cannot write
    "output-is-data-home": "export --output is the package being read, lies in its data/ folder, or contains it",
    "output-not-empty": "a folder export's --output holds files that are not an earlier export (none of them "
    "is touched)",
    "output-is-a-link": "a folder export's --output is a symbolic link",
    "output-not-a-folder": "--output is a file where a folder is needed, or lies below a file",
    "output-not-a-file": "--output names a folder where the export writes a file",
    "output-unwritable": "--output cannot be written (permissions, a read-only disk); an earlier export is kept",
    "disk-full": "the disk filled up while exporting; an earlier export is kept whole",
    "value-unexportable": "a value the export format cannot hold (a text too long for a spreadsheet cell, "
    "an integer it would round, more rows than a sheet has)",
    "citation-unreadable": "CITATION.cff beside datapackage.json cannot be read as a citation, or is a link "
    "leading out of the package (workbook export)",
    "source-date-epoch-invalid": "SOURCE_DATE_EPOCH is set to something other than a count of seconds",
    "export-format-absent": "a csv or parquet folder export of a package that has no files in that format "
    "(an export in the other format)",
    "extra-missing": "an export whose optional dependencies are not installed (exit 2); the message gives the "
    "pip install that brings them",
    "interrupted": "Ctrl-C stopped the command (exit 130); an export leaves the earlier files whole",
    "background-without-layout": "--include-background without --layout (exit 2)",
    "layout-column-missing": "the events, actors, places, sources or statements table lacks a column a layout "
    "reads (--layout plover or acled)",
}
"""Every `code` a loader or export error carries (DataFileError, DescriptorError,
ExportError and the Unknown*Error classes), and what it means."""


class ExportError(ValueError):
    """What an export cannot do: a value its format cannot hold (a text longer
    than a spreadsheet cell allows), or an --output it may not or cannot write
    (`_output`). `code` is stable (see CODES)."""

    def __init__(self, message: str, code: str = "value-unexportable") -> None:
        self.code = code
        super().__init__(message)


def remedy(kind: str, root: Path) -> str:
    """How to restore a damaged file, for each place the data can come from."""
    if kind == "bundled":
        return f"The package's data is damaged; reinstall it to restore the files: {REINSTALL}"
    if kind == "checkout":
        return f"Rebuild the published files: run `{REBUILD}` in the checkout at {root}."
    return (
        f"It belongs to the copy given as data_home ({root}): restore that copy, "
        "or leave data_home out to read the installed data."
    )


def unknown(kind: str, given: object, choices: Iterable[str]) -> str:
    """'unknown table 'event'; did you mean 'events'? Tables: ...' in the
    manner of seaborn's load_dataset."""
    choices = list(choices)
    text = f"unknown {kind} {given!r}."
    close = closest(str(given).lower(), choices)
    if close:
        text = text[:-1] + f"; did you mean {close!r}?"
    return text + f" {kind.capitalize()}s: {', '.join(choices)}."


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt value, if one is close enough: the
    one did-you-mean of the package, shared by the loader and the build."""
    import difflib

    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
