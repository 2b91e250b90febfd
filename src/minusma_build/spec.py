"""Read data/curated/package.toml: package metadata, vocabularies and the Table
Schemas, the single source of truth for every column of every table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minusma_data.buildkit import TYPES

from .curated import CURATED_DIR, read_toml
from .errors import Collector, did_you_mean
from .urls import unsafe

# The Table Schema types a curated field may have (a year is written as an integer).
FIELD_TYPES = tuple(name for name in TYPES if name != "year")
FIELD_KEYS = (
    "name",
    "type",
    "title",
    "description",
    "required",
    "unique",
    "pattern",
    "vocabulary",
    "references",
    "computed",
)
# What a table's evidence is: words that assert its row, or words that name something.
EVIDENCE = ("fact", "mention")
# How a table's rows are made (see package.toml's header): key, the form its
# value takes, and an example for the message when it is missing or wrong.
ORIGIN_KEYS = (
    ("curated", r"[A-Za-z0-9_-]+\.toml", '"<name>.toml", the file in data/curated/ holding its entries'),
    ("entry", r"[a-z][a-z0-9_]*", '"<entry>", the name of one entry: the file holds [[<entry>]] tables'),
    ("builder", r"[a-z][a-z0-9_]*", '"<builder>", the build step that computes its derived columns'),
    ("evidence", "|".join(EVIDENCE), " or ".join(f'"{e}"' for e in EVIDENCE)),
)
TABLE_KEYS = (
    "title",
    "description",
    "primary_key",
    "fields",
    "curated_keys",
    *(key for key, _, _ in ORIGIN_KEYS),
    "cited",
)
# The columns of the `provenance` group: a row's source and verbatim evidence,
# and what the build computes from them (offsets and the passage they lie in).
PROVENANCE = ("source_id", "evidence", "char_start", "char_end", "passage_id", "passage_kind")
LOCATED = PROVENANCE[2:]
PACKAGE_KEYS = ("name", "title", "description", "version", "keywords", "licenses", "contributors")
# Known only once the package is published; empty until then, and left out of
# datapackage.json while empty. What each must look like when filled in:
IDENTIFIER_KEYS = {
    "id": (r"\S+", "a persistent identifier, e.g. the DOI URL Zenodo mints"),
    "homepage": (r"https?://\S+", "an http(s) URL"),
    "created": (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "an RFC 3339 date-time in UTC, e.g. 2026-12-01T00:00:00Z"),
}
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
"""The package version: MAJOR.MINOR.PATCH (docs/versioning.md), checked when the
package is built, so that no other text (a shell command) travels as a version."""
LINKED = ("licenses", "contributors")
"""[package] lists whose entries' `path` is a link (urls.py says which links may be)."""

# The field type of a vocabulary whose codes are text, or whole numbers.
CODE_TYPES = {str: "string", int: "integer"}

