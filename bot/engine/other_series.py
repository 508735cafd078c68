"""When the series chosen lacks (part of) the period asked, another series may have it.

Another series that reads the question just as well, or a stand-in the command names (ICE's
removals for a year DHS-wide removals lack): for a single period it answers, said first in the
headline; for a range the chosen series covers only in part, its figures for the missing years
are given beside the total, with its source, and never added to it — two series count
differently. Dated claims never stand in for statistics.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from bot.engine.answer import Answer
from bot.engine.catalog import Catalog
from bot.engine.figure import plain_title
from bot.engine.periods import parse_period
from bot.engine.question import Intent, Reading
from bot.engine.timewords import TimeAsk

Ask = Callable[[Intent], Answer]


def years_answered(answer: Answer) -> set[int]:
    """The fiscal (or calendar) years of the periods the answer's figure is made of."""
    parsed = [parse_period(p.period) for p in answer.series if p.highlight]
    return {period.year for period in parsed if period and period.year is not None}


def alternatives(
    reading: Reading, intent: Intent, catalog: Catalog, is_claims: Callable[[Intent], bool]
) -> Iterator[Intent]:
    """Equal readings first, then the command's stand-ins (only with no filter: a stand-in's
    breakdowns are its own); never a series of dated claims. Lazy: most answers need none."""
    command = catalog.commands[intent.command]
    stand_ins = [
        replace(intent, command=name, params={})
        for name in command.stand_ins
        if name in catalog.commands
        and catalog.commands[name].unit == command.unit  # a server's namesake may count else
        and not intent.params
    ]
    return (other for other in [*reading.equals, *stand_ins] if not is_claims(other))


def stand_in(answer: Answer, others: Iterable[Intent], ask: Ask) -> Answer:
    """The first other series with a figure for the period answers, saying so first."""
    for other_intent in others:
        other = ask(other_intent)
        if other.value is not None:
            asked, used = plain_title(answer.title), plain_title(other.title)
            other.headline = (
                f"No figure in “{asked}” for this period; from “{used}”: {other.headline}"
            )
            other.notices[:0] = [f"“{asked}”: {notice}" for notice in answer.notices]
            return other
    return answer


def rest_elsewhere(answer: Answer, time: TimeAsk, others: Iterable[Intent], ask: Ask) -> Answer:
    """A range summed from the years the chosen series has: the missing years from another
    series, each part with its own source, side by side and not added."""
    missing = sorted(set(time.years) - years_answered(answer))
    if time.kind != "range" or answer.value is None or not missing:
        return answer
    for other_intent in others:
        kind = "range" if len(missing) > 1 else "single"
        other = ask(replace(other_intent, time=TimeAsk(kind, tuple(missing))))
        if other.value is None:
            continue
        title = plain_title(other.title)
        answer.headline = answer.headline.rstrip(".") + (
            f". For {other.period}, “{title}” has {other.value_text} {other.unit} "
            "(another series: not added to the total)."
        )
        answer.notices.append(
            f"{other.period} from “{title}”: {other.headline}. The two series count differently, "
            "so immistats gives each part with its own source instead of one sum."
        )
        answer.sources = list(dict.fromkeys([*answer.sources, *other.sources]))
        return answer
    return answer
