"""An Answer: the figure, what it counts, where it comes from, how it compares; one shape for every face.

The CLI, the JSON output, the chart and the Discord embed all draw the same Answer, so the numbers and
their sources cannot drift apart between faces.
"""

from dataclasses import dataclass, field

from bot.engine.timewords import TimeAsk


@dataclass(frozen=True)
class SourceRef:
    id: str
    publisher: str
    title: str
    url: str
    date: str
    kind: str  # official | research | secondary


@dataclass(frozen=True)
class Point:
    """One bar or point of the series."""

    period: str  # as stored: FY2023, 2024-05, CY2023
    label: str  # as shown: FY2023, May 2024, 2023
    value: float
    partial: bool = False
    highlight: bool = False


@dataclass(frozen=True)
class Change:
    previous_period: str
    previous_value: float
    absolute: float
    percent: float | None  # None when the previous value is zero


@dataclass(frozen=True)
class Disagreement:
    """Another source's value for the same thing and period."""

    period: str
    value: float
    value_text: str
    source: SourceRef
    note: str


@dataclass
class Answer:
    question: str
    understood: bool
    command: str | None = None
    title: str = ""
    params: dict[str, object] = field(default_factory=dict)
    chosen: list[str] = field(default_factory=list)  # what qualifies the figure: every filter
    # ("citizenship: Venezuela") and arithmetic asked of it ("average per year")
    time: TimeAsk = field(default_factory=lambda: TimeAsk("none"))  # the period as asked
    period: str = ""  # "FY2023 (Oct 2022–Sep 2023)"
    value: float | None = None
    value_text: str = ""
    unit: str = ""
    headline: str = ""
    stands_in: str = ""  # the headline's lead when the figure is not for the period asked
    interpretation: str = ""  # "Read as: … · FY2023 · TRAC"
    unused_words: list[str] = field(default_factory=list)  # in no vocabulary, used by nothing
    verdicts: list[str] = field(default_factory=list)  # claimed numbers beside the data's figure
    change: Change | None = None
    series: list[Point] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    definition: str = ""
    caveats: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # partial periods, secondary sources, gaps
    sources_differ: list[Disagreement] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # readable: title (try “example”)
    suggested_commands: list[str] = field(default_factory=list)  # the same, as command names
    chart_kind: str = "bar"
    chart_title: str = ""
    sql: str = ""
    sql_params: dict[str, object] = field(default_factory=dict)
    data_version: str = ""
