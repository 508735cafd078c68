"""What /commands changes, once a moderator has said what: a command checked and previewed,
stored on Confirm, removed, or all of a server's state forgotten. Each change is one transaction
in the state store with who and when in the audit log; the server's catalog is dropped after it,
so the next question sees the change (no slash-command re-sync)."""

from __future__ import annotations

import logging
from functools import partial

from bot.app.answering import Prepared, answer_message, prepare
from bot.app.context import BotContext, Interaction
from bot.app.moderator_embeds import code, forgotten_text, preview_text, refusal_text, saved_text
from bot.app.moderator_views import ConfirmView, cancelled
from bot.app.respond import Refused, edit, off_loop, send
from bot.engine.catalog import Command
from bot.guilds.catalogs import including
from bot.guilds.moderation import Verdict, shadowing
from bot.guilds.state import StateError

log = logging.getLogger("immistats.discord")
ACTIONS = {False: "added", True: "edited"}


async def review(
    bot: BotContext, interaction: Interaction, toml: str, replacing: str | None
) -> None:
    """Validate against this server's catalog and the real database, then preview."""
    guild_id = interaction.guild_id
    catalogs, engine = bot.guild_catalogs, bot.service.engine
    may_attach = interaction.app_permissions.attach_files

    def check() -> tuple[Verdict, Prepared | None]:
        catalog = catalogs.catalog(guild_id)
        checking = catalogs.checking(guild_id, replacing)
        verdict = catalogs.validate(guild_id, toml, checking, replacing=replacing)
        if not verdict.ok or verdict.command is None:
            return verdict, None
        trial = including(catalog, verdict.command)
        ask = partial(engine.ask_command, verdict.command.name, catalog=trial)
        return verdict, prepare(ask, may_attach, bot.charts)

    verdict, prepared = await off_loop(interaction, check, ephemeral=True)
    editing = replacing is not None
    if prepared is None or verdict.command is None:
        raise Refused(refusal_text(verdict.problems, editing))
    command = verdict.command
    confirm = partial(save, bot, command=command, toml=toml, replacing=replacing)
    await send(
        interaction,
        content=preview_text(command, editing),
        view=ConfirmView(interaction, confirm, cancelled),
        ephemeral=True,
        **answer_message(prepared, None),
    )


async def save(
    bot: BotContext,
    interaction: Interaction,
    *,
    command: Command,
    toml: str,
    replacing: str | None,
) -> None:
    """Confirm: store it in one transaction, unless another moderator took its name or an
    alias since the preview; the server's catalog is rebuilt at its next question."""
    guild_id, user_id = interaction.guild_id, interaction.user.id
    assert guild_id is not None
    catalogs, store = bot.guild_catalogs, bot.state
    editing = replacing is not None

    def store_it() -> list[str]:
        if problems := shadowing(command, catalogs.checking(guild_id, replacing), replacing):
            return problems
        try:
            change = store.edit if editing else store.add
            change(guild_id, command.name, toml, user_id)
        except StateError as exc:
            return [str(exc)]
        catalogs.invalidate(guild_id)
        return []

    if problems := await off_loop(interaction, store_it, update=True):
        text = refusal_text(problems, editing)
        await edit(interaction, content=text, embeds=[], attachments=[], view=None)
        return
    log.info("guild %d: %s %r by %d", guild_id, ACTIONS[editing], command.name, user_id)
    await edit(interaction, content=saved_text(command, editing), view=None)


async def remove(bot: BotContext, interaction: Interaction, *, name: str) -> None:
    """Confirm of /commands remove: the command goes, its last version stays in the history."""
    guild_id = interaction.guild_id
    assert guild_id is not None
    catalogs, store = bot.guild_catalogs, bot.state

    def remove_it() -> str | None:
        try:
            store.remove(guild_id, name, interaction.user.id)
        except StateError as exc:
            return str(exc)
        catalogs.invalidate(guild_id)
        return None

    problem = await off_loop(interaction, remove_it, update=True)
    text = f"Not removed: {problem}." if problem else f"Removed {code(name)}."
    await edit(interaction, content=text, view=None)


async def forget(bot: BotContext, interaction: Interaction) -> None:
    """Confirm of /commands forget-server: everything the bot keeps about the server goes."""
    guild_id = interaction.guild_id
    assert guild_id is not None
    store = bot.state
    forgotten = await off_loop(interaction, partial(store.forget_guild, guild_id), update=True)
    bot.guild_catalogs.invalidate(guild_id)
    log.info("guild %d: its state was removed (forget-server) by %d", guild_id, interaction.user.id)
    await edit(interaction, content=forgotten_text(forgotten), view=None)
