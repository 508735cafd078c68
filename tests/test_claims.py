"""Claimed numbers beside the data: read as written, compared within their own rounding, in neutral
words, from the CLI, /check and the "Check the numbers" message command."""

import pytest

from bot.cli import main
from bot.engine.claims import find_claims, verdict, without_claims
from tests.standin import CHANNEL_MESSAGE, USER_ID, slash_payload
from tests.standin.common import snowflake

NEUTRAL_BANNED = ("false", "lie", "wrong", "misleading", "true")


@pytest.mark.parametrize(
    ("text", "value", "precision", "direction"),
    [
        ("Have 5 million migrants crossed?", 5_000_000, 500_000, "exact"),
        ("a backlog of 3.5 million", 3_500_000, 50_000, "exact"),
        ("350,000 asylum cases closed", 350_000, 5_000, "exact"),
        ("over 2 million encounters", 2_000_000, 500_000, "above"),
        ("nearly 90% pass", 90, 5, "near"),  # trailing zeros are rounding: 85–95
        ("9.5m encounters", 9_500_000, 50_000, "exact"),
    ],
)
def test_a_claim_is_read_with_its_own_rounding(text, value, precision, direction):
    (claim,) = find_claims(text)
    assert (claim.value, claim.precision, claim.direction) == (value, precision, direction)


def test_years_and_small_counts_are_not_claims():
    assert find_claims("encounters in 2023 in the first 3 months") == []
    claims = find_claims("Did 2.4 million cross in 2023?")
    assert [c.text for c in claims] == ["2.4 million"]
    assert without_claims("Did 2.4 million cross in 2023?", claims) == "Did cross in 2023?"


def test_the_verdict_allows_the_claims_rounding_and_direction():
    (about,) = find_claims("5 million")
    assert verdict(about, 5_400_000) == "consistent"
    assert verdict(about, 5_600_000) == "higher"
    assert verdict(about, 4_400_000) == "lower"
    (over,) = find_claims("over 2 million")
    assert verdict(over, 2_900_000) == "consistent" and verdict(over, 1_400_000) == "lower"
    assert verdict(about, None) == "not in the data"


@pytest.mark.parametrize(
    ("claim", "data", "result"),
    [
        ("over 1 million", 967_400, "lower"),  # a round bound is a threshold, met or not
        ("more than a million", 705_752, "lower"),
        ("over 2 million", 1_600_000, "lower"),
        ("over 3 million", 3_884_956, "consistent"),
        ("over 302,000", 301_981, "consistent"),  # may be 301,981 rounded: half a thousand
        ("over 302,000", 301_400, "lower"),
        ("under 300,000", 300_400, "higher"),
        ("under 305,000", 305_400, "consistent"),
        ("fewer than 2 million", 100, "consistent"),  # a bare bound says nothing more
        ("nearly 2 million", 100, "lower"),  # "nearly" is close to it
        ("nearly 2 million", 1_700_000, "consistent"),
        ("almost 1 million", 1_010_000, "higher"),  # and not above it
        ("topped 600,000", 670_674, "consistent"),  # a verb of exceeding is a bound too
        ("exceeded 3 million", 2_990_000, "lower"),
    ],
)
def test_a_bound_is_a_threshold_and_nearly_is_close_below(claim, data, result):
    (read,) = find_claims(claim)
    assert verdict(read, data) == result


def test_a_question_with_a_number_gets_a_verdict_line_first(engine):
    answer = engine.ask("Did 2.4 million migrants cross the border in 2023?")
    plain = engine.ask("migrants cross the border in 2023")
    assert answer.value == plain.value
    (line,) = answer.verdicts
    assert line.startswith(f"The data shows {plain.value_text} (")
    assert "the claim says “2.4 million”" in line and line.endswith("the data is higher.")
    assert not any(word in line.lower().split() for word in NEUTRAL_BANNED)


def test_a_claim_within_rounding_is_consistent_and_a_missing_figure_is_said(engine):
    backlog = engine.ask("immigration court backlog 2024")
    rounded = f"{backlog.value / 1e6:.1f} million"
    assert (
        "consistent within the claim's rounding"
        in engine.ask(f"a backlog of {rounded} in 2024").verdicts[0]
    )
    missing = engine.ask("350,000 asylum cases closed in 1850")
    assert missing.verdicts[0].startswith("Claim “350,000”: not in the data")


def test_a_percent_is_never_compared_with_a_count(engine):
    answer = engine.ask("Do 90% of migrants get encountered in 2023?")
    assert "not in the data" in answer.verdicts[0]


def test_the_cli_checks_each_sentence_with_a_number(capsys, built_db, monkeypatch):
    monkeypatch.setenv("IMMISTATS_DB", str(built_db))
    code = main(["check", "The backlog is 3.5 million. Hello there. Refugee cap 2024 was 125,000."])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count("the claim says") == 2 and "Hello there" not in out


