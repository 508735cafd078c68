"""The figure as the answer states it: value, period, headline, change, sources and the
"Read as" line, from the rows a command's query returned for the asked time."""

import re
from collections.abc import Callable

from bot.engine.answer import Answer, Disagreement, SourceRef
from bot.engine.catalog import Command
from bot.engine.command import Param
from bot.engine.disagreements import published_range
from bot.engine.formatting import format_value, long_label, short_label
from bot.engine.leads import sum_kind
from bot.engine.selection import Row, change_against, row_notices, span_label
from bot.engine.timewords import TimeAsk


def _fill(template: str, values: dict[str, str]) -> str:
    """Fill {name} placeholders from `values` only; no format-string tricks from a TOML file."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def display_choice(value: str) -> str:
    """'VENEZUELA' -> 'Venezuela'; values already in mixed case stay as they are."""
    return value.title() if value.isupper() else value


def choice_text(param: Param | None, value: str) -> str:
    """A breakdown value as a reader says it: 'Mexico', 'family units' (a code such as FMUA
    reads as its first phrase)."""
    phrases = param.choices.get(value, ()) if param else ()
    if value.isupper() and phrases and phrases[0].lower() != value.lower():
        return phrases[0]
    return display_choice(value)


def choice_label(param: Param, value: str) -> str:
    """The value with its breakdown: 'citizenship: Mexico', 'demographic: family units'."""
    return f"{param.name.replace('_', ' ')}: {choice_text(param, value)}"


def fill_figure(
    answer: Answer,
    command: Command,
    metric: dict | None,
    selected: list[Row],
    rows: list[Row],
    time: TimeAsk,
    filters: list[str],
    sources: dict[str, SourceRef],
    differ: Callable[[Command, list[Row], list[int]], list[Disagreement]],
) -> None:
    """The figure, its period, change, sources and reading line, from the selected rows (one
    period, a comparison, or a sum of a span)."""
    last = selected[-1]
    if len(selected) == 1:
        value, answer.period = last.value, long_label(last.period, last.partial_through)
    elif time.kind == "compare":
        value = last.value
        answer.period = " vs ".join(short_label(r.period) for r in selected)
    elif command.aggregate == "sum":
        value = sum(r.value for r in selected)
        answer.period = span_label(selected)
        kind = "monthly" if command.series == "month" else "yearly"
        answer.notices.append(
            f"Total of the {len(selected)} {kind} figures "
            f"{short_label(selected[0].period)}–{short_label(last.period)}, added up by immistats."
        )
    else:
        value, answer.period = last.value, long_label(last.period, last.partial_through)
    answer.value = value
    answer.value_text = format_value(value, command.unit)
    answer.change = change_against(selected, rows, time, command.aggregate, sources)
    # A comparison's headline states the later figure; the change line carries the earlier one.
    said = (
        long_label(last.period, last.partial_through) if time.kind == "compare" else answer.period
    )
    values = {"value": answer.value_text, "period": said, "unit": command.unit}
    values |= {k: choice_text(command.param(k), v) for k, v in answer.sql_params.items()}
    answer.headline = _fill(command.headline, values)
    chosen = {
        name: f"{name.replace('_', ' ')}: {choice_text(command.param(name), v)}"
        for name, v in answer.sql_params.items()
        if v != "all"
    }
    answer.chosen = list(chosen.values())
    unstated = [said for name, said in chosen.items() if "{" + name + "}" not in command.headline]
    if unstated:
        answer.headline += f" — {'; '.join(unstated)}"
    if len(selected) > 1 and command.aggregate == "sum" and time.kind != "compare":
        answer.headline = sum_kind(selected) + answer.headline
    used = [r for r in selected if r.source_id in sources]
    source_ids = list(dict.fromkeys(r.source_id for r in used)) or [
        s for s in command.sources if s in sources
    ]
    if any(sources[s].kind == "secondary" for s in source_ids):
        # Name the publication the secondary copy reproduces, so the reader can go to it.
        source_ids += [
            s
            for s in command.sources
            if s in sources and s not in source_ids and sources[s].kind != "secondary"
        ]
    answer.sources = [sources[s] for s in source_ids]
    answer.notices += row_notices(selected, sources)
    publishers = ", ".join(dict.fromkeys(short_publisher(s) for s in answer.sources))
    answer.interpretation = (
        f"Read as: {reading_label(command, metric, filters)} · {answer.period} · {publishers}"
    )
    if all(v == "all" for v in answer.sql_params.values()):
        years = sorted({r.year for r in selected if r.year is not None})
        answer.sources_differ = differ(command, selected, years)
    if len(selected) == 1:
        published_range(answer, selected[0])


def plain_title(title: str) -> str:
    """A title without its parenthesis, to fit a headline: 'Removals by all DHS components'."""
    return title.split(" (")[0]


def reading_label(command: Command, metric: dict | None, filters: list[str]) -> str:
    label = metric["label"] if metric else command.title
    return label + (f" ({', '.join(filters)})" if filters else "")


def short_publisher(source: SourceRef) -> str:
    """The acronym in parentheses when there is one ('…Review (EOIR)' -> 'EOIR')."""
    match = re.search(r"\(([A-Z][A-Za-z/]{1,12})\)", source.publisher)
    if match:
        return match.group(1)
    return source.publisher.split(",")[0].split(" (")[0][:40]


def question_for(command: Command, time: TimeAsk) -> str:
    """A readable stand-in for the question when the user picked options instead of typing."""
    return f"{command.title}, {time.said}"
