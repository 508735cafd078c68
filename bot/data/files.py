"""The shipped data files: their names, columns and keys.

One place describes every file under data/, so ingest and validation agree.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TableFile:
    """A data file that becomes one table: which columns it must have and which make a row unique."""

    file: str
    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    integer_columns: tuple[str, ...] = ()
    title: str = ""
    description: str = ""


SOURCES = TableFile(
    file="sources.csv",
    table="sources",
    columns=("id", "publisher", "title", "url", "date", "kind", "notes"),
    key=("id",),
    title="Sources",
    description="One row per publication behind the figures: publisher, title, link, data date, kind.",
)

METRICS = TableFile(
    file="metrics.csv",
    table="metrics",
    columns=("id", "topic", "label", "unit", "definition", "caveats", "preferred_source"),
    key=("id",),
    title="Metrics",
    description="What each metric counts, in plain words, with its caveats.",
)

FIGURES = TableFile(
    file="figures.csv",
    table="figures",
    columns=(
        "metric",
        "period",
        "as_of",
        "partial_through",
        "geography",
        "value",
        "source_id",
        "flags",
        "notes",
    ),
    key=("metric", "period", "as_of", "geography", "source_id"),
    title="Figures",
    description=(
        "Annual, monthly and point-in-time figures, one row per figure and source; where sources "
        "or versions disagree, each keeps its own row."
    ),
)

VOCABULARY = TableFile(
    file="vocabulary.csv",
    table="vocabulary",
    columns=("phrase", "kind", "meaning"),
    key=("phrase", "kind"),
    title="Vocabulary",
    description=(
        "Words the reader knows beyond the commands' own: states, countries with demonyms, places "
        "below the state level, topics without figures here, operations and filler words."
    ),
)

MONTHLY_TABLES: tuple[TableFile, ...] = (
    TableFile(
        file="cbp_encounters_monthly.csv.gz",
        table="cbp_encounters_monthly",
        columns=(
            "fiscal_year",
            "month",
            "land_border_region",
            "state",
            "demographic",
            "citizenship",
            "title_of_authority",
            "encounters",
            "source_id",
        ),
        key=(
            "month",
            "land_border_region",
            "state",
            "demographic",
            "citizenship",
            "title_of_authority",
        ),
        integer_columns=("fiscal_year", "encounters"),
        title="CBP encounters by month, nationwide",
        description=(
            "CBP nationwide encounters (USBP apprehensions, OFO inadmissibles, Title 42 "
            "expulsions) by month, land-border region, state, demographic, citizenship and title "
            "of authority, FY2020-FY2024, from CBP's nationwide encounters (state) CSV files."
        ),
    ),
    TableFile(
        file="cbp_southwest_monthly.csv.gz",
        table="cbp_southwest_monthly",
        columns=(
            "fiscal_year",
            "month",
            "component",
            "demographic",
            "citizenship",
            "title_of_authority",
            "encounter_type",
            "encounters",
            "source_id",
        ),
        key=(
            "month",
            "component",
            "demographic",
            "citizenship",
            "title_of_authority",
            "encounter_type",
        ),
        integer_columns=("fiscal_year", "encounters"),
        title="CBP encounters by month, Southwest land border",
        description=(
            "Southwest land border encounters by month, component (USBP/OFO), demographic, "
            "citizenship group, title of authority and encounter type, FY2022 to August 2025."
        ),
    ),
    TableFile(
        file="usbp_monthly_by_region_fy2000_fy2020.csv",
        table="usbp_monthly_by_region",
        columns=("fiscal_year", "month", "region", "apprehensions", "source_id", "notes"),
        key=("month", "region"),
        integer_columns=("fiscal_year", "apprehensions"),
        title="Border Patrol apprehensions by month and region, FY2000-FY2020",
        description=(
            "USBP apprehensions by month and border region from CBP's FY2000-FY2020 monthly PDF; "
            "from March 2020 the counts include Title 42 expulsions."
        ),
    ),
    TableFile(
        file="usbp_ohss_monthly_citizenship.csv.gz",
        table="usbp_ohss_monthly_citizenship",
        columns=("fiscal_year", "month", "region", "citizenship", "encounters", "source_id"),
        key=("month", "region", "citizenship"),
        integer_columns=("fiscal_year", "encounters"),
        title="Border Patrol encounters by month, region and citizenship (OHSS)",
        description=(
            "USBP encounters by month, border region and citizenship from the DHS OHSS KHSM "
            "workbook; OHSS rounds every cell to the nearest 10."
        ),
    ),
    TableFile(
        file="usbp_ohss_monthly_sector.csv.gz",
        table="usbp_ohss_monthly_sector",
        columns=("fiscal_year", "month", "region", "sector", "encounters", "source_id"),
        key=("month", "region", "sector"),
        integer_columns=("fiscal_year", "encounters"),
        title="Border Patrol encounters by month, region and sector (OHSS)",
        description=(
            "USBP encounters by month, border region and sector from the DHS OHSS KHSM workbook; "
            "OHSS rounds every cell to the nearest 10."
        ),
    ),
    TableFile(
        file="ohss_dhs_repatriations_monthly.csv",
        table="ohss_dhs_repatriations_monthly",
        columns=("fiscal_year", "month", "measure", "value", "source_id"),
        key=("month", "measure"),
        integer_columns=("fiscal_year", "value"),
        title="DHS removals, returns and expulsions by month (OHSS)",
        description=(
            "DHS repatriations by month and measure (removals, expedited removals, "
            "reinstatements, enforcement and administrative returns, Title 42 expulsions) from the "
            "OHSS monthly tables, FY2014 to August 2024; OHSS rounds every cell to the nearest 10."
        ),
    ),
)

ALL_FILES: tuple[TableFile, ...] = (SOURCES, METRICS, FIGURES, VOCABULARY, *MONTHLY_TABLES)
