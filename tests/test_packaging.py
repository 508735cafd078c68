"""A plain `pip install .` works outside the clone: every package ships, data/ and commands/ ship
inside the package, and the database goes to a writable folder. (.ci/run installs the wheel into
a second virtualenv and asks a question from /tmp; these tests catch the same mistakes sooner.)"""

import tomllib

import pytest

from bot import __version__, cli, paths, settings
from tests.conftest import ROOT

SHIPPED = {"bot.shipped.data": "data", "bot.shipped.commands": "commands"}


@pytest.fixture
def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def test_every_package_under_bot_is_listed_and_nothing_else(setuptools_config):
    """pyproject.toml lists packages by hand (setuptools cannot add mapped folders to `find`)."""
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "bot").rglob("__init__.py")
    }
    assert {"bot.app.cogs", "bot.data.importers"} <= on_disk
    assert set(setuptools_config["packages"]) == on_disk | set(SHIPPED)


def test_data_and_commands_ship_inside_the_package(setuptools_config):
    assert setuptools_config["package-dir"] == SHIPPED
    for package, folder in SHIPPED.items():
        assert (ROOT / folder).is_dir()
        assert setuptools_config["package-data"][package] == ["*"]


def test_the_version_comes_from_the_package_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert __version__ == project["version"]


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The package as site-packages holds it: no clone around it, its own shipped copy of data/
    and commands/, and a home folder with no settings."""
    for name in ("IMMISTATS_HOME", "IMMISTATS_DB", "IMMISTATS_STATE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(settings, "checkout_root", lambda: None)
    shipped = tmp_path / "site-packages" / "bot" / "shipped"
    monkeypatch.setattr(paths, "SHIPPED", shipped)
    return shipped


def test_an_installed_copy_reads_the_shipped_files_and_builds_into_the_user_cache(
    installed, tmp_path, monkeypatch
):
    (installed / "data").mkdir(parents=True)
    (installed / "commands").mkdir()
    assert paths.data_dir() == installed / "data"
    assert paths.commands_dir() == installed / "commands"
    assert paths.database_path() == tmp_path / ".cache" / "immistats" / "immistats.db"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert paths.database_path() == tmp_path / "cache" / "immistats" / "immistats.db"
    monkeypatch.setenv("IMMISTATS_DB", str(tmp_path / "mine.db"))
    assert paths.database_path() == tmp_path / "mine.db"


def test_a_clone_keeps_the_database_at_its_root(monkeypatch):
    for name in ("IMMISTATS_HOME", "IMMISTATS_DB"):
        monkeypatch.delenv(name, raising=False)
    assert paths.home() == ROOT
    assert paths.database_path() == ROOT / "immistats.db"


def test_immistats_home_wins_over_the_shipped_copy(installed, tmp_path, monkeypatch):
    (installed / "data").mkdir(parents=True)
    (installed / "commands").mkdir()
    monkeypatch.setenv("IMMISTATS_HOME", str(ROOT))
    assert paths.data_dir() == ROOT / "data"
    assert paths.database_path() == ROOT / "immistats.db"


@pytest.mark.parametrize("home_setting", [None, "empty"])
def test_without_data_and_commands_the_cli_says_so_in_one_line(
    installed, tmp_path, capsys, monkeypatch, home_setting
):
    if home_setting:
        (tmp_path / home_setting).mkdir()
        monkeypatch.setenv("IMMISTATS_HOME", str(tmp_path / home_setting))
    assert cli.main(["ask", "terminations in 2023"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("immistats: ")
    assert "data/ and commands/" in err
