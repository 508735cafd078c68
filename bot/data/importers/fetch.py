"""Open a source given as a local path or an http(s) URL, as bytes plus the file's own name.

The name matters: CBP names each release after its coverage (…-fy21-fy24-state.csv) and the
registry turns that name into a source id. Standard library only (urllib), with a timeout.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bot.data.importers.common import FetchError

TIMEOUT_SECONDS = 60.0
MAX_BYTES = 200 * 1024 * 1024  # the largest official file we know is ~3 MB; stop a runaway download
USER_AGENT = "immistats-importer/0.1 (import of official statistics files)"


@dataclass(frozen=True)
class Fetched:
    """A source's bytes and its file name (last part of the path or URL)."""

    name: str
    data: bytes
    source: str


def is_url(source: str) -> bool:
    return urlsplit(source).scheme.lower() in ("http", "https")


def file_name(source: str) -> str:
    """'…/2024-10/nationwide-encounters-fy21-fy24-state.csv' -> 'nationwide-encounters-…csv'."""
    if is_url(source):
        return PurePosixPath(unquote(urlsplit(source).path)).name
    return Path(source).name


def fetch(source: str, timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """Bytes of a local file or an http(s) URL; FetchError with the source and reason otherwise."""
    if is_url(source):
        return Fetched(file_name(source), _download(source, timeout), source)
    path = Path(source).expanduser()
    if not path.is_file():
        reason = "is a folder, not a file" if path.is_dir() else "no such file"
        raise FetchError(f"{source}: {reason}")
    try:
        return Fetched(path.name, path.read_bytes(), source)
    except OSError as exc:
        raise FetchError(f"{source}: cannot read: {exc.strerror or exc}") from None


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: cannot connect: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout:g} s") from None
    except OSError as exc:
        raise FetchError(f"{url}: download failed: {exc}") from None
    if len(data) > MAX_BYTES:
        raise FetchError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB; not a file we know")
    if not data:
        raise FetchError(f"{url}: empty response")
    return data
