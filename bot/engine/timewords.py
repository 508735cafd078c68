"""Periods in the words people use: "2023", "FY23", "fiscal 2022", "2019-2023", "since 2021",
"2020 vs 2023", "last year", "under Biden". Deterministic regular expressions, no guessing.

Years are fiscal years unless the command's series is calendar years (population surveys).
"""

import calendar
import re
from dataclasses import dataclass

from bot.engine.periods import fiscal_year_of
from bot.engine.spanwords import (
    MONTHS,
    RANGE_WORDS,
    TERM_CAVEAT,
    Span,
    decades,
    month_years,
    read_span,
)

# Fiscal years mostly under each administration; the answer says that they do not align with
# inaugurations (a term starts in January, four months into a fiscal year).
ADMINISTRATIONS: dict[str, tuple[str, int, int]] = {
    "biden": ("the Biden administration", 2021, 2024),
    "trump": ("the first Trump administration", 2017, 2020),
    "obama": ("the Obama administration", 2009, 2016),
    "bush": ("the George W. Bush administration", 2001, 2008),
}
ADMINISTRATION_CAVEAT = (
    "Fiscal years do not align with inaugurations: a presidential term starts on 20 January, "
    "four months into a fiscal year, so {label} is shown as FY{start}–FY{end}."
)

_FY_PREFIX = r"(?:fy|fiscal(?:\s+year)?|f\.y\.)\s*'?"
_YEAR_TOKEN = re.compile(rf"\b{_FY_PREFIX}(\d{{2}}|\d{{4}})\b|\b(\d{{4}})\b")
_LATEST = re.compile(
    r"\b(last|latest|most recent|newest|current|this|past)\s+(fiscal\s+)?(year|fy|figure|data|numbers?)\b"
    r"|\blatest\b|\bmost recent\b|\bright now\b|\bcurrently\b|\btoday\b|\bnow\b"
)
_CURRENT = re.compile(
    r"\b(?:this|current)\s+(?:fiscal\s+)?(?:year|fy)\b|\byear[\s-]to[\s-]date\b|\bytd\b"
)
_ADMIN = re.compile(
    r"\b(under|during|in)\s+(?:the\s+)?(?:president\s+)?(biden|trump|obama|bush)\b"
    r"|\b(biden|trump|obama|bush)(?:'s)?\s+(?:administration|years|term|presidency|era)\b"
)
_PRESIDENT = re.compile(r"\b(biden|trump|obama|bush)(?:'s)?\b")
_TRUMP_FIRST = re.compile(
    r"\b(?:(?:under|during|in)\s+)?(?:the\s+)?(?:first\s+trump|trump(?:'s)?\s+first)"
    r"(?:\s+(?:administration|term|presidency))?\b"
)
_SECOND_TERM = re.compile(r"\b(second|back|returned|return|again)\b|\b202[5-9]\b")
TRUMP_TERMS = (
    "“Trump” could mean the first administration (shown as FY2017–FY2020) or the second (from "
    "20 January 2025): say which years"
)
_COMPARE_WORDS = re.compile(r"\b(vs\.?|versus|compared?\s+(?:to|with)|against)\b|\bcompare\b")
_SINCE = re.compile(r"\b(since|after|from)\s+$")
_BETWEEN = re.compile(r"\bbetween\b")


