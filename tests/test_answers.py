"""What an answer carries besides the number: period, comparison, sources, caveats, disagreements."""

import hashlib
from datetime import date

from bot.engine.answering import Engine
from bot.engine.same_months import same_months_change
from bot.engine.selection import Row, missing_notice
from bot.render.text import JSON_KEYS, answer_json, render_text


def test_a_year_is_read_as_a_fiscal_year_and_says_so(engine):
    answer = engine.ask("terminations in 2023")
    assert answer.period == "FY2023 (Oct 2022–Sep 2023)"
    assert answer.headline.startswith("149,305 asylum cases terminated")
    assert "FY2023 (Oct 2022–Sep 2023)" in answer.headline
    assert answer.interpretation.startswith("Read as: Asylum cases terminated or closed")


def test_change_against_the_previous_year(engine):
    change = engine.ask("terminations in 2023").change
    assert change.previous_period == "FY2022"
    assert change.absolute == 149_305 - 102_550
    assert round(change.percent, 1) == 45.6


def test_a_secondary_copy_is_said_and_the_original_named(engine):
    answer = engine.ask("terminations in 2023")
    assert any("secondary copy (bostonmail.net)" in n for n in answer.notices)
    ids = [s.id for s in answer.sources]
    assert ids[0] == "bostonmail_trac" and "trac_r742" in ids


def test_a_partial_year_is_flagged_with_its_end(engine):
    answer = engine.ask("terminations 2024")
    assert answer.value == 113_843
    assert "FY2024 is a partial period (through Apr 2024), not a full year." in answer.notices
    assert [p.partial for p in answer.series if p.period == "FY2024"] == [True]


def test_latest_means_the_latest_complete_year(engine):
    answer = engine.ask("terminations latest")
    assert answer.params["year"] == 2023  # FY2024 runs only to April 2024


def test_where_eoir_revised_its_counts_both_versions_are_shown(engine):
    answer = engine.ask("pending cases end of FY2019")
    assert answer.value == 1_331_286
    differ = {(d.value, d.source.id) for d in answer.sources_differ}
    assert differ == {(1_087_201, "eoir_pnc_2021_04_19"), (987_274, "cis_arthur_2020_01_09")}


def test_other_gotaway_counts_for_the_year_are_shown(engine):
    answer = engine.ask("gotaways 2022")
    assert [(d.value, d.source.id) for d in answer.sources_differ] == [
        (637_170, "center_square_fy2022_gotaways")
    ]
    assert "lower bound" in answer.sources_differ[0].note


def test_backlog_shows_trac_beside_eoir(engine):
    answer = engine.ask("backlog 2024")
    values = {d.value for d in answer.sources_differ}
    assert {3_716_106, 3_600_000} <= values


def test_a_related_series_fills_a_missing_year(engine):
    answer = engine.ask("asylum grant rate 2023")
    assert answer.value is None
    assert [(d.period, d.value) for d in answer.sources_differ] == [("2023-09", 52.6)]


def test_administration_range_carries_the_fiscal_year_caveat(engine):
    answer = engine.ask("terminations under Biden")
    assert answer.period == "FY2021–FY2024 (Oct 2020–Apr 2024)"  # FY2024 runs to April
    assert "inaugurations" in answer.caveats[0]
    assert any("Total of the 4 yearly figures" in n for n in answer.notices)
    assert any("FY2024 is a partial period" in n for n in answer.notices)


def test_a_comparison_compares_the_two_years_asked(engine):
    answer = engine.ask("green cards 2022 vs 2024")
    assert answer.period == "FY2022 vs FY2024"
    assert answer.change.previous_period == "FY2022"
    assert answer.change.absolute == 1_364_090 - 1_018_350
    assert [p.period for p in answer.series if p.highlight] == ["FY2022", "FY2024"]


def test_a_filter_not_in_the_headline_is_added_to_it(engine):
    answer = engine.ask("encounters from Venezuela 2023")
    assert answer.headline.endswith("— citizenship: Venezuela")
    assert "(Venezuela)" in answer.interpretation


def test_the_chart_series_highlights_the_asked_year_and_stays_small(engine):
    answer = engine.ask("border patrol apprehensions 2000")
    assert [p.period for p in answer.series if p.highlight] == ["FY2000"]
    long = engine.ask("apprehensions dhs 1990")
    assert long.command == "dhs-apprehensions" and long.value is not None
    assert len(long.series) <= 30
    assert any(p.period == "FY1990" and p.highlight for p in long.series)


def test_json_has_exactly_the_documented_keys_and_types(engine):
    data = answer_json(engine.ask("terminations in 2023"))
    assert tuple(data) == JSON_KEYS
    assert isinstance(data["value"], float) and data["understood"] is True
    assert data["series"][0].keys() == {"period", "value"}
    assert data["sources"][0].keys() == {"id", "publisher", "title", "url", "date"}
    assert isinstance(data["change"]["percent"], float)
    assert all(isinstance(c, str) for c in data["caveats"])


