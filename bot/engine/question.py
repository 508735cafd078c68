"""Free text -> a Reading: the command, its filters, the time, and every word accounted for.

Deterministic, local, no language model. How a question is read:
1. the period words come out first (timewords.read_time);
2. vocabulary phrases are found (states, countries and their demonyms, places, topics, operations,
   filler); a demonym reads as its country ("Venezuelans" -> venezuela);
3. each command's choice words (regions, countries, demographics …) are looked for in what is left;
4. each command's aliases are matched word by word, tolerating typos (rapidfuzz) in longer words;
5. the command covering most of the question's content words wins; near rivals become "did you
   mean" suggestions. Nothing matched means "not understood";
6. a vocabulary phrase the winner did not use names something it cannot serve (a state it has no
   breakdown for, a topic, an operation it cannot do): the reading is blocked, never answered with
   the figure for another question. Words in no vocabulary are listed as unused and do not block.
"""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.engine.catalog import Catalog, Command
from bot.engine.catalog_words import catalog_words
from bot.engine.matching import (
    Match,
    match_command,
    match_rank,
)
from bot.engine.operations import listable
from bot.engine.textwords import alias_tokens, normalise, tokens
from bot.engine.timewords import TimeAsk, read_time
from bot.engine.vocabulary import Hit, Vocabulary

# Two values of one breakdown are set side by side only when the question compares them.
_COMPARED = re.compile(
    r"\b(vs\.?|versus|than|compared?|top(ped)?|outnumber(ed)?|more|fewer|or|against)\b"
)
SUGGEST_SCORE = 60  # below this a 'closest command' is noise ("hello" is not about Title 42)
# A range's sum and the change line are always given; averages and records are worked out.
SUPPORTED_OPERATIONS = frozenset(
    {
        "total",
        "change",
        "per_day",
        "per_month",
        "average",
        "record",
        "record_low",
        "rank",
        "share",
        "exclude",
    }
)


@dataclass(frozen=True)
class Intent:
    command: str
    params: dict[str, str]
    time: TimeAsk


@dataclass(frozen=True)
class Block:
    """A phrase of the question that names something the chosen command cannot serve."""

    phrase: str
    kind: str  # state | country | place | topic | operation
    meaning: str


@dataclass(frozen=True)
class Reading:
    """The result of reading a question: an intent (maybe unsure), the alternatives, and what
    became of every word: used, blocking (a thing the command cannot serve) or unused."""

    question: str
    intent: Intent | None
    suggestions: tuple[str, ...] = ()  # command names, best first
    time: TimeAsk = field(default_factory=lambda: TimeAsk("none"))
    blocks: tuple[Block, ...] = ()
    unused: tuple[str, ...] = ()  # words found in no vocabulary and used by nothing
    operations: tuple[str, ...] = ()  # supported operations asked for (total, change)
    equals: tuple[Intent, ...] = ()  # other commands that read the question just as well
    named_values: tuple[str, ...] = ()  # more values of a breakdown the intent filters on
    said_after: frozenset[str] = frozenset()  # filters named after the measure ("… were Mexican")

    @property
    def understood(self) -> bool:
        return self.intent is not None


