"""The one error `minusma-data diff` raises, and the catalogue of its codes.

A diff reads two packages that may come from anyone, so every refusal names
the side (old or new), what was wrong and where, and carries a code from
`DIFF_CODES` that does not change between releases (docs/versioning.md lists
them). The CLI prints it as one line and exits 2.
"""

from __future__ import annotations

DIFF_CODES = {
    # the argument itself
    "input-missing": "OLD or NEW names no file or folder",
    "not-a-package": "OLD or NEW is neither a package folder, its datapackage.json nor a zip file",
    # datapackage.json
    "descriptor-missing": "the folder or zip holds no datapackage.json",
    "descriptor-unreadable": "datapackage.json is not JSON, or is nested deeper than a descriptor can be",
    "descriptor-malformed": "a key of datapackage.json has the wrong type or is missing (the message names "
    "the resource and the key), or a resource's format (given or read from its path) is neither csv nor parquet",
    "path-outside-package": "a resource or source-text path, or a zip member, that is absolute, climbs out "
    "with '..', names a drive or URL, or leads out of the folder through a symbolic link",
    # the files the descriptor lists
    "file-missing": "a file the descriptor lists is absent",
    "file-unreadable": "a file the descriptor lists cannot be read (permissions, a folder in its place)",
    "hash-mismatch": "a file's size or sha256 differs from what datapackage.json records",
    "header-mismatch": "a CSV file's header differs from its Table Schema's field names",
    "csv-malformed": "a CSV file is not valid CSV in its dialect and encoding, is empty, has a row of the "
    "wrong width, repeats a primary key or holds a value its schema's type does not allow",
    "parquet-damaged": "a Parquet file does not decode, or its columns, types or values differ from its "
    "Table Schema and its CSV twin",
    # release zips
    "zip-unreadable": "not a readable zip file, or a member whose compressed data is corrupt",
    "zip-too-many-members": "a zip that lists more members than a package zip may have (4096), or a larger "
    "central directory (1 MiB), refused before the members are read",
    "zip-member-link": "a zip member that is a symbolic link",
    "zip-member-encrypted": "an encrypted zip member",
    "zip-member-method": "a zip member compressed other than stored or deflated",
    "too-large": "a zip member that inflates, or says it inflates, beyond its limit (or members that "
    "together do), a file larger than the limit, or a Parquet file whose columns decode beyond it",
}
"""Every code a DiffError carries, and what it means."""


class DiffError(Exception):
    """An input that cannot be compared. `code` is from DIFF_CODES; `side`
    ("old" or "new") is set once the comparison knows which input failed.
    str() is the whole line: `[code] side: what was wrong, where, what would
    be right`."""

    def __init__(self, message: str, code: str, side: str | None = None) -> None:
        if code not in DIFF_CODES:
            raise ValueError(f"unknown diff code {code!r}")  # a programming error, caught by the tests
        super().__init__(message)
        self.message = message
        self.code = code
        self.side = side

    def __str__(self) -> str:
        side = f"{self.side}: " if self.side else ""
        return f"[{self.code}] {side}{self.message}"
