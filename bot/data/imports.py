"""Turn official source files into the monthly data tables in data/ (`immistats data import`).

Intended CLI (wired in bot/cli/entry.py):

    immistats data import KIND [PATH_OR_URL ...]

    immistats data import cbp-nationwide              # CBP's two official state CSVs, FY2020-24
    immistats data import cbp-nationwide a.csv b.csv  # local copies or other URLs; the newest
                                                      #   file wins for each fiscal year it covers
    immistats data import cbp-southwest sbo-encounters-fy22-fy25-aug.csv
    immistats data import usbp-pdf us_border_patrol_monthly_encounters_fy2000-fy2020-508.pdf
    immistats data import ohss-citizenship KHSM_Encounters_USBP_fy25m11.xlsx
    immistats data import ohss-sector KHSM_Encounters_USBP_fy25m11.xlsx

With no PATH_OR_URL the registry's official file URLs are used; kinds without a stable file URL
(cbp-southwest, usbp-pdf, ohss-*) say so and name the page to download from. The CLI calls

    path = run_import(kind, sources, paths.data_dir(), report=print)

and on `ImportFailed` (FormatError and FetchError are subclasses) prints the message, one line
per problem (file, row, reason), and exits non-zero. Nothing is written unless every source
reads cleanly, and the table is replaced atomically (temp file, then rename). The same inputs
always give byte-identical files (sorted rows, fixed columns, gzip without timestamp or name).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from bot.data.importers import registry
from bot.data.importers.common import ImportFailed, check_unique, last_month, newest_wins
from bot.data.importers.fetch import TIMEOUT_SECONDS, fetch

__all__ = ["ImportFailed", "run_import"]


def run_import(
    kind: str,
    sources: list[str],
    data_dir: Path,
    *,
    report: Callable[[str], None] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """Read `sources` (paths or URLs; none: the official URLs) as `kind`; write its table."""
    entry = registry.get(kind)
    sources = list(sources) or entry.default_sources()
    if len(sources) > 1 and not entry.many_files:
        raise ImportFailed(f"{kind} reads one file, got {len(sources)}: {' '.join(sources)}")
    frames = [read_source(entry, source, timeout) for source in sources]
    table = newest_wins(frames) if len(frames) > 1 else frames[0]
    table = tidy(table, entry)
    path = Path(data_dir) / entry.output
    write_table(table, path)
    if report:
        report(summary(table, path))
    return path


def read_source(entry: registry.ImportKind, source: str, timeout: float) -> pd.DataFrame:
    """One source through its reader, labelled with the source id its file name calls for."""
    fetched = fetch(source, timeout=timeout)
    return entry.reader(fetched.data, entry.source_id_for(fetched.name), fetched.name)


def tidy(table: pd.DataFrame, entry: registry.ImportKind) -> pd.DataFrame:
    """Fixed column order, rows sorted by key, key unique: the table's one canonical form."""
    check_unique(table, entry.key, entry.output)
    table = table[entry.columns].sort_values(entry.key, kind="mergesort")
    return table.reset_index(drop=True)


def table_bytes(table: pd.DataFrame, gzipped: bool) -> bytes:
    """CSV (UTF-8, LF) of the table; gzip with mtime 0 and no file name so bytes are stable."""
    data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    return gzip.compress(data, compresslevel=9, mtime=0) if gzipped else data


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write atomically: a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = table_bytes(table, gzipped=path.suffix == ".gz")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def summary(table: pd.DataFrame, path: Path) -> str:
    """One line for the person running the import: rows, years, sources, newest month."""
    fiscal_year, month, months = last_month(table)
    first = int(table["fiscal_year"].min())
    sources = ", ".join(sorted(table["source_id"].unique()))
    text = (
        f"wrote {path}: {len(table):,} rows, FY{first}-FY{fiscal_year}, last month {month}"
        f" ({sources})"
    )
    if months < 12:
        text += f"; FY{fiscal_year} is partial: {months} of 12 months"
    return text
