"""Settings from the environment or a .env file: the token, the development server, the shards,
and where the databases go."""

import pytest

from bot import settings
from bot.settings import (
    SettingsError,
    database_setting,
    dev_guild_id,
    env_files,
    read_env_file,
    setting,
    sharding,
    state_path,
)

VARIABLES = (
    "IMMISTATS_HOME",
    "IMMISTATS_DB",
    "IMMISTATS_STATE",
    "DISCORD_TOKEN",
    "DISCORD_GUILD_ID",
    "SHARD_COUNT",
    "SHARD_IDS",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty working directory and IMMISTATS_HOME, and none of the bot's variables set."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IMMISTATS_HOME", str(tmp_path))
    return tmp_path


def test_env_file_lines_are_read_like_a_shell_would(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# the bot\nexport DISCORD_TOKEN='abc.def'\nDISCORD_GUILD_ID = 123\n\nnot a line\n"
        'QUOTED="x=y"\n',
        encoding="utf-8",
    )
    assert read_env_file(path) == {
        "DISCORD_TOKEN": "abc.def",
        "DISCORD_GUILD_ID": "123",
        "QUOTED": "x=y",
    }
    assert read_env_file(tmp_path / "missing.env") == {}


def test_the_environment_wins_over_the_env_file(home, monkeypatch):
    (home / ".env").write_text("DISCORD_TOKEN=from-file\n", encoding="utf-8")
    assert setting("DISCORD_TOKEN") == "from-file"
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    assert setting("DISCORD_TOKEN") == "from-env"
    monkeypatch.setenv("DISCORD_TOKEN", "  ")  # empty counts as unset
    assert setting("DISCORD_TOKEN") == "from-file"
    assert setting("DISCORD_GUILD_ID") is None


def test_shards_and_development_server(home, monkeypatch):
    assert (sharding().shard_count, sharding().shard_ids) == (None, None)
    assert dev_guild_id() is None
    monkeypatch.setenv("SHARD_COUNT", "6")
    monkeypatch.setenv("SHARD_IDS", "5,3,3")
    monkeypatch.setenv("DISCORD_GUILD_ID", "42")
    assert (sharding().shard_count, sharding().shard_ids) == (6, [3, 5])
    assert dev_guild_id() == 42


@pytest.mark.parametrize(
    ("count", "ids", "said"),
    [
        (None, "0,1", "SHARD_IDS needs SHARD_COUNT"),
        ("2", "0,2", "from 0 to 1"),
        ("two", None, "whole number"),
        ("0", None, "at least 1"),
    ],
)
def test_bad_shard_settings_are_one_clear_sentence(home, monkeypatch, count, ids, said):
    for name, value in (("SHARD_COUNT", count), ("SHARD_IDS", ids)):
        if value is not None:
            monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=said):
        sharding()


def test_the_state_database_sits_in_home_unless_immistats_state_moves_it(home):
    assert state_path() == home / "state" / "immistats-state.db"
    (home / ".env").write_text(f"IMMISTATS_STATE={home / 'elsewhere.db'}\n", encoding="utf-8")
    assert state_path() == home / "elsewhere.db"


def test_an_installed_copy_keeps_its_state_in_the_users_data_folder(home, monkeypatch):
    monkeypatch.delenv("IMMISTATS_HOME")
    monkeypatch.setattr(settings, "checkout_root", lambda: None)
    monkeypatch.setenv("HOME", str(home))
    assert state_path() == home / ".local" / "share" / "immistats" / "immistats-state.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    assert state_path() == home / "xdg" / "immistats" / "immistats-state.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the XDG rule: absolute paths only
    assert settings.user_data_dir() == home / ".local" / "share" / "immistats"


def test_immistats_home_comes_from_the_environment_or_the_working_folders_env(home, monkeypatch):
    elsewhere = home / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("DISCORD_GUILD_ID=7\n", encoding="utf-8")
    monkeypatch.delenv("IMMISTATS_HOME")
    (home / ".env").write_text(f"IMMISTATS_HOME={elsewhere}\n", encoding="utf-8")
    assert env_files() == [home / ".env", elsewhere / ".env"]
    assert dev_guild_id() == 7


def test_immistats_db_is_read_like_every_other_setting(home, monkeypatch):
    assert database_setting() is None
    (home / ".env").write_text("IMMISTATS_DB=~/stats.db\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    assert database_setting() == home / "stats.db"
