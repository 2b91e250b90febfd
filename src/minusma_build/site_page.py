"""The explorer page's HTML: the article with its marks, the timeline, one
table per published table, the data dictionary and codebook, and the
downloads. Everything comes from the published package (see site_data);
the page's script only shows, hides, sorts and highlights what is here.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, PARQUET_SUFFIX

from .about import DESCRIPTOR_TITLE, About
from .claims import TABLE as CLAIMS_TABLE
from .schema_org import script_tag
from .site_article import Passage, Span, article_html
from .site_data import PASSAGES, SOURCES, TIMELINE_TABLE, Package, Table
from .urls import relative_href, scheme, unsafe

HIDDEN_COLUMNS = {"source_id", "char_start", "char_end", "passage_id"}
"""Columns left out of the shown tables (one source; the span is shown by highlighting it)."""
UNTAGGED = {*HIDDEN_COLUMNS, "passage_kind", "date_precision", "date_basis"}
"""Columns that say where a row or its date comes from rather than what it is: never a tag."""
EXTRA = ' class="extra"'
"""On the heading and cells of a column shown only with "Show all columns"."""
LONG_TEXT = 60
"""Columns with a value longer than this get wide cells, so their rows stay short."""
GENERATOR = '<meta name="generator" content="minusma_build.site">'
"""In every page written, so the generator never replaces a folder it did not write."""


def e(value: object) -> str:
    """Any value as HTML text or as an attribute's value (in double quotes)."""
    return escape(str(value), quote=True)


def link(target: str, text: str, package: Package) -> str:
    """`text` linked to `target` when the page may link it (urls.py): an
    https URL, or a file the page copies (percent-encoded, so its name is
    never read as a scheme); anything else is shown as text, not linked."""
    if unsafe(target) is None and scheme(target) is not None:
        return f'<a href="{e(target)}">{e(text)}</a>'
    if target in package.files:
        return f'<a href="{e(relative_href(target))}">{e(text)}</a>'
    return e(text)


def row_anchor(table: str, row_id: str) -> str:
    return f"row-{table}-{row_id}"


def shown_tables(package: Package) -> list[Table]:
    """Tables shown as tables: the facts first, then every other table but the
    article's own (sources and passages), each in published order. Every table
    is in the dictionary and the downloads."""
    facts = [t for t in package.layered() if t.evidence == "fact"]
    rest = [t for t in package.tables.values() if t not in facts and t.name not in (SOURCES, PASSAGES)]
    return facts + rest


def row_kind(table: Table) -> str:
    """What one row is called ("Event"): its key column's title without "id"."""
    key = next((f for f in table.fields if f["name"] == table.key), {})
    title = str(key.get("title", ""))
    return title.removesuffix(" id") if title.endswith(" id") else table.name


def label_column(table: Table) -> str:
    """The column that says, in one line, what a row is (in the list of facts
    a mark supports): the first required text that is neither the key, an id
    of another table, nor a code (events' summary, statements' paraphrase)."""
    targets = table.foreign_targets()
    for f in table.fields:
        required = f.get("constraints", {}).get("required")
        plain = f.get("type", "string") == "string" and not f.get("categories") and f["name"] not in targets
        if required and plain and f["name"] != table.key:
            return f["name"]
    return ""


def tag_columns(table: Table) -> list[str]:
    """Columns shown as short tags beside that line: the actors, the required
    codes, the first number and the first date."""
    targets = table.foreign_targets()
    tags, kinds = [], set()
    for f in table.fields:
        name, kind = f["name"], f.get("type")
        if name in UNTAGGED or name == table.key:
            continue
        coded = f.get("categories") and f.get("constraints", {}).get("required")
        first = kind in ("number", "date") and kind not in kinds
        if targets.get(name) == "actors" or coded or first:
            tags.append(name)
            kinds.add(kind)
    return tags


def reading_columns(table: Table) -> list[str]:
    """The columns a table shows before "show all columns": its key, the line
    that says what a row is (an event's summary), then its tags (actors,
    required codes, first number and date), so that a row reads left to right
    at desktop width without scrolling sideways."""
    label = label_column(table)
    return [table.key, *([label] if label else []), *(c for c in tag_columns(table) if c != label)]


