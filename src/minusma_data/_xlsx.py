"""Write the whole package as one Excel workbook, for people who read the
data in a spreadsheet rather than a program.

One sheet per table holds the published rows with cells typed as the Table
Schema says, and actor names beside actor ids exactly where
`load(..., resolve_actors=True)` puts them; a "codebook" sheet describes every
column and an "about" sheet says what the data is and how to cite it.

It opens on the first table of facts (events), and every sheet is set up to
be read and printed: frozen header with filters, columns as wide as their
values up to a cap (longer text wraps), landscape pages one page wide with
the header row repeated on each.

Text is always written as text: no cell becomes a formula, a number or a link,
whatever it starts with. The same package gives the same bytes: the workbook's
created date is fixed (SOURCE_DATE_EPOCH, else the descriptor's `created`,
else 1980-01-01) and XlsxWriter stamps every zip entry 1980-01-01.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._errors import ExportError
from ._files import leads_outside
from ._output import write_files
from ._resolve import name_column
from ._schema import Package, codebook
from ._tableschema import FORMULA_START, fact_tables, field_type

CODEBOOK_SHEET = "codebook"
ABOUT_SHEET = "about"
CODEBOOK_COLUMNS = ("field", "title", "type", "required", "description", "allowed_values")
CITATION_FILE = "CITATION.cff"
FIXED_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the zip format's first date
DATE_FORMAT = "yyyy-mm-dd"
HEADER_STYLE = {"bold": True, "bg_color": "#DDEBF7", "bottom": 1}
MAX_ROWS = 1_048_576  # Excel's limit, header included
MAX_EXACT_INTEGER = 2**53  # larger integers lose digits in a spreadsheet's double
MAX_WIDTH = 30  # characters: a wider value wraps, so a printed page stays legible
MAX_HEADER_WIDTH = 14  # a longer column name wraps in the header rather than widen the column
MIN_WIDTH = 6
LINE_HEIGHT = 15  # points: one line of the default 11-point font
AVERAGE_LETTERS = 1.2  # letters of running text in the width of one digit, measured in LibreOffice's PDF
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
NOT_FINITE = {math.inf: "INF", -math.inf: "-INF"}  # the Table Schema spellings; NaN below

Column = tuple[str, str, list[Any]]  # (header, Table Schema type, values)


def workbook_name(package: Package) -> str:
    """minusma-data-<version>.xlsx, the release file's name."""
    return f"minusma-data-{package.raw.get('version', 'unversioned')}.xlsx"


def write_workbook(package: Package, output: Path) -> Path:
    """Write the workbook to `output` (a file ending .xlsx, or a folder to
    put `workbook_name` in) through a temporary file; return its path."""
    target = output if output.suffix.lower() == ".xlsx" else output / workbook_name(package)
    write_files({target: workbook_bytes(package)})
    return target


