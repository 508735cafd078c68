"""Built-in commands that came after a server's own command with the same words: in that server,
the server's command keeps answering and the built-in is hidden.

A moderator cannot add a command sharing a name or an alias with a built-in one
(moderation.shadowing). But the built-in commands grow, and a later release may bring one whose
name or alias a server's stored command already uses. Letting the built-in take those words over
would change what the server's members get with no one there deciding it; dropping the server's
command would too. So the server's command keeps them, and in that server the built-in is hidden
whole, by all its names: a question is never answered partly by one and partly by the other.
/commands list and /commands show say which built-in a command hides, so that its moderators can
rename their command to get the built-in back. Every other server gets the built-in.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine.catalog import Catalog, CatalogProblem, Command, phrase_key
from bot.engine.catalog_words import extends
from bot.guilds.moderation import month_relatives


@dataclass
class ServerCatalog(Catalog):
    """A server's catalog; `hides`: each of its own commands that hides built-ins -> their names."""

    hides: dict[str, tuple[str, ...]] = field(default_factory=dict)


def hidden_built_ins(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """The server's commands that hide built-in ones, with the names of those (none outside one)."""
    return catalog.hides if isinstance(catalog, ServerCatalog) else {}


class BuiltInWords:
    """The built-in commands' names and aliases, as the reader compares them (phrase_key),
    gathered once: a server's hundred commands are then compared in a fraction of a millisecond."""

    def __init__(self, base: Catalog) -> None:
        self.base = base
        self._owner = {
            phrase_key(text): command.name
            for command in base
            for text in (command.name, *command.aliases)
        }

    def hidden_by(self, command: Command) -> tuple[str, ...]:
        """The built-ins a server's command shares a name or an alias with, or whose month
        questions it would answer (or would send its own to). Run for every stored command at
        every build: kept to a few dictionary lookups."""
        owner = self._owner
        found = [
            name
            for text in (command.name, *command.aliases)
            if (name := owner.get(phrase_key(text)))
        ]
        (relative,) = month_relatives(command.name)
        if relative in self.base.commands:
            found.append(relative)
        return tuple(dict.fromkeys(found)) if found else ()

    def server_catalog(
        self, own: Sequence[Command], problems: list[CatalogProblem]
    ) -> ServerCatalog:
        """The built-in commands, but those the server's own hide, then the server's own."""
        hides = {command.name: names for command in own if (names := self.hidden_by(command))}
        hidden = {name for names in hides.values() for name in names}
        commands = dict(self.base.commands)  # copied whole: most servers hide nothing
        for name in hidden:
            del commands[name]
        commands.update((command.name, command) for command in own)
        catalog = ServerCatalog(commands, problems, hides)
        if not hidden:  # the built-in catalog's words, then only the server's own
            extends(catalog, self.base, own)
        return catalog
