"""Importers: official formats in, our monthly tables out; bad files refused with file/row/reason.

Every input here is written by the test itself in the official layout; the last tests check the
shipped tables in data/ against totals CBP publishes.
"""

from __future__ import annotations

import csv
import functools
import gzip
import http.server
import io
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bot.data.importers import cbp, ohss_khsm, ohss_monthly, registry, usbp_pdf
from bot.data.importers.common import FetchError, FormatError, ImportFailed, calendar_month
from bot.data.imports import run_import

DATA = Path(__file__).resolve().parents[1] / "data"
NW20 = "nationwide-encounters-fy20-fy23-state.csv"
NW21 = "nationwide-encounters-fy21-fy24-state.csv"
SW = "sbo-encounters-fy22-fy25-aug.csv"


def csv_bytes(header: tuple[str, ...], rows: list[str], *, crlf: bool = False, bom: bool = False):
    """A CBP-style CSV: the header line then the rows as written (already comma-joined)."""
    newline = "\r\n" if crlf else "\n"
    text = newline.join([",".join(header), *rows]) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def nw_rows(year: int, count: int = 5) -> list[str]:
    return [
        f"{year},FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,{count}",
        f'{year},FYTD,SEP,Other,FL,FMUA,"CHINA, PEOPLES REPUBLIC OF",Title 42,{count + 1}',
    ]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False)


# --- CBP nationwide -------------------------------------------------------------------------


def test_nationwide_maps_fiscal_months_to_calendar_months():
    rows = [
        "2023,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,7",
        '2023,FYTD,JAN,Other,FL,FMUA,"CHINA, PEOPLES REPUBLIC OF",Title 42,"1,234"',
        "2023,FYTD,SEP,Northern Land Border,WA,Single Adults,CANADA,Title 8,0",
    ]
    raw = csv_bytes(cbp.NATIONWIDE.format.header, rows, crlf=True, bom=True)
    frame = cbp.NATIONWIDE.read(raw, "cbp_x", NW21)
    assert list(frame.columns) == cbp.NATIONWIDE.columns
    assert frame["month"].tolist() == ["2022-10", "2023-01", "2023-09"]
    assert frame["encounters"].tolist() == [7, 1234, 0]
    assert frame["citizenship"].tolist()[1] == "CHINA, PEOPLES REPUBLIC OF"
    assert set(frame["source_id"]) == {"cbp_x"}


def test_calendar_month_across_the_year_boundary():
    assert calendar_month(2023, 0) == "2022-10"
    assert calendar_month(2023, 2) == "2022-12"
    assert calendar_month(2023, 3) == "2023-01"
    assert calendar_month(2023, 11) == "2023-09"


@pytest.mark.parametrize(
    ("row", "line", "reason"),
    [
        ("2023,FYTD,OCT,Other,FL,FMUA,CUBA,Title 8,-3", 3, "negative count -3"),
        ("2023,FYTD,OCTO,Other,FL,FMUA,CUBA,Title 8,3", 3, "not a month abbreviation"),
        ("2023,FYTD,OCT,Other,FL,FMUA,CUBA,Title 8,2.5", 3, "not a whole number"),
        ("FY23,FYTD,OCT,Other,FL,FMUA,CUBA,Title 8,3", 3, "not a year"),
        ("2023,FYTD,OCT,Other,,FMUA,CUBA,Title 8,3", 3, "State is empty"),
        ("2023,FYTD,OCT,Other,FL,FMUA,CUBA,3", 3, "has 8 cells, expected 9"),
        ("2023,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,9", 3, "duplicate"),
    ],
)
def test_nationwide_bad_row_names_file_row_and_reason(row, line, reason):
    rows = ["2023,FYTD,OCT,Southwest Land Border,TX,Single Adults,MEXICO,Title 8,7", row]
    with pytest.raises(FormatError) as caught:
        cbp.NATIONWIDE.read(csv_bytes(cbp.NATIONWIDE.format.header, rows), "id", NW21)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row) == (NW21, line)
    assert reason in problem.reason
    assert str(caught.value).startswith(f"{NW21}: row {line}: ")


