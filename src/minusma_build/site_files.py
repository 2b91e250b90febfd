"""How the explorer page (and every description of the dataset made with
it, minusma_build.about) reaches a file a package names: only inside the
package folder, never through a link leading out of it, and only a regular
file, opened so that a named pipe or a device in its place is refused at
once instead of blocking or reading without end. `site --root` takes any
package, so every path it names is untrusted."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

from minusma_data.buildkit import FileTooLarge, NotRegularFile, leads_outside, read_regular

CITATION = "CITATION.cff"
CITATION_MAX_BYTES = 1_000_000
"""The largest CITATION.cff read (the package's own is a few kilobytes)."""


class SiteError(Exception):
    """The package cannot be shown; `code` is stable, the message says where and what would be right."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.args[0]}"


def inside(root: Path, rel: str, where: str) -> Path:
    """`root/rel`, refused when `rel` would leave the package folder, by its
    text or through a symbolic link (the page would publish the file it leads to)."""
    parts = PurePosixPath(rel).parts
    if not rel or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel or "\0" in rel:
        raise SiteError(
            "path-outside",
            f"{where}: path {rel!r} leaves the package folder; give a relative path inside it, such as data/events.csv",
        )
    path = root / rel
    if leads_outside(root, path):
        raise SiteError(
            "link-outside",
            f"{where}: {path} is a symbolic link to {os.path.realpath(path)}, outside the package; "
            "replace it with the file itself",
        )
    return path


def read_file(
    path: Path, where: str, missing: str = "missing-file", unreadable: str = "unreadable-file", limit: int | None = None
) -> bytes:
    """The bytes of `path` (already checked by `inside`), once the file opened
    is a regular file of at most `limit` bytes. It is opened without blocking
    and checked by its open handle (buildkit.read_regular), so nothing
    swapped in between is read."""
    try:
        return read_regular(path, limit)
    except (FileNotFoundError, NotADirectoryError):
        raise SiteError(missing, f"{where}: {path} is missing; rebuild the package") from None
    except (NotRegularFile, IsADirectoryError):
        raise SiteError(
            unreadable, f"{where}: {path} is not a regular file (a folder, a pipe or a device); give the file"
        ) from None
    except FileTooLarge as exc:
        raise SiteError(unreadable, f"{where}: {path} has {exc.strerror}") from None
    except OSError as exc:
        raise SiteError(unreadable, f"{where}: {path} cannot be read ({exc.strerror})") from None


def read_cff(root: Path) -> dict[str, Any]:
    """CITATION.cff beside the descriptor as a mapping; {} when there is none.
    Read only as a regular file inside the package (a link out is
    `link-outside`); anything that is not a CFF mapping is `citation-unreadable`."""
    path = root / CITATION
    if not os.path.lexists(path):
        return {}
    import yaml

    data = read_file(
        inside(root, CITATION, CITATION), CITATION, unreadable="citation-unreadable", limit=CITATION_MAX_BYTES
    )
    try:
        cff = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as exc:
        raise SiteError(
            "citation-unreadable",
            f"{path} is not UTF-8 YAML ({type(exc).__name__}); repair it, or remove it to cite from datapackage.json",
        ) from None
    if not isinstance(cff, dict):
        raise SiteError(
            "citation-unreadable",
            f"{path} is not a CITATION.cff mapping; repair it, or remove it to cite from datapackage.json",
        )
    return cff
