"""Build the published tables and datapackage.json from the curated facts.

    python scripts/build.py            # build; writes only when every check passes
    python scripts/build.py --check    # exit 1, naming the files, if the committed files are stale
    python scripts/build.py --json     # the outcome as one JSON object, for CI annotations
    python scripts/build.py --root DIR # build another tree laid out like this one

A failed build prints every problem (file, entry, field, what would be right,
and its code in brackets) and leaves every published file as it was.

scripts/build.py builds the checkout it lies in, with that checkout's code;
`python -m minusma_build` builds the checkout its code lies in. Neither
builds a checkout with another one's code (a copied checkout whose .venv
still points at the original): that is refused in one line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import signals
from .curated import SPEC_FILE
from .errors import BuildError, one_line
from .pipeline import produce
from .problem_codes import known
from .publish import JOURNAL, PublishError, build_lock, publish, recover, stale_outputs

CODE = Path(__file__).resolve().parent
REPO_ROOT = CODE.parents[1]


def main(argv: list[str] | None = None, *, checkout: Path | None = None) -> int:
    """The command line. `checkout`, given by scripts/build.py, is the
    checkout that script lies in: the tree built when --root is not given."""
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare the committed files with what the curated files produce; write nothing",
    )
    parser.add_argument("--root", type=Path, default=None, help="the tree to build (default: this checkout)")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print the outcome as one JSON object on stdout: {"ok": ..., "problems": [...], ...}',
    )
    args = parser.parse_args(argv)
    explicit = args.root is not None
    args.root = (args.root or checkout or REPO_ROOT).resolve()
    report = Report(args.json, args.quiet)
    refused = foreign_code(args.root, explicit or checkout is not None)
    if refused:
        return report.fault("build-code-elsewhere", *refused)
    signals.install()
    try:
        return _run(args, report)
    except BuildError as exc:
        return report.failed(exc)
    except PublishError as exc:
        return report.fault(exc.code, exc.path, f"{exc.problem}; {exc.remedy}")
    except signals.Interrupted as exc:
        # Publishing holds signals until the package is whole, so every file is
        # either the old package's or the new one's.
        return report.fault(
            "interrupted",
            str(args.root),
            f"{exc.name} received; the published "
            "package is complete (the old one, or the new one if publishing had begun)",
            status=exc.exit_status,
            headline="build stopped",
        )
    except OSError as exc:  # anything the steps above did not name more precisely
        return report.fault(
            "filesystem-error",
            str(exc.filename or args.root),
            f"{exc.strerror or exc}; check that it exists and can be read and written, then build again",
        )


def foreign_code(root: Path, chosen: bool) -> tuple[str, str] | None:
    """(where, why) when the build code running is not `root`'s own: the
    tree has a src/minusma_build of its own elsewhere, or (`chosen` false:
    neither --root nor scripts/build.py named the tree) the working folder
    lies in a checkout other than the one the code belongs to."""
    own = root / "src" / "minusma_build"
    if own.is_dir() and own.resolve() != CODE:
        return str(own), (
            f"this tree has build code of its own, but the code running is {CODE} (the environment points at "
            f"another checkout); run {root / 'scripts' / 'build.py'}, which builds {root} with its own code"
        )
    if chosen:
        return None
    here = next((d for d in (Path.cwd(), *Path.cwd().parents) if (d / SPEC_FILE).is_file()), None)
    if here is not None and here.resolve() != REPO_ROOT:
        return str(here), (
            f"you are in this checkout, but the build code running is {CODE}, which would build {REPO_ROOT}; "
            f"run {here / 'scripts' / 'build.py'} to build this one, or pass --root to say which tree to build"
        )
    return None


def _run(args: argparse.Namespace, report: Report) -> int:
    root = args.root
    began = time.perf_counter()
    if not args.check and (root / JOURNAL).exists():
        # Before anything else, finish what a stopped build left half published.
        with build_lock(root), signals.deferred():
            recovered = recover(root)
        if recovered and not args.quiet and not args.json:
            print(
                f"an earlier build was stopped while publishing; its publish was "
                f"{'finished' if recovered == 'forward' else 'undone'}",
                file=sys.stderr,
            )
    result = produce(root)
    if args.check:
        stale = stale_outputs(root, result.outputs)
        return report.checked(root, stale, len(result.outputs))
    with build_lock(root):
        changed = publish(root, result.outputs)
    return report.built(root, result.row_counts, changed, time.perf_counter() - began)


class Report:
    """Prints the outcome for people (stderr for problems) or as JSON (stdout)."""

    def __init__(self, as_json: bool, quiet: bool) -> None:
        self.as_json, self.quiet = as_json, quiet

    def failed(self, exc: BuildError) -> int:
        if self.as_json:
            self._json(ok=False, problems=[p.as_dict() for p in exc.problems])
        else:
            print(f"build failed with {len(exc.problems)} problem(s); no file was written:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return 1

    def checked(self, root: Path, stale: list[str], total: int) -> int:
        if self.as_json:
            self._json(
                ok=not stale,
                root=str(root),
                problems=[
                    {
                        "code": "stale-output",
                        "file": rel,
                        "entry": "",
                        "field": "",
                        "message": "differs from what the curated files produce; run `python scripts/build.py` "
                        "and commit the result",
                    }
                    for rel in stale
                ],
            )
        elif stale:
            print(
                f"stale: these published files in {root} differ from what the curated files produce:", file=sys.stderr
            )
            for rel in stale:
                print(f"  {rel}", file=sys.stderr)
            print("run `python scripts/build.py` and commit the result", file=sys.stderr)
        elif not self.quiet:
            print(f"up to date: {total} files in {root} match the curated facts")
        return 1 if stale else 0

    def built(self, root: Path, counts: dict[str, int], changed: list[str], elapsed: float) -> int:
        if self.as_json:
            self._json(ok=True, root=str(root), problems=[], tables=counts, changed=changed)
        elif not self.quiet:
            rows = ", ".join(f"{name} {n}" for name, n in counts.items())
            print(f"built {root}: {len(counts)} tables ({rows}) in {elapsed:.2f} s; {len(changed)} file(s) changed")
        return 0

    def fault(self, code: str, path: str, message: str, status: int = 1, headline: str = "build failed") -> int:
        """A fault that stops the build at once (a file it cannot read or
        write, a signal): one line, or one JSON problem."""
        known(code)
        if self.as_json:
            self._json(ok=False, problems=[{"code": code, "file": path, "entry": "", "field": "", "message": message}])
        else:
            print(one_line(f"{headline}: {path}: {message} [{code}]"), file=sys.stderr)
        return status

    @staticmethod
    def _json(**fields: object) -> None:
        print(json.dumps(fields, ensure_ascii=False))
