"""Wiring: check the database is current, open it read-only, load the catalog, make an Engine.

Both faces (CLI and Discord) start here, so they answer from the same data and commands. Building a
stale database is the CLI's job, before this runs.
"""

from dataclasses import dataclass
from pathlib import Path

from bot import paths
from bot.engine.answering import Engine
from bot.engine.catalog import Catalog
from bot.engine.catalog_cache import cached_catalog
from bot.engine.db import StatsDB, open_readonly
from bot.engine.freshness import require_current
from bot.settings import answer_threads, cache_dir


@dataclass
class Service:
    engine: Engine
    db: StatsDB
    catalog: Catalog

    def close(self) -> None:
        self.db.close()


def data_version_of(db: StatsDB) -> str:
    rows = db.query("select value from meta where key = 'data_version'", {}).rows
    return rows[0][0] if rows else "unknown"


def start(db_path: Path | None = None, commands_dir: Path | None = None) -> Service:
    """Raises StaleDatabase when the database is missing or was built from other data."""
    db_path = db_path or paths.database_path()
    require_current(paths.data_dir(), db_path)
    db = open_readonly(db_path, connections=answer_threads())  # one per answering thread
    catalog = cached_catalog(commands_dir or paths.commands_dir(), cache_dir())
    return Service(Engine(db, catalog, data_version_of(db)), db, catalog)
