"""The words the reader knows beyond the commands' own: places, topics, operations and filler.

Loaded once from the database's `vocabulary` table (built from data/vocabulary.csv), so reading a
question runs no SQL and the lists are data a maintainer edits, not Python. A phrase found here that
the chosen command does not use is how the reader notices a question it must not answer with a
figure for another question ("encounters in California", "migrants who died crossing").
"""

from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.db import StatsDB
from bot.engine.textwords import normalise, tokens

KINDS = ("state", "country", "place", "topic", "operation", "definition", "generic", "filler")
OPERATIONS = (
    "per_day",
    "per_month",
    "share",
    "exclude",
    "rank",
    "record",
    "record_low",
    "average",
    "daily_or_weekly",
    "part_of_period",
    "total",
    "change",
)
# A phrase that could be two kinds ("georgia") is read as the first of them.
PRIORITY = {
    kind: rank for rank, kind in enumerate(("definition", "state", "country", "place", "topic"))
}
MAX_ROWS = 20_000


@dataclass(frozen=True)
class Term:
    phrase: str
    kind: str
    meaning: str


@dataclass(frozen=True)
class Hit:
    """A vocabulary phrase found in a question: word positions [start, end) and what it names."""

    start: int
    end: int
    term: Term

    @property
    def positions(self) -> range:
        return range(self.start, self.end)


class Vocabulary:
    """Phrases by their words, longest first when scanning a question."""

    def __init__(self, terms: Iterable[Term]):
        self.filler: frozenset[str] = frozenset()
        self.generic: frozenset[str] = frozenset()  # words many measures share: never a block
        self._by_words: dict[tuple[str, ...], Term] = {}
        filler, generic = set(), set()
        for term in terms:
            words = tuple(tokens(normalise(term.phrase)))  # cut as questions are
            if term.kind == "generic":
                generic.add(term.phrase)
                continue
            if term.kind == "filler" and len(words) == 1:
                filler.add(term.phrase)
                continue
            held = self._by_words.get(words)
            if held is None or PRIORITY.get(term.kind, 9) < PRIORITY.get(held.kind, 9):
                self._by_words[words] = term
        self.filler = frozenset(filler)
        self.generic = frozenset(generic)
        self._longest = max((len(w) for w in self._by_words), default=1)

    @classmethod
    def from_db(cls, db: StatsDB) -> "Vocabulary":
        rows = db.query("select phrase, kind, meaning from vocabulary", {}, max_rows=MAX_ROWS).rows
        return cls(Term(*row) for row in rows)

    def phrases(self, kind: str) -> list[str]:
        """Every phrase of one kind, e.g. the states (for docs and the property test)."""
        return sorted(t.phrase for t in self._by_words.values() if t.kind == kind)

    def find(self, words: list[str]) -> list[Hit]:
        """Phrases in `words` (filler of several words included, so "so far" is known), each word
        in at most one, longest phrase first."""
        hits: list[Hit] = []
        at = 0
        while at < len(words):
            for size in range(min(self._longest, len(words) - at), 0, -1):
                term = self._by_words.get(tuple(words[at : at + size]))
                if term is not None:
                    hits.append(Hit(at, at + size, term))
                    at += size
                    break
            else:
                at += 1
        return hits
