"""The explorer page as written (no browser): every fact is marked exactly
where its evidence stands, every row and file is there, nothing comes from
the network, the same package gives the same bytes, and bad input stops the
generator with one line naming a stable code."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from minusma_build.site_article import Span, cut

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
TABLES = [r["name"] for r in DESCRIPTOR["resources"] if r["format"] == "csv"]
EVIDENCE = {r["name"]: r["schema"].get("minusma:evidence") for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
# Marked in the article: the facts, then the mentions, as each table's schema says.
FACT_TABLES = tuple(t for t in TABLES if EVIDENCE[t] == "fact")
MENTION_TABLES = tuple(t for t in TABLES if EVIDENCE[t] == "mention")
LAYERS = (*FACT_TABLES, *MENTION_TABLES)
# Shown as tables: the facts first, then every table but the article's own.
SHOWN = (*FACT_TABLES, *(t for t in TABLES if t not in FACT_TABLES and t not in ("sources", "passages")))


def rows(table: str) -> list[dict[str, str]]:
    with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def key_column(table: str) -> str:
    return next(iter(rows(table)[0]))


def source_text() -> str:
    source = rows("sources")[0]
    return (ROOT / source["path"]).read_text(encoding="utf-8")


class Page(HTMLParser):
    """Collects the article's segments, its text, passages, rows, links and filters."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.segments: list[tuple[dict[str, str], list[str]]] = []
        self.article_text: list[str] = []
        self.passages: dict[str, str] = {}
        self.data_rows: list[str] = []
        self.links: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[dict[str, str]] = []
        self.options: dict[str, list[str]] = defaultdict(list)
        self.json_blob = ""

    def classes(self) -> list[str]:
        return [c for _, a in self.stack for c in a.get("class", "").split()]

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag in ("link", "script", "img", "a", "iframe", "source", "meta", "input", "br"):
            self.links.append((tag, a))
        if tag == "script":
            self.scripts.append(a)
        if "data-passage" in a:
            self.passages[a["data-passage"]] = a["data-kind"]
        if "data-row" in a:
            self.data_rows.append(a["data-row"])
        if tag == "span" and "data-start" in a:
            self.segments.append((a, []))
        if tag == "option":
            select = next((x for t, x in reversed(self.stack) if t == "select"), None)
            box = next((x for t, x in reversed(self.stack) if "filters" in x.get("class", "").split()), None)
            if select and box:
                self.options[f"{box['data-table']}.{select['data-filter']}"].append(a["value"])
        if tag not in ("link", "meta", "input", "br", "img", "source"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        classes = self.classes()
        if self.stack and self.stack[-1][0] == "script" and self.stack[-1][1].get("id") == "site-data":
            self.json_blob += data
        if "para" in classes and "kind-label" not in classes:
            self.article_text.append(data)
        if self.stack and self.stack[-1][0] == "span" and "data-start" in self.stack[-1][1]:
            self.segments[-1][1].append(data)


@pytest.fixture(scope="module")
def page(built_site: Path) -> Page:
    parser = Page()
    parser.feed((built_site / "index.html").read_text(encoding="utf-8"))
    return parser


def test_every_fact_and_mention_is_marked_by_exactly_its_evidence(page):
    text = source_text()
    joined: dict[str, str] = defaultdict(str)
    for attrs, parts in page.segments:
        body = "".join(parts)
        start, end = int(attrs["data-start"]), int(attrs["data-end"])
        assert text[start:end] == body, f"segment [{start}, {end}) shows {body!r}"
        for key in (attrs.get("data-facts", "") + " " + attrs.get("data-mentions", "")).split():
            joined[key] += body
    expected = {f"{t}/{r[key_column(t)]}": r["evidence"] for t in LAYERS for r in rows(t)}
    assert joined == expected


def test_mentions_are_a_separate_layer_from_facts(page):
    for attrs, _ in page.segments:
        assert all(k.split("/")[0] in FACT_TABLES for k in attrs.get("data-facts", "").split())
        assert all(k.split("/")[0] in MENTION_TABLES for k in attrs.get("data-mentions", "").split())
        # only fact marks are tab stops before the mentions layer is switched on
        assert ("tabindex" in attrs) == bool(attrs.get("data-facts"))


def test_the_article_is_shown_once_and_whole(page):
    text = source_text()
    paragraphs = [line for line in text.split("\n") if line.strip()]
    assert "".join(page.article_text) == "".join(paragraphs)


def test_every_passage_shows_its_kind(page):
    assert page.passages == {r["passage_id"]: r["passage_kind"] for r in rows("passages")}


def test_every_row_of_every_shown_table_is_one_element(page):
    expected = [f"{t}/{r[key_column(t)]}" for t in SHOWN for r in rows(t)]
    assert sorted(page.data_rows) == sorted(expected)
    assert len(set(page.data_rows)) == len(page.data_rows)


def test_the_timeline_lists_the_dated_events_in_date_order(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    timeline = html[html.index('id="timeline"') : html.index('id="tables"')]
    shown = re.findall(r'<li class="tl-item" data-event="events/([^"]+)"><time datetime="([^"]+)"', timeline)
    dated = sorted((r["date_start"], r["date_end"], r["event_id"]) for r in rows("events") if r["date_start"])
    assert shown == [(event_id, start) for start, _, event_id in dated]


def test_filter_options_follow_the_data(page):
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        f["name"]: f for f in next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]["fields"]
    }
    for field in ("event_type", "status", "date_basis", "passage_kind"):
        present = Counter(r[field] for r in rows("events"))
        in_schema_order = [v for v in fields[field]["constraints"]["enum"] if v in present]
        assert page.options[f"events.{field}"] == ["", *in_schema_order]


