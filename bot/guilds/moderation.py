"""One validator for a moderator's prepared query, whether it comes from a file or from Discord.

It parses the TOML like any command file, refuses names and aliases that would shadow a built-in or
another of the guild's commands (compared as the reader reads them: catalog.phrase_key), and runs
the same checks as `immistats commands check` (engine.checks): ids, and the query with its defaults
and each choice in the read-only sandbox, its rows as the engine will read them. A query that fails,
times out, returns nothing or returns rows the engine cannot answer from is refused in plain words.
"""

from dataclasses import dataclass
from pathlib import Path

from bot.engine.catalog import Catalog, CatalogProblem, Command, clashes, load_text
from bot.engine.checks import Known, check_command
from bot.engine.db import StatsDB

MAX_TOML = 8000  # characters: a prepared query is small; this bounds what a moderator can paste


FILE = Path("command.toml")  # what a moderator's text is called in its problems
MONTHLY = "-monthly"  # the engine sends a month question for NAME to NAME-monthly


def plain(problem: CatalogProblem) -> str:
    """A problem in a moderator's words: 'line 6: reason', or the reason alone."""
    return f"line {problem.line}: {problem.reason}" if problem.line else problem.reason


@dataclass(frozen=True)
class Verdict:
    command: Command | None
    found: list[CatalogProblem]  # line 0: about the whole command, not one line of it

    @property
    def problems(self) -> list[str]:
        return [plain(problem) for problem in self.found]

    @property
    def ok(self) -> bool:
        return self.command is not None and not self.found


def built_in(command: Command) -> bool:
    """A command shipped in commands/ (a server's own are parsed as FILE)."""
    return command.path != FILE


def shadowing(command: Command, catalog: Catalog, replacing: str | None = None) -> list[str]:
    """Names or aliases already answered by another command of this catalog: the same check, and
    the same idea of 'the same words' (catalog.phrase_key), as between the built-in files; and a
    name the engine would pair with a built-in command for month questions (NAME-monthly takes
    NAME's, NAME would send its own to NAME-monthly)."""
    problems = []
    others = [c for c in catalog if c.name != replacing]
    for mine, theirs, owner in clashes(command, others):
        if mine.kind == theirs.kind == "name":
            problems.append(f"the name '{mine.text}' is already taken")
            continue
        said = "" if mine == theirs else f" (its {theirs})"
        problems.append(f"the {mine} is already used by '{owner.name}'{said}")
    for relative in month_relatives(command.name):
        if (owner := catalog.get(relative)) is None or not built_in(owner):
            continue
        if relative == command.name + MONTHLY:
            said = f"would send its month questions to the built-in '{owner.name}'"
        else:
            said = f"would answer the month questions of the built-in '{owner.name}'"
        problems.append(f"the name '{command.name}' {said}: choose another name")
    return problems


def month_relatives(name: str) -> tuple[str]:
    """The command the engine pairs with `name` for a named month: NAME sends its month
    questions to NAME-monthly."""
    return (name[: -len(MONTHLY)],) if name.endswith(MONTHLY) else (name + MONTHLY,)


def validate(
    text: str,
    catalog: Catalog,
    db: StatsDB,
    *,
    replacing: str | None = None,
) -> Verdict:
    """Check a moderator's TOML against the guild's catalog and the real database."""
    if len(text) > MAX_TOML:
        return Verdict(None, [_whole(f"the file is longer than {MAX_TOML:,} characters")])
    command, found = load_text(text, FILE)
    if command is None:
        return Verdict(None, found)
    if replacing and command.name != replacing:
        return Verdict(None, [_whole(f"the name must stay '{replacing}' when editing")])
    found = [_whole(problem) for problem in shadowing(command, catalog, replacing)]
    return Verdict(command, found + check_command(command, db, Known.of(db)))


def _whole(reason: str) -> CatalogProblem:
    return CatalogProblem(FILE.name, 0, reason)


def with_commands(base: Catalog, extra: list[Command]) -> Catalog:
    """A guild's catalog: the built-in commands and the guild's own, which never replace them."""
    commands = dict(base.commands)
    for command in extra:
        commands.setdefault(command.name, command)
    return Catalog(commands, [])
