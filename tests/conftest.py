"""Shared fixtures: one real database built from the shipped data/ for the whole test session."""

from pathlib import Path

import pytest

from bot.data.ingest import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
COMMANDS = ROOT / "commands"


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The statistics database, built once from data/ exactly as `immistats build` does."""
    path = tmp_path_factory.mktemp("db") / "immistats.db"
    build(DATA, path)
    return path


@pytest.fixture(autouse=True)
def state_in_tmp(tmp_path_factory, monkeypatch):
    """Every bot a test makes keeps its state database in a temporary folder, never the repo's."""
    monkeypatch.setenv("IMMISTATS_STATE", str(tmp_path_factory.mktemp("state") / "state.db"))


@pytest.fixture(scope="session")
def service(built_db):
    """The engine over the built database and the shipped commands, as the CLI starts it."""
    from bot.engine.service import start

    running = start(built_db, COMMANDS)
    yield running
    running.close()


@pytest.fixture(scope="session")
def engine(service):
    return service.engine


# --- Discord stand-in: the real discord.py client against a local fake of Discord's REST API ---


@pytest.fixture
async def standin(monkeypatch):
    """A started :class:`tests.standin.StandIn` with discord.py's REST base URLs pointed
    at it (restored by monkeypatch afterwards). One per test: its log starts empty."""
    from tests.standin import StandIn

    async with StandIn() as server:
        server.patch_discord(monkeypatch.setattr)
        yield server


@pytest.fixture
async def logged_in(standin):
    """``bot = await logged_in(bot)``: log a bot in against the stand-in with a fake token
    (runs ``setup_hook``; the gateway is never opened). Every such bot is closed after the test."""
    bots = []

    async def login(bot, token: str = "stand-in-token"):
        bots.append(bot)
        return await standin.login(bot, token)

    yield login
    for bot in reversed(bots):
        await bot.close()


@pytest.fixture
def state_path(tmp_path) -> Path:
    """Where the test's bot keeps its state database (a test may open it to look)."""
    return tmp_path / "state.db"


@pytest.fixture
async def bot(service, logged_in, state_path):
    """The bot as `immistats serve` makes it, on the session's real database, logged in to the
    stand-in. Tests that need another bot (a tiny one, or one that always defers) override it."""
    from bot.app.client import create_bot

    return await logged_in(create_bot(service, state_path=state_path))
