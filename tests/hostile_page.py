"""A published package whose every shown value is an attack on the explorer
page (`site --root` takes any package): markup in the title, the
description, a field name (which names the codebook's anchors), a table
name, a category label and a cell value, a `</script>` in a value, and a
published file whose path begins `javascript:`. Each payload would set
`window.pwned` (or the document's title) if it ran; tests/test_site.py
reads the page as HTML, tests/test_site_browser.py runs it in Chromium.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from conftest import ROOT


def payload(n: int) -> str:
    """Markup that runs script if it reaches the page unescaped, in text or in an attribute."""
    return f'"><img src=x onerror="window.pwned={n}"><script>window.pwned={n}</script>'


TITLE = "</title><script>document.title='pwned'</script>" + payload(1)
FIELD = "status" + payload(2)
TABLE = "t" + payload(3)
CODE_FIELD = "code" + payload(4)
VALUE = "</script><script>window.pwned=5</script>" + payload(5)
LINKED_FILE = "javascript:window.pwned=6//x.txt"
"""A published file whose path, written as it is into a link, is a script URL."""


def _rewrite_csv(path: Path, edit) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    edit(table)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(table)


def hostile_package(dest: Path) -> Path:
    """The checked-in package, copied to `dest` and made hostile; `dest` returned."""
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data", dest / "data", ignore=shutil.ignore_patterns("curated", ".staging-*"))
    descriptor = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["title"] = TITLE
    descriptor["description"] = payload(6)
    events = next(r for r in descriptor["resources"] if r["name"] == "events")
    next(f for f in events["schema"]["fields"] if f["name"] == "status")["name"] = FIELD
    events["title"] = payload(7)

    def events_csv(table: list[list[str]]) -> None:
        table[0] = [FIELD if c == "status" else c for c in table[0]]
        table[1][table[0].index("summary")] = VALUE
        dated = next(row for row in table[1:] if row[table[0].index("date_start")])
        dated[table[0].index("date_start")] = "<svg/onload=window.pwned=12>"  # its year heads the timeline

    _rewrite_csv(dest / "data" / "events.csv", events_csv)
    (dest / "data" / "hostile.csv").write_text(f'id,"{CODE_FIELD.replace(chr(34), 2 * chr(34))}"\na,x\n', "utf-8")
    descriptor["resources"].append(
        {
            "name": TABLE,
            "title": payload(8),
            "description": payload(9),
            "path": "data/hostile.csv",
            "format": "csv",
            "schema": {
                "fields": [
                    {"name": "id", "type": "string", "title": payload(10)},
                    {
                        "name": CODE_FIELD,
                        "type": "string",
                        "constraints": {"required": True, "enum": ["x"]},
                        "categories": [{"value": "x", "label": payload(11)}],
                    },
                ],
                "primaryKey": ["id"],
            },
        }
    )
    (dest / LINKED_FILE).parent.mkdir(parents=True)
    (dest / LINKED_FILE).write_text("a published file\n", encoding="utf-8")
    descriptor["resources"].append({"name": "linked", "path": LINKED_FILE, "format": "txt"})
    (dest / "datapackage.json").write_text(json.dumps(descriptor, indent=1), encoding="utf-8")
    return dest
