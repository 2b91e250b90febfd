"""Where a package keeps its files, written once for the loader, the exports,
the diff and the build: the descriptor's name, the `data/<table>.<format>`
rule, and the journal a build writes while it publishes."""

from pathlib import Path

DESCRIPTOR = "datapackage.json"
"""The descriptor at the root of every package folder and release zip."""

JOURNAL = "data/.publish-journal.json"
"""Written by the build while it moves new files into place (minusma_build.publish);
a journal on disk means a publish was interrupted."""

INTERRUPTED = "a build was interrupted while publishing"
FINISH = "run python scripts/build.py to finish it"
"""What a journal on disk means, and what to do about it: the loader, `--check`
and the build say the same."""


def leads_outside(root: Path, path: Path) -> bool:
    """Whether `path`, followed through every symbolic link, ends outside the
    package folder `root` (a link loop counts as outside). The one rule for
    every reader: the loader, the workbook's citation and the explorer page
    read nothing it says is outside."""
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return True


def data_path(table: str, format: str) -> str:
    """The path of a table's file in a package: data/<table>.<format>."""
    return f"data/{table}.{format}"