def test_nationwide_wrong_header_is_refused_at_row_1():
    header = list(cbp.NATIONWIDE.format.header)
    header[2] = "Month"
    with pytest.raises(FormatError) as caught:
        cbp.NATIONWIDE.read(csv_bytes(tuple(header), nw_rows(2023)), "id", NW21)
    problem = caught.value.problems[0]
    assert problem.row == 1
    assert "column 3 is 'Month', expected 'Month (abbv)'" in problem.reason


def test_every_bad_row_is_reported_one_line_each():
    rows = [
        "2023,FYTD,OCT,Other,FL,FMUA,CUBA,Title 8,-1",
        "2023,FYTD,NOV,Other,FL,FMUA,CUBA,Title 8,4",
        "2023,FYTD,XYZ,Other,FL,FMUA,CUBA,Title 8,4",
    ]
    with pytest.raises(FormatError) as caught:
        cbp.NATIONWIDE.read(csv_bytes(cbp.NATIONWIDE.format.header, rows), "id", NW21)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{NW21}: row 2: negative count")
    assert lines[1].startswith(f"{NW21}: row 4: month 'XYZ'")


def test_html_page_instead_of_csv_is_named_plainly():
    with pytest.raises(FormatError, match="web page"):
        cbp.NATIONWIDE.read(b"<!DOCTYPE html><html>Access denied</html>", "id", NW21)


def test_source_ids_follow_cbp_file_names():
    kind = registry.get("cbp-nationwide")
    assert kind.source_id_for(NW20) == "cbp_nationwide_state_fy20_fy23"
    assert kind.source_id_for(NW21) == "cbp_nationwide_state_fy21_fy24"
    assert kind.source_id_for("nationwide-encounters-fy22-fy25-state.csv").endswith("fy22_fy25")
    assert registry.get("cbp-southwest").source_id_for(SW) == "cbp_sw_encounters_fy22_fy25aug"
    with pytest.raises(ImportFailed, match="cannot tell which"):
        kind.source_id_for("download (1).csv")


def test_newest_file_wins_for_the_years_it_covers(tmp_path):
    header = cbp.NATIONWIDE.format.header
    old = write(tmp_path / NW20, csv_bytes(header, nw_rows(2020, 10) + nw_rows(2021, 100)))
    new = write(tmp_path / NW21, csv_bytes(header, nw_rows(2021, 200) + nw_rows(2024, 300)))
    out = run_import("cbp-nationwide", [str(old), str(new)], tmp_path / "a")
    table = read_table(out)
    by_year = table.groupby("fiscal_year").agg(n=("encounters", "sum"), src=("source_id", "max"))
    assert by_year.loc[2020].tolist() == [21, "cbp_nationwide_state_fy20_fy23"]
    assert by_year.loc[2021].tolist() == [401, "cbp_nationwide_state_fy21_fy24"]
    assert by_year.loc[2024].tolist() == [601, "cbp_nationwide_state_fy21_fy24"]
    assert len(table) == 6
    # the order the files are given in does not matter: coverage decides which is newer
    again = run_import("cbp-nationwide", [str(new), str(old)], tmp_path / "b")
    assert again.read_bytes() == out.read_bytes()


def test_bad_source_leaves_the_existing_table_untouched(tmp_path):
    header = cbp.NATIONWIDE.format.header
    good = write(tmp_path / NW20, csv_bytes(header, nw_rows(2020)))
    bad = write(tmp_path / NW21, csv_bytes(header, [*nw_rows(2021)[:1], nw_rows(2021)[0]]))
    out_dir = tmp_path / "data"
    out = run_import("cbp-nationwide", [str(good)], out_dir)
    before = out.read_bytes()
    with pytest.raises(FormatError, match="duplicate key"):
        run_import("cbp-nationwide", [str(good), str(bad)], out_dir)
    assert out.read_bytes() == before
    assert [p.name for p in out_dir.iterdir()] == [out.name]  # no temp file left behind


