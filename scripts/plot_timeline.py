#!/usr/bin/env python3
"""Draw the README's timeline of the events from data/events.csv.

    python scripts/plot_timeline.py                      # writes docs/timeline.png
    python scripts/plot_timeline.py --out other.png

Dated events sit on their date interval, drawn by how precisely the date is
known (a point for a day, a solid bar for a range of days, a hatched bar for
an event known only to the month or year) and coloured by where the date comes
from (stated in the text, derived from it, or taken from an outside record).
Events with no date are listed under the chart. The right-hand panel enlarges
June to December 2023, where most dated events fall.

The picture is deterministic: fixed size, resolution and font, and no
timestamp or software version in the PNG's metadata, which instead records
the sha256 of the events table drawn (tests/test_readme.py compares it with
data/events.csv to tell a stale picture). It needs matplotlib
(`pip install -e ".[plot]"`).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WIDTH_IN, DPI = 16, 100  # 1600 px wide
BASIS_STYLE = {  # Okabe-Ito colours, which colour-blind readers can tell apart; shapes as a second cue
    "stated": {"color": "#0072B2", "marker": "o", "label": "stated in the article"},
    "derived": {"color": "#D55E00", "marker": "D", "label": "derived from the article's wording"},
    "external": {"color": "#009E73", "marker": "s", "label": "from an outside record (references.csv)"},
}
ZOOM = (dt.date(2023, 6, 8), dt.date(2024, 1, 24))
FULL = (dt.date(2011, 7, 1), dt.date(2024, 7, 1))
LIST_WIDTH = 110  # characters per line of the undated list, two columns side by side


def read_events(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_columns(entries: list[list[str]], n: int) -> list[list[list[str]]]:
    """Cut the list, in order, into n columns of about equal height in lines."""
    total = sum(len(e) for e in entries)
    columns: list[list[list[str]]] = [[] for _ in range(n)]
    used, col = 0, 0
    for entry in entries:
        if col < n - 1 and columns[col] and used + len(entry) / 2 > total * (col + 1) / n:
            col += 1
        columns[col].append(entry)
        used += len(entry)
    return columns


def date_label(row: dict[str, str]) -> str:
    """The date as precisely as it is known: 2013, 2021-12, 2023-06-30, or a range."""
    start, end = row["date_start"], row["date_end"]
    precision = row["date_precision"]
    if precision == "year":
        return start[:4]
    if precision == "month":
        return start[:7]
    return start if start == end else f"{start} to {end}"


def events_digest(path: Path) -> str:
    """The sha256 of the events table, written into the PNG so a test can tell a stale picture."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def draw(events: list[dict[str, str]], out: Path, source: str = "") -> None:
    """Write the PNG; `source` goes into its metadata. matplotlib is imported here, so that
    the rest of the module (and its --help) works without it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    plt.rcParams.update(
        {"font.family": "DejaVu Sans", "font.size": 11, "svg.hashsalt": "minusma", "axes.titlesize": 12}
    )

    dated = sorted(
        (r for r in events if r["date_start"]), key=lambda r: (r["date_start"], r["date_end"], r["event_id"])
    )
    undated = sorted((r for r in events if not r["date_start"]), key=lambda r: r["event_id"])

    row_h = 0.42
    chart_h = max(2.0, row_h * len(dated) + 1.4)
    entries = [
        textwrap.wrap(f"{r['event_id']}: {r['summary']}", width=LIST_WIDTH, subsequent_indent="    ") for r in undated
    ]
    columns = split_columns(entries, 2)
    list_lines = max((sum(len(e) for e in col) for col in columns), default=0)
    list_h = 0.6 + 0.22 * list_lines if undated else 0
    height = chart_h + list_h + 1.3  # inches: title, chart, axis labels, list
    fig = plt.figure(figsize=(WIDTH_IN, height), dpi=DPI)
    top = 1 - 0.95 / height
    bottom_of_chart = (list_h + 0.55) / height
    grid = fig.add_gridspec(
        1, 2, width_ratios=[3, 2], left=0.255, right=0.985, top=top, bottom=bottom_of_chart, wspace=0.04
    )
    ax_full = fig.add_subplot(grid[0, 0])
    ax_zoom = fig.add_subplot(grid[0, 1], sharey=ax_full)

    ys = list(range(len(dated)))
    for ax, (lo, hi), labelled in ((ax_full, FULL, False), (ax_zoom, ZOOM, True)):
        for y, row in zip(ys, dated, strict=False):
            style = BASIS_STYLE.get(row["date_basis"], {"color": "#555555", "marker": "o"})
            start = dt.date.fromisoformat(row["date_start"])
            end = dt.date.fromisoformat(row["date_end"]) + dt.timedelta(days=1)  # date_end is inclusive
            inside = end > lo and start < hi
            if row["date_precision"] == "day" and row["date_start"] == row["date_end"]:
                ax.plot(
                    [start],
                    [y],
                    linestyle="none",
                    marker=style["marker"],
                    markersize=9,
                    color=style["color"],
                    markeredgecolor="black",
                    markeredgewidth=0.6,
                    zorder=3,
                )
            else:
                uncertain = row["date_precision"] in ("month", "year")
                width = max((end - start).days, 1)
                ax.barh(
                    y,
                    width,
                    left=start,
                    height=0.5,
                    color=style["color"],
                    alpha=0.35 if uncertain else 0.9,
                    hatch="///" if uncertain else None,
                    edgecolor=style["color"],
                    linewidth=1.2,
                    zorder=2,
                )
            in_zoom = end > ZOOM[0] and start < ZOOM[1]
            if not inside or labelled != in_zoom:
                continue  # each date is written once, in the panel where it can be read
            span = (min(end, hi) - max(start, lo)).days
            if span > 0.3 * (hi - lo).days:  # a long bar: write the date inside it
                middle = max(start, lo) + dt.timedelta(days=span // 2)
                ax.annotate(
                    date_label(row),
                    (middle, y),
                    va="center",
                    ha="center",
                    fontsize=10,
                    color="white",
                    fontweight="bold",
                )
                continue
            gap = 9 if row["date_start"] == row["date_end"] else 5
            if (hi - end).days < (hi - lo).days * 0.25:
                ax.annotate(
                    date_label(row),
                    (start, y),
                    xytext=(-gap, 0),
                    textcoords="offset points",
                    va="center",
                    ha="right",
                    fontsize=10,
                    color="#222222",
                )
            else:
                ax.annotate(
                    date_label(row),
                    (end, y),
                    xytext=(gap, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=10,
                    color="#222222",
                )
        ax.set_xlim(lo, hi)
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)

    ax_full.axvspan(ZOOM[0], ZOOM[1], color="#eeeeee", zorder=0)
    ax_full.xaxis.set_major_locator(mdates.YearLocator(1))
    ax_full.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax_full.set_title("2012 to 2024", loc="left")
    ax_zoom.xaxis.set_major_locator(mdates.MonthLocator())
    ax_zoom.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax_zoom.set_title("June to December 2023, enlarged", loc="left")
    ax_zoom.tick_params(axis="y", left=False, labelleft=False)
    ax_zoom.spines["left"].set_linestyle((0, (4, 3)))
    ax_full.set_yticks(ys, [r["event_id"] for r in dated], fontsize=10.5)
    ax_full.set_ylim(len(dated) - 0.5, -0.7)

    handles = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker=s["marker"],
            markersize=9,
            color=s["color"],
            markeredgecolor="black",
            markeredgewidth=0.6,
            label=s["label"],
        )
        for s in BASIS_STYLE.values()
    ]
    handles += [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            color="white",
            markeredgecolor="black",
            label="point: known to the day",
        ),
        Patch(facecolor="#888888", edgecolor="#888888", label="solid bar: a range of days"),
        Patch(
            facecolor="#bbbbbb", edgecolor="#888888", hatch="///", label="hatched bar: known only to the month or year"
        ),
    ]
    ax_full.legend(
        handles=handles,
        loc="lower left",
        fontsize=9.5,
        title="Date comes from / precision",
        title_fontsize=10,
        frameon=True,
        framealpha=0.95,
    )

    fig.suptitle(
        f"MINUSMA's end: the {len(dated)} dated events of data/events.csv",
        x=0.015,
        y=1 - 0.3 / height,
        ha="left",
        fontsize=15,
        fontweight="bold",
    )

    if undated:
        y0 = list_h / height
        fig.text(
            0.015,
            y0,
            f"Not dated ({len(undated)} events: neither the article nor the checked outside records give a date)",
            fontsize=11.5,
            fontweight="bold",
            va="top",
        )
        step = 0.22 / height
        for col, column in enumerate(columns):
            line = 0
            for entry in column:
                for text in entry:
                    fig.text(
                        0.015 + 0.495 * col,
                        y0 - 0.3 / height - step * line,
                        text,
                        fontsize=9.5,
                        va="top",
                        color="#222222",
                    )
                    line += 1

    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=DPI, metadata={"Software": None, "Source": source})
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events", type=Path, default=REPO_ROOT / "data" / "events.csv", help="the events table to draw"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "timeline.png", help="the PNG to write")
    args = parser.parse_args(argv)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print('plot_timeline needs matplotlib: pip install -e ".[plot]"', file=sys.stderr)
        return 1
    events = read_events(args.events)
    draw(events, args.out, source=f"data/events.csv {events_digest(args.events)}")
    print(
        f"wrote {args.out} ({sum(1 for r in events if r['date_start'])} dated, "
        f"{sum(1 for r in events if not r['date_start'])} undated events)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
