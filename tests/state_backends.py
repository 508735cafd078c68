"""Fixtures that open state stores on either backend: SQLite in tmp, or a fresh database on a real
PostgreSQL server (IMMISTATS_TEST_POSTGRES_URL, which .ci/run sets after starting one). A test
module imports the `*_fixture` functions; its tests ask for them by name (open_store, …).

Without a server the PostgreSQL cases skip, saying why; under CI=true they fail instead, so CI can
never pass without having run them.
"""

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bot.guilds.state import StateStore

URL_VARIABLE = "IMMISTATS_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]

OpenStore = Callable[..., StateStore]


def _unavailable(why: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the PostgreSQL tests, but {why}")
    pytest.skip(f"no PostgreSQL server for the tests: {why} (.ci/run installs and starts one)")


@pytest.fixture(scope="session", name="postgres_server")
def postgres_server_fixture() -> str:
    """The URL of a database on a running server whose role may create databases."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        _unavailable(f"{URL_VARIABLE} is not set")
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=5).close()
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    except Exception as exc:
        _unavailable(f"cannot connect to {URL_VARIABLE}: {exc}")
    return url


@pytest.fixture(name="postgres_url")
def postgres_url_fixture(postgres_server: str) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards: tests running at the same time
    (other pytest processes on the machine) never share tables."""
    import psycopg

    name = f"immistats_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"create database {name}")
    parts = urlsplit(postgres_server)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"drop database {name} with (force)")


@pytest.fixture(name="open_store", params=BACKENDS)
def open_store_fixture(request, tmp_path: Path) -> Iterator[OpenStore]:
    """Opens a StateStore (keyword arguments passed on) on this test's database; calling it twice
    gives two stores on one database, as a restart or a second bot process would."""
    location: Path | str = tmp_path / "state.db"
    if request.param == "postgresql":
        location = request.getfixturevalue("postgres_url")
    opened: list[StateStore] = []

    def opening(**options) -> StateStore:
        store = StateStore(location, **options)
        opened.append(store)
        return store

    yield opening
    for store in opened:
        store.close()