def test_same_input_gives_identical_bytes(tmp_path):
    src = write(tmp_path / NW21, csv_bytes(cbp.NATIONWIDE.format.header, nw_rows(2022)))
    first = run_import("cbp-nationwide", [str(src)], tmp_path / "one").read_bytes()
    second = run_import("cbp-nationwide", [str(src)], tmp_path / "two").read_bytes()
    assert first == second
    assert first[4:8] == b"\0\0\0\0"  # gzip mtime 0
    assert gzip.decompress(first).decode().splitlines()[0] == ",".join(cbp.NATIONWIDE.columns)


def test_rows_are_sorted_whatever_the_input_order(tmp_path):
    rows = nw_rows(2022)
    a = write(tmp_path / NW21, csv_bytes(cbp.NATIONWIDE.format.header, rows))
    out_a = run_import("cbp-nationwide", [str(a)], tmp_path / "a").read_bytes()
    b = write(tmp_path / NW21, csv_bytes(cbp.NATIONWIDE.format.header, rows[::-1]))
    out_b = run_import("cbp-nationwide", [str(b)], tmp_path / "b").read_bytes()
    assert out_a == out_b


# --- CBP southwest --------------------------------------------------------------------------


def sw_row(year: str, month: str, count: int, grouping: str = "FYTD") -> str:
    return f"{year},{grouping},{month},U.S. Border Patrol,UAC,Mexico,Title 8,Apprehensions,{count}"


def test_southwest_reads_fytd_year_and_remaining_months():
    rows = [sw_row("2024", "SEP", 3, "Remaining"), sw_row("2025 (FYTD)", "AUG", 1985)]
    frame = cbp.SOUTHWEST.read(csv_bytes(cbp.SOUTHWEST.format.header, rows), "sw", SW)
    assert list(frame.columns) == cbp.SOUTHWEST.columns
    assert frame[["fiscal_year", "month", "encounters"]].values.tolist() == [
        [2024, "2024-09", 3],
        [2025, "2025-08", 1985],
    ]
    assert frame.loc[0, "encounter_type"] == "Apprehensions"


def test_southwest_unknown_month_grouping_is_refused():
    rows = [sw_row("2024", "SEP", 3, "Quarter")]
    with pytest.raises(FormatError, match=r"row 2: Month Grouping 'Quarter'"):
        cbp.SOUTHWEST.read(csv_bytes(cbp.SOUTHWEST.format.header, rows), "sw", SW)


def test_southwest_rejects_the_nationwide_layout():
    raw = csv_bytes(cbp.NATIONWIDE.format.header, nw_rows(2022))
    with pytest.raises(FormatError, match="header column 4 is 'Land Border Region'"):
        cbp.SOUTHWEST.read(raw, "sw", SW)


def test_no_default_url_says_where_to_download(tmp_path):
    with pytest.raises(ImportFailed) as caught:
        run_import("cbp-southwest", [], tmp_path)
    message = str(caught.value)
    assert "no stable official file URL" in message
    assert "https://www.cbp.gov/document/stats/southwest-land-border-encounters" in message
    assert not tmp_path.joinpath("cbp_southwest_monthly.csv.gz").exists()


def test_unknown_kind_lists_the_known_ones(tmp_path):
    with pytest.raises(ImportFailed, match="known kinds: cbp-nationwide"):
        run_import("cbp-everything", [], tmp_path)


def test_one_file_kinds_refuse_two_files(tmp_path):
    with pytest.raises(ImportFailed, match="reads one file"):
        run_import("usbp-pdf", ["a.pdf", "b.pdf"], tmp_path)


