"""The choice index finds exactly the phrases matching's word-by-word test could spell: the same
words (typos, plurals, exact short words and numbers), never more, never fewer."""

from __future__ import annotations

import random

from bot.engine.choice_index import TYPO_SCORE, build_index
from bot.engine.matching import word_score
from bot.engine.service import start
from bot.engine.textwords import alias_tokens

QUESTION_WORDS = [
    "venezuela", "venezeula", "venezuelans", "mexico", "mexicans", "texas", "el", "salvador",
    "salvadorans", "guatemala", "guatemalans", "honduras", "2023", "2019", "42", "title", "cuba",
    "haiti", "haitians", "families", "family", "unaccompanied", "accompanied", "children",
    "minors", "rio", "grande", "valley", "tucson", "yuma", "sector", "southwest", "northern",
    "border", "coastal", "single", "adults", "ukraine", "russia", "china", "chinese", "india",
]  # fmt: skip


def spelled(index, words: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """What trying every phrase in turn finds: each phrase word said by one of the words."""
    return [
        (value, parts)
        for value, parts in index.phrases
        if all(any(word_score(w, have) >= TYPO_SCORE for have in words) for w in parts)
    ]


def test_every_breakdown_of_the_catalog_gives_the_phrases_a_full_scan_gives():
    service = start()
    chooser = random.Random(11)
    checked = 0
    for command in service.catalog:
        for param in command.params:
            if param.type != "choice":
                continue
            index = build_index(param.choices, lambda p: alias_tokens(p, frozenset()))
            for _ in range(25):
                words = tuple(chooser.sample(QUESTION_WORDS, chooser.randint(1, 5)))
                assert index.candidates(words) == spelled(index, words), (command.name, words)
                checked += 1
    service.close()
    assert checked > 500


def test_typos_plurals_and_exact_short_words():
    index = build_index(
        {"VE": ("venezuela",), "SV": ("el salvador",), "T42": ("title 42",)},
        lambda p: tuple(p.split()),
    )
    assert [v for v, _ in index.candidates(("venezeula", "2023"))] == ["VE"]  # a typo
    assert [v for v, _ in index.candidates(("salvador", "el"))] == ["SV"]
    assert index.candidates(("salvador",)) == []  # "el" is short: said exactly or not at all
    assert [v for v, _ in index.candidates(("title", "42"))] == ["T42"]
    assert index.candidates(("title", "43")) == []  # numbers are never typos


def test_a_word_and_its_plural_match_however_far_apart_their_spelling():
    index = build_index({"X": ("abcdsss",)}, lambda p: (p,))  # ratio to "abcd": 73, under 84
    assert word_score("abcdsss", "abcd") >= TYPO_SCORE
    assert [v for v, _ in index.candidates(("abcd",))] == ["X"]
