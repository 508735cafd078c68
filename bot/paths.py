"""Where the project's files live, from the settings.

data/ and commands/ come from IMMISTATS_HOME when set, else from the clone the package runs from,
else from the copy shipped inside an installed package (pyproject.toml maps the repository's
top-level data/ and commands/ to bot/shipped/). The built database sits beside them in a clone or
IMMISTATS_HOME, as it always has; an installed copy may be read-only, so its database goes to the
per-user cache folder instead. IMMISTATS_DB moves it anywhere.
"""

from pathlib import Path

from bot import settings

SHIPPED = settings.PACKAGE_DIR / "shipped"


def _has_files(folder: Path) -> bool:
    return (folder / "data").is_dir() and (folder / "commands").is_dir()


def home() -> Path:
    """The folder holding data/ and commands/; a SettingsError (one line) when there is none."""
    if (override := settings.home_setting()) is not None:
        if not _has_files(override):
            raise settings.SettingsError(
                f"IMMISTATS_HOME ({override}) has no data/ and commands/ folders"
            )
        return override
    for folder in (settings.checkout_root(), SHIPPED):
        if folder is not None and _has_files(folder):
            return folder
    raise settings.SettingsError(
        "cannot find the data/ and commands/ folders: set IMMISTATS_HOME to a folder that has "
        "both, such as a clone of the repository"
    )


def data_dir() -> Path:
    return home() / "data"


def commands_dir() -> Path:
    return home() / "commands"


def database_path() -> Path:
    """The built statistics database: IMMISTATS_DB, else beside data/ in a clone or IMMISTATS_HOME,
    else the per-user cache folder."""
    if (override := settings.database_setting()) is not None:
        return override
    folder = settings.own_folder() or settings.user_cache_dir()
    return folder / "immistats.db"
