"""Intent -> Answer: run the prepared query, pick the asked periods, compare, cite, caveat.

The engine adds no numbers of its own: every value comes from a row of the query, and the only
arithmetic is a sum of yearly rows for a range (said so in the answer) and the change between two
rows. Sources, definitions and flags come from the database, never from the engine's memory.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial

from bot.engine.answer import Answer, Point, SourceRef
from bot.engine.catalog import Catalog, Command
from bot.engine.claims import check_question, find_claims
from bot.engine.db import StatsDB
from bot.engine.disagreements import sources_differ
from bot.engine.figure import (
    choice_text,
    fill_figure,
    question_for,
    reading_label,
)
from bot.engine.formatting import short_label
from bot.engine.leads import later_partial, substitution
from bot.engine.operations import (
    AVERAGES,
    RECORDS,
    TOP,
    average,
    compare_ranges,
    rank,
    rank_breakdown,
    record,
    top_count,
)
from bot.engine.other_series import alternatives, rest_elsewhere, stand_in
from bot.engine.part_questions import answer_parts, asks_for_parts
from bot.engine.question import Intent, Reading, read_question
from bot.engine.reading_cache import ReadingCache
from bot.engine.refusals import cannot_serve, not_understood, span_refusal
from bot.engine.same_months import compare_same_months
from bot.engine.selection import (
    Row,
    missing_notice,
    missing_years,
    rows_of,
    select_months,
    select_periods,
    time_params,
)
from bot.engine.series_cache import SeriesCache
from bot.engine.textwords import MAX_QUESTION
from bot.engine.this_year import this_year
from bot.engine.timewords import LATEST, TimeAsk
from bot.engine.vocabulary import Vocabulary


class Engine:
    """Answers questions from one read-only database and one catalog."""

    def __init__(
        self,
        db: StatsDB,
        catalog: Catalog,
        data_version: str,
        today: Callable[[], date] = date.today,
    ):
        self.db = db
        self.today = today  # "this year" is the year of the question, not of the data
        self.catalog = catalog
        self.data_version = data_version
        metrics = db.query("select id, label, unit, definition, caveats from metrics", {})
        self.metrics = {r[0]: dict(zip(metrics.columns, r, strict=True)) for r in metrics.rows}
        sources = db.query("select id, publisher, title, url, date, kind from sources", {})
        self.sources = {r[0]: SourceRef(*r) for r in sources.rows}
        self._series = SeriesCache()
        self._readings = ReadingCache()
        self.vocabulary = Vocabulary.from_db(db)

    def ask(self, question: str, catalog: Catalog | None = None) -> Answer:
        """Answer a question; `catalog` is a guild's catalog (built-in plus its own commands).
        A question with a claimed number ("Have 5 million …?") gets a verdict line first. Only
        the first MAX_QUESTION characters are read, for claims as for words."""
        question = question[:MAX_QUESTION]
        if find_claims(question):
            commands = (catalog or self.catalog).commands
            return check_question(
                question,
                partial(self._read_and_answer, catalog=catalog),
                lambda a: a.command in commands and commands[a.command].aggregate == "sum",
            )
        return self._read_and_answer(question, catalog)

    def _read_and_answer(self, question: str, catalog: Catalog | None = None) -> Answer:
        catalog = catalog or self.catalog
        reading = self._readings.reading(
            question, catalog, partial(read_question, question, catalog, self.vocabulary)
        )
        if reading.intent is None:
            return not_understood(reading, catalog, self.data_version)
        if reading.blocks:
            return cannot_serve(reading, catalog, self.data_version)
        intent = self._monthly_if_a_month_was_named(reading.intent, catalog)
        command = catalog.commands[intent.command]
        if reason := span_refusal(command, intent.time):
            return cannot_serve(reading, catalog, self.data_version, reason)
        answer_at = partial(self._answer_at, intent, question, catalog)
        if intent.time.ranges:
            compared = compare_ranges(intent.time.ranges, command.aggregate, answer_at)
            if isinstance(compared, str):
                return cannot_serve(reading, catalog, self.data_version, compared)
            return compared
        if "rank" in reading.operations and not reading.named_values:
            return self._ranked(reading, intent, command, question, catalog)
        if asks_for_parts(reading):
            ask = partial(self._with_params, intent, question, catalog)
            combined = answer_parts(reading, intent, command, ask)
            if isinstance(combined, str):
                return cannot_serve(reading, catalog, self.data_version, combined)
            return self._with_reading(combined, reading, catalog)
        answer = self.answer(intent, question, catalog)
        if intent.time.years:
            is_claims = partial(self._is_claims, catalog=catalog)
            others = alternatives(reading, intent, catalog, is_claims)
            ask = partial(self._ask_other, question=question, catalog=catalog)
            if answer.value is None:
                answer = stand_in(answer, others, ask)
            else:
                answer = rest_elsewhere(answer, intent.time, others, ask)
        for operation in reading.operations:
            if operation in AVERAGES:
                if reason := average(answer, operation, command.aggregate):
                    return cannot_serve(reading, catalog, self.data_version, reason)
            elif operation in RECORDS:
                answer = self._record(answer, operation, intent, question, catalog)
        return self._with_reading(answer, reading, catalog)

    @staticmethod
    def _with_reading(answer: Answer, reading: Reading, catalog: Catalog) -> Answer:
        """The words no vocabulary knew, and the rival readings, go with every figure."""
        answer.unused_words = list(reading.unused)
        if reading.unused:
            answer.interpretation += f" · words not used: {', '.join(reading.unused)}"
        answer.suggestions = [catalog.commands[name].title for name in reading.suggestions]
        answer.suggested_commands = list(reading.suggestions)
        return answer

    def _ranked(
        self, reading: Reading, intent: Intent, command: Command, question: str, catalog: Catalog
    ) -> Answer:
        """ "Which country had the most …": each value of the breakdown, ranked."""
        choices = {p.name: p for p in command.params if p.choices}
        name = rank_breakdown(question)
        if name is not None and name not in choices:
            reason = f"“{command.title}” is not broken down by {name} here, so it cannot be ranked."
            return cannot_serve(reading, catalog, self.data_version, reason)
        if name is None:  # no breakdown named: the most of the series' own periods
            answer = self.answer(intent, question, catalog)
            return self._record(answer, "record", intent, question, catalog)

        def answer_for(value: str) -> Answer:
            return self.answer(
                replace(intent, params={**intent.params, name: value}), question, catalog
            )

        count = top_count(question) or TOP
        ranked = rank(name, list(choices[name].choices), answer_for, count)
        if isinstance(ranked, str):
            return cannot_serve(reading, catalog, self.data_version, ranked)
        return ranked

    def _record(
        self, answer: Answer, operation: str, intent: Intent, question: str, catalog: Catalog
    ) -> Answer:
        """The highest or lowest period of the whole series (with the same filters)."""
        rows, _ = self.run(catalog.commands[intent.command], intent.params)
        series = [(r.period, r.value, r.partial) for r in rows]
        return record(
            answer, operation, series, partial(self._answer_at, intent, question, catalog)
        )

    def _with_params(
        self, intent: Intent, question: str, catalog: Catalog, params: dict[str, str]
    ) -> Answer:
        return self.answer(replace(intent, params=params), question, catalog)

    def _is_claims(self, intent: Intent, catalog: Catalog) -> bool:
        """A series of dated statements: it never stands in for a statistic."""
        rows, _ = self.run(catalog.commands[intent.command], intent.params)
        return any("claim" in r.flags for r in rows)

    def _ask_other(self, intent: Intent, question: str, catalog: Catalog) -> Answer:
        return self.answer(self._monthly_if_a_month_was_named(intent, catalog), question, catalog)

    def _answer_at(self, intent: Intent, question: str, catalog: Catalog, time: TimeAsk) -> Answer:
        return self.answer(replace(intent, time=time), question, catalog)

    def ask_command(
        self,
        name: str,
        *,
        time: TimeAsk = LATEST,
        choices: dict[str, str] | None = None,
        question: str = "",
        catalog: Catalog | None = None,
    ) -> Answer:
        """The structured door (/stat, /compare, /trend, /run, a "did you mean" button): no reading.

        `time` is usually `TimeAsk.asked(kind, years)`; years are fiscal (or calendar) years.
        Unknown choice values fall back to the parameter's default.
        """
        catalog = catalog or self.catalog
        command = catalog.commands[name]
        valid = {
            p.name: v
            for p in command.sql_params
            if (v := (choices or {}).get(p.name)) is not None and v in p.choices
        }
        intent = Intent(name, valid, time)
        return self.answer(intent, question or question_for(command, time), catalog)

    def periods(self, name: str, catalog: Catalog | None = None) -> list[str]:
        """The periods a command has figures for (default choices), oldest first: for autocomplete."""
        rows, _ = self.run((catalog or self.catalog).commands[name], {})
        return [r.period for r in rows]

    def _monthly_if_a_month_was_named(self, intent: Intent, catalog: Catalog) -> Intent:
        """'encounters march 2023': the monthly sibling (NAME-monthly) answers a named month."""
        command = catalog.commands[intent.command]
        sibling = catalog.commands.get(f"{command.name}-monthly")
        months = intent.time.month or intent.time.first_month or intent.time.months
        if months and command.series == "fiscal_year" and sibling and _serves(sibling, intent):
            return replace(intent, command=sibling.name)
        return intent

    def run(self, command: Command, choices: dict[str, str]) -> tuple[list[Row], dict[str, str]]:
        """The command's series, with its choice parameters bound (defaults where not given)."""
        bound = {p.name: choices.get(p.name) or p.default or "all" for p in command.sql_params}

        def read() -> list[Row]:
            result = self.db.query(command.sql, bound)
            return rows_of(result.columns, result.rows, command.series)

        return self._series.rows(command.sql, command.series, bound, read), bound

    def answer(self, intent: Intent, question: str, catalog: Catalog | None = None) -> Answer:
        command = (catalog or self.catalog).commands[intent.command]
        rows, bound = self.run(command, intent.params)
        lead = ""
        if intent.time.current:
            time, lead = this_year(intent.time, rows, command.series, self.today())
            intent = replace(intent, time=time)
        answer = Answer(
            question=question,
            understood=True,
            command=command.name,
            title=command.title,
            params=dict(bound),
            time=intent.time,
            unit=command.unit,
            chart_kind=command.chart.kind,
            sql=command.sql.strip(),
            sql_params=dict(bound),
            data_version=self.data_version,
        )
        if command.series == "month":
            selected, chart_rows = select_months(rows, intent.time)
        else:
            selected, chart_rows = select_periods(rows, intent.time)
        answer.params |= time_params(intent.time, selected)
        missing = missing_years(rows, intent.time, command.series)
        filters = [choice_text(command.param(k), v) for k, v in bound.items() if v != "all"]
        metric = self.metrics.get(command.metric or "")
        answer.definition = command.definition or (metric["definition"] if metric else "")
        answer.caveats = [c for c in [metric["caveats"] if metric else "", *command.caveats] if c]
        if intent.time.caveat:
            answer.caveats.insert(0, intent.time.caveat)
        answer.chart_title = command.title + (f" — {', '.join(filters)}" if filters else "")
        answer.series = [
            Point(r.period, short_label(r.period), r.value, r.partial, r in selected)
            for r in chart_rows
        ]
        if missing:
            answer.notices.append(missing_notice(missing, rows, command.series))
        if note := later_partial(intent.time, selected, rows, command.unit):
            answer.notices.insert(0, note)
        if not selected:
            answer.headline = lead
            if not rows:
                answer.headline += "This query returned no figures."
            elif missing:
                answer.headline += missing_notice(missing, rows, command.series)
            else:
                answer.headline += "No figure for the period you asked about in this series."
            answer.interpretation = f"Read as: {reading_label(command, metric, filters)}"
            if not filters:
                answer.sources_differ = sources_differ(
                    self.db, self.metrics, self.sources, command, [], list(intent.time.years)
                )
            return answer
        differ = partial(sources_differ, self.db, self.metrics, self.sources)
        fill_figure(
            answer, command, metric, selected, rows, intent.time, filters, self.sources, differ
        )
        if answer.change is None and len(selected) == 1 and selected[0].partial:
            sibling = (catalog or self.catalog).commands.get(f"{command.name}-monthly")
            if sibling and set(intent.params) <= {p.name for p in sibling.sql_params}:
                months, _ = self.run(sibling, intent.params)
                compare_same_months(answer, selected[0], months, sibling.title)
            else:
                compare_same_months(answer, selected[0], None, "")
        answer.stands_in = lead + substitution(intent.time, missing, command.series, selected)
        answer.headline = answer.stands_in + answer.headline
        return answer


def _serves(sibling: Command, intent: Intent) -> bool:
    """Whether the monthly sibling has every breakdown value the question chose ("Arizona" in
    "family units in Arizona, June 2023"): without it, the yearly command answers and says that
    it has no monthly figure, rather than the sibling answering for the whole country."""
    for name, value in intent.params.items():
        param = sibling.param(name)
        if value in (None, "all") or (param is not None and param.default == value):
            continue
        if param is None or (param.type == "choice" and value not in param.choices):
            return False
    return True