def test_json_for_an_unknown_question_keeps_the_shape(engine):
    data = answer_json(engine.ask("how many pizzas were sold in 2023"))
    assert tuple(data) == JSON_KEYS
    assert data["understood"] is False and data["value"] is None and data["series"] == []


def test_a_huge_or_hostile_question_is_answered_calmly(engine, built_db):
    before = hashlib.sha256(built_db.read_bytes()).hexdigest()
    huge = engine.ask("terminations in 2023 " + "x" * 100_000)
    hostile = engine.ask("terminations 2023'; DROP TABLE figures; --")
    assert huge.value == 149_305
    assert hostile.value == 149_305
    assert hashlib.sha256(built_db.read_bytes()).hexdigest() == before


def test_a_claim_past_the_characters_read_is_not_judged(engine):
    """Words and claims are read from the same first 500 characters: a number past them is
    neither judged nor taken out of a question whose words were cut before it."""
    padding = " and" * 130  # 520 characters
    assert engine.ask("Were there over 5 million terminations in 2023?").verdicts
    late = engine.ask("terminations in 2023" + padding + " over 5 million")
    assert late.value == 149_305 and not late.verdicts


def test_text_reply_shows_figure_sources_and_disagreements(engine):
    text = render_text(engine.ask("pending cases end of FY2019"))
    assert "1,331,286 cases · FY2019 (Oct 2018–Sep 2019)" in text
    assert "Sources differ:" in text and "1,087,201" in text
    assert "https://www.justice.gov/eoir/workload-and-adjudication-statistics" in text


def test_two_measures_in_one_question_get_no_single_figure_and_both_are_offered(engine):
    answer = engine.ask("terminations and green cards 2023")
    assert answer.value is None and answer.command == "green-cards"
    assert "“terminations” names something" in answer.headline
    assert any(s.startswith("Asylum cases terminated or closed") for s in answer.suggestions)
    assert engine.ask("terminations 2023").suggestions == []


def test_the_asked_time_travels_with_the_answer_to_another_command(engine):
    """A "did you mean" button asks another command about the same time, not a decoded dict."""
    first = engine.ask("terminations 2020 vs 2023")
    assert (first.time.kind, first.time.years) == ("compare", (2020, 2023))
    other = engine.ask_command("court-completions", time=first.time)
    assert other.time == first.time
    assert other.params["years"] == [2020, 2023]
    assert other.period == "FY2020 vs FY2023"


def test_a_year_outside_the_series_gets_no_figure_and_the_series_span(engine):
    answer = engine.ask("terminations in 1850")
    assert answer.value is None
    assert answer.headline.startswith("No figure for FY1850 in this series; it has FY2014")


def test_the_years_a_series_has_are_said_with_its_gaps():
    def row(year: int) -> Row:
        return Row(f"FY{year}", 1.0, None, frozenset(), None, None, year, year)

    rows = [row(y) for y in [*range(1960, 2021), 2025]]
    notice = missing_notice([2023], rows, "fiscal_year")
    assert notice == "No figure for FY2023 in this series; it has FY1960–FY2020, FY2025."
    scattered = [row(y) for y in range(1990, 2020, 2)]  # fifteen separate years
    assert missing_notice([2021], scattered, "fiscal_year").endswith("FY1990, …, FY2018.")
    decade = missing_notice(list(range(1980, 1990)), rows, "fiscal_year")
    assert decade.startswith("No figure for FY1980–FY1989 in this series")


def test_a_month_is_answered_by_the_monthly_series_only_with_every_breakdown_asked(engine):
    """The monthly sibling has no state: "Arizona" must not be dropped for a national figure."""
    arizona = engine.ask("family unit encounters in Arizona June 2023")
    assert arizona.headline.startswith("No monthly figure for Jun 2023 in this series")
    assert "state: Arizona" in arizona.headline
    venezuela = engine.ask("encounters from Venezuela march 2023")
    assert venezuela.command == "encounters-monthly" and venezuela.period == "Mar 2023"
    assert "citizenship: Venezuela" in venezuela.headline


def test_a_month_on_a_yearly_series_says_the_substitution_in_the_headline(engine):
    answer = engine.ask("terminations in March 2023")
    assert answer.headline.startswith("No monthly figure for Mar 2023 in this series; whole year:")
    assert "FY2023" in answer.headline and answer.value == 149_305


def test_a_comparison_missing_one_year_says_so_first(engine):
    answer = engine.ask("asylum grants 2020 vs 2023")
    assert answer.headline.startswith("No figure for FY2023 in this series. ")
    assert "FY2020" in answer.headline


def test_a_named_month_on_a_monthly_series_is_no_substitution(engine):
    assert engine.ask("encounters march 2023").headline.startswith(
        "259,471 CBP encounters in Mar 2023"
    )


def test_a_partial_year_names_its_months_and_gets_no_change_against_a_whole_year(engine):
    answer = engine.ask("terminations 2024")
    assert answer.period == "FY2024, Oct 2023–Apr 2024"
    assert "FY2024, Oct 2023–Apr 2024" in answer.headline and "Sep 2024" not in answer.headline
    assert answer.change is None
    assert any(n.startswith("No change line: FY2024 covers only part") for n in answer.notices)
    assert any("no monthly figures for it to compare the same months" in n for n in answer.notices)


