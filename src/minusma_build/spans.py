"""Find a curated quote in the source text and compute its offsets.

A curator writes the words; the build finds them. A quote must occur exactly
once, as whole words, either in the whole text or inside a longer `within`
quote that does.
When it cannot be found, the message shows the closest passage of the text.
"""

from __future__ import annotations

import difflib
import re

STRAIGHT_TO_CURLY = {"'": "’", '"': "“”"}


class SpanError(ValueError):
    """The quote is absent or ambiguous; the message says what would be right.

    `field` names the curated key at fault: "evidence", or "within" when the
    longer quote is the one that is wrong; `code` names the fault.
    """

    def __init__(self, code: str, message: str, field: str = "evidence") -> None:
        super().__init__(message)
        self.code = code
        self.field = field


def find_all(text: str, quote: str) -> list[int]:
    """Starts of the quote in the text, as whole words: a quote that begins
    (ends) with a letter or digit does not match inside a longer word."""
    starts, i = [], text.find(quote)
    while i != -1:
        end = i + len(quote)
        cut_before = quote[0].isalnum() and i > 0 and text[i - 1].isalnum()
        cut_after = quote[-1].isalnum() and end < len(text) and text[end].isalnum()
        if not (cut_before or cut_after):
            starts.append(i)
        i = text.find(quote, i + 1)
    return starts


def locate(text: str, quote: str, within: str | None = None) -> tuple[int, int]:
    """Return (char_start, char_end) of the one occurrence of `quote`.

    With `within`, the quote is looked for inside the unique occurrence of
    `within` instead of the whole text.
    """
    if not quote:
        raise SpanError("quote-empty", "the quote is empty; give the exact words of the source")
    offset, haystack = 0, text
    if within is not None:
        if not find_all(within, quote):
            raise SpanError(
                "quote-outside-within", f"the quote {quote!r} is not part of its `within` quote {within!r}", "within"
            )
        try:
            offset, _ = locate(text, within)
        except SpanError as exc:  # `within` is not empty here, so it is absent or ambiguous
            code = "within-ambiguous" if exc.code == "quote-ambiguous" else "within-not-found"
            raise SpanError(code, f"`within`: {exc}", "within") from None
        haystack = within
    starts = find_all(haystack, quote)
    if not starts:
        raise SpanError("quote-not-found", _absent_message(text, quote))
    if len(starts) > 1:
        raise SpanError("quote-ambiguous", _ambiguous_message(text, quote, [offset + s for s in starts]))
    start = offset + starts[0]
    return start, start + len(quote)


def _absent_message(text: str, quote: str) -> str:
    message = f"the quote {quote!r} is not in the source text"
    if any(ch in quote for ch in STRAIGHT_TO_CURLY):
        curly = _curly_variant(text, quote)
        if curly:
            return message + f"; it uses straight quotation marks where the text has curly ones: use {curly!r}"
        message += " (note: it has straight quotation marks; the text uses curly ones: ’ “ ”)"
    closest = closest_passage(text, quote)
    if closest:
        message += f"; the closest passage is {closest!r}"
    return message


def _curly_variant(text: str, quote: str) -> str | None:
    """The quote with straight marks made curly, if that form is in the text."""
    pattern = "".join(
        f"[{re.escape(STRAIGHT_TO_CURLY[ch])}]" if ch in STRAIGHT_TO_CURLY else re.escape(ch) for ch in quote
    )
    match = re.search(pattern, text)
    return match.group(0) if match else None


def _ambiguous_message(text: str, quote: str, starts: list[int]) -> str:
    contexts = ", ".join(f"{s} ({_context(text, s, len(quote))!r})" for s in starts[:4])
    return (
        f"the quote {quote!r} occurs {len(starts)} times, at offsets {contexts}; "
        f'add `within = "..."` with longer words around the one you mean, which occur once'
    )


def _context(text: str, start: int, length: int, pad: int = 20) -> str:
    return text[max(0, start - pad) : start + length + pad]


def closest_passage(text: str, quote: str) -> str:
    """The stretch of text most like the quote, for error messages."""
    words = list(re.finditer(r"\S+", text))
    n = max(1, len(quote.split()))
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for i in range(max(1, len(words) - n + 1)):
        chunk = words[i : i + n]
        candidate = text[chunk[0].start() : chunk[-1].end()]
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best if best_ratio >= 0.4 else ""