@dataclass(frozen=True)
class TimeAsk:
    """What the question says about time; the engine resolves 'latest' against the data."""

    kind: str  # none | single | range | compare | since | latest
    years: tuple[int, ...] = ()
    administration: str | None = None  # label, when the range came from "under X"
    spans: tuple[tuple[int, int], ...] = ()  # character spans used, removed before matching words
    month: str | None = None  # YYYY-MM when the question names a calendar month
    unread: str | None = None  # why the time asked cannot be served (the reading is then refused)
    first_month: str | None = None  # a span of months: its first (YYYY-MM) …
    last_month: str | None = None  # … and last month (None: to the latest figure)
    calendar_year: bool = False  # a calendar year was asked: fiscal-year figures cannot answer it
    count: int | None = None  # "last N years"
    ranges: tuple[tuple[str, int, int], ...] = ()  # two administrations compared: (label, FY, FY)
    current: bool = False  # "this year": the year of today's date, resolved by the engine
    months: tuple[str, ...] = ()  # months compared ("May 2025 vs May 2024"), YYYY-MM, as asked

    @classmethod
    def asked(cls, kind: str, years: tuple[int, ...] = ()) -> "TimeAsk":
        """A time picked from options rather than read from words (/stat, /trend, a button):
        a range covers every year between its ends; no years means the latest period."""
        if kind == "range" and years:
            years = tuple(range(min(years), max(years) + 1))
        return cls(kind if years else "latest", tuple(years))

    @property
    def said(self) -> str:
        """The asked time in words, before any data is looked at: '2023', '2019–2021',
        '2024-05 vs 2025-05', 'latest period'."""
        years = [f"{y}" for y in self.years]
        if self.month:
            return self.month
        if self.months:
            return " vs ".join(self.months)
        if self.first_month:
            return f"{self.first_month}–{self.last_month or 'latest'}"
        if self.kind == "last":
            return f"last {self.count} years"
        if self.kind == "single":
            return years[0]
        if self.kind in ("range", "compare_ranges"):
            return f"{years[0]}–{years[-1]}"
        if self.kind == "compare":
            return " vs ".join(years)
        if self.kind == "since":
            return f"since {years[0]}"
        return "latest period"

    @property
    def caveat(self) -> str | None:
        if not self.administration:
            return None
        if self.first_month:
            start = f"{calendar.month_name[int(self.first_month[5:])]} {self.first_month[:4]}"
            return TERM_CAVEAT.format(label=self.administration, start=start, fy=self.years[0])
        return ADMINISTRATION_CAVEAT.format(
            label=self.administration, start=self.years[0], end=self.years[-1]
        )


LATEST = TimeAsk("latest")


def _expand(token: str) -> int:
    """'23' after FY -> 2023; two-digit years only ever mean this century or the last."""
    value = int(token)
    if len(token) == 2:
        return 2000 + value if value < 70 else 1900 + value
    return value


def _year_tokens(text: str) -> list[tuple[int, tuple[int, int]]]:
    found = []
    for match in _YEAR_TOKEN.finditer(text):
        token = match.group(1) or match.group(2)
        if match.group(2) and not 1800 <= int(token) <= 2100:
            continue
        found.append((_expand(token), match.span()))
    return found


def read_time(text: str) -> TimeAsk:
    """Find the period a question asks about. `text` is lower-case."""
    if span := read_span(text):
        return _span_time(span)
    if compared := _administrations(text):
        return compared
    if months := _months_compared(text):
        return months
    if unread := _unread(text):
        return TimeAsk("none", unread=unread)
    years = _year_tokens(text)
    if (first_term := _TRUMP_FIRST.search(text)) and not years:
        label, start, end = ADMINISTRATIONS["trump"]
        return TimeAsk("range", tuple(range(start, end + 1)), label, (first_term.span(),))
    if (match := _ADMIN.search(text) or _PRESIDENT.search(text)) and not years:
        key = next(g for g in match.groups() if g in ADMINISTRATIONS)
        if key == "trump":
            return TimeAsk("none", unread=TRUMP_TERMS)
        label, start, end = ADMINISTRATIONS[key]
        return TimeAsk("range", tuple(range(start, end + 1)), label, (match.span(),))

    month = _month(text, years)
    spans = tuple(span for _, span in years)
    if len(years) >= 2:
        (first, (a_start, a_end)), (second, (b_start, _)) = years[0], years[1]
        between = text[a_end:b_start]
        if _COMPARE_WORDS.search(text) or (
            re.fullmatch(r"\s*(,|and)\s*", between) and not _BETWEEN.search(text[:a_start])
        ):
            ordered = tuple(dict.fromkeys(y for y, _ in years))
            return TimeAsk("compare", ordered, None, spans)
        if re.fullmatch(rf"\s*{RANGE_WORDS}\s*", between) or _BETWEEN.search(text[:a_start]):
            low, high = sorted((first, second))
            return TimeAsk("range", tuple(range(low, high + 1)), None, spans)
        ordered = tuple(dict.fromkeys(y for y, _ in years))
        return TimeAsk("compare", ordered, None, spans)
    if len(years) == 1:
        year, (start, _) = years[0]
        if _SINCE.search(text[max(0, start - 12) : start]):  # "since 2019", "since FY2019"
            return TimeAsk("since", (year,), None, spans)
        return TimeAsk("single", (year,), None, spans, month)
    if match := _CURRENT.search(text):
        return TimeAsk("latest", (), None, (match.span(),), current=True)
    if match := _LATEST.search(text):
        return TimeAsk("latest", (), None, (match.span(),))
    return TimeAsk("none")


