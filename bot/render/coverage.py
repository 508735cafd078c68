"""The coverage list as text (terminal and Discord) and as CSV: the same rows, three shapes."""

from __future__ import annotations

import csv
import io

from bot.engine.coverage import Coverage, topics

CSV_COLUMNS = (
    "topic",
    "metric",
    "label",
    "first_period",
    "last_period",
    "last_period_partial_through",
    "last_period_as_of",
    "data_date",
    "source_kinds",
    "figures",
    "commands",
)


def coverage_csv(rows: list[Coverage]) -> str:
    """One line per metric or monthly table, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.topic,
                row.name,
                row.label,
                row.first,
                row.last,
                row.last_through,
                row.as_of,
                row.data_date,
                " ".join(row.kinds),
                row.figures,
                " ".join(row.commands),
            )
        )
    return out.getvalue()


def short_date(text: str, limit: int = 40) -> str:
    """A source's date as its first clause: the CSV keeps the whole text."""
    first = text.split(";")[0].strip()
    return first if len(first) <= limit else first[: limit - 1] + "…"


def coverage_line(row: Coverage) -> str:
    """'Label: FY1990–FY2024 · official, secondary · ask: dhs-removals'."""
    parts = [f"{row.label}: {row.span}"]
    if row.kinds:
        parts.append(", ".join(row.kinds))
    if row.data_date:
        parts.append(f"data {short_date(row.data_date)}")
    if row.commands:
        parts.append("ask: " + ", ".join(row.commands[:3]))
    return " · ".join(parts)


def coverage_text(rows: list[Coverage]) -> list[str]:
    """Grouped by topic, for the terminal."""
    if not rows:
        return ["Nothing matches that topic. Try one of the topics `immistats coverage` lists."]
    lines = []
    for topic in topics(rows):
        lines.append(f"{topic.capitalize()}")
        lines += [f"  {coverage_line(row)}" for row in rows if row.topic == topic]
        lines.append("")
    lines.append(f"{len(rows)} series. The full table: immistats coverage --csv")
    return lines


def coverage_pages(rows: list[Coverage], limit: int) -> list[str]:
    """The grouped list cut into pages of at most `limit` characters, never inside a line."""
    pages: list[str] = []
    page = ""
    for topic in topics(rows):
        block = [f"**{topic.capitalize()}**"] + [
            f"• {coverage_line(row)}" for row in rows if row.topic == topic
        ]
        for line in block:
            line = line if len(line) <= limit else line[: limit - 1] + "…"
            if page and len(page) + 1 + len(line) > limit:
                pages.append(page)
                page = ""
            page = f"{page}\n{line}" if page else line
    if page:
        pages.append(page)
    return pages