# --- URL sources ----------------------------------------------------------------------------


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture
def http_root(tmp_path):
    """A local web server on 127.0.0.1 serving a folder; yields (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_import_from_url(http_root, tmp_path):
    root, base = http_root
    (root / "2024-10").mkdir()
    write(root / "2024-10" / NW21, csv_bytes(cbp.NATIONWIDE.format.header, nw_rows(2024, 40)))
    messages: list[str] = []
    out = run_import(
        "cbp-nationwide", [f"{base}/2024-10/{NW21}"], tmp_path / "data", report=messages.append
    )
    table = read_table(out)
    assert table["encounters"].sum() == 81
    assert set(table["source_id"]) == {"cbp_nationwide_state_fy21_fy24"}
    assert table["month"].tolist() == ["2023-10", "2024-09"]
    assert "2 rows" in messages[0] and "last month 2024-09" in messages[0]


def test_url_not_found_is_a_fetch_error(http_root, tmp_path):
    _, base = http_root
    with pytest.raises(FetchError, match="HTTP 404"):
        run_import("cbp-nationwide", [f"{base}/{NW21}"], tmp_path)


def test_missing_local_file_is_a_fetch_error(tmp_path):
    with pytest.raises(FetchError, match="no such file"):
        run_import("cbp-nationwide", [str(tmp_path / NW21)], tmp_path)


# --- USBP PDF -------------------------------------------------------------------------------

MONTHS_HEADER = (
    "October November December January February March April May June July August September "
    "Yearly Total"
)
COASTAL = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
NORTHERN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
SOUTHWEST = [1000, 2000, 3000, 4000, 5000, 6000, 1000, 2000, 3000, 4000, 5000, 1500]


def numbers(values: list[int], total: int | None = None) -> str:
    total = sum(values) if total is None else total
    return " ".join(f"{v:,}" for v in [*values, total])


def month_sums() -> list[int]:
    return [c + n + s for c, n, s in zip(COASTAL, NORTHERN, SOUTHWEST, strict=True)]


def old_layout_page(year: int = 2004, southwest_total: int | None = None) -> str:
    """FY2000-FY2019 layout: header, sector number lines, the 4 region lines, then the labels."""
    lines = [
        MONTHS_HEADER,
        numbers([5] * 12),  # a sector (Miami)
        numbers([7] * 12),  # another sector
        numbers(COASTAL),
        numbers(NORTHERN),
        numbers(SOUTHWEST, southwest_total),
        numbers(month_sums()),
        "United States Border Patrol",
        f"Total Illegal Alien Apprehensions By Month - FY {year}",
        "SECTOR",
        "Miami",
        "Big Bend",
        "(formerly Marfa)",
        "Coastal Border",
        "Northern Border",
        "Southwest Border",
        "Monthly Total",
        "      *Livermore Sector was closed after FY 2004",
    ]
    return "\n".join(lines) + "\n"


def new_layout_page() -> str:
    """FY2020 layout: labels inline; a sector line with a stray extra number (as in the PDF)."""
    return "\n".join(
        [
            "United States Border Patrol Total Encounters by Month - FY 2020",
            "Beginning in March FY20, USBP encounters statistics include both Title 8 "
            "apprehensions and Title 42 expulsions.",
            f"SECTOR {MONTHS_HEADER}",
            "Miami 169 138 138 182 168 139 15 38 6 0 95 76 84 1,302",
            f"Coastal Border {numbers(COASTAL)}",
            f"Northern Border {numbers(NORTHERN)}",
            f"Southwest Border {numbers(SOUTHWEST)}",
            f"Monthly Total {numbers(month_sums())}",
        ]
    )


def test_pdf_old_layout_takes_the_last_four_number_lines():
    table = usbp_pdf.parse_page(old_layout_page(2007), "f.pdf", 8)
    assert table.fiscal_year == 2007  # the title, not the Livermore footnote's FY 2004
    assert table.rows["Coastal Border"][:12] == COASTAL
    assert table.rows["Southwest Border"][12] == sum(SOUTHWEST)
    assert table.rows["Monthly Total"][:12] == month_sums()
    assert not table.title42


def test_pdf_new_layout_reads_labelled_lines_and_flags_title42():
    frame = usbp_pdf.read_texts([new_layout_page()], "usbp", "f.pdf")
    assert list(frame.columns) == usbp_pdf.COLUMNS
    assert len(frame) == 36
    assert set(frame["region"]) == {
        "Coastal Border",
        "Northern Land Border",
        "Southwest Land Border",
    }
    sw = frame[frame["region"] == "Southwest Land Border"].set_index("month")
    assert sw.loc["2019-10", "apprehensions"] == 1000
    assert sw.loc["2020-09", "apprehensions"] == 1500
    flagged = sorted(frame.loc[frame["notes"] != "", "month"].unique())
    assert flagged == [f"2020-{m:02d}" for m in range(3, 10)]  # Title 42 from March 2020 only


def test_pdf_months_not_summing_to_yearly_total_is_refused():
    with pytest.raises(FormatError) as caught:
        usbp_pdf.read_texts([old_layout_page(2004, southwest_total=99)], "usbp", "f.pdf")
    first = caught.value.problems[0]
    assert (first.file, first.row) == ("f.pdf", "page 1")
    assert "FY2004 Southwest Border: months sum to 37,500, yearly total printed 99" in first.reason


def test_pdf_regions_not_summing_to_monthly_total_is_refused():
    page = new_layout_page().replace(
        f"Monthly Total {numbers(month_sums())}",
        f"Monthly Total {numbers([month_sums()[0] + 1, *month_sums()[1:]])}",
    )
    with pytest.raises(FormatError, match=r"f.pdf: page 1: month 1 of FY2020: regions sum to"):
        usbp_pdf.read_texts([page], "usbp", "f.pdf")


def test_pdf_same_fiscal_year_twice_is_refused():
    with pytest.raises(FormatError, match="page 2: FY2004 already on page 1"):
        usbp_pdf.read_texts([old_layout_page(2004), old_layout_page(2004)], "usbp", "f.pdf")


def tiny_pdf(pages: list[str]) -> bytes:
    """A minimal real PDF (Helvetica text, one line per text line) that pypdf can read back."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(len(pages))), len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        ops = ["BT /F1 8 Tf 10 TL 20 770 Td"]
        for line in text.splitlines():
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        stream = "\n".join([*ops, "ET"]).encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def test_pdf_import_from_a_real_pdf(tmp_path):
    pdf = write(tmp_path / "usbp.pdf", tiny_pdf([old_layout_page(2019), new_layout_page()]))
    out = run_import("usbp-pdf", [str(pdf)], tmp_path / "data")
    assert out.name == "usbp_monthly_by_region_fy2000_fy2020.csv"
    table = read_table(out)
    assert len(table) == 72
    assert table.groupby("fiscal_year")["apprehensions"].sum().to_dict() == {
        2019: sum(month_sums()),
        2020: sum(month_sums()),
    }
    assert set(table["source_id"]) == {"cbp_usbp_monthly_fy2000_fy2020_pdf"}
    assert table["month"].iloc[0] == "2018-10"


