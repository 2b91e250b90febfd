"""Read the number a figure's phrase states ("over 15,000", "$1.2 billion",
"two weeks", "decade-long"), so the build can check the curated value."""

from __future__ import annotations

import re

WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
    "decade": 10,
    "century": 100,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_WORD = re.compile(r"[A-Za-z]+")


def stated_numbers(phrase: str) -> list[float]:
    """Every number the phrase states, with scale words applied."""
    found: list[float] = []
    tokens = list(re.finditer(rf"{_DIGITS.pattern}|{_WORD.pattern}", phrase))
    for i, tok in enumerate(tokens):
        word = tok.group(0)
        if word[0].isdigit():
            value = float(word.replace(",", ""))
        elif word.lower() in WORDS:
            value = float(WORDS[word.lower()])
        else:
            continue
        nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
        if nxt in SCALES:
            value *= SCALES[nxt]
        found.append(value)
    return found


def agrees(value: float, phrase: str) -> bool:
    """Whether `value` is one of the numbers the phrase states."""
    return any(abs(n - value) <= 1e-9 * max(1.0, abs(n)) for n in stated_numbers(phrase))


def rounding_bounds(value: float, phrase: str) -> tuple[float | None, float | None]:
    """A rounded figure's range: half a unit of the last digit written either
    side ("$1.2 billion": 1.15 to 1.25 billion); (None, None) when the phrase
    writes the value in words, whose last digit is unknown."""
    for tok in re.finditer(rf"{_DIGITS.pattern}|{_WORD.pattern}", phrase):
        word = tok.group(0)
        if not word[0].isdigit():
            continue
        digits = word.replace(",", "")
        rest = phrase[tok.end() :].split()
        scale = SCALES.get(rest[0].lower(), 1.0) if rest else 1.0
        if abs(float(digits) * scale - value) > 1e-9 * max(1.0, abs(value)):
            continue
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        half = 0.5 * 10 ** (-decimals) * scale
        return value - half, value + half
    return None, None
