"""What each `immistats data import KIND` means: reader, output table, official URLs, source ids.

A moderator adds a new release by pointing the import at it; the registry decides which reader
understands it, where its table goes in data/, and which source id (row of sources.csv) it gets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bot.data.importers import ohss_khsm, ohss_monthly, usbp_pdf
from bot.data.importers.cbp import NATIONWIDE, SOUTHWEST
from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir.kind import EOIR_CASE_DATA, CaseDataKind

Reader = Callable[[bytes | Path, str, str | None], pd.DataFrame]

# Releases we know by name (file name -> source id in sources.csv). Later CBP releases named the
# same way get an id by the same rule (see source_id_for in each reader).
KNOWN_SOURCE_IDS = {
    "nationwide-encounters-fy20-fy23-state.csv": "cbp_nationwide_state_fy20_fy23",
    "nationwide-encounters-fy21-fy24-state.csv": "cbp_nationwide_state_fy21_fy24",
    "sbo-encounters-fy22-fy25-aug.csv": "cbp_sw_encounters_fy22_fy25aug",
}


@dataclass(frozen=True)
class ImportKind:
    """One importable table: how to read its source files and where the result is written."""

    name: str
    title: str
    reader: Reader
    output: str  # file name in data/
    columns: list[str]
    key: list[str]
    page: str  # the publisher's landing page for the data
    urls: tuple[str, ...] = ()  # official file URLs used when no source is given
    source_id: str | None = None  # one id whatever the file is called
    name_rule: Callable[[str], str | None] | None = None  # file name -> id, for dated releases
    many_files: bool = False  # several releases may be combined (newest wins per fiscal year)

    def source_id_for(self, file_name: str) -> str:
        """The source id of a file; a CBP release must be named as CBP names it."""
        if self.source_id:
            return self.source_id
        found = KNOWN_SOURCE_IDS.get(file_name.lower())
        if not found and self.name_rule:
            found = self.name_rule(file_name)
        if not found:
            known = ", ".join(n for n in KNOWN_SOURCE_IDS if self.name_rule and self.name_rule(n))
            raise ImportFailed(
                f"{file_name}: cannot tell which {self.title} release this is from its name; "
                f"keep CBP's file name (e.g. {known})"
            )
        return found

    def default_sources(self) -> list[str]:
        """The official URLs, or a plain explanation of why a path or URL must be given."""
        if not self.urls:
            raise ImportFailed(
                f"no stable official file URL is known for {self.name!r}; download the file "
                f"from {self.page} and run: immistats data import {self.name} PATH_OR_URL"
            )
        return list(self.urls)


_KINDS = (
    ImportKind(
        name="cbp-nationwide",
        title="CBP nationwide encounters (state)",
        reader=NATIONWIDE.read,
        output="cbp_encounters_monthly.csv.gz",
        columns=NATIONWIDE.columns,
        key=NATIONWIDE.key,
        page="https://www.cbp.gov/newsroom/stats/nationwide-encounters",
        urls=(
            "https://www.cbp.gov/sites/default/files/assets/documents/2023-Nov/"
            "nationwide-encounters-fy20-fy23-state.csv",
            "https://www.cbp.gov/sites/default/files/2024-10/nationwide-encounters-fy21-fy24-state.csv",
        ),
        name_rule=NATIONWIDE.source_id_for,
        many_files=True,
    ),
    ImportKind(
        name="cbp-southwest",
        title="CBP Southwest land border encounters",
        reader=SOUTHWEST.read,
        output="cbp_southwest_monthly.csv.gz",
        columns=SOUTHWEST.columns,
        key=SOUTHWEST.key,
        page="https://www.cbp.gov/document/stats/southwest-land-border-encounters",
        name_rule=SOUTHWEST.source_id_for,
        many_files=True,
    ),
    ImportKind(
        name="usbp-pdf",
        title="USBP monthly encounters FY2000-FY2020 (PDF)",
        reader=usbp_pdf.read,
        output="usbp_monthly_by_region_fy2000_fy2020.csv",
        columns=usbp_pdf.COLUMNS,
        key=usbp_pdf.KEY,
        # The 2021-Aug file URL under /assets/documents/ is not verified, so none is assumed.
        page="https://www.cbp.gov/document/stats/us-border-patrol-monthly-encounters-fy-2000-fy-2020",
        source_id="cbp_usbp_monthly_fy2000_fy2020_pdf",
    ),
    ImportKind(
        name="ohss-citizenship",
        title="OHSS KHSM USBP encounters by region and citizenship",
        reader=ohss_khsm.read_citizenship,
        output="usbp_ohss_monthly_citizenship.csv.gz",
        columns=ohss_khsm.CITIZENSHIP.columns,
        key=ohss_khsm.CITIZENSHIP.key,
        page="https://ohss.dhs.gov/khsm/cbp-encounters",
        source_id="ohss_khsm_usbp_encounters",
    ),
    ImportKind(
        name="ohss-sector",
        title="OHSS KHSM USBP encounters by region and sector",
        reader=ohss_khsm.read_sector,
        output="usbp_ohss_monthly_sector.csv.gz",
        columns=ohss_khsm.SECTOR.columns,
        key=ohss_khsm.SECTOR.key,
        page="https://ohss.dhs.gov/khsm/cbp-encounters",
        source_id="ohss_khsm_usbp_encounters",
    ),
    ImportKind(
        name="ohss-repatriations",
        title="OHSS monthly tables: DHS removals, returns and expulsions by month",
        reader=ohss_monthly.read,
        output="ohss_dhs_repatriations_monthly.csv",
        columns=ohss_monthly.COLUMNS,
        key=ohss_monthly.KEY,
        page=(
            "https://ohss.dhs.gov/topics/immigration/immigration-enforcement/"
            "immigration-enforcement-and-legal-processes-monthly"
        ),
        name_rule=ohss_monthly.source_id_for,
    ),
)
# eoir-case-data streams a multi-gigabyte release into several tables, so bot/cli/building.py runs it
# through bot.data.importers.eoir.importer rather than run_import (and get() does not return it).
KINDS: dict[str, ImportKind | CaseDataKind] = {
    kind.name: kind for kind in (*_KINDS, EOIR_CASE_DATA)
}


def get(name: str) -> ImportKind:
    """The import kind called `name`; ImportFailed lists the known ones otherwise."""
    try:
        kind = KINDS[name]
    except KeyError:
        raise ImportFailed(
            f"unknown import kind {name!r}; known kinds: {', '.join(KINDS)}"
        ) from None
    if not isinstance(kind, ImportKind):
        raise ImportFailed(f"{name} is imported by `immistats data import {name}` only")
    return kind