def test_not_a_pdf_is_a_format_error(tmp_path):
    bad = write(tmp_path / "usbp.pdf", b"this is not a pdf")
    with pytest.raises(FormatError, match="usbp.pdf: not a readable PDF"):
        run_import("usbp-pdf", [str(bad)], tmp_path)


# --- OHSS KHSM workbook ---------------------------------------------------------------------

CITP_ROWS = [
    (2024, "12 September", "Southwest Land Border", "Mexico", 35210),
    (2025, "01 October", "Coastal Border", "Cuba", 110),
    (2025, "01 October", "Southwest Land Border", "Mexico", 30100),
    (2025, "02 November", "Southwest Land Border", "Mexico", 28420),
]
SECTOR_ROWS = [
    (2025, "01 October", "Coastal Border", "Miami, FL", 270),
    (2025, "02 November", "Southwest Land Border", "El Paso, TX", 1600),
]


def workbook(path: Path, citp=CITP_ROWS, sector=SECTOR_ROWS, citp_header=None) -> Path:
    """A KHSM-shaped workbook: header cells with the 'Fiscal\\nYear' line break OHSS uses."""
    book = openpyxl.Workbook()
    book.active.title = "Annual Count"
    book.active.append(["Fiscal\nYear", "Quantity"])
    sheet = book.create_sheet("Monthly Rgn and Citp")
    sheet.append(citp_header or ["Fiscal\nYear", "Month", "Region", "Citizenship", "Quantity"])
    for row in citp:
        sheet.append(list(row))
    sheet = book.create_sheet("Monthly Rgn and Sector")
    sheet.append(["Fiscal\nYear", "Month", "Region", "Sector", "Quantity"])
    for row in sector:
        sheet.append(list(row))
    book.save(path)
    return path


