"""The explorer page in a real browser (headless Chromium driven by selenium),
after its script has run: marks, highlighting, filters, sorting, keyboard,
downloads, no console errors, no network, and both screen widths.

Needs Debian's `chromium` and `chromium-driver` (see benchmarks/browser.py).
Without them these tests skip, except under CI (the CI variable set), where
they fail (conftest.missing): .ci/run installs both.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import ROOT, missing

from benchmarks.browser import chromium
from benchmarks.browser import missing as browser_missing

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
# The tables marked in the article's fact layer, as their schemas say.
FACT_TABLES = tuple(
    r["name"] for r in DESCRIPTOR["resources"] if r["format"] == "csv" and r["schema"].get("minusma:evidence") == "fact"
)
MENTION_TABLES = tuple(
    r["name"]
    for r in DESCRIPTOR["resources"]
    if r["format"] == "csv" and r["schema"].get("minusma:evidence") == "mention"
)

pytestmark = pytest.mark.slow  # a real browser


def rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evidence_of(*tables: str) -> dict[str, str]:
    found = {}
    for t in tables:
        for r in rows(t):
            found[f"{t}/{next(iter(r.values()))}"] = r["evidence"]
    return found


@pytest.fixture(scope="module")
def browser():
    reason = browser_missing()
    if reason:
        missing(reason)
    with chromium() as driver:
        yield driver


@pytest.fixture
def page(browser, built_site):
    """The page freshly loaded at desktop width; the logs emptied before it loads."""
    browser.set_window_size(1400, 900)
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get((built_site / "index.html").as_uri())
    browser.execute_script("return document.readyState")  # waits for load, and so for the deferred script
    return browser


JOINED_BY_KEY = """
const joined = {};
for (const seg of document.querySelectorAll('.article .seg[data-start]')) {
  const keys = ((seg.dataset.facts || '') + ' ' + (seg.dataset.mentions || '')).split(' ').filter(Boolean);
  for (const k of keys) joined[k] = (joined[k] || '') + seg.textContent;
}
return joined;
"""

HIGHLIGHTED = "return Array.from(document.querySelectorAll('.article .seg.hl')).map(s => s.textContent).join('')"


def test_segments_listing_a_fact_join_to_its_evidence(page):
    assert page.execute_script(JOINED_BY_KEY) == evidence_of(*FACT_TABLES, *MENTION_TABLES)


def test_selecting_any_fact_highlights_exactly_its_evidence_and_scrolls_to_it(page):
    result = page.execute_script("""
      const out = {};
      for (const button of document.querySelectorAll('tr[data-row] button[data-fact]')) {
        button.click();
        const segs = Array.from(document.querySelectorAll('.article .seg.hl'));
        const box = segs.length ? segs[0].getBoundingClientRect() : null;
        out[button.dataset.fact] = [segs.map(s => s.textContent).join(''),
                                    !!box && box.top >= 0 && box.bottom <= window.innerHeight];
      }
      return out;
    """)
    expected = evidence_of(*FACT_TABLES, *MENTION_TABLES)
    assert {k: v[0] for k, v in result.items()} == expected
    assert [k for k, v in result.items() if not v[1]] == [], "highlighted but not scrolled into view"


def test_selecting_a_mark_lists_the_facts_it_supports(page):
    mark = page.find_element("css selector", '.article .seg[data-n="2"]')
    mark.click()
    listed = [b.get_attribute("data-fact") for b in page.find_elements("css selector", "#panel-list button[data-fact]")]
    assert listed == mark.get_attribute("data-facts").split()
    assert mark.get_attribute("aria-pressed") == "true"
    page.find_elements("css selector", "#panel-list button[data-fact]")[1].click()
    assert page.execute_script(HIGHLIGHTED) == evidence_of(*FACT_TABLES)[listed[1]]


def visible_rows(page, table: str) -> int:
    return page.execute_script(
        f"return Array.from(document.querySelectorAll('table[data-table=\"{table}\"] tbody tr'))"
        ".filter(tr => tr.offsetParent !== null).length"
    )


def choose(page, table: str, field: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(
        page.find_element("css selector", f'.filters[data-table="{table}"] select[data-filter="{field}"]')
    ).select_by_value(value)


@pytest.mark.parametrize(
    "table, field",
    [("events", "event_type"), ("events", "status"), ("events", "date_basis"), ("statements", "passage_kind")],
)
def test_a_filter_shows_as_many_rows_as_the_csv_has(page, table, field):
    counts = Counter(r[field] for r in rows(table))
    value, n = counts.most_common()[-1]  # the rarest value: the biggest change
    assert visible_rows(page, table) == len(rows(table))
    choose(page, table, field, value)
    assert visible_rows(page, table) == n
    assert (
        page.find_element("css selector", f'.filters[data-table="{table}"] .row-count').text
        == f"{n} of {len(rows(table))} rows"
    )
    choose(page, table, field, "")
    assert visible_rows(page, table) == len(rows(table))


def test_filters_combine(page):
    events = rows("events")
    choose(page, "events", "status", "occurred")
    choose(page, "events", "passage_kind", "reporting")
    assert visible_rows(page, "events") == sum(
        1 for r in events if r["status"] == "occurred" and r["passage_kind"] == "reporting"
    )


def test_sorting_follows_the_values_with_empty_cells_last(page):
    button = page.find_element("css selector", 'table[data-table="events"] button[data-sort="date_start"]')
    shown = (
        "return Array.from(document.querySelectorAll('table[data-table=\"events\"] tbody tr'))"
        ".map(tr => tr.querySelector('td[data-field=\"date_start\"]').dataset.value)"
    )
    dates = sorted(r["date_start"] for r in rows("events") if r["date_start"])
    empty = [""] * (len(rows("events")) - len(dates))
    button.click()
    assert page.execute_script(shown) == dates + empty
    assert button.find_element("xpath", "..").get_attribute("aria-sort") == "ascending"
    button.click()
    assert page.execute_script(shown) == dates[::-1] + empty
    assert button.find_element("xpath", "..").get_attribute("aria-sort") == "descending"
    page.find_element("css selector", "#table-actors input.show-all").click()  # mention_count is an extra column
    mentions = page.find_element("css selector", 'table[data-table="actors"] button[data-sort="mention_count"]')
    mentions.click()
    counts = page.execute_script(
        'return Array.from(document.querySelectorAll(\'table[data-table="actors"] tbody '
        'td[data-field="mention_count"]\')).map(td => Number(td.dataset.value))'
    )
    assert counts == sorted(int(r["mention_count"]) for r in rows("actors"))


def test_keyboard_reaches_a_mark_and_a_fact(page):
    from selenium.webdriver.common.keys import Keys

    page.execute_script("document.getElementById('toggle-mentions').focus()")
    active = page.switch_to.active_element
    active.send_keys(Keys.TAB)
    mark = page.switch_to.active_element
    first = page.find_element("css selector", ".article .seg[data-facts]")
    assert mark == first
    assert page.execute_script("return getComputedStyle(document.activeElement).outlineStyle") != "none"
    mark.send_keys(Keys.ENTER)
    listed = [b.get_attribute("data-fact") for b in page.find_elements("css selector", "#panel-list button[data-fact]")]
    assert listed == first.get_attribute("data-facts").split()
    page.switch_to.active_element.send_keys(Keys.TAB)
    fact = page.switch_to.active_element
    assert fact.get_attribute("data-fact") == listed[0]
    fact.send_keys(Keys.ENTER)
    assert page.execute_script(HIGHLIGHTED) == evidence_of(*FACT_TABLES)[listed[0]]
    # from a table: tab from the last column heading shown to the first row's id, then Space
    page.execute_script(
        "Array.from(document.querySelectorAll('table[data-table=\"statements\"] thead button'))"
        ".filter(b => b.offsetParent !== null).pop().focus()"
    )
    page.switch_to.active_element.send_keys(Keys.TAB)
    button = page.switch_to.active_element
    key = button.get_attribute("data-fact")
    assert key == f"statements/{rows('statements')[0]['statement_id']}"
    button.send_keys(Keys.SPACE)
    assert page.execute_script(HIGHLIGHTED) == evidence_of("statements")[key]
    assert "hl" in page.switch_to.active_element.get_attribute("class")  # focus moved to the words
    page.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert page.execute_script(HIGHLIGHTED) == ""


def test_a_link_to_a_fact_opens_with_it_highlighted(browser, built_site):
    statement = rows("statements")[-1]
    browser.get((built_site / "index.html").as_uri() + f"#fact=statements/{statement['statement_id']}")
    assert browser.execute_script(HIGHLIGHTED) == statement["evidence"]


def test_the_mentions_layer_makes_mentions_selectable(page):
    only_mentions = ".article .seg[data-mentions]:not([data-facts])"
    assert page.execute_script(f"return document.querySelector('{only_mentions}').tabIndex") == -1
    page.find_element("id", "toggle-mentions").click()
    seg = page.find_element("css selector", only_mentions)
    assert seg.get_attribute("tabindex") == "0"
    seg.click()
    listed = [b.get_attribute("data-fact") for b in page.find_elements("css selector", "#panel-list button[data-fact]")]
    assert listed == seg.get_attribute("data-mentions").split()


def test_marks_differ_without_colour(page):
    styles = page.execute_script("""
      const s = n => getComputedStyle(document.querySelector('.article .seg[data-n="' + n + '"]'));
      return [1, 2, 3].map(n => [s(n).textDecorationStyle, s(n).textDecorationThickness]);
    """)
    assert len({tuple(s) for s in styles}) == 3


def test_every_download_link_resolves_to_a_file_in_the_site(page, built_site):
    hrefs = page.execute_script("return Array.from(document.querySelectorAll('a.download')).map(a => a.href)")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert len(hrefs) == len(descriptor["resources"]) + 4  # + datapackage.json, the source text, zip, workbook
    root = built_site.resolve()
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", href
        path = Path(unquote(url.path)).resolve()
        assert path.is_file() and root in path.parents, href


def test_no_console_errors_and_no_network(page):
    page.find_element("css selector", ".article .seg[data-facts]").click()
    page.find_element("css selector", "#panel-list button[data-fact]").click()
    errors = [e for e in page.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    urls = []
    for entry in page.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    assert urls, "the performance log recorded no request at all"
    assert [u for u in urls if not u.startswith(("file:", "data:"))] == []


LABELS = {"events": "summary", "statements": "paraphrase", "figures": "phrase"}
"""The line that says what a row of each table of facts is (site_page.label_column)."""


def test_at_1400_px_each_rows_line_is_visible_without_scrolling_sideways(page):
    page.set_window_size(1400, 900)
    for table, label in LABELS.items():
        box = page.execute_script(
            f"const wrap = document.querySelector('#table-{table} .table-wrap');"
            "wrap.scrollIntoView();"
            f"const cells = Array.from(wrap.querySelectorAll('td[data-field=\"{label}\"]'));"
            "const w = wrap.getBoundingClientRect();"
            "return {scroll: wrap.scrollWidth, client: wrap.clientWidth, left: w.left, right: w.right,"
            " cells: cells.map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right, r.width]; })};"
        )
        assert box["scroll"] <= box["client"], (table, box["scroll"], box["client"])
        assert len(box["cells"]) == len(rows(table))
        for left, right, width in box["cells"]:
            assert box["left"] <= left and right <= box["right"] + 1 and width > 200, (table, left, right, width)


def test_show_all_columns_adds_every_column(page):
    visible = (
        "return Array.from(document.querySelectorAll('#table-events thead th'))"
        ".filter(th => th.offsetParent !== null).map(th => th.querySelector('button').dataset.sort)"
    )
    reading = page.execute_script(visible)
    switch = page.find_element("css selector", "#table-events input.show-all")
    page.execute_script("arguments[0].scrollIntoView({block: 'center'})", switch)
    switch.click()
    every = page.execute_script(visible)
    hidden = {"source_id", "char_start", "char_end", "passage_id"}
    assert sorted(every) == sorted(f for f in rows("events")[0] if f not in hidden)
    assert every[: len(reading)] == reading and len(reading) < len(every)
    assert page.execute_script(
        "return document.querySelector('#table-events tbody td.extra').offsetParent !== null"
    )  # fmt: skip
    switch.click()
    assert page.execute_script(visible) == reading


def test_at_375_px_the_article_starts_within_a_screen_and_a_half(page, built_site):
    page.set_window_size(375, 812)
    page.get((built_site / "index.html").as_uri())
    page.execute_script("return document.readyState")
    first = page.execute_script("""
      const seg = document.querySelector('.article .seg[data-facts]');
      return [seg.getBoundingClientRect().bottom + window.scrollY, window.innerHeight,
              document.querySelector('details.legend').open];
    """)
    bottom, screen, legend_open = first
    assert legend_open is False  # the legend waits, closed, on a phone
    assert bottom <= 1.5 * screen, (bottom, screen)
    page.set_window_size(1400, 900)
    page.get((built_site / "index.html").as_uri())
    assert page.execute_script("return document.querySelector('details.legend').open") is True


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("SITE_SCREENSHOTS", ROOT / "site-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", [375, 1400])
def test_fits_the_screen_and_screenshots(page, width):
    page.set_window_size(width, 900)
    inner = page.execute_script("return window.innerWidth")
    folder = screenshot_dir()
    page.save_screenshot(str(folder / f"{width}-top.png"))
    assert page.execute_script("return document.documentElement.scrollWidth") <= inner
    # what is wider than the screen scrolls inside its own wrapper
    too_wide = page.execute_script("""
      return Array.from(document.querySelectorAll('main *')).filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > window.innerWidth + 1 && !el.closest('.table-wrap');
      }).map(el => el.tagName + '.' + el.className).slice(0, 5);
    """)
    assert too_wide == []
    mark = page.find_element("css selector", '.article .seg[data-n="3"]')
    page.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", mark)
    page.save_screenshot(str(folder / f"{width}-mark-selected.png"))
    page.find_element("css selector", "#panel-list button[data-fact]").click()
    page.save_screenshot(str(folder / f"{width}-fact-highlighted.png"))
    for section in ("timeline", "table-events", "downloads"):
        page.execute_script(f"document.getElementById('{section}').scrollIntoView()")
        page.save_screenshot(str(folder / f"{width}-{section}.png"))


def test_a_verdict_mark_highlights_its_claims_words(page):
    result = page.execute_script("""
      const out = {};
      for (const mark of document.querySelectorAll('.article button.verdict-mark')) {
        mark.click();
        out[mark.dataset.fact] = Array.from(document.querySelectorAll('.article .seg.hl'))
          .map(s => s.textContent).join('');
      }
      return out;
    """)
    assert result == evidence_of("claims")


def test_verdict_marks_differ_without_colour(page):
    styles = page.execute_script("""
      const out = {};
      for (const mark of document.querySelectorAll('.legend .verdict-mark')) {
        const s = getComputedStyle(mark), sign = getComputedStyle(mark, '::before').content;
        out[mark.className] = [s.borderTopStyle, s.borderTopWidth, sign];
      }
      return out;
    """)
    assert len(styles) == 5
    assert len({(style, width) for style, width, _ in styles.values()}) == 5
    assert len({sign for _, _, sign in styles.values()}) == 5


# -- a hostile package: nothing of it runs ------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The page of tests/hostile_page.py's package: markup in every shown value."""
    from hostile_page import hostile_package

    from minusma_build.site import build_site

    work = tmp_path_factory.mktemp("hostile")
    build_site(hostile_package(work / "package"), work / "site")
    return work / "site"