def page_html(
    package: Package, *, release_zip: str | None, asset_names: tuple[str, str], release_workbook: str | None = None
) -> str:
    css, js = asset_names
    title = package.descriptor.get("title") or package.descriptor.get("name", "Data package")
    body = "\n".join(
        [
            header_html(package),
            '<main id="main">',
            article_section(package),
            claims_section(package),
            timeline_section(package),
            tables_section(package),
            dictionary_section(package),
            downloads_section(package, release_zip, release_workbook),
            "</main>",
            footer_html(package),
        ]
    )
    about = About(package.root, package.descriptor, package.cff)  # the descriptor already checked, not read again
    markup = script_tag(about, tuple(n for n in (release_zip, release_workbook) if n))
    data = json.dumps(page_data(package), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c")  # nothing in the blob can close its <script> element
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"{GENERATOR}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f"{markup}\n"
        f'<link rel="stylesheet" href="{css}">\n'
        f'<script src="{js}" defer></script>\n'
        "</head>\n<body>\n"
        '<a class="skip" href="#article">Skip to the article</a>\n'
        f"{body}\n"
        f'<script type="application/json" id="site-data">{data}</script>\n'
        "</body>\n</html>\n"
    )


# -- header and footer -------------------------------------------------------


def header_html(package: Package) -> str:
    d = package.descriptor
    counts = ", ".join(f"{len(t.rows)} {t.name}" for t in shown_tables(package))
    nav = "".join(
        f'<li><a href="#{anchor}">{label}</a></li>'
        for anchor, label in (
            ("article", "Article"),
            *([("claims", "Claims checked")] if claims_table(package) else []),
            ("timeline", "Timeline"),
            ("tables", "Tables"),
            ("dictionary", "Data dictionary"),
            ("downloads", "Downloads"),
        )
    )
    return (
        '<header class="site-header">\n'
        f"<h1>{e(d.get('title', d.get('name', '')))}</h1>\n"
        f'<p class="lede">{e(d.get("description", ""))}</p>\n'
        f'<p class="meta">Version {e(package.version)} · {e(counts)}</p>\n'
        f'<nav aria-label="Sections"><ul>{nav}</ul></nav>\n'
        "</header>"
    )


def footer_html(package: Package) -> str:
    licences = "; ".join(
        link(lic["path"], lic.get("title") or lic.get("name", ""), package)
        if lic.get("path")
        else e(lic.get("title") or lic.get("name", ""))
        for lic in package.descriptor.get("licenses", [])
    )
    rights = " ".join(e(r.get("rights", "")) for r in package.tables[SOURCES].rows)
    return (
        f'<footer class="site-footer"><p>Data licence: {licences}.</p><p>{rights}</p>'
        f"<p>Generated from datapackage.json version {e(package.version)}.</p></footer>"
    )


# -- the article ---------------------------------------------------------------


def spans_of(package: Package, source_id: str) -> list[Span]:
    spans = []
    for table in package.layered():
        for row in table.rows:
            if row["source_id"] == source_id:
                key = f"{table.name}/{row[table.key]}"
                spans.append(Span(int(row["char_start"]), int(row["char_end"]), key, str(table.evidence)))
    return spans


def categories(package: Package, table: str, field: str) -> list[dict[str, Any]]:
    for f in package.tables[table].fields:
        if f["name"] == field:
            return list(f.get("categories", []))
    return []


