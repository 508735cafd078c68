"""A prepared query as the engine reads it: what a commands/*.toml file becomes once checked.

Every field here is read somewhere outside the catalog; a key nothing read was retired (see
`command_schema.RETIRED`) rather than kept as a promise the engine does not keep.
"""

from dataclasses import dataclass, field
from pathlib import Path

PERIOD_PARAM_TYPES = {"fiscal_year", "year_range"}


@dataclass(frozen=True)
class Param:
    """A parameter: period parameters are applied by the engine, choices are bound into the SQL."""

    name: str
    type: str
    default: str | None = None  # choices only: a period always starts from the latest one
    required: bool = False
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # value -> words for it

    @property
    def in_sql(self) -> bool:
        return self.type not in PERIOD_PARAM_TYPES


@dataclass(frozen=True)
class Chart:
    kind: str = "bar"


@dataclass(frozen=True)
class Command:
    name: str
    title: str
    aliases: tuple[str, ...]
    unit: str
    headline: str
    sql: str
    sources: tuple[str, ...]
    metric: str | None = None
    related_metrics: tuple[str, ...] = ()
    # Commands that answer, said first in the headline, when this one lacks the period asked.
    stand_ins: tuple[str, ...] = ()
    definition: str = ""
    caveats: tuple[str, ...] = ()
    aggregate: str = "sum"
    series: str = "fiscal_year"
    params: tuple[Param, ...] = ()
    chart: Chart = Chart()
    examples: tuple[str, ...] = ()
    path: Path | None = None
    text: str = ""  # the TOML it was read from, for pointing at lines later
    retired: tuple[str, ...] = ()  # keys of an older schema found in the text, and ignored

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
