"""The whole build as one function: curated files in, published bytes out.

read and compute (facts) -> normalise -> check -> render -> check the
descriptor against the Data Package v2 profile. Nothing here
touches the published files; publishing is the caller's step, so a failure
anywhere leaves them as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minusma_data.buildkit import DESCRIPTOR

from .assemble import assemble
from .checks import check_all
from .curated import SPEC_FILE
from .errors import BuildError
from .normalise import normalise
from .profile import profile_problems
from .published import table_files
from .render import arrow_table, csv_bytes, descriptor, descriptor_bytes, parquet_bytes, sorted_records
from .spec import load_spec


@dataclass(frozen=True)
class BuildResult:
    outputs: dict[str, bytes]  # path relative to the root -> content
    row_counts: dict[str, int]


def produce(root: Path) -> BuildResult:
    """Read, compute, normalise, check and render; raise BuildError on any problem."""
    spec = load_spec(root / SPEC_FILE)
    assembled = assemble(spec, root)
    normalise(spec, assembled.rows)
    check_all(spec, assembled.rows)
    outputs: dict[str, bytes] = {}
    csv_files: dict[str, bytes] = {}
    counts = {}
    for name, table in spec.tables.items():
        records = sorted_records(table, assembled.rows[name])
        counts[name] = len(records)
        files = table_files(name)
        csv_files[name] = outputs[files.csv] = csv_bytes(table, records)
        outputs[files.parquet] = parquet_bytes(arrow_table(spec, table, records))
    texts = assembled.texts_table
    source_records = sorted_records(spec.tables[texts], assembled.rows[texts]) if texts else []
    desc = descriptor(spec, csv_files, source_records)
    problems = profile_problems(desc, root)
    if problems:
        raise BuildError(problems)
    outputs[DESCRIPTOR] = descriptor_bytes(desc)
    return BuildResult(outputs, counts)
