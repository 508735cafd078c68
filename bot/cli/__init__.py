"""The `immistats` command: ask questions, build the database, import official files, run the bot.

`entry.py` holds the subcommands and `main()`; `asking.py`, `building.py` and `serving.py` what
each group of them does.
"""

from bot.cli.entry import main, parser
from bot.cli.serving import BAD_TOKEN, NO_TOKEN

__all__ = ["BAD_TOKEN", "NO_TOKEN", "main", "parser"]
