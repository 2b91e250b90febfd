"""Write the explorer page: the article with every fact marked where it
stands, the timeline, the tables, the data dictionary and the downloads.

    python -m minusma_build.site --output site
    python -m minusma_build.site --output site --release-dir dist
    python -m minusma_build.site --output site --release-zip dist/minusma-data-0.1.0.zip \
        --release-workbook dist/minusma-data-0.1.0.xlsx

Made only from the published package (datapackage.json, the tables and the
source text), read under the package's read lock, so the page shows what a
user downloads, of one version. The output is self-contained (no file from
the network; it works from file:// and on GitHub Pages) and deterministic:
the same package gives the same bytes. The folder is written beside its
final place and swapped in whole, so a failed or interrupted run leaves the
previous page as it was; it replaces only a folder that is empty or that it
wrote itself (MARKER lists the files it wrote), so no other file is lost.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from .site_data import Package, read_package, reading
from .site_files import SiteError, inside, read_file
from .site_page import GENERATOR, page_html

REPO_ROOT = Path(__file__).resolve().parents[2]
ASSETS = Path(__file__).with_name("site_assets")
ASSET_NAMES = ("assets/site.css", "assets/site.js")


RELEASE_FILES = {
    "zip": ("--release-zip", "a zip archive", "python -m minusma_build.release --zip-only"),
    "workbook": ("--release-workbook", "an Excel workbook", "minusma-data export --format xlsx --output dist"),
}
"""What the page may link beside the package's own files: option, what it
must be, and how to make it. Both are zip files (an .xlsx is one)."""
SUFFIXES = {"zip": ".zip", "workbook": ".xlsx"}
MARKER = ".minusma-site.json"
"""Written into every page folder: the generator and the files it wrote. A
folder is replaced only when it holds this and no file it does not list."""


def release_name(package: Package, kind: str) -> str:
    """`minusma-data-<version>.zip` or `.xlsx`: the release file of this package's version."""
    return f"{package.descriptor.get('name', 'package')}-{package.version}{SUFFIXES[kind]}"


def check_release_file(package: Package, path: Path, kind: str) -> str:
    """The file's name, once it is a zip file named for this package's version
    (`minusma-data-<version>.zip` or `.xlsx`)."""
    option, what, make = RELEASE_FILES[kind]
    expected = release_name(package, kind)
    if not path.is_file():
        raise SiteError(f"release-{kind}-missing", f"{option} {path} does not exist; make it with {make}")
    if not zipfile.is_zipfile(path):
        raise SiteError(f"release-{kind}-bad", f"{option} {path} is not {what}")
    if path.name != expected:
        raise SiteError(
            f"release-{kind}-name", f"{option} {path.name} does not match the package version; expected {expected}"
        )
    return path.name


def folder_files(folder: Path) -> set[str]:
    """Every entry below `folder` that is not a folder (files, links), as POSIX paths."""
    found = set()
    for top, dirs, names in os.walk(folder):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(top, d))]:
            found.add(Path(os.path.relpath(os.path.join(top, name), folder)).as_posix())
    return found