def _strip_spans(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


@dataclass(frozen=True)
class Words:
    """The question's words once the period is taken out: all of them, the vocabulary phrases
    found, and the content words commands are matched on, each with its position in `all`."""

    all: list[str]
    hits: list[Hit]
    content: list[str]
    at: list[int]  # position in `all` of each content word

    @property
    def named(self) -> set[int]:
        """Positions inside a vocabulary phrase."""
        return {p for h in self.hits for p in h.positions}


def question_words(text: str, time: TimeAsk, vocabulary: Vocabulary) -> Words:
    """Content words are what is not filler; a country's demonym reads as the country's name."""
    words = tokens(_strip_spans(text, time.spans))
    hits = vocabulary.find(words)
    spelled = {h.start: h for h in hits if h.term.kind == "country" and h.end - h.start == 1}
    content: list[str] = []
    at: list[int] = []
    for position, word in enumerate(words):
        if word in vocabulary.filler:
            continue
        hit = spelled.get(position)
        names = tokens(hit.term.meaning.lower()) if hit else [word]
        content += names
        at += [position] * len(names)
    return Words(words, hits, content, at)


def _choice_blocks(
    words: Words, used: set[int], catalog: Catalog, filler: frozenset[str]
) -> list[Block]:
    """Breakdown words of other commands left in the question, longest phrase first."""
    phrases = catalog_words(catalog, filler).choices
    longest = max((len(k) for k in phrases), default=1)
    taken = used | words.named
    blocks: list[Block] = []
    at = 0
    while at < len(words.content):
        for size in range(min(longest, len(words.content) - at), 0, -1):
            found = phrases.get(tuple(words.content[at : at + size]))
            spots = set(words.at[at : at + size])
            if found and not spots & taken:
                blocks.append(Block(" ".join(words.content[at : at + size]), *found))
                at += size
                break
        else:
            at += 1
    return blocks


def read_question(question: str, catalog: Catalog, vocabulary: Vocabulary) -> Reading:
    """Understand a question, or explain what the closest commands are."""
    text = normalise(question)
    time = read_time(text)
    words = question_words(text, time, vocabulary)
    filler = vocabulary.filler
    matches = [m for c in catalog if (m := match_command(c, words.content, filler))]
    matches.sort(key=match_rank, reverse=True)
    if not matches:
        suggestions = closest_commands(words.content, catalog)
        return Reading(question, None, suggestions, time, unused=tuple(words.content))
    best = matches[0]
    rivals = [m.command.name for m in matches[1:4]]
    equals = tuple(
        Intent(m.command.name, m.params, time)
        for m in matches[1:]
        if match_rank(m)[:3] == match_rank(best)[:3]  # as many words, as exactly
    )[:3]
    confidence = _confidence(best, words.content)
    intent = Intent(best.command.name, best.params, time)
    used = {words.at[i] for i in best.used}
    fillers = frozenset(p for p, w in enumerate(words.all) if w in filler)
    own = own_words(best.command, filler)
    blocks, operations = _unserved(words.hits, used, fillers, own)
    blocks += tuple(_choice_blocks(words, used, catalog, filler))
    blocks += tuple(_measure_blocks(words, used, catalog, own, vocabulary))
    if time.unread:
        blocks += (Block("", "time", time.unread),)
    numbers = [
        w
        for i, w in enumerate(words.content)
        if words.at[i] not in used and _number(w) and not _top_count(words.content, i)
    ]
    blocks += tuple(Block(n, "number", n) for n in numbers)
    blocks = tuple(dict.fromkeys(blocks))
    named_values, blocks = _other_values(blocks, best) if _COMPARED.search(text) else ((), blocks)
    taken = used | words.named
    unused = tuple(
        dict.fromkeys(w for i, w in enumerate(words.content) if words.at[i] not in taken)
    )
    suggestions = tuple(rivals) if confidence < 0.75 or blocks else ()
    return Reading(
        question,
        intent,
        suggestions,
        time,
        blocks,
        unused,
        operations,
        equals,
        named_values,
        best.after,
    )


def _other_values(
    blocks: tuple[Block, ...], match: Match
) -> tuple[tuple[str, ...], tuple[Block, ...]]:
    """Places and countries that are other values of a breakdown the reading already filters on
    ("Venezuelans … Mexicans"): named values to set side by side, not things it cannot serve."""
    values: list[str] = []
    kept: list[Block] = []
    for block in blocks:
        value = None
        if block.kind in ("country", "state", "place"):
            value = choice_named(match.command, block.meaning, set(match.params))
        if value and value not in match.params.values():
            values.append(value)
        else:
            kept.append(block)
    return tuple(dict.fromkeys(values)), tuple(kept)


def choice_named(command: Command, meaning: str, among: set[str] | None = None) -> str | None:
    """The breakdown value of `command` (in the parameters `among`, or any) that a vocabulary
    meaning names ('Venezuela' -> 'VENEZUELA'), or None when it has no such breakdown."""
    wanted = meaning.lower()
    for param in command.params:
        if among is not None and param.name not in among:
            continue
        for value, phrases in param.choices.items():
            if wanted == value.lower() or wanted in (p.lower() for p in phrases):
                return value
    return None


def _measure_blocks(
    words: Words, used: set[int], catalog: Catalog, own: frozenset[str], vocabulary: Vocabulary
) -> list[Block]:
    """Words that name what other commands count ("gotaways", "asylum") left over by the chosen
    one: its figure would answer a different question. Words many measures share ("people",
    "cases") and the chosen command's own title words never block."""
    filler = vocabulary.filler
    known = catalog_words(catalog, filler).measures - vocabulary.generic
    taken = used | words.named
    return [
        Block(word, "measure", word)
        for i, word in enumerate(words.content)
        if words.at[i] not in taken and word in known and word not in own
    ]


def own_words(command: Command, filler: frozenset[str]) -> frozenset[str]:
    """The words a command answers for: its aliases, title, headline and breakdowns' names, and
    its aliases' filler words too (so "come in through chnv" owns the topic "come in")."""
    described = (
        command.title,
        re.sub(r"\{\w+\}", " ", command.headline),
        *(p.name.replace("_", " ") for p in command.params if p.type == "choice"),  # "citizenship"
    )
    aliases = {w for alias in command.aliases for w in tokens(normalise(alias))}
    return frozenset(aliases | {w for text in described for w in alias_tokens(text, filler)})


def _top_count(words: list[str], at: int) -> bool:
    """ "top 3": the count a ranking lists (read by operations.top_count), not a stray number."""
    return at > 0 and words[at - 1] == "top" and words[at].isdigit() and listable(int(words[at]))


def _number(word: str) -> bool:
    """A number the period reader did not take: a claim's figure, a count, an unread date, an
    age ("in their 20s"), an ordinal ("the 3rd")."""
    return bool(re.fullmatch(r"\d[\d.,]*(?:%|'?s|st|nd|rd|th)?", word))


def _unserved(
    hits: list[Hit], used: set[int], fillers: frozenset[int], own: frozenset[str]
) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """Vocabulary phrases the chosen command did not use (its filler words aside: "got away" is
    used when "away" is): supported operations are kept, the rest name something this command
    cannot answer (a topic its own words name is its own)."""
    blocks: list[Block] = []
    operations: list[str] = []
    for hit in hits:
        term = hit.term
        meaningful = [p for p in hit.positions if p not in fillers] or list(hit.positions)
        if term.kind == "filler" or all(p in used for p in meaningful):
            continue
        if term.kind == "topic" and set(term.phrase.split()) <= own:
            continue
        if term.kind == "operation" and term.meaning in SUPPORTED_OPERATIONS:
            operations.append(term.meaning)
        else:
            blocks.append(Block(term.phrase, term.kind, term.meaning))
    return tuple(dict.fromkeys(blocks)), tuple(dict.fromkeys(operations))


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
