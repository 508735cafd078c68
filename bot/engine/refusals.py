"""Answers without a figure: a question not understood, or understood but asking for something the
chosen series cannot give (a state it has no breakdown for, a topic, an operation).

A refusal says what was understood and what cannot be done, and points at the commands that can:
one clear "no" costs less than one confident figure for a different question.
"""

from rapidfuzz import fuzz

from bot.engine.answer import Answer
from bot.engine.catalog import Catalog
from bot.engine.command import Command
from bot.engine.formatting import short_label
from bot.engine.question import Block, Reading, choice_named
from bot.engine.timewords import TimeAsk

OPERATION_LABELS = {
    "per_day": "a per-day average",
    "per_month": "a per-month average",
    "share": "a share or percentage",
    "exclude": "a total that leaves part of it out",
    "rank": "a ranking",
    "record": "a record (highest or lowest)",
    "average": "an average",
    "daily_or_weekly": "a figure for a single day or week",
    "part_of_period": "a figure for part of a period",
}
SUGGEST_SCORE = 70


def example(command: Command) -> str:
    """A command as a suggestion: its title and a question it answers."""
    sample = command.examples[0] if command.examples else command.aliases[0]
    return f"{command.title} (try “{sample}”)"


def not_understood(reading: Reading, catalog: Catalog, data_version: str) -> Answer:
    names = reading.suggestions or ()
    if not reading.question.strip():
        headline = "Ask me about a U.S. immigration statistic, e.g. “terminations in 2023”."
    else:
        headline = "I don't have figures for that."
    return Answer(
        question=reading.question,
        understood=False,
        headline=headline,
        unused_words=list(reading.unused),
        suggestions=[example(catalog.commands[name]) for name in names],
        suggested_commands=list(names),
        data_version=data_version,
    )


def span_refusal(command: Command, time: TimeAsk) -> str | None:
    """Why a series with only yearly figures cannot answer a span of months or a calendar year
    (an administration's span is answered in fiscal years, with the caveat)."""
    if time.calendar_year and command.series == "fiscal_year":
        return (
            f"“{command.title}” has only fiscal-year figures (October–September), so no "
            f"calendar-year total for {time.years[0]}."
        )
    if time.months and command.series == "fiscal_year":
        asked = " and ".join(short_label(m) for m in time.months)
        return f"“{command.title}” has only yearly figures, so no comparison of {asked}."
    if time.first_month and not time.administration and command.series == "fiscal_year":
        until = f"–{short_label(time.last_month)}" if time.last_month else " on"
        return (
            f"“{command.title}” has only yearly figures, so no total for "
            f"{short_label(time.first_month)}{until}, month by month."
        )
    return None


def cannot_serve(
    reading: Reading, catalog: Catalog, data_version: str, reason: str | None = None
) -> Answer:
    """Understood, but a phrase (or the span asked) names something this series cannot give:
    no figure at all."""
    assert reading.intent is not None
    command = catalog.commands[reading.intent.command]
    reasons = list(dict.fromkeys(_reason(block, command, catalog) for block in reading.blocks))
    reasons += [reason] if reason else []
    names = _who_can(reading.blocks, catalog, command)
    phrases = ", ".join(f"“{b.phrase or b.meaning}”" for b in reading.blocks) or "what was asked"
    return Answer(
        question=reading.question,
        understood=False,
        command=command.name,
        title=command.title,
        time=reading.time,
        headline="No figure for this question as asked: " + " ".join(reasons),
        interpretation=(f"Read as: {command.title} · {reading.time.said} · cannot serve {phrases}"),
        unused_words=list(reading.unused),
        suggestions=[example(catalog.commands[name]) for name in names],
        suggested_commands=names,
        data_version=data_version,
    )


def _reason(block: Block, command: Command, catalog: Catalog) -> str:
    subject = command.title
    if (
        block.kind in ("state", "country", "place")
        and choice_named(command, block.meaning) is not None
    ):
        return (
            f"“{block.meaning}” is a second {block.kind} in the question: {subject} is answered "
            "for one at a time, or two set side by side when compared (“Texas vs Arizona”)."
        )
    if block.kind == "state":
        return (
            f"{subject}: not broken down by state here, so there is no figure for {block.meaning}."
        )
    if block.kind == "country":
        if command.param("citizenship") is not None:
            return f"{subject}: no separate figure for citizens of {block.meaning} here."
        return f"{subject}: not broken down by country of citizenship here."
    if block.kind == "place":
        if block.meaning == "non-U.S.":
            return "I only have U.S. figures."
        return f"{subject}: not broken down by {block.meaning} here."
    if block.kind == "topic":
        others = [c for c in catalog if c is not command]
        if any(_says(c, block.phrase) or _says(c, block.meaning) for c in others):
            return f"“{subject}” does not count {block.meaning}; another command does (below)."
        return f"I have no figures on {block.meaning.removesuffix('.')}."
    if block.kind == "time":
        if block.meaning.startswith("“"):
            return block.meaning + "."
        return f"I can't work out {block.meaning} yet."
    if block.kind == "measure":
        return f"“{block.phrase}” names something “{subject}” does not count."
    if block.kind == "number":
        return f"I can't place the number “{block.phrase}” in the question."
    if block.kind == "definition":
        return "That asks what a term means; the glossary answers it (/define on Discord)."
    if block.kind == "operation":
        label = OPERATION_LABELS.get(block.meaning, block.meaning.replace("_", " "))
        return f"I can't compute {label} from “{subject}” yet."
    breakdown = block.kind.replace("_", " ")
    return f"{subject}: not broken down by {breakdown} here, so there is no figure for {block.meaning}."


def _who_can(blocks: tuple[Block, ...], catalog: Catalog, chosen: Command) -> list[str]:
    """Commands whose own breakdowns or words cover a blocked phrase, best first (at most 3).
    A place is served only by a breakdown: a command's words that merely look alike ("county",
    "judge count") are no answer to it."""
    found: list[str] = []
    for block in blocks:
        places = block.kind in ("state", "country", "place")
        for command in catalog:
            if command.name == chosen.name or command.name in found:
                continue
            said = not places and (_says(command, block.phrase) or _says(command, block.meaning))
            if choice_named(command, block.meaning) is not None or said:
                found.append(command.name)
    return found[:3]


def _says(command: Command, phrase: str) -> bool:
    return any(
        fuzz.token_set_ratio(phrase, alias.lower()) >= SUGGEST_SCORE for alias in command.aliases
    )
