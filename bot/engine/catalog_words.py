"""The words a catalog's commands use, gathered once per catalog: every breakdown phrase (a sector,
a region, a demographic …) and every word that names what some command counts.

A phrase of another command left over in a question means the chosen command cannot serve it:
"green cards Tucson" must not be answered with the national figure.
"""

from dataclasses import dataclass

from bot.engine.catalog import Catalog
from bot.engine.textwords import alias_tokens

MAX_CACHED_CATALOGS = 256


@dataclass(frozen=True)
class CatalogWords:
    choices: dict[tuple[str, ...], tuple[str, str]]  # phrase words -> (parameter, value)
    measures: frozenset[str]  # every word of every alias


_CACHE: dict[int, tuple[Catalog, CatalogWords]] = {}


def catalog_words(catalog: Catalog, filler: frozenset[str]) -> CatalogWords:
    """Cached per catalog object (kept with its entry, so its id cannot be reused while cached)."""
    held = _CACHE.get(id(catalog))
    if held is not None and held[0] is catalog:
        return held[1]
    choices: dict[tuple[str, ...], tuple[str, str]] = {}
    measures: set[str] = set()
    for command in catalog:
        for alias in command.aliases:
            measures.update(alias_tokens(alias, filler))
        for param in command.params:
            for value, words in param.choices.items():
                for phrase in (value, *words):
                    key = alias_tokens(phrase, filler)
                    if key and value != "all":
                        choices.setdefault(key, (param.name, value))
    found = CatalogWords(choices, frozenset(w for w in measures if not w.isdigit()))
    if len(_CACHE) >= MAX_CACHED_CATALOGS:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(catalog)] = (catalog, found)
    return found
