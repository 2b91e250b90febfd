"""Check the rendered datapackage.json against the Data Package v2 profile
before anything is published, so the build never writes a descriptor that
frictionless (or any other reader of the spec) rejects: `version = 0.2` (a
number) or `[package.licenses]` (a table, not an array) in package.toml are
refused here, naming the key.

The check is frictionless's own (`Package.validate_descriptor`, which holds
the v2 profile); frictionless comes with the build's `validate` extra, which
`make data` installs. Without it the check is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .curated import SPEC_FILE
from .errors import Problem

PROPERTY = re.compile(r" at property '([^']*)'")


def profile_problems(descriptor: dict[str, Any], root: Path) -> list[Problem]:
    """One problem per way the descriptor breaks the Data Package v2 profile."""
    try:
        from frictionless import Package
    except ImportError:
        return []
    report = Package.validate_descriptor(descriptor, basepath=str(root))
    problems = []
    for error in report.errors:
        note = str(getattr(error, "note", "") or error.message)
        found = PROPERTY.search(note)
        key = found.group(1).replace("/", ".") if found else ""
        reason = PROPERTY.sub("", note)
        problems.append(
            Problem(
                "descriptor-invalid",
                SPEC_FILE,
                "[package]",
                key,
                f"datapackage.json would break the Data Package v2 profile: {reason}; "
                "give the value the type the spec asks for (version as text in quotes, "
                "licenses, keywords and contributors as arrays [ ... ])",
            )
        )
    return problems