def test_ohss_citizenship_and_sector_sheets(tmp_path):
    book = workbook(tmp_path / "khsm.xlsx")
    citp = ohss_khsm.read_citizenship(book, "ohss")
    assert list(citp.columns) == ohss_khsm.CITIZENSHIP.columns
    assert citp["month"].tolist() == ["2024-09", "2024-10", "2024-10", "2024-11"]
    assert citp["encounters"].sum() == 35210 + 110 + 30100 + 28420
    sector = ohss_khsm.read_sector(book, "ohss")
    assert list(sector.columns) == ohss_khsm.SECTOR.columns
    assert sector[["month", "sector"]].values.tolist() == [
        ["2024-10", "Miami, FL"],
        ["2024-11", "El Paso, TX"],
    ]


def test_ohss_import_reports_the_partial_last_year(tmp_path):
    book = workbook(tmp_path / "KHSM Encounters (USBP) fy25m11.xlsx")
    messages: list[str] = []
    out = run_import("ohss-citizenship", [str(book)], tmp_path / "data", report=messages.append)
    assert out.name == "usbp_ohss_monthly_citizenship.csv.gz"
    assert set(read_table(out)["source_id"]) == {"ohss_khsm_usbp_encounters"}
    assert "last month 2024-11" in messages[0]
    assert "FY2025 is partial: 2 of 12 months" in messages[0]
    out = run_import("ohss-sector", [str(book)], tmp_path / "data")
    assert read_table(out)["encounters"].tolist() == [270, 1600]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ((2025, "02 October", "Coastal Border", "Cuba", 10), "October is fiscal month 01"),
        ((2025, "October", "Coastal Border", "Cuba", 10), "not like '01 October'"),
        ((2025, "01 October", "Coastal Border", "Cuba", -10), "negative count -10"),
        ((2025, "01 October", "Coastal Border", "Cuba", "ten"), "Quantity 'ten'"),
        ((2025, "01 October", "Coastal Border", "Cuba", 20), "duplicate key"),
    ],
)
def test_ohss_bad_rows_are_refused(tmp_path, row, reason):
    book = workbook(tmp_path / "k.xlsx", citp=[*CITP_ROWS, row])
    with pytest.raises(FormatError) as caught:
        ohss_khsm.read_citizenship(book, "ohss")
    assert caught.value.problems[0].file == "k.xlsx [Monthly Rgn and Citp]"
    assert reason in str(caught.value)
    if "duplicate" not in reason:
        assert caught.value.problems[0].row == 6  # header row 1 + 4 good rows


def test_ohss_wrong_header_or_missing_sheet(tmp_path):
    book = workbook(tmp_path / "k.xlsx", citp_header=["Year", "Month", "Region", "Country", "Qty"])
    with pytest.raises(FormatError, match=r"row 1: header column 1 is 'Year'"):
        ohss_khsm.read_citizenship(book, "ohss")
    plain = openpyxl.Workbook()
    plain.save(tmp_path / "empty.xlsx")
    with pytest.raises(FormatError, match="no sheet 'Monthly Rgn and Sector'"):
        ohss_khsm.read_sector(tmp_path / "empty.xlsx", "ohss")