def _span_time(span: Span) -> TimeAsk:
    kind = span.kind
    return TimeAsk(
        kind,
        span.years,
        span.administration,
        (span.at,),
        first_month=span.first,
        last_month=span.last,
        calendar_year=span.calendar,
        count=span.count,
    )


def _administrations(text: str) -> TimeAsk | None:
    """ "Obama vs Trump": each administration's fiscal years, in the order named. In a comparison
    "Trump" is the first administration (the only one with whole fiscal years of figures), and the
    label says so."""
    named = list(dict.fromkeys(m.group(1) for m in _PRESIDENT.finditer(text)))
    if len(named) != 2 or _SECOND_TERM.search(text) or _year_tokens(text):
        return None
    spans = tuple(m.span() for m in _PRESIDENT.finditer(text))
    ranges = tuple(ADMINISTRATIONS[key] for key in named)
    years = tuple(y for _, start, end in ranges for y in range(start, end + 1))
    return TimeAsk("compare_ranges", years, None, spans, ranges=ranges)


def _months_compared(text: str) -> TimeAsk | None:
    """ "February 2021 vs February 2020": two calendar months set side by side (a monthly series
    answers them; a yearly one refuses)."""
    named = month_years(text)
    if len(named) != 2 or not _COMPARE_WORDS.search(text) or named[0][0] == named[1][0]:
        return None
    months = tuple(month for month, _ in named)
    years = tuple(dict.fromkeys(fiscal_year_of(m) for m in months))
    return TimeAsk("compare", years, None, tuple(span for _, span in named), months=months)


def _unread(text: str) -> str | None:
    """Time words this reader does not turn into periods yet: said, never ignored."""
    presidents = {m.group(1) for m in _PRESIDENT.finditer(text)}
    if len(presidents) > 1:
        return "a comparison of two administrations"
    if presidents == {"trump"} and _SECOND_TERM.search(text):
        return "the second Trump administration (from 20 January 2025), month by month"
    if len(month_years(text)) > 1:
        return "a comparison of months"
    if len(decades(text)) > 1:
        return "a comparison of decades"
    months = [w for w in re.findall(r"[a-z]+", text) if w in MONTHS and w != "may"]
    if len(months) > 1:
        return "a comparison of months"
    if months and not month_years(text):
        return f"part of a year (“{months[0]}” without its year)"
    return None


def _month(text: str, years: list[tuple[int, tuple[int, int]]]) -> str | None:
    """'march 2023' or '2023-03' -> '2023-03' (calendar month), when a month word sits by the year."""
    if len(years) != 1:
        return None
    year, (start, end) = years[0]
    before = text[max(0, start - 12) : start].split()
    after = text[end : end + 12].split()
    for word in (before[-1:] if before else []) + (after[:1] if after else []):
        if word.strip(",.") in MONTHS:
            return f"{year:04d}-{MONTHS[word.strip(',.')]:02d}"
    return None
