#!/usr/bin/env python3
"""Measure what the loader costs and how the build scales, and print the
figures next to their targets.

    .venv/bin/python -m benchmarks.run           # everything: about 6 minutes on 2 cores
    .venv/bin/python -m benchmarks.run --quick   # without the 1,000-document corpus: about 2
    .venv/bin/python -m benchmarks.run --loader  # the loader's figures alone: under a minute

Speed is checked here, by figures a person reads, not by timed unit tests,
which fail at random on a busy machine. Every figure is the median of
repeated runs; the table says how many. Nothing in the checkout is written:
builds run in copies under a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks import corpus, timing

ROOT = Path(__file__).resolve().parent.parent

PYTHON = sys.executable
BUILD = ROOT / "scripts" / "build.py"
VALIDATE = ROOT / "scripts" / "validate.py"
HEAVY = ("pandas", "pyarrow", "frictionless", "numpy")
SIZES = (1, 10, 100, 1000)


@dataclass
class Line:
    """One row of the printed table."""

    what: str
    figure: str
    target: str = ""
    met: str = ""


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def child_env() -> dict[str, str]:
    """The environment of every child: this checkout's loader first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "src"), env.get("PYTHONPATH")) if p)
    return env


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- 1-3: the loader ---------------------------------------------------------


def bench_import(env: dict[str, str], runs: int) -> list[Line]:
    """A fresh interpreter importing minusma_data against one importing nothing.

    The package's modules are compiled to bytecode first, as pip does when it
    installs a wheel: where PYTHONDONTWRITEBYTECODE is set, an editable
    install would otherwise compile its source on every import.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "minusma_data"), quiet=1)
    bare, loader = [], []
    for _ in range(runs):  # interleaved, so drift in the machine's load hits both alike
        bare.append(timing.wall([PYTHON, "-c", "pass"], env=env))
        loader.append(timing.wall([PYTHON, "-c", "import minusma_data"], env=env))
    heavy = timing.child_output(
        f"import sys, minusma_data; print(','.join(m for m in {HEAVY!r} if m in sys.modules))", env=env
    )
    extra = timing.median(loader) - timing.median(bare)
    return [
        Line(f"`python -c pass`, whole process (n = {runs})", ms(timing.median(bare))),
        Line(f"`python -c 'import minusma_data'`, whole process (n = {runs})", ms(timing.median(loader))),
        Line("import cost of minusma_data", f"+{ms(extra)}", "≤ +5 ms", verdict(extra <= 0.005)),
        Line("heavy modules imported by `import minusma_data`", heavy or "none", "none", verdict(not heavy)),
    ]


def bench_fresh_load(env: dict[str, str], runs: int) -> list[Line]:
    """load_events() in a fresh process against reading the same file with pandas.
    Timed inside the child from its first statement: imports included,
    the interpreter's own start (the same for all three) not."""
    paths = timing.child_output(
        "import minusma_data as m; print(m.path('events')); print(m.path('events', format='csv'))", env=env
    ).splitlines()
    parquet, csv_path = paths[-2], paths[-1]
    bodies = {
        "loader": "from minusma_data import load_events\nload_events()",
        "parquet": f"import pandas as pd\npd.read_parquet({parquet!r})",
        "csv": f"import pandas as pd\npd.read_csv({csv_path!r})",
    }
    times: dict[str, list[float]] = {name: [] for name in bodies}
    for _ in range(runs):
        for name, body in bodies.items():
            times[name].append(timing.timed_in_child(body, env=env))
    med = {name: timing.median(t) for name, t in times.items()}
    ratio = med["loader"] / med["parquet"]
    return [
        Line(f"`pd.read_csv(events.csv)`, fresh process, imports included (n = {runs})", ms(med["csv"])),
        Line(f"`pd.read_parquet(events.parquet)`, fresh process, imports included (n = {runs})", ms(med["parquet"])),
        Line(f"`load_events()`, fresh process, imports included (n = {runs})", ms(med["loader"])),
        Line("`load_events()` / `pd.read_parquet`", f"{ratio:.2f}x", "≤ 1.15x", verdict(ratio <= 1.15)),
    ]


BACKEND_TARGETS = {"polars": 1.25, "pyarrow": 1.15}


