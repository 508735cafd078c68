"""Intent -> Answer: run the prepared query, pick the asked periods, compare, cite, caveat.

The engine adds no numbers of its own: every value comes from a row of the query, and the only
arithmetic is a sum of yearly rows for a range (said so in the answer) and the change between two
rows. Sources, definitions and flags come from the database, never from the engine's memory.
"""

import re
from dataclasses import replace
from functools import partial

from bot.engine.answer import Answer, Point, SourceRef
from bot.engine.catalog import Catalog, Command
from bot.engine.claims import check_question, find_claims
from bot.engine.db import StatsDB
from bot.engine.disagreements import published_range, sources_differ
from bot.engine.formatting import format_value, long_label, short_label
from bot.engine.operations import (
    AVERAGES,
    RECORDS,
    average,
    compare_ranges,
    rank,
    rank_breakdown,
    record,
)
from bot.engine.question import Intent, Reading, read_question
from bot.engine.refusals import cannot_serve, not_understood, span_refusal
from bot.engine.selection import (
    Row,
    change_against,
    later_partial,
    missing_notice,
    missing_years,
    row_notices,
    rows_of,
    select_months,
    select_periods,
    span_label,
    substitution,
    sum_kind,
    time_params,
)
from bot.engine.timewords import LATEST, TimeAsk
from bot.engine.vocabulary import Vocabulary


