"""Write the loader's typed `load_<table>` helpers and its `TableName` literal
(src/minusma_data/_tables.py) from datapackage.json, so that a table declared
once is loadable by name, by its own helper and by a type checker.

    python -m minusma_build.loaders           # rewrite the file
    python -m minusma_build.loaders --check   # exit 1 if it differs from the descriptor

Each helper's docstring is its resource's description; a table whose foreign
keys point at actors gets `resolve_actors`. `make data` runs the first,
`make test` the second.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, foreign_keys, table_names

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path("src/minusma_data/_tables.py")
BACKENDS = (
    ('Literal["pandas"]', "pd.DataFrame"),
    ('Literal["polars"]', "pl.DataFrame"),
    ('Literal["pyarrow"]', "pa.Table"),
)
ANY_BACKEND = ("Backend", "pd.DataFrame | pl.DataFrame | pa.Table")

HEADER = '''"""One typed loader per table of datapackage.json, and the `TableName` literal.

Generated from datapackage.json by `python -m minusma_build.loaders`; do not
edit by hand. `make test` runs it with `--check`, which fails when a table is
added, removed or described anew without this file being generated again.
"""

from __future__ import annotations

from ._load import load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal, overload

    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from ._types import Backend, DataHome, Format

    TableName = Literal[
{names}
    ]
else:
    from minusma_data._overload import overload

__all__ = [
{helpers}
]
'''


def actor_columns(resource: dict[str, Any]) -> list[str]:
    """The columns whose foreign key points at the actors table, in schema order."""
    schema = resource["schema"]
    targets = {f[0] for f, target, _ in foreign_keys(schema, resource["name"]) if len(f) == 1 and target == "actors"}
    return [f["name"] for f in schema["fields"] if f["name"] in targets]


def docstring(resource: dict[str, Any]) -> str:
    text = str(resource.get("description") or resource.get("title") or resource["name"]).strip()
    names = [c.removesuffix("_id") + "_name" for c in actor_columns(resource)]
    if names:
        listed = ", ".join(f"``{n}``" for n in names[:-1]) + (" and " if len(names) > 1 else "") + f"``{names[-1]}``"
        text += f" ``resolve_actors=True`` adds {listed}."
    text += f' Options as for `load`; ``codebook("{resource["name"]}")`` describes the columns.'
    lines = textwrap.wrap(text, width=88, break_long_words=False, break_on_hyphens=False)
    return '    """' + "\n    ".join(lines) + '"""'


def helper(resource: dict[str, Any]) -> str:
    table = resource["name"]
    actors = bool(actor_columns(resource))
    options: list[tuple[str, str | None, str]] = [("format", "Format", '"parquet"')]
    if actors:
        options.append(("resolve_actors", "bool", "False"))
    options += [("verify", "bool", "False"), ("backend", None, '"pandas"'), ("data_home", "DataHome", "None")]

    def signature(backend: str | None, default: bool) -> str:
        lines = ["    *,"]
        for name, kind, value in options:
            kind = backend if name == "backend" else kind
            if default:
                lines.append(f"    {name}: {kind} = {value},")
            elif name == "backend" and backend != BACKENDS[0][0]:
                lines.append(f"    {name}: {kind},")
            else:
                lines.append(f"    {name}: {kind} = ...,")
        return "\n".join(lines)

    parts = []
    for backend, returns in (*BACKENDS, ANY_BACKEND):
        parts.append(f"@overload\ndef load_{table}(\n{signature(backend, False)}\n) -> {returns}: ...")
    call = "\n".join(f"        {name}={name}," for name, _, _ in options)
    parts.append(
        f"def load_{table}(\n{signature(ANY_BACKEND[0], True)}\n) -> {ANY_BACKEND[1]}:\n{docstring(resource)}\n"
        f'    return load(\n        "{table}",\n{call}\n    )'
    )
    return "\n\n" + "\n".join(parts) + "\n"


def render(descriptor: dict[str, Any]) -> str:
    """The text of _tables.py for a descriptor."""
    tables = table_names(descriptor)
    resources = {r["name"]: r for r in descriptor["resources"] if r.get("format") == "csv"}
    text = HEADER.format(
        names="\n".join(f'        "{t}",' for t in tables),
        helpers="\n".join(f'    "load_{t}",' for t in sorted(tables)),
    )
    return text + "".join(helper(resources[t]) for t in tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m minusma_build.loaders", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from what the descriptor gives"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout (default: this one)")
    args = parser.parse_args(argv)
    descriptor = json.loads((args.root / DESCRIPTOR).read_text(encoding="utf-8"))
    text = render(descriptor)
    target = args.root / TARGET
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            print(f"{TARGET} is stale: run python -m minusma_build.loaders", file=sys.stderr)
            return 1
        return 0
    if current != text:
        target.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
