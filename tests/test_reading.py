"""Every word of a question is used, named as something the answer cannot serve, or listed unused.

A phrase naming a place, topic, operation or time the chosen series cannot serve must stop the
figure: the worst answer is a sourced figure for a different question.
"""

import random
from dataclasses import replace

import pytest

from bot.engine.catalog import Catalog
from bot.engine.textwords import normalise, tokens
from bot.engine.vocabulary import Term, Vocabulary

# (question, what the refusal must say)
REFUSED = [
    ("immigration court backlog in California 2023", "not broken down by state here"),
    ("how many gotaways were there in Texas in 2022", "no figure for Texas"),
    ("migrants rescued at the border 2022", "I have no figures on rescues"),
    ("how much do illegal immigrants pay in taxes", "I have no figures on taxes"),
    ("encounters excluding Mexico and Canada in 2023", "“Canada” is a second country"),
    ("what percent of deportations were in 2023", "no part was named"),
    ("which country gets the most green cards", "cannot be ranked"),
    ("backlog per day 2023", "has no meaning"),
    ("migrants in their 20s", "can't place the number “20s”"),
    ("How many immigrants came in during Biden's term?", "does not count people entering"),
    ("encounters in the 3rd quarter of 2023", "can't place the number “3rd”"),
    ("encounters in Cochise County 2023", "not broken down by county"),
    ("How many people crossed the Channel in 2022?", "I only have U.S. figures"),
    ("deportations trump vs biden 2019", "a comparison of two administrations"),
    ("deportations under trump", "say which years"),
    ("terminations since march 2020", "only yearly figures"),
    ("encounters february vs march 2023", "a comparison of months"),
    ("What is a gotaway?", "the glossary answers it"),
    ("encounters in 16 sectors in 2023", "the number “16”"),
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
    answer = engine.ask("encounters from Venezuela in San Diego 2023")
    assert answer.command == "encounters" and "cannot serve “san diego”" in answer.interpretation
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
            Term("new york", "state", "New York"),
            Term("new york city", "place", "city"),
            Term("the", "filler", ""),
        ]
    )
    words = tokens(normalise("Encounters in New Mexico and Georgia, not New York City"))
    hits = vocabulary.find(words)
    assert [(h.term.phrase, h.term.kind) for h in hits] == [
        ("new mexico", "state"),  # never its "mexico"
        ("georgia", "state"),
        ("new york city", "place"),  # the longest phrase
    ]
    assert vocabulary.filler == frozenset({"the"})


# ----- time as people say it


def test_a_span_of_months_is_the_sum_of_those_months(engine):
    answer = engine.ask("encounters february 2021 to april 2024")
    assert answer.command == "encounters-monthly"
    assert answer.period == "Feb 2021–Apr 2024"
    months = [p for p in answer.series if p.highlight]
    assert len(months) == 39 and answer.value == sum(p.value for p in months)
    assert answer.params["start_month"] == "2021-02" and answer.params["end_month"] == "2024-04"


def test_since_an_inauguration_starts_at_the_first_full_month_and_says_so(engine):
    answer = engine.ask("encounters since Biden took office")
    assert answer.period.startswith("Feb 2021–")
    assert any("first full month after the inauguration" in c for c in answer.caveats)
    yearly = engine.ask("terminations since Biden took office")
    assert yearly.params["start"] == 2021 and any("FY2021" in c for c in yearly.caveats)


def test_first_n_years_of_an_administration(engine):
    answer = engine.ask("encounters in Biden's first three years")
    assert answer.period == "Feb 2021–Jan 2024"


def test_a_calendar_year_is_summed_from_months_or_refused_on_fiscal_figures(engine):
    summed = engine.ask("encounters calendar year 2023")
    assert (
        summed.period == "Jan 2023–Dec 2023"
        and len([p for p in summed.series if p.highlight]) == 12
    )
    refused = engine.ask("terminations calendar year 2023")
    assert refused.value is None and "only fiscal-year figures" in refused.headline


def test_since_a_month_on_a_yearly_series_is_refused_not_widened(engine):
    answer = engine.ask("terminations since March 2020")
    assert answer.value is None and "only yearly figures" in answer.headline


def test_last_n_years_are_the_latest_complete_ones(engine):
    answer = engine.ask("terminations last 3 years")
    assert (answer.params["start"], answer.params["end"]) == (2021, 2023)  # FY2024 is partial


