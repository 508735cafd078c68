"""Find the tables of an EOIR case-data release (zip, unpacked folder or URL) and hand them to
DuckDB as files: a folder's files where they are, a zip's members unpacked in fixed-size chunks so
memory stays flat whatever the table's size.

The release's defects are left for DuckDB's reader to meet (aggregate.py counts them): tab
delimiters in .csv files, Latin-1 text, rows with too many or too few fields. NUL bytes are
counted here by numpy, in the pass that unpacks a zip member or beside DuckDB's read of a folder.
"""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np

from bot.data.importers.common import FetchError, ImportFailed
from bot.data.importers.fetch import USER_AGENT, file_name, is_url

CHUNK_BYTES = 16 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 60.0
DATED_NAME = re.compile(r"(20\d\d)-?(\d\d)-?(\d\d)")

Report = Callable[[str], None]


@dataclass(frozen=True)
class SourceTable:
    """One core table as DuckDB reads it: its file, its header and, once counted, its NUL bytes."""

    name: str
    path: Path
    columns: tuple[str, ...]
    bytes_read: int
    nul_bytes: int | None = None  # None: not counted yet (a file of an unpacked folder)


@dataclass
class Release:
    """An opened release: its members by lower-case file name, and how to open each."""

    label: str
    members: dict[str, str]  # "b_tblproceeding.csv" -> path inside the zip or folder
    opener: Callable[[str], BinaryIO]
    sizes: dict[str, int]
    dates: dict[str, datetime]
    unpacked: bool  # a folder: DuckDB reads its files where they are

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
        unpacked=True,
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
            unpacked=False,
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


def table_file(release: Release, table: str, workdir: Path, report: Report) -> SourceTable:
    """The table as a file DuckDB can read: the release's own file in a folder, or the zip member
    unpacked to `workdir`. The header gives the columns; NUL bytes are counted in the same pass
    as the unpacking (or, in a folder, by count_nul_bytes while DuckDB reads)."""
    member = release.member(table)
    size = release.sizes.get(release.key(table), 0)
    with release.opener(member) as source:
        header = source.readline()
        columns = tuple(
            c.strip()
            for c in header.replace(b"\0", b"").decode("latin-1").rstrip("\r\n").split("\t")
        )
        if release.unpacked:
            return SourceTable(table, Path(member), columns, size)
        progress = Progress(table, size, report)
        progress.advance(len(header))
        zeros = header.count(b"\0")
        target = workdir / f"{table}.csv"
        with open(target, "wb") as out:
            out.write(header)
            while chunk := source.read(CHUNK_BYTES):
                zeros += nul_bytes(chunk)
                out.write(chunk)
                progress.advance(len(chunk))
        progress.done()
    return SourceTable(table, target, columns, size, zeros)


def nul_bytes(chunk: bytes | bytearray | memoryview) -> int:
    """NUL bytes in a chunk, counted by numpy's vectorised loop (several times faster than
    bytes.count, and outside the GIL, so beside DuckDB's read it costs little)."""
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == 0))


def count_nul_bytes(table: SourceTable, report: Report) -> int:
    """NUL bytes in a file of an unpacked release (DuckDB keeps them inside values, and the
    importer strips them from the codes it reads; this says how many there were)."""
    if table.nul_bytes is not None:
        return table.nul_bytes
    progress = Progress(table.name, table.bytes_read, report)
    zeros = 0
    buffer = bytearray(CHUNK_BYTES)
    with open(table.path, "rb", buffering=0) as source:
        while size := source.readinto(buffer):
            zeros += nul_bytes(memoryview(buffer)[:size])
            progress.advance(size)
    progress.done()
    return zeros


def copy_lookup(release: Release, table: str, target: Path) -> Path:
    """Lookup tables are small; copied as they are (NUL bytes removed) for DuckDB to read."""
    with release.opener(release.member(table)) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    data = target.read_bytes()
    if b"\0" in data:
        target.write_bytes(data.replace(b"\0", b""))
    return target
