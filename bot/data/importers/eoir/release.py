"""Find the tables of an EOIR case-data release (zip, unpacked folder or URL) and open them as
streams: a folder's files where they are, a zip's members decompressed as they are read, so
nothing is unpacked to disk and memory stays flat whatever the table's size.

The release's defects are left for the reader to meet (reading.py counts them): tab delimiters
in .csv files, Latin-1 text, NUL bytes, rows with too many or too few fields.
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

from bot.data.importers.common import FetchError, ImportFailed
from bot.data.importers.fetch import USER_AGENT, file_name, is_url

CHUNK_BYTES = 16 * 1024 * 1024
DOWNLOAD_TIMEOUT_SECONDS = 60.0
DATED_NAME = re.compile(r"(20\d\d)-?(\d\d)-?(\d\d)")

Report = Callable[[str], None]


@dataclass(frozen=True)
class SourceTable:
    """One core table: its name, how to open it as a stream of bytes, and its size."""

    name: str
    open: Callable[[], BinaryIO]
    size: int


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


def source_table(release: Release, table: str) -> SourceTable:
    member = release.member(table)
    return SourceTable(
        table, lambda: release.opener(member), release.sizes.get(release.key(table), 0)
    )


def copy_lookup(release: Release, table: str, target: Path) -> Path:
    """Lookup tables are small; copied as they are (NUL bytes removed) for DuckDB to read."""
    with release.opener(release.member(table)) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
    data = target.read_bytes()
    if b"\0" in data:
        target.write_bytes(data.replace(b"\0", b""))
    return target
