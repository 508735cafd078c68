"""`immistats data reconcile eoir` and the CLI's EOIR import, on the synthetic release."""

from __future__ import annotations

import csv
import functools
import gzip
import http.server
import io
import threading
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.data.eoir_reconcile import NoComputedTables, reconcile_report
from bot.data.files import FIGURES
from bot.data.importers.eoir.importer import run_eoir_import
from tests.fixtures.eoir.synthetic import Expected, generate, write_zip


def national(expected: Counter, keep) -> Counter:
    """Yearly totals of the generator's own account (custody breakdown: each case once)."""
    totals: Counter = Counter()
    for (year, _custody, *groups), n in expected.items():
        if keep(groups):
            totals[year] += n
    return totals


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> tuple[Path, Expected]:
    """data/ with the synthetic release imported and a figures.csv of made-up published rows."""
    root = tmp_path_factory.mktemp("reconcile")
    files, expected = generate(cases=2000, seed=5)
    data = root / "data"
    data.mkdir()
    run_eoir_import(str(write_zip(files, root / "EOIR Case Data 2026-0401.zip")), data, print)
    rows = [
        ("trac_asylum_merits_decisions", "FY2019", "", "", "United States", "1000", "t1", "", ""),
        (
            "trac_asylum_merits_grants",
            "FY2020",
            "",
            "2020-01",
            "United States",
            "10",
            "t2",
            "partial",
            "",
        ),
        ("eoir_total_completions", "FY2018", "", "", "United States", "500", "e1", "", ""),
        (
            "trac_asylum_terminated_or_closed",
            "FY2021",
            "",
            "",
            "United States",
            "7",
            "p1",
            "secondary",
            "",
        ),
        ("eoir_total_completions", "FY1990", "", "", "United States", "5", "e0", "", ""),
        ("usbp_known_gotaways", "FY2019", "", "", "United States", "9", "x", "", ""),
    ]
    with open(data / "figures.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIGURES.columns)
        writer.writerows(rows)
    return data, expected


def line_for(report: str, title: str, period: str, source: str) -> list[str]:
    block = report.split(f"\n{title}\n", 1)[1].split("\n\n", 1)[0]
    line = next(x for x in block.splitlines() if x.split()[:1] == [period] and source in x)
    return line.split()


def test_the_report_puts_each_computed_value_beside_the_published_one(computed):
    data, expected = computed
    report = reconcile_report(data)
    assert report.startswith("Computed by immistats from EOIR case data, release 2026-04-01")
    merits = national(expected.decisions["custody"], lambda g: g[0] in ("granted", "denied"))
    words = line_for(report, "Asylum decisions on the merits (grants + denials)", "FY2019", "t1")
    assert words[1:3] == [f"{merits[2019]:,}", "1,000"]
    assert words[3] == f"{merits[2019] - 1000:+,}"
    completions = national(expected.completions["custody"], lambda g: True)
    words = line_for(report, "Immigration court completions", "FY2018", "e1")
    assert words[1] == f"{completions[2018]:,}"


def test_the_closed_without_decision_measure_is_the_sum_the_docs_define(computed):
    data, expected = computed
    closed = (
        "terminated",
        "dismissed",
        "administratively closed",
        "other administrative completion",
    )
    wanted = national(
        expected.filers["custody"], lambda g: g[0] == "no merits decision" and g[1] in closed
    )
    title = "Asylum filers' cases ended without a merits decision (terminated, dismissed or closed)"
    words = line_for(reconcile_report(data), title, "FY2021", "p1")
    assert words[1] == f"{wanted[2021]:,}" and "[secondary]" in words


def test_part_years_and_years_without_computed_values_are_not_compared(computed):
    report = reconcile_report(computed[0])
    grants = " ".join(line_for(report, "Asylum grants", "FY2020", "t2"))
    assert "part year: not compared" in grants
    old = " ".join(line_for(report, "Immigration court completions", "FY1990", "e0"))
    assert old.split()[1] == "-" and "no computed value" in old
    assert "usbp_known_gotaways" not in report and " x\n" not in report


def test_without_computed_tables_it_says_how_to_make_them(tmp_path):
    with pytest.raises(NoComputedTables, match="immistats data import eoir-case-data"):
        reconcile_report(tmp_path)


def test_the_shipped_data_has_no_computed_eoir_figures(capsys):
    """data/ ships no figures computed from case data until a real release is imported."""
    assert main(["data", "reconcile", "eoir"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("immistats: data/ has no figures computed from EOIR case data yet")
    assert "\n" not in err


def test_the_cli_import_without_internet_fails_in_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IMMISTATS_HOME", str(tmp_path))
    (tmp_path / "data").mkdir()
    (tmp_path / "commands").mkdir()
    code = main(["data", "import", "eoir-case-data", "http://127.0.0.1:9/EOIR%20Case%20Data.zip"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "\n" not in err
    assert (
        err.startswith("Import failed; nothing was written: http://127.0.0.1:9/")
        and "cannot connect" in err
    )
    assert list((tmp_path / "data").iterdir()) == []


def test_the_cli_import_writes_the_tables_and_says_what_changed(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("IMMISTATS_HOME", str(tmp_path))
    (tmp_path / "data").mkdir()
    (tmp_path / "commands").mkdir()
    files, _ = generate(cases=300, seed=3)
    archive = write_zip(files, tmp_path / "EOIR Case Data 2026-0401.zip")
    assert main(["data", "import", "eoir-case-data", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "eoir_asylum_filers_by_nationality.csv.gz: new file" in out
    assert "immistats data reconcile eoir" in out
    assert (tmp_path / "data" / "eoir_completions_by_court.csv.gz").exists()


def test_a_release_given_as_a_url_is_downloaded_in_chunks_and_read(tmp_path):
    """The same path as the official URL, served from this machine."""
    files, expected = generate(cases=300, seed=8)
    served = tmp_path / "served"
    served.mkdir()
    write_zip(files, served / "EOIR Case Data 2026-0401.zip")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        data = tmp_path / "data"
        data.mkdir()
        lines: list[str] = []
        url = f"http://127.0.0.1:{server.server_port}/EOIR%20Case%20Data%202026-0401.zip"
        run_eoir_import(url, data, lines.append)
    finally:
        server.shutdown()
        thread.join()
    assert any(line.strip().startswith("download EOIR Case Data 2026-0401.zip:") for line in lines)
    text = (data / "eoir_case_data_release.csv").read_text(encoding="utf-8")
    record = {row["item"]: row["value"] for row in csv.DictReader(io.StringIO(text))}
    assert record["release_date"] == "2026-04-01" and record["source"] == url
    completions = national(expected.completions["custody"], lambda g: True)
    assert sum(completions.values()) == sum(
        int(r["cases"])
        for r in csv.DictReader(
            io.StringIO(
                gzip.decompress((data / "eoir_completions_by_custody.csv.gz").read_bytes()).decode()
            )
        )
    )
