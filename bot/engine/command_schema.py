"""The keys of a command file and the checks on each: one TOML text in, a Command or every reason out.

The schema promises only what the engine does: a key nothing reads is retired (RETIRED says why),
and a headline may hold only the placeholders the engine fills.
"""

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

from bot.engine.command import PERIOD_PARAM_TYPES, Chart, Command, Param

NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")
SQL_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PARAM_TYPES = PERIOD_PARAM_TYPES | {"choice"}
PARAM_KEYS = {"choice": {"type", "default", "required", "choices"}, "period": {"type"}}
CHART_KINDS = {"bar", "line"}
SERIES_KINDS = {"fiscal_year", "calendar_year", "month"}
AGGREGATES = {"sum", "none"}
# What bot.engine.answering fills in every headline, besides each choice parameter by its name.
FILLED = ("value", "period", "unit")
REQUIRED = ("name", "title", "aliases", "unit", "headline", "sql", "sources")
OPTIONAL = (
    "metric",
    "related_metrics",
    "definition",
    "caveats",
    "aggregate",
    "series",
    "params",
    "chart",
    "examples",
)
# Keys of an older schema that nothing read, and why; '*' stands for a period parameter's name.
RETIRED = {
    "description": "nothing shows it: members see the title, the headline and the examples",
    "chart.x": "the chart always plots the period column",
    "chart.y": "the chart always plots the value column",
    "chart.highlight": "the chart highlights the periods the question asked for",
    "params.*.default": "a question that names no period gets the latest one, whatever this says",
}
MAX_TEXT = 2000
MAX_SQL = 4000
MAX_ALIASES = 40


class SchemaProblems(Exception):
    def __init__(self, found: list[tuple[str, str]]):
        self.found = found  # (dotted key, reason)


def retired_keys(data: dict[str, Any]) -> list[tuple[str, ...]]:
    """The retired keys a parsed command file still sets, as paths: ('chart', 'x')."""
    found = [(key,) for key in RETIRED if "." not in key and key in data]
    chart = data.get("chart")
    if isinstance(chart, dict):
        found += [("chart", key) for key in chart if f"chart.{key}" in RETIRED]
    params = data.get("params")
    if isinstance(params, dict):
        found += [
            ("params", name, "default")
            for name, spec in params.items()
            if isinstance(spec, dict)
            and spec.get("type") in PERIOD_PARAM_TYPES
            and "default" in spec
        ]
    return found


def why_retired(path: tuple[str, ...]) -> str:
    key = ".".join(path)
    return RETIRED.get(key) or RETIRED[f"{path[0]}.*.{path[-1]}"]