# ----- operations


def test_per_day_is_derived_with_its_arithmetic_shown(engine):
    answer = engine.ask("encounters per day in December 2023")
    total = engine.ask("encounters December 2023").value
    assert answer.value == round(total / 31, 1)
    assert "÷ 31 days" in answer.headline and answer.notices[0].startswith("Derived by immistats")
    assert answer.change is None


def test_a_year_of_a_span_is_its_yearly_average_and_of_one_year_that_year(engine):
    decade = engine.ask("deportations a year in the 1990s")
    total = engine.ask("deportations 1990 to 1999").value
    assert decade.value == round(total / 10, 1) and "÷ 10 years" in decade.headline
    assert (
        engine.ask("green cards issued annually 2019").value == engine.ask("green cards 2019").value
    )
    # a stock "grows by … a year": the change over one year, not an average of the stock
    grows = engine.ask("Does the immigrant population grow by 1.25 million a year?")
    assert grows.verdicts and "the change from" in grows.verdicts[0]


def test_an_average_of_a_stock_or_a_partial_year_is_refused(engine):
    assert "has no meaning" in engine.ask("backlog per day 2023").headline
    assert "partial period" in engine.ask("terminations per day 2024").headline


def test_a_record_is_the_highest_complete_period_of_the_series(engine):
    answer = engine.ask("highest year for green cards")
    assert answer.headline.startswith("The highest in this series (FY")
    values = [p.value for p in answer.series if not p.partial]
    assert answer.value == max(values)
    lowest = engine.ask("lowest year for refugee admissions")
    assert lowest.headline.startswith("The lowest in this series")


def test_a_period_that_is_not_the_record_says_which_is(engine):
    answer = engine.ask("record encounters in 2022")
    assert answer.value == engine.ask("encounters 2022").value
    assert "not the highest in this series" in answer.headline and "FY2023" in answer.headline


# ----- property: a place or topic a command cannot serve never gets its unfiltered figure

SAMPLES = 160


def test_a_place_or_topic_never_gets_the_unfiltered_figure(engine):
    """Sampled: '<alias> in <word> <year>' for words naming a state, country, place or topic."""
    rng = random.Random(20261126)
    words = [
        w
        for kind in ("state", "country", "place", "topic")
        for w in engine.vocabulary.phrases(kind)
        if len(w) > 2  # two-letter state codes are covered by their names
    ]
    commands = [c for c in engine.catalog if c.aliases and c.series != "month"]
    checked = 0
    for _ in range(SAMPLES):
        command = rng.choice(commands)
        alias, word = rng.choice(command.aliases), rng.choice(words)
        plain = engine.ask(f"{alias} 2023")
        if plain.value is None or plain.command != command.name:
            continue
        probe = engine.ask(f"{alias} in {word} 2023")
        checked += 1
        unfiltered = probe.command == plain.command and probe.sql_params == plain.sql_params
        assert probe.value is None or not unfiltered, (alias, word, probe.headline)
    assert checked >= SAMPLES // 4  # enough pairs were really tried


def test_two_administrations_are_compared_range_by_range_with_yearly_averages(engine):
    answer = engine.ask("deportations obama vs trump")
    obama = engine.ask("deportations under obama").value
    trump = engine.ask("deportations during trump's first term").value
    assert f"the Obama administration, FY2009–FY2016 (Oct 2008–Sep 2016): {obama:,.0f}" in (
        answer.headline
    )
    assert f"the first Trump administration, FY2017–FY2020 (Oct 2016–Sep 2020): {trump:,.0f}" in (
        answer.headline
    )
    assert f"{obama / 8:,.1f} a year vs {trump / 4:,.1f} a year" in answer.headline
    assert answer.params["ranges"][0] == ["the Obama administration", 2009, 2016]
    marked = {p.period for p in answer.series if p.highlight}
    assert {"FY2009", "FY2016", "FY2017", "FY2020"} <= marked and "FY2021" not in marked


def test_a_ranking_lists_the_top_published_values_and_leaves_other_out(engine):
    answer = engine.ask("which country had the most encounters in 2023")
    assert answer.headline.startswith("Top 5 by citizenship, CBP encounters")
    mexico = engine.ask("encounters from Mexico 2023").value
    assert f"1. Mexico {mexico:,.0f};" in answer.headline and answer.value == mexico
    assert "Other" not in answer.headline.split(":", 1)[1]
    assert answer.notices[0].startswith("Ranked by immistats from the published breakdown")


