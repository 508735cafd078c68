"""Is immistats.db current? Rebuild it when data/ changed, without loading pandas when it did not."""

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.data.files import SCHEMA_VERSION, data_version


def built_version(db_path: Path) -> tuple[str, str] | None:
    """(data_version, schema_version) recorded in an existing database, or None if unreadable."""
    if not db_path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
            meta = dict(conn.execute("select key, value from meta"))
        return meta.get("data_version", ""), meta.get("schema_version", "")
    except sqlite3.Error:
        return None


def is_current(data_dir: Path, db_path: Path) -> bool:
    return built_version(db_path) == (data_version(data_dir), str(SCHEMA_VERSION))


def ensure_database(data_dir: Path, db_path: Path) -> bool:
    """Build when missing or stale; True when a build happened."""
    if is_current(data_dir, db_path):
        return False
    from bot.data.ingest import build  # pandas is needed only to build

    build(data_dir, db_path)
    return True
