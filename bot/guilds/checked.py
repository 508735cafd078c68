"""Which stored server commands have passed every check, for which data and built-in commands.

Checking a stored command means running its queries and comparing its names with every other
command: milliseconds each, seconds for a server with a hundred, far too slow to repeat at every
start. A command that passed is marked with a digest of its server, its text, the data version
and the built-in commands it was compared with; a marked command is loaded, not checked again.
The marks are a cache: one line per mark in a file that can be deleted at any time (everything is
then checked once more), appended to by any number of processes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path

from bot.engine.catalog import Catalog

log = logging.getLogger("immistats.guilds")


def base_fingerprint(base: Catalog) -> str:
    """A digest of the built-in commands: a new or changed built-in invalidates every mark."""
    digest = hashlib.sha256()
    for name in sorted(base.commands):
        digest.update(name.encode() + b"\0" + base.commands[name].text.encode() + b"\0")
    return digest.hexdigest()


class CheckedMarks:
    """The set of marks, read once from ``path`` (None: kept in memory only)."""

    def __init__(self, path: Path | None, data_version: str, base: Catalog) -> None:
        self.path = path
        self._salt = f"{data_version}\0{base_fingerprint(base)}\0"
        self._lock = threading.Lock()
        self._marks: set[str] | None = None

    def mark(self, guild_id: int | None, toml: str) -> str:
        text = f"{self._salt}{guild_id}\0{toml}"
        return hashlib.sha256(text.encode()).hexdigest()

    def passed(self, guild_id: int | None, toml: str) -> bool:
        return self.mark(guild_id, toml) in self._loaded()

    def record(self, guild_id: int | None, toml: str) -> None:
        """Remember that this command passed; a file that cannot be written is only logged."""
        mark = self.mark(guild_id, toml)
        with self._lock:
            marks = self._read_locked()
            if mark in marks:
                return
            marks.add(mark)
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One short write in append mode: lines from several processes never interleave.
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(descriptor, f"{mark}\n".encode())
            finally:
                os.close(descriptor)
        except OSError as error:
            log.warning("could not keep the checked-command marks in %s: %s", self.path, error)

    def _loaded(self) -> set[str]:
        with self._lock:
            return self._read_locked()

    def _read_locked(self) -> set[str]:
        if self._marks is None:
            self._marks = set()
            if self.path is not None:
                try:
                    lines = self.path.read_text(encoding="ascii").split()
                except (OSError, UnicodeDecodeError):
                    lines = []
                self._marks.update(line for line in lines if len(line) == 64)
        return self._marks
