"""Questions as real people wrote them, each from the public page it was found on
(tests/fixtures/real_questions.csv: news, fact-checks, forums, agency releases).

Each row asserts what was reviewed as right: the command and figure, or no figure at all. "no
figure (gap)" marks a refusal where the data has the figure but the reading does not reach it yet —
a refusal, never a wrong figure. "skip" rows were reviewed and are not asserted (their answer is
defensible but not clearly right; see the fixture's notes).
"""

import csv
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "real_questions.csv"
ROWS = list(csv.DictReader(FIXTURE.open(encoding="utf-8")))
ASSERTED = [r for r in ROWS if r["outcome"] != "skip"]
NO_FIGURE = ("no figure", "no figure (gap)")


def test_the_table_is_large_and_every_row_names_its_page():
    assert len(ASSERTED) >= 300
    must_not_answer = [r for r in ASSERTED if r["kind"] in ("refuse", "definition")]
    assert len(must_not_answer) >= 60
    assert all(r["outcome"] in NO_FIGURE for r in must_not_answer)
    assert all(r["url"].startswith(("https://", "http://")) and r["page_title"] for r in ROWS)


@pytest.mark.parametrize("row", ASSERTED, ids=lambda r: r["question"][:60])
def test_a_real_question_gets_the_reviewed_answer(engine, row):
    answer = engine.ask(row["question"])
    if row["outcome"] in NO_FIGURE:
        assert answer.value is None, (answer.headline, row["url"])
        assert answer.headline  # a refusal always says why
    else:
        assert (answer.command, answer.value) == (row["command"], float(row["value"])), row["url"]
        assert answer.sources and answer.definition  # never a number without source and meaning
