"""The words a catalog's commands use: every breakdown phrase (a sector, a region, a demographic …)
and every word that names what some command counts.

A phrase of another command left over in a question means the chosen command cannot serve it:
"green cards Tucson" must not be answered with the national figure.

Gathering them from two hundred commands costs milliseconds, so it is done once per catalog, and
a server's catalog (the built-in commands followed by the server's own, see `extends`) starts from
the built-in catalog's words and adds only its own commands': a server's first question does not
gather the built-in words again.
"""

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine.catalog import Catalog, Command
from bot.engine.textwords import alias_tokens


@dataclass(frozen=True)
class CatalogWords:
    choices: dict[tuple[str, ...], tuple[str, str]]  # phrase words -> (parameter, value)
    measures: frozenset[str]  # every word of every alias
    filler: frozenset[str]  # the filler they were cut with


# By id of a live catalog: an entry goes when its catalog is collected, so an id is never reused
# while its entry is kept.
_WORDS: dict[int, CatalogWords] = {}
_EXTENDS: dict[int, tuple[Catalog, tuple[Command, ...]]] = {}


def _keep(table: dict, catalog: Catalog, value: object) -> None:
    key = id(catalog)
    if key not in table:
        weakref.finalize(catalog, table.pop, key, None)
    table[key] = value


def extends(catalog: Catalog, base: Catalog, own: Sequence[Command]) -> None:
    """Say that `catalog` holds `base`'s commands, unchanged and in order, followed by `own`: its
    words are then base's words and own's. Said of anything else, it is ignored."""
    if len(catalog.commands) == len(base.commands) + len(own):
        _keep(_EXTENDS, catalog, (base, tuple(own)))


def _gathered(
    commands: Iterable[Command], filler: frozenset[str], start: CatalogWords | None = None
) -> CatalogWords:
    """`start`'s words, then the commands' (a phrase already taken keeps its first owner, as
    when the whole catalog is gathered in order)."""
    choices = dict(start.choices) if start else {}
    measures: set[str] = set(start.measures) if start else set()
    for command in commands:
        for alias in command.aliases:
            measures.update(alias_tokens(alias, filler))
        for param in command.params:
            for value, words in param.choices.items():
                for phrase in (value, *words):
                    key = alias_tokens(phrase, filler)
                    if key and value != "all":
                        choices.setdefault(key, (param.name, value))
    return CatalogWords(choices, frozenset(w for w in measures if not w.isdigit()), filler)


def catalog_words(catalog: Catalog, filler: frozenset[str]) -> CatalogWords:
    """The catalog's words, gathered once (a server's catalog from its built-in catalog's)."""
    held = _WORDS.get(id(catalog))
    if held is not None and held.filler == filler:
        return held
    if (extended := _EXTENDS.get(id(catalog))) is not None:
        base, own = extended
        found = _gathered(own, filler, catalog_words(base, filler))
    else:
        found = _gathered(catalog, filler)
    _keep(_WORDS, catalog, found)
    return found
