"""A question or an alias as words: lower-case, punctuation out, filler dropped from aliases.

Shared by the reader and the catalog's word lists, so both cut words the same way.
"""

import re
from functools import lru_cache

MAX_QUESTION = 500  # characters read; longer questions are cut before parsing
# Place names whose first word is filler elsewhere ("new cases"): one word, so that "New
# Mexico" never leaves a bare "Mexico" for the country to take.
_NEW_PLACES = re.compile(r"\bnew\s+(mexico|york|jersey|hampshire)")


def normalise(text: str) -> str:
    text = text[:MAX_QUESTION].lower().replace("’", "'")
    text = re.sub(r"[‐-―]", "-", text)
    text = _NEW_PLACES.sub(r"new-\1", text)
    return re.sub(r"[^\w\s'\-.,]", " ", text)


def tokens(text: str) -> list[str]:
    return [t.strip("'.,-") for t in re.split(r"[\s,]+", text) if t.strip("'.,-")]


@lru_cache(maxsize=8192)
def alias_tokens(alias: str, filler: frozenset[str]) -> tuple[str, ...]:
    """An alias's (or choice phrase's) meaningful words: filler is dropped as from questions."""
    words = [p for p in tokens(normalise(alias)) if p not in filler]
    return tuple(words or tokens(alias.lower()))
