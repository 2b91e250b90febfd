"""Build the release files into dist/, from the last commit, byte for byte
the same every time, and check them.

    python -m minusma_build.release                      # dist/: wheel, sdist, zip, SHA256SUMS; then verify
    python -m minusma_build.release --zip-only --output DIR
    python -m minusma_build.release --check-bump BASE    # CI: is the version bumped far enough?
    python -m minusma_build.release --prepare [--date YYYY-MM-DD] [--previous OLD]
    python -m minusma_build.release --notes              # the changelog section of this version

Every file is built from `git archive HEAD` (what is committed, not what is
lying in the working tree), with SOURCE_DATE_EPOCH set to the last commit's
time: hatchling then writes reproducible wheels and sdists, and the zip takes
the same timestamp, sorted entries and fixed permissions. A further release
file is one more entry in ARTIFACTS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from minusma_data.buildkit import DESCRIPTOR, write_atomic

from . import croissant
from .release_errors import ReleaseError
from .versioning import check_bump, curated_version, extract_commit, prepare, release_notes
from .zip_readme import readme_bytes

REPO_ROOT = Path(__file__).resolve().parents[2]
SUMS = "SHA256SUMS"
# The documents a zip-only reader needs, copied as they are: every relative
# link in them, and in the README, resolves inside the zip (tests/test_release_zip.py).
ZIP_DOCUMENTS = (
    "LICENSE",
    "LICENSE-DATA",
    "CITATION.cff",
    "CHANGELOG.md",
    "docs/data-dictionary.md",
    "docs/codebook.md",
    "docs/coding.md",
    "docs/files.md",
    "docs/method.md",
    "docs/discovery.md",
    "docs/reading.md",
    "docs/spreadsheets.md",
    "docs/versioning.md",
    "docs/timeline.png",
)
# Files written for the zip from the tree: its README (opened by a Hugging Face dataset card)
# and croissant.json, made from the zip's own descriptor and files like the repository's.
ZIP_GENERATED: dict[str, Callable[[Path], bytes]] = {"README.md": readme_bytes, croissant.TARGET: croissant.render}
ZIP_EPOCH_FLOOR = 315532800  # 1980-01-01: a zip cannot record an earlier time
ZIP_LAST_YEAR = 2107  # nor a later year than this (seven bits from 1980)
TAG_VARIABLE = "RELEASE_TAG"
"""The environment variable that gives --tag's default."""


@dataclass(frozen=True)
class Context:
    """What every builder needs: the exported commit, its version and time."""

    tree: Path
    version: str
    epoch: int
    python: str = sys.executable

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
        return {**env, "SOURCE_DATE_EPOCH": str(self.epoch), "PYTHONHASHSEED": "0"}


Builder = Callable[[Context, Path], None]


@dataclass(frozen=True)
class Artifact:
    """One release file: its name (from the version) and how to write it."""

    pattern: str
    build: Builder

    def name(self, version: str) -> str:
        return self.pattern.format(version=version)


# -- builders --------------------------------------------------------------------


def _run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise ReleaseError(
            f"{what} failed (exit {done.returncode}): {tail[-1] if tail else 'no message'}", "step-failed"
        )
    return done


def python_build(kind: str) -> Builder:
    """The wheel or the sdist, by `python -m build` with SOURCE_DATE_EPOCH."""

    def build(ctx: Context, out: Path) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # The hatchling at hand when there is one (no network, no version drift between runs).
            isolation = ["--no-isolation"] if importlib.util.find_spec("hatchling") else []
            _run(
                [ctx.python, "-m", "build", f"--{kind}", "--outdir", tmp, *isolation, str(ctx.tree)],
                f"python -m build --{kind}",
                env=ctx.env(),
            )
            made = sorted(Path(tmp).iterdir())
            if [p.name for p in made] != [out.name]:
                raise ReleaseError(
                    f"python -m build --{kind} wrote {[p.name for p in made]}, expected {out.name}", "step-failed"
                )
            shutil.move(made[0], out)

    return build


def data_zip(ctx: Context, out: Path) -> None:
    write_zip(ctx.tree, out, ctx.epoch)


