"""CBP "Nationwide Encounters" state-level CSVs (e.g. nationwide-encounters-fy21-fy24-state.csv).

One row per fiscal year, month, land-border region, state, demographic, citizenship and title of
authority; all CBP components (USBP + OFO) together. Kept at that grain: sums are for queries.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bot.data.importers.common import CbpCsvFormat, raw_bytes, read_cbp_csv

FORMAT = CbpCsvFormat(
    header=(
        "Fiscal Year",
        "Month Grouping",
        "Month (abbv)",
        "Land Border Region",
        "State",
        "Demographic",
        "Citizenship",
        "Title of Authority",
        "Encounter Count",
    ),
    text_columns={
        "Land Border Region": "land_border_region",
        "State": "state",
        "Demographic": "demographic",
        "Citizenship": "citizenship",
        "Title of Authority": "title_of_authority",
    },
)
COLUMNS = FORMAT.columns
KEY = FORMAT.key

_FILE_NAME = re.compile(r"nationwide-encounters-fy(\d\d)-fy(\d\d)-state\.csv")


def source_id_for(file_name: str) -> str | None:
    """CBP names each release by its fiscal years, and so do we: fy21-fy24 -> ..._fy21_fy24."""
    match = _FILE_NAME.fullmatch(file_name.lower())
    return f"cbp_nationwide_state_fy{match[1]}_fy{match[2]}" if match else None


def read(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """The file's rows in our columns (COLUMNS); FormatError when it is not CBP's format."""
    data, file = raw_bytes(raw, name)
    return read_cbp_csv(data, file, source_id, FORMAT)
