"""Is immistats.db current? Compares the data version recorded at build time with data/ now.

The engine only reads: the CLI builds a stale database (through `bot.data`) before anything opens
it, so the Discord client never builds and never imports the data package.
"""

import hashlib
from pathlib import Path

from bot.engine.db import StatsDB
from bot.engine.sql_rules import StatsDBError

# Bump when the database layout changes, so an old immistats.db is rebuilt.
SCHEMA_VERSION = 1
DATA_SUFFIXES = (".csv", ".csv.gz")


class StaleDatabase(Exception):
    """The database is missing or older than data/; the message says how to fix it."""


def data_files(data_dir: Path) -> list[Path]:
    """The shipped data files that make up the database (tables and the glossary)."""
    return sorted(p for p in data_dir.iterdir() if p.is_file() and p.name.endswith(DATA_SUFFIXES))


def data_version(data_dir: Path) -> str:
    """A short hash of every shipped data file: the database is stale when this changes.

    Content, not mtime, because a fresh git clone gives every file the same new mtime.
    """
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for path in data_files(data_dir) if data_dir.is_dir() else []:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def built_version(db: StatsDB) -> tuple[str, str]:
    """(data_version, schema_version) recorded in the database's meta table at build time."""
    rows = db.query("select key, value from meta", {}).rows
    meta = {key: value for key, value in rows}
    return meta.get("data_version", ""), meta.get("schema_version", "")


def is_current(data_dir: Path, db_path: Path) -> bool:
    """True when the database exists, is readable and was built from data/ as it is now."""
    try:
        with StatsDB(db_path) as db:
            built = built_version(db)
    except StatsDBError:
        return False
    return built == (data_version(data_dir), str(SCHEMA_VERSION))


def require_current(data_dir: Path, db_path: Path) -> None:
    """Refuse to answer from a database built from other data than data/ holds."""
    if not is_current(data_dir, db_path):
        raise StaleDatabase(
            f"{db_path} is missing or older than {data_dir}; run `immistats build` first"
        )
