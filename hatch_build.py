"""Put the published package into the wheel: datapackage.json and exactly the
files it lists (each table's CSV and Parquet file, each source text), under
minusma_data/_data/, so the descriptor's relative paths still hold there.

The descriptor is the list of what is published, so nothing else (the curated
TOML, the build) can slip into the wheel. Editable installs read the checkout
and get no copy.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = "minusma_data/_data"


class PublishedFiles(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
        listed = [r["path"] for r in descriptor["resources"]] + [s["path"] for s in descriptor.get("sources", [])]
        build_data["force_include"]["datapackage.json"] = f"{BUNDLE}/datapackage.json"
        for rel in sorted(set(listed)):
            path = PurePosixPath(rel)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"datapackage.json lists {rel!r}, which is outside the package")
            build_data["force_include"][rel] = f"{BUNDLE}/{rel}"
