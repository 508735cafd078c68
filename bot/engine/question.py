"""Free text -> Intent(command, params) or ranked suggestions. Deterministic, local, no language model.

How a question is read:
1. the period words come out first (timewords.read_time);
2. each command's choice words (regions, countries, demographics …) are looked for in what is left;
3. each command's aliases are matched word by word, tolerating typos (rapidfuzz) in longer words;
4. the command covering most of the question's content words wins; leftovers lower the confidence,
   and near rivals become "did you mean" suggestions. Nothing matched means "not understood".
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from bot.engine.catalog import Catalog, Command, Param
from bot.engine.timewords import TimeAsk, read_time

MAX_QUESTION = 500  # characters read; longer questions are cut before parsing
TYPO_SCORE = 84
SUGGEST_SCORE = 60  # below this a 'closest command' is noise ("hello" is not about Title 42)  # rapidfuzz ratio at or above which a word counts as a typo of another
_STOPWORD_TEXT = """
a an the of in on at for to by from with and or how many much what was were is are be been
did does do number numbers count total totals figure figures stats statistics statistic data
there their us u.s. s united states america american nationwide national fiscal year years
fy during per show me tell give please whats what's which who when about all ever between
since after vs versus compared compare against than until through thru till end as latest
last most recent current this past newest right now today currently level levels it its has
have had under administration term era presidency president biden trump obama bush got any
every by january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec new
"""
# Words that carry no meaning for choosing a command; split at import.
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Match:
    """How well one command reads the question."""

    command: Command
    params: dict[str, str]
    covered: int  # content words explained by an alias or a choice word
    leftover: tuple[str, ...]  # content words nothing explained
    similarity: float  # mean rapidfuzz score of the matched alias words (100 = exact)
    alias: str


@dataclass(frozen=True)
class Intent:
    command: str
    params: dict[str, str]
    time: TimeAsk


@dataclass(frozen=True)
class Reading:
    """The result of reading a question: an intent (maybe unsure) and the alternatives."""

    question: str
    intent: Intent | None
    suggestions: tuple[str, ...] = ()  # command names, best first
    time: TimeAsk = field(default_factory=lambda: TimeAsk("none"))

    @property
    def understood(self) -> bool:
        return self.intent is not None


def normalise(text: str) -> str:
    text = text[:MAX_QUESTION].lower().replace("’", "'")
    text = re.sub(r"[‐-―]", "-", text)
    return re.sub(r"[^\w\s'\-.,]", " ", text)


def tokens(text: str) -> list[str]:
    return [t.strip("'.,-") for t in re.split(r"[\s,]+", text) if t.strip("'.,-")]


@lru_cache(maxsize=8192)
def alias_tokens(alias: str) -> list[str]:
    """An alias's (or choice phrase's) meaningful words: small words are dropped as from questions."""
    return [p for p in tokens(normalise(alias)) if p not in STOPWORDS] or tokens(alias.lower())


def _strip_spans(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


@lru_cache(maxsize=65536)
def _word_score(want: str, have: str) -> float:
    """Exact for short words and numbers (typos there change the meaning); fuzzy for longer ones."""
    if want == have:
        return 100.0
    if want.isdigit() or have.isdigit() or len(want) < 5 or len(have) < 4:
        return 0.0
    if want.rstrip("s") == have.rstrip("s"):
        return 98.0
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
            score = _word_score(want, have)
            if score > best:
                best, best_at = score, at
        if best < TYPO_SCORE:
            return None
        used.append(best_at)
        scores.append(best)
    return used, sum(scores) / len(scores)


def _choice_hits(param: Param, words: list[str], taken: set[int]) -> tuple[str, list[int]] | None:
    """The choice whose longest, then closest, word-phrase appears in the question.

    Closest matters: "accompanied minors" must not read as a typo of "unaccompanied minors".
    """
    best: tuple[int, float, str, list[int]] | None = None
    for value, phrases in param.choices.items():
        for phrase in phrases:
            parts = alias_tokens(phrase)
            found = match_phrase(parts, words, taken) if parts else None
            if found and (best is None or (len(parts), found[1]) > best[:2]):
                best = (len(parts), found[1], value, found[0])
    return (best[2], best[3]) if best else None


def match_command(command: Command, words: list[str]) -> Match | None:
    """Read the question as this command; None when none of its aliases fits."""
    taken: set[int] = set()
    params: dict[str, str] = {}
    for param in command.params:
        if param.type != "choice":
            continue
        hit = _choice_hits(param, words, taken)
        if hit:
            params[param.name] = hit[0]
            taken |= set(hit[1])
    best: tuple[int, float, str, list[int]] | None = None
    for alias in command.aliases:
        parts = alias_tokens(alias)
        found = match_phrase(parts, words, taken)
        if found and (best is None or (len(parts), found[1]) > (best[0], best[1])):
            best = (len(parts), found[1], alias, found[0])
    if best is None:
        return None
    for param in command.params:
        if param.required and param.name not in params:
            return None
    covered = taken | set(best[3])
    leftover = tuple(w for at, w in enumerate(words) if at not in covered)
    return Match(command, params, len(covered), leftover, best[1], best[2])


def _rank(match: Match) -> tuple:
    return (
        match.covered - len(match.leftover),
        match.covered,
        match.similarity,
        -len(match.command.params),
    )


def content_words(question: str, time: TimeAsk) -> list[str]:
    text = _strip_spans(normalise(question), time.spans)
    return [w for w in tokens(text) if w not in STOPWORDS]


def read_question(question: str, catalog: Catalog) -> Reading:
    """Understand a question, or explain what the closest commands are."""
    text = normalise(question)
    time = read_time(text)
    words = content_words(question, time)
    matches = [m for c in catalog if (m := match_command(c, words))]
    matches.sort(key=_rank, reverse=True)
    if not matches:
        return Reading(question, None, closest_commands(words, catalog), time)
    best = matches[0]
    rivals = [m.command.name for m in matches[1:4]]
    confidence = _confidence(best, words)
    intent = Intent(best.command.name, best.params, time)
    return Reading(question, intent, tuple(rivals) if confidence < 0.75 else (), time)


def _confidence(match: Match, words: list[str]) -> float:
    if not words:
        return 0.0
    share = match.covered / len(words)
    return round(share * match.similarity / 100, 2)


def closest_commands(words: list[str], catalog: Catalog, limit: int = 3) -> tuple[str, ...]:
    """For a question nothing matched: the commands whose words come closest, best first."""
    if not words:
        return ()
    text = " ".join(words)
    scored = []
    for command in catalog:
        score = max(fuzz.token_set_ratio(text, alias.lower()) for alias in command.aliases)
        scored.append((score, command.name))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return tuple(name for score, name in scored[:limit] if score >= SUGGEST_SCORE)
