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


class UnknownFormatError(ValueError):
    """A file format other than the published ones (parquet, csv)."""


class UnknownBackendError(ValueError):
    """A backend other than the supported ones (pandas, polars, pyarrow)."""


class DataFileError(Exception):
    """A published file is missing or damaged: absent, unreadable, not valid
    CSV or Parquet, at odds with its Table Schema, or (when verification is
    asked for) different from the size and sha256 that datapackage.json records.

    `path` is the file; the message says what is wrong and how to restore it.
    """

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        from pathlib import Path

        self.path = Path(path)
        self.problem = problem
        self.remedy = remedy
        super().__init__(f"{self.path}: {problem}\n{remedy}")


class DescriptorError(DataFileError):
    """datapackage.json is missing, unreadable or not a Data Package."""


class ExportError(ValueError):
    """A value or setting that an export format cannot hold as it is, for
    example a text longer than a spreadsheet cell allows."""


def remedy(kind: str, root: Path) -> str:
    """How to restore a damaged file, for each place the data can come from."""
    if kind == "bundled":
        return f"The package's data is damaged; reinstall it to restore the files: {REINSTALL}"
    if kind == "checkout":
        return f"Rebuild the published files: run `{REBUILD}` in the checkout at {root}."
    return (f"It belongs to the copy given as data_home ({root}): restore that copy, "
            "or leave data_home out to read the installed data.")


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