def test_actor_ids_are_shown_with_names(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    names = {r["actor_id"]: r["name"] for r in rows("actors")}
    event = next(r for r in rows("events") if r["initiator_actor_id"])
    row = re.search(rf'<tr id="row-events-{re.escape(event["event_id"])}".*?</tr>', html).group(0)
    cell = re.search(r'<td data-field="initiator_actor_id".*?</td>', row).group(0)
    assert names[event["initiator_actor_id"]].replace("'", "&#x27;") in cell
    assert f'<code class="id">{event["initiator_actor_id"]}</code>' in cell


def test_every_published_file_is_copied_and_linked(built_site, page):
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    published = ["datapackage.json", *(r["path"] for r in descriptor["resources"]), rows("sources")[0]["path"]]
    for rel in published:
        assert (built_site / rel).read_bytes() == (ROOT / rel).read_bytes(), rel
    downloads = [a["href"] for tag, a in page.links if tag == "a" and "download" in a.get("class", "").split()]
    release = {f"minusma-data-{descriptor['version']}.zip", f"minusma-data-{descriptor['version']}.xlsx"}
    assert set(published) | release == set(downloads)
    for href in downloads:
        target = (built_site / href).resolve()
        assert target.is_file() and built_site.resolve() in target.parents, href


def test_nothing_is_loaded_from_outside_the_folder(built_site, page):
    for tag, a in page.links:
        ref = a.get("src") or (a.get("href") if tag == "link" else "")
        if ref:
            assert not re.match(r"^(https?:)?//", ref), (tag, ref)
            assert ref.startswith("data:") or (built_site / ref).is_file(), (tag, ref)
    assert [s.get("src") for s in page.scripts if s.get("src")] == ["assets/site.js"]
    css = (built_site / "assets" / "site.css").read_text(encoding="utf-8")
    js = (built_site / "assets" / "site.js").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css
    for word in ("fetch(", "XMLHttpRequest", "http:", "https:", "import("):
        assert word not in js


def test_the_data_blob_describes_every_fact(page):
    blob = json.loads(page.json_blob)
    assert set(blob["facts"]) == {f"{t}/{r[key_column(t)]}" for t in LAYERS for r in rows(t)}
    assert "</" not in page.json_blob


def test_each_fact_is_listed_with_its_line_codes_actors_number_and_date(page):
    """docs/site.md: a one-line description, the required codes, the actors
    by name, the first number and the first date, in column order."""
    blob = json.loads(page.json_blob)["facts"]
    names = {r["actor_id"]: r["name"] for r in rows("actors")}
    for r in rows("events"):
        actors = [names[r[c]] for c in ("initiator_actor_id", "target_actor_id") if r[c]]
        tags = [r["event_type"], r["status"], *actors, *([r["date_start"]] if r["date_start"] else [])]
        assert blob[f"events/{r['event_id']}"] == {
            "kind": "Event",
            "label": r["summary"],
            "tags": tags,
            "row": f"row-events-{r['event_id']}",
        }
    for r in rows("figures"):
        tags = [r["measure"], names[r["subject_actor_id"]], *([r["value"]] if r["value"] else []), r["unit"]]
        assert blob[f"figures/{r['figure_id']}"]["label"] == r["phrase"]
        assert blob[f"figures/{r['figure_id']}"]["tags"] == [*tags, r["qualifier"]]
    for r in rows("mentions"):
        fact = blob[f"mentions/{r['mention_id']}"]
        assert (fact["kind"], fact["label"], fact["tags"]) == (
            "Mention",
            r["evidence"],
            [names[r["actor_id"]], r["mention_kind"]],
        )


def test_tables_are_shown_facts_first_then_the_rest_but_the_article(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<section class="data-table" id="table-([^"]+)"', html) == list(SHOWN)
    assert list(SHOWN[: len(FACT_TABLES)]) == list(FACT_TABLES)
    assert "sources" not in SHOWN and "passages" not in SHOWN


