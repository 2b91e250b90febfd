"""Validate a package by its CSV files, then prove each Parquet twin equal to
its CSV.

frictionless checks the CSV resources in full: types, constraints, primary
and foreign keys, size and hash. Each Parquet file is then shown to carry the
Arrow types its Table Schema calls for and the very same values as its CSV,
so every check that held for the CSV holds for it too. This proves what
validating every resource with frictionless proves, without frictionless's
row-by-row Parquet reader, which takes most of its time on large corpora.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from minusma_data.buildkit import DESCRIPTOR, PARQUET_SUFFIX, first_difference, read_csv_twin, type_mismatches


def validate_csv_resources(root: Path, descriptor: dict[str, Any]) -> list[str]:
    """frictionless on the CSV resources only; one line per error."""
    from frictionless import Package

    csv_only = copy.deepcopy(descriptor)
    csv_only["resources"] = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    report = Package(csv_only, basepath=str(root)).validate()
    return [f"{task.name}: {e.type}: {e.message}" for task in report.tasks for e in task.errors]


def compare_twin(root: Path, csv_resource: dict[str, Any], parquet_resource: dict[str, Any]) -> list[str]:
    """Problems that keep a Parquet file from being its CSV's exact twin."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = csv_resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    shown = parquet_resource["path"]
    try:
        parquet = pq.read_table(root / shown, use_threads=False)
    except (pa.ArrowException, OSError) as exc:
        return [f"{shown}: not readable Parquet ({exc})"]
    if parquet.column_names != names:
        return [f"{shown}: columns {parquet.column_names} differ from the schema's {names}"]
    wrong = type_mismatches(parquet, fields)
    if wrong:
        return [
            f"{shown}: column '{name}' is {actual}, the schema calls for {expected}" for name, actual, expected in wrong
        ]
    difference = first_difference(
        parquet, read_csv_twin((root / csv_resource["path"]).read_bytes(), csv_resource), names
    )
    if difference is None:
        return []
    if difference.parquet_rows != difference.csv_rows:
        return [f"{shown}: {difference.parquet_rows} rows where {csv_resource['path']} has {difference.csv_rows}"]
    return [
        f"{shown}: column '{difference.column}' differs from {csv_resource['path']} "
        f"at data row {(difference.row or 0) + 1}"
    ]


def validate_package(root: Path) -> list[str]:
    """Every problem with the package at `root`; empty when it is valid."""
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    problems = validate_csv_resources(root, descriptor)
    by_name = {r["name"]: r for r in descriptor["resources"]}
    for resource in descriptor["resources"]:
        if resource.get("format") != "csv":
            continue
        twin = by_name.get(resource["name"] + PARQUET_SUFFIX)
        if twin is None:
            problems.append(f"{resource['name']}: no Parquet twin '{resource['name']}{PARQUET_SUFFIX}' in {DESCRIPTOR}")
        else:
            problems += compare_twin(root, resource, twin)
    return problems