def legend_html(package: Package) -> str:
    kinds = "".join(
        f'<li><span class="kind-label kl-{e(c["value"])}">{e(c["value"])}</span> {e(c.get("label", ""))}</li>'
        for c in categories(package, PASSAGES, "passage_kind")
    )
    marks = (
        '<li><span class="seg" data-n="1">one fact</span> solid underline: the words support one fact</li>'
        '<li><span class="seg" data-n="2">two facts</span> double underline: two facts overlap here</li>'
        '<li><span class="seg" data-n="3">three or more</span> thick double underline: three or more</li>'
        '<li><span class="seg hl hl-first hl-last">highlighted</span> boxed: the evidence of the fact you selected</li>'
        '<li><span class="mention-sample">mention</span> dotted line below: an actor is named '
        "(shown with the mentions layer)</li>"
    )
    return (
        f'<details class="legend"><summary>Legend</summary>'
        f'<div class="legend-cols"><div><h3>Passage kinds</h3><ul>{kinds}</ul></div>'
        f"<div><h3>Marks</h3><ul>{marks}</ul></div>{claims_legend(package)}</div></details>"
    )


def article_section(package: Package) -> str:
    parts = []
    passages_table = package.tables[PASSAGES]
    for source in package.tables[SOURCES].rows:
        sid = source["source_id"]
        passages = [
            Passage(int(p["char_start"]), int(p["char_end"]), p["passage_id"], p["passage_kind"])
            for p in passages_table.rows
            if p["source_id"] == sid
        ]
        passages.sort(key=lambda p: p.start)
        parts.append(
            f'<article class="article" data-source="{e(sid)}" aria-label="{e(source["title"])}">\n'
            f"{article_html(package.texts[sid], spans_of(package, sid), passages, verdict_marks(package, sid))}\n"
            "</article>"
        )
        if source.get("quality_notes"):
            parts.append(f'<p class="note"><strong>About this text.</strong> {e(source["quality_notes"])}</p>')
    return (
        '<section id="article" aria-labelledby="article-h">\n'
        '<h2 id="article-h">The article, with every fact marked</h2>\n'
        '<p class="how">Select marked words (click, or Tab then Enter) to list the facts they support. '
        "Select a fact (in that list, the timeline or a table) to highlight exactly the words it quotes. "
        "Esc clears.</p>\n"
        f"{legend_html(package)}\n"
        '<p class="layer"><label><input type="checkbox" id="toggle-mentions"> '
        "Show mentions of actors</label></p>\n"
        '<div class="reader">\n<div class="text">\n' + "\n".join(parts) + "\n</div>\n"
        '<aside id="panel" class="panel" aria-labelledby="panel-h" tabindex="-1">\n'
        '<div class="panel-head"><h3 id="panel-h">Facts</h3>'
        '<button type="button" class="panel-close" aria-label="Close the list of facts">Close</button></div>\n'
        '<p id="status" class="status" role="status" aria-live="polite">Nothing selected yet.</p>\n'
        '<ul id="panel-list" class="panel-list"></ul>\n'
        "</aside>\n</div>\n</section>"
    )


def page_data(package: Package) -> dict[str, Any]:
    """What the script needs beyond the DOM: for each fact and mention, a
    one-line description to list when a mark is selected."""
    names = package.actor_names()
    facts = {}
    for table in package.layered():
        actor_columns = {c for c, t in table.foreign_targets().items() if t == "actors"}
        kind, label, tag_names = row_kind(table), label_column(table), tag_columns(table)
        for row in table.rows:
            tags = []
            for column in tag_names:
                value = row.get(column, "")
                if value:
                    tags.append(names.get(value, value) if column in actor_columns else value)
            facts[f"{table.name}/{row[table.key]}"] = {
                "kind": kind,
                "label": row.get(label, ""),
                "tags": tags,
                "row": row_anchor(table.name, row[table.key]),
            }
    return {"facts": facts}


# -- the claims checked against the records ------------------------------------

VERDICT_SYMBOLS = {
    "consistent": "✓",
    "consistent_with_note": "≈",
    "partly_consistent": "◐",
    "inconsistent": "✗",
    "not_checkable": "?",
}
"""The sign each verdict's mark shows; its border style and colour are in site.css."""


def claims_table(package: Package) -> Table | None:
    """The claims table, when the package has one whose rows quote the article with a verdict."""
    table = package.tables.get(CLAIMS_TABLE)
    names = {f["name"] for f in table.fields} if table else set()
    return table if table and table.evidence and {"verdict", "claim"} <= names else None


