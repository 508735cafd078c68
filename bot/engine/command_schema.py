"""The keys of a command file and the checks on each: one TOML text in, a Command or every reason out.

The schema promises only what the engine does: a key nothing reads is retired (RETIRED says why),
and a headline may hold only the placeholders the engine fills.
"""

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

from bot.engine import schema_types as types
from bot.engine.command import PERIOD_PARAM_TYPES, Chart, Command, Param
from bot.engine.schema_types import Found

NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")
SQL_NAME = re.compile(r"[A-Za-z_]\w{0,40}")
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
    "stand_ins",
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
MAX_PARAMS = 10
MAX_CHOICES = 300


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
            and isinstance(spec.get("type"), str)
            and spec["type"] in PERIOD_PARAM_TYPES
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


def _choices(name: str, spec: dict[str, Any], key: str, found: Found) -> dict[str, tuple[str, ...]]:
    shown = f"params.{name}.choices"
    raw = types.table(spec, "choices", found, shown=shown)
    if not raw:
        found.append((key, f"choice parameter `{name}` needs a `choices` table"))
        return {}
    if len(raw) > MAX_CHOICES:
        found.append((shown, f"`{shown}` has more than {MAX_CHOICES} choices"))
        return {}
    choices: dict[str, tuple[str, ...]] = {}
    for value in raw:
        said = f"{shown}.{value}"
        if not value.strip() or len(value) > types.MAX_WORD:
            found.append((shown, f"a value of `{shown}` is empty or too long"))
            continue
        choices[value] = tuple(
            w.lower() for w in types.words(raw, value, found, limit=40, shown=said)
        )
    return choices


def _param(name: str, spec: Any, found: Found) -> Param | None:
    key = f"params.{name}"
    if not SQL_NAME.fullmatch(name):
        found.append((key, f"parameter `{name}` needs a name of letters, digits and '_'"))
        return None
    if not isinstance(spec, dict):
        found.append((key, f"`{key}` must be a table, not {types.type_name(spec)}"))
        return None
    kind = types.one_of(spec, "type", PARAM_TYPES, "", found, shown=f"{key}.type")
    if not kind:
        return None
    shape = "choice" if kind == "choice" else "period"
    retired = {"default"} if shape == "period" else set()
    if unknown := set(spec) - PARAM_KEYS[shape] - retired:
        found.append((key, f"unknown key(s) of parameter `{name}`: {sorted(unknown)}"))
    if shape == "period":
        return Param(name=name, type=kind)
    choices = _choices(name, spec, key, found)
    required = types.flag(spec, "required", found, shown=f"{key}.required")
    default = types.text(
        spec, "default", found, limit=types.MAX_WORD, required=False, shown=f"{key}.default"
    )
    if "default" in spec and default not in choices:
        found.append((key, f"default '{default}' of `{name}` is not one of its choices"))
    if not choices:
        return None
    return Param(
        name=name, type="choice", default=default or None, required=required, choices=choices
    )


def _params(data: dict[str, Any], found: Found) -> tuple[Param, ...]:
    raw = types.table(data, "params", found)
    if len(raw) > MAX_PARAMS:
        found.append(("params", f"`params` has more than {MAX_PARAMS} parameters"))
        return ()
    return tuple(p for name, spec in raw.items() if (p := _param(name, spec, found)))


def _chart(data: dict[str, Any], found: Found) -> Chart:
    raw = types.table(data, "chart", found)
    if unknown := {k for k in raw if k != "kind" and f"chart.{k}" not in RETIRED}:
        found.append(("chart", f"unknown chart key(s): {sorted(unknown)}"))
    return Chart(kind=types.one_of(raw, "kind", CHART_KINDS, Chart.kind, found, shown="chart.kind"))


def _placeholders(headline: str, params: tuple[Param, ...], found: Found) -> None:
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


def _sql_parameters(sql: str, params: tuple[Param, ...], found: Found) -> None:
    declared = {p.name for p in params if p.in_sql}
    used = set(SQL_PARAM.findall(sql))
    if "?" in SQL_PARAM.sub("", sql.replace("'?'", "")):
        found.append(("sql", "use named parameters (:name), not '?'"))
    for missing in sorted(used - declared):
        found.append(("sql", f"the SQL uses :{missing} but no parameter `{missing}` is declared"))
    for unused in sorted(declared - used):
        found.append(
            (f"params.{unused}", f"parameter `{unused}` is declared but the SQL never uses it")
        )


def _read(text: str) -> dict[str, Any]:
    """The TOML table, or SchemaProblems: not TOML, nested past reason, or keys nothing reads."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaProblems([("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise SchemaProblems([("", "not valid TOML: lists or tables nested too deeply")]) from None
    deep = [key for key, value in data.items() if types.depth(value) > types.MAX_DEPTH]
    if deep:
        raise SchemaProblems(
            [(key, f"`{key}` nests lists or tables deeper than a command needs") for key in deep]
        )
    if unknown := set(data) - set(REQUIRED) - set(OPTIONAL) - {k for k in RETIRED if "." not in k}:
        raise SchemaProblems([(sorted(unknown)[0], f"unknown key(s): {sorted(unknown)}")])
    return data


def parse_command(text: str, path: Path) -> Command:
    """Parse one TOML text into a Command, or raise SchemaProblems with every reason found."""
    data = _read(text)
    found: Found = []
    name = types.text(data, "name", found, limit=41)
    if name and not NAME.fullmatch(name):
        found.append(("name", "`name` may hold only a-z, 0-9 and '-' (2 to 41 characters)"))
    sql = types.text(data, "sql", found, limit=MAX_SQL)
    params = _params(data, found)
    _sql_parameters(sql, params, found)
    command = Command(
        name=name,
        title=types.text(data, "title", found, limit=200),
        aliases=types.words(data, "aliases", found, limit=MAX_ALIASES, required=True),
        unit=types.text(data, "unit", found, limit=40),
        headline=types.text(data, "headline", found, limit=300),
        sql=sql,
        sources=types.words(data, "sources", found, limit=30, required=True),
        metric=types.text(data, "metric", found, limit=80, required=False) or None,
        related_metrics=types.words(data, "related_metrics", found, limit=10),
        stand_ins=types.words(data, "stand_ins", found, limit=5),
        definition=types.text(data, "definition", found, limit=MAX_TEXT, required=False),
        caveats=types.words(data, "caveats", found, limit=10),
        aggregate=types.one_of(data, "aggregate", AGGREGATES, "sum", found),
        series=types.one_of(data, "series", SERIES_KINDS, "fiscal_year", found),
        params=params,
        chart=_chart(data, found),
        examples=types.words(data, "examples", found, limit=10),
        path=path,
        text=text,
        retired=tuple(".".join(p) for p in retired_keys(data)),
    )
    if command.headline:
        _placeholders(command.headline, params, found)
    if found:
        raise SchemaProblems(found)
    return command
