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

from minusma_data.buildkit import DESCRIPTOR, PARQUET_SUFFIX
from minusma_data.buildkit import field_arrow_type as expected_arrow_type


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
    import pyarrow.csv as pacsv
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
    problems = [
        f"{shown}: column '{f['name']}' is {parquet.schema.field(f['name']).type}, "
        f"the schema calls for {expected_arrow_type(f)}"
        for f in fields
        if parquet.schema.field(f["name"]).type != expected_arrow_type(f)
    ]
    if problems:
        return problems
    value_types = {f["name"]: expected_arrow_type(f) for f in fields}
    value_types = {k: (t.value_type if pa.types.is_dictionary(t) else t) for k, t in value_types.items()}
    text = pacsv.read_csv(
        root / csv_resource["path"],
        read_options=pacsv.ReadOptions(use_threads=False),
        convert_options=pacsv.ConvertOptions(
            column_types=value_types, null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True
        ),
    )
    for name in names:
        ours = parquet.column(name).combine_chunks()
        if pa.types.is_dictionary(ours.type):
            ours = ours.cast(ours.type.value_type)
        theirs = text.column(name).combine_chunks()
        if len(ours) != len(theirs):
            return [f"{shown}: {len(ours)} rows where {csv_resource['path']} has {len(theirs)}"]
        if not ours.equals(theirs):
            row = next(i for i in range(len(theirs)) if ours[i] != theirs[i])
            return [f"{shown}: column '{name}' differs from {csv_resource['path']} at data row {row + 1}"]
    return []


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