def verdict_sign(code: str, tag: str = "span", attrs: str = 'aria-hidden="true"') -> str:
    """A verdict's mark: its sign (drawn by site.css from data-symbol), class v-<code>."""
    symbol = VERDICT_SYMBOLS.get(code, "•")
    return f'<{tag} class="verdict-mark v-{e(code)}" data-symbol="{e(symbol)}" {attrs}></{tag}>'


def verdict_marks(package: Package, source_id: str) -> dict[int, str]:
    """The verdict mark of each claim of a source, by the offset its words end at.
    Selecting one highlights the claim's words, as selecting a fact does."""
    table = claims_table(package)
    marks: dict[int, str] = {}
    if table is None:
        return marks
    for row in (r for r in table.rows if r["source_id"] == source_id):
        key, code = row[table.key], row["verdict"]
        attrs = (
            f'type="button" data-fact="{e(CLAIMS_TABLE)}/{e(key)}" title="{e(code)}: {e(row["claim"])}" '
            f'aria-label="Claim {e(key)}, {e(code)}: highlight its words"'
        )
        marks[int(row["char_end"])] = marks.get(int(row["char_end"]), "") + verdict_sign(code, "button", attrs)
    return marks


def claims_legend(package: Package) -> str:
    table = claims_table(package)
    if table is None:
        return ""
    items = "".join(
        f"<li>{verdict_sign(c['value'])} <code>{e(c['value'])}</code> {e(c.get('label', ''))}</li>"
        for c in categories(package, table.name, "verdict")
    )
    return (
        "<div><h3>Claims checked</h3><ul>"
        f"<li>A sign after a claim's words gives its verdict against the outside records; select it to "
        f'highlight the words. <a href="#claims">All claims</a></li>{items}</ul></div>'
    )


def claims_section(package: Package) -> str:
    """The claims, by verdict and in the article's order, each with its record and note."""
    table = claims_table(package)
    if table is None:
        return ""
    targets = table.foreign_targets()
    cited = package.tables.get(targets.get("reference_id", ""))
    records = {r[cited.key]: r for r in cited.rows} if cited else {}
    ordered = sorted(table.rows, key=lambda r: (r["source_id"], int(r["char_start"]), r[table.key]))
    groups = []
    for c in categories(package, table.name, "verdict"):
        chosen = [r for r in ordered if r["verdict"] == c["value"]]
        if not chosen:
            continue
        items = "".join(claim_item(table, r, cited, records) for r in chosen)
        groups.append(
            f'<section class="verdict-group" aria-labelledby="verdict-{e(c["value"])}-h">'
            f'<h3 id="verdict-{e(c["value"])}-h">{verdict_sign(c["value"])} <code>{e(c["value"])}</code> '
            f"<small>({len(chosen)})</small></h3><p>{e(c.get('label', ''))}</p>"
            f'<ol class="claims-list">{items}</ol></section>'
        )
    return (
        '<section id="claims" aria-labelledby="claims-h">\n'
        '<h2 id="claims-h">The article\'s claims, checked against the records</h2>\n'
        f"<p>{len(table.rows)} claims of the article, each set beside an outside record of the references "
        "table, with a verdict and a note on how the two relate; a claim no record held speaks to is "
        "listed as not checkable. The same sign marks each claim's words in the article.</p>\n"
        + "\n".join(groups)
        + "\n</section>"
    )


def claim_item(table: Table, row: dict[str, str], cited: Table | None, records: dict[str, dict[str, str]]) -> str:
    key, reference = row[table.key], row.get("reference_id", "")
    record = ""
    if cited and reference in records:
        title = records[reference].get("title") or reference
        confidence = row.get("confidence", "")
        aspect = f", as to the {e(row['aspect'])}" if row.get("aspect") else ""
        record = (
            f'<p class="claim-record">Record: <a href="#{e(row_anchor(cited.name, reference))}">{e(title)}</a>'
            + (f" (confidence {e(confidence)}{aspect})" if confidence else "")
            + "</p>"
        )
    return (
        f'<li class="claim-item" data-claim="{e(table.name)}/{e(key)}">'
        f'<p class="claim-words">{verdict_sign(row["verdict"])} <q>{e(row["evidence"])}</q> '
        f'<span class="vh">verdict: {e(row["verdict"])}</span></p>'
        f'<p class="claim-text">{e(row["claim"])}</p>{record}<p class="claim-note">{e(row.get("note", ""))}</p>'
        f'<p><button type="button" class="fact-btn" data-fact="{e(table.name)}/{e(key)}">'
        f'Show in text<span class="vh">: {e(key)}</span></button> '
        f'<a href="#{e(row_anchor(table.name, key))}">Row in its table</a></p></li>'
    )


