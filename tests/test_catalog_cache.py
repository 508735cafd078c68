"""The built-in catalog is compiled once and kept; any change to the command files reads them again."""

import logging
import shutil
from pathlib import Path

from bot import paths
from bot.engine.catalog import load_catalog
from bot.engine.catalog_cache import cached_catalog


def test_the_kept_catalog_is_the_catalog_and_follows_the_files(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "commands"
    shutil.copytree(paths.commands_dir(), folder)
    cache = tmp_path / "cache"
    fresh = load_catalog(folder)
    first = cached_catalog(folder, cache)
    kept = cached_catalog(folder, cache)
    assert len(list(cache.glob("catalog-*.pickle"))) == 1
    assert kept.commands == first.commands == fresh.commands
    assert kept.problems == fresh.problems

    name = sorted(fresh.commands)[0]
    path = fresh.commands[name].path
    assert path is not None
    (folder / path.name).unlink()
    (folder / "broken.toml").write_text("name = [\n")
    with caplog.at_level(logging.WARNING):
        changed = cached_catalog(folder, cache)
        again = cached_catalog(folder, cache)
    assert name not in changed.commands and name not in again.commands
    skipped = [r.getMessage() for r in caplog.records if "broken.toml skipped" in r.getMessage()]
    assert len(skipped) == 2  # logged when read and again when loaded from the cache


def test_an_unreadable_cache_only_means_reading_the_files(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached_catalog(paths.commands_dir(), cache)
    for kept in cache.glob("catalog-*.pickle"):
        kept.write_bytes(b"not a pickle")
    assert (
        cached_catalog(paths.commands_dir(), cache).commands
        == load_catalog(paths.commands_dir()).commands
    )
