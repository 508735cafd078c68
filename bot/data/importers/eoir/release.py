"""Find the tables of an EOIR case-data release (zip, unpacked folder or URL) and copy each one
cleaned to a work folder, in fixed-size chunks so memory stays flat whatever the table's size.

Cleaning removes NUL bytes (the release has them; DuckDB would keep them inside codes such as
"ASYL"), turns Latin-1 into UTF-8 in chunks that are not plain ASCII, and sets aside every row
whose number of tabs differs from the header's: a shifted row whose last field is empty would
otherwise be read with its values in the wrong columns. Both are counted, the set-aside rows with
their line numbers (see clean_copy for how chunks are checked).
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

from bot.data.importers.common import FetchError, ImportFailed
from bot.data.importers.fetch import USER_AGENT, file_name, is_url

CHUNK_BYTES = 16 * 1024 * 1024
SHOWN_REJECTS = 20
NEWLINE, TAB = 10, 9
DOWNLOAD_TIMEOUT_SECONDS = 60.0
DATED_NAME = re.compile(r"(20\d\d)-?(\d\d)-?(\d\d)")

Report = Callable[[str], None]


@dataclass(frozen=True)
class CleanedTable:
    """One table copied without NUL bytes: where it is and what the copy saw."""

    name: str
    path: Path
    columns: tuple[str, ...]
    lines: int  # rows kept: lines after the header, less those set aside and blank ones
    nul_bytes: int
    bytes_read: int
    rejected: int = 0
    rejected_lines: tuple[str, ...] = ()
    blank: int = 0


@dataclass
class Release:
    """An opened release: its members by lower-case file name, and how to open each."""

    label: str
    members: dict[str, str]  # "b_tblproceeding.csv" -> path inside the zip or folder
    opener: Callable[[str], BinaryIO]
    sizes: dict[str, int]
    dates: dict[str, datetime]

    @staticmethod
    def key(table: str) -> str:
        """How members are looked up: the file name in lower case, wherever it is."""
        return f"{table.lower()}.csv"

    def member(self, table: str) -> str:
        found = self.members.get(self.key(table))
        if found is None:
            raise ImportFailed(
                f"{self.label}: no {table}.csv in the release; is this EOIR's case-data zip "
                "(folders 'EOIR Case Data' and 'Lookup')?"
            )
        return found

    def release_date(self, tables: list[str]) -> tuple[date, str]:
        """The date in the release's name (EOIR names folders "EOIR Case Data 2026-0401"), else
        the newest date of the tables read; with the rule used, for the record."""
        if match := DATED_NAME.search(self.label):
            try:
                return date(*map(int, match.groups())), "the date in the release's name"
            except ValueError:
                pass
        newest = max(self.dates[self.key(t)] for t in tables if self.member(t))
        return newest.date(), "the newest file date of the tables read"


@contextmanager
def open_release(source: str, workdir: Path, report: Report) -> Iterator[Release]:
    """A zip, an unpacked folder or an http(s) URL (downloaded to `workdir` first)."""
    if is_url(source):
        path = download(source, workdir / (file_name(source) or "release.zip"), report)
    else:
        path = Path(source).expanduser()
    if path.is_dir():
        yield _folder(path)
    elif path.is_file():
        with _zip(path) as release:
            yield release
    else:
        raise FetchError(f"{source}: no such file or folder")


def _folder(path: Path) -> Release:
    files = {p.name.lower(): p for p in path.rglob("*") if p.is_file()}
    return Release(
        label=path.name,
        members={name: str(p) for name, p in files.items()},
        opener=lambda member: open(member, "rb"),  # noqa: SIM115 - closed by the caller
        sizes={name: p.stat().st_size for name, p in files.items()},
        dates={name: datetime.fromtimestamp(p.stat().st_mtime) for name, p in files.items()},
    )


@contextmanager
def _zip(path: Path) -> Iterator[Release]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FetchError(f"{path}: not a readable zip file ({exc})") from None
    with archive:
        infos = {Path(i.filename).name.lower(): i for i in archive.infolist() if not i.is_dir()}
        yield Release(
            label=path.stem,
            members={name: info.filename for name, info in infos.items()},
            opener=lambda member: _open_member(archive, member, path),
            sizes={name: info.file_size for name, info in infos.items()},
            dates={name: datetime(*info.date_time) for name, info in infos.items()},
        )


def _open_member(archive: zipfile.ZipFile, member: str, path: Path) -> BinaryIO:
    try:
        return archive.open(member)
    except NotImplementedError as exc:  # e.g. Deflate64, which Python's zipfile cannot read
        raise ImportFailed(
            f"{path}: {member} uses a compression Python cannot read ({exc}); unpack the zip "
            "with 7-Zip (7z x) and import the folder"
        ) from None


def download(url: str, target: Path, report: Report) -> Path:
    """Stream a URL to `target` in chunks (the release is ~4 GB); one clear line if it fails."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with (
            urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response,
            open(target, "wb") as out,
        ):
            total = int(response.headers.get("Content-Length") or 0)
            progress = Progress(f"download {file_name(url)}", total, report)
            while chunk := response.read(CHUNK_BYTES):
                out.write(chunk)
                progress.advance(len(chunk))
            progress.done()
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: cannot connect: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise FetchError(f"{url}: download failed: {exc}") from None
    return target


