"""Shared fixtures: one real database built from the shipped data/ for the whole test session."""

from pathlib import Path

import pytest

from bot.ingest import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
COMMANDS = ROOT / "commands"


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The statistics database, built once from data/ exactly as `immistats build` does."""
    path = tmp_path_factory.mktemp("db") / "immistats.db"
    build(DATA, path)
    return path


@pytest.fixture(scope="session")
def service(built_db):
    """The engine over the built database and the shipped commands, as the CLI starts it."""
    from bot.service import start

    running = start(built_db, COMMANDS)
    yield running
    running.close()


@pytest.fixture(scope="session")
def engine(service):
    return service.engine
