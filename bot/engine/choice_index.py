"""Which of a parameter's phrases a question could spell, found from the question's few words.

A breakdown such as citizenship has hundreds of phrases, and a question is read against every
command: trying each phrase in turn cost 19 ms of a first ask. The index knows every word of the
phrases; a question's words pick out the ones they could be (the same test as matching's
word_score: the word itself, its plural, or a typo of a longer word), and only phrases made of
those words are tried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

TYPO_SCORE = 84  # rapidfuzz ratio at or above which a word counts as a typo of another
FUZZY_WANT, FUZZY_HAVE = 5, 4  # shorter words (and numbers) must be said exactly


@dataclass(frozen=True)
class ChoiceIndex:
    """A parameter's phrases as words, in the order the catalog gives them."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]  # (value, the phrase's words)
    containing: Mapping[str, tuple[int, ...]]  # word -> positions of the phrases with it
    fuzzy: tuple[str, ...]  # the words a typo may stand for (long, not numbers)
    longest: int  # the longest of them: a word over twice as long is no typo of any
    by_stem: Mapping[str, tuple[str, ...]]  # a fuzzy word without its trailing s -> the words
    # The last question's words and what they could be: reading one question asks each index
    # more than once (exact words first, then typos). One tuple, replaced whole: thread-safe.
    _last: list[tuple[tuple[str, ...], frozenset[str]] | None] = field(
        default_factory=lambda: [None], compare=False, repr=False
    )

    def said(self, words: tuple[str, ...]) -> frozenset[str]:
        """The phrases' words that one of `words` could be."""
        last = self._last[0]
        if last is not None and last[0] == words:
            return last[1]
        found = self._find(words)
        self._last[0] = (words, found)
        return found

    def _find(self, words: tuple[str, ...]) -> frozenset[str]:
        found = {have for have in words if have in self.containing}
        for have in words:
            if have.isdigit() or len(have) < FUZZY_HAVE:
                continue
            found.update(self.by_stem.get(have.rstrip("s"), ()))
            if len(have) > 2 * self.longest:  # rapidfuzz's ratio would be under 67
                continue
            found.update(
                want
                for want, _, _ in process.extract(
                    have, self.fuzzy, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE, limit=None
                )
            )
        return frozenset(found)

    def candidates(self, words: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        """The phrases every word of which is said, in catalog order."""
        said = self.said(words)
        positions = sorted({at for word in said for at in self.containing[word]})
        return [self.phrases[at] for at in positions if said.issuperset(self.phrases[at][1])]


def build_index(
    choices: Mapping[str, tuple[str, ...]], tokens: Callable[[str], tuple[str, ...]]
) -> ChoiceIndex:
    """`choices` (value -> the phrases that name it) indexed by the words `tokens` gives."""
    phrases = tuple(
        (value, words) for value, said in choices.items() for p in said if (words := tokens(p))
    )
    containing: dict[str, list[int]] = {}
    for at, (_, words) in enumerate(phrases):
        for word in dict.fromkeys(words):
            containing.setdefault(word, []).append(at)
    fuzzy = tuple(w for w in containing if len(w) >= FUZZY_WANT and not w.isdigit())
    by_stem: dict[str, list[str]] = {}
    for word in fuzzy:
        by_stem.setdefault(word.rstrip("s"), []).append(word)
    return ChoiceIndex(
        phrases,
        {w: tuple(at) for w, at in containing.items()},
        fuzzy,
        max(map(len, fuzzy), default=0),
        {stem: tuple(ws) for stem, ws in by_stem.items()},
    )