def cli_export(format: str) -> Builder:
    """A file written by `python -m minusma_data export --format FORMAT --output PATH`,
    reading the exported commit's package."""

    def build(ctx: Context, out: Path) -> None:
        env = {**ctx.env(), "PYTHONPATH": str(ctx.tree / "src")}
        _run(
            [
                ctx.python,
                "-m",
                "minusma_data",
                "--data-home",
                str(ctx.tree),
                "export",
                "--format",
                format,
                "--output",
                str(out),
            ],
            f"minusma-data export --format {format}",
            env=env,
        )
        if not out.is_file():
            raise ReleaseError(f"minusma-data export --format {format} did not write {out}", "step-failed")

    return build


ARTIFACTS: list[Artifact] = [
    Artifact("minusma_data-{version}-py3-none-any.whl", python_build("wheel")),
    Artifact("minusma_data-{version}.tar.gz", python_build("sdist")),
    Artifact("minusma-data-{version}.zip", data_zip),
    Artifact("minusma-data-{version}.xlsx", cli_export("xlsx")),
]


# -- the data zip ----------------------------------------------------------------


def zip_members(tree: Path) -> list[str]:
    """What the data zip holds: datapackage.json, every file it lists (tables
    and source texts), the documents that say what the data is and how
    it may be used, and the files written for it (its README). Sorted, so
    the zip's order never varies."""
    descriptor = json.loads((tree / DESCRIPTOR).read_text(encoding="utf-8"))
    listed = [r["path"] for r in descriptor.get("resources", []) if isinstance(r.get("path"), str)]
    listed += [s["path"] for s in descriptor.get("sources", []) if isinstance(s.get("path"), str)]
    members = sorted({DESCRIPTOR, *listed, *ZIP_DOCUMENTS, *ZIP_GENERATED})
    for rel in (m for m in members if m not in ZIP_GENERATED):
        path = tree / rel
        if ".." in Path(rel).parts or Path(rel).is_absolute() or not path.is_file():
            raise ReleaseError(
                f"{tree}: {rel} is listed for the zip but is not a file inside the package", "zip-member-outside"
            )
    return members


def zip_stamp(epoch: int) -> tuple[int, int, int, int, int, int]:
    """The zip entries' date and time for `epoch` (a commit's time), refused
    past what a zip can record (the year 2107) rather than failing mid-write."""
    try:
        when = dt.datetime.fromtimestamp(max(epoch, ZIP_EPOCH_FLOOR), dt.UTC)
    except (OverflowError, OSError, ValueError):
        when = dt.datetime.max
    if when.year > ZIP_LAST_YEAR:
        raise ReleaseError(
            f"the last commit is dated {when.year}, after {ZIP_LAST_YEAR}, the last year a zip can record; "
            "commit again with a correct date (check the clock, GIT_COMMITTER_DATE)",
            "commit-date-out-of-range",
        )
    return when.year, when.month, when.day, when.hour, when.minute, when.second


