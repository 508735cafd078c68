"""The EOIR case-data import on a synthetic release in the real schema (tests/fixtures/eoir).

The generator knows every case's outcome and tallies the expected aggregates itself; these tests
compare the importer's tables with that account, exactly, for every breakdown, and check that the
release's defects are counted and reported rather than dropped or misread.
"""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from bot.data.importers.common import FetchError
from bot.data.importers.eoir import aggregate, reading
from bot.data.importers.eoir.importer import run_eoir_import
from bot.data.importers.eoir.reading import read_table as read
from tests.fixtures.eoir.synthetic import Expected, generate, write_folder, write_zip

DIMENSIONS = ("nationality", "court", "custody")


@pytest.fixture(scope="module")
def release() -> tuple[dict[str, bytes], Expected]:
    return generate(cases=3000, seed=12)


@pytest.fixture(scope="module")
def imported(release, tmp_path_factory) -> tuple[Path, list[str]]:
    """The release imported once from a zip as downloaded; the data folder and the report."""
    files, _ = release
    root = tmp_path_factory.mktemp("eoir")
    archive = write_zip(files, root / "EOIR Case Data 2026-0401.zip")
    data = root / "data"
    data.mkdir()
    lines: list[str] = []
    run_eoir_import(str(archive), data, lines.append)
    return data, lines


def read_table(path: Path) -> list[dict[str, str]]:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def tally(path: Path, dimension: str, groups: tuple[str, ...]) -> Counter:
    counts: Counter = Counter()
    for row in read_table(path):
        key = (int(row["fiscal_year"]), row[f"{dimension}_code"], *(row[g] for g in groups))
        counts[key] += int(row["cases"])
    return counts


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_completions_match_the_known_case_outcomes(imported, release, dimension):
    data, _ = imported
    found = tally(
        data / f"eoir_completions_by_{dimension}.csv.gz",
        dimension,
        ("outcome", "field", "decision_code"),
    )
    assert found == release[1].completions[dimension]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_asylum_decisions_match_the_known_case_outcomes(imported, release, dimension):
    data, _ = imported
    found = tally(
        data / f"eoir_asylum_decisions_by_{dimension}.csv.gz",
        dimension,
        ("outcome", "decision_code"),
    )
    assert found == release[1].decisions[dimension]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_asylum_filers_match_the_known_case_endings(imported, release, dimension):
    data, _ = imported
    found = tally(
        data / f"eoir_asylum_filers_by_{dimension}.csv.gz",
        dimension,
        ("asylum_decision", "case_outcome"),
    )
    assert found == release[1].filers[dimension]


def test_the_breakdowns_are_separate_views_of_the_same_cases(imported):
    """Each case is in exactly one row group of each breakdown, so yearly totals agree."""
    data, _ = imported
    for measure in ("completions", "asylum_decisions", "asylum_filers"):
        totals = [
            Counter(
                {fy: n for fy, n in tally(data / f"eoir_{measure}_by_{d}.csv.gz", d, ()).items()}
            )
            for d in DIMENSIONS
        ]
        by_year = [Counter() for _ in totals]
        for counter, total in zip(by_year, totals, strict=True):
            for (fy, _code), n in total.items():
                counter[fy] += n
        assert by_year[0] == by_year[1] == by_year[2], measure


def test_names_come_from_the_release_lookups(imported):
    data, _ = imported
    rows = read_table(data / "eoir_completions_by_nationality.csv.gz")
    names = {r["nationality_code"]: r["nationality"] for r in rows}
    assert names["ES"] == "EL SALVADOR" and names["MX"] == "MEXICO"
    custody = {
        r["custody_code"]: r["custody"]
        for r in read_table(data / "eoir_completions_by_custody.csv.gz")
    }
    assert custody == {"N": "Never Detained", "D": "Detained", "R": "Released", "": "not recorded"}
    courts = {
        r["court_code"]: r["court"] for r in read_table(data / "eoir_completions_by_court.csv.gz")
    }
    assert courts["ATL"] == "ATLANTA, GA"


