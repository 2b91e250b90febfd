"""Turn a curated `date = {...}` into the published date columns.

A curator writes a date at the precision it is known ("2013", "2012-01",
"2023-06-30") and says where it comes from; the build expands it to a
date_start/date_end interval and checks it: a stated date must appear in the
evidence, an external one must cite a reference, a derived one is computed
from its anchor event's date, never typed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from . import codes
from .curated import Row
from .errors import Collector, did_you_mean

DATE_KEYS = {
    "stated": {"basis", "start", "end"},
    "external": {"basis", "start", "end", "reference"},
    "derived": {"basis", "anchor", "offset_days", "phrase", "note"},
}
_FORMS = {
    "year": re.compile(r"^(\d{4})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "day": re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"),
}


class DateError(ValueError):
    """A curated date is malformed; the message says what would be right and
    `code` names the fault."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ResolvedDate:
    start: dt.date | None = None
    end: dt.date | None = None
    precision: str = "unknown"
    basis: str = "unknown"
    reference_id: str | None = None
    anchor_event_id: str | None = None
    note: str | None = None

    def columns(self) -> dict[str, object]:
        return {
            "date_start": self.start,
            "date_end": self.end,
            "date_precision": self.precision,
            "date_basis": self.basis,
            "date_reference_id": self.reference_id,
            "date_anchor_event_id": self.anchor_event_id,
            "date_note": self.note,
            # [A3] how precisely the date is known; [U1] the interval itself
            "acled_time_precision": codes.acled_time_precision(self.start, self.end, self.precision),
            "ucdp_date_prec": codes.ucdp_date_prec(self.start, self.end),
        }


UNKNOWN = ResolvedDate()


def parse_interval(value: object, *, last: bool) -> tuple[dt.date, str]:
    """'2013' -> (2013-01-01 or 2013-12-31, 'year'); likewise months and days."""
    if not isinstance(value, str):
        raise DateError(
            "date-not-text", f'expected a date as text like "2023-06-30", "2023-06" or "2023", got {value!r}'
        )
    for precision, form in _FORMS.items():
        m = form.match(value)
        if not m:
            continue
        parts = [int(p) for p in m.groups()]
        try:
            if precision == "year":
                return (dt.date(parts[0], 12, 31) if last else dt.date(parts[0], 1, 1)), precision
            if precision == "month":
                day = calendar.monthrange(parts[0], parts[1])[1] if last else 1
                return dt.date(parts[0], parts[1], day), precision
            return dt.date(*parts), precision
        except ValueError as exc:
            raise DateError("date-impossible", f"{value!r} is not a real date ({exc})") from None
    raise DateError("date-malformed", f"{value!r} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")


def resolve_fixed(spec: dict, evidence: str, references: set[str]) -> ResolvedDate:
    """A stated or external date (not derived)."""
    basis = _check_keys(spec)
    if "start" not in spec:
        raise DateError("date-start-missing", f"a {basis} date needs `start`")
    start, precision = parse_interval(spec["start"], last=False)
    end, end_precision = parse_interval(spec.get("end", spec["start"]), last=True)
    if end_precision != precision:
        raise DateError(
            "date-precision-mismatch",
            f"`start` ({spec['start']!r}) and `end` ({spec['end']!r}) must have the same precision",
        )
    if end < start:
        raise DateError(
            "date-end-before-start", f"`end` ({spec['end']}) is before `start` ({spec['start']}); swap them"
        )
    reference = None
    if basis == "stated":
        for written in sorted({spec["start"], spec.get("end", spec["start"])}):
            missing = missing_parts(written, evidence)
            if missing:
                raise DateError(
                    "date-stated-not-in-evidence",
                    f"a stated date must appear in the evidence at its full precision, but the "
                    f'{missing} of {written!r} is not in {evidence!r}; use basis = "external" '
                    "with a reference, write the date only as precisely as the evidence states it, "
                    "or quote the words that state it",
                )
    else:
        reference = spec.get("reference")
        if not reference:
            raise DateError(
                "date-reference-missing", 'an external date must cite a reference: add `reference = "<reference_id>"`'
            )
        if reference not in references:
            known = sorted(r for r in references if isinstance(r, str))
            raise DateError(
                "date-unknown-reference",
                f"unknown reference {reference!r}"
                + did_you_mean(str(reference), known)
                + f"; known: {', '.join(known)}",
            )
    return ResolvedDate(start, end, precision, basis, reference_id=reference)


MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def missing_parts(written: str, evidence: str) -> str | None:
    """[D1] Which part of a written date (year, month, day) the evidence does
    not state, or None when it states them all. A month counts when its name
    (or three-letter abbreviation) or its number stands in the evidence; a day
    when its number stands alone ("27", "27th")."""
    text = evidence.lower()
    parts = written.split("-")
    if not re.search(rf"(?<!\d){re.escape(parts[0])}(?!\d)", text):
        return "year"
    if len(parts) > 1:
        month = int(parts[1])
        name = MONTHS[month - 1] if 1 <= month <= 12 else ""
        if not (name and re.search(rf"\b{name[:3]}", text)) and not re.search(rf"(?<!\d)0?{month}(?!\d)", text):
            return "month"
    if len(parts) > 2:
        day = int(parts[2])
        if not re.search(rf"(?<!\d)0?{day}(?:st|nd|rd|th)?(?!\d)", text):
            return "day"
    return None