def test_the_cli_says_when_there_is_no_number(capsys, built_db, monkeypatch):
    monkeypatch.setenv("IMMISTATS_DB", str(built_db))
    assert main(["check", "encounters went up"]) == 2
    assert "No number to check" in capsys.readouterr().err


async def test_check_on_discord_puts_the_verdict_first(standin, bot):
    reply = await standin.send(bot, slash_payload("check", {"claim": "a backlog of 3.5 million"}))
    assert reply.type == CHANNEL_MESSAGE and not standin.errors
    assert reply.final.embed["description"].startswith("⚖️ The data shows ")


async def test_check_without_a_number_is_told_privately(standin, bot):
    reply = await standin.send(bot, slash_payload("check", {"claim": "encounters went up"}))
    assert reply.ephemeral and "no number to check" in reply.final.content


def message_payload(content: str) -> dict:
    """A "Check the numbers" message-command interaction, carrying the message as Discord does."""
    message_id = str(snowflake())
    payload = slash_payload("Check the numbers")
    message = {
        "id": message_id,
        "channel_id": payload["channel_id"],
        "author": {
            "id": str(USER_ID + 1),
            "username": "poster",
            "discriminator": "0",
            "avatar": None,
        },
        "content": content,
        "timestamp": "2026-11-20T12:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": 0,
    }
    payload["data"] |= {
        "type": 3,
        "target_id": message_id,
        "resolved": {"messages": {message_id: message}},
    }
    payload["data"].pop("options", None)
    return payload


async def test_the_message_command_checks_each_claimed_number(standin, bot):
    text = "The court backlog is 3.5 million. Nice weather. 25 million people naturalized in 2023."
    reply = await standin.send(bot, message_payload(text))
    assert not standin.errors
    embeds = reply.final.embeds
    assert len(embeds) == 2
    assert "3.5 million" in embeds[0]["description"] and "25 million" in embeds[1]["description"]
    assert embeds[1]["description"].startswith("⚖️ The data shows ")


def test_a_claimed_count_with_no_period_gets_the_latest_year_but_no_verdict(engine):
    answer = engine.ask("Have over 400,000 migrants come in through CHNV?")
    assert answer.value is not None
    assert answer.verdicts[0].startswith("Claim “over 400,000” names no period")
    assert "no verdict" in answer.verdicts[0]
    assert not any(w in answer.verdicts[0] for w in ("is lower", "is higher", "consistent"))


def test_two_claimed_numbers_for_two_years_are_each_set_beside_their_own_year(engine):
    answer = engine.ask("Did deportations fall from 276,122 in 2019 to 81,547 in 2022?")
    fy2019, fy2022 = engine.ask("deportations 2019"), engine.ask("deportations 2022")
    assert answer.verdicts[0].startswith(f"The data shows {fy2019.value_text} (")
    assert "FY2019" in answer.verdicts[0] and "“276,122”" in answer.verdicts[0]
    assert answer.verdicts[1].startswith(f"The data shows {fy2022.value_text} (")
    assert "FY2022" in answer.verdicts[1] and "“81,547”" in answer.verdicts[1]


def test_a_claim_is_never_set_beside_one_side_of_two_administrations(engine):
    answer = engine.ask("Did Biden raise the refugee cap to 62,500 from Trump's 15,000?")
    assert len(answer.verdicts) == 2
    assert all("not set beside one of them" in v for v in answer.verdicts)


@pytest.mark.parametrize(
    "question",
    [
        "Were over 300,000 Venezuelans encountered at the border in 2023?",
        "Did encounters of Venezuelans go from 50,000 in 2021 to 300,000 in 2023?",
    ],
)
def test_the_verdict_names_the_breakdown_its_figure_is_for(engine, question):
    """334,914 is Venezuelans' encounters, not all encounters: the verdict line, read first and
    alone, must say so as the headline does."""
    answer = engine.ask(question)
    assert answer.verdicts
    assert all("citizenship: Venezuela" in verdict for verdict in answer.verdicts)


@pytest.mark.parametrize(
    "question",
    [
        "Did ICE record just under 200,000 deportations by August 2025?",  # a month; yearly data
        "Were there more than 1 million deportations from 2019 to 2025?",  # a year missing
    ],
)
def test_no_verdict_when_the_figure_is_for_another_period_than_asked(engine, question):
    """A whole year set beside a claim about a month would judge a different quantity."""
    answer = engine.ask(question)
    assert answer.value is not None and answer.stands_in
    (line,) = answer.verdicts
    assert "no verdict" in line and "not for the period asked" in line


def test_a_verb_of_counting_before_the_number_is_not_a_record_question(engine):
    answer = engine.ask("Did ICE record 271,484 deportations in fiscal 2024?")
    assert answer.command == "ice-removals" and "highest" not in answer.headline
    (line,) = answer.verdicts
    assert "“271,484”" in line and line.endswith("consistent within the claim's rounding.")
