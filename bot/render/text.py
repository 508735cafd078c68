"""Answer -> plain text for the terminal, and the stable JSON shape scripts rely on."""

from bot.engine.answer import Answer
from bot.engine.formatting import PERCENT_UNITS, format_change, format_value

JSON_KEYS = (
    "question",
    "understood",
    "command",
    "params",
    "period",
    "value",
    "unit",
    "headline",
    "interpretation",
    "unused_words",
    "verdicts",
    "change",
    "series",
    "sources",
    "definition",
    "caveats",
    "sources_differ",
    "suggestions",
)


def change_text(answer: Answer) -> str:
    change = answer.change
    if change is None:
        return ""
    return (
        f"{format_change(change.absolute, change.percent, answer.unit)} vs {change.previous_period}"
    )


def figure_lines(answer: Answer, *, bold: bool) -> list[str]:
    """The figure with its period, the "Read as" line and the change: the core every face shows."""
    lines = []
    if answer.value is not None:
        value = f"**{answer.value_text}**" if bold else answer.value_text
        unit = (
            "" if answer.unit in PERCENT_UNITS else f" {answer.unit}"
        )  # '46.0%', not '46.0% percent'
        lines.append(f"{value}{unit} · {answer.period}")
    if answer.interpretation:
        lines.append(answer.interpretation)
    if answer.change:
        lines.append(f"Change: {change_text(answer)}")
    return lines


def render_text(answer: Answer) -> str:
    if not answer.understood:
        lines = [*answer.verdicts, answer.headline]
        if answer.interpretation:
            lines.append(answer.interpretation)
        if answer.suggestions:
            lines += ["", "Closest things I can answer:"] + [f"  • {s}" for s in answer.suggestions]
        lines += ["", "Run `immistats commands list` to see everything I know."]
        return "\n".join(lines)
    lines = [*answer.verdicts, answer.headline, *figure_lines(answer, bold=False)]
    for notice in answer.notices:
        lines.append(f"Note: {notice}")
    if answer.definition:
        lines += ["", f"What it counts: {answer.definition}"]
    if answer.sources_differ:
        lines += ["", "Sources differ:"]
        for d in answer.sources_differ:
            extra = f" ({d.note})" if d.note else ""
            lines.append(
                f"  • {d.period}: {d.value_text} — {d.source.publisher}{extra} {d.source.url}"
            )
    if answer.sources:
        lines += ["", "Sources:"]
        for s in answer.sources:
            kind = " [secondary copy]" if s.kind == "secondary" else ""
            lines.append(f"  • {s.publisher}: {s.title} ({s.date}){kind}\n    {s.url}")
    if answer.caveats:
        lines += ["", "Caveats:"] + [f"  • {c}" for c in answer.caveats]
    if answer.series and len(answer.series) > 1:
        lines += ["", "Series:"]
        for p in answer.series:
            mark = " ◀" if p.highlight else ""
            partial = " (partial)" if p.partial else ""
            lines.append(
                f"  {p.label:>14}  {format_value(p.value, answer.unit):>14}{partial}{mark}"
            )
    if answer.suggestions:
        lines += ["", "Did you mean:"] + [f"  • {s}" for s in answer.suggestions]
    lines += ["", f"data version {answer.data_version}"]
    return "\n".join(lines)


def answer_json(answer: Answer) -> dict:
    """Exactly the documented keys; notices (partial periods, secondary copies) lead the caveats."""
    change = None
    if answer.change:
        change = {
            "previous_period": answer.change.previous_period,
            "previous_value": answer.change.previous_value,
            "absolute": answer.change.absolute,
            "percent": None if answer.change.percent is None else round(answer.change.percent, 2),
        }
    data = {
        "question": answer.question,
        "understood": answer.understood,
        "command": answer.command,
        "params": answer.params,
        "period": answer.period,
        "value": answer.value,
        "unit": answer.unit,
        "headline": answer.headline,
        "interpretation": answer.interpretation,
        "unused_words": answer.unused_words,
        "verdicts": answer.verdicts,
        "change": change,
        "series": [{"period": p.period, "value": p.value} for p in answer.series],
        "sources": [
            {"id": s.id, "publisher": s.publisher, "title": s.title, "url": s.url, "date": s.date}
            for s in answer.sources
        ],
        "definition": answer.definition,
        "caveats": [*answer.notices, *answer.caveats],
        "sources_differ": [
            {
                "period": d.period,
                "value": d.value,
                "source_id": d.source.id,
                "publisher": d.source.publisher,
                "url": d.source.url,
                "note": d.note,
            }
            for d in answer.sources_differ
        ],
        "suggestions": answer.suggestions,
    }
    assert tuple(data) == JSON_KEYS
    return data