def bench_backends(env: dict[str, str], runs: int) -> list[Line]:
    """load_events(backend=...) in a fresh process against the library reading
    the same Parquet file by itself, imports included, for polars and pyarrow."""
    parquet = timing.child_output("import minusma_data as m; print(m.path('events'))", env=env).splitlines()[-1]
    bodies = {
        "polars": f"import polars\npolars.read_parquet({parquet!r})",
        "pyarrow": f"import pyarrow.parquet\npyarrow.parquet.read_table({parquet!r})",
    }
    lines = []
    for backend, target in BACKEND_TARGETS.items():
        loader = f"from minusma_data import load_events\nload_events(backend={backend!r})"
        theirs, ours = [], []
        for _ in range(runs):  # interleaved, so a busy moment slows both alike
            theirs.append(timing.timed_in_child(bodies[backend], env=env))
            ours.append(timing.timed_in_child(loader, env=env))
        ratio = timing.median(ours) / timing.median(theirs)
        call = "polars.read_parquet" if backend == "polars" else "pyarrow.parquet.read_table"
        lines += [
            Line(f"`{call}(events.parquet)`, fresh process, imports included (n = {runs})", ms(timing.median(theirs))),
            Line(
                f"`load_events(backend={backend!r})`, fresh process, imports included (n = {runs})",
                ms(timing.median(ours)),
            ),
            Line(
                f"`load_events(backend={backend!r})` / `{call}`",
                f"{ratio:.2f}x",
                f"≤ {target}x",
                verdict(ratio <= target),
            ),
        ]
    return lines


def bench_warm_load(env: dict[str, str], calls: int) -> list[Line]:
    """load_events() called again and again in one process (after a first call)."""
    body = (
        f"import time, statistics\nfrom minusma_data import load_events\nload_events()\nlaps = []\n"
        f"for _ in range({calls}):\n    t = time.perf_counter(); load_events(); laps.append(time.perf_counter() - t)\n"
        f"print(statistics.median(laps))"
    )
    warm = float(timing.child_output(body, env=env).splitlines()[-1])
    return [
        Line(
            f"`load_events()`, warm (median of {calls} calls in one process)",
            ms(warm),
            "≤ 2 ms",
            verdict(warm <= 0.002),
        )
    ]


# -- 4-5: build and validation ----------------------------------------------


def build(tree: Path) -> float:
    """A clean build of `tree`: every published file removed first, so every run writes them all."""
    corpus.remove_outputs(tree)
    return timing.wall([PYTHON, BUILD, "--root", tree, "--quiet"])


def validate(tree: Path) -> float:
    """`frictionless validate datapackage.json`, as the Makefile and CI run it, with every check on."""
    return timing.wall([PYTHON, "-m", "frictionless", "validate", "datapackage.json"], cwd=tree)


def validate_twins(tree: Path) -> float:
    """`scripts/validate.py`: frictionless on the CSV files, each Parquet file proven their twin."""
    return timing.wall([PYTHON, VALIDATE, "--root", tree])