def test_a_sum_with_an_approximate_part_says_so_first(engine):
    answer = engine.ask("gotaways FY2021 to FY2024")
    assert answer.headline.startswith("About (a total that includes approximate figures): ")
    exact = engine.ask("terminations 2021 to 2023")
    assert not exact.headline.startswith("About")


def test_dated_claims_are_never_a_change(engine):
    answer = engine.ask("deportation claims")
    assert answer.value is not None and answer.change is None


def test_latest_says_how_far_a_newer_partial_period_runs(engine):
    answer = engine.ask("border crossings this year")
    newest = engine.ask("encounters 2026")
    assert answer.period.startswith("FY2025") and newest.value is not None
    assert answer.notices[0] == (
        f"The figures for FY2026 run only through Nov 2025: {newest.value_text}; "
        "the latest complete period is the one answered."
    )


def test_press_counts_published_as_lower_bounds_give_the_range_with_each_source(engine):
    answer = engine.ask("deaths at the border 2022")
    assert answer.headline.startswith(
        "Published figures for FY2022 (Oct 2021–Sep 2022) range from "
    )
    published = [answer.value] + [d.value for d in answer.sources_differ if d.period == "FY2022"]
    assert answer.value == min(published) and len(published) > 1
    assert any("lower bound" in n for n in answer.notices)
    assert not engine.ask("deaths at the border 2018").headline.startswith("Published figures")


def test_a_stand_in_answers_a_year_the_series_lacks_and_the_headline_says_so_first(engine):
    answer = engine.ask("deportations 2025")
    assert (answer.command, answer.value) == ("ice-removals", 319980)
    assert answer.headline.startswith(
        "No figure in “Removals by all DHS components” for this period; from “Removals by ICE”"
    )
    assert any("FY1990–FY2024" in n for n in answer.notices)  # what the asked series has
    assert "ice removals" in answer.interpretation.lower()


def test_a_partial_period_counted_to_a_day_names_the_day(engine):
    answer = engine.ask("ice removals 2025")
    assert answer.period == "FY2025, Oct 2024–20 Sep 2025"
    assert any("through 20 Sep 2025" in n for n in answer.notices)


def test_a_partial_year_is_compared_with_the_same_months_of_the_year_before(engine):
    answer = engine.ask("encounters FY2026")
    months = engine.ask("encounters October 2024 to November 2024")
    assert answer.change is not None and months.value is not None
    assert answer.change.previous_period == "FY2025, Oct 2024–Nov 2024 (same months)"
    assert answer.change.previous_value == months.value
    assert answer.change.absolute == answer.value - months.value
    assert any(n.startswith("The change compares the same 2 months") for n in answer.notices)


def test_same_months_need_every_month_and_a_sum_equal_to_the_partial_figure():
    def month(period: str, value: float) -> Row:
        return Row(period, value, None, frozenset(), None, None, None, None)

    partial = Row("FY2024", 30, None, frozenset({"partial"}), "2023-11", None, 2024, 2024)
    months = [month("2022-10", 5), month("2022-11", 6), month("2023-10", 10), month("2023-11", 20)]
    change, notice = same_months_change(partial, months, "cases", "Cases by month")
    assert (change.previous_value, change.absolute) == (11, 19)
    assert "FY2023, Oct 2022–Nov 2022: 11" in notice
    assert "do not cover" in same_months_change(partial, months[1:], "cases", "T")
    assert "do not add up" in same_months_change(
        Row("FY2024", 31, None, frozenset({"partial"}), "2023-11", None, 2024, 2024),
        months,
        "cases",
        "T",
    )
    to_a_day = Row("FY2024", 30, None, frozenset({"partial"}), "2023-11-20", None, 2024, 2024)
    assert "to a day" in same_months_change(to_a_day, months, "cases", "T")


def _asked_on(engine, day: date) -> Engine:
    return Engine(engine.db, engine.catalog, engine.data_version, today=lambda: day)


def test_this_year_is_the_year_of_the_question_and_its_absence_is_said_first(engine):
    later = _asked_on(engine, date(2026, 11, 26))
    answer = later.ask("border crossings this year")
    assert answer.headline.startswith(
        "No figures yet for this year (FY2027); the data runs only through Nov 2025. "
        "Latest complete period: "
    )
    assert answer.period == "FY2025 (Oct 2024–Sep 2025)"
    survey = later.ask("foreign born population this year")
    assert survey.headline.startswith("No figures yet for this year (2026); the data runs only")


def test_this_year_with_figures_answers_the_part_of_it_the_data_covers(engine):
    answer = _asked_on(engine, date(2025, 12, 15)).ask("encounters so far this fiscal year")
    assert answer.period == "FY2026, Oct 2025–Nov 2025"
    assert not answer.headline.startswith("No figures yet")
    assert answer.value == engine.ask("encounters fy2026").value