def test_a_ranking_lists_as_many_as_asked_up_to_ten(engine):
    ten = engine.ask("top 10 sectors for border patrol encounters 2022")
    assert ten.headline.startswith("Top 10 by sector") and "10. " in ten.headline
    three = engine.ask("top 3 countries of citizenship for encounters in 2023")
    assert three.headline.startswith("Top 3 by citizenship") and "4. " not in three.headline
    too_many = engine.ask("top 20 countries for encounters 2023")
    assert too_many.value is None and "“20”" in too_many.headline


def test_words_that_fit_two_series_go_to_the_one_with_the_asked_year_and_say_so(engine):
    answer = engine.ask("How many apprehensions at the southern border in November 2022?")
    assert answer.headline.startswith("No figure in “Border Patrol apprehensions by month")
    assert answer.period == "Nov 2022" and answer.value is not None
    assert "Apprehensions" in answer.sql_params.values()  # the same quantity, from another table
    stood_in = engine.ask("deportations 2025")  # dated claims have 2025 too: they never stand in
    assert stood_in.command == "ice-removals"


def test_a_place_is_offered_only_commands_broken_down_by_it(engine):
    assert (
        engine.ask("encounters in Cochise County 2023").suggested_commands == []
    )  # no look-alikes
    assert engine.ask("green cards in California 2023").suggested_commands == ["encounters"]


def test_a_share_is_computed_from_two_published_figures_and_says_so(engine):
    answer = engine.ask("what percent of encounters were title 42 expulsions in 2021")
    part = engine.ask("title 42 encounters 2021")
    whole = engine.ask("encounters 2021")
    assert part.command == whole.command == answer.command == "encounters"
    assert answer.value == round(part.value / whole.value * 100, 1)
    assert answer.unit == "percent" and answer.change is None
    assert "a share computed by immistats" in answer.headline
    assert any(n.startswith("Derived by immistats:") for n in answer.notices)
    assert all(0 <= p.value <= 100 for p in answer.series)  # the chart shows shares, not counts


def test_the_whole_of_a_share_is_what_is_named_before_the_part(engine):
    answer = engine.ask("what share of southwest border encounters were families in 2023")
    families = engine.ask("southwest border encounters of families 2023")
    southwest = engine.ask("southwest border encounters 2023")
    assert answer.value == round(families.value / southwest.value * 100, 1)
    assert "(region: Southwest Land Border)" in answer.headline


def test_a_share_with_no_part_after_the_measure_is_refused(engine):
    for question in (
        "Are the vast majority of families crossing the border being sent back?",
        "deportation rate 2023",
        "what percent of asylum grant rate 2022",
    ):
        assert engine.ask(question).value is None, question


def test_a_total_without_a_part_subtracts_the_published_part(engine):
    answer = engine.ask("encounters excluding Mexico 2023")
    whole, part = engine.ask("encounters 2023"), engine.ask("encounters from Mexico 2023")
    assert answer.value == whole.value - part.value
    assert "without citizenship: Mexico" in answer.headline
    assert "computed by immistats" in answer.headline


def test_two_named_values_are_set_side_by_side_only_when_compared(engine):
    answer = engine.ask(
        "Did Venezuelans top Mexicans in illegal border crossings in September 2023?"
    )
    venezuela = engine.ask("encounters of Venezuelans in September 2023")
    mexico = engine.ask("encounters of Mexicans in September 2023")
    assert answer.value == max(venezuela.value, mexico.value)
    assert venezuela.value_text in answer.headline and mexico.value_text in answer.headline
    assert [(p.label, p.highlight) for p in answer.series] == [
        ("Venezuela", True),
        ("Mexico", False),
    ]  # the chart sets the two side by side
    not_compared = engine.ask("How many migrants has Texas bused to New York?")
    assert not_compared.value is None
    assert "people bused between cities" in not_compared.headline


def test_a_range_one_series_covers_in_part_gives_the_rest_from_another_not_added(engine):
    answer = engine.ask("deportations 2015 to 2025")
    dhs = engine.ask("deportations 2015 to 2024")
    ice = engine.ask("ice removals 2025")
    assert answer.value == dhs.value  # never summed across the two series
    assert f"“Removals by ICE” has {ice.value_text} removals" in answer.headline
    assert "not added to the total" in answer.headline
    assert {s.url for s in ice.sources} <= {s.url for s in answer.sources}