def test_dictionary_and_codebook_cover_every_column_and_code(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    dictionary = html[html.index('id="dictionary"') : html.index('id="downloads"')]
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            assert f"<td><code>{field['name']}</code></td>" in dictionary
            for category in field.get("categories", []):
                assert f"<td><code>{category['value']}</code></td>" in dictionary


def test_same_package_gives_the_same_bytes(built_site, tmp_path):
    from minusma_build.site import MARKER, build_site

    archive, workbook = next(built_site.glob("*.zip")), next(built_site.glob("*.xlsx"))
    again = build_site(ROOT, tmp_path / "again", archive, workbook)
    for rel, data in again.items():
        assert (built_site / rel).read_bytes() == data, rel
    on_disk = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
    assert on_disk == {*again, MARKER}


def test_page_budget_is_under_a_megabyte(built_site):
    size = sum((built_site / n).stat().st_size for n in ("index.html", "assets/site.css", "assets/site.js"))
    assert size <= 1_000_000


def test_cut_works_in_code_points_beyond_the_basic_plane():
    text = "a😀b c𝔘d"
    spans = [Span(1, 3, "events/x", "fact"), Span(2, 6, "statements/y", "fact"), Span(5, 7, "mentions/m", "mention")]
    segments = cut(text, spans)
    assert [text[s.start : s.end] for s in segments] == ["a", "😀", "b", " c", "𝔘", "d"]
    for span in spans:
        layer = "facts" if span.layer == "fact" else "mentions"
        assert (
            "".join(text[s.start : s.end] for s in segments if span.key in getattr(s, layer))
            == text[span.start : span.end]
        )


# -- bad input --------------------------------------------------------------------


def run_site(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "minusma_build.site", *args], capture_output=True, text=True, timeout=120, env=env
    )


def assert_refused(result: subprocess.CompletedProcess, code: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"site: {code}: "), lines[0]


def test_damaged_evidence_is_refused_and_the_old_page_kept(scratch_repo, tmp_path):
    out = tmp_path / "site"
    assert run_site("--root", str(scratch_repo), "--output", str(out)).returncode == 0
    before = (out / "index.html").read_bytes()
    path = scratch_repo / "data" / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",3325,3401,", ",3326,3401,", 1), encoding="utf-8")
    assert_refused(run_site("--root", str(scratch_repo), "--output", str(out)), "evidence-mismatch")
    assert (out / "index.html").read_bytes() == before


def test_changed_source_text_is_refused(scratch_repo, tmp_path):
    source = scratch_repo / rows("sources")[0]["path"]
    source.write_text(source.read_text(encoding="utf-8") + " ", encoding="utf-8")
    assert_refused(run_site("--root", str(scratch_repo), "--output", str(tmp_path / "s")), "source-hash")


def test_a_path_leaving_the_package_is_refused(scratch_repo, tmp_path):
    descriptor = scratch_repo / "datapackage.json"
    raw = json.loads(descriptor.read_text(encoding="utf-8"))
    raw["resources"][0]["path"] = "../../etc/passwd"
    descriptor.write_text(json.dumps(raw), encoding="utf-8")
    assert_refused(run_site("--root", str(scratch_repo), "--output", str(tmp_path / "s")), "path-outside")


