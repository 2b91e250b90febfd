"""Every code the build reports, in one place: what it refuses, what would be
right, and the file(s) it concerns.

A problem's code is its stable part: tests, CI annotations and scripts match
on it, while the wording of a message may change. `errors.Problem` and
`publish.PublishError` refuse a code that is not listed here, a test proves
that every code used in src/minusma_build is listed and that every listed code
has a bad-input case (tests/test_problem_codes.py), and the table of refusals
in docs/guarantees.md is generated from this list (python -m minusma_build.docs).

`files` are paths relative to the repository root, as glob patterns; "." is
the tree being built. The explorer page (site.py) has codes of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemCode:
    code: str
    refused: str  # what the build refuses
    right: str  # what would be right
    files: tuple[str, ...]  # the file(s) it concerns


class UnknownProblemCode(ValueError):
    """A code missing from CODES: a fault of the build's code, not of its input."""


CURATED = "data/curated/*.toml"
PACKAGE = "data/curated/package.toml"
SOURCES = "data/curated/sources.toml"
REFERENCES = "data/curated/references.toml"
PLACES = "data/curated/places.toml"
ACTORS = "data/curated/actors.toml"
MENTIONS = "data/curated/mentions.toml"
EVENTS = "data/curated/events.toml"
STATEMENTS = "data/curated/statements.toml"
FIGURES = "data/curated/figures.toml"
CLAIMS = "data/curated/claims.toml"
FACT_FILES = (REFERENCES, PLACES, ACTORS, MENTIONS, EVENTS, STATEMENTS, FIGURES, CLAIMS)
PER_SOURCE = (MENTIONS, EVENTS, STATEMENTS, FIGURES, CLAIMS)  # entries that quote a source
DATED = (EVENTS, STATEMENTS)
JOURNAL = "data/.publish-journal.json"
PUBLISHED = ("data/*.csv", "data/*.parquet", "datapackage.json")
# What publishing writes; "data" when the failing call names no file (a write on a full disk).
STAGING = ("data", "data/.staging-*", "data/.staging-*/*", JOURNAL, JOURNAL + ".draft")

C = ProblemCode