def write_zip(tree: Path, out: Path, epoch: int) -> None:
    """A zip whose bytes depend only on the files' contents and `epoch`."""
    stamp = zip_stamp(epoch)

    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w") as archive:
            for rel in zip_members(tree):
                info = zipfile.ZipInfo(rel, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix, so the permissions below are read
                info.external_attr = (0o100644 & 0xFFFF) << 16
                data = ZIP_GENERATED[rel](tree) if rel in ZIP_GENERATED else (tree / rel).read_bytes()
                archive.writestr(info, data, compresslevel=9)

    write_atomic(out, write)


# -- the whole release -------------------------------------------------------------


def commit_epoch(root: Path) -> int:
    done = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not done.stdout.strip().isdigit():
        raise ReleaseError(
            f"{root} is not a git checkout with a commit: the release takes its timestamps "
            "from the last commit; run it in a clone of the repository",
            "not-a-checkout",
        )
    epoch = int(done.stdout.strip())
    zip_stamp(epoch)  # every release file is a zip (the wheel and workbook too): refuse a date none can hold
    return epoch


def uncommitted(root: Path) -> bool:
    done = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    return bool(done.stdout.strip())


def exported(root: Path, dest: Path) -> Context:
    """The last commit written into dest, checked: the published files must
    be what its curated files produce, and carry package.toml's version."""
    epoch = commit_epoch(root)
    extract_commit(root, "HEAD", dest)
    from .errors import BuildError
    from .pipeline import produce
    from .publish import stale_outputs

    try:
        stale = stale_outputs(dest, produce(dest).outputs)
    except BuildError as exc:
        raise ReleaseError(
            f"the committed curated files do not build ({len(exc.problems)} problem(s)); "
            "run `python -m minusma_build` to see them",
            "commit-does-not-build",
        ) from None
    if stale:
        raise ReleaseError(
            f"the committed published files are stale ({', '.join(stale)}); run "
            "`python -m minusma_build` and commit the result",
            "commit-stale",
        )
    version = json.loads((dest / DESCRIPTOR).read_text(encoding="utf-8"))["version"]
    if version != curated_version(dest):
        raise ReleaseError(
            f"datapackage.json says {version} but package.toml says {curated_version(dest)}", "version-mismatch"
        )
    return Context(dest, version, epoch)


def build(root: Path, output: Path, artifacts: list[Artifact]) -> list[Path]:
    """Write every artifact (and, for more than one, SHA256SUMS) into output."""
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReleaseError(
            f"--output {output}: cannot make the folder ({exc.strerror}); give a folder you can write, "
            "not one below a file",
            "output-unusable",
        ) from None
    with tempfile.TemporaryDirectory(prefix="minusma-release-") as tmp:
        ctx = exported(root, Path(tmp) / "tree")
        written = []
        for artifact in artifacts:
            path = output / artifact.name(ctx.version)
            put(path, functools.partial(artifact.build, ctx), ctx.epoch)
            written.append(path)
    if len(artifacts) > 1:
        sums = output / SUMS

        def write_sums(out: Path) -> None:
            out.write_text(sha256sums(written), encoding="utf-8")

        put(sums, write_sums, ctx.epoch)
        written.append(sums)
    return written


def put(target: Path, write: Callable[[Path], None], epoch: int) -> None:
    """Write one release file whole or not at all: `write` makes it in a new
    folder beside `target`, and it is renamed over `target` once complete
    (mode 0644, the commit's time). An earlier file stays until then (an
    interrupt or a full disk keeps it), and a symbolic link at the name is
    replaced, never written through. Every filesystem failure is `output-unusable`."""
    stage = None
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
        fresh = stage / target.name
        write(fresh)
        with open(fresh, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(fresh, 0o644)
        os.utime(fresh, (epoch, epoch))
        os.replace(fresh, target)
    except OSError as exc:
        raise ReleaseError(
            f"--output {target.parent}: cannot write {target.name} ({exc.strerror or exc}); "
            "give a folder you can write, with room for the release and no folder at a release file's name",
            "output-unusable",
        ) from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)


def sha256sums(paths: list[Path]) -> str:
    """`sha256sum` output for the files (text mode: two spaces), sorted by name."""
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in sorted(paths, key=lambda p: p.name)]
    return "".join(lines)


# -- checking what was made ----------------------------------------------------------

LOAD_EVERY_TABLE = r"""
import json, minusma_data
rows = {t: len(minusma_data.load(t)) for t in minusma_data.TABLES}
csv_rows = {t: len(minusma_data.load(t, format="csv", verify=True)) for t in minusma_data.TABLES}
assert rows == csv_rows, (rows, csv_rows)
print(json.dumps({"version": minusma_data.__version__, "rows": rows}))
"""


def verify(output: Path, written: list[Path], python: str = sys.executable, install: bool = True) -> list[str]:
    """Check the release files; return one line per check passed, raise on the first failure."""
    passed = []
    sums = output / SUMS
    if sums.is_file():
        for line in sums.read_text(encoding="utf-8").splitlines():
            digest, _, name = line.partition("  ")
            if hashlib.sha256((output / name).read_bytes()).hexdigest() != digest:
                raise ReleaseError(f"{output / name}: its sha256 differs from {SUMS}", "checksum-mismatch")
        passed.append(f"{SUMS}: every file matches")
    wheels = [p for p in written if p.name.endswith(".whl")]
    sdists = [p for p in written if p.name.endswith(".tar.gz")]
    zips = [p for p in written if p.suffix == ".zip"]
    if wheels or sdists:
        _run([python, "-m", "twine", "check", "--strict", *map(str, wheels + sdists)], "twine check")
        passed.append("twine check: passed")
    for wheel in wheels:
        _run([python, "-m", "check_wheel_contents", str(wheel)], "check-wheel-contents")
        passed.append(f"check-wheel-contents {wheel.name}: passed")
    for archive in zips:
        passed.append(validate_zip(archive, python))
    if install:
        for wheel in wheels:
            passed.append(install_and_load(wheel))
    return passed


