"""The build imports the loader only through its public seam,
minusma_data.buildkit, never an underscore module, so the loader's modules
can move without breaking the build."""

from __future__ import annotations

import ast
from pathlib import Path

import minusma_data.buildkit

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_the_build_imports_no_underscore_module_of_the_loader():
    offending = []
    for path in sorted((ROOT / "src" / "minusma_build").rglob("*.py")):
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] == "minusma_data" and any(p.startswith("_") for p in parts[1:]):
                offending.append(f"{path.relative_to(ROOT)}: {name}")
    assert offending == []


def test_the_seam_exports_what_it_lists():
    for name in minusma_data.buildkit.__all__:
        assert hasattr(minusma_data.buildkit, name), name
