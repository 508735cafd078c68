"""Periods in the words people use."""

import pytest

from bot.engine.timewords import read_time


@pytest.mark.parametrize(
    ("text", "kind", "years"),
    [
        ("terminations in 2023", "single", (2023,)),
        ("terminations fy23", "single", (2023,)),
        ("terminations fy 23", "single", (2023,)),
        ("asylum cases terminated fy2023", "single", (2023,)),
        ("dismissed in fiscal 2022", "single", (2022,)),
        ("fiscal year 2022", "single", (2022,)),
        ("pending cases end of fy2019", "single", (2019,)),
        ("terminations 2021 to 2024", "range", (2021, 2022, 2023, 2024)),
        ("encounters 2019-2024", "range", (2019, 2020, 2021, 2022, 2023, 2024)),
        ("encounters 2019–2021", "range", (2019, 2020, 2021)),
        ("encounters between 2019 and 2021", "range", (2019, 2020, 2021)),
        ("encounters from 2022 through 2023", "range", (2022, 2023)),
        ("asylum grants 2020 vs 2023", "compare", (2020, 2023)),
        ("asylum grants 2020 versus 2023", "compare", (2020, 2023)),
        ("compare 2019 and 2023 removals", "compare", (2019, 2023)),
        ("removals 2019, 2021", "compare", (2019, 2021)),
        ("denials since 2019", "since", (2019,)),
        ("terminations under biden", "range", (2021, 2022, 2023, 2024)),
        ("encounters during the first trump administration", "range", (2017, 2018, 2019, 2020)),
        ("removals under obama", "range", tuple(range(2009, 2017))),
        ("last year", "latest", ()),
        ("latest backlog", "latest", ()),
        ("immigration court backlog", "none", ()),
        ("350,000 asylum cases closed", "none", ()),
        ("title 42 expulsions", "none", ()),
        ("border apprehensions in the 1990s", "range", tuple(range(1990, 2000))),
        ("deportations in the 2000s", "range", tuple(range(2000, 2010))),
        ("green cards in the 90s", "range", tuple(range(1990, 2000))),
        ("green cards in the '90s", "range", tuple(range(1990, 2000))),
        ("deportations since the 1990s", "since", (1990,)),
        ("migrants in their 20s", "none", ()),  # an age, not a decade
    ],
)
def test_read_time(text, kind, years):
    time = read_time(text)
    assert (time.kind, time.years) == (kind, years)


def test_administration_ranges_carry_the_inauguration_caveat():
    caveat = read_time("terminations under biden").caveat
    assert "FY2021–FY2024" in caveat and "inaugurations" in caveat
    assert read_time("terminations 2021 to 2024").caveat is None


def test_a_named_month_is_read_as_a_calendar_month():
    assert read_time("encounters march 2023").month == "2023-03"
    assert read_time("encounters 2023").month is None


def test_years_outside_1900_2100_are_not_years():
    assert read_time("encounters 3000").kind == "none"


def test_two_decades_are_said_not_read():
    time = read_time("deportations in the 1990s vs the 2010s")
    assert time.kind == "none" and time.unread == "a comparison of decades"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("encounters between october and december 2023", "2023-10", "2023-12"),
        ("encounters january to march 2024", "2024-01", "2024-03"),
        ("encounters from november to february 2024", "2023-11", "2024-02"),
        ("encounters between jan. and mar. 2024", "2024-01", "2024-03"),
    ],
)
def test_two_months_of_one_year_are_a_span(text, first, last):
    time = read_time(text)
    assert (time.kind, time.first_month, time.last_month) == ("range", first, last)


def test_two_months_joined_by_and_alone_are_not_a_span():
    """'January and June 2023' names two months, not the six between them."""
    assert read_time("encounters in january and june 2023").unread == "a comparison of months"