def _mark_as_facts(root: Path, table: str) -> None:
    """A schema that says its rows are facts, on a table with no evidence columns."""
    path = root / "datapackage.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in raw["resources"] if r["name"] == table)["schema"]["minusma:evidence"] = "fact"
    path.write_text(json.dumps(raw), encoding="utf-8")


@pytest.mark.parametrize(
    "damage, code",
    [
        (lambda root: (root / "data" / "actors.csv").write_text("actor_id,name\nx,y\n", encoding="utf-8"), "bad-csv"),
        (lambda root: (root / "data" / "events.csv").write_bytes(b"\xff\xfe" * 10), "bad-csv"),
        (lambda root: (root / "datapackage.json").write_text('{"resources": [7]}', encoding="utf-8"), "bad-descriptor"),
        (lambda root: (root / "datapackage.json").write_text("{", encoding="utf-8"), "bad-descriptor"),
        (lambda root: (root / "data" / "figures.parquet").unlink(), "missing-file"),
        (lambda root: _mark_as_facts(root, "references"), "bad-descriptor"),
    ],
    ids=["columns-missing", "not-utf8", "resource-not-object", "not-json", "file-missing", "evidence-without-span"],
)
def test_damaged_packages_are_refused_in_one_line(scratch_repo, tmp_path, damage, code):
    damage(scratch_repo)
    assert_refused(run_site("--root", str(scratch_repo), "--output", str(tmp_path / "s")), code)


def test_a_missing_descriptor_is_refused(tmp_path):
    assert_refused(run_site("--root", str(tmp_path), "--output", str(tmp_path / "s")), "no-descriptor")


@pytest.mark.parametrize(
    "option, name, content, code",
    [
        ("--release-zip", "minusma-data-0.0.1.zip", "zip", "release-zip-name"),
        ("--release-zip", "minusma-data-{version}.zip", "text", "release-zip-bad"),
        ("--release-zip", "absent.zip", None, "release-zip-missing"),
        ("--release-workbook", "minusma-data-0.0.1.xlsx", "zip", "release-workbook-name"),
        ("--release-workbook", "minusma-data-{version}.zip", "zip", "release-workbook-name"),
        ("--release-workbook", "minusma-data-{version}.xlsx", "text", "release-workbook-bad"),
        ("--release-workbook", "absent.xlsx", None, "release-workbook-missing"),
    ],
)
def test_a_wrong_release_file_is_refused(tmp_path, option, name, content, code):
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    archive = tmp_path / name.format(version=version)
    if content == "zip":
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("x", "x")
    elif content == "text":
        archive.write_text("not a zip", encoding="utf-8")
    assert_refused(run_site("--output", str(tmp_path / "s"), option, str(archive)), code)
    assert not (tmp_path / "s").exists()


def test_each_table_shows_its_reading_columns_first_and_the_rest_on_request(built_site):
    """A row reads left to right (key, its one line, who, what, when) before
    "Show all columns"; every other column is there, marked extra."""
    html = (built_site / "index.html").read_text(encoding="utf-8")
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for table in SHOWN:
        section = re.search(rf'<section class="data-table" id="table-{table}".*?</section>', html, re.S).group(0)
        heads = re.findall(r'<th scope="col"( class="extra")? [^>]*><button [^>]*data-sort="([^"]+)"', section)
        reading = [name for extra, name in heads if not extra]
        fields = [f["name"] for f in next(r for r in descriptor["resources"] if r["name"] == table)["schema"]["fields"]]
        shown = [f for f in fields if f not in ("source_id", "char_start", "char_end", "passage_id")]
        assert sorted(name for _, name in heads) == sorted(shown), table
        assert [name for _, name in heads][: len(reading)] == reading, table  # the reading columns come first
        assert reading[0] == key_column(table), table
        extra = len(heads) - len(reading)
        assert (f"Show all columns (+{extra})" in section) == bool(extra), table
        for row in re.findall(r"<tr id=.*?</tr>", section):
            cells = re.findall(r'<td (class="[^"]*" )?data-field="([^"]+)"', row)
            assert [c for cls, c in cells if "extra" not in cls] == reading, table
    events = re.search(r'<section class="data-table" id="table-events".*?</section>', html, re.S).group(0)
    reading = re.findall(r'<th scope="col" data-type="[^"]+" [^>]*><button [^>]*data-sort="([^"]+)"', events)
    assert reading == [
        "event_id", "summary", "event_type", "status", "initiator_actor_id", "target_actor_id", "date_start"
    ]  # fmt: skip


