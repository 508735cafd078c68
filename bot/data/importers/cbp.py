"""CBP's encounter CSVs: the nationwide state-level file and the Southwest land border file.

Both are one row per fiscal year, month and a few breakdowns, read by one reader with two formats:
- "Nationwide Encounters" (nationwide-encounters-fy21-fy24-state.csv): land-border region, state,
  demographic, citizenship and title of authority; all CBP components (USBP + OFO) together.
- "Southwest Land Border Encounters" (sbo-encounters-fy22-fy25-aug.csv): component (USBP/OFO),
  demographic, citizenship group, title of authority and encounter type. CBP marks the year in
  progress as '2025 (FYTD)'; we keep the year.
Kept at the file's grain: sums are for queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.data.importers.common import CbpCsvFormat, raw_bytes, read_cbp_csv

_PERIOD = ("Fiscal Year", "Month Grouping", "Month (abbv)")


@dataclass(frozen=True)
class CbpFile:
    """One CBP CSV format and how its releases are named (file name -> source id)."""

    format: CbpCsvFormat
    name_pattern: re.Pattern[str]
    source_id: Callable[[re.Match[str]], str]

    @property
    def columns(self) -> list[str]:
        return self.format.columns

    @property
    def key(self) -> list[str]:
        return self.format.key

    def source_id_for(self, file_name: str) -> str | None:
        """CBP names each release by its fiscal years (and last month), and so do we."""
        match = self.name_pattern.fullmatch(file_name.lower())
        return self.source_id(match) if match else None

    def read(self, raw: bytes | Path, source_id: str, name: str | None = None) -> pd.DataFrame:
        """The file's rows in our columns; FormatError when it is not this CBP format."""
        data, file = raw_bytes(raw, name)
        return read_cbp_csv(data, file, source_id, self.format)


NATIONWIDE = CbpFile(
    format=CbpCsvFormat(
        header=(
            *_PERIOD,
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
    ),
    # A release before the year ends names its last month: nationwide-encounters-fy23-fy26-nov-state.csv
    name_pattern=re.compile(r"nationwide-encounters-fy(\d\d)-fy(\d\d)(?:-([a-z]+))?-state\.csv"),
    source_id=lambda m: f"cbp_nationwide_state_fy{m[1]}_fy{m[2]}{m[3] or ''}",
)

SOUTHWEST = CbpFile(
    format=CbpCsvFormat(
        header=(
            *_PERIOD,
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
    ),
    name_pattern=re.compile(r"sbo-encounters-fy(\d\d)-fy(\d\d)(?:-([a-z]+))?\.csv"),
    source_id=lambda m: f"cbp_sw_encounters_fy{m[1]}_fy{m[2]}{m[3] or ''}",
)
