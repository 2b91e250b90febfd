"""The `minusma-data` command: show what the package holds, export it, or
validate it with frictionless.

    minusma-data info
    minusma-data export --format csv --output minusma-csv
    minusma-data export --format sqlite --output minusma.sqlite
    minusma-data export --format xlsx --output minusma-data.xlsx
    minusma-data export --layout acled --output DIR    # events in ACLED's or PLOVER's layout
    minusma-data export --layout plover --include-background --output DIR
    minusma-data validate
    minusma-data diff OLD NEW --format json
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ._errors import DataFileError, ExportError, UnknownFormatError, UnknownLayoutError, UnknownTableError
from ._exporters import EXPORTS, LAYOUTS

if TYPE_CHECKING:
    from ._schema import Package

VALIDATE_EXTRA = 'pip install "minusma-data[validate]"'


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        from ._locate import locate, reading

        # The whole command under the data folder's shared lock, so a build
        # publishing meanwhile is seen before or after, never halfway.
        with reading(locate(getattr(args, "data_home", None))):
            return int(args.run(args))
    except (DataFileError, UnknownTableError, UnknownFormatError, UnknownLayoutError, ExportError) as exc:
        code = getattr(exc, "code", None)
        print(f"minusma-data: error: {_one_line(str(exc))}" + (f" [{code}]" if code else ""), file=sys.stderr)
        return 1
    except sqlite3_errors() as exc:
        print(
            f"minusma-data: error: cannot write the SQLite file ({exc}); the package's keys do not hold. "
            "Rebuild or restore the data, then export again [file-damaged]",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        # An export renames its files into place only when whole (`_output`): an
        # interrupted one leaves the earlier files as they were.
        print(
            "minusma-data: error: interrupted (Ctrl-C); nothing was left half-written, "
            "an earlier export is as it was [interrupted]",
            file=sys.stderr,
        )
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:  # what the export's own checks (minusma_data._output) did not name
        where = exc.filename or getattr(args, "output", None) or "the output"
        print(
            f"minusma-data: error: cannot write {where}: {exc.strerror or exc}; "
            "choose an --output you can write to [output-unwritable]",
            file=sys.stderr,
        )
        return 1


def sqlite3_errors() -> type[Exception]:
    """sqlite3's base error, imported only when an error is being handled."""
    import sqlite3

    return sqlite3.Error


