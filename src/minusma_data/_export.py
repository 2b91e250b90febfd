"""Write every table to a folder as a data package of CSV, Parquet or JSON
Lines files, for tools that do not read the published files directly (the
other exports: `_exporters`).

A folder export is a Data Package of its own, laid out like the published
one: datapackage.json, data/<table>.<format>, the source text under
data/source/, the licence files and a short README. frictionless validates
it, and `--data-home` (or ``data_home=``) loads it back. Every file is read
and checked before the folder is written, all at once (`_output.write_folder`).

CSV and Parquet exports are the published files themselves, byte for byte
(each checked first: CSV against its recorded sha256, Parquet against its
CSV twin); JSON Lines files, and the SQLite export, are written from
`records`, with dates as ISO 8601 text.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ._errors import DataFileError, ExportError, remedy
from ._exporters import Exporter
from ._files import DESCRIPTOR, data_path
from ._output import MARKER, marker_bytes, write_folder
from ._read import read_table
from ._resource import check_hash, checked_bytes, failing
from ._schema import Package

LICENCE_FILES = ("LICENSE", "LICENSE-DATA")
# Properties of a published resource that hold for its exported copy as well.
KEPT = ("name", "type", "title", "description", "path", "format", "mediatype", "encoding", "schema")


def write_package(package: Package, exporter: Exporter, output: Path) -> list[Path]:
    """Write every table in the exporter's format as a data package in `output`; return the files written."""
    format = exporter.name
    files: dict[str, bytes] = {}
    for table in package.tables:
        relative = _inside(package, data_path(table, format))
        files[relative] = _table_bytes(package, table, format)
    for source in package.raw.get("sources", []):
        if isinstance(source.get("path"), str):
            relative = _inside(package, source["path"])  # checked before the file is read
            files[relative] = _source_bytes(package, source)
    for name in LICENCE_FILES:
        files[name] = licence_bytes(package, name)
    description = export_descriptor(package, exporter, files)
    files[DESCRIPTOR] = (json.dumps(description, indent=2, ensure_ascii=False) + "\n").encode()
    files["README.md"] = readme_bytes(package, format, description)
    files[MARKER] = marker_bytes(format, list(files))
    return write_folder(output, files)


