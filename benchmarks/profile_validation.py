#!/usr/bin/env python3
"""Where validation's time goes: build a synthetic corpus, then validate each
resource on its own with frictionless and print the seconds each takes.

    .venv/bin/python -m benchmarks.profile_validation 100
    .venv/bin/python -m benchmarks.profile_validation 100 --without-foreign-keys

The second form drops the foreign keys from a copy of the descriptor, only to
show what checking them costs (frictionless re-reads each referenced table
for every resource that points at it). It is a measurement, not a way to
validate: the package is always validated with its foreign keys.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import corpus

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", type=int, help="size of the synthetic corpus")
    parser.add_argument(
        "--without-foreign-keys",
        action="store_true",
        help="validate a copy of the descriptor without foreign keys, to show their cost",
    )
    args = parser.parse_args(argv)

    from frictionless import Package

    with tempfile.TemporaryDirectory(prefix="minusma-validation-") as tmp:
        tree = Path(tmp)
        corpus.make_corpus(tree, args.documents)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py"), "--root", str(tree), "--quiet"], check=True)
        descriptor = tree / "datapackage.json"
        if args.without_foreign_keys:
            data = json.loads(descriptor.read_text("utf-8"))
            for resource in data["resources"]:
                resource["schema"].pop("foreignKeys", None)
            descriptor = tree / "without-foreign-keys.json"
            descriptor.write_text(json.dumps(data), "utf-8")
        package = Package(str(descriptor))
        totals = {"csv": 0.0, "parquet": 0.0}
        print("| resource | rows | seconds | valid |\n|---|---:|---:|---|")
        for resource in package.resources:
            began = time.perf_counter()
            report = package.validate(name=resource.name)
            elapsed = time.perf_counter() - began
            totals[resource.format] += elapsed
            print(
                f"| {resource.name} | {report.tasks[0].stats.get('rows')} | {elapsed:.2f} | {report.valid} |",
                flush=True,
            )
    keys = "without foreign keys" if args.without_foreign_keys else "with foreign keys"
    print(
        f"\n{args.documents:,} document(s), {keys}: CSV resources {totals['csv']:.2f} s, "
        f"Parquet resources {totals['parquet']:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
