"""The computed series answered by the bot: the synthetic release imported into a copy of data/,
a database built from it, and a question asked of the engine as a user would ask it.

The shipped data/ holds no computed figure (no real release has been imported here); the copy
shows what a maintainer's import changes: the computed figure answers, with its own source line
naming the release date, and the press copies of TRAC's figure appear under "sources differ".
"""

from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.data.importers.eoir.figures import (
    CLOSED_WITHOUT_DECISION,
    COMPUTED_SOURCE,
    FIGURES_FILE,
    SOURCES_FILE,
    figure_rows,
)
from bot.data.importers.eoir.importer import run_eoir_import
from bot.data.ingest import build
from bot.engine.service import start
from tests.fixtures.eoir.synthetic import generate, write_zip

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "asylum cases closed without a decision 2023"


def closed_without_decision(filers: Counter, year: int) -> int:
    """The generator's own account, by custody (each case once)."""
    return sum(
        n
        for (fy, _custody, merits, outcome), n in filers.items()
        if fy == year and merits == "no merits decision" and outcome in CLOSED_WITHOUT_DECISION
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> tuple[Path, list[str]]:
    """A copy of the repository's data/ and commands/ with the synthetic release imported."""
    root = tmp_path_factory.mktemp("eoir-home")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "commands", root / "commands")
    files, expected = generate(cases=4000, seed=7)
    archive = write_zip(files, root / "EOIR Case Data 2026-0401.zip")
    lines: list[str] = []
    run_eoir_import(str(archive), root / "data", lines.append)
    return root, expected, lines


@pytest.fixture(scope="module")
def answer_for(home, tmp_path_factory):
    root, _, _ = home
    db = tmp_path_factory.mktemp("eoir-db") / "immistats.db"
    build(root / "data", db)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IMMISTATS_HOME", str(root))
        service = start(db, root / "commands")
        try:
            yield service.engine.ask
        finally:
            service.close()


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_data_holds_no_computed_figure():
    assert not [r for r in rows(ROOT / "data" / FIGURES_FILE) if r["source_id"] == COMPUTED_SOURCE]
    source = next(r for r in rows(ROOT / "data" / SOURCES_FILE) if r["id"] == COMPUTED_SOURCE)
    assert source["date"] == "" and "no release imported yet" in source["title"]


def test_the_computed_figure_answers_with_its_own_source_line(home, answer_for):
    _, expected, _ = home
    answer = answer_for(QUESTION)
    assert answer.command == "asylum-terminated"
    assert answer.value == closed_without_decision(expected.filers["custody"], 2023)
    assert answer.sources[0].id == COMPUTED_SOURCE
    assert (
        answer.sources[0].title == "Computed by immistats from EOIR case data, release 2026-04-01"
    )
    assert answer.sources[0].kind == "research" and answer.sources[0].date == "2026-04-01"


def test_the_press_copies_of_trac_figure_are_under_sources_differ(answer_for):
    differ = answer_for(QUESTION).sources_differ
    assert [(d.period, d.value, d.source.id) for d in differ] == [
        ("FY2023", 149_305, "bostonmail_trac")
    ]


def asylum_decisions(decisions: Counter, year: int, outcomes: tuple[str, ...]) -> int:
    """The generator's own account of applications decided, by custody (each case once)."""
    return sum(
        n
        for (fy, _custody, outcome, _code), n in decisions.items()
        if fy == year and outcome in outcomes
    )


@pytest.mark.parametrize(
    ("question", "command", "outcomes", "trac"),
    [
        ("asylum denials 2019", "asylum-denials", ("denied",), (46_735, "trac_atwork_a4000")),
        (
            "asylum grants by immigration judges 2022",
            "asylum-merits-grants",
            ("granted",),
            (23_686, "trac_r703"),
        ),
        (
            "asylum decisions on the merits 2021",
            "asylum-merits-decisions",
            ("granted", "denied"),
            (24_810, "trac_r703"),
        ),
    ],
)
def test_merits_decisions_are_computed_with_trac_beside_them(
    home, answer_for, question, command, outcomes, trac
):
    _, expected, _ = home
    answer = answer_for(question)
    year = int(question[-4:])
    assert answer.command == command
    assert answer.value == asylum_decisions(expected.decisions["custody"], year, outcomes) > 0
    assert answer.sources[0].id == COMPUTED_SOURCE
    assert "(TRAC)" not in answer.title  # the source line says whose figure it is
    assert (trac[0], trac[1]) in [(d.value, d.source.id) for d in answer.sources_differ]


def test_the_release_year_is_partial_and_no_later_year_is_shown():
    def filer(year: int, cases: int) -> dict[str, str]:
        return {
            "fiscal_year": str(year),
            "asylum_decision": "no merits decision",
            "case_outcome": "terminated",
            "cases": str(cases),
        }

    tables = {
        "asylum_filers": [filer(2025, 5), filer(2026, 3), filer(2027, 1)],
        "asylum_decisions": [],
    }
    found = {r["period"]: r for r in figure_rows(tables, "2026-04-01")}
    assert sorted(found) == ["FY2025", "FY2026"]  # FY2027 would be a dating error
    assert (found["FY2025"]["value"], found["FY2025"]["flags"]) == ("5", "")
    assert (found["FY2026"]["flags"], found["FY2026"]["partial_through"]) == ("partial", "2026-03")
    assert "release 2026-04-01" in found["FY2026"]["notes"]


def test_the_import_changes_no_other_row_and_a_second_import_none(home, tmp_path):
    root, _, lines = home
    shipped = (ROOT / "data" / FIGURES_FILE).read_text(encoding="utf-8").splitlines()
    merged = (root / "data" / FIGURES_FILE).read_text(encoding="utf-8").splitlines()
    assert [line for line in merged if COMPUTED_SOURCE not in line] == shipped
    assert any(
        line.startswith(f"  {FIGURES_FILE}: ") and "figures computed" in line for line in lines
    )
    again: list[str] = []
    files, _ = generate(cases=4000, seed=7)
    run_eoir_import(
        str(write_zip(files, tmp_path / "EOIR Case Data 2026-0401.zip")),
        root / "data",
        again.append,
    )
    assert f"  {FIGURES_FILE}: unchanged" in again and f"  {SOURCES_FILE}: unchanged" in again