# -- the timeline --------------------------------------------------------------


def date_text(start: str, end: str, precision: str) -> str:
    cut = {"month": 7, "year": 4}.get(precision, 10)
    first, last = start[:cut], (end or start)[:cut]
    return first if first == last else f"{first} to {last}"


def timeline_section(package: Package) -> str:
    events = package.tables[TIMELINE_TABLE]
    key, label, targets = events.key, label_column(events), events.foreign_targets()
    dated = sorted(
        (r for r in events.rows if r.get("date_start")),
        key=lambda r: (r["date_start"], r.get("date_end", ""), r[key]),
    )
    undated = len(events.rows) - len(dated)
    cited = package.tables.get(targets.get("date_reference_id", ""))
    references = {r[cited.key]: r for r in cited.rows} if cited else {}
    years: dict[str, list[str]] = {}
    for r in dated:
        basis = r.get("date_basis", "")
        source = ""
        if cited and r.get("date_reference_id") in references:
            ref = references[r["date_reference_id"]]
            source = (
                f' <a href="#{e(row_anchor(cited.name, ref[cited.key]))}">{e(ref.get("title") or ref[cited.key])}</a>'
            )
        elif r.get("date_anchor_event_id"):
            anchor = targets.get("date_anchor_event_id", events.name)
            source = (
                f' from <a href="#{e(row_anchor(anchor, r["date_anchor_event_id"]))}">'
                f"{e(r['date_anchor_event_id'])}</a>"
            )
        when = date_text(r["date_start"], r.get("date_end", ""), r.get("date_precision", ""))
        fact = f"{events.name}/{r[key]}"
        years.setdefault(r["date_start"][:4], []).append(
            f'<li class="tl-item" data-event="{e(fact)}">'
            f'<time datetime="{e(r["date_start"])}">{e(when)}</time> '
            f'<span class="basis b-{e(basis)}">{e(basis)}</span>{source}'
            f"<p>{e(r.get(label, ''))}</p>"
            f'<button type="button" class="fact-btn" data-fact="{e(fact)}">'
            f'Show in text<span class="vh">: {e(r[key])}</span></button></li>'
        )
    items = "".join(
        f'<li class="tl-year"><h3>{e(year)}</h3><ol class="tl-events">{"".join(lis)}</ol></li>'
        for year, lis in years.items()
    )
    basis_codes = "".join(
        f'<li><span class="basis b-{e(c["value"])}">{e(c["value"])}</span> {e(c.get("label", ""))}</li>'
        for c in categories(package, events.name, "date_basis")
        if c["value"] != "unknown"
    )
    return (
        '<section id="timeline" aria-labelledby="timeline-h">\n'
        '<h2 id="timeline-h">Timeline of the dated events</h2>\n'
        f"<p>{len(dated)} of {len(events.rows)} events have a date; the other {undated} have none. "
        "Each date says where it comes from:</p>\n"
        f'<ul class="basis-legend">{basis_codes}</ul>\n'
        f'<ol class="timeline">{items}</ol>\n</section>'
    )


# -- the tables ------------------------------------------------------------------


def shown_columns(table: Table) -> list[dict[str, Any]]:
    """Every column but HIDDEN_COLUMNS: the reading columns first, in their
    order, then the others in schema order."""
    by_name = {f["name"]: f for f in table.fields if f["name"] not in HIDDEN_COLUMNS}
    first = [c for c in reading_columns(table) if c in by_name]
    return [by_name[c] for c in first] + [f for name, f in by_name.items() if name not in first]


