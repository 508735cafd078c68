"""The glossary behind /define: plain-word definitions from data/glossary.csv.

A word people type (term or alias) must lead to exactly one term, so loading refuses an ambiguous
file with the row to fix instead of letting /define guess at answer time.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

COLUMNS = ("term", "aliases", "definition", "source_id", "see_also")
TYPO_SCORE = 85  # rapidfuzz ratio at or above which a typed word counts as a typo of a key
TYPO_MIN_LETTERS = 5  # shorter words are not typo-corrected: one letter off "OFO" is another word
MAX_CHOICES = 25  # Discord shows at most 25 autocomplete choices
SUGGEST_SCORE = 80  # fuzzy autocomplete floor (WRatio); below it "wall" offers "allowed to remain"
SUGGEST_MIN_LETTERS = 3  # one or two letters are prefix-matched only


@dataclass(frozen=True)
class Term:
    """One glossary row; tuples so a loaded glossary cannot be changed by the code that shows it."""

    term: str
    aliases: tuple[str, ...]
    definition: str
    source_id: str  # an id in data/sources.csv, or "" when no listed publication defines it
    see_also: tuple[str, ...]


def normalise(text: str) -> str:
    """One spelling per key, so 'Foreign-Born', 'foreign born' and ' foreign  born?' meet."""
    text = text.casefold().replace("’", "'")
    text = re.sub(r"[-‐-―_]", " ", text)
    return " ".join(text.split()).strip(" \"'“”?!,;:")


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


class Glossary:
    """Terms indexed by every normalised term and alias; validated on construction."""

    def __init__(self, terms: Iterable[Term], labels: Iterable[str] | None = None) -> None:
        """`labels` name each term's row in errors (e.g. 'glossary.csv line 7'); default 'row N'."""
        self.terms = tuple(terms)
        given = list(labels or [])
        rows = [given[i] if i < len(given) else f"row {i + 1}" for i in range(len(self.terms))]
        where = {id(t): f"{row} ({t.term!r})" for t, row in zip(self.terms, rows, strict=True)}
        self._keys: dict[str, Term] = {}  # every normalised term and alias -> its term
        for term in self.terms:
            key = normalise(term.term)
            if not key or not term.definition.strip():
                raise ValueError(f"{where[id(term)]}: term and definition must not be empty")
            if key in self._keys:
                first = where[id(self._keys[key])]
                raise ValueError(f"{where[id(term)]}: duplicate term, already on {first}")
            self._keys[key] = term
        term_keys = dict(self._keys)
        for term in self.terms:
            here = where[id(term)]
            for alias in term.aliases:
                key = normalise(alias)
                other = self._keys.get(key)
                if other is term:
                    same = "this row's term" if key in term_keys else "another alias"
                    raise ValueError(f"{here}: alias {alias!r} repeats {same}")
                if other is not None:
                    role = "the term" if key in term_keys else "already an alias"
                    raise ValueError(f"{here}: alias {alias!r} is {role} of {where[id(other)]}")
                self._keys[key] = term
            for name in term.see_also:
                if term_keys.get(normalise(name)) in (None, term):
                    raise ValueError(f"{here}: see_also {name!r} is not another term")
        self._key_list = list(self._keys)
        self._by_name = sorted(self.terms, key=lambda t: t.term.casefold())
        self._prefix_keys = [  # per term, A-Z: its normalised name and aliases, for autocomplete
            (t.term, normalise(t.term), [normalise(a) for a in t.aliases]) for t in self._by_name
        ]

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def lookup(self, text: str) -> Term | None:
        """Exact term or alias (any case), else a close typo of one when the word is long enough."""
        key = normalise(text)
        if not key:
            return None
        if key in self._keys:
            return self._keys[key]
        if sum(c.isalpha() for c in key) < TYPO_MIN_LETTERS:
            return None
        hit = process.extractOne(key, self._key_list, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE)
        return self._keys[hit[0]] if hit else None

    def suggest(self, text: str, limit: int = MAX_CHOICES) -> list[str]:
        """Term names for Discord autocomplete: prefix matches (A-Z) first, then fuzzy ones."""
        limit = max(0, min(limit, MAX_CHOICES))
        key = normalise(text)
        if not key:
            return [t.term for t in self._by_name][:limit]
        found: dict[str, None] = {}  # ordered set of term names
        tiers = (  # 1. the term's name starts with what was typed, 2. an alias does, 3. a word does
            lambda name, aliases: name.startswith(key),
            lambda name, aliases: any(a.startswith(key) for a in aliases),
            lambda name, aliases: any(
                w.startswith(key) for k in (name, *aliases) for w in k.split()
            ),
        )
        for matches in tiers:
            for term, name, aliases in self._prefix_keys:
                if matches(name, aliases):
                    found.setdefault(term)
        if len(key) >= SUGGEST_MIN_LETTERS and len(found) < limit:
            for match, _score, _ in process.extract(
                key, self._key_list, scorer=fuzz.WRatio, limit=None, score_cutoff=SUGGEST_SCORE
            ):
                found.setdefault(self._keys[match].term)
        return list(found)[:limit]


def load_glossary(path: Path) -> Glossary:
    """Read glossary.csv; a bad row raises ValueError naming its line, so a broken file never ships."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}")
        terms: list[Term] = []
        labels: list[str] = []
        for row in reader:
            labels.append(f"{path.name} line {reader.line_num}")
            terms.append(
                Term(
                    term=(row["term"] or "").strip(),
                    aliases=_split(row["aliases"] or ""),
                    definition=(row["definition"] or "").strip(),
                    source_id=(row["source_id"] or "").strip(),
                    see_also=_split(row["see_also"] or ""),
                )
            )
    return Glossary(terms, labels)