def test_every_row_carries_the_release_date_and_the_record_says_what_was_set_aside(
    imported, release
):
    data, _ = imported
    expected = release[1]
    for path in data.glob("eoir_*_by_*.csv.gz"):
        assert {row["release"] for row in read_table(path)} == {"2026-04-01"}, path.name
    record = {r["item"]: r["value"] for r in read_table(data / "eoir_case_data_release.csv")}
    assert record["release_date"] == "2026-04-01"
    assert record["B_TblProceeding.rows_rejected"] == str(expected.rejected["B_TblProceeding"])
    assert record["tbl_Court_Appln.rows_rejected"] == str(expected.rejected["tbl_Court_Appln"])
    assert record["tbl_Court_Appln.nul_bytes_ignored"] == str(expected.nul_bytes["tbl_Court_Appln"])
    assert record["B_TblProceeding.rows_read"] == str(
        sum(1 for line in release[0]["EOIR Case Data/B_TblProceeding.csv"].splitlines()[1:])
        - expected.rejected["B_TblProceeding"]
    )


def test_the_report_names_the_rows_set_aside_and_the_codes_not_decoded(imported, release):
    _, lines = imported
    text = "\n".join(lines)
    rejected = release[1].rejected["B_TblProceeding"]
    assert f"B_TblProceeding: {rejected:,} rows with the wrong number of fields set aside" in text
    assert f"{rejected:,} with one field more than the header's 38" in text
    assert "1 with fewer fields than the header's 6 (e.g. the row beginning '999999')" in text
    assert "not in the release's lookups: DEC_CODE/OTHER_COMP RMV K" in text
    assert "no rule matched" not in text  # every synthetic description has its rule
    assert "eoir_completions_by_court.csv.gz: new file" in text


def test_a_folder_gives_the_same_bytes_and_a_second_run_reports_no_change(
    imported, release, tmp_path
):
    data, _ = imported
    folder = write_folder(release[0], tmp_path / "EOIR Case Data 2026-0401")
    again = tmp_path / "data"
    again.mkdir()
    run_eoir_import(str(folder), again, lambda line: None)
    for path in data.glob("eoir_*.csv.gz"):  # the record names its source: zip or folder
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    changed = run_eoir_import(str(folder), again, lambda line: None)
    assert changed and all(line.endswith(": unchanged") for line in changed)


def test_a_table_compressed_otherwise_but_with_the_same_text_is_reported_unchanged(
    imported, release, tmp_path
):
    """data/ written by an import that compressed differently is the same table: no change."""
    data, _ = imported
    target = tmp_path / "data"
    target.mkdir()
    for path in data.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    name = "eoir_completions_by_court.csv.gz"
    text = gzip.decompress((data / name).read_bytes())
    (target / name).write_bytes(gzip.compress(text, compresslevel=1, mtime=0))
    assert (target / name).read_bytes() != (data / name).read_bytes()
    archive = write_zip(release[0], tmp_path / "EOIR Case Data 2026-0401.zip")
    changed = run_eoir_import(str(archive), target, lambda _: None)
    assert f"{name}: unchanged" in changed
    assert (target / name).read_bytes() == (data / name).read_bytes()


def test_a_changed_release_is_reported_year_by_year(imported, tmp_path):
    data, _ = imported
    files, _ = generate(cases=3000, seed=13)
    target = tmp_path / "data"
    target.mkdir()
    for path in data.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    changed = run_eoir_import(
        str(write_zip(files, tmp_path / "EOIR Case Data 2026-0501.zip")), target, lambda _: None
    )
    line = next(c for c in changed if c.startswith("eoir_completions_by_court.csv.gz"))
    assert "FY20" in line and " -> " in line


def test_no_internet_is_one_clear_line(tmp_path):
    with pytest.raises(FetchError) as failed:
        run_eoir_import("http://127.0.0.1:9/EOIR%20Case%20Data.zip", tmp_path, lambda _: None)
    assert "cannot connect" in str(failed.value) and "\n" not in str(failed.value)


def test_a_file_that_is_not_the_release_is_refused_plainly(tmp_path):
    other = write_zip({"readme.txt": b"hello"}, tmp_path / "other.zip")
    with pytest.raises(Exception) as failed:
        run_eoir_import(str(other), tmp_path, lambda _: None)
    assert "no B_TblProceeding.csv in the release" in str(failed.value)