def cell_html(
    package: Package,
    table: Table,
    field: dict[str, Any],
    row: dict[str, str],
    targets: dict[str, str],
    names: dict[str, str],
    long: bool,
    extra: bool = False,
) -> str:
    name, value = field["name"], row.get(field["name"], "")
    classes = " ".join(c for c, on in (("long", long), ("extra", extra)) if on)
    attrs = (f'class="{classes}" ' if classes else "") + f'data-field="{e(name)}" data-value="{e(value)}"'
    if value == "":
        return f"<td {attrs}></td>"
    if name == table.key:
        if table.evidence:
            inner = (
                f'<button type="button" class="fact-btn" data-fact="{e(table.name)}/{e(value)}" '
                f'title="Highlight its evidence in the article">{e(value)}</button>'
            )
        else:
            inner = f"<code>{e(value)}</code>"
    elif targets.get(name) == "actors":
        inner = (
            f'<a href="#{e(row_anchor("actors", value))}">{e(names.get(value, value))}</a> '
            f'<code class="id">{e(value)}</code>'
        )
    elif targets.get(name) in {t.name for t in shown_tables(package)}:
        inner = f'<a href="#{e(row_anchor(targets[name], value))}"><code>{e(value)}</code></a>'
    elif field.get("categories"):
        label = next((c.get("label", "") for c in field["categories"] if str(c["value"]) == value), "")
        inner = f'<span class="code" title="{e(label)}">{e(value)}</span>'
    else:
        inner = e(value)
    return f"<td {attrs}>{inner}</td>"


def filters_html(table: Table, hidden: int) -> str:
    selects = []
    for f in table.fields:
        if f["name"] in HIDDEN_COLUMNS or not f.get("constraints", {}).get("enum"):
            continue
        counts = Counter(r[f["name"]] for r in table.rows)
        codes = [str(v) for v in f["constraints"]["enum"]]  # a CSV cell is text, whole-number codes too
        options = "".join(f'<option value="{e(v)}">{e(v)} ({counts[v]})</option>' for v in codes if counts.get(v))
        selects.append(
            f'<label>{e(f.get("title", f["name"]))} <select data-filter="{e(f["name"])}">'
            f'<option value="">all ({len(table.rows)})</option>{options}</select></label>'
        )
    count = f'<output class="row-count" aria-live="polite">{len(table.rows)} of {len(table.rows)} rows</output>'
    switch = (
        f'<label class="all-columns"><input type="checkbox" class="show-all"> Show all columns (+{hidden})</label>'
        if hidden
        else ""
    )
    return f'<div class="filters" data-table="{e(table.name)}">{"".join(selects)}{count}{switch}</div>'


def table_html(package: Package, table: Table) -> str:
    columns = shown_columns(table)
    targets, names = table.foreign_targets(), package.actor_names()
    long = {f["name"] for f in columns if any(len(r.get(f["name"], "")) > LONG_TEXT for r in table.rows)}
    reading = set(reading_columns(table))
    extra = {f["name"] for f in columns if f["name"] not in reading}
    head = "".join(
        f'<th scope="col"{EXTRA if f["name"] in extra else ""} '
        f'data-type="{e(f.get("type", "string"))}" aria-sort="none">'
        f'<button type="button" class="sort" data-sort="{e(f["name"])}">{e(f.get("title", f["name"]))}'
        f'<span class="arrow" aria-hidden="true"></span></button></th>'
        for f in columns
    )
    rows = []
    for row in table.rows:
        key = row[table.key]
        cells = "".join(
            cell_html(package, table, f, row, targets, names, f["name"] in long, f["name"] in extra) for f in columns
        )
        rows.append(f'<tr id="{e(row_anchor(table.name, key))}" data-row="{e(table.name)}/{e(key)}">{cells}</tr>')
    title = table.resource.get("title", table.name)
    return (
        f'<section class="data-table" id="table-{e(table.name)}" aria-labelledby="table-{e(table.name)}-h">\n'
        f'<h3 id="table-{e(table.name)}-h">{e(title)} <small>({len(table.rows)} rows)</small></h3>\n'
        f"<p>{e(table.resource.get('description', ''))}</p>\n"
        f"{filters_html(table, len(extra))}\n"
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{e(title)}, scrolls sideways">'
        f'<table data-table="{e(table.name)}"><thead><tr>{head}</tr></thead>\n'
        f"<tbody>{''.join(rows)}</tbody></table></div>\n</section>"
    )


