#!/usr/bin/env python3
"""Measure the explorer page: what it weighs and how fast it renders.

    python -m benchmarks.site            # 5 loads per width
    python -m benchmarks.site --runs 10

Prints figures next to the budget (page and assets at most 1 MB, the
downloadable data files aside; rendered in under a second). Asserts nothing:
speed is read here, not in timed tests. Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import browser, timing
from minusma_build.site import ASSET_NAMES, build_site, render
from minusma_build.site_data import read_package

ROOT = Path(__file__).resolve().parent.parent

BUDGET_BYTES = 1_000_000
BUDGET_RENDER_MS = 1000
NAVIGATION = """
const n = performance.getEntriesByType('navigation')[0];
return [n.domContentLoadedEventEnd - n.startTime, n.loadEventEnd - n.startTime];
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads per width (default 5)")
    args = parser.parse_args(argv)

    info = timing.machine()
    print(f"machine: {info['cores']} cores, {info['cpu']}, {info['os']}, Python {info['python']}")
    generate = []
    for _ in range(args.runs):
        began = time.perf_counter()
        render(read_package(ROOT), None)
        generate.append(time.perf_counter() - began)
    print(
        f"generate the page (read package, render, no writing): median {timing.median(generate) * 1000:.0f} ms "
        f"over {args.runs} runs"
    )

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        files = build_site(ROOT, site)
        page = {name: len(files[name]) for name in ("index.html", *ASSET_NAMES)}
        total = sum(page.values())
        data = sum(len(v) for k, v in files.items() if k not in page)
        print()
        print(f"{'file':<22}{'bytes':>10}")
        for name, size in page.items():
            print(f"{name:<22}{size:>10,}")
        print(
            f"{'page and assets':<22}{total:>10,}   budget {BUDGET_BYTES:,}: "
            f"{'within' if total <= BUDGET_BYTES else 'OVER'}"
        )
        print(f"{'data files (aside)':<22}{data:>10,}")

        reason = browser.missing()
        if reason:
            print(f"\nrender time: not measured, {reason}")
            return 0
        print(
            f"\nrender in headless Chromium (navigation start to load end, Performance API), "
            f"{args.runs} loads per width:"
        )
        print(f"{'width':>6}{'DOMContentLoaded ms':>22}{'load end ms':>14}{'worst load ms':>16}")
        for width in (375, 1400):
            with browser.chromium(width=width) as driver:
                dcl, load = [], []
                for _ in range(args.runs):
                    driver.get("about:blank")
                    driver.get((site / "index.html").as_uri())
                    a, b = driver.execute_script(NAVIGATION)
                    dcl.append(a)
                    load.append(b)
            print(f"{width:>6}{statistics.median(dcl):>22.0f}{statistics.median(load):>14.0f}{max(load):>16.0f}")
        print(f"budget: load end under {BUDGET_RENDER_MS} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
