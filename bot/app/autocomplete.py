"""Autocomplete for the slash commands, prepared once off the event loop so keystrokes never wait.

Discord gives an autocomplete 3 seconds and shows at most 25 choices of at most 100 characters; the
metric list is fuzzy (rapidfuzz) over command names, titles and aliases, the years come from the
command's own series, newest first.
"""

import logging
import re

from discord import app_commands
from rapidfuzz import fuzz, process, utils

from bot.engine.answering import Engine
from bot.engine.catalog import Catalog, Command, Param
from bot.engine.figure import display_choice
from bot.engine.periods import fiscal_year_span, parse_period

log = logging.getLogger(__name__)

MAX_CHOICES = 25
NAME_LIMIT = 100
FUZZY_CUTOFF = 60  # below this a metric is not offered while typing
RESOLVE_CUTOFF = 85  # a metric typed without picking from the list must be this close
# The /stat options and the command parameters they fill, in order of preference.
OPTION_PARAMS = {"region": ("region", "sector"), "citizenship": ("citizenship",)}


def _clip(text: str) -> str:
    return text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1].rstrip() + "…"


def years_of(periods: list[str]) -> list[tuple[int, str]]:
    """(year, label) for each fiscal or calendar year a series has, newest first."""
    found: dict[int, str] = {}
    for period in periods:
        parsed = parse_period(period)
        if parsed is None or parsed.kind == "fiscal_year_range":
            continue
        if parsed.kind == "calendar_year" and parsed.calendar_year:
            found.setdefault(parsed.calendar_year, f"{parsed.calendar_year} (calendar year)")
        elif parsed.fiscal_year:
            year = parsed.fiscal_year
            found.setdefault(year, f"FY{year} ({fiscal_year_span(year)})")
    return sorted(found.items(), reverse=True)


def year_options(years: list[tuple[int, str]], typed: str) -> list[app_commands.Choice[int]]:
    """(year, label) pairs as choices, filtered by the digits typed."""
    digits = re.sub(r"\D", "", typed)
    return [
        app_commands.Choice(name=label, value=year) for year, label in years if digits in str(year)
    ][:MAX_CHOICES]


def option_param(command: Command, option: str) -> Param | None:
    """The choice parameter a /stat option fills for this command, if it has one."""
    for name in OPTION_PARAMS.get(option, ()):
        param = command.param(name)
        if param is not None and param.choices:
            return param
    return None


def match_choice(param: Param, text: str) -> str | None:
    """The choice value meant by `text`: the value itself, its display form, or one of its words."""
    wanted = " ".join(text.lower().split())
    for value, words in param.choices.items():
        if wanted in (value.lower(), display_choice(value).lower(), *words):
            return value
    return None


class Completion:
    """The catalog's searchable words and each command's years, built once per catalog."""

    def __init__(self, catalog: Catalog, years: dict[str, list[tuple[int, str]]]):
        self.catalog = catalog
        self.years = years
        self._texts: list[str] = []
        self._owners: list[str] = []
        for command in catalog:
            for text in (command.name, command.title, *command.aliases):
                self._texts.append(utils.default_process(text))
                self._owners.append(command.name)
        self._by_title = sorted(catalog, key=lambda c: (c.series == "month", c.title.lower()))

    @classmethod
    def build(cls, engine: Engine) -> "Completion":
        """Reads every command's periods (about 0.1 s in all): run it in a thread, at start."""
        years: dict[str, list[tuple[int, str]]] = {}
        for command in engine.catalog:
            try:
                years[command.name] = years_of(engine.periods(command.name))
            except Exception:
                log.exception("cannot list the periods of command %r", command.name)
        return cls(engine.catalog, years)

    def _ranked(self, typed: str) -> list[tuple[str, float]]:
        query = utils.default_process(typed)
        best: dict[str, float] = {}
        for _, score, index in process.extract(
            query,
            self._texts,
            scorer=fuzz.WRatio,
            processor=None,
            limit=None,
            score_cutoff=FUZZY_CUTOFF,
        ):
            name = self._owners[index]
            bonus = 5 if self._texts[index].startswith(query) else 0
            best[name] = max(best.get(name, 0), score + bonus)
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    def metrics(self, typed: str) -> list[app_commands.Choice[str]]:
        """Commands matching what has been typed so far; the value is the command's name."""
        if typed.strip():
            commands = [self.catalog.commands[name] for name, _ in self._ranked(typed)]
        else:
            commands = self._by_title
        return [
            app_commands.Choice(name=_clip(c.title), value=c.name) for c in commands[:MAX_CHOICES]
        ]

    def resolve(self, text: str) -> Command | None:
        """The command a metric option means: its name (picked from the list) or close words."""
        text = text.strip()
        if command := self.catalog.commands.get(text):
            return command
        if not text:
            return None
        ranked = self._ranked(text)
        if ranked and ranked[0][1] >= RESOLVE_CUTOFF:
            return self.catalog.commands[ranked[0][0]]
        return None

    def year_choices(self, metric: str, typed: str) -> list[app_commands.Choice[int]]:
        """The years the metric has figures for, newest first, filtered by the digits typed."""
        command = self.resolve(metric)
        if command is None:
            return []
        return year_options(self.years.get(command.name, []), typed)

    def run_choices(self, catalog: Catalog, typed: str) -> list[app_commands.Choice[str]]:
        """For /run: the server's own commands first (by name), then the built-in ones."""
        wanted = " ".join(typed.lower().split())
        own = [
            c
            for c in sorted(catalog, key=lambda c: c.name)
            if c is not self.catalog.commands.get(c.name)  # its own, even named like a built-in
            and any(wanted in text.lower() for text in (c.name, c.title, *c.aliases))
        ]
        mine = [
            app_commands.Choice(name=_clip(f"{c.title} · this server"), value=c.name) for c in own
        ]
        shown = [
            m for m in self.metrics(typed) if catalog.get(m.value) is self.catalog.get(m.value)
        ]
        return (mine + shown)[:MAX_CHOICES]  # built-ins the server's commands hide are left out

    def option_choices(
        self, metric: str, option: str, typed: str
    ) -> list[app_commands.Choice[str]]:
        """The chosen metric's values for a /stat option (region, citizenship); [] when it has none."""
        command = self.resolve(metric)
        param = option_param(command, option) if command else None
        if param is None:
            return []
        wanted = " ".join(typed.lower().split())
        found = [
            app_commands.Choice(name=_clip(display_choice(value)), value=value)
            for value, words in param.choices.items()
            if value != "all"
            and len(value) <= NAME_LIMIT
            and (
                wanted in value.lower()
                or wanted in display_choice(value).lower()
                or any(wanted in word for word in words)
            )
        ]
        return found[:MAX_CHOICES]
