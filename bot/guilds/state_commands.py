"""A server's own commands in the state store, and the audit log of every change to them."""

from bot.guilds.records import AuditEntry, GuildCommand, StateError
from bot.guilds.state_access import StateAccess
from bot.guilds.state_backend import Connection


class CommandsState(StateAccess):
    """Add, edit and remove a server's commands; each change is written with its audit entry in
    the same transaction."""

    def commands(self, guild_id: int) -> list[GuildCommand]:
        rows = self._read(
            "select guild_id, name, toml, updated_by, updated_at from guild_commands "
            "where guild_id = ? order by name",
            (guild_id,),
        )
        return [GuildCommand(*row) for row in rows]

    def command(self, guild_id: int, name: str) -> GuildCommand | None:
        rows = self._read(
            "select guild_id, name, toml, updated_by, updated_at from guild_commands "
            "where guild_id = ? and name = ?",
            (guild_id, name),
        )
        return GuildCommand(*rows[0]) if rows else None

    def add(self, guild_id: int, name: str, toml: str, user_id: int) -> None:
        now = self.clock()
        with self._change(guild_id) as conn:
            if self._exists(conn, guild_id, name):
                raise StateError(f"this server already has a command named '{name}'")
            conn.execute(
                "insert into guild_commands values (?, ?, ?, ?, ?, ?, ?)",
                (guild_id, name, toml, user_id, now, user_id, now),
            )
            self._audit(conn, guild_id, user_id, "add", name, None, toml, now)

    def edit(self, guild_id: int, name: str, toml: str, user_id: int) -> None:
        now = self.clock()
        with self._change(guild_id) as conn:
            before = self._toml(conn, guild_id, name)
            conn.execute(
                "update guild_commands set toml = ?, updated_by = ?, updated_at = ? "
                "where guild_id = ? and name = ?",
                (toml, user_id, now, guild_id, name),
            )
            self._audit(conn, guild_id, user_id, "edit", name, before, toml, now)

    def remove(self, guild_id: int, name: str, user_id: int) -> None:
        now = self.clock()
        with self._change(guild_id) as conn:
            before = self._toml(conn, guild_id, name)
            conn.execute(
                "delete from guild_commands where guild_id = ? and name = ?", (guild_id, name)
            )
            self._audit(conn, guild_id, user_id, "remove", name, before, None, now)

    def history(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        rows = self._read(
            "select id, guild_id, user_id, action, name, before_toml, after_toml, at "
            "from audit_log where guild_id = ? order by id desc limit ?",
            (guild_id, limit),
        )
        return [AuditEntry(*row) for row in rows]

    @staticmethod
    def _exists(conn: Connection, guild_id: int, name: str) -> bool:
        return bool(
            conn.execute(
                "select 1 from guild_commands where guild_id = ? and name = ?", (guild_id, name)
            ).fetchone()
        )

    @staticmethod
    def _toml(conn: Connection, guild_id: int, name: str) -> str:
        row = conn.execute(
            "select toml from guild_commands where guild_id = ? and name = ?", (guild_id, name)
        ).fetchone()
        if row is None:
            raise StateError(f"this server has no command named '{name}'")
        return row[0]

    @staticmethod
    def _audit(
        conn: Connection,
        guild_id: int,
        user_id: int,
        action: str,
        name: str,
        before: str | None,
        after: str | None,
        at: float,
    ) -> None:
        conn.execute(
            "insert into audit_log (guild_id, user_id, action, name, before_toml, after_toml, at) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, user_id, action, name, before, after, at),
        )