def _inside(package: Package, relative: str) -> str:
    """`relative` if it names a file inside the package folder (so inside the
    export's folder too); a descriptor naming anything else is refused."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative:
        raise package.error(
            f"it names the file {relative!r}, which lies outside the package folder; "
            "paths must be relative, without '..'."
        )
    return relative


def _table_bytes(package: Package, table: str, format: str) -> bytes:
    if format in ("csv", "parquet") and (table, format) not in package.resources:
        raise ExportError(
            f"{package.location.descriptor}: the package has no {format} file for table {table!r} (it is an "
            f"export in another format); a {format} export copies the package's own {format} files. Export "
            f"from the published package, or choose --format {'parquet' if format == 'csv' else 'csv'} or jsonl.",
            code="export-format-absent",
        )
    if format == "csv":
        return checked_bytes(package, table, "csv")
    if format == "parquet":
        from ._verify import verify_parquet

        verify_parquet(package, table)  # refuse a damaged or altered file before copying it
        return package.path(table, "parquet").read_bytes()
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in records(package, table)).encode()


def _source_bytes(package: Package, source: dict[str, Any]) -> bytes:
    """The source text, checked against the hash the descriptor records (if any)."""
    path = package.location.root / source["path"]
    fail = failing(path, remedy(package.location.kind, package.location.root))
    try:
        data: bytes = path.read_bytes()
    except OSError:
        raise fail("the source text is missing.", "file-missing") from None
    if source.get("hash"):
        check_hash(data, {"hash": source["hash"]}, fail)
    return data


def licence_bytes(package: Package, name: str) -> bytes:
    """A licence file: from the data folder, else the one installed with the
    package (the wheel's .dist-info/licenses/), else the checkout's."""
    from ._locate import checkout_root

    candidates = [package.location.root / name, _installed_licence(name), checkout_root() / name]
    for path in candidates:
        if path is not None and path.is_file():
            return path.read_bytes()
    raise DataFileError(
        package.location.root / name,
        f"the licence file {name} is missing.",
        remedy(package.location.kind, package.location.root),
    )


def _installed_licence(name: str) -> Path | None:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        files = distribution("minusma-data").files or []
    except PackageNotFoundError:
        return None
    for file in files:
        if file.name == name and "licenses" in file.parts:
            return Path(str(file.locate()))
    return None


def export_descriptor(package: Package, exporter: Exporter, files: dict[str, bytes]) -> dict[str, Any]:
    """The published descriptor with one resource per table in `format`.
    Every exported file's size and sha256 are recorded, except a Parquet
    file's size: frictionless refuses `bytes` on Parquet resources."""
    raw, format = package.raw, exporter.name
    description = {k: copy.deepcopy(v) for k, v in raw.items() if k != "resources"}
    resources = []
    for table in package.tables:
        resource = {k: copy.deepcopy(v) for k, v in package.describing(table).items() if k in KEPT}
        resource["name"] = table  # a Parquet-only package may name it events-parquet
        path = data_path(table, format)
        data = files[path]
        resource.update(path=path, format=format, mediatype=exporter.media_type)
        if format == "csv":
            resource["profile"] = "tabular-data-resource"  # as published; see src/minusma_build/render.py
            resource["dialect"] = copy.deepcopy(package.resource(table, "csv").get("dialect", {}))
            resource["encoding"] = "utf-8"
        elif format == "parquet":
            resource.pop("encoding", None)
        if format != "parquet":
            resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        resources.append(resource)
    description["resources"] = resources
    return description


def readme_bytes(package: Package, format: str, description: dict[str, Any]) -> bytes:
    """A short README: what the folder holds, its licence, and how to read it."""
    raw = package.raw
    licences = ", ".join(str(x.get("name")) for x in raw.get("licenses", []))
    lines = [
        f"# {raw.get('title', raw.get('name', 'minusma-data'))}",
        "",
        f"Version {raw.get('version', '(unknown)')} of the `{raw.get('name', 'minusma-data')}` data package, "
        f"exported as {format.upper() if format != 'jsonl' else 'JSON Lines'}.",
        "",
        str(raw.get("description", "")),
        "",
        "## Files",
        "",
    ]
    for resource in description["resources"]:
        lines.append(f"- `{resource['path']}`: {resource.get('description', '')}")
    lines += [
        "",
        "`datapackage.json` gives every column's type, description and allowed values, and each file's "
        "sha256; `data/source/` holds the text whose characters `char_start`/`char_end` count.",
        "",
        "## Reading it",
        "",
        "    frictionless validate datapackage.json",
    ]
    if format in ("csv", "parquet"):
        lines += [
            "    minusma-data --data-home . info",
            f"    python -c \"import minusma_data as m; print(m.load('events', format='{format}', data_home='.'))\"",
        ]
    lines += [
        "",
        "## Licence",
        "",
        f"Data: {licences} (LICENSE-DATA). Code of the minusma-data package: MIT (LICENSE). "
        "Cite the source article as well as this package.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def records(package: Package, table: str) -> list[dict[str, Any]]:
    """Rows as plain Python values: str, int, float, bool, 'YYYY-MM-DD' or None."""
    if (table, "csv") in package.resources:
        frame = read_table(package, table, "csv", verify=True)
    else:
        from ._verify import verify_parquet

        frame = verify_parquet(package, table)
    columns = {}
    for field in package.fields(table):
        kind = field.get("type", "string")
        values = frame[field["name"]].astype(object).tolist()
        columns[field["name"]] = [_plain(v, kind) for v in values]
    names = list(columns)
    return [dict(zip(names, row, strict=False)) for row in zip(*columns.values(), strict=False)]


def _plain(value: Any, kind: str) -> Any:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind in ("integer", "year"):
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)
