#!/usr/bin/env python3
"""How long `minusma-data diff` takes: on the real package, and on the
synthetic corpora of benchmarks/corpus.py (n copies of the article's facts).

    python -m benchmarks.diff                      # the real package and 10 and 100 documents
    python -m benchmarks.diff --documents 100 1000 # the sizes to try (the 1,000 build takes minutes)

Each comparison is of a package against a copy in which one cell of every
table is changed, so every table is read and matched row by row (identical
files are skipped without parsing, which would flatter the figure). Targets
(issue 12): under 1 s on the real package, under 10 s on 1,000 documents and
linear in rows. Figures are medians of repeated runs, printed, not asserted.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import corpus, timing
from minusma_data._diff import diff_paths

ROOT = Path(__file__).resolve().parent.parent


def reseal(package: Path) -> Path:
    """A package whose CSV files were edited by hand made whole again, as a
    build would leave it: each CSV file's size and sha256 recorded anew and
    each Parquet twin written from its CSV (diff refuses a package whose files
    do not match its descriptor)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from minusma_data._diff_shape import table_format
    from minusma_data._tableschema import field_arrow_type

    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if table_format(resource) == "csv":
            data = (package / resource["path"]).read_bytes()
            resource.update(bytes=len(data), hash="sha256:" + hashlib.sha256(data).hexdigest())
    for resource in descriptor["resources"]:
        twin = by_name.get(resource["name"].removesuffix("-parquet"))
        if table_format(resource) != "parquet" or twin is None:
            continue
        types = {f["name"]: field_arrow_type(f) for f in resource["schema"]["fields"]}
        values = {k: (t.value_type if pa.types.is_dictionary(t) else t) for k, t in types.items()}
        options = pacsv.ConvertOptions(
            column_types=values, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True
        )
        table = pacsv.read_csv(package / twin["path"], convert_options=options).select(list(types))
        pq.write_table(table.cast(pa.schema([pa.field(k, t) for k, t in types.items()])), package / resource["path"])
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return package


def altered_copy(package: Path, dest: Path) -> Path:
    """The package's descriptor and files (its source texts as they are), with the last free-text cell of
    every table's first row changed (and the package resealed)."""
    (dest / "data").mkdir(parents=True)
    shutil.copy2(package / "datapackage.json", dest / "datapackage.json")
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["path"]: r["schema"] for r in descriptor["resources"] if r.get("format") == "csv"}
    for path in sorted((package / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        free = [
            i
            for i, f in enumerate(schemas[f"data/{path.name}"]["fields"])
            if f.get("type", "string") == "string" and not (f.get("constraints") or {}).keys() & {"enum", "pattern"}
        ]
        if len(rows) > 1:
            rows[1][free[-1]] += " (changed)"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (dest / "data" / path.name).write_text(buffer.getvalue(), encoding="utf-8")
    for path in sorted((package / "data").glob("*.parquet")):
        shutil.copy2(path, dest / "data" / path.name)
    shutil.copytree(package / "data" / "source", dest / "data" / "source")  # the source texts, unchanged
    return reseal(dest)


def rows_in(package: Path) -> int:
    return sum(max(0, sum(1 for _ in path.open(encoding="utf-8")) - 1) for path in (package / "data").glob("*.csv"))


def measure(package: Path, scratch: Path, runs: int) -> tuple[int, float]:
    other = altered_copy(package, scratch)
    result = diff_paths(package, other)
    changed = sum(len(t["changed"]) for t in result["tables"].values())
    assert changed == len(list((package / "data").glob("*.csv"))), result["tables"].keys()
    return rows_in(package), timed(lambda: diff_paths(package, other), runs)


def timed(run, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - began)
    return timing.median(seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents", type=int, nargs="*", default=[10, 100], help="synthetic corpus sizes (default: 10 100)"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default: 5)")
    args = parser.parse_args(argv)
    lines = []
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        rows, seconds = measure(ROOT, Path(tmp) / "real", args.runs)
        lines.append(("real package", rows, seconds, "< 1 s"))
        for n in args.documents:
            tree = Path(tmp) / f"corpus-{n}"
            corpus.make_corpus(tree, n)
            print(f"building the {n}-document corpus ...", file=sys.stderr, flush=True)
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "build.py"), "--root", str(tree), "--quiet"], check=True
            )
            rows, seconds = measure(tree, Path(tmp) / f"altered-{n}", max(1, args.runs // 2))
            lines.append((f"{n} documents", rows, seconds, "< 10 s" if n == 1000 else ""))
    print(", ".join(f"{k} {v}" for k, v in timing.machine().items()))
    print(f"{'diff of':<16} {'rows':>8} {'median':>10} {'per 1,000 rows':>15}  target")
    for what, rows, seconds, target in lines:
        print(f"{what:<16} {rows:>8} {seconds * 1000:>8.1f} ms {seconds / rows * 1e6:>12.2f} ms  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
