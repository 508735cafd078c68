"""One validator for a moderator's prepared query, whether it comes from a file or from Discord.

It parses the TOML like any command file, refuses names and aliases that would shadow a built-in or
another of the guild's commands, and runs the query with its defaults in the read-only sandbox:
a query that fails, times out or returns nothing is refused with the reason in plain words.
"""

from dataclasses import dataclass
from pathlib import Path

from bot.engine.catalog import Catalog, CatalogProblem, Command, load_text
from bot.engine.checks import check_command
from bot.engine.db import StatsDB

MAX_TOML = 8000  # characters: a prepared query is small; this bounds what a moderator can paste


@dataclass(frozen=True)
class Verdict:
    command: Command | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return self.command is not None and not self.problems


def _alias_key(alias: str) -> str:
    return " ".join(alias.lower().split())


def shadowing(command: Command, catalog: Catalog, replacing: str | None = None) -> list[str]:
    """Names or aliases already answered by another command of this catalog."""
    problems = []
    others = [c for c in catalog if c.name != replacing]
    if any(c.name == command.name for c in others):
        problems.append(f"the name '{command.name}' is already taken")
    owner = {_alias_key(a): c.name for c in others for a in c.aliases}
    for alias in command.aliases:
        if (key := _alias_key(alias)) in owner:
            problems.append(f"the alias '{alias}' is already used by '{owner[key]}'")
    return problems


def validate(
    text: str,
    catalog: Catalog,
    db: StatsDB,
    *,
    replacing: str | None = None,
) -> Verdict:
    """Check a moderator's TOML against the guild's catalog and the real database."""
    if len(text) > MAX_TOML:
        return Verdict(None, [f"the file is longer than {MAX_TOML:,} characters"])
    command, found = load_text(text, Path("command.toml"))
    if command is None:
        return Verdict(None, [_plain(p) for p in found])
    if replacing and command.name != replacing:
        return Verdict(None, [f"the name must stay '{replacing}' when editing"])
    problems = shadowing(command, catalog, replacing)
    source_ids = {row[0] for row in db.query("select id from sources", {}).rows}
    problems += [_plain(p) for p in check_command(command, db, source_ids)]
    return Verdict(command, problems)


def _plain(problem: CatalogProblem) -> str:
    return f"line {problem.line}: {problem.reason}"


def with_commands(base: Catalog, extra: list[Command]) -> Catalog:
    """A guild's catalog: the built-in commands and the guild's own, which never replace them."""
    commands = dict(base.commands)
    for command in extra:
        commands.setdefault(command.name, command)
    return Catalog(commands, [])
