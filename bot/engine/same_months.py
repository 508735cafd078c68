"""A partial year compared like with like: the same months of the year before.

A part of a fiscal year is never compared with a whole year. When the command has a monthly
sibling (NAME-monthly) holding every month of both runs, and its months add up to the partial
year's own figure (so the two are one series), the change is against the same months of the
previous fiscal year, said in the change line and shown with its inputs.
"""

from bot.engine.answer import Answer, Change
from bot.engine.formatting import format_value, short_label
from bot.engine.periods import add_months
from bot.engine.selection import Row

# The partial year's figure and its months' sum may differ by the rounding of the monthly table.
ROUNDING = 0.001


def same_months_change(
    row: Row, months: list[Row], unit: str, sibling_title: str
) -> tuple[Change, str] | str:
    """The change of a partial fiscal year against the same months a year earlier, with the
    notice that shows its inputs; or why there is none, in a reader's words."""
    through = row.partial_through or ""
    if row.fiscal_year is None or len(through) != 7:
        return "its figures run to a day, not to the end of a month"
    now = [f"{row.fiscal_year - 1}-10"]  # October to the last month the figure covers
    while now[-1] < through:
        now.append(add_months(now[-1], 1))
    before = [add_months(m, -12) for m in now]
    by_month = {m.period: m for m in months if not m.partial}
    if any(m not in by_month for m in now + before):
        return "the monthly figures do not cover the same months of the year before"
    total_now = sum(by_month[m].value for m in now)
    if abs(total_now - row.value) > ROUNDING * max(row.value, 1):
        return "its monthly figures do not add up to this figure"
    total_before = sum(by_month[m].value for m in before)
    label = f"FY{row.fiscal_year - 1}, {short_label(before[0])}–{short_label(before[-1])}"
    absolute = row.value - total_before
    percent = absolute / total_before * 100 if total_before else None
    change = Change(f"{label} (same months)", total_before, absolute, percent)
    notice = (
        f"The change compares the same {len(now)} months of each year, added up by immistats "
        f"from the monthly figures of “{sibling_title}”: {label}: "
        f"{format_value(total_before, unit)}."
    )
    return change, notice


def compare_same_months(answer: Answer, row: Row, months: list[Row] | None, title: str) -> None:
    """Set the answer's change against the same months of the year before (`months`: the monthly
    sibling's series, None when there is none); otherwise say why there is no change line."""
    found = (
        "no monthly figures for it"
        if months is None
        else same_months_change(row, months, answer.unit, title)
    )
    if isinstance(found, tuple):
        answer.change, notice = found
        answer.notices.append(notice)
        return
    answer.notices.append(
        f"No change line: {short_label(row.period)} covers only part of the year, and a part "
        f"is not compared with a whole year ({found} to compare the same months)."
    )