def test_rows_of_every_wrong_width_are_set_aside_and_counted(release, tmp_path):
    """A trailing empty field too many (which DuckDB alone would read as a right row), a missing
    field, several fields too many (refused by the reader, with its line) and a line of spaces."""
    files, expected = release
    rows = files["EOIR Case Data/B_TblProceeding.csv"].split(b"\r\n")
    header = rows[0].split(b"\t")
    # Without the generator's shifted rows (never counted anyway), these are the only defects.
    proceedings = [r for r in rows if r.count(b"\t") == len(header) - 1]
    long_row = b"\t".join([b"990001", b"990001"] + [b""] * (len(header) - 2)) + b"\t"
    short_row = b"\t".join([b"990002", b"990002"] + [b""] * (len(header) - 3))
    wide_row = b"\t".join([b"990003", b"990003"] + [b"X"] * len(header))
    defects = [long_row, short_row, wide_row, b"   "]
    changed = dict(files)
    changed["EOIR Case Data/B_TblProceeding.csv"] = b"\r\n".join(proceedings + defects) + b"\r\n"
    data = tmp_path / "data"
    data.mkdir()
    lines: list[str] = []
    run_eoir_import(str(write_folder(changed, tmp_path / "release-2026-04-01")), data, lines.append)
    record = {r["item"]: r["value"] for r in read_table(data / "eoir_case_data_release.csv")}
    assert record["B_TblProceeding.rows_rejected"] == "3"
    assert record["B_TblProceeding.blank_lines"] == "1"
    assert record["B_TblProceeding.rows_read"] == str(len(proceedings) - 1)
    wide_line = len(proceedings) + 3  # the header is line 1
    assert f"B_TblProceeding line {wide_line}: {len(header) + 2} fields, not 38" in "\n".join(lines)
    found = tally(
        data / "eoir_completions_by_court.csv.gz", "court", ("outcome", "field", "decision_code")
    )
    assert found == expected.completions["court"]


def test_a_latin1_byte_in_a_column_read_is_read_as_latin1(release, tmp_path):
    """The release is Latin-1: a byte that is not UTF-8 in a code makes the table be read
    again as Latin-1, so no row is refused for its encoding."""
    files, expected = release
    changed = dict(files)
    proceedings = files["EOIR Case Data/B_TblProceeding.csv"]
    changed["EOIR Case Data/B_TblProceeding.csv"] = proceedings.replace(b"\tMX\t", b"\tMX\xc9\t", 1)
    data = tmp_path / "data"
    data.mkdir()
    run_eoir_import(str(write_folder(changed, tmp_path / "release-2026-04-01")), data, print)
    record = {r["item"]: r["value"] for r in read_table(data / "eoir_case_data_release.csv")}
    assert record["B_TblProceeding.rows_rejected"] == str(expected.rejected["B_TblProceeding"])
    found = tally(data / "eoir_completions_by_nationality.csv.gz", "nationality", ())
    assert any(code == "MXÉ" for _, code in found)


def test_a_work_folder_with_a_quote_in_its_name_is_read(release, tmp_path, monkeypatch):
    """TMPDIR decides the work folder; its name goes into DuckDB's SQL as a quoted literal."""
    odd = tmp_path / "o'clock"
    odd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(odd))
    data = tmp_path / "data"
    data.mkdir()
    run_eoir_import(str(write_folder(release[0], tmp_path / "release")), data, lambda _: None)
    found = tally(
        data / "eoir_completions_by_custody.csv.gz",
        "custody",
        ("outcome", "field", "decision_code"),
    )
    assert found == release[1].completions["custody"]


