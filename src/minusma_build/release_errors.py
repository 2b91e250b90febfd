"""The release builder's refusals and their codes, in one catalogue.

`python -m minusma_build.release` prints a refusal as one line,
`release: error: <what, where, what to do> [<code>]`, exit 2. docs/releasing.md
lists these codes (tests/test_release_codes.py checks both ways). A refused
comparison keeps the diff's own code (minusma_data's DIFF_CODES).
"""

from __future__ import annotations

from minusma_data.buildkit import DIFF_CODES, DiffError

RELEASE_CODES: dict[str, str] = {
    "not-a-checkout": "no git commit to take the files and the time from",
    "commit-date-out-of-range": "the last commit is dated after 2107, the last year a zip can record",
    "commit-path-outside": "the commit holds a path that would be written outside the release tree",
    "commit-does-not-build": "the committed curated files do not build",
    "commit-stale": "the committed generated files do not match what the committed curated files build",
    "version-mismatch": "datapackage.json and package.toml give different versions",
    "version-malformed": "a version is not MAJOR.MINOR.PATCH",
    "version-lowered": "the new version is lower than the old one",
    "version-unreadable": "package.toml gives no [package] version",
    "tag-mismatch": "the tag is not `v` followed by the package's version",
    "output-unusable": "--output cannot be made, or a release file cannot be written in it (a folder at its "
    "name, a full or read-only disk); an earlier file of that name is kept",
    "interrupted": "Ctrl-C stopped the release (exit 130); each release file is the earlier one or the new, whole",
    "zip-member-outside": "a file listed for the zip is not a file inside the package",
    "readme-template-unusable": "the zip README's template is unreadable or names a value there is none for",
    "step-failed": "a build tool failed",
    "checksum-mismatch": "a written file's sha256 differs from SHA256SUMS",
    "zip-invalid": "frictionless finds the zip invalid",
    "date-malformed": "--date is not YYYY-MM-DD",
    "changelog-heading-missing": "CHANGELOG.md has no heading for the version, nor an Unreleased one",
    "changelog-section-missing": "CHANGELOG.md has no section for the version to take the notes from",
    "citation-version-missing": "CITATION.cff has no top-level version line",
    "created-line-missing": "package.toml has no created line to date the release with",
    "build-failed": "the build failed after the release's date was set",
}


class ReleaseError(Exception):
    """A release step that cannot go on; the message is one line, `code` its
    stable part (from RELEASE_CODES, or DIFF_CODES for a refused diff)."""

    def __init__(self, message: str, code: str) -> None:
        if code not in RELEASE_CODES and code not in DIFF_CODES:
            raise ValueError(f"unknown release code {code!r}")  # a programming error, caught by the tests
        super().__init__(message)
        self.code = code


def refused_diff(exc: DiffError) -> ReleaseError:
    """A diff's refusal as the release's: the same code, the side named."""
    return ReleaseError(f"{exc.side}: {exc.message}" if exc.side else exc.message, exc.code)
