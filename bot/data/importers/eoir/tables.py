"""The aggregate tables written to data/: their columns, canonical bytes, and what changed.

Every row carries the release date it was computed from; eoir_case_data_release.csv records
the rules version and what the import saw, and eoir_decoders.csv.gz the release's own decoders
with the outcome group the rules gave each code. Same release, same rules: same bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.data.importers.eoir.lookups import Lookups

PREFIX = "eoir_"
RELEASE_FILE = "eoir_case_data_release.csv"
DECODERS_FILE = "eoir_decoders.csv.gz"
GROUPS = {
    "asylum_decisions": ("outcome", "decision_code"),
    "completions": ("outcome", "field", "decision_code"),
    "asylum_filers": ("asylum_decision", "case_outcome"),
}
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Output:
    """One file for data/: its name, its CSV text (header first), how many rows follow it, and
    its bytes as written (compressed once: the report compares them, then they are written)."""

    name: str
    text: bytes
    rows: int
    content: bytes

    @staticmethod
    def of_text(name: str, text: bytes, rows: int) -> Output:
        compressed = name.endswith(".gz")
        content = gzip.compress(text, compresslevel=6, mtime=0) if compressed else text
        return Output(name, text, rows, content)

    @staticmethod
    def of_rows(name: str, header: tuple[str, ...], rows: list[tuple]) -> Output:
        """A small table written by Python's csv module (DuckDB writes the breakdowns' CSV the
        same way)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return Output.of_text(name, buffer.getvalue().encode("utf-8"), len(rows))

    def data(self) -> bytes:
        return self.content

    def records(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.text.decode("utf-8"))))


@dataclass(frozen=True)
class Merged:
    """A shared data file (figures.csv, sources.csv) with this import's rows replaced."""

    name: str
    content: bytes
    summary: str  # what the import put in it, for the report

    def data(self) -> bytes:
        return self.content


def names(lookups: Lookups, dimension: str) -> dict[str, str]:
    """The release's own names of a breakdown's codes."""
    return {
        "nationality": lookups.nationalities,
        "court": lookups.courts,
        "custody": lookups.custody,
    }[dimension]


def name_of(code: str, names: dict[str, str]) -> str:
    if not code:
        return NOT_RECORDED
    return names.get(code, f"code {code} is not in the release's lookup table")


def breakdown_output(table: str, text: bytes, rows: int) -> Output:
    """A breakdown table's file for data/, compressed (zlib works outside the GIL, so the
    tables are compressed on the threads that write them)."""
    return Output.of_text(f"{PREFIX}{table}.csv.gz", text, rows)


def outputs(
    breakdowns: list[Output], lookups: Lookups, release: str, record: list[tuple[str, str]]
) -> list[Output]:
    """The nine breakdown tables, the decoders and the release record, ready to write."""
    files = sorted(breakdowns, key=lambda output: output.name)
    decoders = sorted(
        [("APPL_DEC", "", code, text) for code, text in lookups.application_decisions.items()]
        + [
            ("DEC_CODE" if kind == "C" else "OTHER_COMP", case_type, code, text)
            for (case_type, kind, code), text in lookups.court_decisions.items()
        ]
    )
    files.append(
        Output.of_rows(
            DECODERS_FILE,
            ("release", "field", "case_type", "code", "description"),
            [(release, *row) for row in decoders],
        )
    )
    files.append(Output.of_rows(RELEASE_FILE, ("item", "value"), record))
    return files


def _text(name: str, data: bytes) -> bytes:
    """A file's CSV text (the same text compressed otherwise is the same table)."""
    return gzip.decompress(data) if name.endswith(".gz") else data


def yearly_totals(name: str, data: bytes) -> Counter:
    """Cases per fiscal year of one table (any breakdown: each case is in one row group)."""
    totals: Counter = Counter()
    for row in csv.DictReader(io.StringIO(_text(name, data).decode("utf-8"))):
        if "cases" in row:
            totals[int(row["fiscal_year"])] += int(row["cases"])
    return totals


def changes(files: list[Output | Merged], data_dir: Path) -> list[str]:
    """What the import changed in data/, table by table, in cases per fiscal year."""
    lines = []
    for output in files:
        path = data_dir / output.name
        new = output.data()
        if not path.exists():
            lines.append(f"{output.name}: new file, {output.rows:,} rows")
            continue
        old = path.read_bytes()
        if old == new or (isinstance(output, Output) and _text(output.name, old) == output.text):
            lines.append(f"{output.name}: unchanged")
            continue
        if isinstance(output, Merged):
            lines.append(f"{output.name}: {output.summary}")
            continue
        before, after = yearly_totals(output.name, old), yearly_totals(output.name, new)
        moved = [
            f"FY{fy} {before[fy]:,} -> {after[fy]:,}"
            for fy in sorted(before.keys() | after.keys())
            if before[fy] != after[fy]
        ]
        detail = "; ".join(moved) if moved else "same totals per year, other rows changed"
        lines.append(f"{output.name}: {detail}")
    return lines


def by_measure(files: list[Output]) -> dict[str, list[dict[str, str]]]:
    """Each measure's rows as text, from its by-custody table (each case in one row)."""
    return {
        output.name.removeprefix(PREFIX).split("_by_")[0]: output.records()
        for output in files
        if output.name.endswith("_by_custody.csv.gz")
    }


def write_all(files: list[Output | Merged], data_dir: Path) -> None:
    """Every file to a temporary name first, then all renamed: no mix of two imports."""
    temporary = []
    for output in files:
        path = data_dir / f".{output.name}.tmp"
        path.write_bytes(output.data())
        temporary.append((path, data_dir / output.name))
    for tmp, final in temporary:
        os.replace(tmp, final)