def test_a_folder_it_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    assert_refused(run_site("--output", str(out)), "output-not-site")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_rebuild_drops_files_of_the_previous_page(built_site, tmp_path):
    """A file the previous run wrote (its release zip) goes when this run does not write it."""
    from minusma_build.site import build_site

    out = tmp_path / "site"
    archive = next(built_site.glob("*.zip"))
    build_site(ROOT, out, archive)
    assert (out / archive.name).is_file()
    build_site(ROOT, out)
    assert not (out / archive.name).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_pages_workflow_publishes_what_make_site_writes():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    recipe = re.search(r"^site:.*\n((?:\t.*\n)+)", make, flags=re.M).group(1)
    assert "\t$(PY) -m minusma_build.site --output site" in recipe
    assert "python -m minusma_build.site --output site" in workflow and "path: site" in workflow
    uses = re.findall(r"uses: (\S+)", workflow)
    assert {u.split("@")[0] for u in uses} >= {"actions/upload-pages-artifact", "actions/deploy-pages"}
    assert all(re.fullmatch(r"[\w-]+/[\w-]+@v\d+(\.\d+)*", u) for u in uses), uses


def test_markup_in_the_data_stays_text(scratch_repo, tmp_path):
    path = scratch_repo / "data" / "statements.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    hostile = '</script><script>window.hit = 1</script><b class="x">"quoted" & \'single\'</b>'
    table[0]["paraphrase"] = hostile
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(table[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    assert run_site("--root", str(scratch_repo), "--output", str(tmp_path / "s")).returncode == 0
    html = (tmp_path / "s" / "index.html").read_text(encoding="utf-8")
    parser = Page()
    parser.feed(html)
    assert json.loads(parser.json_blob)["facts"][f"statements/{table[0]['statement_id']}"]["label"] == hostile
    scripts = [(s.get("type"), s.get("src")) for s in parser.scripts]  # no script was injected:
    assert scripts == [("application/ld+json", None), (None, "assets/site.js"), ("application/json", None)]
    assert '<b class="x">' not in html
    assert "&lt;b class=&quot;x&quot;&gt;&quot;quoted&quot; &amp; &#x27;single&#x27;&lt;/b&gt;" in html


# -- hostile packages: every value is text, every link safe --------------------------


def site_main(capsys, *args: str) -> tuple[int, str]:
    """`python -m minusma_build.site` in this process: its exit status and stderr."""
    from minusma_build import site

    capsys.readouterr()
    code = site.main(list(args))
    return code, capsys.readouterr().err


def assert_one_line(code: int, err: str, expected: str) -> None:
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"site: {expected}: "), lines[0]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    from hostile_page import hostile_package

    from minusma_build.site import build_site

    work = tmp_path_factory.mktemp("hostile")
    build_site(hostile_package(work / "package"), work / "site")
    return work / "site"


class Elements(HTMLParser):
    """Every element with its attributes, the text of <title>, and the text of
    each <script> under its type."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, str] = defaultdict(str)
        self.current = ""

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        kind = dict(attrs).get("type") if tag == "script" else None
        self.current = kind or tag

    def handle_endtag(self, tag):
        self.current = ""

    def handle_data(self, data):
        if self.current in ("title", "application/json", "application/ld+json"):
            self.texts[self.current] += data


def test_markup_anywhere_in_a_hostile_package_stays_text(built_site, hostile_site):
    """Title, description, field, table and category names, labels, values: no
    element, attribute or script of the page comes from the package."""
    import hostile_page as h

    from minusma_build.urls import scheme

    html = (hostile_site / "index.html").read_text(encoding="utf-8")
    parsed = Elements()
    parsed.feed(html)
    own = Elements()
    own.feed((built_site / "index.html").read_text(encoding="utf-8"))
    tags = Counter(tag for tag, _ in parsed.elements)
    assert set(tags) <= {tag for tag, _ in own.elements}  # only elements the page writes itself
    assert tags["img"] == 0 and tags["svg"] == 0 and tags["title"] == 1
    scripts = [(a.get("type"), a.get("src")) for tag, a in parsed.elements if tag == "script"]
    assert scripts == [("application/ld+json", None), (None, "assets/site.js"), ("application/json", None)]
    assert not [(tag, name) for tag, a in parsed.elements for name in a if name.startswith("on")]
    assert parsed.texts["title"] == h.TITLE  # shown as the text it is
    assert json.loads(parsed.texts["application/ld+json"])["name"] == h.TITLE  # whole, the title a value
    facts = json.loads(parsed.texts["application/json"])["facts"]  # whole: no </script> inside a value closed it
    assert h.VALUE in [f["label"] for f in facts.values()]
    ids = {a["id"] for _, a in parsed.elements if "id" in a}
    assert {f"code-{h.FIELD}", f"code-{h.CODE_FIELD}", f"table-{h.TABLE}"} <= ids  # anchors keep the names
    assert {a["data-field"] for _, a in parsed.elements if "data-field" in a} >= {h.FIELD, h.CODE_FIELD}
    links = [(tag, a.get("href") or a.get("src")) for tag, a in parsed.elements if a.get("href") or a.get("src")]
    unsafe = [(tag, url) for tag, url in links if scheme(url) not in (None, "https") and url != "data:,"]
    assert unsafe == []  # the one data: URL is the page's own empty icon, not a value of the package
    assert (hostile_site / h.LINKED_FILE).is_file()
    assert any(url == "javascript%3Awindow.pwned%3D6//x.txt" for _, url in links)


def test_a_value_the_checks_did_not_foresee_is_still_one_line(monkeypatch, tmp_path, capsys):
    """The checks of site_data cover every key the page reads; should a new
    one be missed, a type error while writing the page is still one line."""
    from minusma_build import site

    def unforeseen(*args, **kwargs):
        raise TypeError("'int' object is not iterable")

    monkeypatch.setattr(site, "page_html", unforeseen)
    assert_one_line(*site_main(capsys, "--output", str(tmp_path / "s")), "bad-descriptor")


@pytest.mark.parametrize(
    "path",
    ["javascript:document.title='pwned'", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
     "http://example.org/licence", "mailto:a@example.org", "vbscript:x", "/etc/passwd", "../LICENSE"],
)  # fmt: skip
def test_a_licence_link_of_an_unsafe_scheme_is_refused(copy, tmp_path, capsys, path):
    raw = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    raw["licenses"][0]["path"] = path
    (copy / "datapackage.json").write_text(json.dumps(raw), encoding="utf-8")
    assert_one_line(*site_main(capsys, "--root", str(copy), "--output", str(tmp_path / "s")), "unsafe-link")
    assert not (tmp_path / "s").exists()


def test_a_published_file_linking_out_of_the_package_is_refused(copy, tmp_path, capsys):
    private = tmp_path / "private.txt"
    private.write_text("not for publishing", encoding="utf-8")
    (copy / "data" / "events.parquet").unlink()
    (copy / "data" / "events.parquet").symlink_to(private)
    assert_one_line(*site_main(capsys, "--root", str(copy), "--output", str(tmp_path / "s")), "link-outside")
    assert not (tmp_path / "s").exists()


def test_a_link_inside_the_package_is_read_through(copy, tmp_path):
    from minusma_build.site import build_site

    (copy / "data" / "original.parquet").write_bytes((copy / "data" / "events.parquet").read_bytes())
    (copy / "data" / "events.parquet").unlink()
    (copy / "data" / "events.parquet").symlink_to("original.parquet")
    build_site(copy, tmp_path / "s")
    assert not (tmp_path / "s" / "data" / "events.parquet").is_symlink()


def _deep(root: Path) -> None:
    raw = (root / "datapackage.json").read_text(encoding="utf-8").rstrip()
    (root / "datapackage.json").write_text(raw[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "utf-8")


def _set(*path: str | int, value: object):
    """An edit of datapackage.json: the value at `path` replaced by `value`."""

    def edit(root: Path) -> None:
        raw = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        (root / "datapackage.json").write_text(json.dumps(raw), encoding="utf-8")

    return edit


@pytest.mark.parametrize(
    "damage",
    [
        _deep,
        _set("x", value=json.loads("[" * 40 + "]" * 40)),
        _set("licenses", value=5),
        _set("licenses", 0, "title", value={"a": 1}),
        _set("title", value=["a"]),
        _set("version", value=None),
        _set("resources", 2, "schema", value="schema"),
        _set("resources", 2, "schema", "fields", 0, "constraints", value=[]),
        _set("resources", 2, "schema", "foreignKeys", value={"fields": 1}),
        _set("resources", 2, "title", value=7),
    ],
    ids=["nested-100000", "nested-41", "licenses-int", "licence-title-object", "title-list", "version-null",
         "schema-text", "constraints-list", "foreign-keys-object", "resource-title-int"],
)  # fmt: skip
def test_a_malformed_descriptor_is_refused_in_one_line(copy, tmp_path, capsys, damage):
    damage(copy)
    assert_one_line(*site_main(capsys, "--root", str(copy), "--output", str(tmp_path / "s")), "bad-descriptor")


@pytest.mark.slow
def test_any_value_of_a_wrong_type_is_refused_in_one_line(tmp_path_factory):
    """Any value of datapackage.json replaced by a value of another type: the
    page is written or refused with a code, never a traceback."""
    from minusma_build.site import read_and_render
    from minusma_build.site_data import SiteError

    root = tmp_path_factory.mktemp("types") / "package"
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    original = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))

    def paths(node, prefix=()):
        yield prefix
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            yield from paths(child, (*prefix, key))

    every = [p for p in paths(original) if p]
    wrong = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.just([]), st.just({}),
                      st.just([1]), st.just({"a": 1}))  # fmt: skip

    @given(st.sampled_from(every), wrong)
    @settings(max_examples=examples(40))
    def check(path, value):
        raw = json.loads(json.dumps(original))
        node = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        (root / "datapackage.json").write_text(json.dumps(raw), encoding="utf-8")
        try:
            read_and_render(root)
        except SiteError as exc:
            assert exc.code
        except Exception as exc:  # the point: nothing else may escape
            pytest.fail(f"{path} = {value!r}: {type(exc).__name__}: {exc}")

    check()


def test_output_below_a_file_is_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert_one_line(*site_main(capsys, "--output", str(tmp_path / "file" / "site")), "output-not-folder")


def test_a_page_folder_with_a_users_file_is_never_replaced(tmp_path, capsys):
    from minusma_build.site import build_site

    out = tmp_path / "site"
    build_site(ROOT, out)
    before = (out / "index.html").read_bytes()
    (out / "data" / "notes.txt").write_text("keep me", encoding="utf-8")
    assert_one_line(*site_main(capsys, "--output", str(out)), "output-not-site")
    assert (out / "data" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert (out / "index.html").read_bytes() == before


def test_a_saved_copy_of_the_page_beside_a_users_files_is_never_replaced(built_site, tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    shutil.copy2(built_site / "index.html", mine / "index.html")
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    assert_one_line(*site_main(capsys, "--output", str(mine)), "output-not-site")
    assert sorted(p.name for p in mine.iterdir()) == ["index.html", "notes.txt"]


def test_a_rebuild_swaps_the_page_in_one_step(tmp_path, monkeypatch):
    """Replacing a page never leaves its folder absent: after each rename, the folder holds a whole page."""
    from minusma_build.site import build_site

    out = tmp_path / "site"
    build_site(ROOT, out)
    seen, real = [], Path.replace

    def spy(self, target):
        moved = real(self, target)
        seen.append((out / "index.html").is_file())
        return moved

    monkeypatch.setattr(Path, "replace", spy)
    build_site(ROOT, out)
    assert all(seen), seen


def test_a_failed_write_keeps_the_old_page_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    from minusma_build.site import build_site

    out = tmp_path / "site"
    build_site(ROOT, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls, real = [0], Path.write_bytes

    def full_disk(self, data):
        calls[0] += 1
        if calls[0] == 5:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    assert_one_line(*site_main(capsys, "--output", str(out)), "output-unusable")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_release_dir_finds_the_files_of_the_packages_version(built_site, tmp_path):
    from minusma_build.site import build_site

    dist = tmp_path / "dist"
    dist.mkdir()
    for found in (*built_site.glob("*.zip"), *built_site.glob("*.xlsx")):
        shutil.copy2(found, dist / found.name)
    files = build_site(ROOT, tmp_path / "s", release_dir=dist)
    assert {p.name for p in dist.iterdir()} <= set(files)


def test_an_interrupted_publish_is_refused(copy, tmp_path, capsys):
    (copy / "data" / ".publish-journal.json").write_text("{}", encoding="utf-8")
    assert_one_line(*site_main(capsys, "--root", str(copy), "--output", str(tmp_path / "s")), "interrupted-publish")
