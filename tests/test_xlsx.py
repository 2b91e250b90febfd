"""The Excel workbook: `minusma-data export --format xlsx` writes every
published row with the cell type its Table Schema gives, never a formula,
with the codebook and the about sheet, the same bytes every time.

Expected values come from the published CSV files read with the csv module
and from datapackage.json read with json; the workbook is read back with
openpyxl (read-only) and pandas.read_excel, neither of which wrote it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from conftest import need, need_program

openpyxl = need("openpyxl")
need("xlsxwriter", "xlsx")

from minusma_data import cli, load  # noqa: E402
from minusma_data._errors import ExportError  # noqa: E402
from minusma_data._locate import locate  # noqa: E402
from minusma_data._schema import read_package  # noqa: E402
from minusma_data._xlsx import MAX_WIDTH, MIN_WIDTH, workbook_bytes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
CSV_RESOURCES = {r["name"]: r for r in DESCRIPTOR["resources"] if r["format"] == "csv"}
TABLES = list(CSV_RESOURCES)
VERSION = DESCRIPTOR["version"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(table: str, root: Path = ROOT) -> list[dict[str, str]]:
    with open(root / CSV_RESOURCES[table]["path"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def expected(text: str, kind: str) -> object:
    """A CSV cell as the typed value a spreadsheet cell should hold."""
    if text == "":
        return None
    if kind == "date":
        return datetime.strptime(text, "%Y-%m-%d")
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        return text in ("true", "True", "TRUE", "1")
    return text


def actor_id_columns(table: str) -> list[str]:
    """Columns whose foreign key points at actors, read from the descriptor."""
    keys = CSV_RESOURCES[table]["schema"].get("foreignKeys", [])
    targets = {
        fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
        for fk in keys
        if (fk["reference"].get("resource") or table) == "actors"
    }
    return [f["name"] for f in CSV_RESOURCES[table]["schema"]["fields"] if f["name"] in targets]


def all_cells(path: Path) -> dict[str, list[list]]:
    """Every sheet as rows of (value, data_type, number_format)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            name: [
                [(c.value, c.data_type, getattr(c, "number_format", None)) for c in row]
                for row in book[name].iter_rows()
            ]
            for name in book.sheetnames
        }
    finally:
        book.close()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "minusma.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--output", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def cells(workbook) -> dict[str, list[list]]:
    return all_cells(workbook)


