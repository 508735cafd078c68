"""Each server's catalog: the built-in commands plus the ones its moderators added.

Guild commands are answered through /ask and /run, never registered as slash commands, so adding
one needs no re-sync (Discord's 100-command and 200-creations-a-day limits stay out of the way).
A catalog is built once per server, kept compiled (the least recently used dropped past a bound)
and rebuilt after a change. A stored command is checked when it is stored and once per data
version (and set of built-in commands): one that passed is kept compiled (guilds.checked) and
later only loaded, neither parsed nor checked again. One that no longer passes (a column renamed,
a source dropped, a check added to the schema) is skipped and logged, never fatal, and kept among
the catalog's problems so that /commands list can say why. One that a newer built-in command
shares words with keeps answering in its server, and hides that built-in there (guilds.hidden).
"""

import logging
import threading
from collections import OrderedDict
from dataclasses import replace

from bot.engine.catalog import Catalog, CatalogProblem, Command
from bot.engine.db import StatsDB
from bot.guilds.checked import CheckedMarks
from bot.guilds.hidden import BuiltInWords, hidden_built_ins
from bot.guilds.moderation import Verdict, built_in, plain, validate
from bot.guilds.state import GuildCommand, StateStore

KEEP_CATALOGS = 500

log = logging.getLogger("immistats.guilds")


def not_answering(catalog: Catalog) -> dict[str, list[str]]:
    """A server catalog's stored commands that no longer pass the checks, each with its reasons
    in a moderator's words ('line 6: …'); they stay stored until a moderator fixes or removes them."""
    found: dict[str, list[str]] = {}
    for problem in catalog.problems:
        found.setdefault(problem.file, []).append(plain(problem))
    return found


def including(catalog: Catalog, command: Command) -> Catalog:
    """The catalog with `command` added or replacing its namesake: for a preview before saving."""
    return Catalog(catalog.commands | {command.name: command}, [])


class GuildCatalogs:
    """Per-guild catalogs, cached (at most ``keep``); thread-safe, as they are built in threads.

    ``marks`` remembers which stored commands passed their checks (in memory only by default)."""

    def __init__(
        self,
        base: Catalog,
        db: StatsDB,
        store: StateStore,
        *,
        marks: CheckedMarks | None = None,
        keep: int = KEEP_CATALOGS,
    ):
        self.base = base
        self.built_in_words = BuiltInWords(base)
        self.db = db
        self.store = store
        self.marks = marks or CheckedMarks(None, "", base)
        self.keep = max(1, keep)
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, Catalog] = OrderedDict()
        self._building: dict[int, threading.Lock] = {}
        # Bumped by every change, so that a build which started before it is never cached.
        self._generation: dict[int, int] = {}
        # Every committed change, this process's or another's on a shared PostgreSQL.
        store.on_change(self.invalidate)

    def cached(self, guild_id: int | None) -> Catalog | None:
        if guild_id is None:
            return self.base
        with self._lock:
            found = self._cache.get(guild_id)
            if found is not None:
                self._cache.move_to_end(guild_id)
            return found

    def catalog(self, guild_id: int | None) -> Catalog:
        """The guild's catalog (the built-in one outside a server). Reads the state database and
        runs every guild query once: call it in a thread. Questions arriving together while it is
        built wait for that one build instead of repeating it."""
        if (found := self.cached(guild_id)) is not None:
            return found
        assert guild_id is not None
        with self._lock:
            building = self._building.setdefault(guild_id, threading.Lock())
        with building:
            if (found := self.cached(guild_id)) is not None:
                return found
            with self._lock:
                generation = self._generation.get(guild_id, 0)
            catalog = self._build(guild_id)
            with self._lock:
                if self._generation.get(guild_id, 0) == generation:
                    self._cache[guild_id] = catalog
                    while len(self._cache) > self.keep:
                        self._cache.popitem(last=False)
            return catalog

    def validate(
        self, guild_id: int | None, toml: str, catalog: Catalog, *, replacing: str | None = None
    ) -> Verdict:
        """moderation.validate, remembering a pass so that the stored command is not checked
        again for this data version."""
        verdict = validate(toml, catalog, self.db, replacing=replacing)
        if verdict.ok and verdict.command is not None:
            self.marks.record(guild_id, verdict.command, toml)
        return verdict

    def checking(self, guild_id: int, replacing: str | None = None) -> Catalog:
        """What a command being added or edited is checked against: every built-in command (a
        new command never takes a built-in's name or alias, even one hidden here) and the
        server's own; a command being edited may keep sharing words with the built-ins it hides
        (they stay hidden here), never take another's."""
        catalog = self.catalog(guild_id)
        kept = set(hidden_built_ins(catalog).get(replacing or "", ()))
        own = {command.name: command for command in catalog if not built_in(command)}
        commands = dict(own)
        for name, command in self.base.commands.items():
            if name not in kept:  # one whose name a server's command took is compared too
                commands[f"{name} (built-in)" if name in own else name] = command
        return Catalog(commands, [])

    def why_not_answering(self, guild_id: int, stored: GuildCommand) -> list[str]:
        """Why a stored command is not in its server's catalog (nothing when it is)."""
        catalog = self.catalog(guild_id)
        if stored.name in catalog.commands:
            return []
        if found := not_answering(catalog).get(stored.name):
            return found
        own = {c.name: c for c in catalog if not built_in(c) and c.name != stored.name}
        return validate(stored.toml, Catalog(own, []), self.db, replacing=stored.name).problems

    def invalidate(self, guild_id: int) -> None:
        with self._lock:
            self._cache.pop(guild_id, None)
            self._generation[guild_id] = self._generation.get(guild_id, 0) + 1

    def _build(self, guild_id: int) -> Catalog:
        """Kept commands are only loaded; the others are checked against the server's commands
        so far (built-in ones they share words with are hidden, not a reason to skip them)."""
        own: list[Command] = []
        skipped: list[CatalogProblem] = []
        for stored in self.store.commands(guild_id):
            command = self.marks.compiled(guild_id, stored.toml)
            if command is None:
                command = self._check_stored(guild_id, stored, own, skipped)
            if command is not None:
                own.append(command)
        catalog = self.built_in_words.server_catalog(own, skipped)
        for name, hidden in catalog.hides.items():
            log.info(
                "guild %d: command %r hides the built-in %s", guild_id, name, ", ".join(hidden)
            )
        return catalog

    def _check_stored(
        self,
        guild_id: int,
        stored: GuildCommand,
        own: list[Command],
        skipped: list[CatalogProblem],
    ) -> Command | None:
        """The stored command checked once more, or None (its problems added to `skipped`)."""
        try:
            verdict = self.validate(guild_id, stored.toml, Catalog({c.name: c for c in own}, []))
        except Exception:
            log.exception(
                "guild %d: command %r skipped, validating it failed", guild_id, stored.name
            )
            skipped.append(CatalogProblem(stored.name, 0, "checking it failed (logged)"))
            return None
        if not verdict.ok or verdict.command is None:
            log.warning(
                "guild %d: command %r skipped, it no longer validates: %s",
                guild_id,
                stored.name,
                "; ".join(verdict.problems),
            )
            skipped += [replace(problem, file=stored.name) for problem in verdict.found]
            return None
        return verdict.command
