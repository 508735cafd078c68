"""`python -m bot.cli …` runs the command as `immistats …` does."""

import sys

from bot.cli.entry import main

sys.exit(main())
