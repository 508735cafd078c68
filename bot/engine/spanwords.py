"""Spans of months in the words people use: "since March 2020", "February 2021 to April 2024",
"since Biden took office", "Biden's first three years", "calendar year 2023", "last 3 years",
"the 1990s" (its ten years, as "1990 to 1999" is read).

A span of months is answered by summing a monthly series (never by widening to fiscal years); a
yearly series answers an administration's span in fiscal years with the caveat, and refuses a span
it cannot cover. Terms start at the first full month after an inauguration (20 January).
"""

import re
from dataclasses import dataclass

from bot.engine.periods import add_months, fiscal_year_of

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# First full month in office and the administration's label; the fiscal year it starts in.
TERMS = {
    "biden": ("2021-02", "the Biden administration"),
    "trump2": ("2025-02", "the second Trump administration"),
    "obama": ("2009-02", "the Obama administration"),
    "trump": ("2017-02", "the first Trump administration"),
    "bush": ("2001-02", "the George W. Bush administration"),
}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
TERM_CAVEAT = (
    "{label} is counted from {start}, the first full month after the inauguration on 20 January; "
    "a series with only fiscal years shows fiscal years from FY{fy} instead."
)

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?,?\s+(?:of\s+)?(\d{{4}})\b|\b(\d{{4}})-(\d{{2}})\b")
TO_WORDS = r"(?:-|–|—|to|through|thru|until|till)"  # between the two ends of a span
RANGE_WORDS = rf"(?:{TO_WORDS}|and)"
_RANGE = re.compile(rf"^\s*{RANGE_WORDS}\s*$")
# "between October and December 2023", "January to March 2024": two months, one year (the
# first month falls in the year before when it comes later in the calendar: "November to
# February 2024").
_MONTHS_OF_A_YEAR = re.compile(
    rf"(?:\bbetween\s+({_MONTH})\.?\s+and|\b({_MONTH})\.?\s+{TO_WORDS})"
    rf"\s+({_MONTH})\.?,?\s+(?:of\s+)?(\d{{4}})\b"
)
_SINCE = re.compile(r"\b(?:since|from|after)\s+(?:the\s+(?:start|beginning)\s+of\s+)?$")
_CALENDAR = re.compile(r"\b(?:calendar\s+year|cy)\s*'?(\d{4})\b")
# "the 1990s", "1990s", "the '90s", "the 90s": a bare "90s" is an age as often as a decade.
_DECADE = re.compile(r"\b(?:the\s+)?(1[89]\d0|20\d0)'?s\b|(?:\bthe\s+'?|')(\d0)'?s\b")
_SINCE_DECADE = re.compile(r"\b(?:since|after)\s+$")
_LAST_N = re.compile(r"\b(?:last|past)\s+(\d+|" + "|".join(NUMBERS) + r")\s+(?:fiscal\s+)?years\b")
_TOOK_OFFICE = re.compile(
    r"\bsince\s+(?:president\s+)?(biden|obama|bush|trump)\s+(?:took|take|came\s+into|entered)\s+"
    r"office\b|\bsince\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+)?"
    r"(biden|obama|bush)\s+(?:administration|presidency)\b"
)
_FIRST_YEARS = re.compile(
    r"\b(biden|obama|bush|trump)(?:'s)?\s+first\s+(?:(\d+|"
    + "|".join(NUMBERS)
    + r")\s+years|(year))(?:\s+in\s+office)?\b"
)


@dataclass(frozen=True)
class Span:
    """A span read from the words: months (first, last or None for "to the latest"), the fiscal
    or calendar years a yearly series uses instead, and the character span it covered."""

    kind: str  # since | range | last
    first: str | None
    last: str | None
    years: tuple[int, ...]
    at: tuple[int, int]
    administration: str | None = None
    calendar: bool = False  # calendar year: a fiscal series cannot answer it
    count: int | None = None  # last N years


def month_years(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Every "march 2020" / "2020-03" in the text as (YYYY-MM, character span)."""
    found = []
    for match in _MONTH_YEAR.finditer(text):
        if match.group(1):
            month, year = MONTHS[match.group(1)], int(match.group(2))
        else:
            year, month = int(match.group(3)), int(match.group(4))
            if not 1 <= month <= 12:
                continue
        found.append((f"{year:04d}-{month:02d}", match.span()))
    return found


def read_span(text: str) -> Span | None:
    """The first span form found in `text` (lower-case), or None."""
    if match := _TOOK_OFFICE.search(text):
        key = match.group(1) or match.group(2)
        key = "trump2" if key == "trump" else key
        first, label = TERMS[key]
        fy = fiscal_year_of(first)
        return Span("since", first, None, (fy,), match.span(), label)
    if match := _FIRST_YEARS.search(text):
        key, count = match.group(1), _number(match.group(2) or match.group(3))
        first, label = TERMS["trump" if key == "trump" else key]
        fy = fiscal_year_of(first)
        last = add_months(first, 12 * count - 1)
        return Span("range", first, last, tuple(range(fy, fy + count)), match.span(), label)
    if match := _CALENDAR.search(text):
        year = int(match.group(1))
        return Span("range", f"{year}-01", f"{year}-12", (year,), match.span(), calendar=True)
    if len(found := decades(text)) == 1:
        first, (start, end) = found[0]
        if since := _SINCE_DECADE.search(text[max(0, start - 12) : start]):
            return Span("since", None, None, (first,), (max(0, start - 12) + since.start(), end))
        return Span("range", None, None, tuple(range(first, first + 10)), (start, end))
    if match := _LAST_N.search(text):
        return Span("last", None, None, (), match.span(), count=_number(match.group(1)))
    if match := _MONTHS_OF_A_YEAR.search(text):
        start = MONTHS[match.group(1) or match.group(2)]
        end, year = MONTHS[match.group(3)], int(match.group(4))
        first = f"{year - 1 if start > end else year}-{start:02d}"
        last = f"{year}-{end:02d}"
        years = tuple(range(fiscal_year_of(first), fiscal_year_of(last) + 1))
        return Span("range", first, last, years, match.span())
    pairs = month_years(text)
    if len(pairs) >= 2:
        (a, (a_start, a_end)), (b, (b_start, b_end)) = pairs[0], pairs[1]
        if _RANGE.match(text[a_end:b_start]):
            first, last = sorted((a, b))
            years = tuple(range(fiscal_year_of(first), fiscal_year_of(last) + 1))
            return Span("range", first, last, years, (a_start, b_end))
    if len(pairs) == 1:
        month, (start, end) = pairs[0]
        if _SINCE.search(text[max(0, start - 30) : start]):
            since = _SINCE.search(text[max(0, start - 30) : start])
            begin = max(0, start - 30) + since.start() if since else start
            return Span("since", month, None, (fiscal_year_of(month),), (begin, end))
    return None


def decades(text: str) -> list[tuple[int, tuple[int, int]]]:
    """Each decade named, as its first year, with where it was said."""
    found = []
    for match in _DECADE.finditer(text):
        if match.group(1):
            first = int(match.group(1))
        else:
            two = int(match.group(2))
            first = (2000 if two <= 20 else 1900) + two  # "the '00s" to "the '20s" are this century
        found.append((first, match.span()))
    return found


def _number(word: str) -> int:
    if word == "year":
        return 1
    return int(word) if word.isdigit() else NUMBERS[word]