def resolve_derived(spec: dict, sentence: str, anchor: ResolvedDate, anchor_id: str) -> ResolvedDate:
    """A date counted from another event's date by the text's own words,
    which must stand in the same sentence (passage) as the evidence. An
    optional `note` is added to the computed date_note (what the date does
    not vouch for)."""
    _check_keys(spec)
    phrase, offset, extra = spec.get("phrase"), spec.get("offset_days"), spec.get("note")
    if not isinstance(phrase, str) or not phrase or phrase not in sentence:
        raise DateError(
            "date-phrase-not-in-sentence",
            f"a derived date needs `phrase`, the words of the evidence's sentence that relate it to "
            f"its anchor; got {phrase!r}, which is not in {sentence!r}",
        )
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise DateError("date-offset-not-integer", f"`offset_days` must be a whole number of days, got {offset!r}")
    if anchor.start is None or anchor.end is None:
        raise DateError("date-anchor-undated", f"the anchor event {anchor_id!r} has no date to count from")
    try:
        start, end = anchor.start + dt.timedelta(days=offset), anchor.end + dt.timedelta(days=offset)
    except OverflowError:
        raise DateError(
            "date-off-calendar",
            f"`offset_days` = {offset} leaves the calendar (years 1 to 9999); "
            "give the number of days between the anchor event and this one",
        ) from None
    if extra is not None and (not isinstance(extra, str) or not extra.strip()):
        raise DateError("date-note-not-text", f"`note` must be a sentence of text, got {extra!r}")
    direction = "before" if offset < 0 else "after"
    when = f"{abs(offset)} days {direction} the date of" if offset else "the date of"
    note = f"{when} event {anchor_id}, from the words \u201c{phrase}\u201d"
    if extra:
        note = f"{note}. {extra.strip()}"
    return ResolvedDate(start, end, anchor.precision, "derived", anchor_event_id=anchor_id, note=note)


def _check_keys(spec: dict) -> str:
    """The date's basis, once it and the keys given with it are known ones."""
    basis = spec.get("basis")
    if basis not in DATE_KEYS:
        raise DateError(
            "date-basis-unknown",
            f"`basis` must be one of {', '.join(DATE_KEYS)}, got {basis!r}; leave `date` out when the date is unknown",
        )
    extra = set(spec) - DATE_KEYS[basis]
    if extra:
        raise DateError(
            "date-unknown-key",
            f"a {basis} date takes only {', '.join(sorted(DATE_KEYS[basis]))}; remove {', '.join(sorted(extra))}",
        )
    return str(basis)


def resolve_all(
    rows: list[Row],
    references: set,
    passage_texts: dict[str, str],
    problems: Collector,
    anchors: dict[str, Row] | None = None,
) -> None:
    """Fill the date columns of every row; derived dates are counted from
    their anchor event, which may itself be derived, so they are resolved in
    dependency order, and a cycle is reported rather than followed."""
    anchors = anchors if anchors is not None else {r.values.get("event_id") or "": r for r in rows}
    resolved: dict[int, ResolvedDate] = {}
    pending = []
    for r in rows:
        spec = r.origin.data.get("date")
        if spec is None:
            resolved[id(r)] = UNKNOWN
        elif not isinstance(spec, dict):
            problems.add(
                "date-not-table",
                r.origin.file,
                r.origin.label,
                "date",
                'write the date as a table: date = { basis = "external", start = "2023-06-30", reference = "..." }',
            )
            resolved[id(r)] = UNKNOWN
        elif spec.get("basis") == "derived":
            pending.append(r)
        else:
            resolved[id(r)] = _try(r, problems, resolve_fixed, spec, str(r.values.get("evidence")), references)
    anchor_dates = {
        key: _date_of(row) if "date_basis" in row.values else resolved.get(id(row)) for key, row in anchors.items()
    }
    while pending:
        progressed = False
        for r in list(pending):
            spec = r.origin.data["date"]
            anchor_id = spec.get("anchor")
            if anchor_id not in anchors:
                problems.add(
                    "date-unknown-anchor",
                    r.origin.file,
                    r.origin.label,
                    "date",
                    f"unknown anchor event {anchor_id!r}"
                    + did_you_mean(str(anchor_id), sorted(k for k in anchors if isinstance(k, str))),
                )
            elif anchor_dates.get(anchor_id) is None:
                continue
            elif r.values.get("passage_id") is None:
                resolved[id(r)] = UNKNOWN  # its evidence was not found, which is reported already
            else:
                resolved[id(r)] = _try(
                    r,
                    problems,
                    resolve_derived,
                    spec,
                    passage_texts[r.values["passage_id"]],
                    anchor_dates[anchor_id],
                    anchor_id,
                )
            resolved.setdefault(id(r), UNKNOWN)
            own_id = r.values.get("event_id")
            if isinstance(own_id, str) and anchors.get(own_id) is r:
                anchor_dates[own_id] = resolved[id(r)]
            pending.remove(r)
            progressed = True
        if not progressed:
            for r in pending:
                problems.add(
                    "date-cycle",
                    r.origin.file,
                    r.origin.label,
                    "date",
                    "derived dates form a cycle; anchor one of them on an event with a stated or external date",
                )
                resolved[id(r)] = UNKNOWN
            break
    for r in rows:
        r.values.update(resolved[id(r)].columns())


def _date_of(row: Row) -> ResolvedDate:
    v = row.values
    return ResolvedDate(
        v["date_start"],
        v["date_end"],
        v["date_precision"],
        v["date_basis"],
        v["date_reference_id"],
        v["date_anchor_event_id"],
        v["date_note"],
    )


def _try(r: Row, problems: Collector, fn, *args) -> ResolvedDate:
    try:
        return fn(*args)
    except DateError as exc:
        problems.add(exc.code, r.origin.file, r.origin.label, "date", str(exc))
        return UNKNOWN
