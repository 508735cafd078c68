"""Running the Discord bot and syncing its slash commands: the token is read here, and a missing
or refused one is said in one line."""

import argparse
import sys
from collections.abc import Callable

from bot.cli.building import (
    ready_database,
)
from bot.settings import SettingsError

NO_TOKEN = (
    "DISCORD_TOKEN is not set: put the bot's token in the environment or in a .env file "
    "(DISCORD_TOKEN=...) in this folder; see README, section Discord."
)


BAD_TOKEN = (
    "Discord refused the token in DISCORD_TOKEN: copy it again from the Bot page of your "
    "application in the Discord developer portal."
)


def discord_token() -> str | None:
    from bot.settings import setting

    token = setting("DISCORD_TOKEN")
    if not token:
        print(f"immistats: {NO_TOKEN}", file=sys.stderr)
    return token


def talk_to_discord(run: Callable[[], object]) -> int:
    """Run the bot; the failures a person can fix are one line on stderr, not a traceback."""
    import logging

    import aiohttp
    import discord

    from bot.engine.freshness import StaleDatabase

    discord.utils.setup_logging(level=logging.INFO, root=True)  # stderr, with timestamps
    try:
        run()
    except (SettingsError, StaleDatabase) as exc:
        print(f"immistats: {exc}", file=sys.stderr)
    except discord.LoginFailure:
        print(f"immistats: {BAD_TOKEN}", file=sys.stderr)
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
        print(f"immistats: cannot reach Discord ({exc}).", file=sys.stderr)
    else:
        return 0
    return 1


def cmd_serve(args: argparse.Namespace) -> int:
    if not (token := discord_token()):
        return 1
    ready_database()
    from bot.app.client import create_bot

    def run() -> None:
        bot = create_bot()
        bot.warm_charts = args.warm
        bot.run(token, log_handler=None)

    return talk_to_discord(run)


def cmd_sync(args: argparse.Namespace) -> int:
    if not (token := discord_token()):
        return 1
    ready_database()
    import asyncio

    from bot.app.client import create_bot, sync_global

    def sync() -> None:
        count = asyncio.run(sync_global(create_bot(), token))
        print(f"synced {count} slash commands globally (every server the bot is in)")

    return talk_to_discord(sync)
