"""Discord failing, end to end on the stand-in: the bot retries, tells the truth, and never loses an
interaction to the 3-second deadline (which the stand-in enforces by default, as Discord does).

Faults injected: a 429 with and without Discord's `Via` header, a 500, dropped connections, a
follow-up answered only after 5 s, and bursts of interactions. Nothing of ours is mocked; the
retry pauses are shortened where a test makes every try fail.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from bot.app import retry
from bot.app.client import ImmistatsBot, create_bot
from bot.app.moderator_views import ALREADY
from bot.app.respond import FAILED
from tests.conftest import ROOT
from tests.standin import (
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    GUILD_ID,
    PNG_SIGNATURE,
    StandIn,
    slash_payload,
)
from tests.test_discord_moderation import NAME, submit_form

FOLLOW_UP = "POST /webhooks/{application_id}/{token}"
EDIT = "PATCH /webhooks/{application_id}/{token}/messages/@original"
CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
VIA = {"Via": "1.1 google"}  # Discord's own 429s carry it; a proxy's do not


@pytest.fixture
async def bot(service, logged_in, tmp_path) -> ImmistatsBot:
    made = await logged_in(create_bot(service, state_path=tmp_path / "state.db"))
    made.defer_after = 0  # every answer is deferred and followed up: the follow-up is what fails
    return made


@pytest.fixture
def quick_retries(monkeypatch):
    """Tries a few milliseconds apart, for tests where every try fails."""
    monkeypatch.setattr(retry, "PAUSES", (0.01, 0.01, 0.01, 0.01))


def ask(question: str = "terminations in 2023", **context) -> dict:
    return slash_payload("ask", {"question": question}, **context)


def escaped(standin: StandIn) -> list[str]:
    """Logged errors other than the bot's own 'failed to answer' entries: an exception that got
    past the error handler, or a task that died."""
    return [e for e in standin.errors if not e.startswith("immistats.discord: failed to answer")]


def answered_with_the_figure(reply) -> bool:
    final = reply.final
    return bool(final and final.embeds and final.embed["title"].startswith("149,305"))


def test_the_stand_in_enforces_discords_deadline_by_default():
    assert StandIn().callback_deadline == 3.0


@pytest.mark.parametrize(
    ("fault", "tries"),
    [
        ({"status": 429}, 3),  # a proxy's 429: discord.py gives up at once, the bot retries
        ({"status": 429, "headers": VIA}, 3),  # Discord's 429: discord.py waits and retries
        ({"status": 500}, 2),  # discord.py retries a 5xx after 1 s
    ],
    ids=["429-without-via", "429-with-via", "500"],
)
async def test_a_failing_follow_up_is_retried_until_the_answer_arrives(standin, bot, fault, tries):
    standin.fail(FOLLOW_UP, fault["status"], headers=fault.get("headers"), times=tries - 1)
    reply = await standin.send(bot, ask(), timeout=30)
    assert reply.type == DEFERRED_CHANNEL_MESSAGE and answered_with_the_figure(reply)
    assert reply.final.attachments[0].data.startswith(PNG_SIGNATURE)  # the chart sent whole again
    posts = standin.matching(FOLLOW_UP)
    assert [r.status for r in posts][:-1] == [fault["status"]] * (tries - 1)
    assert posts[-1].status in (200, 204)
    assert escaped(standin) == []


async def test_dropped_connections_are_retried(standin, bot):
    standin.reset(FOLLOW_UP, times=2)
    reply = await standin.send(bot, ask(), timeout=30)
    assert answered_with_the_figure(reply)
    assert reply.final.attachments[0].data.startswith(PNG_SIGNATURE)
    assert len(standin.matching(FOLLOW_UP)) == 3 and escaped(standin) == []


async def test_a_follow_up_answered_after_5_seconds_is_one_answer(standin, bot):
    standin.slow(FOLLOW_UP, 5.0)
    reply = await standin.send(bot, ask(), timeout=30)
    assert answered_with_the_figure(reply)
    assert len(standin.matching(FOLLOW_UP)) == 1 and escaped(standin) == []


async def test_nothing_escapes_the_error_handler_when_every_reply_fails(
    standin, bot, quick_retries
):
    standin.reset(FOLLOW_UP, times=50)
    standin.reset("DELETE /webhooks/{application_id}/{token}/messages/@original", times=50)
    reply = await standin.send(bot, ask(), timeout=30)
    assert reply.type == DEFERRED_CHANNEL_MESSAGE  # acknowledged in time; the rest was lost
    assert escaped(standin) == []
    assert any(e.startswith("immistats.discord: failed to answer") for e in standin.errors)


async def test_a_refusal_after_a_public_deferral_replaces_it_privately(standin, bot):
    """/run of an unknown name, deferred while the server's catalog is built: the public
    "thinking…" is deleted and the refusal goes to the member alone."""
    payload = slash_payload("run", {"name": "no-such-query"}, guild_id=GUILD_ID)
    reply = await standin.send(bot, payload)
    assert reply.type == DEFERRED_CHANNEL_MESSAGE and not reply.ephemeral
    assert reply.original is None  # the placeholder everyone saw is gone
    (told,) = reply.followups
    assert told.raw["flags"] & EPHEMERAL and told.content.startswith("No query named")
    assert standin.matching("DELETE /webhooks/{application_id}/{token}/messages/@original")


async def test_a_failure_after_a_public_deferral_is_told_privately(standin, bot):
    standin.fail(FOLLOW_UP, 400, {"message": "Invalid Form Body", "code": 50035})
    reply = await standin.send(bot, ask())
    assert reply.original is None
    (told,) = reply.followups
    assert told.raw["flags"] & EPHEMERAL and told.content == FAILED


# ----- the moderators' Confirm


async def test_a_stored_command_is_told_stored_when_the_confirmation_edit_fails(
    standin, bot, quick_retries
):
    preview = await submit_form(standin, bot)
    standin.fail(EDIT, 429, times=50)  # every try (a 500 too, after discord.py's own 25 s)
    done = await standin.send(bot, preview.press(preview.button("Confirm")), timeout=60)
    assert bot.state.command(GUILD_ID, NAME) is not None
    told = done.followups[-1]
    assert told.content.startswith("Added:") and told.raw["flags"] & EPHEMERAL
    assert FAILED not in [m.content for m in done.messages]


async def test_confirm_pressed_twice_at_once_stores_once(standin, bot):
    preview = await submit_form(standin, bot)
    confirm = preview.button("Confirm")
    first, second = preview.press(confirm), preview.press(confirm)
    replies = await asyncio.gather(standin.send(bot, first), standin.send(bot, second))
    assert len(bot.state.commands(GUILD_ID)) == 1
    assert len(bot.state.history(GUILD_ID, 10)) == 1
    contents = sorted(r.final.content for r in replies)
    assert contents[0].startswith("Added:") and contents[1] == ALREADY


# ----- the 3-second rule under bursts


@pytest.mark.parametrize("count", [50, 200])
async def test_a_burst_is_acknowledged_within_the_deadline(
    standin, service, logged_in, tmp_path, count
):
    """Every interaction of a burst is acknowledged before Discord's deadline (the stand-in
    answers a late acknowledgement 404 Unknown interaction, code 10062) and then answered."""
    bot = await logged_in(create_bot(service, state_path=tmp_path / "state.db"))
    payloads = [ask(user_id=50_000 + n) for n in range(count)]
    replies = await asyncio.gather(
        *(standin.send(bot, p, wait="final", timeout=120) for p in payloads)
    )
    late = [r for r in standin.matching(CALLBACK) if r.status == 404]
    assert late == [] and all(r.answered for r in replies)
    assert all(answered_with_the_figure(r) for r in replies)


# ----- the command line: one line and exit code 1, never a traceback


def cli(built_db, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "IMMISTATS_DB": str(built_db)}
    command = [sys.executable, "-m", "bot.cli", *args]
    return subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, **popen)


def test_a_closed_pipe_ends_quietly(built_db):
    """`immistats ask … | head -c1`: the reader is gone before the answer is written."""
    process = cli(built_db, "ask", "terminations in 2023", stdout=subprocess.PIPE)
    process.stdout.close()
    _, stderr = process.communicate(timeout=60)
    assert stderr.decode() == "" and process.returncode == 1


def test_a_chart_into_a_missing_folder_is_one_line(built_db, tmp_path):
    target = tmp_path / "no-such-folder" / "chart.png"
    process = cli(
        built_db, "ask", "--chart", str(target), "encounters 2022", stdout=subprocess.PIPE
    )
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 1 and stdout.decode().startswith("2,766,582")
    assert stderr.decode() == f"immistats: No such file or directory ({target})\n"


# ----- a user's words said back: quoted as typed, never applied as markdown


async def test_a_name_echoed_in_a_refusal_keeps_its_markdown_as_typed(standin, bot):
    payload = slash_payload("run", {"name": "**loud** _x_ `y`"}, guild_id=GUILD_ID)
    reply = await standin.send(bot, payload)
    (told,) = reply.followups
    assert "“\\*\\*loud\\*\\* \\_x\\_ \\`y\\`”" in told.content


async def test_a_moderators_words_echoed_in_a_refusal_keep_their_markdown(standin, bot):
    refused = await submit_form(standin, bot, aliases="**terminations**")
    assert "'\\*\\*terminations\\*\\*' is already used by 'asylum-terminated'" in (
        refused.final.content
    )


async def test_a_glossary_term_echoed_keeps_its_markdown(standin, bot):
    reply = await standin.send(bot, slash_payload("define", {"term": "~~gone~~ *x*"}))
    assert "“\\~\\~gone\\~\\~ \\*x\\*”" in reply.final.content
