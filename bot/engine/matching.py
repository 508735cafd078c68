"""One command against the question's words: its aliases and its breakdowns' phrases, in any
order, with typos in longer words forgiven. A place is said in one breath, so a breakdown's
phrase must be matched by neighbouring words."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.engine.catalog import Command, Param
from bot.engine.choice_index import FUZZY_HAVE, FUZZY_WANT, TYPO_SCORE, ChoiceIndex, build_index
from bot.engine.lru import Lru
from bot.engine.textwords import alias_tokens

PLURAL_SCORE = 98.0  # word_score of a word said with or without its plural s
EXACT_SCORE = PLURAL_SCORE  # the word itself (100) or its plural: not a typo


@dataclass(frozen=True)
class Match:
    """How well one command reads the question."""

    command: Command
    params: dict[str, str]
    covered: int  # content words explained by an alias or a choice word
    leftover: tuple[str, ...]  # content words nothing explained
    used: frozenset[int]  # indexes of the content words it explained
    similarity: float  # mean rapidfuzz score of the matched alias words (100 = exact)
    alias: str
    after: frozenset[str] = frozenset()  # choice parameters said after the alias's words


@lru_cache(maxsize=65536)
def word_score(want: str, have: str) -> float:
    """Exact for short words and numbers (typos there change the meaning); fuzzy for longer ones."""
    if want == have:
        return 100.0
    if want.isdigit() or have.isdigit() or len(want) < FUZZY_WANT or len(have) < FUZZY_HAVE:
        return 0.0
    if want.rstrip("s") == have.rstrip("s"):
        return PLURAL_SCORE
    return fuzz.ratio(want, have)


def match_phrase(
    phrase: list[str], words: list[str], taken: set[int]
) -> tuple[list[int], float] | None:
    """Positions of `words` that spell `phrase` (each phrase word matched once), or None."""
    used: list[int] = []
    scores: list[float] = []
    for want in phrase:
        best, best_at = 0.0, -1
        for at, have in enumerate(words):
            if at in taken or at in used:
                continue
            score = word_score(want, have)
            if score > best:
                best, best_at = score, at
        if best < TYPO_SCORE:
            return None
        used.append(best_at)
        scores.append(best)
    return used, sum(scores) / len(scores)


def match_together(
    phrase: list[str], words: list[str], taken: set[int]
) -> tuple[list[int], float] | None:
    """match_phrase, with the phrase's words side by side (in any order): a breakdown value is
    said in one breath, so "border … Mexicans" is not "Mexico border"."""
    found = match_phrase(phrase, words, taken)
    size = len(phrase)
    if found is None or max(found[0]) - min(found[0]) < size:
        return found
    best = None
    for start in range(len(words) - size + 1):
        outside = set(range(len(words))) - set(range(start, start + size))
        here = match_phrase(phrase, words, taken | outside)
        if here and (best is None or here[1] > best[1]):
            best = here
    return best


_indexes: Lru[tuple[int, frozenset[str]], tuple[object, ChoiceIndex]] = Lru(4096)


def _index(
    of: object, phrases: Callable[[], Mapping[str, tuple[str, ...]]], filler: frozenset[str]
) -> ChoiceIndex:
    """The index of `of`'s phrases, kept per object and filler words."""
    key = (id(of), filler)
    kept = _indexes.get(key)
    if kept is None or kept[0] is not of:  # an id reused by a new catalog's object
        kept = (of, build_index(phrases(), lambda p: alias_tokens(p, filler)))
        _indexes.put(key, kept)
    return kept[1]


def index_of(param: Param, filler: frozenset[str]) -> ChoiceIndex:
    """A breakdown's phrases, by the value each names."""
    return _index(param.choices, lambda: param.choices, filler)


def aliases_of(command: Command, filler: frozenset[str]) -> ChoiceIndex:
    """A command's aliases, each its own value."""
    return _index(command.aliases, lambda: {a: (a,) for a in command.aliases}, filler)


def choice_hits(
    param: Param,
    words: list[str],
    taken: set[int],
    filler: frozenset[str],
    least: float = TYPO_SCORE,
) -> tuple[str, list[int], float] | None:
    """The choice whose longest, then closest, word-phrase appears in the question (its words
    scoring `least` or more on average): the value, the words' positions and their score.

    Closest matters: "accompanied minors" must not read as a typo of "unaccompanied minors".
    """
    best: tuple[int, float, str, list[int]] | None = None
    for value, parts in index_of(param, filler).candidates(tuple(words)):
        found = match_together(list(parts), words, taken)
        if found and found[1] >= least and (best is None or (len(parts), found[1]) > best[:2]):
            best = (len(parts), found[1], value, found[0])
    return (best[2], best[3], best[1]) if best else None


def said_again(
    phrases: tuple[str, ...], words: list[str], taken: set[int], filler: frozenset[str]
) -> set[int]:
    """Other words for the value already chosen ("Title 42 expulsions": both name Title 42)."""
    again: set[int] = set()
    for phrase in phrases:
        parts = list(alias_tokens(phrase, filler))
        found = match_together(parts, words, taken | again) if parts else None
        if found:
            again |= set(found[0])
    return again


def match_command(command: Command, words: list[str], filler: frozenset[str]) -> Match | None:
    """Read the question as this command; None when none of its aliases fits."""
    taken: set[int] = set()
    params: dict[str, str] = {}
    first_at: dict[str, int] = {}
    # Words said exactly (or as a plural) go to their breakdown first, typos after: "Indiana"
    # is a state before it is a misspelt "India". Within each, the longest phrase first: "New
    # Mexico" is a state before its "Mexico" is a country.
    choices = [p for p in command.params if p.type == "choice"]
    for least in (EXACT_SCORE, TYPO_SCORE):
        while True:
            hits = [
                (param, hit)
                for param in choices
                if param.name not in params
                and (hit := choice_hits(param, words, taken, filler, least))
            ]
            if not hits:
                break
            param, (value, at, _) = max(hits, key=lambda h: (len(h[1][1]), h[1][2]))
            params[param.name] = value
            first_at[param.name] = min(at)
            taken |= set(at) | said_again(param.choices[value], words, taken, filler)
    best: tuple[int, float, str, list[int]] | None = None
    for alias, parts in aliases_of(command, filler).candidates(tuple(words)):
        found = match_phrase(list(parts), words, taken)
        if found and (best is None or (len(parts), found[1]) > (best[0], best[1])):
            best = (len(parts), found[1], alias, found[0])
    if best is None:
        return None
    for param in command.params:
        if param.required and param.name not in params:
            return None
    covered = taken | set(best[3])
    leftover = tuple(w for at, w in enumerate(words) if at not in covered)
    after = frozenset(name for name, at in first_at.items() if at > max(best[3]))
    return Match(
        command, params, len(covered), leftover, frozenset(covered), best[1], best[2], after
    )


def match_rank(match: Match) -> tuple:
    return (
        match.covered - len(match.leftover),
        match.covered,
        match.similarity,
        -len(match.command.params),
    )