def validate_zip(archive: Path, python: str = sys.executable) -> str:
    """`frictionless validate` on the zip as it is, run where it lies."""
    done = subprocess.run(
        [python, "-m", "frictionless", "validate", archive.name],
        cwd=archive.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        tail = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if line.strip()]
        raise ReleaseError(
            f"frictionless validate {archive.name} failed: {tail[-1] if tail else 'no message'}", "zip-invalid"
        )
    return f"frictionless validate {archive.name}: valid"


def install_and_load(wheel: Path) -> str:
    """Install the wheel into a fresh virtual environment and load every table from it.
    The environment gets no pip of its own (bootstrapping one takes seconds):
    this interpreter's pip installs into it, without compiling pandas and
    pyarrow ahead of time."""
    with tempfile.TemporaryDirectory(prefix="minusma-wheel-") as tmp:
        env_dir = Path(tmp) / "venv"
        venv.EnvBuilder(with_pip=False, system_site_packages=False, clear=True).create(env_dir)
        python = str(env_dir / "bin" / "python")
        clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        install = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile", str(wheel)]
        _run(install, f"pip install {wheel.name}", env=clean)
        done = _run(
            [python, "-c", LOAD_EVERY_TABLE], "loading every table from the installed wheel", env=clean, cwd=tmp
        )
    loaded = json.loads(done.stdout)
    counts = ", ".join(f"{t} {n}" for t, n in loaded["rows"].items())
    return f"fresh venv: {wheel.name} installs and loads every table ({counts})"


# -- command line --------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minusma_build.release", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the checkout (default: this repository)")
    parser.add_argument("--output", type=Path, default=None, metavar="DIR", help="where to write (default: ROOT/dist)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--zip-only", action="store_true", help="write only the data zip (for the explorer site)")
    mode.add_argument(
        "--check-bump",
        type=Path,
        metavar="BASE",
        help="compare BASE's package with this one; exit 1 if the version is not bumped far enough",
    )
    mode.add_argument(
        "--prepare",
        action="store_true",
        help="date the release in CHANGELOG.md and CITATION.cff and write its data section",
    )
    mode.add_argument(
        "--notes",
        action="store_true",
        help="print the changelog's section for package.toml's version (the GitHub release text)",
    )
    parser.add_argument("--no-verify", action="store_true", help="build only; skip the checks of what was built")
    parser.add_argument(
        "--tag",
        default=os.environ.get(TAG_VARIABLE) or None,
        help=f"refuse to build unless TAG is v<version> (default: ${TAG_VARIABLE}, which the release workflow sets, "
        "so the tag never passes through make or a shell)",
    )
    parser.add_argument(
        "--date",
        default=dt.datetime.now(dt.UTC).date().isoformat(),
        help="with --prepare: the release date, YYYY-MM-DD (default: today, UTC)",
    )
    parser.add_argument(
        "--previous", type=Path, help="with --prepare: the previous release (folder or zip; default: the newest v* tag)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.check_bump:
            ok, report = check_bump(args.check_bump, root)
            print(report, end="")
            return 0 if ok else 1
        if args.notes:
            changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
            print(release_notes(changelog, curated_version(root)), end="")
            return 0
        if args.prepare:
            for line in prepare(root, args.date, args.previous):
                print(line)
            return 0
        if args.tag and args.tag != f"v{curated_version(root)}":
            raise ReleaseError(
                f"tag {args.tag} does not match package.toml's version "
                f"{curated_version(root)}; tag v{curated_version(root)}",
                "tag-mismatch",
            )
        if uncommitted(root):
            print(
                "release: note: uncommitted changes are left out; the files are built from the last commit",
                file=sys.stderr,
            )
        output = (args.output or root / "dist").absolute()
        artifacts = [a for a in ARTIFACTS if a.build is data_zip] if args.zip_only else ARTIFACTS
        written = build(root, output, artifacts)
        for path in written:
            print(f"wrote {path}")
        if not args.no_verify:
            for line in verify(output, written, install=not args.zip_only):
                print(f"ok: {line}")
    except ReleaseError as exc:
        print(f"release: error: {exc} [{exc.code}]", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Each release file is renamed into place only when whole: the output folder
        # holds earlier files or new ones, never a part of one.
        stopped = ReleaseError(
            "interrupted (Ctrl-C); every release file in the output folder is whole, "
            "the earlier one or the new; run the release again",
            "interrupted",
        )
        print(f"release: error: {stopped} [{stopped.code}]", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
