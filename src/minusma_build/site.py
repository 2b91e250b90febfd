"""Write the explorer page: the article with every fact marked where it
stands, the timeline, the tables, the data dictionary and the downloads.

    python -m minusma_build.site --output site
    python -m minusma_build.site --output site --release-zip dist/minusma-data-0.1.0.zip

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


def check_release_zip(package: Package, path: Path) -> str:
    """The zip's file name, once it is a zip named for this package's version."""
    expected = f"{package.descriptor.get('name', 'package')}-{package.version}.zip"
    if not path.is_file():
        raise SiteError(
            "release-zip-missing",
            f"--release-zip {path} does not exist; make it with python -m minusma_build.release --zip-only",
        )
    if not zipfile.is_zipfile(path):
        raise SiteError("release-zip-bad", f"--release-zip {path} is not a zip archive")
    if path.name != expected:
        raise SiteError(
            "release-zip-name", f"--release-zip {path.name} does not match the package version; expected {expected}"
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


def render(package: Package, release_zip: Path | None) -> dict[str, bytes]:
    """Every file of the page, by its path inside the output folder."""
    zip_name = check_release_zip(package, release_zip) if release_zip else None
    files = {"index.html": page_html(package, release_zip=zip_name, asset_names=ASSET_NAMES).encode("utf-8")}
    for name in ASSET_NAMES:
        files[name] = (ASSETS / Path(name).name).read_bytes()
    for rel in dict.fromkeys(package.files):
        files[rel] = inside(package.root, rel, "published file").read_bytes()
    if release_zip and zip_name:
        files[zip_name] = release_zip.read_bytes()
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


def build_site(root: Path, output: Path, release_zip: Path | None = None) -> dict[str, bytes]:
    files = render(read_package(root), release_zip)
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
    args = parser.parse_args(argv)
    try:
        files = build_site(args.root.resolve(), args.output.absolute(), args.release_zip)
    except SiteError as exc:
        print(f"site: {exc}", file=sys.stderr)
        return 1
    page = sum(len(files[n]) for n in ("index.html", *ASSET_NAMES))
    print(
        f"wrote {args.output}/: index.html and assets {page / 1024:.0f} KB, {len(files) - 3} published "
        f"file(s){'' if args.release_zip else ', no release zip (give --release-zip to link one)'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