def without_retired(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed command file without its retired keys; a table left empty by that goes too."""
    kept = copy.deepcopy(data)
    for path in retired_keys(data):
        _delete(kept, path)
    return kept


def _delete(table: dict[str, Any], path: tuple[str, ...]) -> None:
    head, *rest = path
    if rest:
        _delete(table[head], tuple(rest))
    if not rest or not table[head]:
        del table[head]


def _text(data: dict, key: str, found: list, *, limit: int = MAX_TEXT) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or not value.strip():
        found.append((key, f"'{key}' must be a non-empty text"))
        return ""
    if len(value) > limit:
        found.append((key, f"'{key}' is longer than {limit} characters"))
    return value.strip()


def _words(data: dict, key: str, found: list, *, limit: int) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        found.append((key, f"'{key}' must be a list of texts"))
        return ()
    if len(value) > limit:
        found.append((key, f"'{key}' has more than {limit} entries"))
    if any(len(v) > 200 for v in value):
        found.append((key, f"an entry of '{key}' is longer than 200 characters"))
    return tuple(v.strip() for v in value)


def _choices(name: str, spec: dict, key: str, found: list) -> dict[str, tuple[str, ...]] | None:
    raw = spec.get("choices")
    if not isinstance(raw, dict) or not raw:
        found.append((key, f"choice parameter '{name}' needs a 'choices' table"))
        return None
    choices: dict[str, tuple[str, ...]] = {}
    for value, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            found.append((key, f"choice '{value}' of '{name}' needs a list of words"))
            continue
        choices[value] = tuple(w.lower() for w in words)
    return choices


def _params(data: dict, found: list) -> tuple[Param, ...]:
    raw = data.get("params", {})
    if not isinstance(raw, dict):
        found.append(("params", "'params' must be a table of parameters"))
        return ()
    params = []
    for name, spec in raw.items():
        key = f"params.{name}"
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            found.append((key, f"parameter '{name}' needs a type: one of {sorted(PARAM_TYPES)}"))
            continue
        kind = "choice" if spec["type"] == "choice" else "period"
        retired = {"default"} if kind == "period" else set()
        if unknown := set(spec) - PARAM_KEYS[kind] - retired:
            found.append((key, f"unknown key(s) of parameter '{name}': {sorted(unknown)}"))
        if kind == "period":
            params.append(Param(name=name, type=spec["type"]))
            continue
        choices = _choices(name, spec, key, found)
        if choices is None:
            continue
        default = spec.get("default")
        if default is not None and not isinstance(default, str):
            found.append((key, f"default of '{name}' must be a text"))
        if default not in (None, *choices):
            found.append((key, f"default '{default}' of '{name}' is not one of its choices"))
        params.append(
            Param(
                name=name,
                type="choice",
                default=None if default is None else str(default),
                required=bool(spec.get("required", False)),
                choices=choices,
            )
        )
    return tuple(params)


def _chart(data: dict, found: list) -> Chart:
    raw = data.get("chart", {})
    if not isinstance(raw, dict):
        found.append(("chart", "'chart' must be a table"))
        return Chart()
    if unknown := {k for k in raw if k != "kind" and f"chart.{k}" not in RETIRED}:
        found.append(("chart", f"unknown chart key(s): {sorted(unknown)}"))
    chart = Chart(kind=str(raw.get("kind", Chart.kind)))
    if chart.kind not in CHART_KINDS:
        found.append(("chart.kind", f"chart kind must be one of {sorted(CHART_KINDS)}"))
    return chart


def _placeholders(headline: str, params: tuple[Param, ...], found: list) -> None:
    """Every {name} in the headline must be one the engine fills, or it reaches members as is."""
    filled = [*FILLED, *(p.name for p in params if p.in_sql)]
    offered = ", ".join("{" + name + "}" for name in filled)
    for name in PLACEHOLDER.findall(headline):
        if name not in filled:
            found.append(
                (
                    "headline",
                    f"'headline' has {{{name}}}, which nothing fills (it may use {offered})",
                )
            )
    if "{value}" not in headline:
        found.append(("headline", "'headline' must contain {value}"))


def parse_command(text: str, path: Path) -> Command:
    """Parse one TOML text into a Command, or raise SchemaProblems with every reason found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaProblems([("", f"not valid TOML: {exc}")]) from None
    found: list[tuple[str, str]] = []
    if unknown := set(data) - set(REQUIRED) - set(OPTIONAL) - {k for k in RETIRED if "." not in k}:
        found.append((sorted(unknown)[0], f"unknown key(s): {sorted(unknown)}"))
    name = _text(data, "name", found, limit=41)
    if name and not NAME.fullmatch(name):
        found.append(("name", "'name' may hold only a-z, 0-9 and '-' (2 to 41 characters)"))
    sql = _text(data, "sql", found, limit=MAX_SQL)
    params = _params(data, found)
    declared = {p.name for p in params if p.in_sql}
    used = set(SQL_PARAM.findall(sql))
    if "?" in SQL_PARAM.sub("", sql.replace("'?'", "")):
        found.append(("sql", "use named parameters (:name), not '?'"))
    for missing in sorted(used - declared):
        found.append(("sql", f"the SQL uses :{missing} but no parameter '{missing}' is declared"))
    for unused in sorted(declared - used):
        found.append(
            (f"params.{unused}", f"parameter '{unused}' is declared but the SQL never uses it")
        )
    command = Command(
        name=name,
        title=_text(data, "title", found, limit=200),
        aliases=_words(data, "aliases", found, limit=MAX_ALIASES),
        unit=_text(data, "unit", found, limit=40),
        headline=_text(data, "headline", found, limit=300),
        sql=sql,
        sources=_words(data, "sources", found, limit=30),
        metric=data.get("metric"),
        related_metrics=_words(data, "related_metrics", found, limit=10)
        if "related_metrics" in data
        else (),
        definition=str(data.get("definition", "")).strip(),
        caveats=_words(data, "caveats", found, limit=10) if "caveats" in data else (),
        aggregate=data.get("aggregate", "sum"),
        series=data.get("series", "fiscal_year"),
        params=params,
        chart=_chart(data, found),
        examples=_words(data, "examples", found, limit=10) if "examples" in data else (),
        path=path,
        text=text,
        retired=tuple(".".join(p) for p in retired_keys(data)),
    )
    if command.aggregate not in AGGREGATES:
        found.append(("aggregate", f"'aggregate' must be one of {sorted(AGGREGATES)}"))
    if command.series not in SERIES_KINDS:
        found.append(("series", f"'series' must be one of {sorted(SERIES_KINDS)}"))
    if command.headline:
        _placeholders(command.headline, params, found)
    if not command.aliases:
        found.append(("aliases", "give at least one alias: the words people use for this"))
    if found:
        raise SchemaProblems(found)
    return command