class Progress:
    """A line every tenth of the way (or every 512 MB when the size is unknown)."""

    def __init__(self, label: str, total: int, report: Report) -> None:
        self.label, self.total, self.report = label, total, report
        self.seen = 0
        self.next_mark = self._step()

    def _step(self) -> int:
        return max(self.total // 10, CHUNK_BYTES) if self.total else 512 * 1024 * 1024

    def advance(self, count: int) -> None:
        self.seen += count
        if self.seen >= self.next_mark:
            self.next_mark += self._step()
            share = f" ({self.seen / self.total:.0%})" if self.total else ""
            self.report(f"  {self.label}: {self.seen / 1e6:,.0f} MB{share}")

    def done(self) -> None:
        self.report(f"  {self.label}: {self.seen / 1e6:,.1f} MB read")


@dataclass
class _Tally:
    lines: int = 0
    nul_bytes: int = 0
    rejected: int = 0
    blank: int = 0
    shown: list[str] = field(default_factory=list)


def clean_copy(
    release: Release, table: str, target: Path, report: Report, exact: bool = False
) -> CleanedTable:
    """Copy one table to `target` without NUL bytes or rows of the wrong width, counting both.

    A chunk whose tab count is exactly its line count times the header's tabs is taken whole
    (two C-speed counts); any other chunk is checked line by line. Only a too-long and a
    too-short row in the same chunk could balance out: DuckDB then refuses the short one and the
    import copies again with `exact`, checking every chunk line by line."""
    member = release.member(table)
    progress = Progress(table, release.sizes.get(release.key(table), 0), report)
    tally = _Tally()
    with release.opener(member) as source, open(target, "wb") as out:
        header = source.readline()
        progress.advance(len(header))
        tally.nul_bytes += header.count(b"\0")
        header = header.replace(b"\0", b"")
        out.write(header)
        columns = tuple(c.strip() for c in header.decode("latin-1").rstrip("\r\n").split("\t"))
        tail = b""
        while chunk := source.read(CHUNK_BYTES):
            progress.advance(len(chunk))
            block = tail + chunk
            cut = block.rfind(b"\n") + 1
            block, tail = block[:cut], block[cut:]
            out.write(_keep_rows(block, len(columns), table, tally, exact))
        if tail:
            out.write(_keep_rows(tail + b"\n", len(columns), table, tally, exact))
    progress.done()
    size = release.sizes.get(release.key(table), progress.seen)
    kept = tally.lines - tally.rejected - tally.blank
    return CleanedTable(
        table,
        target,
        columns,
        kept,
        tally.nul_bytes,
        size,
        tally.rejected,
        tuple(tally.shown),
        tally.blank,
    )


def _keep_rows(block: bytes, fields: int, table: str, tally: _Tally, exact: bool) -> bytes:
    """The block's lines with the header's number of fields; the others counted and left out.
    Line numbers count the header as line 1, as a text editor does."""
    if zeros := block.count(b"\0"):
        tally.nul_bytes += zeros
        block = block.replace(b"\0", b"")
    if not block.isascii():  # the release is Latin-1; DuckDB reads UTF-8 fastest
        block = block.decode("latin-1").encode("utf-8")
    first_line = tally.lines + 2
    if not exact and block.count(b"\t") == (lines := block.count(b"\n")) * (fields - 1):
        tally.lines += lines
        return block
    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == NEWLINE)
    tabs_before_end = np.searchsorted(np.flatnonzero(data == TAB), ends)
    per_line = np.diff(tabs_before_end, prepend=0)
    tally.lines += len(ends)
    wrong = np.flatnonzero(per_line != fields - 1)
    if not wrong.size:
        return block
    starts = np.concatenate(([0], ends[:-1] + 1))
    kept, previous = [], 0
    for index in wrong.tolist():
        start, end = int(starts[index]), int(ends[index]) + 1
        kept.append(block[previous:start])
        previous = end
        if not block[start:end].strip():
            tally.blank += 1
            continue
        tally.rejected += 1
        if len(tally.shown) < SHOWN_REJECTS:
            found = int(per_line[index]) + 1
            tally.shown.append(f"{table} line {first_line + index}: {found} fields, not {fields}")
    kept.append(block[previous:])
    return b"".join(kept)


def copy_lookup(release: Release, table: str, target: Path) -> Path:
    """Lookup tables are small; copied as they are (NUL bytes removed) for DuckDB to read."""
    with release.opener(release.member(table)) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    data = target.read_bytes()
    if b"\0" in data:
        target.write_bytes(data.replace(b"\0", b""))
    return target
