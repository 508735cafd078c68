"""Views for the aggregates people ask for most, and the indexes the prepared queries lean on."""

_ANNUAL = """
select fiscal_year, {column}, sum(encounters) as encounters, count(distinct month) as months
from {table} group by fiscal_year, {column}
"""

VIEWS: dict[str, str] = {
    "encounters_annual": (
        "select fiscal_year, sum(encounters) as encounters, count(distinct month) as months "
        "from cbp_encounters_monthly group by fiscal_year"
    ),
    "encounters_monthly": (
        "select fiscal_year, month, sum(encounters) as encounters "
        "from cbp_encounters_monthly group by fiscal_year, month"
    ),
    "encounters_annual_by_region": _ANNUAL.format(
        column="land_border_region", table="cbp_encounters_monthly"
    ),
    "encounters_annual_by_title": _ANNUAL.format(
        column="title_of_authority", table="cbp_encounters_monthly"
    ),
    "encounters_annual_by_demographic": _ANNUAL.format(
        column="demographic", table="cbp_encounters_monthly"
    ),
    "encounters_annual_by_citizenship": _ANNUAL.format(
        column="citizenship", table="cbp_encounters_monthly"
    ),
    "southwest_annual_by_component": _ANNUAL.format(
        column="component", table="cbp_southwest_monthly"
    ),
    "usbp_annual_by_region": (
        "select fiscal_year, region, sum(apprehensions) as apprehensions, "
        "count(distinct month) as months from usbp_monthly_by_region group by fiscal_year, region"
    ),
}

# The two-letter codes in CBP's "State" column and the names questions use ("encounters in Texas").
STATE_NAMES: dict[str, str] = {
    "AK": "Alaska",
    "AL": "Alabama",
    "AZ": "Arizona",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DC": "District of Columbia",
    "DE": "Delaware",
    "FL": "Florida",
    "GA": "Georgia",
    "GU": "Guam",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "MA": "Massachusetts",
    "MD": "Maryland",
    "ME": "Maine",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MO": "Missouri",
    "MP": "Northern Mariana Islands",
    "MS": "Mississippi",
    "MT": "Montana",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "NE": "Nebraska",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NV": "Nevada",
    "NY": "New York",
    "OH": "Ohio",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "PR": "Puerto Rico",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VA": "Virginia",
    "VI": "U.S. Virgin Islands",
    "VT": "Vermont",
    "WA": "Washington",
    "WI": "Wisconsin",
}

_STATE_ROWS = ", ".join(f"('{code}', '{name}')" for code, name in STATE_NAMES.items())

# Aggregates stored as tables at build time because the prepared queries filter them on every
# question: the state-level monthly table is 4.5 times larger than this one.
SUMMARY_TABLES: dict[str, str] = {
    "us_states": (
        f"select column1 as code, column2 as name from (values {_STATE_ROWS}) order by code"
    ),
    "cbp_encounters_by_category": (
        "select fiscal_year, month, land_border_region, demographic, citizenship, "
        "title_of_authority, sum(encounters) as encounters, min(source_id) as source_id "
        "from cbp_encounters_monthly group by month, land_border_region, demographic, "
        "citizenship, title_of_authority order by month, land_border_region, demographic, "
        "citizenship, title_of_authority"
    ),
}

INDEXES: tuple[tuple[str, list[str]], ...] = (
    ("figures", ["metric", "fiscal_year"]),
    ("figures", ["metric", "period"]),
    ("cbp_encounters_monthly", ["fiscal_year"]),
    ("cbp_encounters_monthly", ["month", "fiscal_year"]),  # covering: months present per year
    ("cbp_encounters_monthly", ["land_border_region", "fiscal_year"]),
    ("cbp_encounters_monthly", ["state", "fiscal_year"]),  # "encounters in Texas 2022"
    ("cbp_encounters_monthly", ["citizenship", "fiscal_year"]),
    ("cbp_encounters_monthly", ["demographic", "fiscal_year"]),
    ("cbp_encounters_monthly", ["title_of_authority", "fiscal_year"]),
    ("cbp_encounters_by_category", ["month", "fiscal_year"]),
    ("cbp_southwest_monthly", ["fiscal_year"]),
    ("cbp_southwest_monthly", ["month", "fiscal_year"]),
    ("usbp_monthly_by_region", ["fiscal_year"]),
    ("usbp_ohss_monthly_citizenship", ["citizenship", "fiscal_year"]),
    ("usbp_ohss_monthly_citizenship", ["fiscal_year"]),
    ("usbp_ohss_monthly_sector", ["sector", "fiscal_year"]),
    ("usbp_ohss_monthly_sector", ["fiscal_year"]),
    ("ohss_dhs_repatriations_monthly", ["measure", "month"]),
)
