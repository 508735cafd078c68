"""Where the project's files live: the repository root, or IMMISTATS_HOME when set."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def home() -> Path:
    """The folder holding data/ and commands/; the bot runs from a clone, so this is the repo root."""
    override = os.environ.get("IMMISTATS_HOME")
    return Path(override).resolve() if override else PACKAGE_DIR.parent


def data_dir() -> Path:
    return home() / "data"


def commands_dir() -> Path:
    return home() / "commands"


def database_path() -> Path:
    """The built statistics database; IMMISTATS_DB moves it (tests build into a temp folder)."""
    override = os.environ.get("IMMISTATS_DB")
    return Path(override).resolve() if override else home() / "immistats.db"
