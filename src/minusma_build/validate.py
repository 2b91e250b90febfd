"""Validate a built package quickly, to the same standard as frictionless.

    python scripts/validate.py             # this repository
    python scripts/validate.py --root DIR  # another tree laid out like it

frictionless validates the CSV resources in full (types, constraints, keys,
size and hash); each Parquet file is then proven to have its schema's Arrow
types and exactly its CSV's values. For the package as published,
`frictionless validate datapackage.json` (which `make test` runs) gives the
same verdict; this command is for large corpora, where frictionless's
Parquet reader dominates the time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .twins import validate_package

REPO_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the tree to validate (default: this repository)")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        problems = validate_package(args.root.resolve())
    except ModuleNotFoundError as exc:
        print(f'validate.py needs {exc.name}: pip install "minusma-data[validate]"', file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"cannot read {exc.filename}: {exc.strerror}; build the package first: python scripts/build.py",
            file=sys.stderr,
        )
        return 1
    if problems:
        print(f"invalid: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print(
        f"valid: CSV resources checked by frictionless, Parquet twins identical to them "
        f"({time.perf_counter() - began:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