def count_rows(tree: Path) -> int:
    total = 0
    for path in sorted((tree / "data").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            total += sum(1 for _ in csv.reader(fh)) - 1
    return total


def bench_real_package(scratch: Path, runs: int) -> list[Line]:
    tree = scratch / "real"
    shutil.copytree(ROOT / "data", tree / "data", ignore=shutil.ignore_patterns(".staging-*"))
    shutil.copy2(ROOT / "datapackage.json", tree / "datapackage.json")
    built = [build(tree) for _ in range(runs)]
    checked = [validate(tree) for _ in range(runs)]
    return [
        Line(
            f"build the real package, {count_rows(tree)} rows, whole process (n = {runs})",
            s(timing.median(built)),
            "≤ 3 s",
            verdict(timing.median(built) <= 3),
        ),
        Line(
            f"`frictionless validate` the real package, whole process (n = {runs})",
            s(timing.median(checked)),
            "≤ 3 s",
            verdict(timing.median(checked) <= 3),
        ),
    ]


@dataclass
class Size:
    documents: int
    rows: int
    runs: int
    build: float
    validate: float
    validate_twins: float


def bench_size(scratch: Path, documents: int, runs: int) -> Size:
    tree = scratch / f"corpus-{documents}"
    corpus.make_corpus(tree, documents)
    try:
        builds, checks, twin_checks = [], [], []
        for _ in range(runs):
            builds.append(build(tree))
            checks.append(validate(tree))
            twin_checks.append(validate_twins(tree))
        return Size(
            documents, count_rows(tree), runs, timing.median(builds), timing.median(checks), timing.median(twin_checks)
        )
    finally:
        shutil.rmtree(tree, ignore_errors=True)


def scaling_table(sizes: list[Size]) -> list[str]:
    out = [
        "| documents | rows | runs | build | validate (frictionless) | validate (validate.py) "
        "| build per 1k rows | validate.py per 1k rows "
        "| growth: rows | growth: build | growth: frictionless | growth: validate.py |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for z in sizes:
        growth = ["", "", "", ""]
        if previous:
            growth = [
                f"{z.rows / previous.rows:.0f}x",
                f"{z.build / previous.build:.1f}x",
                f"{z.validate / previous.validate:.1f}x",
                f"{z.validate_twins / previous.validate_twins:.1f}x",
            ]
        out.append(
            f"| {z.documents:,} | {z.rows:,} | {z.runs} | {s(z.build)} | {s(z.validate)} | {s(z.validate_twins)} "
            f"| {ms(z.build / z.rows * 1000)} | {ms(z.validate_twins / z.rows * 1000)} | " + " | ".join(growth) + " |"
        )
        previous = z
    return out


def scaling_verdicts(sizes: list[Size]) -> list[Line]:
    lines = []
    for a, b in itertools.pairwise(sizes):
        allowed = 1.1 * b.rows / a.rows
        for name, label in (
            ("build", "build"),
            ("validate", "frictionless validate"),
            ("validate_twins", "scripts/validate.py"),
        ):
            growth = getattr(b, name) / getattr(a, name)
            lines.append(
                Line(
                    f"{label}: {a.documents:,} → {b.documents:,} documents",
                    f"{growth:.1f}x time for {b.rows / a.rows:.0f}x rows",
                    f"≤ {allowed:g}x",
                    verdict(growth <= allowed),
                )
            )
    for z in sizes:
        if z.documents == 1000:
            lines.append(Line("1,000 documents: build", s(z.build), "", ""))
            lines.append(
                Line(
                    "1,000 documents: build + `frictionless validate` (every resource read by frictionless)",
                    s(z.build + z.validate),
                    "≤ 60 s",
                    verdict(z.build + z.validate <= 60),
                )
            )
            lines.append(
                Line(
                    "1,000 documents: build + `scripts/validate.py` (CSV by frictionless, Parquet proven identical)",
                    s(z.build + z.validate_twins),
                    "≤ 60 s",
                    verdict(z.build + z.validate_twins <= 60),
                )
            )
    return lines


# -- output -----------------------------------------------------------------


def table(lines: list[Line]) -> list[str]:
    out = ["| measurement | figure (median) | target | met |", "|---|---:|---|---|"]
    out += [f"| {x.what} | {x.figure} | {x.target} | {x.met} |" for x in lines]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000-document corpus")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help=f"corpus sizes to build (default: {' '.join(map(str, SIZES))})"
    )
    parser.add_argument("--runs", type=int, default=5, help="repeats of each small measurement (default: 5)")
    parser.add_argument("--loader", action="store_true", help="only the loader's figures (import, loads, backends)")
    args = parser.parse_args(argv)
    sizes = args.sizes or [n for n in SIZES if not (args.quick and n >= 1000)]
    env = child_env()
    load_before = os.getloadavg()[0]

    info = timing.machine()
    header = [
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['os']}; Python {info['python']}, "
        f"pandas {info['pandas']}, pyarrow {info['pyarrow']}, frictionless {info['frictionless']}.",
        f"Command: `{' '.join(['.venv/bin/python -m benchmarks.run', *(argv if argv is not None else sys.argv[1:])])}`",
    ]

    lines: list[Line] = []
    try:
        timing.child_output("import minusma_data", env=env)
    except RuntimeError as exc:
        lines.append(Line("loader", "`import minusma_data` fails: " + str(exc).splitlines()[-1], "", "NO"))
    else:
        progress("import cost ...")
        lines += bench_import(env, runs=args.runs * 6)
        progress("fresh-process load ...")
        lines += bench_fresh_load(env, runs=args.runs * 2)
        progress("backends ...")
        lines += bench_backends(env, runs=args.runs * 2)
        progress("warm load ...")
        lines += bench_warm_load(env, calls=200)
    if args.loader:
        sizes = []
    with tempfile.TemporaryDirectory(prefix="minusma-bench-") as tmp:
        scratch = Path(tmp)
        if not args.loader:
            progress("build and validate the real package ...")
            lines += bench_real_package(scratch, runs=args.runs)
        measured = []
        for n in sizes:
            runs = 1 if n >= 100 else min(args.runs, 3)  # from 100 documents on, validation takes half a minute or more
            progress(f"corpus of {n:,} document(s), {runs} run(s) ...")
            measured.append(bench_size(scratch, n, runs))
            progress(
                f"  build {s(measured[-1].build)}, frictionless {s(measured[-1].validate)}, "
                f"validate.py {s(measured[-1].validate_twins)}"
            )

    header.append(
        f"Load average (1 min) at start and end: {load_before:.2f}, {os.getloadavg()[0]:.2f}; "
        "other work on the machine slows every figure."
    )
    print("\n".join(header))
    print()
    print("\n".join(table(lines + scaling_verdicts(measured))))
    if measured:
        print()
        print("\n".join(scaling_table(measured)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
