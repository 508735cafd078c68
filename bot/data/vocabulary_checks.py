"""Checks on data/vocabulary.csv: known kinds, lower-case phrases, a meaning for every non-filler word.

The reader trusts this file to say which words name places, topics and operations, so a typo here
(an upper-case phrase never matches, a topic without a name cannot be told to the user) is refused
at build time like any other data problem.
"""

import pandas as pd

from bot.data.files import VOCABULARY
from bot.data.problems import Problem
from bot.engine.vocabulary import KINDS, OPERATIONS


def check_vocabulary(frame: pd.DataFrame) -> list[Problem]:
    problems = []
    for index, row in frame.iterrows():
        line = int(index) + 2
        phrase, kind, meaning = row["phrase"], row["kind"], row["meaning"]
        if kind not in KINDS:
            problems.append(Problem(VOCABULARY.file, line, f"kind {kind!r} is not one of {KINDS}"))
        if not phrase.strip() or phrase != phrase.strip().lower():
            problems.append(Problem(VOCABULARY.file, line, "phrase must be lower-case words"))
        if kind not in ("filler", "generic") and not meaning.strip():
            problems.append(Problem(VOCABULARY.file, line, f"a {kind} needs a meaning"))
        if kind == "operation" and meaning not in OPERATIONS:
            problems.append(
                Problem(VOCABULARY.file, line, f"operation {meaning!r} is not one of {OPERATIONS}")
            )
    return problems
