"""/commands: moderators add, test and retire this server's prepared queries, on the record.

A query comes from the form or a .toml file, goes through the same validator as commands/*.toml
in CI (bot.guilds.moderation.validate: read-only sandbox, time and row caps, no shadowing), is answered
once as a preview only the moderator sees, and is stored only on Confirm, with who and when in the
audit log. Members ask it at once through /ask and /run: no slash-command re-sync. What each
change does once confirmed is in bot.app.moderator_changes; this module is the commands' doors.
"""

from __future__ import annotations

import asyncio
import io
from functools import partial
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.command_form import FIELDS, form_toml, form_values
from bot.app.context import BotContext, Interaction
from bot.app.moderator_changes import forget, remove, review
from bot.app.moderator_embeds import (
    FORGET_QUESTION,
    code,
    history_embed,
    history_text,
    list_embed,
    reports_embed,
    show_embed,
    wanted_embed,
)
from bot.app.moderator_inputs import read_toml, stored_names
from bot.app.moderator_views import (
    CommandForm,
    ConfirmView,
    cancelled,
    check_moderator,
)
from bot.app.respond import Refused, off_loop, send
from bot.guilds.hidden import hidden_built_ins
from bot.guilds.state import GuildCommand

MAX_COMMANDS = 100  # per server: keeps /commands list and /run's choices readable
HISTORY_SHOWN = 15
WANTED_SHOWN = 20
REPORTS_SHOWN = 15
Unit = app_commands.Range[str, 1, 40]
Name = app_commands.Range[str, 1, 41]