# Reports one problem of package.toml: (code, entry, key, message).
Bad = Callable[[str, str, str, str], None]


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    vocabulary: str | None = None
    references: str | None = None
    computed: bool = False  # filled by the build; a curated file may not set it


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    values: tuple[dict[str, Any], ...]
    crosswalks: dict[str, str] = field(default_factory=dict)  # crosswalk key -> the heading the codebook shows

    @property
    def codes(self) -> list[Any]:
        """The codes, text or whole numbers (see `type`)."""
        return [v["value"] for v in self.values]

    @property
    def type(self) -> str:
        """The Table Schema type of its codes, and so of the fields using it:
        "integer" for codes another codebook defines as numbers, else "string"."""
        return CODE_TYPES[type(self.values[0]["value"])] if self.values else "string"

    def lookup(self, code: Any, key: str) -> str:
        """A crosswalk or label of one code, e.g. lookup('demand', 'plover')."""
        for v in self.values:
            if v["value"] == code:
                return v.get(key, "")
        raise KeyError(code)


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    fields: tuple[Field, ...]
    curated_keys: tuple[str, ...] = ()  # keys a curated entry may use that are not columns (`within`, `date`)
    curated: str = ""  # the file in data/curated/ its rows come from
    entry: str = ""  # the name of one entry: the curated file holds [[entry]] tables
    builder: str | None = None  # the build step that computes its derived columns, if any
    evidence: str | None = None  # "fact" or "mention": what its evidence is, if it has any
    cited: bool = False  # every row must be cited by a row of another table

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def computed(self) -> frozenset[str]:
        """The columns the build fills, as package.toml declares them."""
        return frozenset(f.name for f in self.fields if f.computed)

    @property
    def curated_names(self) -> frozenset[str]:
        """Every key a curated entry of this table may use."""
        return frozenset(self.field_names) - self.computed | set(self.curated_keys)

    @property
    def has_evidence(self) -> bool:
        """Whether each row quotes the source, so the build locates its evidence."""
        return self.evidence is not None

    @property
    def per_source(self) -> bool:
        """Whether each entry belongs to a source: then a top-level `source_id`
        in the curated file is the default of every entry's."""
        return "source_id" in self.curated_names

    def column(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Spec:
    package: dict[str, Any]
    vocabularies: dict[str, Vocabulary]
    tables: dict[str, Table] = field(default_factory=dict)

    def vocabulary_of(self, f: Field) -> Vocabulary | None:
        return self.vocabularies[f.vocabulary] if f.vocabulary else None

    def citing(self, table: str) -> list[tuple[str, str]]:
        """(table, column) of every column whose values are ids of `table`."""
        return [(t.name, f.name) for t in self.tables.values() for f in t.fields if f.references == table]


def load_spec(path: Path, shown: str | None = None) -> Spec:
    """Parse package.toml, expanding `{ group = ... }` entries in place.

    Its structure is checked as it is read: a missing or mistyped key, an
    unknown type, vocabulary, group or table, or a bad pattern is reported as
    a Problem naming the table and field, never as a traceback.
    """
    shown = shown or (CURATED_DIR / path.name).as_posix()
    raw = read_toml(path, shown)
    problems = Collector()

    def bad(code: str, entry: str, key: str, message: str) -> None:
        problems.add(code, shown, entry, key, message)

    package = _package(raw, bad)
    vocabularies = _vocabularies(raw, bad)
    tables = _tables(raw, vocabularies, bad)
    problems.raise_if_any()
    return Spec(package, {name: v for name, v in vocabularies.items() if v is not None}, tables)


def _package(raw: dict[str, Any], bad: Bad) -> dict[str, Any]:
    """The [package] section: the descriptor's metadata must all be there, and
    identifiers not yet known stay empty rather than half-filled."""
    package = _section(raw, "package", bad)
    _no_dates(raw, "package", bad)
    for key in PACKAGE_KEYS:
        if key not in package:
            bad("package-key-missing", "[package]", key, f"missing; the descriptor needs the package's {key}")
    for key, (pattern, what) in IDENTIFIER_KEYS.items():
        value = package.get(key, "")
        if not isinstance(value, str) or (value and not re.fullmatch(pattern, value)):
            bad(
                "package-identifier-malformed", "[package]", key, f'expected {what}, or "" while unknown; got {value!r}'
            )
    version = package.get("version")
    if isinstance(version, str) and not SEMVER.fullmatch(version):  # another type: descriptor-invalid
        bad(
            "package-version-malformed",
            "[package]",
            "version",
            f"expected MAJOR.MINOR.PATCH, e.g. 0.2.0; got {version!r}",
        )
    for key in LINKED:
        entries = package.get(key)
        for number, entry in enumerate(entries if isinstance(entries, list) else []):
            why = unsafe(entry.get("path")) if isinstance(entry, dict) and "path" in entry else None
            if why:
                bad(
                    "package-link-unsafe",
                    f"[[package.{key}]] #{number + 1}",
                    "path",
                    f"{entry['path']!r}: {why}; give an https:// URL or a relative path inside the package",
                )
    if "sources" in package:
        bad(
            "package-sources-key",
            "[package]",
            "sources",
            "the package's sources are the entries of sources.toml; remove this key",
        )
    return package


def _vocabularies(raw: dict[str, Any], bad: Bad) -> dict[str, Vocabulary | None]:
    """Every closed list, by name: the name is how a field, the docs and the
    descriptor find a vocabulary, never its list of values (two lists may hold
    the same codes, such as ACLED's time and geo precision 1, 2, 3). A
    malformed one is reported and kept as None, so the fields naming it are
    not reported a second time as naming an unknown vocabulary."""
    vocabularies: dict[str, Vocabulary | None] = {}
    _no_dates(raw, "vocabularies", bad)
    for name, v in _section(raw, "vocabularies", bad).items():
        values = v.get("values") if isinstance(v, dict) else None
        kinds = {type(x.get("value")) for x in values if isinstance(x, dict)} if isinstance(values, list) else set()
        if not (
            isinstance(v, dict)
            and isinstance(v.get("description"), str)
            and isinstance(values, list)
            and all(isinstance(x, dict) for x in values)
            and len(kinds) <= 1
            and kinds <= set(CODE_TYPES)
        ):
            bad(
                "vocabulary-malformed",
                f"vocabulary '{name}'",
                "values",
                'write description = "..." and values = [{ value = "...", label = "..." }, ...], every value '
                "as text, or every value as a whole number (value = 1) for codes a codebook numbers",
            )
            vocabularies[name] = None
            continue
        codes = [x["value"] for x in values]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            bad(
                "vocabulary-duplicate-value",
                f"vocabulary '{name}'",
                "values",
                f"{', '.join(twice)} listed twice; list each value once",
            )
        crosswalks = _crosswalks(name, v.get("crosswalks", {}), values, bad)
        vocabularies[name] = Vocabulary(name, v["description"], tuple(values), crosswalks)
    return vocabularies


def _crosswalks(name: str, given: object, values: list[dict[str, Any]], bad: Bad) -> dict[str, str]:
    """The heading of each crosswalk key: the other codebook's field its values
    are codes of. A key no value carries would head an empty column."""
    keys = {k for x in values for k in x} - {"value", "label"}
    if not (isinstance(given, dict) and all(isinstance(h, str) for h in given.values())):
        bad(
            "vocabulary-crosswalks-malformed",
            f"vocabulary '{name}'",
            "crosswalks",
            'write crosswalks = { acled = "ACLED geo_precision", ... }: each crosswalk key and its heading as text',
        )
        return {}
    for key in sorted(set(given) - keys):
        bad(
            "vocabulary-crosswalks-malformed",
            f"vocabulary '{name}'",
            "crosswalks",
            f"no value carries the key {key!r}" + did_you_mean(key, sorted(keys)) + "; name a key the values have",
        )
    return dict(given)


def _tables(raw: dict[str, Any], vocabularies: dict[str, Vocabulary | None], bad: Bad) -> dict[str, Table]:
    """Every [tables.NAME] section, in the order they are published, once
    each is whole and every table its foreign keys name is declared."""
    groups = _section(raw, "groups", bad)
    listed = _section(raw, "tables", bad)
    tables = {}
    for name, t in listed.items():
        table = _table(name, t, groups, vocabularies, bad)
        if table is not None:
            tables[name] = table
    for t in tables.values():
        for f in t.fields:
            if f.references and f.references not in listed:
                bad(
                    "schema-unknown-reference-table",
                    f"table '{t.name}'",
                    f.name,
                    f"references unknown table {f.references!r}" + did_you_mean(f.references, sorted(tables)),
                )
    return tables


def _table(
    name: str, t: object, groups: dict[str, Any], vocabularies: dict[str, Vocabulary | None], bad: Bad
) -> Table | None:
    """One table: its fields, keys and how the build makes its rows; None
    after reporting what keeps it from being one."""
    label = f"table '{name}'"
    entries = t.get("fields") if isinstance(t, dict) else None
    if not isinstance(t, dict) or not isinstance(entries, list):
        bad(
            "table-fields-malformed",
            label,
            "fields",
            'write fields = [{ name = "...", type = "...", title = "...", description = "..." }, ...]',
        )
        return None
    unread: list[str] = []  # fields that could not be read: columns may be missing for that reason alone

    def noting(code: str, entry: str, key: str, message: str) -> None:
        unread.append(code)
        bad(code, entry, key, message)

    fields = _fields(label, entries, groups, vocabularies, noting)
    names = [f.name for f in fields]
    for twice in sorted({n for n in names if names.count(n) > 1}):
        bad("schema-duplicate-field", label, twice, "the field is listed twice; list each field once")
    title, description = t.get("title"), t.get("description")
    for text, value in (("title", title), ("description", description)):
        if not isinstance(value, str):
            bad("table-text-missing", label, text, f"give the table's {text} as text")
    key = t.get("primary_key")
    if not (isinstance(key, list) and key and all(isinstance(k, str) and k in names for k in key)):
        bad("primary-key-invalid", label, "primary_key", f"expected a list of the table's field names, got {key!r}")
        return None
    for extra in sorted(set(t) - set(TABLE_KEYS)):
        bad("table-unknown-key", label, extra, "unknown key" + did_you_mean(extra, list(TABLE_KEYS)))
    curated_keys = t.get("curated_keys", [])
    if not (isinstance(curated_keys, list) and all(isinstance(k, str) for k in curated_keys)):
        bad(
            "table-curated-keys-malformed",
            label,
            "curated_keys",
            'expected a list of key names, e.g. curated_keys = ["within", "date"]',
        )
        return None
    origin = _origin(label, t, names, bad, fields_read=not unread)
    if origin is None or not isinstance(title, str) or not isinstance(description, str):
        return None
    return Table(name, title, description, tuple(key), tuple(fields), tuple(curated_keys), **origin)


def _origin(
    label: str, t: dict[str, Any], names: list[str], bad: Bad, fields_read: bool = True
) -> dict[str, Any] | None:
    """Where the table's rows come from and what the build does with them:
    `curated`, `entry`, `builder`, `evidence` and `cited`, each checked for
    its form here (whether a builder exists is the build's to say). Missing
    provenance columns are not reported when some fields could not be read:
    that problem is already reported, and would explain the gap."""
    wrong = False
    for key, pattern, example in ORIGIN_KEYS:
        value = t.get(key)
        if value is None and key in ("curated", "entry"):
            bad("table-key-missing", label, key, f"missing; write {key} = {example}")
            wrong = True
        elif value is not None and not (isinstance(value, str) and re.fullmatch(pattern, value)):
            bad("table-key-malformed", label, key, f"expected {key} = {example}, got {value!r}")
            wrong = True
    if "cited" in t and not isinstance(t["cited"], bool):
        bad("table-key-malformed", label, "cited", f"expected cited = true or false, got {t['cited']!r}")
        wrong = True
    evidence = t.get("evidence")
    missing = [c for c in PROVENANCE if c not in names] if fields_read else []
    if isinstance(evidence, str) and evidence in EVIDENCE and missing:
        bad(
            "table-evidence-without-provenance",
            label,
            "evidence",
            f"a table with evidence needs the provenance columns; {', '.join(missing)} missing: "
            'add { group = "provenance" } to its fields',
        )
        wrong = True
    if evidence is None and "evidence" in names:
        bad(
            "table-key-missing",
            label,
            "evidence",
            'the table has an evidence column; say what its evidence is: evidence = "fact" (words that '
            'assert the row) or evidence = "mention" (words that name something)',
        )
        wrong = True
    if wrong:
        return None
    return {
        "curated": t["curated"],
        "entry": t["entry"],
        "builder": t.get("builder"),
        "evidence": evidence,
        "cited": t.get("cited", False),
    }


def _fields(
    label: str, entries: list[Any], groups: dict[str, Any], vocabularies: dict[str, Vocabulary | None], bad: Bad
) -> list[Field]:
    """A table's fields, each `{ group = "..." }` replaced by the group's
    fields, so shared columns (dates, provenance) are written once."""
    fields: list[Field] = []
    for entry in entries:
        members: Any = [entry]
        if isinstance(entry, dict) and "group" in entry:
            members = groups.get(entry["group"]) if isinstance(entry["group"], str) else None
            if not isinstance(members, list):
                bad(
                    "schema-unknown-group",
                    label,
                    "fields",
                    f"unknown group {entry['group']!r}; known: {', '.join(sorted(groups))}",
                )
                continue
        for f in members:
            checked = _field(label, f, vocabularies, bad)
            if checked:
                fields.append(checked)
    return fields


def _no_dates(raw: dict[str, Any], section: str, bad: Bad) -> None:
    """Sections copied into datapackage.json hold no TOML date or time, which JSON cannot carry."""
    for where in _dates_in(raw.get(section), section):
        bad(
            "schema-toml-date",
            f"[{section}]",
            where,
            "a TOML date or time cannot be written to datapackage.json; put it in quotes",
        )


def _dates_in(value: object, where: str) -> list[str]:
    """Where in a nested value a TOML date or time stands (JSON has neither)."""
    if isinstance(value, (dt.date, dt.time)):
        return [where]
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in _dates_in(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [w for i, v in enumerate(value) for w in _dates_in(v, f"{where}[{i}]")]
    return []


def _section(raw: dict[str, Any], key: str, bad: Bad) -> dict[str, Any]:
    """A top-level section; empty after reporting one that is not a table,
    so the sections after it are still checked."""
    value = raw.get(key, {})
    if not isinstance(value, dict):
        bad("schema-section-not-table", "", key, f"expected a table: [{key}] or [{key}.NAME] sections")
        return {}
    return value


def _field(label: str, f: object, vocabularies: dict[str, Vocabulary | None], bad: Bad) -> Field | None:
    """One field of a Table Schema, or None after reporting what is wrong with it."""
    if not isinstance(f, dict) or not isinstance(f.get("name"), str):
        bad(
            "field-malformed",
            label,
            "fields",
            f'expected {{ name = "...", type = "...", title = "...", description = "..." }}, got {f!r}',
        )
        return None
    name = f["name"]
    wrong: list[tuple[str, str]] = []  # (code, message)
    for key in sorted(set(f) - set(FIELD_KEYS)):
        wrong.append(("field-unknown-key", f"unknown key `{key}`" + did_you_mean(key, list(FIELD_KEYS))))
    if f.get("type") not in FIELD_TYPES:
        wrong.append(("field-unknown-type", f"type must be one of {', '.join(FIELD_TYPES)}, got {f.get('type')!r}"))
    wrong += [
        ("field-text-missing", f"give `{key}` as text")
        for key in ("title", "description")
        if not isinstance(f.get(key), str)
    ]
    wrong += [
        ("field-flag-not-boolean", f"`{key}` must be true or false")
        for key in ("required", "unique", "computed")
        if key in f and not isinstance(f[key], bool)
    ]
    for key in ("pattern", "vocabulary", "references"):
        if key in f and not isinstance(f[key], str):
            wrong.append(("field-key-not-text", f"give `{key}` as text"))
    if isinstance(f.get("pattern"), str):
        try:
            re.compile(f["pattern"])
        except (re.error, RecursionError, OverflowError, ValueError) as exc:
            wrong.append(("pattern-invalid", f"`pattern` {f['pattern']!r} is not a regular expression ({exc})"))
    if isinstance(f.get("vocabulary"), str) and f["vocabulary"] not in vocabularies:
        wrong.append(
            (
                "field-unknown-vocabulary",
                f"unknown vocabulary {f['vocabulary']!r}" + did_you_mean(f["vocabulary"], sorted(vocabularies)),
            )
        )
    if f.get("pattern") and f.get("type") != "string":
        wrong.append(("pattern-on-non-string", '`pattern` applies to type "string" only'))
    vocabulary = vocabularies.get(f["vocabulary"]) if isinstance(f.get("vocabulary"), str) else None
    if vocabulary and f.get("type") in FIELD_TYPES and f.get("type") != vocabulary.type:
        wrong.append(
            (
                "vocabulary-type-mismatch",
                f"the vocabulary {vocabulary.name!r} holds {vocabulary.type} codes, so the field's type must be "
                f'"{vocabulary.type}", not {f.get("type")!r}',
            )
        )
    for code, message in wrong:
        bad(code, label, name, message)
    return None if wrong else Field(**f)
