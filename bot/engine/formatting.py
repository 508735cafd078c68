"""Numbers and periods as people read them: 149,305 · 46.0% · FY2023 (Oct 2022–Sep 2023)."""

from bot.engine.periods import fiscal_year_span, month_label, parse_period, through_label

PERCENT_UNITS = {"percent", "%"}


def format_value(value: float, unit: str) -> str:
    """Counts in full with separators; rates with one decimal and a % sign."""
    if unit in PERCENT_UNITS:
        return f"{value:.1f}%"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def format_change(absolute: float, percent: float | None, unit: str) -> str:
    """'+44,555 (+42.6%)'; for rates the change is in percentage points."""
    if unit in PERCENT_UNITS:
        return f"{absolute:+.1f} percentage points"
    sign = "+" if absolute >= 0 else "−"
    text = f"{sign}{format_value(abs(absolute), unit)}"
    if percent is not None:
        text += f" ({'+' if percent >= 0 else '−'}{abs(percent):.1f}%)"
    return text


def short_label(period: str) -> str:
    """How a period is labelled on a chart axis: FY2023, May 2024, 2023."""
    parsed = parse_period(period)
    if parsed is None:
        return period
    if parsed.kind == "month":
        return month_label(period)
    if parsed.kind == "calendar_year":
        return str(parsed.calendar_year)
    if parsed.kind == "fiscal_year_range":
        return f"FY{parsed.start_fiscal_year}–FY{parsed.fiscal_year}"
    return period


def long_label(period: str, through: str | None = None) -> str:
    """How a period is named in a sentence: 'FY2023 (Oct 2022–Sep 2023)'; a partial fiscal year
    names the months it covers, 'FY2024, Oct 2023–Aug 2024', never the whole year's span."""
    parsed = parse_period(period)
    if parsed is None:
        return period
    if parsed.kind == "fiscal_year" and through:
        return f"FY{parsed.fiscal_year}, Oct {parsed.fiscal_year - 1}–{through_label(through)}"
    if parsed.kind == "fiscal_year":
        return f"FY{parsed.fiscal_year} ({fiscal_year_span(parsed.fiscal_year)})"
    if parsed.kind == "fiscal_year_range":
        start, end = parsed.start_fiscal_year, parsed.fiscal_year
        return f"FY{start}–FY{end} (Oct {start - 1}–Sep {end})"
    if parsed.kind == "calendar_year":
        return f"calendar year {parsed.calendar_year}"
    return month_label(period)


def range_label(first: str, last: str) -> str:
    """'FY2021–FY2024 (Oct 2020–Sep 2024)' from two single periods."""
    a, b = parse_period(first), parse_period(last)
    if a and b and a.kind == b.kind == "fiscal_year":
        return long_label(f"FY{a.fiscal_year}-FY{b.fiscal_year}")
    return f"{short_label(first)}–{short_label(last)}"
