"""The interface the build (src/minusma_build, not in the wheel) uses: the
one Table Schema type mapping, the file layout, the atomic writer, the
publishing lock, the read that never waits on a FIFO, the diff, and the
shared did-you-mean. Not the user API: a user loads tables with
`minusma_data.load`.

The build imports these names from here and from no underscore module of
minusma_data (tests/test_seam.py checks it), so the loader's modules can
move without breaking the build.
"""

from ._atomic import write_atomic
from ._diff import BUMPS, DiffError, diff_paths
from ._diff_errors import DIFF_CODES
from ._diff_render import text_lines
from ._errors import closest
from ._exporters import EXPORTS
from ._files import DESCRIPTOR, FINISH, INTERRUPTED, JOURNAL, data_path, leads_outside
from ._lock import package_lock
from ._regular import FileTooLarge, NotRegularFile, read_regular
from ._tableschema import (
    CROISSANT,
    EVIDENCE_PROPERTY,
    FORMULA_START,
    PARQUET_SUFFIX,
    TYPES,
    FieldType,
    arrow_type,
    csv_cell,
    enum_of,
    fact_tables,
    field_arrow_type,
    field_type,
    foreign_keys,
    has_type,
    is_coded,
    resource_table,
    table_names,
)
from ._twin import first_difference, read_csv_twin, type_mismatches

__all__ = [
    "BUMPS",
    "CROISSANT",
    "DESCRIPTOR",
    "DIFF_CODES",
    "EVIDENCE_PROPERTY",
    "EXPORTS",
    "FINISH",
    "FORMULA_START",
    "INTERRUPTED",
    "JOURNAL",
    "PARQUET_SUFFIX",
    "TYPES",
    "DiffError",
    "FieldType",
    "FileTooLarge",
    "NotRegularFile",
    "arrow_type",
    "closest",
    "csv_cell",
    "data_path",
    "diff_paths",
    "enum_of",
    "fact_tables",
    "field_arrow_type",
    "field_type",
    "first_difference",
    "foreign_keys",
    "has_type",
    "is_coded",
    "leads_outside",
    "package_lock",
    "read_csv_twin",
    "read_regular",
    "resource_table",
    "table_names",
    "text_lines",
    "type_mismatches",
    "write_atomic",
]