def _one_line(text: str) -> str:
    """The error's two parts (what is wrong; what to do) on one line."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-home",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="read datapackage.json and data/ from DIR instead of the installed copy",
    )
    parser = argparse.ArgumentParser(
        prog="minusma-data",
        parents=[common],
        description=(
            "The MINUSMA dataset: events, actors, statements and figures on the UN Security Council's "
            "2023 decision to end its Mali mission."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    info = commands.add_parser("info", parents=[common], help="version, source, tables with row counts and files")
    info.set_defaults(run=_info)

    export = commands.add_parser(
        "export", parents=[common], help="write every table to a folder, a SQLite file or an Excel workbook"
    )
    export.add_argument(
        "--format",
        choices=list(EXPORTS),
        default="csv",
        help="; ".join(
            f"{e.name}: {e.summary}" + (f" (needs the {e.extra} extra)" if e.extra else "") for e in EXPORTS.values()
        )
        + " (default: csv)",
    )
    export.add_argument(
        "--layout",
        choices=list(LAYOUTS),
        default=None,
        help="instead of every table, write "
        + "; ".join(f"{e.name}: {e.summary}" for e in LAYOUTS.values())
        + " (see docs/coding.md)",
    )
    export.add_argument(
        "--include-background",
        action="store_true",
        help="with --layout: also write the background history the article recalls (events with timeframe "
        "background), which the other dataset has already recorded; PLOVER records carry the context "
        '"historical" (see docs/coding.md)',
    )
    export.add_argument(
        "--output",
        required=True,
        type=Path,
        metavar="PATH",
        help="folder to write into; for sqlite, a folder or a file name ending .sqlite or .db; "
        "for xlsx, a folder or a file name ending .xlsx",
    )
    export.set_defaults(run=_export)

    validate = commands.add_parser(
        "validate", parents=[common], help="validate the package with frictionless (needs the validate extra)"
    )
    validate.set_defaults(run=_validate)

    diff = commands.add_parser(
        "diff",
        help="compare two versions of the package: schemas, then rows by "
        "primary key; exit 0 identical, 1 different, 2 error",
    )
    diff.add_argument("old", metavar="OLD", help="package folder, datapackage.json or release zip")
    diff.add_argument("new", metavar="NEW", help="package folder, datapackage.json or release zip")
    diff.add_argument(
        "--format", choices=("text", "json"), default="text", help="text for people (default); json prints one object"
    )
    diff.set_defaults(run=_diff)
    return parser


def _version() -> str:
    import minusma_data

    try:
        return minusma_data.__version__
    except DataFileError:
        return "(data not found)"


def _package(args: argparse.Namespace) -> Package:
    from ._locate import locate
    from ._schema import read_package

    return read_package(locate(getattr(args, "data_home", None)))


def _info(args: argparse.Namespace) -> int:
    from ._read import read_table

    package = _package(args)
    root = package.location.root
    print(f"minusma-data {package.raw.get('version', '(no version)')}")
    print(f"data: {root} ({package.location.kind})")
    for source in package.raw.get("sources", []):
        print(f"source: {source.get('title', '(untitled)')}")
        if source.get("path"):
            print(f"  file: {source['path']}")
        algorithm, _, digest = str(source.get("hash", "")).rpartition(":")
        print(f"  {algorithm or 'sha256'}: {digest or '(not recorded)'}")
    print("tables:")
    width = max(len(t) for t in package.tables)
    for table in package.tables:
        formats = [f for f in ("parquet", "csv") if (table, f) in package.resources]  # an export has one
        rows = len(read_table(package, table, formats[0]))
        files = "  ".join(str(package.path(table, f).relative_to(root)) for f in reversed(formats))
        print(f"  {table:<{width}}  {rows:>5} rows  {files}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from ._exporters import export, exporter

    chosen = exporter(args.format, args.layout)
    if args.include_background and chosen.kind != "layout":
        print(
            "minusma-data: error: --include-background selects events for --layout plover or acled; "
            "give a layout, or leave it out to export every table [background-without-layout]",
            file=sys.stderr,
        )
        return 2
    hint = chosen.install_hint()
    if hint is not None:
        print(
            f"minusma-data: export --{chosen.kind} {chosen.name} needs {', '.join(chosen.modules)}; "
            f"install them with: {hint} [extra-missing]",
            file=sys.stderr,
        )
        return 2
    result = export(
        _package(args),
        args.output,
        format=args.format,
        layout=args.layout,
        include_background=args.include_background,
    )
    for path in result.files:
        print(path)
    if result.omitted:
        print(
            f"minusma-data: {len(result.omitted)} event(s) left out of the {args.layout} layout "
            f"(listed in {result.files[-1]}):",
            file=sys.stderr,
        )
        for o in result.omitted:
            print(f"  {o.event_id}: {o.reason_code}: {o.reason}", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    package = _package(args)
    try:
        import frictionless
    except ImportError:
        print(
            f"minusma-data: validate needs frictionless, which is not installed. Install it with:\n  {VALIDATE_EXTRA}",
            file=sys.stderr,
        )
        return 2
    try:
        report = frictionless.validate(str(package.location.descriptor))
    except frictionless.FrictionlessException as exc:
        print(f"invalid: {package.location.descriptor}: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    if report.valid:
        print(f"valid: {package.location.descriptor}")
        return 0
    print(f"invalid: {package.location.descriptor}", file=sys.stderr)
    for error in report.errors:
        print(f"  {error.message}", file=sys.stderr)
    for task in report.tasks:
        for error in task.errors:
            print(f"  {task.name}: {error.message}", file=sys.stderr)
    return 1


def _diff(args: argparse.Namespace) -> int:
    from ._diff import DiffError, diff_paths
    from ._diff_render import differs, render

    try:
        result = diff_paths(args.old, args.new)
    except DiffError as exc:  # str(exc) is "[code] side: ..."
        print(f"minusma-data: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    print(render(result, args.format))
    return 1 if differs(result) else 0
