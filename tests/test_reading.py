"""Every word of a question is used, named as something the answer cannot serve, or listed unused.

A phrase naming a place, topic, operation or time the chosen series cannot serve must stop the
figure: the worst answer is a sourced figure for a different question.
"""

import pytest

from bot.engine.vocabulary import Term, Vocabulary

# (question, what the refusal must say)
REFUSED = [
    ("encounters in California 2023", "not broken down by state here"),
    ("how many migrants were encountered in Texas in 2022", "no figure for Texas"),
    ("migrants rescued at the border 2022", "I have no figures on rescues"),
    ("how much do illegal immigrants pay in taxes", "I have no figures on taxes"),
    ("border encounters per day 2023", "a per-day average"),
    ("what percent of encounters were family units in 2023", "a share or percentage"),
    ("which country had the most encounters in 2023", "a ranking"),
    ("record border encounters", "a record"),
    ("encounters in Cochise County 2023", "not broken down by county"),
    ("How many people crossed the Channel in 2022?", "I only have U.S. figures"),
    ("deportations trump vs biden", "a comparison of two administrations"),
    ("deportations under trump", "say which years"),
    ("encounters since march 2020", "a total since March 2020"),
    ("encounters february 2021 vs february 2020", "a range or comparison of months"),
    ("What is a gotaway?", "the glossary answers it"),
    ("Have 5 million migrants crossed since 2021?", "the number “5”"),
    ("how many green cards went to asylees in 2015", "green cards by category"),
    ("backlog in the Eastern Hemisphere", "not broken down by country of citizenship"),
]


@pytest.mark.parametrize(("question", "reason"), REFUSED)
def test_a_phrase_the_series_cannot_serve_stops_the_figure(engine, question, reason):
    answer = engine.ask(question)
    assert answer.value is None and not answer.understood
    assert answer.headline.startswith("No figure for this question as asked:")
    assert reason in answer.headline
    assert answer.interpretation.startswith("Read as: ")


def test_the_refusal_says_what_was_understood_and_who_can_answer(engine):
    answer = engine.ask("encounters from Venezuela in California 2023")
    assert answer.command == "encounters" and "cannot serve “california”" in answer.interpretation
    assert "2023" in answer.interpretation


def test_a_demonym_reads_as_its_country(engine):
    by_name = engine.ask("encounters from Venezuela 2023")
    by_people = engine.ask("Venezuelan encounters 2023")
    assert by_people.value == by_name.value and by_people.sql_params["citizenship"] == "VENEZUELA"


def test_filler_is_quietly_used_and_strange_words_are_listed_not_blocking(engine):
    plain = engine.ask("encounters 2022")
    padded = engine.ask("really approximately how many encounters did the US have in 2022")
    assert padded.value == plain.value and padded.unused_words == []
    odd = engine.ask("encounters 2022 zorblax")
    assert odd.value == plain.value and odd.unused_words == ["zorblax"]
    assert odd.interpretation.endswith("words not used: zorblax")


def test_a_supported_operation_is_not_a_block(engine):
    assert engine.ask("total terminations 2021 to 2024").value == 383_817


def test_the_first_trump_administration_is_read_when_named(engine):
    answer = engine.ask("encounters during Trump's first term")
    assert answer.params["start"] == 2017 and answer.params["end"] == 2020


def test_a_year_within_an_administration_stays_that_year(engine):
    answer = engine.ask("border crossings in fy 2019 under trump")
    assert answer.value is not None and answer.params.get("year") == 2019


def test_a_breakdown_another_command_has_blocks_a_command_without_it(engine):
    answer = engine.ask("green cards Tucson 2023")
    assert answer.value is None and "not broken down by sector" in answer.headline


def test_the_vocabulary_prefers_a_state_to_a_country_and_finds_the_longest_phrase():
    vocabulary = Vocabulary(
        [
            Term("georgia", "country", "Georgia"),
            Term("georgia", "state", "Georgia"),
            Term("new mexico", "state", "New Mexico"),
            Term("mexico", "country", "Mexico"),
            Term("the", "filler", ""),
        ]
    )
    hits = vocabulary.find(["encounters", "in", "new", "mexico", "and", "georgia"])
    assert [(h.term.phrase, h.term.kind) for h in hits] == [
        ("new mexico", "state"),
        ("georgia", "state"),
    ]
    assert vocabulary.filler == frozenset({"the"})