GROUPS: tuple[tuple[str, tuple[ProblemCode, ...]], ...] = (
    (
        "The tree built, and the code that builds it",
        (
            C(
                "build-code-elsewhere",
                "building a checkout with another checkout's build code: a tree whose own src/minusma_build "
                "is not the code running (a copied checkout whose .venv still points at the original), or "
                "`python -m minusma_build` without --root inside a checkout that is not the code's",
                "run the checkout's own scripts/build.py, which builds it with its own code; or pass --root",
                ("src/minusma_build", "."),
            ),
        ),
    ),
    (
        "Reading a curated file",
        (
            C("file-missing", "a curated file that is missing", "restore it from version control", (CURATED,)),
            C(
                "file-is-folder",
                "a folder where a curated file belongs",
                "remove the folder and restore the file from version control",
                (CURATED,),
            ),
            C(
                "file-unreadable",
                "a curated file that cannot be read: no read permission, a symbolic-link loop, an I/O error, a FIFO "
                "or device in its place (refused unread, so the build never waits on it)",
                "make it readable (e.g. chmod u+r), or replace it with the real file from version control",
                (CURATED,),
            ),
            C(
                "file-empty",
                "a curated file that is empty (0 bytes, or only whitespace), as if truncated; it would silently "
                "empty its table",
                "restore it from version control",
                (CURATED,),
            ),
            C(
                "toml-bom",
                "a curated file starting with a UTF-8 BOM (byte order mark), which TOML does not allow",
                "save it as UTF-8 without BOM",
                (CURATED,),
            ),
            C(
                "not-utf8",
                "a curated file, or a source text, that is not valid UTF-8",
                "save it as UTF-8 (a source text: restore its original bytes)",
                (CURATED,),
            ),
            C(
                "toml-syntax",
                "a TOML syntax error; the message gives the line and column",
                "fix the syntax there: strings in quotes, entries as [[name]], keys as `key = value`",
                (CURATED,),
            ),
            C(
                "entries-not-tables",
                "entries, sources or passages not written as [[name]] tables (e.g. [place] for [[place]])",
                "write each entry as a [[name]] table ([[source.passage]] for a passage)",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "unknown-top-level-key",
                "a top-level key other than `source_id` and the file's [[entries]]",
                "move the key into an entry, or remove it",
                FACT_FILES,
            ),
            C(
                "source-id-not-text",
                "a top-level `source_id` that is not text",
                'write `source_id = "<source_id>"`',
                PER_SOURCE,
            ),
            C(
                "not-one-value",
                "an array or a table where one value belongs (also inside a `date` table)",
                "write one value: text in quotes, a number, true/false or a date",
                (*FACT_FILES, SOURCES),
            ),
        ),
    ),
    (
        "package.toml: metadata, vocabularies and Table Schemas",
        (
            C(
                "schema-section-not-table",
                "[package], [vocabularies], [groups] or [tables] written as something other than a table",
                "write it as [name] or [name.KEY] sections",
                (PACKAGE,),
            ),
            C(
                "schema-toml-date",
                "a TOML date or time in [package] or [vocabularies], which datapackage.json (JSON) cannot hold",
                "put the date in quotes",
                (PACKAGE,),
            ),
            C(
                "package-key-missing",
                "[package] without one of name, title, description, version, keywords, licenses, contributors",
                "add the key",
                (PACKAGE,),
            ),
            C(
                "package-identifier-malformed",
                "`id`, `homepage` or `created` filled in but not a persistent identifier, an http(s) URL or an "
                "RFC 3339 UTC date-time",
                'give the value in that form, or "" while it is unknown',
                (PACKAGE,),
            ),
            C(
                "package-version-malformed",
                "a `version` that is not MAJOR.MINOR.PATCH (`0.1.0; touch x`, `v1.0`, `1.0`, `01.0.0`)",
                'give three whole numbers joined by dots, e.g. version = "0.2.0" (docs/versioning.md)',
                (PACKAGE,),
            ),
            C(
                "package-link-unsafe",
                "a licence's or a contributor's `path` that is neither an https:// URL nor a relative path "
                "inside the package (`javascript:...`, `data:...`, `http://...`, `mailto:...`, `/etc/...`, `../...`)",
                "give the https:// address of the licence, or the path of a file of the package",
                (PACKAGE,),
            ),
            C(
                "package-sources-key",
                "a `sources` key in [package]",
                "remove it: the package's sources are the entries of sources.toml",
                (PACKAGE,),
            ),
            C(
                "vocabulary-malformed",
                "a vocabulary without a text `description` and a list of `values`, each with its `value` "
                "as text, or each as a whole number",
                'write description = "..." and values = [{ value = "...", label = "..." }, ...], all text or '
                "all whole numbers",
                (PACKAGE,),
            ),
            C(
                "vocabulary-duplicate-value",
                "a value listed twice in one vocabulary",
                "list each value once",
                (PACKAGE,),
            ),
            C(
                "table-fields-malformed",
                "a table whose `fields` is not a list",
                'write fields = [{ name = "...", type = "...", title = "...", description = "..." }, ...]',
                (PACKAGE,),
            ),
            C("table-text-missing", "a table without a text `title` or `description`", "give both", (PACKAGE,)),
            C(
                "table-unknown-key",
                "a key a table does not have (it has title, description, primary_key, fields, curated_keys)",
                "remove it, or correct its spelling",
                (PACKAGE,),
            ),
            C(
                "table-curated-keys-malformed",
                "a table's `curated_keys` that is not a list of key names",
                'write e.g. curated_keys = ["within", "date"]',
                (PACKAGE,),
            ),
            C(
                "primary-key-invalid",
                "a `primary_key` that is not a non-empty list of the table's own field names",
                'list the key\'s field names, e.g. primary_key = ["event_id"]',
                (PACKAGE,),
            ),
            C(
                "schema-unknown-group",
                "`{ group = ... }` naming a group that [groups] does not define",
                "name a group of [groups], or define it there",
                (PACKAGE,),
            ),
            C("schema-duplicate-field", "a field listed twice in one table", "list each field once", (PACKAGE,)),
            C(
                "schema-unknown-reference-table",
                "a field's `references` naming a table that does not exist",
                "name one of the tables",
                (PACKAGE,),
            ),
            C(
                "field-malformed",
                "a field that is not a table with a text `name`",
                'write { name = "...", type = "...", title = "...", description = "..." }',
                (PACKAGE,),
            ),
            C(
                "field-unknown-key",
                "a key a field does not have",
                "remove it, or correct its spelling (name, type, title, description, required, unique, pattern, "
                "vocabulary, references, computed)",
                (PACKAGE,),
            ),
            C(
                "field-unknown-type",
                "a field type the build does not know",
                "use string, integer, number, boolean or date",
                (PACKAGE,),
            ),
            C(
                "field-text-missing",
                "a field without a text `title` or `description`",
                "give both",
                (PACKAGE,),
            ),
            C(
                "field-flag-not-boolean",
                "`required`, `unique` or `computed` that is not true or false",
                "write true or false",
                (PACKAGE,),
            ),
            C(
                "field-key-not-text",
                "`pattern`, `vocabulary` or `references` that is not text",
                "give it as text in quotes",
                (PACKAGE,),
            ),
            C(
                "pattern-invalid",
                "a `pattern` that is not a regular expression (or one too large to compile)",
                "give a regular expression Python's re module compiles",
                (PACKAGE,),
            ),
            C(
                "pattern-on-non-string",
                "`pattern` on a field whose type is not string",
                'use it on type = "string" fields only',
                (PACKAGE,),
            ),
            C(
                "vocabulary-type-mismatch",
                "a field whose type is not the type of its vocabulary's codes (text codes on a string "
                "field, whole-number codes on an integer field)",
                "give the field the vocabulary's type, or write the vocabulary's values in the field's type",
                (PACKAGE,),
            ),
            C(
                "field-unknown-vocabulary",
                "a field's `vocabulary` naming no vocabulary of [vocabularies]",
                "name one of them (the message suggests the closest)",
                (PACKAGE,),
            ),
            C(
                "table-key-missing",
                "a [tables.NAME] section without a key the build needs: `curated` (its curated file), `entry` (the "
                "name of one entry), or `evidence` on a table with an evidence column",
                'add the key, e.g. curated = "notes.toml", entry = "note", evidence = "fact"',
                (PACKAGE,),
            ),
            C(
                "table-key-malformed",
                "a table key of the wrong form: `curated` not a .toml file name, `entry` not a name, `evidence` "
                'not "fact" or "mention", `cited` not true or false',
                "give the key in the form package.toml's header comment describes",
                (PACKAGE,),
            ),
            C(
                "table-evidence-without-provenance",
                "a table declared with `evidence` whose fields lack the provenance columns (source_id, evidence, "
                "char_start, char_end, passage_id, passage_kind)",
                'add { group = "provenance" } to its fields, or remove `evidence`',
                (PACKAGE,),
            ),
            C(
                "table-unknown-builder",
                "a `builder` naming no builder of the build's registry (minusma_build.builders)",
                "name one of them (the message suggests the closest), or remove `builder` to publish the curated "
                "values as they are",
                (PACKAGE,),
            ),
            C(
                "table-builder-twice",
                "one builder named by two tables: each builder computes one table",
                "give each table its own builder",
                (PACKAGE,),
            ),
            C(
                "table-needs-table",
                "a table whose builder needs a table that is not declared (the actors builder counts mentions)",
                "declare the table it needs, or remove the builder",
                (PACKAGE,),
            ),
            C(
                "table-needs-cycle",
                "builders that need each other's tables, so that no order can build them",
                "break the cycle: give one of the tables another builder or none",
                (PACKAGE,),
            ),
            C(
                "vocabulary-crosswalks-malformed",
                "a vocabulary's `crosswalks` that is not a table of headings, or names a key its values do not carry",
                'write crosswalks = { acled = "ACLED geo_precision", ... } with keys the values carry',
                (PACKAGE,),
            ),
            C(
                "descriptor-invalid",
                "package metadata that breaks the Data Package v2 profile (`version = 0.2`, [package.licenses] as "
                "a table, ...), checked with frictionless before anything is published",
                "give each value the type the spec asks for: version as text in quotes; licenses, keywords and "
                "contributors as arrays",
                (PACKAGE,),
            ),
        ),
    ),
    (
        "sources.toml and the source texts",
        (
            C(
                "source-path-outside",
                "a source path that is absolute, climbs out with `..`, or is a symbolic link leading out of the "
                "repository",
                "copy the text into data/source/ and give its path relative to the repository root",
                (SOURCES,),
            ),
            C(
                "source-unreadable",
                "a source text that cannot be read at its path",
                "give its path relative to the repository root, e.g. `data/source/<file>.txt`",
                (SOURCES,),
            ),
            C(
                "source-hash-mismatch",
                "a source text whose sha256 is not the one recorded (the text changed after curation)",
                "restore the original bytes; if the change is intended, re-check every quote, then record the "
                "new sha256",
                (SOURCES,),
            ),
            C("passage-empty", "a passage without text", "give the passage's words verbatim", (SOURCES,)),
            C(
                "passage-out-of-order",
                "a passage that is not the text's next words after the previous passage",
                "list the passages in the order of the text, each continuing where the last one ends",
                (SOURCES,),
            ),
            C(
                "passage-crosses-line",
                "a passage that runs across a line break",
                "split it at the break",
                (SOURCES,),
            ),
            C(
                "passages-incomplete",
                "passages that stop before the end of the text",
                "add passages up to the end (the message gives the next words)",
                (SOURCES,),
            ),
        ),
    ),
    (
        "Evidence: the quote located in the text",
        (
            C(
                "unknown-source",
                "an entry citing a source that sources.toml does not list",
                "give the id of a source of sources.toml",
                PER_SOURCE,
            ),
            C(
                "evidence-not-text",
                "`evidence` or `within` that is not text",
                "quote the source's words as text",
                PER_SOURCE,
            ),
            C("quote-empty", "an empty `evidence`", "give the exact words of the source", PER_SOURCE),
            C(
                "quote-not-found",
                "a quote absent from the text; the message shows the closest passage, and the curly form of "
                "straight quotation marks",
                "quote the words exactly as the text has them",
                PER_SOURCE,
            ),
            C(
                "quote-ambiguous",
                "a quote that occurs more than once; the message lists where",
                'add `within = "..."`, longer words around the one meant, which occur once',
                PER_SOURCE,
            ),
            C(
                "quote-outside-within",
                "a quote that is not part of its `within` quote",
                "give a `within` quote that holds the evidence",
                PER_SOURCE,
            ),
            C("within-not-found", "a `within` quote absent from the text", "quote the text exactly", PER_SOURCE),
            C(
                "within-ambiguous",
                "a `within` quote that occurs more than once",
                "lengthen it until it occurs once",
                PER_SOURCE,
            ),
            C(
                "evidence-across-passages",
                "evidence running across two passages (sentences)",
                "quote words from one sentence, or make one fact per sentence",
                PER_SOURCE,
            ),
            C(
                "evidence-in-question",
                "evidence of an event, statement, figure or claim lying in the rhetorical question, which asserts "
                "nothing",
                "quote words that assert the fact",
                (EVENTS, STATEMENTS, FIGURES, CLAIMS),
            ),
        ),
    ),
    (
        "Facts and the text",
        (
            C(
                "place-name-not-in-text",
                "a place whose name is not written in any source text",
                "give the place's name as the text writes it",
                (PLACES,),
            ),
            C(
                "actor-without-mention",
                "an actor no mention refers to",
                "add its mentions to mentions.toml, or remove the actor",
                (ACTORS,),
            ),
            C(
                "role-not-in-text",
                "an actor's role that is not written in any source text",
                "give the role verbatim as the text has it, or leave it out",
                (ACTORS,),
            ),
            C(
                "plover-mode-mismatch",
                "a PLOVER mode that belongs to another category than the event's, or a mode on an event PLOVER "
                "cannot code",
                "choose a mode of the event's category (docs/coding.md), or leave it out",
                (EVENTS,),
            ),
            C(
                "cameo-plover-mismatch",
                "a CAMEO event code whose PLOVER category in the CAMEO2PLOVER table is not the event's PLOVER category",
                "choose the CAMEO code of the event's PLOVER category (docs/coding.md C5), or leave it out",
                (EVENTS,),
            ),
            C(
                "sector-without-initiator",
                "an initiator's PLOVER sector in an event that has no initiator",
                "give the initiator, or remove initiator_plover_sector",
                (EVENTS,),
            ),
            C(
                "superseded-link-mismatch",
                "a superseded plan that does not name the plan replacing it, or superseded_by_event_id on an "
                "event whose status is not superseded",
                'give superseded_by_event_id with status = "superseded", or neither',
                (EVENTS,),
            ),
            C(
                "plover-context-without-category",
                "a PLOVER context on an event PLOVER has no category for",
                "remove plover_context",
                (EVENTS,),
            ),
            C(
                "initiator-reference-without-initiator",
                "an outside reference for the initiator of an event without an initiator",
                "give initiator_actor_id, or remove initiator_reference_id",
                (EVENTS,),
            ),
            C(
                "editorial-with-speaker",
                "an editorial statement (the article's own voice) with a speaker",
                "remove speaker_actor_id, or choose another mode",
                (STATEMENTS,),
            ),
            C(
                "speaker-missing",
                "a reported statement without its speaker",
                'give speaker_actor_id, or use mode = "editorial" for the article\'s own commentary',
                (STATEMENTS,),
            ),
            C(
                "mode-needs-quotes",
                'a "direct" or "mixed" statement whose evidence quotes nothing between “ ”',
                'use "indirect", or quote the words with their quotation marks',
                (STATEMENTS,),
            ),
            C(
                "mode-has-quotes",
                'quoted words reported as "indirect" or "editorial"',
                'use mode "mixed" or "direct"',
                (STATEMENTS,),
            ),
            C(
                "reporting-verb-missing",
                "a reported statement without its reporting verb",
                "give the verb that reports it, as written",
                (STATEMENTS,),
            ),
            C(
                "reporting-verb-not-in-evidence",
                "a reporting verb that is not in the evidence",
                "copy the verb as the evidence writes it",
                (STATEMENTS,),
            ),
            C(
                "figure-phrase-not-in-evidence",
                "a figure's phrase that is not in its evidence",
                "copy the figure as the evidence writes it",
                (FIGURES,),
            ),
            C(
                "figure-value-disagrees",
                "a figure's value that disagrees with the number its phrase states",
                "give the number the phrase states, in the unit",
                (FIGURES,),
            ),
            C(
                "figure-value-missing",
                "a figure without a value although its qualifier says the phrase states one",
                'give the number, or use qualifier "unquantified"',
                (FIGURES,),
            ),
            C(
                "figure-unquantified-has-value",
                'an "unquantified" figure with a value, or whose phrase states a number',
                "leave `value` out, or choose the qualifier that goes with the number",
                (FIGURES,),
            ),
            C(
                "reference-uncited",
                "a reference nobody cites",
                "cite it from a date, an initiator, an estimate, a scope note, a place or a claim, or remove it",
                (REFERENCES,),
            ),
            C(
                "reference-aspect-malformed",
                'a reference\'s confidence_by_aspect not written `<confidence> (<aspect>)`, joined by ", ", each '
                "aspect once, with a confidence of the confidence vocabulary",
                'copy it as the context facts give it, e.g. "high (who), medium (day)", or leave it out',
                (REFERENCES,),
            ),
            C(
                "reference-locator-unsafe",
                "a reference's `locator` with a scheme other than https (`javascript:...`, `data:...`, `http://...`, "
                "`doi:...`), or a path starting with / or climbing out with ..",
                "give the record's https:// address, or its document symbol as text (S/RES/2690 (2023))",
                (REFERENCES,),
            ),
            C(
                "claim-verdict-without-reference",
                "a claim whose verdict compares it with a record (any verdict but not_checkable) without a "
                "reference_id",
                'cite the record in reference_id, or use verdict = "not_checkable" when no record held speaks to it',
                (CLAIMS,),
            ),
            C(
                "claim-unchecked-with-reference",
                "a not_checkable claim that cites a reference",
                "give the verdict the comparison with that record calls for, or remove reference_id",
                (CLAIMS,),
            ),
            C(
                "claim-several-rows",
                "a claim naming more than one of event_id, statement_id and figure_id",
                "keep the one row the claim's words assert",
                (CLAIMS,),
            ),
            C(
                "claim-aspect-unknown",
                "a claim's aspect that its reference's confidence_by_aspect does not name, or an aspect on a claim "
                "citing no reference",
                "name an aspect of the reference's confidence_by_aspect, or leave aspect out",
                (CLAIMS,),
            ),
        ),
    ),
    (
        "Dates",
        (
            C(
                "date-not-table",
                "a `date` that is not a table",
                'write date = { basis = "...", ... } (leave it out when the date is unknown)',
                DATED,
            ),
            C(
                "date-basis-unknown",
                "a date whose `basis` is not stated, external or derived",
                "choose one of them; leave `date` out when the date is unknown",
                DATED,
            ),
            C(
                "date-unknown-key",
                "a key the date's basis does not take",
                "stated: start, end; external: start, end, reference; derived: anchor, offset_days, phrase",
                DATED,
            ),
            C("date-start-missing", "a stated or external date without `start`", "give `start`", DATED),
            C(
                "date-not-text",
                "a `start` or `end` that is not text (a TOML date, a number)",
                'write it in quotes: "2023-06-30", "2023-06" or "2023"',
                DATED,
            ),
            C(
                "date-malformed",
                "a date not written YYYY-MM-DD, YYYY-MM or YYYY",
                "write it in one of those forms",
                DATED,
            ),
            C("date-impossible", "a date that does not exist (2022-05-32)", "give a real date", DATED),
            C(
                "date-precision-mismatch",
                "`start` and `end` of different precision (a year and a day)",
                "write both at the same precision",
                DATED,
            ),
            C("date-end-before-start", "`end` before `start`", "swap them", DATED),
            C(
                "date-stated-not-in-evidence",
                "a stated date whose year, month or day the evidence does not state",
                "write the date only as precisely as the evidence states it, quote the words that state it, or use "
                'basis = "external" with a reference',
                DATED,
            ),
            C(
                "date-reference-missing",
                "an external date without a reference",
                'add `reference = "<reference_id>"`',
                DATED,
            ),
            C(
                "date-unknown-reference",
                "an external date citing a reference that references.toml does not list",
                "cite a reference of references.toml",
                DATED,
            ),
            C(
                "date-unknown-anchor",
                "a derived date counted from an event that events.toml does not list",
                "name an event of events.toml",
                DATED,
            ),
            C(
                "date-anchor-undated",
                "a derived date counted from an event without a date",
                "anchor it on a dated event",
                DATED,
            ),
            C(
                "date-phrase-not-in-sentence",
                "a derived date whose `phrase` is missing or not in the evidence's sentence",
                "copy the words that relate the date to its anchor (e.g. 'two weeks after') from that sentence",
                DATED,
            ),
            C(
                "date-offset-not-integer",
                "a derived date whose `offset_days` is not a whole number",
                "give the number of days between the anchor event and this one",
                DATED,
            ),
            C(
                "date-off-calendar",
                "a derived date that falls outside the years 1 to 9999",
                "give the number of days between the anchor event and this one",
                DATED,
            ),
            C(
                "event-order-contradicted",
                "an event the text places before another (before_event_id) whose date starts after that one ends",
                "correct one of the dates, or the link",
                (EVENTS,),
            ),
            C(
                "date-note-not-text",
                "a derived date's `note` that is not text",
                "write the note as a sentence in quotes, or leave it out",
                DATED,
            ),
            C(
                "date-cycle",
                "derived dates that count from each other in a cycle",
                "anchor one of them on an event with a stated or external date",
                DATED,
            ),
        ),
    ),
    (
        "Values, ids and keys",
        (
            C(
                "unknown-field",
                "a key the table does not have, or a column the build computes",
                "correct its spelling (the message suggests the closest), or remove it",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-required",
                "a required value that is missing",
                "give the value (the message says what it is)",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-wrong-type",
                "a value of another type than its column's (text where a number belongs, ...)",
                "give a value of the column's type",
                (*FACT_FILES, SOURCES),
            ),
            C("value-not-date", "text that is not a date in a date column", "write YYYY-MM-DD", (*FACT_FILES, SOURCES)),
            C(
                "value-not-in-vocabulary",
                "a value outside its column's closed vocabulary",
                "use one of the vocabulary's values (the message lists them and suggests the closest)",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-pattern-mismatch",
                "a value that does not match its column's pattern (ids are lowercase words joined by hyphens)",
                "write the value in the form the pattern gives",
                (*FACT_FILES, SOURCES),
            ),
            C("id-duplicate", "an id used twice", "choose another id", (*FACT_FILES, SOURCES)),
            C(
                "foreign-key-unknown",
                "an actor, event, place, reference or source id that its table does not list",
                "use a listed id (the message suggests the closest), or add the row",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-formula",
                "text starting with `=`, `+`, `-` or `@`, also behind leading spaces, tabs or carriage returns, "
                "which a spreadsheet runs as a formula",
                "reword it to start with a letter, a digit or a quotation mark",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-control-character",
                "a C0 or C1 control character (U+0000-U+001F except tab and line feed, U+007F-U+009F)",
                "remove it",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-bidi-control",
                "a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), which makes text "
                "display in another order than it is stored",
                "remove it",
                (*FACT_FILES, SOURCES),
            ),
            C(
                "value-line-break",
                "a line break in a cell (U+000A, U+2028, U+2029): the published CSV has one line per row",
                "write the value on one line",
                (*FACT_FILES, SOURCES),
            ),
        ),
    ),
    (
        "Publishing, and faults of the filesystem",
        (
            C(
                "stale-output",
                "`--check` only: a published file that differs from what the curated files produce",
                "run python scripts/build.py and commit the result",
                PUBLISHED,
            ),
            C(
                "published-file-unreadable",
                "a published file that cannot be read (a folder in its place, no permission), or a FIFO or device in "
                "its place (refused unread, so the build never waits on it holding the lock)",
                "remove or repair it (`git checkout -- <file>`), then build again",
                PUBLISHED,
            ),
            C(
                "data-folder-unusable",
                "a data/ folder that cannot be opened to take the build's lock",
                "restore data/ as a folder you can read and write",
                ("data",),
            ),
            C(
                "data-folder-unwritable",
                "a data/ folder in which no staging folder can be made (permissions, a read-only or full disk)",
                "make data/ writable, free some space, then build again",
                STAGING,
            ),
            C(
                "staging-failed",
                "new files or the publish journal that cannot be written (a full disk, an I/O error); nothing "
                "was changed",
                "free some space or make data/ writable, then build again",
                STAGING,
            ),
            C(
                "publish-failed",
                "a new file that cannot be moved into place; the old package was put back",
                "make data/ and its files writable, then build again",
                (*PUBLISHED, *STAGING),
            ),
            C(
                "interrupted-publish",
                "a publish stopped halfway (a publish journal on disk), met by `--check`, or a move that "
                "could not be undone",
                "run python scripts/build.py to finish it",
                (JOURNAL, *PUBLISHED, *STAGING),
            ),
            C(
                "journal-damaged",
                "a publish journal that is not JSON, not a regular file (a FIFO is refused unopened), not of "
                "the shape a build writes, names a file the build does not publish, or names a staging folder "
                "or staged file that is a symbolic link; nothing is touched",
                "restore data/ and datapackage.json from version control, delete the journal, build again",
                (JOURNAL,),
            ),
            C(
                "interrupted",
                "a build stopped by SIGINT (Ctrl-C) or SIGTERM; the package is whole (exit 130 or 143)",
                "build again",
                (".",),
            ),
            C(
                "filesystem-error",
                "any other file the build cannot read or write (e.g. finishing an interrupted publish on a "
                "read-only disk)",
                "check that it exists and can be read and written, then build again",
                (JOURNAL, *PUBLISHED, *STAGING),
            ),
        ),
    ),
)

CODES: dict[str, ProblemCode] = {c.code: c for _, group in GROUPS for c in group}


def known(code: str) -> str:
    """The code, once it is in CODES; UnknownProblemCode otherwise."""
    if code not in CODES:
        raise UnknownProblemCode(f"problem code {code!r} is not in minusma_build.problem_codes; add it there")
    return code
