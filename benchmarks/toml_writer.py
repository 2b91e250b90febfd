"""Write the plain data tomllib reads back as TOML.

The synthetic corpora are the curated files with their ids rewritten, so they
are parsed with tomllib, changed as data and written back with this writer:
a few dozen lines that keep the benchmark free of a TOML-writing dependency.
It covers what the curated files use: tables, arrays of tables, strings,
integers, floats, booleans, dates, arrays and inline tables.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(doc: dict[str, Any]) -> str:
    """TOML text that tomllib.loads turns back into `doc`."""
    lines: list[str] = []
    _write_table(doc, [], lines)
    return "\n".join(lines) + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _write_table(table: dict[str, Any], path: list[str], lines: list[str]) -> None:
    """Plain keys first, then sub-tables and arrays of tables under headers."""
    nested = []
    for key, value in table.items():
        if isinstance(value, dict) or _is_table_array(value):
            nested.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in nested:
        header = ".".join(_key(k) for k in [*path, key])
        if isinstance(value, dict):
            lines.append(f"\n[{header}]")
            _write_table(value, [*path, key], lines)
        else:
            for item in value:
                lines.append(f"\n[[{header}]]")
                _write_table(item, [*path, key], lines)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    # JSON's escapes (\n, \", \\, \uXXXX) are all valid in a TOML basic string;
    # TOML also forbids a raw DEL character, which JSON leaves as is.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")