# --- the shipped tables ---------------------------------------------------------------------


def shipped(name: str) -> pd.DataFrame:
    path = DATA / name
    assert path.exists(), f"{path} missing: run `immistats data import` (see bot/data_import.py)"
    return pd.read_csv(path, keep_default_na=False)


def test_shipped_nationwide_matches_cbp_fiscal_year_totals():
    table = shipped("cbp_encounters_monthly.csv.gz")
    assert list(table.columns) == cbp.NATIONWIDE.columns
    totals = table.groupby("fiscal_year")["encounters"].sum().to_dict()
    assert totals == {
        2020: 646_822,
        2021: 1_956_519,
        2022: 2_766_582,
        2023: 3_201_144,
        2024: 2_901_142,
        2025: 691_906,  # the recent pack's sum of CBP's FY2022-FY2025 and FY2023-FY2026 files
        2026: 60_926,  # October-November 2025 only
    }
    sources = table.groupby("fiscal_year")["source_id"].unique().map(list).to_dict()
    assert sources[2020] == ["cbp_nationwide_state_fy20_fy23"]
    assert sources[2021] == ["cbp_nationwide_state_fy21_fy24"]
    assert sources[2022] == ["cbp_nationwide_state_fy22_fy25"]
    newest = ["cbp_nationwide_state_fy23_fy26nov"]
    assert all(sources[y] == newest for y in (2023, 2024, 2025, 2026))
    assert not table.duplicated(cbp.NATIONWIDE.key).any()
    months = table.groupby("fiscal_year")["month"].nunique()
    assert months.drop(2026).eq(12).all() and months[2026] == 2
    assert table["month"].max() == "2025-11"


def test_a_release_named_with_its_last_month_gets_its_own_source_id():
    assert (
        cbp.NATIONWIDE.source_id_for("nationwide-encounters-fy23-fy26-nov-state.csv")
        == "cbp_nationwide_state_fy23_fy26nov"
    )
    assert (
        cbp.NATIONWIDE.source_id_for("nationwide-encounters-fy21-fy24-state.csv")
        == "cbp_nationwide_state_fy21_fy24"
    )


def test_shipped_southwest_matches_cbp_fiscal_year_totals():
    table = shipped("cbp_southwest_monthly.csv.gz")
    assert list(table.columns) == cbp.SOUTHWEST.columns
    totals = table.groupby("fiscal_year")["encounters"].sum().to_dict()
    assert totals == {2022: 2_378_944, 2023: 2_475_669, 2024: 2_135_005, 2025: 432_059}
    assert table.loc[table["fiscal_year"] == 2025, "month"].max() == "2025-08"


def test_shipped_usbp_pdf_table_matches_the_printed_yearly_totals():
    table = shipped("usbp_monthly_by_region_fy2000_fy2020.csv")
    totals = table.groupby("fiscal_year")["apprehensions"].sum()
    assert totals[2000] == 1_676_438
    assert totals[2019] == 859_501
    assert totals[2020] == 405_036
    assert len(table) == 21 * 12 * 3


def test_shipped_ohss_tables_end_in_november_2024():
    for name in ("usbp_ohss_monthly_citizenship.csv.gz", "usbp_ohss_monthly_sector.csv.gz"):
        table = shipped(name)
        assert table["month"].max() == "2024-11"
        assert table["encounters"].mod(10).eq(0).all()  # OHSS rounds each cell to 10


# --- OHSS monthly tables: DHS repatriations by month ---------------------------------------------

OHSS_EDITION = "2024_1206_ohss_immigration-enforcement-and-legal-processes-tables-august-2024.xlsx"


