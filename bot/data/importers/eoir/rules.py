"""Which cases count and what each decoded outcome counts as: the rules behind every EOIR figure.

The release's own lookup tables turn codes into descriptions ("Remove-INA Withholding Granted");
these rules turn descriptions into the outcome groups the tables report. They are words matched in
the description, in order, so a code EOIR adds later lands in a group by its wording, and anything
the rules do not recognise is reported by the import (never guessed silently).
docs/eoir-case-data.md states the same rules in prose; RULES_VERSION changes when they change.
"""

from __future__ import annotations

RULES_VERSION = "1"

# EOIR's asylum tables cover "removal, deportation, exclusion, and asylum-only proceedings".
CASE_TYPES = ("RMV", "DEP", "EXC", "AOC")
ASYLUM_APPLICATION = "ASYL"

NO_DECISION = "no decision recorded"  # an application on a completed proceeding without APPL_DEC
NO_OUTCOME = "no outcome recorded"  # a completion date without DEC_CODE or OTHER_COMP
UNDECODED = "undecoded"  # a code the release's own lookup table does not have
CHANGE_OF_VENUE = "change of venue or transfer"  # not a case ending: the case goes on elsewhere

# Asylum application decisions (tblLookupCourtAppDecisions descriptions), first match wins.
APPLICATION_RULES = (
    ("WCAT", "other"),  # "GRANT WCAT": EOIR counts it among "other", not asylum grants
    ("GRANT", "granted"),
    ("DENY", "denied"),
    ("DENIED", "denied"),
    ("ABANDON", "abandoned"),
    ("WITHDRAW", "withdrawn"),
    ("NOT ADJUDICATED", "not adjudicated"),
    ("ADMIN CLOS", "administratively closed"),
    ("RESERVED", "other"),
    ("COV/TRANSFER", "other"),
)
APPLICATION_OTHER = "other"  # OTHER, RESERVED, COV/TRANSFER and anything not matched above
MERITS = ("granted", "denied")  # TRAC's "decisions on the merits"

# One application per case is counted; when a case has several asylum applications on the
# completion counted, the first group in this order wins (a granted one over a moot duplicate).
APPLICATION_PRIORITY = (
    "granted",
    "denied",
    "abandoned",
    "withdrawn",
    "not adjudicated",
    "administratively closed",
    "other",
    UNDECODED,
    NO_DECISION,
)

DECISION_OTHER = "other decision"

# Proceeding completions: DEC_CODE (decision type C) and OTHER_COMP (type O) descriptions.
DECISION_RULES = (
    ("VOLUNTARY DEPARTURE", "voluntary departure"),
    ("GRANT", "relief granted"),  # incl. "Remove-INA Withholding Granted": allowed to remain
    ("TERMINAT", "terminated"),  # incl. "Prosecutorial Discretion - Terminated"
    ("DISMISS", "dismissed"),
    ("REMOV", "removal order"),
    ("DEPORT", "removal order"),
    ("EXCLU", "removal order"),
    ("DENY", "relief denied"),  # asylum-only cases: "Deny"
    ("DENIED", "relief denied"),
    ("WITHDRAW", DECISION_OTHER),
)
OTHER_COMPLETION_OTHER = "other administrative completion"  # TPS, failure to prosecute, other
OTHER_COMPLETION_RULES = (
    ("CHANGE OF VENUE", CHANGE_OF_VENUE),
    ("JURISDICTION", OTHER_COMPLETION_OTHER),  # "Jurisdiction Transferred to the BIA"
    ("TRANSFER", CHANGE_OF_VENUE),
    ("CLOS", "administratively closed"),  # incl. prosecutorial discretion closures
    ("TEMPORARY PROTECTED", OTHER_COMPLETION_OTHER),
    ("FAILURE TO PROSECUTE", OTHER_COMPLETION_OTHER),
)


def classify(description: str, rules: tuple[tuple[str, str], ...], fallback: str) -> str:
    """The group of the first rule whose words appear in the description (case ignored)."""
    text = description.upper()
    return next((group for words, group in rules if words in text), fallback)


def application_outcome(description: str) -> str:
    return classify(description, APPLICATION_RULES, APPLICATION_OTHER)


def completion_outcome(decision_type: str, description: str) -> str:
    """DEC_CODE rows are type C (merits decisions), OTHER_COMP rows type O (administrative)."""
    if decision_type == "C":
        return classify(description, DECISION_RULES, DECISION_OTHER)
    return classify(description, OTHER_COMPLETION_RULES, OTHER_COMPLETION_OTHER)


def recognised(description: str, decision_type: str | None) -> bool:
    """Whether a rule matched (or the description is EOIR's own "other"): unmatched ones are
    listed by the import so a maintainer sees a new wording."""
    rules = (
        APPLICATION_RULES
        if decision_type is None
        else DECISION_RULES
        if decision_type == "C"
        else OTHER_COMPLETION_RULES
    )
    text = description.upper()
    return "OTHER" in text or any(words in text for words, _ in rules)
