"""The state database's versions, oldest first: SQL scripts, and Python steps for what SQL cannot do.

Every change to the command schema adds an `upgrade_stored_commands` step: moderators' stored files
follow the schema instead of being refused by it. Each step runs in one transaction.
"""

import logging
import sqlite3
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from bot.engine.catalog import load_text
from bot.guilds.upgrade import upgrade_toml

log = logging.getLogger("immistats.guilds")
BOT_USER = 0  # the audit log's user for a change immistats made itself, never a Discord id

Migration = str | Callable[[sqlite3.Connection], None]


def upgrade_stored_commands(conn: sqlite3.Connection) -> None:
    """Take the keys nothing reads out of every stored command, audited as an 'upgrade' by the bot.

    A command that no longer passes the schema's checks afterwards (a headline placeholder nothing
    fills, say) is kept as stored and logged; the server's /commands list says why it is not
    answering, until a moderator fixes or removes it."""
    now = time.time()
    rows = conn.execute("select guild_id, name, toml from guild_commands order by guild_id, name")
    for guild_id, name, toml in rows.fetchall():
        try:
            upgraded, dropped = upgrade_toml(toml)
        except tomllib.TOMLDecodeError as exc:
            log.warning(
                "guild %d: command %r kept as stored, not valid TOML: %s", guild_id, name, exc
            )
            continue
        if dropped:
            conn.execute(
                "update guild_commands set toml = ? where guild_id = ? and name = ?",
                (upgraded, guild_id, name),
            )
            conn.execute(
                "insert into audit_log (guild_id, user_id, action, name, before_toml, after_toml, "
                "at) values (?, ?, 'upgrade', ?, ?, ?, ?)",
                (guild_id, BOT_USER, name, toml, upgraded, now),
            )
            log.info(
                "guild %d: command %r upgraded, dropped %s", guild_id, name, ", ".join(dropped)
            )
        if problems := load_text(upgraded, Path(f"{name}.toml"))[1]:
            log.warning(
                "guild %d: command %r kept as stored but no longer passes the checks: %s",
                guild_id,
                name,
                "; ".join(str(p) for p in problems),
            )


MIGRATIONS: tuple[Migration, ...] = (
    # 1: guild commands and the audit log of every change to them
    """
    create table guild_commands (
        guild_id integer not null,
        name text not null,
        toml text not null,
        created_by integer not null,
        created_at real not null,
        updated_by integer not null,
        updated_at real not null,
        primary key (guild_id, name)
    );
    create table audit_log (
        id integer primary key autoincrement,
        guild_id integer not null,
        user_id integer not null,
        action text not null check (action in ('add', 'edit', 'remove')),
        name text not null,
        before_toml text,
        after_toml text,
        at real not null
    );
    create index audit_log_guild on audit_log (guild_id, id);
    """,
    # 2: questions members asked that nothing answered, counted per guild
    """
    create table wanted_questions (
        guild_id integer not null,
        question_key text not null,
        question text not null,
        times integer not null,
        first_at real not null,
        last_at real not null,
        primary key (guild_id, question_key)
    );
    """,
    # 3: the audit log also records 'upgrade', a stored command rewritten for a new schema
    # (SQLite cannot change a check constraint: the table is copied, every id kept)
    """
    create table audit_log_new (
        id integer primary key autoincrement,
        guild_id integer not null,
        user_id integer not null,
        action text not null check (action in ('add', 'edit', 'remove', 'upgrade')),
        name text not null,
        before_toml text,
        after_toml text,
        at real not null
    );
    insert into audit_log_new (id, guild_id, user_id, action, name, before_toml, after_toml, at)
        select id, guild_id, user_id, action, name, before_toml, after_toml, at from audit_log;
    drop table audit_log;
    alter table audit_log_new rename to audit_log;
    create index audit_log_guild on audit_log (guild_id, id);
    """,
    # 4: description, chart.x/y/highlight and period-parameter defaults retired from the schema
    upgrade_stored_commands,
)
