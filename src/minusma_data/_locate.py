"""Find the published files.

The wheel carries them in minusma_data/_data/ (datapackage.json and data/,
so the descriptor's relative paths still hold). An editable install or a
plain checkout has no such folder; its files sit at the repository root,
two levels above this module. A caller may also name a folder of their own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ._errors import REINSTALL, DescriptorError, closest, remedy
from ._files import DESCRIPTOR, FINISH, INTERRUPTED, JOURNAL

Kind = Literal["data_home", "bundled", "checkout"]


@dataclass(frozen=True)
class Location:
    """A folder holding datapackage.json and data/, and how it was found."""

    root: Path
    kind: Kind

    @property
    def descriptor(self) -> Path:
        return self.root / DESCRIPTOR


def bundled_root() -> Path | None:
    """minusma_data/_data when it is a real folder (a wheel install), else None."""
    from importlib.resources import files

    candidate = files(__package__) / "_data"
    if isinstance(candidate, Path) and candidate.is_dir():
        return candidate
    return None


def checkout_root() -> Path:
    """The repository root when this module runs from src/minusma_data/."""
    return Path(__file__).resolve().parents[2]


def locate(data_home: str | os.PathLike[str] | None = None) -> Location:
    """Where to read from: `data_home` if given, else the bundled copy, else the checkout."""
    if data_home is not None:
        return Location(Path(data_home).expanduser().absolute(), "data_home")
    bundled = bundled_root()
    if bundled is not None:
        return Location(bundled, "bundled")
    checkout = checkout_root()
    if (checkout / DESCRIPTOR).is_file() or (checkout / "pyproject.toml").is_file():
        return Location(checkout, "checkout")
    raise DescriptorError(
        Path(__file__).parent / "_data" / DESCRIPTOR,
        f"no data found: the package has no bundled copy and {checkout} is not a checkout of the repository.",
        f"Reinstall the package to restore its data: {REINSTALL}",
        code="no-data",
    )


PACKAGE_FOLDER = (
    "data_home must be the folder that holds datapackage.json and data/ (an unzipped release, "
    "or an export made with --format csv or --format parquet)"
)


def wrong_data_home(location: Location) -> DescriptorError | None:
    """Why data_home has no datapackage.json, when the path is the mistake
    rather than the package: no such folder, a file, or a folder that holds
    no package at all. None when it looks like a package that lost its
    descriptor (a data/ folder is there): that copy is damaged."""
    if location.kind != "data_home":
        return None
    root = location.root
    if not root.exists():
        return DescriptorError(
            root,
            "no such folder: the data_home given (--data-home on the command line) does not exist.",
            f"Check the path{_did_you_mean(root)}: {PACKAGE_FOLDER}.",
            code="data-home-missing",
        )
    if not root.is_dir():
        if root.name == DESCRIPTOR:
            fix = f"Give the folder that holds it instead: {root.parent}."
        elif root.suffix.lower() == ".zip":
            fix = "Unzip it, and give the folder it unzips to: the one that holds datapackage.json and data/."
        else:
            fix = f"The loader reads packages, not single files: {PACKAGE_FOLDER}."
        return DescriptorError(root, "this is a file, not a folder.", fix, code="data-home-not-a-folder")
    if (root / "data").is_dir():
        return None
    inside = sorted(p.parent for p in root.glob(f"*/{DESCRIPTOR}"))
    hint = f"Did you mean {inside[0]}? " if len(inside) == 1 else ""
    return DescriptorError(
        root,
        "this folder holds neither datapackage.json nor data/: it is not a data package.",
        f"{hint}{PACKAGE_FOLDER}.",
        code="not-a-package",
    )


def _did_you_mean(root: Path) -> str:
    """' (did you mean /x/minusma-data-0.1.0?)' when a sibling's name is close, else ''."""
    try:
        siblings = [p.name for p in root.parent.iterdir() if p.is_dir()]
    except OSError:
        return ""
    close = closest(root.name, siblings)
    return f" (did you mean {root.parent / close}?)" if close else ""


@contextlib.contextmanager
def reading(location: Location) -> Iterator[None]:
    """Hold a shared lock on data/ while the descriptor and the files it
    describes are read, so a build (which holds an exclusive one while it
    publishes) is never seen half done; refuse a publish a killed build left.

    The installed copy is never rebuilt, and a folder that cannot be opened
    cannot be locked; both are read without the lock.
    """
    if location.kind == "bundled":
        yield
        return
    from ._lock import package_lock

    with contextlib.ExitStack() as stack:
        with contextlib.suppress(OSError):
            stack.enter_context(package_lock(location.root, exclusive=False))
        journal = location.root / JOURNAL
        if os.path.lexists(journal):
            raise DescriptorError(
                journal, f"{INTERRUPTED}; {FINISH}.", remedy(location.kind, location.root), code="interrupted-publish"
            )
        yield
