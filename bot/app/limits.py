"""The per-user question allowance, shared by every command that queries the data."""

from discord import app_commands
from discord.ext import commands


class QuestionLimiter:
    """About five questions per ten seconds per user, shared by every command that queries."""

    def __init__(self, rate: int = 5, per: float = 10.0):
        self.cooldown = app_commands.Cooldown(rate, per)
        self._mapping: commands.CooldownMapping[int] = commands.CooldownMapping(
            self.cooldown, lambda user_id: user_id
        )

    def retry_after(self, user_id: int) -> float | None:
        """Take one question from the user's allowance; seconds to wait when there is none left."""
        return self._mapping.update_rate_limit(user_id)
