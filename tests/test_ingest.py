"""The shipped data and the database built from it: every figure sourced, checks that refuse bad data.

Most tests here read the real data/ files or the database built from them; the refusal tests copy
the small CSVs into a temporary folder and break them on purpose.
"""

import csv
import gzip
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.data.files import ALL_FILES, MONTHLY_TABLES
from bot.data.ingest import build
from bot.data.problems import DataError
from bot.data.validate import FLAGS
from bot.engine.freshness import data_version, is_current
from tests.conftest import DATA

CBP_PUBLISHED_TOTALS = {
    2021: 1_956_519,
    2022: 2_766_582,
    2023: 3_201_144,
    2024: 2_901_142,
    2025: 691_906,  # sum of CBP's state file (the recent pack), not a CBP-printed total
}


def read_csv(name: str) -> list[dict[str, str]]:
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def query(db: Path, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute(sql, params).fetchall()


# --- the shipped files -------------------------------------------------------------------------


def test_every_figure_has_a_known_source_with_a_link():
    sources = {row["id"]: row for row in read_csv("sources.csv")}
    for spec in ALL_FILES:
        if "source_id" not in spec.columns:  # sources, metrics, vocabulary
            continue
        for row in read_csv(spec.file):
            source = sources.get(row["source_id"])
            assert source is not None, f"{spec.file}: unknown source {row['source_id']}"
            assert source["url"].startswith("https://") or source["url"].startswith("http://")


def test_secondary_sources_are_flagged_on_their_rows():
    kinds = {row["id"]: row["kind"] for row in read_csv("sources.csv")}
    assert set(kinds.values()) == {"official", "research", "secondary"}
    for row in read_csv("figures.csv"):
        if kinds[row["source_id"]] == "secondary":
            assert "secondary" in row["flags"].split(), row


def test_no_duplicate_keys_and_no_negative_values_in_any_file():
    for spec in ALL_FILES:
        rows = read_csv(spec.file)
        keys = [tuple(row[c] for c in spec.key) for row in rows]
        assert len(keys) == len(set(keys)), spec.file
        for column in ("value", *spec.integer_columns):
            for row in rows:
                if column in row:
                    assert not row[column].startswith("-"), (spec.file, row)


def test_partial_periods_are_flagged_with_their_end():
    rows = read_csv("figures.csv")
    partial = [row for row in rows if "partial" in row["flags"].split()]
    assert partial, "the packs have partial years (e.g. FY2024 to April 2024)"
    assert all(row["partial_through"] for row in partial)
    terminated_2024 = next(
        r
        for r in rows
        if r["metric"] == "trac_asylum_terminated_or_closed" and r["period"] == "FY2024"
    )
    assert terminated_2024["partial_through"] == "2024-04"
    assert set(f for row in rows for f in row["flags"].split()) <= FLAGS


def test_both_versions_are_kept_where_eoir_revised_its_pending_counts():
    fy2019 = {
        r["source_id"]: int(r["value"])
        for r in read_csv("figures.csv")
        if r["metric"] == "eoir_pending_cases_end_fy" and r["period"] == "FY2019"
    }
    assert fy2019 == {
        "eoir_pnc_2025_07_31": 1_331_286,
        "eoir_pnc_2021_04_19": 1_087_201,
        "cis_arthur_2020_01_09": 987_274,
    }


# --- the built database ------------------------------------------------------------------------


def test_monthly_encounters_add_up_to_cbp_published_totals(built_db):
    rows = dict(query(built_db, "select fiscal_year, encounters from encounters_annual"))
    for year, total in CBP_PUBLISHED_TOTALS.items():
        assert rows[year] == total


def test_each_metric_and_period_has_exactly_one_preferred_figure(built_db):
    counts = query(
        built_db,
        "select metric, period, sum(is_preferred) from figures group by metric, period "
        "having sum(is_preferred) != 1",
    )
    assert counts == []


def test_preferred_figure_follows_the_metric_preferred_source(built_db):
    preferred = query(
        built_db,
        "select source_id, value from figures where metric = 'eoir_pending_cases_end_fy' "
        "and period = 'FY2019' and is_preferred = 1",
    )
    assert preferred == [("eoir_pnc_2025_07_31", 1_331_286.0)]


def test_views_aggregate_the_monthly_table(built_db):
    by_region = dict(
        query(
            built_db,
            "select land_border_region, encounters from encounters_annual_by_region "
            "where fiscal_year = 2023",
        )
    )
    assert by_region["Southwest Land Border"] == 2_475_669
    assert sum(by_region.values()) == CBP_PUBLISHED_TOTALS[2023]


def test_meta_records_version_and_schema(built_db):
    meta = dict(query(built_db, "select key, value from meta"))
    assert meta["data_version"] == data_version(DATA)
    assert meta["schema_version"] == "1"
    assert meta["built_at"].endswith("Z")


def test_same_inputs_give_the_same_database(built_db, tmp_path):
    """Identical content, table by table; only the build time may differ."""
    again = tmp_path / "again.db"
    build(DATA, again)

    def dump(path: Path) -> list[str]:
        with closing(sqlite3.connect(path)) as conn:
            return [line for line in conn.iterdump() if "built_at" not in line]

    assert dump(built_db) == dump(again)


def test_metadata_json_names_a_source_for_every_table(built_db):
    metadata = json.loads(built_db.with_name("metadata.json").read_text())
    tables = metadata["databases"]["immistats"]["tables"]
    for spec in MONTHLY_TABLES:
        assert tables[spec.table]["source_url"].startswith("https://")
        assert tables[spec.table]["source"]
    assert set(tables) == {spec.table for spec in ALL_FILES}


# --- refusing bad data -------------------------------------------------------------------------


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def edit_csv(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    change(rows)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def build_problems(data_dir: Path, db: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        build(data_dir, db)
    return [str(p) for p in caught.value.problems]


def test_unknown_source_duplicate_and_negative_are_each_reported(data_copy, tmp_path):
    def breakage(rows):
        rows[0]["source_id"] = "no_such_source"
        rows[2]["value"] = "-5"
        rows.append(dict(rows[1]))

    edit_csv(data_copy / "figures.csv", breakage)
    problems = build_problems(data_copy, tmp_path / "x.db")
    assert "data/figures.csv, line 2: unknown source id 'no_such_source'" in problems
    assert any(p.startswith("data/figures.csv, line 4: negative value -5") for p in problems)
    assert any(
        "duplicate key" in p and f"line {len(read_csv('figures.csv')) + 2}" in p for p in problems
    )
    assert not (tmp_path / "x.db").exists()


def test_a_total_that_the_months_do_not_match_is_refused(data_copy, tmp_path):
    def breakage(rows):
        for row in rows:
            if row["metric"] == "cbp_encounters_nationwide" and row["period"] == "FY2023":
                row["value"] = "3201145"

    edit_csv(data_copy / "figures.csv", breakage)
    problems = build_problems(data_copy, tmp_path / "x.db")
    assert len(problems) == 1
    assert "3,201,145 but the months of cbp_encounters_monthly add up to 3,201,144" in problems[0]


def test_an_older_release_total_is_still_checked_after_a_newer_release_replaced_its_months(
    data_copy, tmp_path
):
    """FY2023 now comes from CBP's Dec 2025 file; the FY2021-FY2024 file's published FY2023 total
    must still equal the months, or the re-import changed history."""

    def breakage(rows):
        for row in rows:
            if (
                row["metric"] == "cbp_encounters_nationwide_uc_single_minors"
                and row["period"] == "FY2023"
            ):
                assert row["source_id"] == "cbp_nationwide_state_fy21_fy24"
                row["value"] = str(int(row["value"]) + 1)

    edit_csv(data_copy / "figures.csv", breakage)
    problems = build_problems(data_copy, tmp_path / "x.db")
    assert len(problems) == 1 and "cbp_encounters_nationwide_uc_single_minors FY2023" in problems[0]


def test_a_claim_without_the_date_it_was_made_is_refused(data_copy, tmp_path):
    def breakage(rows):
        for row in rows:
            if row["metric"] == "dhs_deportations_claimed_since_2025_01_20":
                row["as_of"] = ""

    edit_csv(data_copy / "figures.csv", breakage)
    problems = build_problems(data_copy, tmp_path / "x.db")
    assert problems and all("a claim needs the date it was made in as_of" in p for p in problems)


def test_partial_without_end_and_secondary_without_flag_are_refused(data_copy, tmp_path):
    def breakage(rows):
        for row in rows:
            if row["source_id"] == "bostonmail_trac" and row["period"] == "FY2024":
                row["partial_through"] = ""
            if row["source_id"] == "bostonmail_trac" and row["period"] == "FY2023":
                row["flags"] = ""

    edit_csv(data_copy / "figures.csv", breakage)
    problems = "\n".join(build_problems(data_copy, tmp_path / "x.db"))
    assert "a partial period needs both the 'partial' flag and partial_through" in problems
    assert "the source is secondary but the row lacks the 'secondary' flag" in problems


def test_a_failed_build_leaves_the_previous_database_untouched(data_copy, tmp_path):
    db = tmp_path / "immistats.db"
    db.write_bytes(b"previous database")
    edit_csv(data_copy / "sources.csv", lambda rows: rows[0].update(url="not a link"))
    problems = build_problems(data_copy, db)
    assert any("url is not a link" in p for p in problems)
    assert db.read_bytes() == b"previous database"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".immistats-")] == []


def test_missing_file_is_reported_by_name(data_copy, tmp_path):
    (data_copy / "metrics.csv").unlink()
    assert build_problems(data_copy, tmp_path / "x.db") == ["data/metrics.csv: file is missing"]


def test_database_is_rebuilt_when_the_data_changes(data_copy, tmp_path):
    db = tmp_path / "immistats.db"
    assert not is_current(data_copy, db)  # missing
    build(data_copy, db)
    assert is_current(data_copy, db)
    edit_csv(data_copy / "sources.csv", lambda rows: rows[0].update(notes="edited"))
    assert not is_current(data_copy, db)
    build(data_copy, db)
    assert is_current(data_copy, db)
    (data_copy / "extra.csv").write_text("new,file\n", encoding="utf-8")
    assert not is_current(data_copy, db)  # any new data file makes the database stale
