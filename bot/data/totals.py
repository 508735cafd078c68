"""Published totals that the monthly tables must add up to, checked at every build.

Where a figure comes from the same official file as a monthly table, the months must sum to it
exactly; a mismatch means the import or the transcription went wrong, so nothing is built.
"""

from dataclasses import dataclass, field

import pandas as pd

from bot.data.files import FIGURES
from bot.data.problems import Problem


@dataclass(frozen=True)
class TotalCheck:
    """A figure that must equal a slice of a monthly table; a slice value may be several labels
    (CBP renamed 'UC / Single Minors' to 'UAC' in its FY2022 and later releases)."""

    metric: str
    table: str
    count_column: str
    where: dict[str, str | tuple[str, ...]] = field(default_factory=dict)


# Figures read in any release of these file families are checked against the table, even when the
# table now holds a later release of the same years: the published totals must survive re-imports.
RELEASE_FAMILIES = {"cbp_encounters_monthly": "cbp_nationwide_state_"}


def _nationwide(metric: str, **where: str | tuple[str, ...]) -> TotalCheck:
    return TotalCheck(metric, "cbp_encounters_monthly", "encounters", where)


def _southwest(metric: str, **where: str) -> TotalCheck:
    return TotalCheck(metric, "cbp_southwest_monthly", "encounters", where)


def _usbp_pdf(metric: str, **where: str) -> TotalCheck:
    return TotalCheck(metric, "usbp_monthly_by_region", "apprehensions", where)


USBP = "U.S. Border Patrol"
OFO = "Office of Field Operations"

TOTAL_CHECKS: tuple[TotalCheck, ...] = (
    _nationwide("cbp_encounters_nationwide"),
    _nationwide("cbp_encounters_southwest_land_border", land_border_region="Southwest Land Border"),
    _nationwide("cbp_encounters_northern_land_border", land_border_region="Northern Land Border"),
    _nationwide("cbp_encounters_other_regions", land_border_region="Other"),
    _nationwide("cbp_encounters_nationwide_title8", title_of_authority="Title 8"),
    _nationwide("cbp_title42_expulsions_nationwide", title_of_authority="Title 42"),
    _nationwide("cbp_encounters_nationwide_single_adults", demographic="Single Adults"),
    _nationwide("cbp_encounters_nationwide_family_unit_individuals", demographic="FMUA"),
    _nationwide(
        "cbp_encounters_nationwide_uc_single_minors", demographic=("UC / Single Minors", "UAC")
    ),
    _nationwide("cbp_encounters_nationwide_accompanied_minors", demographic="Accompanied Minors"),
    _nationwide(
        "cbp_encounters_southwest_uac",
        land_border_region="Southwest Land Border",
        demographic=("UC / Single Minors", "UAC"),
    ),
    _nationwide(
        "cbp_encounters_southwest_family_unit_individuals",
        land_border_region="Southwest Land Border",
        demographic="FMUA",
    ),
    _nationwide(
        "cbp_encounters_southwest_single_adults",
        land_border_region="Southwest Land Border",
        demographic="Single Adults",
    ),
    _southwest("cbp_encounters_southwest_land_border"),
    _southwest("cbp_encounters_southwest_usbp", component=USBP),
    _southwest("cbp_encounters_southwest_ofo", component=OFO),
    _southwest("cbp_encounters_southwest_uac", demographic="UAC"),
    _southwest("cbp_encounters_southwest_family_unit_individuals", demographic="FMUA"),
    _southwest("usbp_apprehensions_title8_southwest", encounter_type="Apprehensions"),
    _southwest("ofo_inadmissibles_title8_southwest", encounter_type="Inadmissibles"),
    _southwest("usbp_title42_expulsions_southwest", component=USBP, encounter_type="Expulsions"),
    _southwest("ofo_title42_expulsions_southwest", component=OFO, encounter_type="Expulsions"),
    _usbp_pdf("usbp_apprehensions_nationwide"),
    _usbp_pdf("usbp_apprehensions_southwest", region="Southwest Land Border"),
    _usbp_pdf("usbp_apprehensions_northern", region="Northern Land Border"),
    _usbp_pdf("usbp_apprehensions_coastal", region="Coastal Border"),
)


def annual_sums(table: pd.DataFrame, check: TotalCheck) -> pd.Series:
    """Fiscal-year totals of one slice of a monthly table."""
    rows = table
    for column, value in check.where.items():
        rows = rows[rows[column].isin([value] if isinstance(value, str) else value)]
    return rows[check.count_column].astype(int).groupby(rows["fiscal_year"].astype(int)).sum()


def check_totals(figures: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[Problem]:
    problems = []
    for check in TOTAL_CHECKS:
        table = tables[check.table]
        sums = annual_sums(table, check)
        same_source = figures["source_id"].isin(set(table["source_id"]))
        family = RELEASE_FAMILIES.get(check.table)
        if family:
            same_source |= figures["source_id"].str.startswith(family)
        rows = figures[(figures["metric"] == check.metric) & same_source]
        for index, row in rows.iterrows():
            fiscal_year = int(row["period"].removeprefix("FY"))
            total = int(sums.get(fiscal_year, 0))
            if total != int(row["value"]):
                problems.append(
                    Problem(
                        FIGURES.file,
                        index + 2,
                        f"{check.metric} {row['period']} is {int(row['value']):,} but the months "
                        f"of {check.table} add up to {total:,}",
                    )
                )
    return problems
