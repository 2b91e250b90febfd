"""Build the published tables and datapackage.json from the curated facts.

    python scripts/build.py            # build; writes only when every check passes
    python scripts/build.py --check    # exit 1, naming the tables, if the committed files are stale
    python scripts/build.py --root DIR # build another tree laid out like this one

A failed build prints every problem (file, entry, field, what would be right)
and leaves every published file as it was.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import signals
from .errors import BuildError
from .pipeline import produce
from .publish import PublishError, build_lock, publish, recover, stale_outputs

REPO_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="compare the committed files with what the curated files produce; write nothing")
    parser.add_argument("--root", type=Path, default=REPO_ROOT,
                        help="the tree to build (default: this repository)")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    args = parser.parse_args(argv)
    signals.install()
    try:
        return _run(args)
    except BuildError as exc:
        print(f"build failed with {len(exc.problems)} problem(s); no file was written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except PublishError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    except signals.Interrupted as exc:
        # Publishing holds signals until the package is whole, so every file is
        # either the old package's or the new one's.
        print(f"build stopped by {exc.name}; the published package is complete (old or new)", file=sys.stderr)
        return exc.exit_status
    except OSError as exc:  # anything the steps above did not name more precisely
        where = exc.filename or args.root
        print(f"build failed: {where}: {exc.strerror or exc}; check that it exists and can be read "
              "and written, then build again", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    began = time.perf_counter()
    if not args.check:
        with build_lock(root), signals.deferred():
            recovered = recover(root)
        if recovered and not args.quiet:
            print(f"an earlier build was stopped while publishing; its publish was "
                  f"{'finished' if recovered == 'forward' else 'undone'}")
    result = produce(root)
    if args.check:
        stale = stale_outputs(root, result.outputs)
        if stale:
            print("stale: these published files differ from what the curated files produce:", file=sys.stderr)
            for rel in stale:
                print(f"  {rel}", file=sys.stderr)
            print("run `python scripts/build.py` and commit the result", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"up to date: {len(result.outputs)} files match the curated facts")
        return 0
    with build_lock(root):
        changed = publish(root, result.outputs)
    if not args.quiet:
        elapsed = time.perf_counter() - began
        counts = ", ".join(f"{name} {n}" for name, n in result.row_counts.items())
        print(f"built {len(result.row_counts)} tables ({counts}) in {elapsed:.2f} s; "
              f"{len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
