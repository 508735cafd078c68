"""CBP "Southwest Land Border Encounters" CSVs (e.g. sbo-encounters-fy22-fy25-aug.csv).

One row per fiscal year, month, component (USBP/OFO), demographic, citizenship group, title of
authority and encounter type. CBP marks the year in progress as '2025 (FYTD)'; we keep the year.
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
        "Component",
        "Demographic",
        "Citizenship Grouping",
        "Title of Authority",
        "Encounter Type",
        "Encounter Count",
    ),
    text_columns={
        "Component": "component",
        "Demographic": "demographic",
        "Citizenship Grouping": "citizenship",
        "Title of Authority": "title_of_authority",
        "Encounter Type": "encounter_type",
    },
)
COLUMNS = FORMAT.columns
KEY = FORMAT.key

_FILE_NAME = re.compile(r"sbo-encounters-fy(\d\d)-fy(\d\d)(?:-([a-z]+))?\.csv")


def source_id_for(file_name: str) -> str | None:
    """sbo-encounters-fy22-fy25-aug.csv -> cbp_sw_encounters_fy22_fy25aug (years and last month)."""
    match = _FILE_NAME.fullmatch(file_name.lower())
    if not match:
        return None
    return f"cbp_sw_encounters_fy{match[1]}_fy{match[2]}{match[3] or ''}"


def read(raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
    """The file's rows in our columns (COLUMNS); FormatError when it is not CBP's format."""
    data, file = raw_bytes(raw, name)
    return read_cbp_csv(data, file, source_id, FORMAT)