def repatriations_workbook(path: Path, years: list[tuple], header=ohss_monthly.HEADER) -> Path:
    """A workbook laid out as OHSS's 'DHS Repats by Type': a note, a title, the column groups, the
    header, then per year a Total row and its months, then a footnote."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = ohss_monthly.SHEET
    sheet.append(["Return to Table of Contents."])
    sheet.append(["DHS Repatriations by Type: Fiscal Years 2023 to 2024 YTD (August 2024)"])
    sheet.append([None, None, "Total Repatriations"])
    sheet.append(list(header))
    for label, months in years:
        columns = list(zip(*[cells for _, cells in months], strict=True))
        sheet.append([label, "Total", *[sum(c) if "X" not in c else "X" for c in columns]])
        for name, cells in months:
            sheet.append([None, name, *cells])
    sheet.append(["X Not applicable."])
    book.save(path)
    return path


def _cells(removals: int, title42: object = "X") -> list:
    counts = [removals] * len(ohss_monthly.MEASURES)
    counts[ohss_monthly.MEASURES.index("title42_expulsions")] = title42
    return counts


def test_ohss_repatriations_are_read_by_month_and_measure(tmp_path):
    path = repatriations_workbook(
        tmp_path / OHSS_EDITION,
        [
            (2023, [("October", _cells(100, 40)), ("November", _cells(110, 50))]),
            ("2024 YTD", [("October", _cells(200)), ("November", _cells(210))]),
        ],
    )
    source = ohss_monthly.source_id_for(path.name)
    assert source == "ohss_monthly_tables_2024_08"
    table = ohss_monthly.read(path, source)
    assert list(table.columns) == ohss_monthly.COLUMNS
    removals = table[table["measure"] == "removals"].set_index("month")["value"].to_dict()
    assert removals == {"2022-10": 100, "2022-11": 110, "2023-10": 200, "2023-11": 210}
    expulsions = table[table["measure"] == "title42_expulsions"]
    assert expulsions["month"].tolist() == ["2022-10", "2022-11"]  # 'X' gives no row
    assert set(table["fiscal_year"]) == {2023, 2024}


def test_ohss_repatriations_months_must_add_up_to_the_total_row(tmp_path):
    path = repatriations_workbook(
        tmp_path / OHSS_EDITION, [(2023, [("October", _cells(100)), ("November", _cells(110))])]
    )
    book = openpyxl.load_workbook(path)
    book[ohss_monthly.SHEET]["G5"] = 400  # the year's Total Removals, 190 more than its months
    book.save(path)
    with pytest.raises(FormatError, match="FY2023 removals: the months add up to 210"):
        ohss_monthly.read(path, "ohss")


def test_ohss_repatriations_refuse_a_changed_header_or_a_bad_cell(tmp_path):
    renamed = (*ohss_monthly.HEADER[:6], "Removals", *ohss_monthly.HEADER[7:])
    path = repatriations_workbook(
        tmp_path / "a.xlsx", [(2023, [("October", _cells(1))])], header=renamed
    )
    with pytest.raises(FormatError, match="header column 7 is 'Removals'"):
        ohss_monthly.read(path, "ohss")
    bad = repatriations_workbook(tmp_path / "b.xlsx", [(2023, [("Octobr", _cells(1))])])
    with pytest.raises(FormatError, match="month 'Octobr' is not a month name"):
        ohss_monthly.read(bad, "ohss")
    assert ohss_monthly.source_id_for("tables.xlsx") is None


def test_shipped_ohss_repatriations_match_the_annual_figures_within_rounding():
    table = shipped("ohss_dhs_repatriations_monthly.csv")
    assert table["month"].min() == "2013-10" and table["month"].max() == "2024-08"
    removals = table[table["measure"] == "removals"].groupby("fiscal_year")["value"].sum()
    with (DATA / "figures.csv").open(newline="") as handle:
        annual = {
            int(r["period"][2:]): int(r["value"])
            for r in csv.DictReader(handle)
            if r["metric"] == "dhs_removals_ohss"
        }
    assert set(annual) == set(removals.index)
    for year, value in annual.items():
        assert abs(int(removals[year]) - value) <= 65, year  # 12 cells and a total, each +-5
