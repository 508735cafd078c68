"""Prepared queries from commands/*.toml: load, check, and report each problem with file, line and reason.

A moderator's bad file is reported and skipped; it never takes the working commands down.
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,40}")
SQL_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
PERIOD_PARAM_TYPES = {"fiscal_year", "year_range"}
PARAM_TYPES = PERIOD_PARAM_TYPES | {"choice"}
CHART_KINDS = {"bar", "line"}
SERIES_KINDS = {"fiscal_year", "calendar_year", "month"}
AGGREGATES = {"sum", "none"}
REQUIRED = ("name", "title", "description", "aliases", "unit", "headline", "sql", "sources")
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
MAX_TEXT = 2000
MAX_SQL = 4000
MAX_ALIASES = 40


@dataclass(frozen=True)
class Param:
    """A parameter: period parameters are applied by the engine, choices are bound into the SQL."""

    name: str
    type: str
    default: str | None = None
    required: bool = False
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # value -> words for it

    @property
    def in_sql(self) -> bool:
        return self.type not in PERIOD_PARAM_TYPES


@dataclass(frozen=True)
class Chart:
    kind: str = "bar"
    x: str = "period"
    y: str = "value"
    highlight: str = "year"


@dataclass(frozen=True)
class Command:
    name: str
    title: str
    description: str
    aliases: tuple[str, ...]
    unit: str
    headline: str
    sql: str
    sources: tuple[str, ...]
    metric: str | None = None
    related_metrics: tuple[str, ...] = ()
    definition: str = ""
    caveats: tuple[str, ...] = ()
    aggregate: str = "sum"
    series: str = "fiscal_year"
    params: tuple[Param, ...] = ()
    chart: Chart = Chart()
    examples: tuple[str, ...] = ()
    path: Path | None = None
    text: str = ""  # the TOML it was read from, for pointing at lines later

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def sql_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.in_sql)


@dataclass(frozen=True)
class CatalogProblem:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}"


@dataclass
class Catalog:
    commands: dict[str, Command]
    problems: list[CatalogProblem]

    def __iter__(self):
        return iter(self.commands.values())

    def get(self, name: str) -> Command | None:
        return self.commands.get(name)


def line_of(text: str, key: str) -> int:
    """The line where a key is set, for pointing a moderator at it (1 when not found)."""
    pattern = re.compile(rf"^\s*(\[\s*)?{re.escape(key)}\b", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


class _Problems(Exception):
    def __init__(self, found: list[tuple[str, str]]):
        self.found = found  # (key, reason)


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
        choices: dict[str, tuple[str, ...]] = {}
        if spec["type"] == "choice":
            raw_choices = spec.get("choices")
            if not isinstance(raw_choices, dict) or not raw_choices:
                found.append((key, f"choice parameter '{name}' needs a 'choices' table"))
                continue
            for value, words in raw_choices.items():
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    found.append((key, f"choice '{value}' of '{name}' needs a list of words"))
                    continue
                choices[value] = tuple(w.lower() for w in words)
        default = spec.get("default")
        if default is not None and not isinstance(default, str | int):
            found.append((key, f"default of '{name}' must be a text or a year"))
        if spec["type"] == "choice" and default not in (None, *choices):
            found.append((key, f"default '{default}' of '{name}' is not one of its choices"))
        params.append(
            Param(
                name=name,
                type=spec["type"],
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
    chart = Chart(**{k: str(v) for k, v in raw.items() if k in Chart.__dataclass_fields__})
    if unknown := set(raw) - set(Chart.__dataclass_fields__):
        found.append(("chart", f"unknown chart key(s): {sorted(unknown)}"))
    if chart.kind not in CHART_KINDS:
        found.append(("chart", f"chart kind must be one of {sorted(CHART_KINDS)}"))
    return chart


def parse_command(text: str, path: Path) -> Command:
    """Parse one TOML text into a Command, or raise _Problems with every reason found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _Problems([("", f"not valid TOML: {exc}")]) from None
    found: list[tuple[str, str]] = []
    if unknown := set(data) - set(REQUIRED) - set(OPTIONAL):
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
        description=_text(data, "description", found),
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
    )
    if command.aggregate not in AGGREGATES:
        found.append(("aggregate", f"'aggregate' must be one of {sorted(AGGREGATES)}"))
    if command.series not in SERIES_KINDS:
        found.append(("series", f"'series' must be one of {sorted(SERIES_KINDS)}"))
    if "{value}" not in command.headline:
        found.append(("headline", "'headline' must contain {value}"))
    if not command.aliases:
        found.append(("aliases", "give at least one alias: the words people use for this"))
    if found:
        raise _Problems(found)
    return command


def load_text(text: str, path: Path) -> tuple[Command | None, list[CatalogProblem]]:
    try:
        return parse_command(text, path), []
    except _Problems as problems:
        return None, [
            CatalogProblem(
                path.name, line_of(text, key.split(".")[-1]) if key else _toml_line(reason), reason
            )
            for key, reason in problems.found
        ]


def _toml_line(reason: str) -> int:
    match = re.search(r"line (\d+)", reason)
    return int(match.group(1)) if match else 1


def alias_collisions(commands: list[Command]) -> list[CatalogProblem]:
    """The same alias on two commands makes a question ambiguous: refuse the second."""
    owner: dict[str, str] = {}
    problems = []
    for command in commands:
        for alias in command.aliases:
            key = " ".join(alias.lower().split())
            if key in owner and owner[key] != command.name:
                problems.append(
                    CatalogProblem(
                        command.path.name if command.path else command.name,
                        line_of(command.text, "aliases"),
                        f"alias '{alias}' is already used by command '{owner[key]}'",
                    )
                )
            owner.setdefault(key, command.name)
    return problems


def load_catalog(folder: Path) -> Catalog:
    """Every *.toml in the folder; good files load even when others are broken."""
    commands: dict[str, Command] = {}
    problems: list[CatalogProblem] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(CatalogProblem(path.name, 1, f"cannot be read: {exc}"))
            continue
        command, found = load_text(text, path)
        problems += found
        if command is None:
            continue
        if command.name in commands:
            problems.append(
                CatalogProblem(path.name, line_of(text, "name"), f"name '{command.name}' is taken")
            )
            continue
        commands[command.name] = command
    collisions = alias_collisions(list(commands.values()))
    problems += collisions
    return Catalog(commands, problems)