def tables_section(package: Package) -> str:
    shown = shown_tables(package)
    toc = "".join(f'<li><a href="#table-{e(t.name)}">{e(t.resource.get("title", t.name))}</a></li>' for t in shown)
    return (
        '<section id="tables" aria-labelledby="tables-h">\n<h2 id="tables-h">Tables</h2>\n'
        "<p>One row per line of the published CSV. Each table first shows the columns that say what a "
        "row is (its id, its one-line description, who and when); <em>Show all columns</em> adds the "
        "others. Select an id in the first column to highlight its evidence in the article; select a "
        "column heading to sort; actors are named, with their ids. "
        f'Offsets and source columns are in the downloads.</p>\n<ul class="toc">{toc}</ul>\n'
        + "\n".join(table_html(package, t) for t in shown)
        + "\n</section>"
    )


# -- data dictionary and codebook --------------------------------------------------


def codebook_groups(package: Package) -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    """(anchor, categories, [table.field, ...]): each distinct list once, with where it is used."""
    groups: dict[str, tuple[str, list[dict[str, Any]], list[str]]] = {}
    anchors: Counter[str] = Counter()
    for table in package.tables.values():
        for f in table.fields:
            if not f.get("categories"):
                continue
            key = json.dumps([f["name"], f["categories"]], sort_keys=True)
            if key not in groups:
                anchors[f["name"]] += 1
                n = anchors[f["name"]]
                groups[key] = (f"code-{f['name']}" + (f"-{n}" if n > 1 else ""), f["categories"], [])
            groups[key][2].append(f"{table.name}.{f['name']}")
    return list(groups.values())


def dictionary_section(package: Package) -> str:
    groups = codebook_groups(package)
    anchor_of = {use: anchor for anchor, _, uses in groups for use in uses}
    parts = []
    for table in package.tables.values():
        schema = table.resource["schema"]
        rows = []
        for f in table.fields:
            c = f.get("constraints", {})
            flags = ", ".join(w for w, on in (("required", c.get("required")), ("unique", c.get("unique"))) if on)
            ref = f"{table.name}.{f['name']}"
            values = (
                f'<a href="#{e(anchor_of[ref])}">{len(f["categories"])} codes</a>'
                if ref in anchor_of
                else (f"<code>{e(c['pattern'])}</code>" if c.get("pattern") else "")
            )
            rows.append(
                f"<tr><td><code>{e(f['name'])}</code></td><td>{e(f.get('title', ''))}</td>"
                f"<td>{e(f.get('type', 'string'))}</td><td>{flags}</td>"
                f"<td>{e(f.get('description', ''))}</td><td>{values}</td></tr>"
            )
        fks = "; ".join(
            f"{', '.join(fk['fields']) if isinstance(fk['fields'], list) else fk['fields']} → "
            f"{fk['reference'].get('resource', table.name).removesuffix(PARQUET_SUFFIX)}"
            for fk in schema.get("foreignKeys", [])
        )
        parts.append(
            f'<section class="dict" id="dict-{e(table.name)}"><h3>{e(table.resource.get("title", table.name))} '
            f"<small><code>{e(table.resource['path'])}</code></small></h3>"
            f"<p>{e(table.resource.get('description', ''))}</p>"
            f'<p class="keys">Primary key: <code>{e(", ".join(schema.get("primaryKey", [])))}</code>'
            + (f". Foreign keys: {e(fks)}" if fks else "")
            + ".</p>"
            '<div class="table-wrap" tabindex="0" role="region" aria-label="Columns of '
            f'{e(table.name)}"><table class="dictionary"><thead><tr><th scope="col">Column</th>'
            '<th scope="col">Title</th><th scope="col">Type</th><th scope="col">Constraints</th>'
            '<th scope="col">Description</th><th scope="col">Values</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div></section>"
        )
    codes = []
    for anchor, cats, uses in groups:
        extra = sorted({k for c in cats for k in c if k not in ("value", "label")})
        head = "".join(f'<th scope="col">{e(k.upper())}</th>' for k in extra)
        body = "".join(
            f"<tr><td><code>{e(c['value'])}</code></td><td>{e(c.get('label', ''))}</td>"
            + "".join(f"<td>{e(c.get(k, ''))}</td>" for k in extra)
            + "</tr>"
            for c in cats
        )
        codes.append(
            f'<section class="codes" id="{e(anchor)}"><h4>{e(uses[0].split(".")[1])}</h4>'
            f'<p class="uses">Used in {e(", ".join(uses))}.</p>'
            '<div class="table-wrap" tabindex="0" role="region" aria-label="Codes of '
            f'{e(uses[0])}"><table class="codebook"><thead><tr><th scope="col">Code</th>'
            f'<th scope="col">Meaning</th>{head}</tr></thead><tbody>{body}</tbody></table></div></section>'
        )
    return (
        '<section id="dictionary" aria-labelledby="dictionary-h">\n'
        '<h2 id="dictionary-h">Data dictionary</h2>\n'
        "<p>Every column of every table, from the Table Schemas in datapackage.json.</p>\n"
        + "\n".join(parts)
        + '\n<h2 id="codebook">Codebook</h2>\n<p>Every closed list of codes, from the schemas\' '
        "<code>categories</code>; extra columns are crosswalks to other codebooks.</p>\n"
        + "\n".join(codes)
        + "\n</section>"
    )


