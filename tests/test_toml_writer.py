"""The TOML a moderator's form becomes: every value survives the round trip, nothing escapes it."""

import tomllib

import pytest

from bot.app.command_form import form_toml, form_values
from bot.guilds.toml_writer import dumps
from tests.conftest import COMMANDS

FORM = {
    "name": "Visas-Issued ",
    "title": "Visas {issued}",
    "aliases": "visas issued,\n immigrant visas,, ",
    "sql": "select period, value from figures\r\nwhere metric = 'x'",
    "sources": "a, b",
}


@pytest.mark.parametrize("path", sorted(COMMANDS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_command_round_trips(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert tomllib.loads(dumps(data)) == data


@pytest.mark.parametrize(
    "text",
    [
        'a "quoted" \\ back\\slash',
        "control \x00 \x1f \x7f tab\t",
        "select '''x''' from y",
        "ends in a quote'",
        "ends in two quotes''",
        "\nleading and trailing newlines\n",
        "crlf\r\nline",
        'x"\nsql = "delete from figures"\n[chart]',
        "é ü 中文 \u2028",
    ],
)
def test_hostile_and_odd_strings_come_back_unchanged(text):
    data = {"s": text, "list": [text, "b"], "table": {"key with spaces": {"k": text}}}
    assert tomllib.loads(dumps(data)) == data


def test_sql_is_written_as_a_readable_literal():
    text = dumps({"sql": "select 1 as value,\n  'FY2023' as period\n"})
    assert text == "sql = '''\nselect 1 as value,\n  'FY2023' as period\n'''\n"


def test_a_new_form_gets_plain_defaults():
    data = tomllib.loads(form_toml(FORM, unit=None, chart=None))
    assert data == {
        "name": "visas-issued",
        "title": "Visas {issued}",
        "aliases": ["visas issued", "immigrant visas"],
        "unit": "cases",
        "headline": "Visas (issued): {value} cases in {period}",
        "sources": ["a", "b"],
        "sql": "select period, value from figures\nwhere metric = 'x'\n",
        "chart": {"kind": "bar"},
    }
    percent = tomllib.loads(form_toml(FORM, unit="percent", chart="line"))
    assert percent["headline"] == "Visas (issued): {value} in {period}"
    assert percent["chart"] == {"kind": "line"}


def test_editing_keeps_what_the_form_does_not_show():
    shipped = (COMMANDS / "encounters.toml").read_text(encoding="utf-8")
    before = tomllib.loads(shipped)
    after = tomllib.loads(form_toml(form_values(shipped), unit=None, chart=None, base=shipped))
    assert after == before
    retitled = form_values(shipped) | {"title": "New title"}
    changed = tomllib.loads(form_toml(retitled, unit=None, chart="line", base=shipped))
    assert changed["title"] == "New title" and changed["chart"]["kind"] == "line"
    assert changed["headline"] == before["headline"]  # hand-written: kept
    assert changed["caveats"] == before["caveats"] and changed["params"] == before["params"]


def test_editing_an_old_file_leaves_the_retired_keys_behind():
    old = (COMMANDS / "asylum-terminated.toml").read_text(encoding="utf-8").replace(
        'metric = "', 'description = "An old key."\nmetric = "'
    ) + 'x = "period"\n'
    assert tomllib.loads(old)["chart"]["x"] == "period"
    edited = tomllib.loads(form_toml(form_values(old), unit=None, chart=None, base=old))
    assert "description" not in edited and edited["chart"] == {"kind": "bar"}
    assert edited["params"] == {"year": {"type": "fiscal_year"}}
