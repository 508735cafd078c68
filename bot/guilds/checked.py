"""Stored server commands that passed every check, kept compiled, per data version and code.

Checking a stored command means running its queries and comparing its names with every other
command: milliseconds each, seconds for a server with a hundred, far too slow to repeat at every
start; even parsing its TOML again costs a fifth of a millisecond. A command that passed is kept
compiled under a digest of its server, its text, the data version, the built-in commands it was
compared with and the code that checks and reads commands; a kept command is loaded, not parsed or
checked again. A new data version, a changed built-in or changed checking code gives new digests,
so every command is checked once more.

The store is a cache: a SQLite file in the bot's own cache folder (it holds pickles, so only the
bot may write there), safe to delete at any time, shared by any number of bot processes.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
import threading
from pathlib import Path

from bot.engine.catalog import Catalog, Command

log = logging.getLogger("immistats.guilds")

BOT_DIR = Path(__file__).resolve().parents[1]
# The code a command's verdict and compiled form depend on.
CHECKING_CODE = ("engine/*.py", "guilds/moderation.py")


def base_fingerprint(base: Catalog) -> str:
    """A digest of the built-in commands and of the checking code."""
    digest = hashlib.sha256()
    for name in sorted(base.commands):
        digest.update(name.encode() + b"\0" + base.commands[name].text.encode() + b"\0")
    for pattern in CHECKING_CODE:
        for path in sorted(BOT_DIR.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class CheckedMarks:
    """Compiled commands that passed, by digest; in memory only when ``path`` is None."""

    def __init__(self, path: Path | None, data_version: str, base: Catalog) -> None:
        self.path = path
        self._salt = f"{data_version}\0{base_fingerprint(base)}\0"
        self._lock = threading.Lock()
        self._memory: dict[str, Command] = {}
        self._conn: sqlite3.Connection | None = None

    def mark(self, guild_id: int | None, toml: str) -> str:
        text = f"{self._salt}{guild_id}\0{toml}"
        return hashlib.sha256(text.encode()).hexdigest()

    def compiled(self, guild_id: int | None, toml: str) -> Command | None:
        """The command as compiled when it passed, or None if it has not passed (or is lost)."""
        mark = self.mark(guild_id, toml)
        with self._lock:
            if (found := self._memory.get(mark)) is not None:
                return found
            conn = self._open()
            if conn is None:
                return None
            try:
                row = conn.execute("select command from checked where mark = ?", (mark,)).fetchone()
                command = pickle.loads(row[0]) if row else None
            except Exception as error:  # an unreadable cache only means checking once more
                log.warning("a checked-command entry could not be read: %r", error)
                return None
            if isinstance(command, Command):
                self._memory[mark] = command
                return command
            return None

    def record(self, guild_id: int | None, command: Command, toml: str) -> None:
        """Keep a command that passed; a cache that cannot be written is only logged."""
        mark = self.mark(guild_id, toml)
        with self._lock:
            self._memory[mark] = command
            conn = self._open()
            if conn is None:
                return
            try:
                conn.execute(
                    "insert or replace into checked (mark, command) values (?, ?)",
                    (mark, pickle.dumps(command)),
                )
            except sqlite3.Error as error:
                log.warning("could not keep a checked command in %s: %s", self.path, error)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _open(self) -> sqlite3.Connection | None:
        """The cache file, opened on first use; None (memory only) when it cannot be."""
        if self._conn is not None or self.path is None:
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10
            )
            conn.execute("pragma journal_mode = wal")
            conn.execute(
                "create table if not exists checked (mark text primary key, command blob not null)"
            )
        except (OSError, sqlite3.Error) as error:
            log.warning("checked commands are kept in memory only (%s: %s)", self.path, error)
            self.path = None
            return None
        self._conn = conn
        return conn
