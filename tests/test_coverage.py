"""What the data covers, and how the joins and partial periods of the transcribed packs are kept.

The supplement and recent packs brought series that overlap older ones (DHS removals from the Yearbook
and from OHSS, ICE's own counts and OHSS's rounded ones) and partial periods (OHSS FY2024 runs
October-August). These tests hold the rules: a join between two series is said, a partial period is
marked with its end, and a press figure never passes for an official one.
"""

import csv
import io
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
OHSS = "ohss_monthly_tables_2024_08"


def _figures() -> list[dict[str, str]]:
    with (DATA / "figures.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _sources() -> dict[str, dict[str, str]]:
    with (DATA / "sources.csv").open(newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_every_ohss_fy2024_row_is_partial_through_august():
    rows = [r for r in _figures() if r["source_id"] == OHSS and r["period"] == "FY2024"]
    assert len(rows) >= 20
    for row in rows:
        assert "partial" in row["flags"].split(), row["metric"]
        assert row["partial_through"] == "2024-08", row["metric"]


def test_every_ohss_row_is_flagged_rounded():
    rows = [r for r in _figures() if r["source_id"] == OHSS]
    assert rows and all("rounded" in r["flags"].split() for r in rows)


def test_yearbook_and_ohss_removals_stay_separate_metrics():
    removals = [r for r in _figures() if r["metric"] == "dhs_removals"]
    assert removals and all(r["source_id"] != OHSS for r in removals)
    assert max(int(r["period"][2:]) for r in removals) == 2019
    ohss = [r for r in _figures() if r["metric"] == "dhs_removals_ohss"]
    assert {r["period"] for r in ohss} == {f"FY{y}" for y in range(2014, 2025)}


def test_deportations_after_fy2019_come_from_ohss_and_the_join_is_said(engine):
    answer = engine.ask("deportations 2022")
    assert answer.command == "dhs-removals"
    assert answer.value == 102_840
    assert [s.id for s in answer.sources][:1] == [OHSS]
    assert any("Yearbook" in c and "OHSS" in c for c in answer.caveats)
    before = engine.ask("deportations 2018")
    assert before.value == 337_287
    assert "dhs_yearbook2019_t33_t39_csv" in [s.id for s in before.sources]


def test_partial_fy2024_removals_are_marked_with_their_last_month(engine):
    answer = engine.ask("deportations 2024")
    assert answer.value == 315_480
    assert any("partial" in n and "Aug 2024" in n for n in answer.notices), answer.notices


def test_ice_fy2024_full_year_is_not_replaced_by_the_ohss_partial(engine):
    answer = engine.ask("ice removals 2024")
    assert answer.value == 271_484
    ohss = [r for r in _figures() if r["metric"] == "ice_removals" and r["source_id"] == OHSS]
    assert ohss == [], "OHSS's 'removals and returns' are their own metric"


def test_press_death_counts_are_a_separate_metric_and_a_lower_bound(engine):
    figures, kinds = _figures(), _sources()
    press = [r for r in figures if r["metric"] == "usbp_deaths_southwest_press"]
    assert press and all(kinds[r["source_id"]]["kind"] == "secondary" for r in press)
    official = [r for r in figures if r["metric"] == "usbp_deaths_southwest"]
    assert max(int(r["period"][2:]) for r in official) == 2019
    answer = engine.ask("migrant deaths 2022")
    assert answer.value == 853  # the lowest published figure
    assert any("lower bound" in n for n in answer.notices), answer.notices
    assert {d.value for d in answer.sources_differ} >= {856}


@pytest.mark.parametrize(
    ("question", "source_id"),
    [
        ("naturalizations 2023", "uscis_natz_stats_fy2023_via_estarservices"),
        ("naturalizations 2019", "usafacts_persons_naturalized"),
    ],
)
def test_naturalizations_name_whose_count_they_are(engine, question, source_id):
    answer = engine.ask(question)
    assert source_id in [s.id for s in answer.sources]
    assert any("USCIS" in c for c in answer.caveats)


def test_refugee_ceiling_keeps_first_set_and_revised_apart(engine):
    assert engine.ask("refugee ceiling 2021").value == 62_500
    assert engine.ask("refugee ceiling as first set 2021").value == 15_000


def test_every_source_used_by_a_figure_has_a_link_and_kind():
    sources = _sources()
    for row in _figures():
        source = sources[row["source_id"]]
        assert source["url"].startswith(("http://", "https://")), row["source_id"]
        assert source["kind"] in {"official", "research", "secondary"}


def test_deportations_2025_come_from_ice_naming_the_gap_and_the_dated_claims(engine):
    answer = engine.ask("deportations 2025")
    assert answer.command == "ice-removals" and answer.headline.startswith("No figure in")
    assert any("FY2025" in n for n in answer.notices)
    assert any("deportation-claims" in c for c in answer.caveats)


def test_dated_claims_are_never_added_up(engine):
    answer = engine.ask("dhs deportation claims 2025 to 2026")
    assert answer.command == "deportation-claims"
    assert answer.value == 675_000  # the latest statement, not a sum of cumulative claims
    assert "claim, not a statistic" in answer.headline


def test_ice_removals_fy2025_is_partial_through_september(engine):
    answer = engine.ask("ice removals 2025")
    assert answer.value == 319_980
    assert any("partial" in n and "Sep 2025" in n for n in answer.notices), answer.notices


def test_fy2026_encounters_stop_at_november_2025(engine):
    answer = engine.ask("encounters 2026")
    assert answer.value == 60_926
    assert any("Nov 2025" in n for n in answer.notices), answer.notices


# ----- what can be asked: the coverage list (engine, CLI, Discord) -----


def test_coverage_lists_every_metric_with_its_span_and_partial_end(service):
    from bot.engine.coverage import coverage

    rows = {row.name: row for row in coverage(service.db, service.catalog)}
    metrics = {r["metric"] for r in _figures()}
    assert metrics <= set(rows)
    removals = rows["dhs_removals_ohss"]
    assert (removals.first, removals.last, removals.last_through) == ("FY2014", "FY2024", "2024-08")
    assert removals.span == "FY2014–FY2024 (FY2024 through Aug 2024)"
    assert removals.kinds == ("official",) and "dhs-removals-ohss" in removals.commands
    apprehensions = rows["usbp_apprehensions_nationwide"]
    assert apprehensions.first == "FY1925"
    monthly = rows["cbp_encounters_monthly"]
    assert (monthly.first, monthly.last) == ("2019-10", "2025-11")


def test_coverage_of_a_topic_keeps_only_its_series(service):
    from bot.engine.coverage import coverage

    rows = coverage(service.db, service.catalog, "refugees")
    assert rows and all(row.topic == "refugees" for row in rows)
    words = coverage(service.db, service.catalog, "border deaths")
    assert {row.name for row in words} == {"usbp_deaths_southwest", "usbp_deaths_southwest_press"}
    assert coverage(service.db, service.catalog, "pizza") == []


def test_coverage_csv_has_one_row_per_series():
    from bot.engine.coverage import Coverage
    from bot.render.coverage import CSV_COLUMNS, coverage_csv

    row = Coverage(
        "m",
        "border",
        "A, quoted label",
        "FY2020",
        "FY2026",
        "2025-11",
        "",
        "",
        ("official",),
        7,
        (),
    )
    parsed = list(csv.reader(coverage_csv([row]).splitlines()))
    assert parsed[0] == list(CSV_COLUMNS)
    assert parsed[1][:6] == ["border", "m", "A, quoted label", "FY2020", "FY2026", "2025-11"]


def test_coverage_pages_never_exceed_the_limit_nor_cut_a_line(service):
    from bot.engine.coverage import coverage
    from bot.render.coverage import coverage_pages

    rows = coverage(service.db, service.catalog)
    pages = coverage_pages(rows, 1000)
    assert len(pages) > 3 and all(len(page) <= 1000 for page in pages)
    lines = [line for page in pages for line in page.split("\n")]
    assert sum(line.startswith("• ") for line in lines) == len(rows)


def test_cli_coverage_prints_the_list_and_the_csv(capsys):
    from bot.cli import main

    assert main(["coverage", "removals"]) == 0
    out = capsys.readouterr().out
    assert "Removals by all DHS components, fiscal year (OHSS monthly tables): FY2014–FY2024" in out
    assert main(["coverage", "--csv"]) == 0
    table = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert {"metric", "first_period", "last_period", "source_kinds"} <= set(table[0])
    assert main(["coverage", "no such topic at all"]) == 2


async def test_slash_coverage_shows_a_page_and_attaches_the_whole_table(standin, bot):
    from tests.standin import slash_payload

    reply = await standin.send(bot, slash_payload("coverage", {"topic": "enforcement"}))
    embed = reply.final.embed
    assert embed["title"].startswith("What can be asked:") and "enforcement" in embed["title"]
    assert "FY2014–FY2024 (FY2024 through Aug 2024)" in embed["description"]
    (table,) = reply.files
    assert table.filename == "coverage.csv"
    rows = list(csv.DictReader(io.StringIO(table.data.decode())))
    assert rows and all(row["topic"] == "enforcement" for row in rows)
    assert not standin.errors


async def test_slash_coverage_with_an_unknown_topic_says_so_privately(standin, bot):
    from tests.standin import slash_payload

    reply = await standin.send(bot, slash_payload("coverage", {"topic": "pizza"}))
    assert reply.ephemeral and "Nothing matches" in reply.final.content
    assert not reply.files
