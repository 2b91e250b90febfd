"""Write the explorer page: the article with every fact marked where it
stands, the timeline, the tables, the data dictionary and the downloads.

    python -m minusma_build.site --output site
    python -m minusma_build.site --output site --release-zip dist/minusma-data-0.1.0.zip \
        --release-workbook dist/minusma-data-0.1.0.xlsx

Made only from the published package (datapackage.json, the tables and the
source text), so the page shows what a user downloads. The output is
self-contained (no file from the network; it works from file:// and on
GitHub Pages) and deterministic: the same package gives the same bytes.
The folder is written beside its final place and swapped in whole, so a
failed run leaves the previous page as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from .site_data import Package, SiteError, inside, read_package
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


def check_release_file(package: Package, path: Path, kind: str) -> str:
    """The file's name, once it is a zip file named for this package's version
    (`minusma-data-<version>.zip` or `.xlsx`)."""
    option, what, make = RELEASE_FILES[kind]
    expected = f"{package.descriptor.get('name', 'package')}-{package.version}{SUFFIXES[kind]}"
    if not path.is_file():
        raise SiteError(f"release-{kind}-missing", f"{option} {path} does not exist; make it with {make}")
    if not zipfile.is_zipfile(path):
        raise SiteError(f"release-{kind}-bad", f"{option} {path} is not {what}")
    if path.name != expected:
        raise SiteError(
            f"release-{kind}-name", f"{option} {path.name} does not match the package version; expected {expected}"
        )
    return path.name


def check_output(output: Path) -> None:
    if output.exists() and not output.is_dir():
        raise SiteError("output-not-folder", f"--output {output} is a file; give a folder")
    if output.is_dir() and any(output.iterdir()):
        index = output / "index.html"
        if not (index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace")):
            raise SiteError(
                "output-not-site",
                f"--output {output} is a folder this program did not write; give an empty or new folder, such as site",
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
        files[rel] = inside(package.root, rel, "published file").read_bytes()
    for given, copied in ((release_zip, zip_name), (release_workbook, book_name)):
        if given and copied:
            files[copied] = given.read_bytes()
    return files


def write(output: Path, files: dict[str, bytes]) -> None:
    """Write into a staging folder beside `output`, then swap it in."""
    check_output(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-staging-", dir=output.parent))
    try:
        for rel, data in sorted(files.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        os.chmod(staging, 0o755)
        old = None
        if output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}-old-", dir=output.parent))
            output.replace(old / "site")
        staging.replace(output)
        if old:
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def build_site(
    root: Path, output: Path, release_zip: Path | None = None, release_workbook: Path | None = None
) -> dict[str, bytes]:
    files = render(read_package(root), release_zip, release_workbook)
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
    args = parser.parse_args(argv)
    try:
        files = build_site(args.root.resolve(), args.output.absolute(), args.release_zip, args.release_workbook)
    except SiteError as exc:
        print(f"site: {exc}", file=sys.stderr)
        return 1
    page = sum(len(files[n]) for n in ("index.html", *ASSET_NAMES))
    missing = [
        option
        for option, given in (("--release-zip", args.release_zip), ("--release-workbook", args.release_workbook))
        if not given
    ]
    print(
        f"wrote {args.output}/: index.html and assets {page / 1024:.0f} KB, {len(files) - 3} published "
        f"file(s){''.join(f', nothing linked for {option}' for option in missing)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