def test_without_a_date_in_its_name_the_release_is_dated_by_its_files(release, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    lines: list[str] = []
    run_eoir_import(str(write_zip(release[0], tmp_path / "download.zip")), data, lines.append)
    record = {r["item"]: r["value"] for r in read_table(data / "eoir_case_data_release.csv")}
    assert record["release_date"] == "2026-04-01"  # the zip members' date
    assert record["release_date_rule"] == "the newest file date of the tables read"
    assert any(line.strip().startswith("B_TblProceeding:") and "MB read" in line for line in lines)


def cases_in_both(
    undecided: dict, changed: dict, measure: str, tmp_path: Path, monkeypatch
) -> tuple[dict[str, int], list[str]]:
    """Both releases imported: the cases the measure counts in each, and the tables read."""
    reads: list[str] = []
    monkeypatch.setattr(aggregate, "read_table", lambda *a: reads.append(a[0].name) or read(*a))
    totals = {}
    for name, release_files in (("utf-8", undecided), ("latin-1", changed)):
        data = tmp_path / name
        data.mkdir()
        folder = write_folder(release_files, tmp_path / f"{name}-2026-04-01")
        run_eoir_import(str(folder), data, lambda _: None)
        totals[name] = sum(tally(data / f"eoir_{measure}_by_court.csv.gz", "court", ()).values())
    return totals, reads


def test_a_latin1_byte_after_codes_taken_as_utf8_makes_the_table_be_read_again(
    release, tmp_path, monkeypatch
):
    """A case type written 'RMV' + a UTF-8 no-break space is in scope read as UTF-8 (the space is
    stripped) but not as Latin-1 ('RMVÂ'). A code that is not UTF-8 in a later chunk decides the
    table is Latin-1, so the case must not count: the table is read again from the start."""
    monkeypatch.setattr(reading, "CHUNK_BYTES", 4096)
    files, _ = release
    rows = files["EOIR Case Data/B_TblProceeding.csv"].split(b"\r\n")
    header = rows[0].split(b"\t")
    cases = Counter(row.split(b"\t")[1] for row in rows[1:] if b"\t" in row)
    first = next(  # a case's only proceeding, completed, of type RMV: counted once
        n
        for n, row in enumerate(rows[1:], start=1)
        if len(cells := row.split(b"\t")) == len(header)
        and cases[cells[1]] == 1
        and cells[header.index(b"CASE_TYPE")] == b"RMV"
        and cells[header.index(b"COMP_DATE")]
    )
    rows[first] = rows[first].replace(b"\tRMV\t", b"\tRMV\xc2\xa0\t")
    undecided = dict(files, **{"EOIR Case Data/B_TblProceeding.csv": b"\r\n".join(rows)})
    last = max(n for n, row in enumerate(rows) if b"\tMX\t" in row)
    rows[last] = rows[last].replace(b"\tMX\t", b"\tMX\xc9\t")  # far past the first chunk
    changed = dict(files, **{"EOIR Case Data/B_TblProceeding.csv": b"\r\n".join(rows)})
    totals, reads = cases_in_both(undecided, changed, "completions", tmp_path, monkeypatch)
    assert totals["utf-8"] == totals["latin-1"] + 1
    assert reads.count("B_TblProceeding") == 3  # once as UTF-8, twice for the Latin-1 one


def test_a_release_with_no_completed_case_writes_empty_tables(release, tmp_path):
    files, _ = release
    header = files["EOIR Case Data/B_TblProceeding.csv"].split(b"\r\n", 1)[0]
    changed = dict(files, **{"EOIR Case Data/B_TblProceeding.csv": header + b"\r\n"})
    data = tmp_path / "data"
    data.mkdir()
    run_eoir_import(str(write_folder(changed, tmp_path / "release-2026-04-01")), data, print)
    assert read_table(data / "eoir_completions_by_nationality.csv.gz") == []
    assert read_table(data / "eoir_asylum_filers_by_court.csv.gz") == []


def test_a_damaged_zip_member_is_a_failure_the_cli_reports(release, tmp_path):
    from bot.data.importers.eoir.importer import FAILURES

    archive = write_zip(release[0], tmp_path / "EOIR Case Data 2026-0401.zip")
    damaged = bytearray(archive.read_bytes())
    middle = len(damaged) // 3
    damaged[middle : middle + 64] = bytes(64)
    archive.write_bytes(bytes(damaged))
    with pytest.raises(FAILURES):
        run_eoir_import(str(archive), tmp_path, lambda _: None)


def test_applications_are_read_again_too_when_the_table_turns_out_latin1(
    release, tmp_path, monkeypatch
):
    """As for the proceedings: 'ASYL' + a UTF-8 no-break space is an asylum application read as
    UTF-8, not as Latin-1; a code that is not UTF-8 in a later chunk decides."""
    monkeypatch.setattr(reading, "CHUNK_BYTES", 4096)
    files, _ = release
    rows = files["EOIR Case Data/tbl_Court_Appln.csv"].split(b"\r\n")
    header = rows[0].split(b"\t")
    code, decision = header.index(b"APPL_CODE"), header.index(b"APPL_DEC")
    first = next(  # a denial: the only asylum application of its case
        n
        for n, row in enumerate(rows[1:], start=1)
        if len(cells := row.split(b"\t")) == len(header)
        and (cells[code], cells[decision]) == (b"ASYL", b"D")
    )
    rows[first] = rows[first].replace(b"\tASYL\t", b"\tASYL\xc2\xa0\t")
    undecided = dict(files, **{"EOIR Case Data/tbl_Court_Appln.csv": b"\r\n".join(rows)})
    last = max(n for n, row in enumerate(rows) if b"\t42B\t" in row)
    rows[last] = rows[last].replace(b"\t42B\t", b"\t42B\xc9\t")
    changed = dict(files, **{"EOIR Case Data/tbl_Court_Appln.csv": b"\r\n".join(rows)})
    totals, reads = cases_in_both(undecided, changed, "asylum_decisions", tmp_path, monkeypatch)
    assert totals["utf-8"] == totals["latin-1"] + 1
    assert reads.count("tbl_Court_Appln") == 3
