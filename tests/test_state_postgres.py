"""Two bot processes (two shards) on one PostgreSQL: a moderator's change through one is answered by
the other at once, with no restart; they start together without migrating twice; a listener that
loses its connection catches up. Runs on a real server (tests/state_backends.py says which)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from bot.app.client import create_bot
from bot.guilds.catalogs import GuildCatalogs
from bot.guilds.migrations import MIGRATIONS
from bot.guilds.postgres_state import CHANNEL
from bot.guilds.state import StateStore
from tests.standin import GUILD_ID, slash_payload
from tests.state_backends import postgres_server_fixture, postgres_url_fixture  # noqa: F401
from tests.test_discord_moderation import FILE_TOML, NAME, TITLE, add_command

GUILD = 1_311_111_111_111_111_111  # a Discord-sized id
WAIT = 30  # seconds: only a failure waits this long


class Heard:
    """The guild ids a store's listeners were told of, waited on instead of slept on."""

    def __init__(self, store: StateStore):
        self.guilds: list[int] = []
        self._changed = threading.Condition()
        store.on_change(self._hear)

    def _hear(self, guild_id: int) -> None:
        with self._changed:
            self.guilds.append(guild_id)
            self._changed.notify_all()

    def wait_for(self, guild_id: int, times: int = 1) -> None:
        with self._changed:
            told = self._changed.wait_for(lambda: self.guilds.count(guild_id) >= times, WAIT)
        assert told, f"never told of guild {guild_id} ({times}×); heard {self.guilds}"


@pytest.fixture
def shards(postgres_url):
    opened = [StateStore(postgres_url), StateStore(postgres_url)]
    yield opened
    for store in opened:
        store.close()


def test_a_change_on_shard_0_is_answered_on_shard_1_without_a_restart(shards, service):
    zero, one = shards
    catalogs = GuildCatalogs(service.catalog, service.db, one)
    heard = Heard(one)
    assert NAME not in catalogs.catalog(GUILD).commands  # built and cached on shard 1
    assert catalogs.cached(GUILD) is not None

    zero.add(GUILD, NAME, FILE_TOML, user_id=7)
    assert one.command(GUILD, NAME).toml == FILE_TOML  # read at once: one database
    heard.wait_for(GUILD)
    assert catalogs.cached(GUILD) is None  # shard 1 dropped its stale catalog
    answer = service.engine.ask("ice test removals 2020", catalogs.catalog(GUILD))
    assert (answer.command, answer.value) == (NAME, 185_884)

    zero.remove(GUILD, NAME, user_id=7)
    heard.wait_for(GUILD, times=2)
    assert NAME not in catalogs.catalog(GUILD).commands


def test_forgetting_a_server_on_one_shard_is_heard_on_the_other(shards):
    zero, one = shards
    heard = Heard(one)
    zero.add(GUILD, NAME, FILE_TOML, user_id=7)
    zero.forget_guild(GUILD)
    heard.wait_for(GUILD, times=2)
    assert one.commands(GUILD) == [] and one.history(GUILD) == []


def test_a_refused_change_is_not_announced(shards):
    zero, one = shards
    heard = Heard(one)
    zero.add(GUILD, NAME, FILE_TOML, user_id=7)
    with pytest.raises(Exception, match="already has a command"):
        zero.add(GUILD, NAME, FILE_TOML, user_id=8)
    zero.add(GUILD + 1, NAME, FILE_TOML, user_id=7)
    heard.wait_for(GUILD + 1)  # announcements arrive in commit order: nothing else is coming
    assert heard.guilds == [GUILD, GUILD + 1]


def test_processes_starting_together_migrate_once(postgres_url):
    with ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: StateStore(postgres_url), range(4)))
    try:
        assert {store.schema_version() for store in stores} == {len(MIGRATIONS)}
        with psycopg.connect(postgres_url) as conn:
            assert conn.execute("select count(*) from state_schema").fetchone()[0] == 1
    finally:
        for store in stores:
            store.close()


def test_a_listener_that_lost_its_connection_catches_up(shards, postgres_url):
    zero, one = shards
    heard = Heard(one)
    zero.add(GUILD, NAME, FILE_TOML, user_id=7)
    heard.wait_for(GUILD)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        cut = admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = current_database() and query = %s",
            (f"listen {CHANNEL}",),
        ).fetchall()
    # Both shards' listeners are cut; shard 1 hears of the guild again when it listens again,
    # since a change may have been missed meanwhile.
    assert len(cut) == 2
    heard.wait_for(GUILD, times=2)
    zero.remove(GUILD, NAME, user_id=7)
    heard.wait_for(GUILD, times=3)


async def test_two_bots_on_one_database_serve_each_others_commands(
    standin, service, logged_in, postgres_url
):
    """The whole path on the stand-in: a moderator adds a command through the process of shard 0
    (form, preview, Confirm); a member's /ask on shard 1's process answers with it, no restart."""
    zero = await logged_in(create_bot(service, state_path=postgres_url))
    one = await logged_in(create_bot(service, state_path=postgres_url))
    heard = Heard(one.state)

    async def ask_one() -> str:
        reply = await standin.send(
            one, slash_payload("ask", {"question": "ice test removals 2020"})
        )
        return str(reply.final.embed)

    assert TITLE not in await ask_one()  # shard 1 has built and cached this server's catalog
    done = await add_command(standin, zero)
    assert done.final.content.startswith("Added:")
    await asyncio.to_thread(heard.wait_for, GUILD_ID)
    assert TITLE in await ask_one()


def test_a_connection_the_server_dropped_is_opened_again(shards, postgres_url):
    zero, one = shards
    zero.add(GUILD, NAME, FILE_TOML, user_id=7)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        others = (
            "from pg_stat_activity where datname = current_database() "
            "and pid <> pg_backend_pid() and query <> %s"
        )
        listen = (f"listen {CHANNEL}",)
        assert (
            len(admin.execute(f"select pg_terminate_backend(pid) {others}", listen).fetchall()) == 2
        )
        for _ in range(WAIT * 10):  # until both connections are gone on the server's side
            if not admin.execute(f"select 1 {others}", listen).fetchall():
                break
            threading.Event().wait(0.1)
    assert [c.name for c in one.commands(GUILD)] == [NAME]  # a read, on a new connection
    zero.remove(GUILD, NAME, user_id=7)  # a change, on a new connection
    assert one.commands(GUILD) == [] and zero.history(GUILD)[0].action == "remove"