def rewrite_csv(root: Path, table: str, edit) -> None:
    """Edit a table's rows in a copy, then record the new size and sha256 so
    the copy stays a valid, verifiable package."""
    path = root / CSV_RESOURCES[table]["path"]
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    edit(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(data)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == table:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    (root / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


# -- contents ----------------------------------------------------------------------


def test_sheets_are_the_tables_in_descriptor_order_then_codebook_and_about(cells):
    assert list(cells) == [*TABLES, "codebook", "about"]


@pytest.mark.parametrize("table", TABLES)
def test_every_sheet_holds_the_published_csv_values_typed_by_the_schema(cells, table):
    kinds = {f["name"]: f.get("type", "string") for f in CSV_RESOURCES[table]["schema"]["fields"]}
    rows = csv_rows(table)
    sheet = cells[table]
    header = [value for value, _, _ in sheet[0]]
    assert len(sheet) == len(rows) + 1
    assert [h for h in header if h in kinds] == list(kinds)
    for line, (row, published) in enumerate(zip(sheet[1:], rows, strict=False), start=2):
        got = dict(zip(header, row, strict=False))
        for name, kind in kinds.items():
            value, data_type, number_format = got.get(name, (None, "n", None))
            want = expected(published[name], kind)
            assert value == want, (table, line, name)
            if want is None:
                continue
            if kind == "date":
                assert (data_type, number_format) == ("d", "yyyy-mm-dd"), (table, line, name)
            elif kind == "integer":
                assert data_type == "n" and type(value) is int, (table, line, name)
            elif kind == "number":
                assert data_type == "n" and type(value) in (int, float), (table, line, name)
            elif kind == "boolean":
                assert data_type == "b", (table, line, name)
            else:
                assert data_type == "s" and isinstance(value, str), (table, line, name)


@pytest.mark.parametrize("table", TABLES)
def test_pandas_read_excel_gives_the_csv_values(workbook, table):
    import pandas as pd

    kinds = {f["name"]: f.get("type", "string") for f in CSV_RESOURCES[table]["schema"]["fields"]}
    # Text cells that hold digits only (ISO numeric codes, precision codes) are
    # text in the workbook; pandas guesses them numbers unless told otherwise.
    text = {name: str for name, kind in kinds.items() if kind == "string"}
    frame = pd.read_excel(workbook, sheet_name=table, keep_default_na=False, na_values=[], dtype=text)
    rows = csv_rows(table)
    assert len(frame) == len(rows)
    for name, kind in kinds.items():
        want = [expected(r[name], kind) for r in rows]
        got = [None if v == "" else v for v in frame[name].tolist()]
        assert got == want, (table, name)


def test_curly_quotes_survive(cells):
    header = [v for v, _, _ in cells["events"][0]]
    rows = [dict(zip(header, [v for v, _, _ in row], strict=False)) for row in cells["events"][1:]]
    evidence = next(r["evidence"] for r in rows if r["event_id"] == "diop-demands-withdrawal")
    assert "a \u201cfailure\u201d and" in evidence
    published = next(r["evidence"] for r in csv_rows("events") if r["event_id"] == "diop-demands-withdrawal")
    assert evidence == published


def test_no_cell_is_a_formula(workbook, cells):
    for name, rows in cells.items():
        for row in rows:
            assert all(data_type != "f" for _, data_type, _ in row), name
    with zipfile.ZipFile(workbook) as archive:
        for entry in archive.namelist():
            if entry.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(entry)), entry


def test_header_row_is_frozen_bold_and_filled(workbook):
    book = openpyxl.load_workbook(workbook)  # styles and panes need the full reader
    for name in book.sheetnames:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        for cell in sheet[1]:
            assert cell.font.b, (name, cell.coordinate)
            assert cell.fill.fill_type == "solid", (name, cell.coordinate)
        assert sheet["A2"].font.b is not True, name
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:"), name


# -- reading and printing ---------------------------------------------------------------------

FACT_TABLES = [
    r["name"] for r in DESCRIPTOR["resources"] if r["format"] == "csv" and r["schema"].get("minusma:evidence") == "fact"
]


@pytest.fixture(scope="module")
def full_book(workbook):
    """The workbook read with openpyxl's full reader: panes, print setup, widths and styles."""
    return openpyxl.load_workbook(workbook)


def test_the_workbook_opens_on_the_events(full_book):
    assert FACT_TABLES[0] == "events"
    assert full_book.active.title == "events"
    assert [s.title for s in full_book.worksheets if s.sheet_view.tabSelected] == ["events"]


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(full_book):
    for sheet in full_book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
        assert (setup.fitToWidth, setup.fitToHeight) in ((1, 0), (None, 0)), sheet.title  # absent width means 1
        assert sheet.print_title_rows == "$1:$1", sheet.title


def test_every_sheet_has_a_frozen_header_and_filters_over_all_its_rows(full_book, cells):
    for sheet in full_book.worksheets:
        rows = cells[sheet.title]
        last = openpyxl.utils.get_column_letter(len(rows[0]))
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{last}{len(rows)}", sheet.title


def shown(value: object) -> str:
    """What a cell shows: a date as yyyy-mm-dd, its number format."""
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else str(value)


def test_columns_are_as_wide_as_their_values_and_long_text_wraps(full_book, cells):
    for sheet in full_book.worksheets:
        rows = cells[sheet.title]
        widths = column_widths(sheet)
        for col, header in enumerate(row[0] for row in rows[0]):
            width = widths[col + 1]  # XlsxWriter adds under one character of padding
            texts = [shown(r[col][0]) for r in rows[1:] if r[col][0] is not None]
            longest = max(map(len, texts), default=0)
            assert MIN_WIDTH < width < MAX_WIDTH + 2, (sheet.title, header, width)
            if longest <= MAX_WIDTH:
                assert width >= min(longest, MAX_WIDTH), (sheet.title, header, width, longest)
            wraps = {sheet.cell(i + 2, col + 1).alignment.wrap_text for i, r in enumerate(rows[1:]) if r[col][0]}
            assert wraps == ({True} if longest > MAX_WIDTH else {None} if texts else set()), (sheet.title, header)
            for i, r in enumerate(rows[1:]):  # a row grows with the text it wraps, to show it whole when printed
                if r[col][0] is not None and len(shown(r[col][0])) > 3 * width:
                    assert sheet.row_dimensions[i + 2].height >= 3 * 15, (sheet.title, header, i + 2)
    events = full_book["events"]
    assert column_widths(events)[[c.value for c in events[1]].index("status") + 1] < 15


def column_widths(sheet) -> dict[int, float]:
    """Column number -> width: a <col> element may cover several columns of one width."""
    return {n: d.width for d in sheet.column_dimensions.values() for n in range(d.min, d.max + 1)}


@pytest.mark.slow  # LibreOffice
def test_libreoffice_prints_it_on_few_pages(workbook, tmp_path):
    soffice = need_program("libreoffice", "apt-get install libreoffice-calc")
    done = subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / workbook.with_suffix(".pdf").name
    assert pdf.is_file(), done.stdout + done.stderr
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    # one column per page, as LibreOffice printed it without a print setup, made 126 pages
    assert len(TABLES) + 2 <= pages <= 30, pages


@pytest.mark.parametrize("table", [t for t in TABLES if actor_id_columns(t)])
def test_actor_names_stand_where_resolve_actors_puts_them(cells, table):
    import pandas as pd

    header = [v for v, _, _ in cells[table][0]]
    frame = load(table, format="csv", resolve_actors=True)
    assert header == list(frame.columns)
    names = {r["actor_id"]: r["name"] for r in csv_rows("actors")}
    for id_column in actor_id_columns(table):
        name_column = id_column.removesuffix("_id") + "_name"
        assert header.index(name_column) == header.index(id_column) + 1
        got = [row[header.index(name_column)][0] for row in cells[table][1:]]
        assert got == [names.get(r[id_column]) for r in csv_rows(table)], (table, name_column)
        assert got == [None if pd.isna(v) else v for v in frame[name_column].astype(object)]


def test_tables_without_actor_ids_get_no_name_columns(cells):
    for table in TABLES:
        if not actor_id_columns(table):
            header = [v for v, _, _ in cells[table][0]]
            assert header == [f["name"] for f in CSV_RESOURCES[table]["schema"]["fields"]], table


def test_codebook_sheet_is_the_descriptor(cells):
    rows = cells["codebook"]
    assert [v for v, _, _ in rows[0]] == [
        "table",
        "field",
        "title",
        "type",
        "required",
        "description",
        "allowed_values",
    ]
    want = []
    for table, resource in CSV_RESOURCES.items():
        for f in resource["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            want.append(
                [
                    table,
                    f["name"],
                    f.get("title"),
                    f.get("type", "string"),
                    bool(f.get("constraints", {}).get("required", False)),
                    f.get("description"),
                    allowed(f, enum),
                ]
            )
    assert [[v for v, _, _ in row] for row in rows[1:]] == want
    assert all(t == "b" for row in rows[1:] for _, t, _ in row[4:5])


def allowed(field: dict, enum: list | None) -> str | None:
    """Text codes joined by commas; whole-number codes one a line with their meaning."""
    if enum is None:
        return None
    if field["type"] == "integer":
        labels = {c["value"]: c["label"] for c in field["categories"]}
        return "\n".join(f"{v} = {labels[v]}" for v in enum)
    return ", ".join(enum)


def test_about_sheet_gives_title_version_licence_source_and_citation(cells):
    about = [(row[0][0], row[1][0]) for row in cells["about"][1:]]
    items = dict(about)
    assert items["title"] == DESCRIPTOR["title"]
    assert items["version"] == VERSION
    licences = [v for k, v in about if k == "licence"]
    assert [
        lic["name"] in v and lic["path"] in v for lic, v in zip(DESCRIPTOR["licenses"], licences, strict=False)
    ] == [True] * len(DESCRIPTOR["licenses"])
    sources = [v for k, v in about if k == "source"]
    assert len(sources) == len(DESCRIPTOR["sources"])
    for source, text in zip(DESCRIPTOR["sources"], sources, strict=False):
        assert source["title"] in text and source["hash"] in text and source["path"] in text
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    cff_title = re.search(r'^title: "(.+)"$', cff, re.M).group(1)
    assert cff_title in items["citation"] and f"Version {VERSION}" in items["citation"]
    for table in TABLES:
        assert items[f"sheet {table}"].startswith(f"{len(csv_rows(table))} row")


def test_citation_comes_from_the_descriptor_without_citation_cff(copy, cells):
    package = read_package(locate(copy))
    about = all_cells_from_bytes(workbook_bytes(package), copy / "x.xlsx")["about"]
    citation = {row[0][0]: row[1][0] for row in about[1:]}["citation"]
    assert DESCRIPTOR["title"] in citation and f"Version {VERSION}" in citation
    shutil.copy2(ROOT / "CITATION.cff", copy / "CITATION.cff")
    about = all_cells_from_bytes(workbook_bytes(package), copy / "y.xlsx")["about"]
    assert {row[0][0]: row[1][0] for row in about[1:]}["citation"] == {
        row[0][0]: row[1][0] for row in cells["about"][1:]
    }["citation"]


def all_cells_from_bytes(data: bytes, path: Path) -> dict[str, list[list]]:
    path.write_bytes(data)
    return all_cells(path)


# -- text that looks like a formula --------------------------------------------------

LOOKS_LIKE_FORMULA = ["=1+1", "+33 1 23", "-2", "@SUM(A1:A2)", "\tHYPERLINK", '=HYPERLINK("http://x.invalid")']


def test_text_that_looks_like_a_formula_stays_text(capsys, copy, tmp_path):
    def edit(rows):
        for row, text in zip(rows, LOOKS_LIKE_FORMULA, strict=False):
            row["summary"] = text
        rows[len(LOOKS_LIKE_FORMULA)]["summary"] = "\rCR first"

    rewrite_csv(copy, "events", edit)
    out = tmp_path / "crafted.xlsx"
    code, _, err = run(capsys, "--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out))
    assert code == 0, err
    rows = all_cells(out)["events"]
    column = [v for v, _, _ in rows[0]].index("summary")
    got = [row[column] for row in rows[1 : len(LOOKS_LIKE_FORMULA) + 2]]
    assert [(v, t) for v, t, _ in got[:-1]] == [(text, "s") for text in LOOKS_LIKE_FORMULA]
    # OOXML stores a carriage return as the escape _x000D_, which openpyxl leaves undecoded.
    assert (got[-1][0], got[-1][1]) == ("_x000D_CR first", "s")
    with zipfile.ZipFile(out) as archive:
        for entry in archive.namelist():
            assert not re.search(rb"<f[ >]", archive.read(entry)), entry
    import pandas as pd

    frame = pd.read_excel(out, sheet_name="events", keep_default_na=False, na_values=[])
    assert frame["summary"].tolist()[: len(LOOKS_LIKE_FORMULA)] == LOOKS_LIKE_FORMULA
    # Excel keeps such a cell as text even when someone edits it (the cell's quotePrefix style).
    sheet = openpyxl.load_workbook(out)["events"]
    prefixed = [sheet.cell(row, column + 1).quotePrefix for row in range(2, sheet.max_row + 1)]
    assert prefixed[: len(LOOKS_LIKE_FORMULA) + 1] == [True] * (len(LOOKS_LIKE_FORMULA) + 1)
    assert not any(prefixed[len(LOOKS_LIKE_FORMULA) + 1 :])


def test_numbers_a_cell_cannot_hold_keep_their_csv_spelling(copy, tmp_path):
    def edit(rows):
        rows[0].update(value="NaN", lower_bound="-INF", upper_bound="INF")

    rewrite_csv(copy, "figures", edit)
    rows = all_cells_from_bytes(workbook_bytes(read_package(locate(copy))), tmp_path / "o.xlsx")["figures"]
    header = [v for v, _, _ in rows[0]]
    got = {name: rows[1][header.index(name)][:2] for name in ("value", "lower_bound", "upper_bound")}
    assert got == {"value": ("NaN", "s"), "lower_bound": ("-INF", "s"), "upper_bound": ("INF", "s")}


def test_a_text_too_long_for_a_cell_is_refused(copy):
    rewrite_csv(copy, "events", lambda rows: rows[0].update(summary="x" * 40_000))
    with pytest.raises(ExportError, match="summary"):
        workbook_bytes(read_package(locate(copy)))


@pytest.mark.parametrize("name", ["Codebook", "History", "f" * 32, "fig/ures", "'figures'"])
def test_a_table_name_that_cannot_be_a_sheet_is_refused(capsys, copy, tmp_path, name):
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource["name"] = resource["name"].replace("figures", name)
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    assert len(load(name, format="csv", data_home=copy)) == len(csv_rows("figures"))  # a loadable table
    out = tmp_path / "o.xlsx"
    code, _, err = run(capsys, "--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out))
    assert code == 1
    assert err.startswith(f"minusma-data: error: {copy / 'datapackage.json'}: ") and repr(name) in err
    assert "Traceback" not in err and not out.exists()


# -- reproducible, atomic, from any package ----------------------------------------------


def test_two_exports_are_byte_identical(workbook, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = tmp_path / "again.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--output", str(again)]) == 0
    assert again.read_bytes() == workbook.read_bytes()


def test_bytes_do_not_depend_on_the_time_zone(workbook, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "TZ": "Pacific/Kiritimati", "PYTHONPATH": str(ROOT / "src")}
    out = tmp_path / "tz.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "minusma_data", "export", "--format", "xlsx", "--output", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == workbook.read_bytes()


def test_created_date_is_fixed_or_source_date_epoch(workbook, tmp_path, monkeypatch):
    with zipfile.ZipFile(workbook) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z<' in core
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "epoch.xlsx"
    assert cli.main(["export", "--format", "xlsx", "--output", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert "2023-11-14T22:13:20Z" in archive.read("docProps/core.xml").decode()


def test_created_date_comes_from_the_descriptor_when_it_has_one(copy, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["created"] = "2024-05-06T07:08:09+02:00"
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(read_package(locate(copy))))) as archive:
        assert ">2024-05-06T05:08:09Z<" in archive.read("docProps/core.xml").decode()


def test_odd_metadata_leaves_its_rows_out_of_the_about_sheet(copy, tmp_path):
    descriptor = json.loads((copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor.update(licenses="CC-BY-4.0", sources=[], contributors=[1, "x", {"title": "A. Author"}])
    (copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    about = all_cells_from_bytes(workbook_bytes(read_package(locate(copy))), tmp_path / "o.xlsx")["about"]
    items = [row[0][0] for row in about[1:]]
    assert "licence" not in items and "source" not in items
    assert {row[0][0]: row[1][0] for row in about[1:]}["citation"].startswith("A. Author.")


def test_a_broken_citation_file_is_one_line(capsys, copy, tmp_path):
    (copy / "CITATION.cff").write_text("title: [unclosed\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    code, _, err = run(capsys, "--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out))
    assert code == 1
    assert str(copy / "CITATION.cff") in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o.xlsx").exists()


def test_a_bad_source_date_epoch_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _, err = run(capsys, "export", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    assert code == 1
    assert "SOURCE_DATE_EPOCH" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o.xlsx").exists()


def test_data_home_is_read(capsys, copy, tmp_path):
    rewrite_csv(copy, "figures", lambda rows: rows[0].update(value="3"))
    out = tmp_path / "home.xlsx"
    code, printed, err = run(capsys, "--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out))
    assert code == 0, err
    assert printed.strip() == str(out)
    rows = all_cells(out)["figures"]
    column = [v for v, _, _ in rows[0]].index("value")
    assert rows[1][column][0] == 3
    assert expected(csv_rows("figures")[0]["value"], "number") != 3


def test_a_folder_output_gets_the_release_name(capsys, tmp_path):
    code, printed, err = run(capsys, "export", "--format", "xlsx", "--output", str(tmp_path / "dist"))
    assert code == 0, err
    target = tmp_path / "dist" / f"minusma-data-{VERSION}.xlsx"
    assert printed.strip() == str(target) and target.is_file()


def test_a_damaged_table_leaves_an_existing_workbook_untouched(capsys, copy, tmp_path):
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"previous")
    target = copy / "data" / "figures.csv"
    target.write_bytes(target.read_bytes().replace(b"15,000", b"16,000", 1))
    code, _, err = run(capsys, "--data-home", str(copy), "export", "--format", "xlsx", "--output", str(out))
    assert code == 1
    assert str(target) in err and "sha256" in err and "Traceback" not in err
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy", "keep.xlsx"]


def test_a_failed_write_leaves_the_old_workbook_and_no_temporary_file(capsys, tmp_path, monkeypatch):
    import minusma_data._output

    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"previous")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(minusma_data._output.os, "replace", refuse)
    code, _, err = run(capsys, "export", "--format", "xlsx", "--output", str(out))
    assert code == 1 and str(out) in err and err.strip().endswith("[output-unwritable]")
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_an_unwritable_output_is_one_line(capsys, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder", encoding="utf-8")
    code, _, err = run(capsys, "export", "--format", "xlsx", "--output", str(taken / "o.xlsx"))
    assert code == 1
    assert "[output-not-a-folder]" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("module", ["xlsxwriter", "yaml"])
def test_without_the_extra_export_says_how_to_install_it(capsys, tmp_path, monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    code, out, err = run(capsys, "export", "--format", "xlsx", "--output", str(tmp_path / "o.xlsx"))
    assert code == 2
    assert 'pip install "minusma-data[xlsx]"' in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == "" and not (tmp_path / "o.xlsx").exists()


def test_the_writer_is_imported_only_for_xlsx():
    code = (
        "import sys, minusma_data.cli, minusma_data._export; "
        "assert 'xlsxwriter' not in sys.modules and 'minusma_data._xlsx' not in sys.modules, sys.modules"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
