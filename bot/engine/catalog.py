"""Prepared queries from commands/*.toml: load, check, and report each problem with file, line and reason.

A moderator's bad file is reported and skipped; it never takes the working commands down. Two
commands answering the same words would make the answer depend on file order, so the second is
refused; a key of an older schema is reported, and ignored.
"""

import functools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.engine.command import CatalogProblem, Command, Param
from bot.engine.command_schema import SchemaProblems, parse_command, why_retired

log = logging.getLogger("immistats.catalog")
# Words the reader skips in a question, so an alias made different only by them is the same alias.
SMALL_WORDS = frozenset(
    ["a", "an", "the", "of", "in", "on", "at", "for", "to", "by", "from", "with", "and", "or"]
)

# Command, Param and CatalogProblem live in bot.engine.command; the rest of the bot reads them here.
__all__ = [
    "Catalog",
    "CatalogProblem",
    "Command",
    "Param",
    "Phrase",
    "clashes",
    "line_of",
    "load_catalog",
    "load_text",
    "phrase_key",
]


@dataclass
class Catalog:
    commands: dict[str, Command]
    problems: list[CatalogProblem]

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands.values())

    def get(self, name: str) -> Command | None:
        return self.commands.get(name)

    @property
    def skipped(self) -> list[CatalogProblem]:
        """The problems of files that did not load (a file that loads may still have problems:
        a retired key)."""
        loaded = {c.path.name for c in self.commands.values() if c.path}
        return [p for p in self.problems if p.file not in loaded]


def line_of(text: str, key: str) -> int:
    """The line where a key is set, for pointing a moderator at it (1 when not found).

    A dotted key is looked for in its table: 'chart.x' is the x under [chart], 'params.year' the
    [params.year] header."""
    match = re.search(rf"^\s*\[\s*{re.escape(key)}\s*\]", text, re.MULTILINE)
    if not match and "." in key:
        table, last = key.rsplit(".", 1)
        header = re.search(rf"^\s*\[\s*{re.escape(table)}\s*\]", text, re.MULTILINE)
        setting = re.compile(rf"^\s*{re.escape(last)}\s*=", re.MULTILINE)
        match = setting.search(text, header.end() if header else 0)
    if not match:
        match = re.search(rf"^\s*(\[\s*)?{re.escape(key)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _line_of_word(text: str, key: str, word: str) -> int:
    """The line of one entry of a list (an alias), else the line of the list's key."""
    for quoted in (f'"{word}"', f"'{word}'"):
        if (at := text.find(quoted)) >= 0:
            return text.count("\n", 0, at) + 1
    return line_of(text, key)


def load_text(text: str, path: Path) -> tuple[Command | None, list[CatalogProblem]]:
    try:
        return parse_command(text, path), []
    except SchemaProblems as problems:
        return None, [
            CatalogProblem(path.name, line_of(text, key) if key else _toml_line(reason), reason)
            for key, reason in problems.found
        ]


def _toml_line(reason: str) -> int:
    match = re.search(r"line (\d+)", reason)
    return int(match.group(1)) if match else 1


@functools.lru_cache(maxsize=65_536)  # every catalog load compares each pair of phrases
def phrase_key(text: str) -> str:
    """What makes two names or aliases the same words to the engine, which reads a question word
    by word and in any order: case, punctuation, spacing, small words (SMALL_WORDS), a plural 's'
    and word order do not count ('The terminations?' is 'terminations', 'asylum-terminated' is
    'terminated asylum')."""
    spaced = re.sub(r"[-‐-―_/]", " ", text.casefold().replace("’", "'"))
    words = re.sub(r"[^\w\s]", "", spaced).split()
    meaningful = [w for w in words if w not in SMALL_WORDS]
    return " ".join(sorted(word.rstrip("s") or word for word in meaningful or words))


@dataclass(frozen=True)
class Phrase:
    """A name or an alias, as said in its file: `kind` is 'name' or 'alias'."""

    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind} '{self.text}'"


def _phrases(command: Command) -> list[Phrase]:
    return [Phrase("name", command.name), *(Phrase("alias", a) for a in command.aliases)]


def clashes(command: Command, others: Iterable[Command]) -> list[tuple[Phrase, Phrase, Command]]:
    """Each name or alias of `command` that one of `others` already answers, with the other's
    phrase and the other command; `command` itself is never among the others."""
    owner: dict[str, tuple[Phrase, Command]] = {}
    for other in others:
        if other is not command:
            for phrase in _phrases(other):
                owner.setdefault(phrase_key(phrase.text), (phrase, other))
    return [
        (phrase, *owner[key])
        for phrase in _phrases(command)
        if (key := phrase_key(phrase.text)) in owner
    ]


def _file(command: Command) -> str:
    return command.path.name if command.path else command.name


def _clash_problems(command: Command, others: Iterable[Command]) -> list[CatalogProblem]:
    return [
        CatalogProblem(
            _file(command),
            _line_of_word(command.text, "aliases", mine.text)
            if mine.kind == "alias"
            else line_of(command.text, "name"),
            f"{mine} is already answered by {_file(owner)} ({theirs}): one command per phrase",
        )
        for mine, theirs, owner in clashes(command, others)
    ]


def _retired_problems(command: Command) -> list[CatalogProblem]:
    return [
        CatalogProblem(
            _file(command),
            line_of(command.text, key),
            f"'{key}' is no longer read ({why_retired(tuple(key.split('.')))}): delete it",
        )
        for key in command.retired
    ]


def _load_file(
    path: Path, loaded: dict[str, Command]
) -> tuple[Command | None, list[CatalogProblem]]:
    """One file: its command (None when refused) and every problem found in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [CatalogProblem(path.name, 1, f"cannot be read: {exc}")]
    command, found = load_text(text, path)
    if command is None:
        return None, found
    found = _retired_problems(command)
    if refused := _clash_problems(command, loaded.values()):
        return None, found + refused
    return command, found


def load_catalog(folder: Path) -> Catalog:
    """Every *.toml in the folder; good files load even when others are broken, and each file
    skipped is logged with its reasons (no file, however malformed, stops the others)."""
    commands: dict[str, Command] = {}
    problems: list[CatalogProblem] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            command, found = _load_file(path, commands)
        except Exception as exc:  # a bug in a check must cost one file, never the catalog
            log.exception("commands/%s skipped: checking it failed", path.name)
            command, found = None, [CatalogProblem(path.name, 1, f"checking it failed: {exc!r}")]
        problems += found
        if command is None:
            log.warning("commands/%s skipped: %s", path.name, "; ".join(map(str, found)))
            continue
        commands[command.name] = command
    return Catalog(commands, problems)
