"""The built-in catalog, compiled once and kept: a cold `immistats ask` loads it, not re-checks it.

Loading commands/ means parsing a hundred TOML files and comparing every name and alias with every
other: a few hundred milliseconds, most of a cold CLI run. The catalog only changes with those
files or with the code that reads them, so it is kept (pickled) under a digest of both, in the
cache folder; any change gives a new digest and the files are read again. The skipped files are
logged again on every load, as a fresh read would.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from pathlib import Path

from bot.engine.catalog import Catalog, load_catalog

log = logging.getLogger("immistats.catalog")

ENGINE_DIR = Path(__file__).resolve().parent


def catalog_digest(folder: Path) -> str:
    """A digest of every command file and of the engine code that reads and checks them."""
    digest = hashlib.sha256()
    for path in [*sorted(folder.glob("*.toml")), *sorted(ENGINE_DIR.glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def cached_catalog(folder: Path, cache_dir: Path | None) -> Catalog:
    """load_catalog(folder), from the cache when nothing it depends on has changed."""
    if cache_dir is None:
        return load_catalog(folder)
    path = cache_dir / f"catalog-{catalog_digest(folder)}.pickle"
    try:
        catalog = pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable or from other code: read the files again
        catalog = None
    if isinstance(catalog, Catalog):
        _log_skipped(catalog)
        return catalog
    catalog = load_catalog(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(pickle.dumps(catalog))
        partial.replace(path)
    except OSError as error:
        log.warning("could not keep the compiled catalog in %s: %s", path.parent, error)
    return catalog


def _log_skipped(catalog: Catalog) -> None:
    loaded = {command.path.name for command in catalog if command.path is not None}
    skipped: dict[str, list[str]] = {}
    for problem in catalog.problems:
        if problem.file not in loaded:
            skipped.setdefault(problem.file, []).append(str(problem))
    for file, reasons in skipped.items():
        log.warning("commands/%s skipped: %s", file, "; ".join(reasons))