def written_before(output: Path) -> set[str] | None:
    """The files MARKER says a previous run wrote into `output`, or None when it has no readable marker."""
    try:
        marker = json.loads((output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    listed = marker.get("files") if isinstance(marker, dict) and marker.get("generator") == GENERATOR else None
    return {f for f in listed if isinstance(f, str)} if isinstance(listed, list) else None


def check_output(output: Path, files: dict[str, bytes] | None = None) -> None:
    """Refuse an --output that is not a folder, or a folder holding a file
    this program did not write there (a user's own files are never replaced).
    A page written before MARKER existed (its index.html names the generator)
    is recognised when it holds only files this run writes again."""
    if os.path.islink(output) or (output.exists() and not output.is_dir()):
        raise SiteError("output-not-folder", f"--output {output} is a file or a link; give a folder")
    below = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
    if below is not None:
        raise SiteError("output-not-folder", f"--output {output} is below the file {below}; give a folder")
    if not output.is_dir():
        return
    present = folder_files(output)
    if not present:
        return
    before = written_before(output)
    if before is None:
        index = output / "index.html"
        legacy = index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace")
        if not legacy or not present <= set(files or ()):
            raise SiteError(
                "output-not-site",
                f"--output {output} is a folder this program did not write; give an empty or new folder, such as site",
            )
        return
    foreign = sorted(present - before - {MARKER})
    if foreign:
        raise SiteError(
            "output-not-site",
            f"--output {output} holds {foreign[0]}"
            + (f" and {len(foreign) - 1} more file(s)" if len(foreign) > 1 else "")
            + " that this program did not write; move them out, or give an empty or new folder",
        )


def render(package: Package, release_zip: Path | None, release_workbook: Path | None = None) -> dict[str, bytes]:
    """Every file of the page, by its path inside the output folder."""
    zip_name = check_release_file(package, release_zip, "zip") if release_zip else None
    book_name = check_release_file(package, release_workbook, "workbook") if release_workbook else None
    html = page_html(package, release_zip=zip_name, release_workbook=book_name, asset_names=ASSET_NAMES)
    files = {"index.html": html.encode("utf-8")}
    for name in ASSET_NAMES:
        files[name] = (ASSETS / Path(name).name).read_bytes()
    for rel in dict.fromkeys(package.files):
        files[rel] = read_file(inside(package.root, rel, "published file"), "published file")
    for given, copied in ((release_zip, zip_name), (release_workbook, book_name)):
        if given and copied:
            files[copied] = given.read_bytes()
    return files


RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (renameat2 RENAME_EXCHANGE); False where
    the system cannot, so the caller falls back to two renames."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: a file system or kernel without it
        return False
    raise OSError(err, os.strerror(err), str(b))


def write(output: Path, files: dict[str, bytes]) -> None:
    """Write into a staging folder beside `output`, then swap it in: a reader
    (or a run interrupted at any point) finds the old page or the new one."""
    check_output(output, files)
    staging: Path | None = None
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-staging-", dir=output.parent))
        marker = {"generator": GENERATOR, "files": sorted(files)}
        for rel, data in sorted({**files, MARKER: json.dumps(marker, indent=1).encode("utf-8")}.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        if not output.exists():
            staging.replace(output)
        elif not exchange(staging, output):
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
            output.replace(old / "site")
            staging.replace(output)
            shutil.rmtree(old)
    except OSError as exc:
        raise SiteError(
            "output-unusable",
            f"--output {output}: cannot write it ({exc.strerror or exc}); give a folder you can write",
        ) from None
    finally:
        if staging is not None and staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def read_and_render(
    root: Path, release_zip: Path | None = None, release_workbook: Path | None = None, release_dir: Path | None = None
) -> dict[str, bytes]:
    """Every file of the page, read under the package's read lock (one version,
    never a mix). With `release_dir`, the release files of the package's
    version are looked for there, so the version never passes through a shell.
    A value of a type the page cannot read is refused in one line."""
    with reading(root):
        try:
            package = read_package(root)
            if release_dir is not None:
                release_zip = release_zip or release_dir / release_name(package, "zip")
                release_workbook = release_workbook or release_dir / release_name(package, "workbook")
            return render(package, release_zip, release_workbook)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError, RecursionError) as exc:
            raise SiteError(
                "bad-descriptor",
                f"{root / 'datapackage.json'} holds a value the page cannot read ({type(exc).__name__}: {exc}); "
                "rebuild the package",
            ) from None


def build_site(
    root: Path,
    output: Path,
    release_zip: Path | None = None,
    release_workbook: Path | None = None,
    release_dir: Path | None = None,
) -> dict[str, bytes]:
    files = read_and_render(root, release_zip, release_workbook, release_dir)
    write(output, files)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minusma_build.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=Path("site"), help="the folder to write (default: site)")
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO_ROOT,
        help="the folder holding datapackage.json and data/ (default: this repository)",
    )
    parser.add_argument(
        "--release-zip",
        type=Path,
        default=None,
        help="a release archive minusma-data-<version>.zip to copy into the page and link",
    )
    parser.add_argument(
        "--release-workbook",
        type=Path,
        default=None,
        help="the release's workbook minusma-data-<version>.xlsx to copy into the page and link",
    )
    parser.add_argument(
        "--release-dir",
        type=Path,
        default=None,
        help="a folder holding minusma-data-<version>.zip and .xlsx of the package's version (as make site writes)",
    )
    args = parser.parse_args(argv)
    try:
        files = build_site(
            args.root.resolve(), args.output.absolute(), args.release_zip, args.release_workbook, args.release_dir
        )
    except SiteError as exc:
        print(f"site: {exc}", file=sys.stderr)
        return 1
    page = sum(len(files[n]) for n in ("index.html", *ASSET_NAMES))
    missing = [
        option
        for option, given in (("--release-zip", args.release_zip), ("--release-workbook", args.release_workbook))
        if not (given or args.release_dir)
    ]
    print(
        f"wrote {args.output}/: index.html and assets {page / 1024:.0f} KB, {len(files) - 3} published "
        f"file(s){''.join(f', nothing linked for {option}' for option in missing)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
