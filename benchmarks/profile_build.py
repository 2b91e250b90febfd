#!/usr/bin/env python3
"""Where the build's time goes: run it under cProfile on a synthetic corpus
and print the build's own functions and the TOML parser by cumulative time.

    .venv/bin/python -m benchmarks.profile_build 1000          # 1,000 documents
    .venv/bin/python -m benchmarks.profile_build 100 --top 40

cProfile slows pure-Python code more than code in C (pyarrow, hashlib, file
writes), so the shares it prints overstate the Python parts; the order of the
big items is what to read from it.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import corpus
from minusma_build.pipeline import produce

ROOT = Path(__file__).resolve().parent.parent

SHOWN = ("minusma_build", "tomllib/_parser.py:57(load)", "parquet.py", "hashlib", "write_bytes")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("documents", type=int, help="size of the synthetic corpus")
    parser.add_argument("--top", type=int, default=25, help="how many functions to print")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="minusma-profile-") as tmp:
        tree = Path(tmp)
        corpus.make_corpus(tree, args.documents)
        began = time.perf_counter()
        produce(tree)
        plain = time.perf_counter() - began
        profile = cProfile.Profile()
        profile.runcall(produce, tree)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats("|".join(p.replace(".", r"\.").replace("(", r"\(").replace(")", r"\)") for p in SHOWN), args.top)
    print(f"produce() on {args.documents:,} document(s): {plain:.2f} s without the profiler")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
