"""What members leave in the state store: questions nothing answered and reports of answers that
look wrong. Neither keeps a member's id; both are kept `keep_days` after they were last made."""

import json

from bot.guilds.records import MAX_QUESTION_KEPT, MAX_REASON, Report, Wanted, question_key
from bot.guilds.state_access import StateAccess
from bot.guilds.state_backend import Connection


class NotesState(StateAccess):
    """Questions nothing answered (for /commands wanted) and members' reports."""

    def record_unanswered(self, guild_id: int, question: str) -> None:
        key = question_key(question)
        if not key:
            return
        now = self.clock()
        with self._backend.transaction() as conn:
            self._forget_expired(conn)
            conn.execute(
                "insert into wanted_questions values (?, ?, ?, 1, ?, ?) "
                "on conflict (guild_id, question_key) do update set "
                "times = wanted_questions.times + 1, last_at = excluded.last_at, "
                "question = excluded.question",
                (guild_id, key, question.strip()[:MAX_QUESTION_KEPT], now, now),
            )

    def wanted(self, guild_id: int, limit: int = 20) -> list[Wanted]:
        rows = self._read(
            "select question, times, last_at from wanted_questions "
            "where guild_id = ? and last_at >= ? order by times desc, last_at desc limit ?",
            (guild_id, self._expired_before(), limit),
        )
        return [Wanted(*row) for row in rows]

    def forget_expired(self) -> None:
        """Remove the questions and reports older than `keep_days`: done at every start and with
        every new question or report; reads never show an expired one meanwhile."""
        with self._backend.transaction() as conn:
            self._forget_expired(conn)

    def _forget_expired(self, conn: Connection) -> None:
        before = self._expired_before()
        conn.execute("delete from wanted_questions where last_at < ?", (before,))
        conn.execute("delete from reports where at < ?", (before,))

    def add_report(
        self,
        guild_id: int | None,
        *,
        command: str,
        params: dict[str, object],
        data_version: str,
        question: str,
        reason: str,
    ) -> int:
        """Store a report; its number, for the member's thanks and the maintainers' list."""
        with self._backend.transaction() as conn:
            self._forget_expired(conn)
            row = conn.execute(
                "insert into reports (guild_id, command, params, data_version, question, "
                "reason, at) values (?, ?, ?, ?, ?, ?, ?) returning id",
                (
                    guild_id,
                    command,
                    json.dumps(params, sort_keys=True, default=str),
                    data_version,
                    question.strip()[:MAX_QUESTION_KEPT],
                    reason.strip()[:MAX_REASON],
                    self.clock(),
                ),
            ).fetchone()
        return row[0]

    def reports(self, guild_id: int | None = None, limit: int = 20) -> list[Report]:
        """The newest reports first: one server's, or every server's (guild_id None)."""
        where = "at >= ?" if guild_id is None else "at >= ? and guild_id = ?"
        params: tuple = (self._expired_before(),)
        if guild_id is not None:
            params += (guild_id,)
        rows = self._read(
            "select id, guild_id, command, params, data_version, question, reason, at "
            f"from reports where {where} order by id desc limit ?",
            (*params, limit),
        )
        return [Report(r[0], r[1], r[2], json.loads(r[3]), *r[4:]) for r in rows]
