"""Every setting the project reads, in one place: the environment first, then a `.env` file, so a
token never lives in the repo.

Variables: IMMISTATS_HOME, IMMISTATS_DB, IMMISTATS_STATE, IMMISTATS_CACHE,
IMMISTATS_ANSWER_THREADS, IMMISTATS_CATALOGS_CACHED, DISCORD_TOKEN, DISCORD_GUILD_ID,
SHARD_COUNT, SHARD_IDS, and the per-user folders XDG_CACHE_HOME and XDG_DATA_HOME. Where the
data/ and commands/ folders are is worked out from these in `bot.paths`.

A tiny reader (KEY=VALUE lines, # comments, optional quotes and `export`) instead of a dependency.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


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


def _from(name: str, files: list[Path]) -> str | None:
    """The environment wins over the files, in order; an empty value counts as unset."""
    if value := os.environ.get(name, "").strip():
        return value
    for path in files:
        if value := read_env_file(path).get(name, "").strip():
            return value
    return None


def checkout_root() -> Path | None:
    """The clone the package runs from (an editable install, the tests), or None when the package
    is installed in site-packages, whose parent folder is not ours to write to."""
    root = PACKAGE_DIR.parent
    return root if (root / "pyproject.toml").is_file() else None


def home_setting() -> Path | None:
    """IMMISTATS_HOME, from the environment or the working directory's .env only: it says where
    the other .env file is, so it cannot come from that one."""
    text = _from("IMMISTATS_HOME", [Path.cwd() / ".env"])
    return Path(text).expanduser().resolve() if text else None


def own_folder() -> Path | None:
    """IMMISTATS_HOME or the clone: a folder of the user's own, so the built database, the state
    and a .env file sit there. None for an installed copy (see `user_cache_dir` and `user_data_dir`)."""
    return home_setting() or checkout_root()


def env_files() -> list[Path]:
    """The working directory's .env, then the one in IMMISTATS_HOME (or the clone's root)."""
    files = [Path.cwd() / ".env"]
    if (folder := own_folder()) is not None:
        files.append(folder / ".env")
    return list(dict.fromkeys(files))


def setting(name: str) -> str | None:
    """The environment wins over .env files; an empty value counts as unset."""
    return _from(name, env_files())


def _path_setting(name: str) -> Path | None:
    text = setting(name)
    return Path(text).expanduser().resolve() if text else None


def database_setting() -> Path | None:
    """IMMISTATS_DB: where the built statistics database goes instead (tests build into tmp)."""
    return _path_setting("IMMISTATS_DB")


def _user_folder(variable: str, default: str) -> Path:
    """A per-user folder by the XDG convention, with immistats' own subfolder."""
    text = os.environ.get(variable, "").strip()
    base = Path(text) if os.path.isabs(text) else Path.home() / default
    return base / "immistats"


def user_cache_dir() -> Path:
    """$XDG_CACHE_HOME/immistats or ~/.cache/immistats: the installed copy's built database,
    which can always be rebuilt from the shipped data/."""
    return _user_folder("XDG_CACHE_HOME", ".cache")


def user_data_dir() -> Path:
    """$XDG_DATA_HOME/immistats or ~/.local/share/immistats: the installed copy's state database,
    which holds moderators' work and must not be thrown away like a cache."""
    return _user_folder("XDG_DATA_HOME", ".local/share")


def state_path() -> Path:
    """IMMISTATS_STATE: the bot's own writable database (guild commands, audit log, wanted
    questions), kept apart from the read-only statistics database."""
    if (path := _path_setting("IMMISTATS_STATE")) is not None:
        return path
    if (folder := own_folder()) is not None:
        return folder / "state" / "immistats-state.db"
    return user_data_dir() / "immistats-state.db"


POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
KEEP_QUESTIONS_DAYS = 90


def state_url() -> str | None:
    """IMMISTATS_STATE_URL: a postgresql:// URL puts the state in PostgreSQL, so that several bot
    processes (shards, machines) share it; unset, the state is the SQLite file of `state_path`."""
    url = setting("IMMISTATS_STATE_URL")
    if url is not None and not url.startswith(POSTGRESQL_SCHEMES):
        raise SettingsError("IMMISTATS_STATE_URL must start with postgresql://")
    return url


def state_location() -> Path | str:
    """Where the state store is: the PostgreSQL URL when set, else the SQLite file."""
    return state_url() or state_path()


def keep_questions_days() -> int:
    """IMMISTATS_KEEP_QUESTIONS_DAYS: how long members' questions are kept (those nothing
    answered, and those quoted in a report of a wrong-looking answer); 90 days unless set."""
    text = setting("IMMISTATS_KEEP_QUESTIONS_DAYS")
    days = _integer("IMMISTATS_KEEP_QUESTIONS_DAYS", text) if text else KEEP_QUESTIONS_DAYS
    if days < 1:
        raise SettingsError("IMMISTATS_KEEP_QUESTIONS_DAYS must be at least 1")
    return days


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


def cache_dir() -> Path:
    """IMMISTATS_CACHE: drawn charts (one folder per data version) and the marks of checked server
    commands; by default beside the state database. Safe to delete: all of it is made again."""
    return _path_setting("IMMISTATS_CACHE") or state_path().parent / "cache"


def answer_threads() -> int:
    """IMMISTATS_ANSWER_THREADS: threads answering at once (each with its own database
    connection); by default one per core: charts are drawn and waited for elsewhere, and more
    threads running Python only take the event loop's turns (loop lag p99 ~200 ms at 4 threads
    against ~40 ms at 2 on 2 cores, bench/discord_load.py)."""
    text = setting("IMMISTATS_ANSWER_THREADS")
    count = _integer("IMMISTATS_ANSWER_THREADS", text) if text else os.cpu_count() or 1
    if count == 0:
        raise SettingsError("IMMISTATS_ANSWER_THREADS must be at least 1")
    return count


def catalogs_cached() -> int:
    """IMMISTATS_CATALOGS_CACHED: servers whose compiled catalogs stay in memory (least recently
    used dropped first; a dropped one is loaded again from the state database, not re-checked)."""
    text = setting("IMMISTATS_CATALOGS_CACHED")
    return _integer("IMMISTATS_CATALOGS_CACHED", text) if text else 500
