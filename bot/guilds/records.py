"""What the state store holds, as the rest of the bot sees it: plain records, no database."""

from dataclasses import dataclass

MAX_QUESTION_KEPT = 300  # characters of a member's question kept for /commands wanted, reports
MAX_REASON = 300  # characters of a report's reason


class StateError(Exception):
    """A change that cannot be made (unknown command, name taken); the message is for moderators."""


@dataclass(frozen=True)
class GuildCommand:
    guild_id: int
    name: str
    toml: str
    updated_by: int
    updated_at: float


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    user_id: int
    action: str  # add, edit, remove; or upgrade, the bot's own rewrite for a new schema
    name: str
    before_toml: str | None
    after_toml: str | None
    at: float


@dataclass(frozen=True)
class Report:
    """A member's "this looks wrong": which answer, and why; never who said it."""

    id: int
    guild_id: int | None  # None: asked in a direct message
    command: str
    params: dict[str, object]
    data_version: str
    question: str
    reason: str
    at: float


@dataclass(frozen=True)
class Forgotten:
    """How much of a server's state /commands forget-server removed."""

    commands: int
    audit_entries: int
    wanted_questions: int
    reports: int


@dataclass(frozen=True)
class Wanted:
    question: str
    times: int
    last_at: float


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing or punctuation count as one."""
    kept = "".join(ch.lower() if ch.isalnum() else " " for ch in question)
    return " ".join(kept.split())[:MAX_QUESTION_KEPT]
