#!/usr/bin/env python3
"""Measure the Excel workbook export: time, size and rows, for the real
package and for copies whose tables are repeated n times.

    python -m benchmarks.xlsx_export              # n = 1, 10, 100
    python -m benchmarks.xlsx_export --scale 1 30

Each figure is the median of repeated in-process runs of `workbook_bytes`
(reading and verifying the CSV files included). Nothing in the checkout is
written: the scaled copies live in a temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scaled_copy(dest: Path, n: int) -> Path:
    """A copy of the package whose CSV files hold every data row n times
    (the actors table once: names are looked up by its unique ids), with
    sizes and hashes recorded again so that verification passes."""
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource.get("format") != "csv" or resource["name"] == "actors":
            continue
        path = dest / resource["path"]
        header, _, body = path.read_bytes().partition(b"\n")
        data = header + b"\n" + body * n
        path.write_bytes(data)
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    (dest / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return dest


def measure(root: Path, repeats: int) -> tuple[float, int, int]:
    """(median seconds, workbook bytes, data rows) for the package at root."""
    from minusma_data._locate import locate
    from minusma_data._schema import read_package
    from minusma_data._xlsx import workbook_bytes

    package = read_package(locate(root))
    times, size = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(workbook_bytes(package))
        times.append(time.perf_counter() - start)
    rows = sum(
        max(0, (root / package.resource(t, "csv")["path"]).read_bytes().count(b"\n") - 1) for t in package.tables
    )
    return statistics.median(times), size, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'copies':>6}  {'rows':>8}  {'seconds':>8}  {'rows/s':>8}  {'workbook':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.scale:
            root = scaled_copy(Path(tmp) / f"x{n}", n)
            seconds, size, rows = measure(root, args.repeats if n < 100 else 1)
            print(f"{n:>6}  {rows:>8}  {seconds:>8.2f}  {rows / seconds:>8.0f}  {size / 1e6:>8.2f} MB")


if __name__ == "__main__":
    main()
