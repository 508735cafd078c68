"""The moderators' form and their Confirm / Cancel buttons.

Both live in memory: after a restart an open form or preview is gone and nothing was stored,
which is the safe way round. Every submit and click checks Manage Server again (permissions can
change while a form is open), and only the moderator who opened a preview may answer it.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.app.command_form import FIELDS
from bot.app.context import Interaction
from bot.app.respond import Refused, edit, report_failure, tell

Submitted = Callable[[Interaction, dict[str, str]], Awaitable[None]]
Clicked = Callable[[Interaction], Awaitable[None]]

MANAGE_SERVER = "This needs the Manage Server permission."
IN_A_SERVER = "Moderator commands work in a server."
FORM_TIMEOUT = 30 * 60.0  # writing SQL takes a while
CONFIRM_TIMEOUT = 10 * 60.0
EXPIRED = "This expired; nothing was changed."
ALREADY = "This was already answered; nothing more was changed."


def moderator_refusal(interaction: Interaction) -> str | None:
    """Why this member may not change the server's commands, or None when they may.

    The bot checks this itself: `default_permissions` is only a hint a server can override."""
    if interaction.guild_id is None:
        return IN_A_SERVER
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        return MANAGE_SERVER
    return None


def check_moderator(interaction: Interaction) -> None:
    if refusal := moderator_refusal(interaction):
        raise Refused(refusal)


class CommandForm(discord.ui.Modal):
    """Name, title, words, SQL and sources of a prepared query; `values` prefill it for an edit."""

    def __init__(self, title: str, values: dict[str, str], on_submit: Submitted):
        super().__init__(
            title=title, timeout=FORM_TIMEOUT, custom_id=f"immistats:form:{secrets.token_hex(8)}"
        )
        self.submitted = on_submit
        self.inputs: dict[str, discord.ui.TextInput[Any]] = {}
        for field in FIELDS:
            text_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
                style=discord.TextStyle.paragraph if field.paragraph else discord.TextStyle.short,
                custom_id=f"immistats:form:{field.key}",
                placeholder=field.placeholder,
                default=values.get(field.key) or None,
                max_length=field.max_length,
            )
            self.inputs[field.key] = text_input
            label = discord.ui.Label(text=field.label, description=field.hint, component=text_input)
            self.add_item(label)

    async def on_submit(self, interaction: Interaction) -> None:  # type: ignore[override]
        check_moderator(interaction)
        await self.submitted(interaction, {k: i.value for k, i in self.inputs.items()})

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_failure(interaction, error)


class ConfirmView(discord.ui.View):
    """Confirm / Cancel under a preview or a removal; when it expires, the buttons go away."""

    def __init__(
        self,
        origin: Interaction,
        on_confirm: Clicked,
        on_cancel: Clicked,
        *,
        confirm_label: str = "Confirm",
    ):
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.origin = origin  # the interaction that showed the buttons: it can edit them later
        self.owner_id = origin.user.id
        self.pressed = False
        token = secrets.token_hex(8)
        for label, style, callback in (
            (confirm_label, discord.ButtonStyle.success, on_confirm),
            ("Cancel", discord.ButtonStyle.secondary, on_cancel),
        ):
            button: discord.ui.Button[ConfirmView] = discord.ui.Button(
                label=label, style=style, custom_id=f"immistats:{label.lower()}:{token}"
            )
            button.callback = self._once(callback)  # type: ignore[method-assign]
            self.add_item(button)

    def _once(self, callback: Clicked) -> Clicked:
        """The first press does the work; any press after it (a double click, a press arriving
        while the first is saved) is told so and changes nothing."""

        async def answered(interaction: Interaction) -> None:
            if self.pressed:
                await tell(interaction, ALREADY)
                return
            self.pressed = True
            self.stop()
            await callback(interaction)

        return answered

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        if interaction.user.id != self.owner_id:
            raise Refused("Only the moderator who asked can answer this.")
        check_moderator(interaction)
        return True

    async def on_timeout(self) -> None:
        with contextlib.suppress(discord.HTTPException):
            await self.origin.edit_original_response(
                content=EXPIRED, embeds=[], attachments=[], view=None
            )

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_failure(interaction, error)


async def cancelled(interaction: Interaction) -> None:
    """Cancel: the buttons go away and nothing is stored."""
    await edit(
        interaction, content="Cancelled: nothing was changed.", embeds=[], attachments=[], view=None
    )
