"""A Datasette-style metadata.json, so `datasette immistats.db -m metadata.json` shows the sources too."""

import json
from pathlib import Path

import pandas as pd

from bot.data.files import ALL_FILES

TITLE = "immistats: U.S. immigration statistics with their sources"


def build_metadata(frames: dict[str, pd.DataFrame]) -> dict:
    """Per table: title, description and the publications its rows come from."""
    sources = frames["sources"].set_index("id")
    tables = {}
    for spec in ALL_FILES:
        entry = {"title": spec.title, "description": spec.description}
        frame = frames[spec.table]
        if "source_id" in frame.columns:
            used = sources.loc[sorted(set(frame["source_id"]))]
            entry["source"] = "; ".join(f"{r.publisher}: {r.title}" for r in used.itertuples())
            entry["source_url"] = used["url"].iloc[0]
        else:
            entry["source"] = "immistats (see the sources table for every publication)"
        tables[spec.table] = entry
    return {
        "title": TITLE,
        "description": "Every figure carries its source, definition and flags; built by `immistats build`.",
        "source": "CBP, DHS OHSS, EOIR, TRAC, Census and others (see the sources table)",
        "databases": {"immistats": {"tables": tables}},
    }


def write(frames: dict[str, pd.DataFrame], path: Path) -> None:
    path.write_text(json.dumps(build_metadata(frames), indent=2, sort_keys=True) + "\n")
