"""The /commands add and edit form: a prepared query's main fields in, the TOML file out, and back.

A Discord form (modal) holds at most five inputs, so it asks for what differs from one query to
the next (name, title, words, SQL, sources); the unit and chart kind are options of the slash
command, and the rest gets plain defaults a moderator can refine in the file later. Editing keeps
every key the form does not show (parameters, caveats, a hand-written headline …).
"""

import tomllib
from dataclasses import dataclass
from typing import Any

from bot.engine.command_schema import MAX_SQL, without_retired
from bot.engine.formatting import PERCENT_UNITS
from bot.guilds.toml_writer import dumps

DEFAULT_UNIT = "cases"
DEFAULT_CHART = "bar"


@dataclass(frozen=True)
class Field:
    """One input of the form; limits match what the catalog accepts (and Discord's 45/100/4000)."""

    key: str
    label: str
    max_length: int
    paragraph: bool
    placeholder: str
    hint: str | None = None


FIELDS = (
    Field("name", "Name (a-z, 0-9 and -)", 41, False, "visas-issued"),
    Field("title", "Title", 200, False, "Immigrant visas issued by the State Department"),
    Field(
        "aliases",
        "Words people use (comma separated)",
        2000,
        True,
        "visas issued, immigrant visas, visas granted",
        "Each may belong to one command only; typos in longer words are forgiven",
    ),
    Field(
        "sql",
        "SQL: one select returning period, value",
        MAX_SQL,
        True,
        "select period, value, source_id from figures where metric = '…' and is_preferred = 1",
        "The whole series, one row per period, oldest first (see commands/README.md)",
    ),
    Field(
        "sources",
        "Source ids (comma separated)",
        500,
        False,
        "ice_fy2023_annual_report_release",
        "The id column of data/sources.csv for the publications behind the figures",
    ),
)


def clean(text: str) -> str:
    """Windows line ends made plain; characters that cannot be stored as UTF-8 replaced."""
    text = text.replace("\r\n", "\n")
    return text.encode("utf-8", "replace").decode("utf-8")


def split_list(text: str) -> list[str]:
    """'a, b\\nc' -> ['a', 'b', 'c']: commas or new lines separate, empty entries dropped."""
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def default_headline(title: str, unit: str) -> str:
    """'Visas issued: {value} visas in {period}'; the title's braces cannot become placeholders."""
    safe = title.replace("{", "(").replace("}", ")")
    counted = "" if unit in PERCENT_UNITS else f" {unit}"
    return f"{safe}: {{value}}{counted} in {{period}}"


def form_values(toml: str) -> dict[str, str]:
    """A stored command's form fields, to prefill the edit form."""
    data = tomllib.loads(toml)
    return {
        "name": str(data.get("name", "")),
        "title": str(data.get("title", "")),
        "aliases": ", ".join(map(str, data.get("aliases", []))),
        "sql": str(data.get("sql", "")).strip(),
        "sources": ", ".join(map(str, data.get("sources", []))),
    }


def form_toml(
    form: dict[str, str], *, unit: str | None, chart: str | None, base: str | None = None
) -> str:
    """The TOML of a submitted form; `base` is the stored TOML when editing.

    A headline the form made from the old title and unit follows the new ones; a hand-written one
    is kept. Keys nothing reads any more are left behind.
    """
    old: dict[str, Any] = without_retired(tomllib.loads(base)) if base else {}
    title = " ".join(clean(form["title"]).split())  # one line, as the chart and embed show it
    unit = unit or old.get("unit") or DEFAULT_UNIT
    data: dict[str, Any] = {"name": clean(form["name"]).strip().lower(), "title": title}
    data |= {k: v for k, v in old.items() if k not in data}
    data["aliases"] = split_list(clean(form["aliases"]))
    data["unit"] = unit
    made = default_headline(old.get("title", title), old.get("unit", unit))
    if data.get("headline", made) == made:
        data["headline"] = default_headline(title, unit)
    data["sources"] = split_list(clean(form["sources"]))
    data["sql"] = clean(form["sql"]).strip() + "\n"
    chart_table = dict(old.get("chart", {}))
    data["chart"] = chart_table | {"kind": chart or chart_table.get("kind") or DEFAULT_CHART}
    return dumps(data)
