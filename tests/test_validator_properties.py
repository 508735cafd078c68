"""Whatever the validator passes, the engine answers: generated command files and result rows.

Hypothesis writes command files with every key of the schema, sometimes of the wrong type, and a
query that returns generated rows (numbers, texts, blobs, NULLs, infinities; periods in the
engine's forms and not). For each file that `validate` (the check of `/commands add` and, through
`check_command`, of `immistats commands check`) passes, every way the engine can be asked —
`ask_command` with each choice and each kind of asked time, `ask` with an alias — answers without
an exception. Sampled (a few dozen files) so that it runs in seconds.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.timewords import LATEST, TimeAsk
from bot.guilds.moderation import validate, with_commands

SOURCE = "ice_fy2023_annual_report_release"
GOOD_PERIODS = ["FY2019", "FY2020", "FY2021", "FY2018-FY2020", "CY2021", "2021-03", "2020-10"]
BAD_PERIODS = ["garbage", "FY0", "2023-13", "FY2020-FY2019", "", "fy2020", "2020", "FY20201"]


def mostly(good, *bad):
    """`good` about three times in four: most generated files should pass, or the property says
    little; the rest try each kind of bad value."""
    return st.sampled_from("gggb").flatmap(lambda pick: good if pick == "g" else st.one_of(*bad))


periods = mostly(
    st.sampled_from(GOOD_PERIODS),
    st.sampled_from(BAD_PERIODS),
    st.integers(-5, 3000),
    st.none(),
    st.binary(max_size=3),
)
values = mostly(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),  # SQLite turns NaN into NULL
    st.sampled_from([10**16, 1e300, float("inf"), float("-inf"), 0, 0.5]),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.none(),
)
extras = st.fixed_dictionaries(
    {},
    optional={
        "source_id": mostly(st.sampled_from([SOURCE, None]), st.just("nope"), st.integers()),
        "flags": mostly(st.sampled_from(["partial", "rounded secondary", ""]), st.integers()),
        "partial_through": mostly(st.sampled_from(["2021-03", None]), st.just("x"), st.integers()),
        "months": mostly(st.integers(0, 12), st.integers(), st.text(max_size=2), st.floats()),
        "as_of": mostly(st.sampled_from(["2024-05", "x", None]), st.integers()),
    },
)


def sql_literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"x'{value.hex()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "9e999" if value > 0 else "-9e999"
    return repr(value)


@st.composite
def result_rows(draw):
    """A SELECT returning 1-4 generated rows tagged by choice ('all' rows answer every choice)."""
    columns = ["period", "value", *sorted(draw(extras))]
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        extra = draw(extras)
        row = {"period": draw(periods), "value": draw(values)}
        row |= {c: extra.get(c) for c in columns[2:]}
        rows.append((draw(st.sampled_from(["all", "a", "b"])), row))
    selects = [
        "select "
        + ", ".join(f"{sql_literal(row[c])} as {c}" for c in columns)
        + f", '{tag}' as tag"
        for tag, row in rows
    ]
    return " union all ".join(selects)


def toml_value(value: object) -> str:
    return json.dumps(value) if not isinstance(value, dict) else "{ }"


@st.composite
def command_files(draw):
    """A command file: the keys the schema reads, each sometimes of another type than it wants."""
    wrong = st.one_of(st.just([]), st.just(["x", 1]), st.integers(), st.just(True))
    keyed = {
        "aggregate": mostly(st.sampled_from(["sum", "none"]), wrong),
        "series": mostly(st.sampled_from(["fiscal_year", "calendar_year", "month"]), wrong),
        "unit": mostly(st.sampled_from(["cases", "percent", "persons"]), wrong),
        "metric": mostly(st.sampled_from(["ice_removals", "no_such_metric"]), wrong),
        "definition": mostly(st.just("A definition."), wrong),
        "caveats": mostly(st.just(["A caveat."]), wrong),
        "examples": mostly(st.just(["generated words 2020"]), wrong),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(keyed)), unique=True))
    lines = [
        'name = "generated-query"',
        'title = "Generated"',
        'aliases = ["generated words"]',
        'headline = "{value} in {period}"',
        f'sources = ["{SOURCE}"]',
    ]
    if "unit" not in chosen:
        lines.append('unit = "cases"')
    lines += [f"{key} = {toml_value(draw(keyed[key]))}" for key in chosen]
    rows = draw(result_rows())
    with_choice = draw(st.booleans())
    where = " where tag = 'all' or tag = :kind" if with_choice else ""
    lines.append(f'sql = """select * from ({rows}){where}"""')
    if with_choice:
        default = draw(st.sampled_from(["", 'default = "a"\n']))
        lines.append(
            f'[params.kind]\ntype = "choice"\n{default}'
            '[params.kind.choices]\na = ["alpha"]\nb = ["beta"]'
        )
    chart = draw(mostly(st.sampled_from([None, "bar", "line"]), wrong))
    if chart is not None:
        lines.append(f"[chart]\nkind = {toml_value(chart)}")
    return "\n".join(lines) + "\n"


ASKED = [
    LATEST,
    TimeAsk.asked("single", (2020,)),
    TimeAsk.asked("single", (1999,)),
    TimeAsk.asked("range", (2018, 2021)),
    TimeAsk.asked("compare", (2019, 2021)),
    TimeAsk.asked("since", (2019,)),
    TimeAsk("single", (2021,), month="2021-03"),
]


class Quiet:
    """The session's service under a short name: Hypothesis prints the arguments of a failing
    example, and the catalog's repr is hundreds of kilobytes."""

    def __init__(self, service):
        self.service = service

    def __repr__(self) -> str:
        return "service"


@pytest.fixture(scope="module")
def quiet(service):
    return Quiet(service)


@settings(
    max_examples=80,
    derandomize=True,  # the same examples every run: a CI run cannot fail by chance
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=command_files())
def test_what_the_validator_passes_the_engine_answers(quiet, text):
    service = quiet.service
    verdict = validate(text, service.catalog, service.db)
    if not verdict.ok:
        assert verdict.problems and all(p.strip() for p in verdict.problems)
        return
    command = verdict.command
    guild = with_commands(service.catalog, [command])
    engine = service.engine
    choices = [{}] + [{"kind": v} for p in command.sql_params for v in p.choices]
    for time in ASKED:
        for chosen in choices:
            answer = engine.ask_command(command.name, time=time, choices=chosen, catalog=guild)
            assert answer.understood
    for question in ("generated words", "generated words 2020", "generated words march 2021"):
        assert engine.ask(question, guild).understood


def test_the_generator_reaches_both_sides(service):
    """The sample holds files the validator passes and files it refuses (else the property is
    vacuous): a fixed good file passes, a fixed bad one is refused."""
    good = (
        'name = "generated-query"\ntitle = "Generated"\naliases = ["generated words"]\n'
        f'headline = "{{value}} in {{period}}"\nsources = ["{SOURCE}"]\nunit = "cases"\n'
        'sql = """select \'FY2020\' as period, 5 as value"""\n'
    )
    assert validate(good, service.catalog, service.db).ok
    bad = good.replace("5 as value", "9e999 as value")
    assert not validate(bad, service.catalog, service.db).ok