def _fill(template: str, values: dict[str, str]) -> str:
    """Fill {name} placeholders from `values` only; no format-string tricks from a TOML file."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def display_choice(value: str) -> str:
    """'VENEZUELA' -> 'Venezuela'; values already in mixed case stay as they are."""
    return value.title() if value.isupper() else value


class Engine:
    """Answers questions from one read-only database and one catalog."""

    def __init__(self, db: StatsDB, catalog: Catalog, data_version: str):
        self.db = db
        self.catalog = catalog
        self.data_version = data_version
        metrics = db.query("select id, label, unit, definition, caveats from metrics", {})
        self.metrics = {r[0]: dict(zip(metrics.columns, r, strict=True)) for r in metrics.rows}
        sources = db.query("select id, publisher, title, url, date, kind from sources", {})
        self.sources = {r[0]: SourceRef(*r) for r in sources.rows}
        self._periods: dict[str, list[str]] = {}  # by SQL: guild commands may share names
        self.vocabulary = Vocabulary.from_db(db)

    def ask(self, question: str, catalog: Catalog | None = None) -> Answer:
        """Answer a question; `catalog` is a guild's catalog (built-in plus its own commands).
        A question with a claimed number ("Have 5 million …?") gets a verdict line first."""
        if find_claims(question):
            return check_question(question, partial(self._read_and_answer, catalog=catalog))
        return self._read_and_answer(question, catalog)

    def _read_and_answer(self, question: str, catalog: Catalog | None = None) -> Answer:
        catalog = catalog or self.catalog
        reading = read_question(question, catalog, self.vocabulary)
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
        if "rank" in reading.operations:
            return self._ranked(reading, intent, command, question, catalog)
        answer = self.answer(intent, question, catalog)
        if answer.value is None and intent.time.years:
            answer = self._equal_with_the_period(reading, intent, answer, question, catalog)
        for operation in reading.operations:
            if operation in AVERAGES:
                if reason := average(answer, operation, command.aggregate):
                    return cannot_serve(reading, catalog, self.data_version, reason)
            elif operation in RECORDS:
                answer = self._record(answer, operation, intent, question, catalog)
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

        ranked = rank(name, list(choices[name].choices), answer_for)
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

    def _equal_with_the_period(
        self, reading: Reading, intent: Intent, answer: Answer, question: str, catalog: Catalog
    ) -> Answer:
        """Words that fit two series just as well: the one that has the asked period answers, and
        its headline says first that it stands in for the other. Dated claims never stand in."""
        for equal in reading.equals:
            other_intent = self._monthly_if_a_month_was_named(equal, catalog)
            rows, _ = self.run(catalog.commands[other_intent.command], other_intent.params)
            if any("claim" in r.flags for r in rows):
                continue
            other = self.answer(other_intent, question, catalog)
            if other.value is not None:
                other.headline = (
                    f"No figure in “{answer.title}” for this period; from “{other.title}”: "
                    + other.headline
                )
                return other
        return answer

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
        return self.answer(intent, question or _question_for(command, time), catalog)

    def periods(self, name: str, catalog: Catalog | None = None) -> list[str]:
        """The periods a command has figures for (default choices), oldest first: for autocomplete."""
        command = (catalog or self.catalog).commands[name]
        if command.sql not in self._periods:
            rows, _ = self.run(command, {})
            self._periods[command.sql] = [r.period for r in rows]
        return self._periods[command.sql]

    def _monthly_if_a_month_was_named(self, intent: Intent, catalog: Catalog) -> Intent:
        """'encounters march 2023': the monthly sibling (NAME-monthly) answers a named month."""
        command = catalog.commands[intent.command]
        sibling = catalog.commands.get(f"{command.name}-monthly")
        months = intent.time.month or intent.time.first_month
        if months and command.series == "fiscal_year" and sibling:
            return replace(intent, command=sibling.name)
        return intent

    def run(self, command: Command, choices: dict[str, str]) -> tuple[list[Row], dict[str, str]]:
        """The command's series, with its choice parameters bound (defaults where not given)."""
        bound = {p.name: choices.get(p.name) or p.default or "all" for p in command.sql_params}
        result = self.db.query(command.sql, bound)
        return rows_of(result.columns, result.rows, command.series), bound

    def answer(self, intent: Intent, question: str, catalog: Catalog | None = None) -> Answer:
        command = (catalog or self.catalog).commands[intent.command]
        rows, bound = self.run(command, intent.params)
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
        filters = [display_choice(v) for k, v in bound.items() if v != "all"]
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
            if not rows:
                answer.headline = "This query returned no figures."
            elif missing:
                answer.headline = missing_notice(missing, rows, command.series)
            else:
                answer.headline = "No figure for the period you asked about in this series."
            answer.interpretation = f"Read as: {_reading_label(command, metric, filters)}"
            if not filters:
                answer.sources_differ = sources_differ(
                    self.db, self.metrics, self.sources, command, [], list(intent.time.years)
                )
            return answer
        self._fill_figure(answer, command, metric, selected, rows, intent.time, filters)
        answer.headline = (
            substitution(intent.time, missing, command.series, selected) + answer.headline
        )
        return answer

    def _fill_figure(
        self,
        answer: Answer,
        command: Command,
        metric: dict | None,
        selected: list[Row],
        rows: list[Row],
        time: TimeAsk,
        filters: list[str],
    ) -> None:
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
        answer.change = change_against(selected, rows, time, command.aggregate, self.sources)
        if answer.change is None and len(selected) == 1 and last.partial:
            answer.notices.append(
                f"No change line: {short_label(last.period)} covers only part of the year, and "
                "a part is not compared with a whole year."
            )
        # A comparison's headline states the later figure; the change line carries the earlier one.
        said = (
            long_label(last.period, last.partial_through)
            if time.kind == "compare"
            else answer.period
        )
        values = {"value": answer.value_text, "period": said, "unit": command.unit}
        values |= {k: display_choice(v) for k, v in answer.sql_params.items()}
        answer.headline = _fill(command.headline, values)
        unstated = [
            f"{name.replace('_', ' ')}: {display_choice(v)}"
            for name, v in answer.sql_params.items()
            if v != "all" and "{" + name + "}" not in command.headline
        ]
        if unstated:
            answer.headline += f" — {'; '.join(unstated)}"
        if len(selected) > 1 and command.aggregate == "sum" and time.kind != "compare":
            answer.headline = sum_kind(selected) + answer.headline
        used = [r for r in selected if r.source_id in self.sources]
        source_ids = list(dict.fromkeys(r.source_id for r in used)) or [
            s for s in command.sources if s in self.sources
        ]
        if any(self.sources[s].kind == "secondary" for s in source_ids):
            # Name the publication the secondary copy reproduces, so the reader can go to it.
            source_ids += [
                s
                for s in command.sources
                if s in self.sources and s not in source_ids and self.sources[s].kind != "secondary"
            ]
        answer.sources = [self.sources[s] for s in source_ids]
        answer.notices += row_notices(selected, self.sources)
        publishers = ", ".join(dict.fromkeys(_short_publisher(s) for s in answer.sources))
        answer.interpretation = (
            f"Read as: {_reading_label(command, metric, filters)} · {answer.period} · {publishers}"
        )
        if all(v == "all" for v in answer.sql_params.values()):
            years = sorted({r.year for r in selected if r.year is not None})
            answer.sources_differ = sources_differ(
                self.db, self.metrics, self.sources, command, selected, years
            )
        if len(selected) == 1:
            published_range(answer, selected[0])


def _question_for(command: Command, time: TimeAsk) -> str:
    """A readable stand-in for the question when the user picked options instead of typing."""
    if time.kind == "compare":
        return f"{command.title}, {' vs '.join(str(y) for y in time.years)}"
    if time.kind == "range":
        return f"{command.title}, {time.years[0]}–{time.years[-1]}"
    if time.kind == "single":
        return f"{command.title}, {time.years[0]}"
    if time.kind == "since":
        return f"{command.title}, since {time.years[0]}"
    return f"{command.title}, latest"


def _reading_label(command: Command, metric: dict | None, filters: list[str]) -> str:
    label = metric["label"] if metric else command.title
    return label + (f" ({', '.join(filters)})" if filters else "")


def _short_publisher(source: SourceRef) -> str:
    """The acronym in parentheses when there is one ('…Review (EOIR)' -> 'EOIR')."""
    match = re.search(r"\(([A-Z][A-Za-z/]{1,12})\)", source.publisher)
    if match:
        return match.group(1)
    return source.publisher.split(",")[0].split(" (")[0][:40]
