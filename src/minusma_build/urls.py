"""Which links the package may hold and the explorer page may write: an
https URL, or a relative path inside the package. Nothing else (no
javascript:, data:, file:, http: or mailto:), so no value of a descriptor
can make a link that runs script, leaves TLS or opens another program.

One rule for both: the build refuses a licence path, a contributor path or
a reference locator that breaks it, and the page refuses a package that
does (`site --root` takes any package), and writes its own relative links
percent-encoded, so a file named `javascript:x` is a file, not a scheme.
"""

from __future__ import annotations

import re
from urllib.parse import quote

ALLOWED_SCHEMES = ("https",)
"""The schemes a link may have; a value without a scheme is a relative path."""
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
IGNORED = re.compile(r"[\t\n\r]")
"""Removed from anywhere in a URL by the browser's parser (WHATWG URL)."""
EDGES = "".join(map(chr, range(0x21)))
"""Stripped from both ends by the browser's parser: C0 controls and space."""


def scheme(value: str) -> str | None:
    """The scheme a browser would read in `value`, lower case; None for a relative reference."""
    match = SCHEME.match(IGNORED.sub("", value).strip(EDGES))
    return match.group(1).lower() if match else None


def unsafe(value: object) -> str | None:
    """Why `value` may not be a link ("javascript: is not https", ...), or None when it may.
    A relative reference may not start with a slash or a backslash (another
    host, or the root of the file system) nor climb out with `..`."""
    if not isinstance(value, str):
        return f"{type(value).__name__} is not text"
    found = scheme(value)
    if found is not None:
        return None if found in ALLOWED_SCHEMES else f"the scheme {found}: is not {' or '.join(ALLOWED_SCHEMES)}"
    path = IGNORED.sub("", value).strip(EDGES)
    if path.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", path) or "\\" in path:
        return "a relative path must stay inside the package (no leading /, no .., no backslash)"
    return None


def relative_href(rel: str) -> str:
    """A package path as a link: every character but letters, digits, `/` and
    `-._~` percent-encoded, so the link cannot be read as a scheme, a query or
    a fragment (the file `javascript:x` becomes the link `javascript%3Ax`)."""
    return quote(rel, safe="/")