# -- downloads -----------------------------------------------------------------------


def file_facts(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def size_text(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def downloads_section(package: Package, release_zip: str | None, release_workbook: str | None = None) -> str:
    entries = [(DESCRIPTOR, DESCRIPTOR_TITLE, "JSON")]
    for r in package.descriptor["resources"]:
        entries.append((r["path"], r.get("title", r["name"]), str(r.get("format", "")).upper()))
    for s in package.tables[SOURCES].rows:
        entries.append((s["path"], f"Source text: {s['title']}", "TXT"))
    rows = []
    seen = set()
    for rel, what, kind in entries:
        if rel in seen:
            continue
        seen.add(rel)
        size, digest = file_facts(package.root / rel)
        rows.append(
            f'<tr><td><a class="download" href="{e(relative_href(rel))}" download>{e(rel)}</a></td><td>{e(kind)}</td>'
            f'<td>{e(what)}</td><td>{size_text(size)}</td><td class="long"><code class="hash">{digest}</code></td></tr>'
        )
    release = ""
    if release_zip:
        release = (
            f'<p class="release">Everything in one file: <a class="download" href="{e(relative_href(release_zip))}" '
            f"download>{e(release_zip)}</a>, the release archive of version {e(package.version)}.</p>\n"
        )
    if release_workbook:
        release += (
            f'<p class="release">In a spreadsheet: <a class="download" href="{e(relative_href(release_workbook))}" '
            f"download>{e(release_workbook)}</a>, every table as a sheet of typed cells, with actor names "
            "beside actor ids, a codebook and an about sheet (Excel, LibreOffice, Google Sheets).</p>\n"
        )
    return (
        '<section id="downloads" aria-labelledby="downloads-h">\n'
        '<h2 id="downloads-h">Downloads</h2>\n'
        + release
        + "<p>Each table as CSV and as Parquet (the same rows and types), the descriptor, and the verbatim "
        "source text. Each file keeps its path in the package, so datapackage.json saved beside a "
        "<code>data/</code> folder holding the tables finds them.</p>\n"
        '<div class="table-wrap" tabindex="0" role="region" aria-label="Published files">'
        '<table class="downloads"><thead><tr><th scope="col">File</th><th scope="col">Format</th>'
        '<th scope="col">What</th><th scope="col">Size</th><th scope="col">sha256</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>\n</section>"
    )