UNSAFE_URLS = """
return Array.from(document.querySelectorAll('[href], [src]'))
  .map(e => e.href || e.src)
  .filter(u => !/^(file|https):/.test(u) && u !== 'data:,');
"""
# Each payload of tests/hostile_page.py sets window.pwned (or the title) if it runs.
RAN = "return [window.pwned === undefined ? null : window.pwned, document.title]"


def test_no_script_of_a_hostile_package_runs_even_when_its_names_are_used(browser, hostile_site):
    import hostile_page as h

    browser.set_window_size(1400, 900)
    browser.get_log("browser")
    browser.get((hostile_site / "index.html").as_uri())
    browser.execute_script("return document.readyState")
    assert browser.execute_script(RAN) == [None, h.TITLE]
    assert browser.execute_script(UNSAFE_URLS) == []
    # the page's script on the hostile names: sort and filter by the hostile columns, follow every anchor
    browser.execute_script(
        """
        const [table, field, codeField] = arguments;
        document.querySelector('button[data-sort="' + CSS.escape(field) + '"]').click();
        const select = document.querySelector(
          '.filters[data-table="' + CSS.escape(table) + '"] select[data-filter="' + CSS.escape(codeField) + '"]');
        select.value = 'x';
        select.dispatchEvent(new Event('change', {bubbles: true}));
        document.querySelectorAll('a[href^="#"]').forEach(a => a.click());
        """,
        h.TABLE,
        h.FIELD,
        h.CODE_FIELD,
    )
    shown = browser.execute_script(
        "const rows = document.querySelectorAll('table[data-table=\"' + CSS.escape(arguments[0]) + '\"] tbody tr');"
        "return Array.from(rows).filter(tr => !tr.hidden).length",
        h.TABLE,
    )
    assert shown == 1  # the filter found its table and column by their hostile names
    assert browser.execute_script(f"return !!document.getElementById({json.dumps('code-' + h.FIELD)})")
    # the published file named like a script URL is a link to that file
    linked = browser.execute_script(
        "return Array.from(document.querySelectorAll('a.download')).map(a => a.href).filter(u => u.endsWith('x.txt'))"
    )
    assert [os.path.normpath(unquote(urlparse(u).path)) for u in linked] == [str(hostile_site / h.LINKED_FILE)]
    browser.execute_script("document.querySelectorAll('a.download').forEach(a => a.click())")
    assert browser.execute_script(RAN) == [None, h.TITLE]
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
