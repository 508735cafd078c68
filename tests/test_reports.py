"""Report a problem, end to end on the stand-in: a member presses the button under an answer, says
why in the form, and the report lands in the state store with the answer's command, parameters,
data version and question, but no member's id; the server's moderators list it with
/commands reports, the maintainers with `immistats reports`."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from bot.app.moderator_views import MANAGE_SERVER
from bot.cli import main
from bot.guilds.state import StateStore
from tests.standin import (
    CHANNEL_MESSAGE,
    GUILD_ID,
    MANAGER_PERMISSIONS,
    MODAL,
    USER_ID,
    permissions,
    slash_payload,
)

REASON_FIELD = "immistats:report:reason"
REASON = "EOIR's own *table* for FY2023 gives another figure"
QUESTION = "terminations in 2023"


async def report(standin, bot, reason: str = REASON, question: str = QUESTION, **context):
    """Ask, press Report a problem, submit the form; the reply to the submit."""
    answer = await standin.send(bot, slash_payload("ask", {"question": question}, **context))
    opened = await standin.send(bot, answer.press(answer.button("Report a problem")))
    assert opened.type == MODAL
    return await standin.send(bot, opened.submit({REASON_FIELD: reason}))


def moderator_reports(**context) -> dict:
    context.setdefault("permissions", MANAGER_PERMISSIONS)
    return slash_payload("commands", {}, subcommand="reports", **context)


async def test_a_report_keeps_the_answer_and_the_reason_and_names_no_member(
    standin, bot, service, state_path
):
    thanks = await report(standin, bot)
    assert thanks.type == CHANNEL_MESSAGE and thanks.ephemeral
    assert "report #1" in thanks.final.content and "does not name you" in thanks.final.content
    (stored,) = bot.state.reports(GUILD_ID)
    assert (stored.guild_id, stored.command, stored.question, stored.reason) == (
        GUILD_ID,
        "asylum-terminated",
        QUESTION,
        REASON,
    )
    assert stored.data_version == service.engine.data_version and stored.data_version
    assert stored.params == {"year": 2023}  # what the answer was asked for, as the engine read it
    with closing(sqlite3.connect(state_path)) as conn:
        rows = conn.execute("select * from reports").fetchall()
    assert str(USER_ID) not in repr(rows)  # no member's id in any column


async def test_moderators_see_their_servers_reports_quoted_safely(standin, bot):
    await report(standin, bot)
    await report(standin, bot, reason="elsewhere", guild_id=GUILD_ID + 1)
    listed = await standin.send(bot, moderator_reports())
    assert listed.ephemeral
    embed = listed.final.embed
    text = embed["description"]
    assert "`#1`" in text and "`asylum-terminated`" in text
    assert r"EOIR's own \*table\*" in text  # a member's markdown is shown as typed
    assert "elsewhere" not in text  # another server's report
    assert "name no member" in embed["footer"]["text"]


async def test_only_moderators_list_reports(standin, bot):
    await report(standin, bot)
    member = await standin.send(bot, moderator_reports(permissions=permissions()))
    assert member.ephemeral and member.final.content == MANAGE_SERVER
    assert not member.final.embeds


async def test_a_report_from_a_direct_message_goes_to_the_maintainers_only(standin, bot):
    thanks = await report(standin, bot, guild_id=None)
    assert "with the maintainers" in thanks.final.content
    (stored,) = bot.state.reports()
    assert stored.guild_id is None
    assert bot.state.reports(GUILD_ID) == []


async def test_the_form_asks_for_a_reason_of_5_to_300_characters(standin, bot):
    answer = await standin.send(bot, slash_payload("ask", {"question": QUESTION}))
    opened = await standin.send(bot, answer.press(answer.button("Report a problem")))
    (reason,) = [
        child
        for top in opened.modal["components"]
        for child in top.get("components", [top.get("component")])
        if child and child.get("custom_id") == REASON_FIELD
    ]
    assert (reason["min_length"], reason["max_length"]) == (5, 300)


async def test_an_answer_that_was_not_understood_has_no_report_button(standin, bot):
    answer = await standin.send(bot, slash_payload("ask", {"question": "cheese imports"}))
    labels = [i.get("label") for row in answer.final.components for i in row["components"]]
    assert "Report a problem" not in labels


def test_maintainers_list_every_servers_reports_with_the_cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "state.db"
    store = StateStore(path)
    for guild in (GUILD_ID, None):
        store.add_report(
            guild,
            command="asylum-terminated",
            params={"year": "FY2023"},
            data_version="abc",
            question=QUESTION,
            reason=f"from {guild}",
        )
    store.close()
    monkeypatch.setenv("IMMISTATS_STATE", str(path))
    assert main(["reports"]) == 0
    out = capsys.readouterr().out
    assert "#2 · direct message" in out and f"#1 · server {GUILD_ID}" in out
    assert "asylum-terminated (year=FY2023) · data abc" in out and "from None" in out
    assert main(["reports", "--guild", str(GUILD_ID), "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["reason"] == f"from {GUILD_ID}"


def test_the_cli_says_in_one_line_when_the_state_store_is_unreachable(monkeypatch, capsys):
    monkeypatch.setenv("IMMISTATS_STATE_URL", "postgresql://nobody@127.0.0.1:1/immistats")
    assert main(["reports"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("immistats: cannot reach the state store at IMMISTATS_STATE_URL")