def test_two_months_compared_are_each_published_month_never_the_years(engine):
    answer = engine.ask("Border encounters May 2025 compared with May 2024")
    may_2024, may_2025 = engine.ask("encounters may 2024"), engine.ask("encounters may 2025")
    assert answer.command == "encounters-monthly" and answer.value == may_2025.value
    assert answer.change.previous_period == "May 2024"
    assert answer.change.absolute == may_2025.value - may_2024.value
    assert [p.period for p in answer.series if p.highlight] == ["2024-05", "2025-05"]
    yearly = engine.ask("terminations march 2023 vs march 2022")
    assert yearly.value is None and "only yearly figures" in yearly.headline


def test_a_stand_in_counting_another_unit_never_answers(engine):
    other_unit = replace(engine.catalog.commands["ice-removals"], unit="people")
    catalog = Catalog(engine.catalog.commands | {"ice-removals": other_unit}, [])
    assert engine.ask("deportations 2025", catalog).value is None


def test_a_word_said_exactly_goes_to_its_breakdown_before_a_typo_does(engine):
    """ "Indiana" is a state before it is a misspelt "India"; "New Orleans" a sector."""
    indiana = engine.ask("encounters indiana 2021")
    assert (indiana.params["state"], indiana.params["citizenship"]) == ("Indiana", "all")
    assert engine.ask("border patrol encounters orleans 2021").params["sector"] == "New Orleans, LA"
    # the longest phrase first: "New Mexico" is a state before its "Mexico" is a country
    new_mexico = engine.ask("encounters new mexico 2021")
    assert (new_mexico.params["state"], new_mexico.params["citizenship"]) == ("New Mexico", "all")
    both = engine.ask("encounters in new mexico from mexico 2022")
    assert (both.params["state"], both.params["citizenship"]) == ("New Mexico", "MEXICO")
    islands = engine.ask("encounters northern mariana islands 2021")
    assert (islands.params["state"], islands.params["region"]) == (
        "Northern Mariana Islands",
        "all",
    )


def test_a_typo_reading_of_another_command_never_stands_in(engine):
    """ "accompanied minors" is not a misspelt "unaccompanied minors": the series that has no
    figure for the year says so, and unaccompanied children do not answer instead."""
    answer = engine.ask("southwest border accompanied minors 2021")
    assert answer.value is None and answer.command == "southwest-border-encounters"


def test_affirmative_applications_pending_at_uscis_are_the_uscis_backlog(engine):
    """Not the court's pending asylum applications with "affirmative" and "USCIS" refused."""
    answer = engine.ask("How many affirmative asylum applications were pending with USCIS?")
    assert answer.command == "uscis-affirmative-asylum-pending" and answer.value is not None


@pytest.mark.parametrize(
    "question",
    [
        "How many immigrants are awaiting decisions on their asylum applications?",
        "how many asylum seekers are waiting for a decision",
    ],
)
def test_waiting_for_an_asylum_decision_is_the_pending_applications(engine, question):
    assert engine.ask(question).command == "pending-asylum-applications"


def test_active_cases_pending_are_tracs_backlog(engine):
    answer = engine.ask("active cases pending in immigration court 2024")
    assert answer.command == "trac-backlog" and answer.value is not None


def test_how_many_immigrants_live_in_the_us_is_the_population(engine):
    """It had been refused with "I have no figures on where people live", which the data has."""
    assert engine.ask("How many immigrants live in the US?").command == "foreign-born-population"
    unauthorized = engine.ask("How many illegal immigrants live in the US?")
    assert unauthorized.command == "unauthorized-population" and unauthorized.value is not None
    texas = engine.ask("How many immigrants live in Texas?")
    assert texas.value is None and "not broken down by state" in texas.headline


def test_a_period_past_the_record_or_partial_is_never_said_to_be_below_it(engine):
    """FY2025's partial ICE count already exceeds FY2014, the highest complete year."""
    above = engine.ask("ICE removals 2025 record")
    assert "above the highest complete period" in above.headline
    partial = engine.ask("encounters 2026 record")
    assert "part of a period, not compared" in partial.headline
    assert "not the highest" not in above.headline + partial.headline
