"""The counting rules against EOIR's real decoder wording (tests/fixtures/eoir, see ORIGIN.md).

No copy of tblLookupCourtDecision keyed by case type exists outside the release, so the
synthetic release builds one; these tests keep it honest: its descriptions are EOIR's own, and
the rules put EOIR's real descriptions in the groups docs/eoir-case-data.md states.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bot.data.importers.eoir import rules
from tests.fixtures.eoir.synthetic import DECISION_LOOKUP, lookup_json

FIXTURES = Path(__file__).parent / "fixtures" / "eoir"
# "Remove" (RMV's X) is in neither partial copy; the research notes read it in analysis code
# that joined the real lookup (sdut-datadesk/asylum's data dictionary).
NOT_IN_THE_COPIES = {("X", "Remove")}


def real_descriptions() -> set[tuple[str, str]]:
    """(code, description) pairs of the two partial real copies of tblLookupCourtDecision."""
    with open(FIXTURES / "tblLookupCourtDecision_descriptions.csv", newline="") as handle:
        pairs = {(r["strDecCode"], r["strDecDescription"]) for r in csv.DictReader(handle)}
    collapsed = json.loads((FIXTURES / "tblLookupCourtDecision.json").read_text("utf-8"))
    return pairs | set(collapsed.items())


def test_the_synthetic_decision_lookup_uses_eoir_wording():
    synthetic = {(code, text) for _, code, text in DECISION_LOOKUP}
    assert synthetic - real_descriptions() == NOT_IN_THE_COPIES


@pytest.mark.parametrize(
    ("kind", "description", "group"),
    [
        ("C", "Voluntary Departure", "voluntary departure"),
        ("C", "Relief Granted", "relief granted"),
        ("C", "Remove-INA Withholding Granted", "relief granted"),
        ("C", "Grant-CAT Withholding", "relief granted"),
        ("C", "Final Grant of EOIR 42B/SUSP", "relief granted"),
        ("C", "Terminated", "terminated"),
        ("C", "Prosecutorial Discretion - Terminated", "terminated"),
        ("C", "Dismissed by IJ", "dismissed"),
        ("C", "Deport", "removal order"),
        ("C", "Deny", "relief denied"),
        ("O", "Administrative Closing - Other", "administratively closed"),
        ("O", "Administrative closing - Failure to Appear", "administratively closed"),
        ("O", "Administrative Closure", "administratively closed"),
        ("O", "In Court Prosecutorial Discretion - Admin Closure", "administratively closed"),
        ("O", "Prosecutorial Discretion - Admin Close", "administratively closed"),
        ("O", "Change of Venue", rules.CHANGE_OF_VENUE),
        ("O", "Transfer", rules.CHANGE_OF_VENUE),
        ("O", "Jurisdiction Transferred to the BIA", "other administrative completion"),
        ("O", "Failure to Prosecute (DHS cases only)", "other administrative completion"),
        ("O", "Temporary Protected Status", "other administrative completion"),
        ("O", "Other Administrative Completion", "other administrative completion"),
    ],
)
def test_eoir_real_descriptions_fall_in_the_documented_groups(kind, description, group):
    assert description in {text for _, text in real_descriptions()}
    assert rules.completion_outcome(kind, description) == group


def test_every_real_application_decision_has_its_group():
    """tblLookupCourtAppDecisions is copied whole (real): each of its 14 codes is grouped."""
    groups = {
        code: rules.application_outcome(text)
        for code, text in lookup_json("tblLookupCourtAppDecisions").items()
    }
    assert len(groups) == 14
    assert {c for c, g in groups.items() if g == "granted"} == {"C", "F", "G", "I", "P"}
    assert groups["L"] == "other"  # GRANT WCAT: EOIR counts it among "other"
    assert (groups["D"], groups["A"], groups["W"], groups["M"], groups["S"]) == (
        "denied",
        "abandoned",
        "withdrawn",
        "not adjudicated",
        "administratively closed",
    )