@app_commands.default_permissions(manage_guild=True)  # a hint for Discord; the bot checks itself
@app_commands.guild_only()
class Moderators(
    commands.GroupCog,
    group_name="commands",
    group_description="Moderators: this server's own prepared queries",
):
    """Add, show, edit, remove, export; the audit log, the questions nothing answered, members'
    reports of wrong-looking answers; and forget-server, which removes all of the server's state.

    State reads are single indexed lookups, run in a thread without deferring so that a form can
    still be the first response; validating and previewing run through off_loop."""

    def __init__(self, bot: BotContext, max_commands: int = MAX_COMMANDS):
        self.bot = bot
        self.max_commands = max_commands

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        check_moderator(interaction)
        return True

    async def _stored(self, interaction: Interaction, name: str) -> GuildCommand:
        found = await asyncio.to_thread(self.bot.state.command, interaction.guild_id, name.strip())
        if found is None:
            raise Refused(
                f"This server has no command named {code(name.strip())}; `/commands list` shows "
                "them (built-in commands live in commands/ and change by pull request)."
            )
        return found

    # ----- add and edit: form or file -> validate -> preview -> Confirm (moderator_changes)

    async def _form_submitted(
        self,
        interaction: Interaction,
        form: dict[str, str],
        *,
        unit: str | None,
        chart: str | None,
        base: GuildCommand | None,
    ) -> None:
        toml = form_toml(form, unit=unit, chart=chart, base=base.toml if base else None)
        await review(self.bot, interaction, toml, replacing=base.name if base else None)

    async def _file_submitted(
        self, interaction: Interaction, file: discord.Attachment, replacing: str | None
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await review(self.bot, interaction, await read_toml(file), replacing)

    @app_commands.command(name="add", description="Add a prepared query: a form, or a .toml file")
    @app_commands.describe(
        file="A command file (.toml, see commands/README.md) instead of the form",
        unit="For the form: what is counted (cases, persons, percent …); default cases",
        chart="For the form: the chart kind; default bar",
    )
    async def add_command(
        self,
        interaction: Interaction,
        file: discord.Attachment | None = None,
        unit: Unit | None = None,
        chart: Literal["bar", "line"] | None = None,
    ) -> None:
        stored = await asyncio.to_thread(self.bot.state.commands, interaction.guild_id)
        if len(stored) >= self.max_commands:
            raise Refused(
                f"This server has {len(stored)} commands, the most it may have; remove one first."
            )
        if file is not None:
            await self._file_submitted(interaction, file, replacing=None)
            return
        submitted = partial(self._form_submitted, unit=unit, chart=chart, base=None)
        await interaction.response.send_modal(CommandForm("Add a command", {}, submitted))

    @app_commands.command(name="edit", description="Change one of this server's commands")
    @app_commands.describe(
        name="The command to change",
        file="Its new file (.toml) instead of the form; /commands export gives the current one",
        unit="For the form: a new unit",
        chart="For the form: a new chart kind",
    )
    @app_commands.autocomplete(name=stored_names)
    async def edit_command(
        self,
        interaction: Interaction,
        name: Name,
        file: discord.Attachment | None = None,
        unit: Unit | None = None,
        chart: Literal["bar", "line"] | None = None,
    ) -> None:
        stored = await self._stored(interaction, name)
        if file is not None:
            await self._file_submitted(interaction, file, replacing=stored.name)
            return
        values = form_values(stored.toml)
        if any(len(values[f.key]) > f.max_length for f in FIELDS):
            raise Refused(
                f"{code(stored.name)} is too long for the form: `/commands export` gives its "
                f"file; change it and attach it with `/commands edit name:{stored.name} file:`."
            )
        submitted = partial(self._form_submitted, unit=unit, chart=chart, base=stored)
        await interaction.response.send_modal(CommandForm("Edit a command", values, submitted))

    # ----- remove

    @app_commands.command(name="remove", description="Retire one of this server's commands")
    @app_commands.describe(name="The command to remove (its history is kept)")
    @app_commands.autocomplete(name=stored_names)
    async def remove_command(self, interaction: Interaction, name: Name) -> None:
        stored = await self._stored(interaction, name)
        confirm = partial(remove, self.bot, name=stored.name)
        await send(
            interaction,
            content=(
                f"Remove {code(stored.name)}? Members will no longer get answers from it; "
                "`/commands history` keeps its last version."
            ),
            view=ConfirmView(interaction, confirm, cancelled, confirm_label="Remove"),
            ephemeral=True,
        )

    # ----- reading: list, show, export, history, wanted

    @app_commands.command(name="list", description="This server's own commands")
    async def list_commands(self, interaction: Interaction) -> None:
        stored = await asyncio.to_thread(self.bot.state.commands, interaction.guild_id)
        catalog = await self.bot.catalog_for(interaction, ephemeral=True)
        skipped = self.bot.service.catalog.skipped  # malformed files in commands/
        await send(interaction, embed=list_embed(stored, catalog, skipped), ephemeral=True)

    @app_commands.command(name="show", description="One of this server's commands, as stored")
    @app_commands.describe(name="The command to show")
    @app_commands.autocomplete(name=stored_names)
    async def show_command(self, interaction: Interaction, name: Name) -> None:
        stored = await self._stored(interaction, name)
        guild_id, catalogs = interaction.guild_id, self.bot.guild_catalogs
        assert guild_id is not None

        def status() -> tuple[list[str], tuple[str, ...]]:
            """Why it does not answer, if it doesn't, and the built-ins it hides here."""
            hides = hidden_built_ins(catalogs.catalog(guild_id)).get(stored.name, ())
            return catalogs.why_not_answering(guild_id, stored), hides

        found, hides = await off_loop(interaction, status, ephemeral=True)
        await send(interaction, embed=show_embed(stored, found, hides), ephemeral=True)

    @app_commands.command(name="export", description="A command's .toml file, for a pull request")
    @app_commands.describe(name="The command to export")
    @app_commands.autocomplete(name=stored_names)
    async def export_command(self, interaction: Interaction, name: Name) -> None:
        stored = await self._stored(interaction, name)
        file = discord.File(io.BytesIO(stored.toml.encode()), filename=f"{stored.name}.toml")
        await send(
            interaction,
            content=(
                f"{code(stored.name + '.toml')}: to offer it to every server, add it to "
                "`commands/` in a pull request; CI checks it with `immistats commands check`."
            ),
            file=file,
            ephemeral=True,
        )

    @app_commands.command(name="history", description="Who changed this server's commands, when")
    async def history_log(self, interaction: Interaction) -> None:
        entries = await asyncio.to_thread(
            self.bot.state.history, interaction.guild_id, HISTORY_SHOWN
        )
        message: dict[str, Any] = {"embed": history_embed(entries)}
        if entries:
            text = history_text(entries).encode()
            message["file"] = discord.File(io.BytesIO(text), filename="history.txt")
        await send(interaction, ephemeral=True, **message)

    @app_commands.command(
        name="wanted", description="Questions nothing answered here, most asked first"
    )
    async def wanted_questions(self, interaction: Interaction) -> None:
        wanted = await asyncio.to_thread(self.bot.state.wanted, interaction.guild_id, WANTED_SHOWN)
        await send(interaction, embed=wanted_embed(wanted), ephemeral=True)

    @app_commands.command(
        name="reports", description="Answers members said look wrong here, newest first"
    )
    async def problem_reports(self, interaction: Interaction) -> None:
        store = self.bot.state
        reports = await asyncio.to_thread(store.reports, interaction.guild_id, REPORTS_SHOWN)
        await send(interaction, embed=reports_embed(reports, store.keep_days), ephemeral=True)

    # ----- forget-server: everything the bot keeps about this server, removed

    @app_commands.command(
        name="forget-server",
        description="Remove this server's commands, history, unanswered questions and reports",
    )
    async def forget_server(self, interaction: Interaction) -> None:
        await send(
            interaction,
            content=FORGET_QUESTION,
            view=ConfirmView(
                interaction, partial(forget, self.bot), cancelled, confirm_label="Remove all"
            ),
            ephemeral=True,
        )


async def setup(bot: BotContext) -> None:
    """Extension entry point: `load_extension` calls this from the bot's setup_hook."""
    await bot.add_cog(Moderators(bot))
