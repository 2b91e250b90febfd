"""Synthetic corpora for the scaling benchmark: the real article and its
curated facts, repeated under new ids.

Document k gets source id `doc-000k`, its own copy of the source text (same
bytes, so the same sha256) and a copy of every curated entry, with every id
suffixed `-d000k` and every reference to an id rewritten the same way. So
every quote still lies in its own document's text, every foreign key still
resolves, and a corpus of n documents holds exactly n times the real rows of
every table: the build does the same checks on each copy as on the original.

    .venv/bin/python -m benchmarks.corpus 100 /tmp/corpus-100
    .venv/bin/python scripts/build.py --root /tmp/corpus-100
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

from tomli_w import dumps

from minusma_build.spec import Spec, load_spec

ROOT = Path(__file__).resolve().parent.parent

# keys of a curated `date = {...}` that hold ids, and the table they point at
DATE_ID_KEYS = {"anchor": "events", "reference": "references"}


def document_tag(k: int) -> str:
    return f"{k:04d}"


def entry_files(spec: Spec) -> dict[str, tuple[str, str]]:
    """Table -> (its curated file, the array of entries in it), as package.toml
    declares them; a file two tables share (sources.toml) once, for the first."""
    files: dict[str, tuple[str, str]] = {}
    for name, table in spec.tables.items():
        if table.curated not in {file for file, _ in files.values()}:
            files[name] = (table.curated, table.entry)
    return files


def id_columns(spec: Spec, table: str) -> dict[str, str]:
    """Columns of a table that hold ids -> the table whose ids they are."""
    t = spec.tables[table]
    return {f.name: f.references or table for f in t.fields if f.references or f.name in t.primary_key}


class Renamer:
    """The ids of document k: the source becomes `doc-000k`, everything else
    keeps its name with `-d000k` added."""

    def __init__(self, k: int, source_ids: list[str]):
        tag = document_tag(k)
        self.suffix = f"-d{tag}"
        self.sources = (
            {source_ids[0]: f"doc-{tag}"} if len(source_ids) == 1 else {s: f"{s}-doc-{tag}" for s in source_ids}
        )

    def __call__(self, table: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if table == "sources":
            return self.sources[value]
        return value + self.suffix


def rename_entry(entry: dict[str, Any], columns: dict[str, str], rename: Renamer) -> dict[str, Any]:
    out = {key: rename(columns[key], value) if key in columns else value for key, value in entry.items()}
    date = out.get("date")
    if isinstance(date, dict):
        out["date"] = {
            key: rename(DATE_ID_KEYS[key], value) if key in DATE_ID_KEYS else value for key, value in date.items()
        }
    return out


def make_corpus(dest: Path, documents: int, source_root: Path = ROOT) -> dict[str, int]:
    """Write a tree of `documents` copies of the curated package under dest
    (dest/data/curated/*.toml, dest/data/source/*); return the number of
    curated entries written per file."""
    curated = source_root / "data" / "curated"
    spec = load_spec(curated / "package.toml")
    files = entry_files(spec)
    originals = {name: tomllib.loads((curated / file).read_text("utf-8")) for name, (file, _) in files.items()}
    source_entries = originals["sources"]["source"]
    source_ids = [s["source_id"] for s in source_entries]
    texts = {s["path"]: (source_root / s["path"]).read_bytes() for s in source_entries}

    (dest / "data" / "source").mkdir(parents=True, exist_ok=True)
    (dest / "data" / "curated").mkdir(parents=True, exist_ok=True)
    written: dict[str, list[dict[str, Any]]] = {name: [] for name in files}
    for k in range(1, documents + 1):
        rename = Renamer(k, source_ids)
        for name, (_, array) in files.items():
            doc = originals[name]
            columns = id_columns(spec, name)
            for entry in doc.get(array, []):
                if "source_id" in doc and "source_id" not in entry:
                    entry = {"source_id": doc["source_id"], **entry}
                entry = rename_entry(entry, columns, rename)
                if name == "sources":
                    entry = _copy_text(dest, entry, texts)
                written[name].append(entry)

    for name, (file, array) in files.items():
        (dest / "data" / "curated" / file).write_text(dumps({array: written[name]}), "utf-8")
    shutil.copy2(curated / "package.toml", dest / "data" / "curated" / "package.toml")
    return {name: len(entries) for name, entries in written.items()}


def _copy_text(dest: Path, entry: dict[str, Any], texts: dict[str, bytes]) -> dict[str, Any]:
    """Give a renamed source its own copy of the text, and record its hash."""
    raw = texts[entry["path"]]
    path = f"data/source/{entry['source_id']}{Path(entry['path']).suffix}"
    (dest / path).write_bytes(raw)
    return {**entry, "path": path, "sha256": hashlib.sha256(raw).hexdigest()}


def remove_outputs(root: Path) -> None:
    """Delete the published files, so the next build writes every one."""
    for path in [*(root / "data").glob("*.csv"), *(root / "data").glob("*.parquet"), root / "datapackage.json"]:
        path.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: corpus.py DOCUMENTS DEST (DEST is replaced)", file=sys.stderr)
        return 2
    dest = Path(argv[1])
    if dest.exists():
        shutil.rmtree(dest)
    counts = make_corpus(dest, int(argv[0]))
    print(f"wrote {dest}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