def workbook_bytes(package: Package) -> bytes:
    """The workbook as bytes. Every table is read (and its CSV checked against
    its recorded sha256) before anything is written."""
    import xlsxwriter

    _check_sheet_names(package)
    frames = {table: _published(package, table) for table in package.tables}
    about = _about_rows(package, frames)
    created = created_date(package)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    book.set_properties({"title": str(package.raw.get("title", "")), "created": created})
    styles = {
        "header": book.add_format({**HEADER_STYLE, "text_wrap": True, "valign": "top"}),
        "date": book.add_format({"num_format": DATE_FORMAT, "valign": "top"}),
        "plain": book.add_format({"valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        # Excel keeps the cell text when it is edited
        "quoted": book.add_format({"quote_prefix": True, "valign": "top"}),
        "quoted-wrap": book.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"}),
    }
    first = next(iter(fact_tables(package.raw)), None)
    for table, frame in frames.items():
        kinds = {f["name"]: f.get("type", "string") for f in package.fields(table)}
        columns = [(name, kinds.get(name, "string"), frame[name].astype(object).tolist()) for name in frame.columns]
        sheet = _sheet(book, table, columns, styles, package.path(table, _format(package, table)))
        if table == first:
            sheet.activate()  # the workbook opens on the facts, not on the one-row sources sheet
    _sheet(book, CODEBOOK_SHEET, _codebook_columns(package), styles, package.location.descriptor)
    _sheet(
        book,
        ABOUT_SHEET,
        [("item", "string", [item for item, _ in about]), ("value", "string", [value for _, value in about])],
        styles,
        package.location.descriptor,
    )
    book.close()
    return buffer.getvalue()


def _codebook_columns(package: Package) -> list[Column]:
    """The codebook of every table (as `minusma_data.codebook` gives it, less
    the pandas dtype), one row per column, with the table's name in front."""
    rows = [
        (table, *[row[c] for c in CODEBOOK_COLUMNS])
        for table in package.tables
        for row in codebook(package, table).astype(object).to_dict("records")
    ]
    names = ("table", *CODEBOOK_COLUMNS)
    return [
        (name, "boolean" if name == "required" else "string", [row[i] for row in rows]) for i, name in enumerate(names)
    ]


def _format(package: Package, table: str) -> str:
    """CSV where the package has it, else Parquet (a Parquet export has no CSV files)."""
    return "csv" if (table, "csv") in package.resources else "parquet"


def _published(package: Package, table: str) -> Any:
    """The table as the loader gives it from the verified CSV (or Parquet),
    with actor names where `resolve_actors=True` adds them: one source of truth."""
    from ._load import load

    home = package.location.root if package.location.kind == "data_home" else None
    format = _format(package, table)
    return load(table, format=format, verify=True, resolve_actors=bool(package.actor_columns(table)), data_home=home)  # type: ignore[call-overload]


def _sheet(book: Any, name: str, columns: list[Column], styles: dict[str, Any], origin: Path) -> Any:
    """One sheet: a frozen, filtered, styled header row, then one typed cell
    per value; columns as wide as their values (see `column_width`); set up to
    print landscape, one page wide, the header row on every page."""
    height = len(columns[0][2]) if columns else 0
    if height + 1 > MAX_ROWS:
        raise ExportError(
            f"{origin}: sheet {name!r} would need {height + 1} rows; a spreadsheet holds at most "
            f"{MAX_ROWS}. Read this table from its CSV or Parquet file instead."
        )
    sheet = book.add_worksheet(name)
    lines = [1] * (height + 1)  # lines of text in each row, the header's first
    for col, (header, kind, values) in enumerate(columns):
        sheet.write_string(0, col, header, styles["header"])
        shown = [_shown(value, kind) for value in values]
        longest = max(map(len, shown), default=0)
        width = column_width(header, longest)
        wrap = longest > MAX_WIDTH
        lines[0] = max(lines[0], line_count(header, width))
        for row, value in enumerate(values, start=1):
            try:
                _cell(sheet, row, col, value, kind, styles, wrap)
            except ExportError as exc:
                raise ExportError(
                    f"{origin}: column {header!r} of sheet {name!r}, row {row}, holds {exc}. "
                    "Read this table from its CSV or Parquet file instead."
                ) from None
            if wrap:
                lines[row] = max(lines[row], line_count(shown[row - 1], width))
        sheet.set_column(col, col, width)
    for row, count in enumerate(lines):
        if count > 1:  # a spreadsheet does not always grow a row for wrapped text on opening
            sheet.set_row(row, LINE_HEIGHT * count)
    sheet.freeze_panes(1, 0)
    if columns:
        sheet.autofilter(0, 0, height, len(columns) - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages down as the rows need
    sheet.repeat_rows(0)  # the header row on every printed page
    return sheet


def column_width(header: str, longest: int) -> int:
    """A column's width in characters: its longest value, at most MAX_WIDTH
    (longer text wraps), and at least its name up to MAX_HEADER_WIDTH (a longer
    name wraps in the header), plus one for the margin."""
    return max(MIN_WIDTH, min(longest, MAX_WIDTH), min(len(header), MAX_HEADER_WIDTH)) + 1


def line_count(text: str, width: int) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide:
    an estimate, since a width counts the font's digits and the average letter
    is narrower (AVERAGE_LETTERS of them fill the width of one digit)."""
    return max(1, len(textwrap.wrap(text, max(1, int((width - 1) * AVERAGE_LETTERS)), break_on_hyphens=True)))


def _shown(value: Any, kind: str) -> str:
    """The text a cell shows, for its column's width."""
    if _missing(value):
        return ""
    if kind == "date":
        return "yyyy-mm-dd"
    if kind == "boolean":
        return "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(sheet: Any, row: int, col: int, value: Any, kind: str, styles: dict[str, Any], wrap: bool) -> None:
    """Write one value with the write_* method its Table Schema type names,
    aligned to the top (a wrapped neighbour makes the row tall); text wraps
    where `wrap`. Raise ExportError for a value no cell holds."""
    if _missing(value):
        return
    method = field_type(kind).excel
    if method == "write_datetime":
        day = value.date() if hasattr(value, "date") else value
        sheet.write_datetime(row, col, day, styles["date"])
        return
    if method == "write_number" and isinstance(value, float):  # a number field (Float64)
        if not math.isfinite(value):  # a spreadsheet number cannot hold these: keep the CSV's word
            sheet.write_string(row, col, "NaN" if math.isnan(value) else NOT_FINITE[value], styles["plain"])
            return
        sheet.write_number(row, col, value, styles["plain"])
        return
    if method == "write_number":  # an integer or year field (Int64)
        number = int(value)
        if abs(number) > MAX_EXACT_INTEGER:
            raise ExportError(f"the {kind} {number}, which has more digits than a spreadsheet keeps exactly")
        sheet.write_number(row, col, number, styles["plain"])
        return
    if method == "write_boolean":
        sheet.write_boolean(row, col, bool(value), styles["plain"])
        return
    text = str(value)
    quoted = text.startswith(FORMULA_START)
    style = ("quoted-wrap" if wrap else "quoted") if quoted else ("wrap" if wrap else "plain")
    if sheet.write_string(row, col, text, styles[style]) == -2:
        raise ExportError(f"a text of {len(text)} characters, more than the 32,767 a spreadsheet cell holds")


def _missing(value: Any) -> bool:
    """An empty cell in the CSV (a float NaN is the number NaN, written as such)."""
    import pandas as pd

    return value is None or value is pd.NA or value is pd.NaT


def _check_sheet_names(package: Package) -> None:
    """Every table name must be a sheet name Excel accepts, distinct from the
    others ("History" is reserved by Excel itself)."""
    taken = {CODEBOOK_SHEET, ABOUT_SHEET, "history"}
    for table in package.tables:
        bad = sorted(SHEET_NAME_FORBIDDEN & set(table))
        problem = (
            "is empty"
            if not table
            else "is longer than the 31 characters a sheet name may have"
            if len(table.encode("utf-16-le")) > 62
            else f"holds {' '.join(bad)}, which a sheet name may not"
            if bad
            else "starts or ends with an apostrophe"
            if table.startswith("'") or table.endswith("'")
            else "is the name of another sheet"
            if table.lower() in taken
            else None
        )
        if problem:
            raise package.error(f"table {table!r} cannot be a spreadsheet sheet: its name {problem}.")
        taken.add(table.lower())


def created_date(package: Package) -> datetime:
    """The workbook's created date, fixed so that the file is reproducible:
    SOURCE_DATE_EPOCH when set, else the descriptor's `created`, else 1980-01-01."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ExportError(
                f"SOURCE_DATE_EPOCH is {epoch!r}, which is not a count of seconds since "
                "1970-01-01; set it to an integer such as 1700000000, or unset it.",
                code="source-date-epoch-invalid",
            ) from None
    created = package.raw.get("created")
    if isinstance(created, str):
        try:
            stamp = datetime.fromisoformat(created)
        except ValueError:
            raise package.error(f"'created' is {created!r}, which is not an ISO 8601 date-time.") from None
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return FIXED_EPOCH


def _about_rows(package: Package, frames: dict[str, Any]) -> list[tuple[str, str]]:
    """(item, value) rows: what the data is, its licences, source and citation."""
    raw = package.raw
    rows = [
        ("title", str(raw.get("title", ""))),
        ("description", str(raw.get("description", ""))),
        ("version", str(raw.get("version", ""))),
    ]
    for licence in _entries(raw, "licenses"):
        parts = [licence.get("name"), licence.get("title"), licence.get("path")]
        rows.append(("licence", "; ".join(str(p) for p in parts if p)))
    for source in _entries(raw, "sources"):
        parts = [source.get("title"), source.get("path") and f"file {source['path']}", source.get("hash")]
        rows.append(("source", "; ".join(str(p) for p in parts if p)))
    rows.append(("citation", citation(package)))
    for table, frame in frames.items():
        resource = package.describing(table)
        what = resource.get("description") or resource.get("title") or ""
        count = f"{len(frame)} row" + ("" if len(frame) == 1 else "s")
        rows.append((f"sheet {table}", f"{count}. {what}".strip()))
    rows.append((f"sheet {CODEBOOK_SHEET}", "Every column of every table: its type, meaning and allowed values."))
    named = sorted({name_column(c) for t in package.tables for c in package.actor_columns(t)})
    if named:
        rows.append(
            (
                "actor names",
                f"{', '.join(named)}: not in the CSV files. Each gives the name (actors.name) "
                "of the actor whose id is in the column to its left.",
            )
        )
    return rows


def _entries(mapping: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The objects listed under `key`, skipping anything else a hand-edited file may hold."""
    value = mapping.get(key)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def citation(package: Package) -> str:
    """How to cite the data: from CITATION.cff beside datapackage.json when
    there is one, else from the descriptor. A CITATION.cff that leads out of
    the package through a link is refused unread, as the loader refuses a
    resource that does (`_files.leads_outside`)."""
    path = package.location.root / CITATION_FILE
    if os.path.lexists(path) and leads_outside(package.location.root, path):
        raise ExportError(
            f"{path}: is a symbolic link leading out of the package, not read; "
            "replace it with the file itself, or remove it to cite from datapackage.json.",
            code="citation-unreadable",
        )
    if path.is_file():
        import yaml

        try:
            cff = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ExportError(
                f"{path}: cannot be read as CITATION.cff ({type(exc).__name__}); "
                "repair it or remove it to cite from datapackage.json.",
                code="citation-unreadable",
            ) from None
        if not isinstance(cff, dict):
            raise ExportError(
                f"{path}: is not a CITATION.cff mapping; repair it or remove it to cite from datapackage.json.",
                code="citation-unreadable",
            )
        authors = [
            str(a.get("name") or " ".join(str(p) for p in (a.get("given-names"), a.get("family-names")) if p))
            for a in _entries(cff, "authors")
        ]
        doi = cff.get("doi")
        return _cite(
            authors,
            cff.get("title"),
            cff.get("version"),
            str(cff.get("date-released", ""))[:4],
            f"https://doi.org/{doi}" if doi else cff.get("url"),
        )
    raw = package.raw
    authors = [
        str(c.get("title", "")) for c in _entries(raw, "contributors") if "author" in (c.get("roles") or ["author"])
    ]
    return _cite(authors, raw.get("title"), raw.get("version"), "", raw.get("homepage"))


def _cite(authors: list[str], title: Any, version: Any, year: str, link: Any) -> str:
    """Author. (Year). Title (Version v) [Data set]. Link, in the manner of APA."""
    text = "; ".join(a for a in authors if a) or "Anonymous"
    text += f". ({year})." if year else "."
    text += f" {title}" if title else ""
    text += f" (Version {version})" if version else ""
    text += " [Data set]."
    return text + (f" {link}" if link else "")
