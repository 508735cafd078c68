"""The bot's settings: the environment first, then a `.env` file, so a token never lives in the repo.

A tiny reader (KEY=VALUE lines, # comments, optional quotes and `export`) instead of a dependency.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from bot import paths


class SettingsError(ValueError):
    """A setting that cannot be used; the message is one line for the person running the bot."""


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE pairs from a .env file; lines that are not assignments are ignored."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return values
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("export "):
            line = line[len("export ") :].strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def env_files() -> list[Path]:
    """The working directory's .env, then the one in IMMISTATS_HOME (or the repository root)."""
    return list(dict.fromkeys([Path.cwd() / ".env", paths.home() / ".env"]))


def setting(name: str) -> str | None:
    """The environment wins over .env files; an empty value counts as unset."""
    if value := os.environ.get(name, "").strip():
        return value
    for path in env_files():
        if value := read_env_file(path).get(name, "").strip():
            return value
    return None


@dataclass(frozen=True)
class Sharding:
    """SHARD_COUNT and SHARD_IDS let several processes split the shards; both unset = automatic."""

    shard_count: int | None = None
    shard_ids: list[int] | None = None


def _integer(name: str, text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {text!r}") from None
    if number < 0:
        raise SettingsError(f"{name} must not be negative")
    return number


def sharding() -> Sharding:
    count_text, ids_text = setting("SHARD_COUNT"), setting("SHARD_IDS")
    count = _integer("SHARD_COUNT", count_text) if count_text else None
    if count == 0:
        raise SettingsError("SHARD_COUNT must be at least 1")
    if not ids_text:
        return Sharding(count, None)
    if count is None:
        raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total number of shards) as well")
    ids = [_integer("SHARD_IDS", part.strip()) for part in ids_text.split(",") if part.strip()]
    if not ids or any(i >= count for i in ids):
        raise SettingsError(f"SHARD_IDS must list shard numbers from 0 to {count - 1}")
    return Sharding(count, sorted(set(ids)))


def dev_guild_id() -> int | None:
    """DISCORD_GUILD_ID: a test server that gets the commands at once, at every start."""
    text = setting("DISCORD_GUILD_ID")
    return _integer("DISCORD_GUILD_ID", text) if text else None


def state_path() -> Path:
    """IMMISTATS_STATE: the bot's own writable database (guild commands, audit log, wanted
    questions), kept apart from the read-only statistics database."""
    text = setting("IMMISTATS_STATE")
    return Path(text).expanduser() if text else paths.home() / "state" / "immistats-state.db"
