"""What each distinct code of a table is, decided in Python by the release's own lookups and the
rules, once per code: the compiled loops (passes.py) look the answers up by the code's number.

A code is normalised (`normal`: no NUL bytes, no stray spaces, upper case) before it is compared
with the lookups' codes. Codes are decoded as UTF-8 until one is not UTF-8; the release's own
encoding, Latin-1, is then used for all of them (`TableCodes`). If that changes what an earlier
code was taken to be, the table is read again in Latin-1 from the start (`changed`).
"""

from __future__ import annotations

import numpy as np

from bot.data.importers.eoir import rules
from bot.data.importers.eoir.codes import CodeColumn, code_bytes
from bot.data.importers.eoir.lookups import Lookups

PRIORITY = {group: rank for rank, group in enumerate(rules.APPLICATION_PRIORITY)}


def normal(value: str) -> str:
    """A code as the lookups write it."""
    return value.replace("\0", "").strip().upper()


def completion(case_type: str, dec_code: str, other_comp: str, lookups: Lookups) -> tuple:
    """(field, code, outcome) of one normalised combination."""
    if dec_code:
        field, code, kind = "DEC_CODE", dec_code, "C"
    elif other_comp:
        field, code, kind = "OTHER_COMP", other_comp, "O"
    else:
        return "", "", rules.NO_OUTCOME
    text = lookups.court_decisions.get((case_type, kind, code))
    outcome = rules.UNDECODED if text is None else rules.completion_outcome(kind, text)
    return field, code, outcome


def venue_codes(lookups: Lookups) -> set[tuple[str, str]]:
    """(case type, OTHER_COMP) pairs that move a case elsewhere rather than end it."""
    return {
        (case_type, code)
        for (case_type, kind, code), text in lookups.court_decisions.items()
        if kind == "O" and rules.completion_outcome(kind, text) == rules.CHANGE_OF_VENUE
    }


def application_priorities(lookups: Lookups) -> dict[str, int]:
    """Each APPL_DEC code of the release's lookup -> the rank of its group ('' = no decision);
    a code the lookup lacks ranks as undecoded."""
    ranks = {"": PRIORITY[rules.NO_DECISION]}
    for code, text in lookups.application_decisions.items():
        ranks[code.replace("'", "")] = PRIORITY[rules.application_outcome(text)]
    return ranks


class TableCodes:
    """The numbered code columns of one table, decoded to text in one encoding for all."""

    def __init__(self, columns: int, long_codes: dict[int, bytes], encoding: str = "utf-8") -> None:
        self.columns = [CodeColumn() for _ in range(columns)]
        self.long_codes = long_codes
        self.encoding = encoding
        self.changed = False  # Latin-1 was found after codes had been taken as UTF-8

    def texts(self, column: int) -> list[str]:
        """Each code of the column as written, in the order of its number."""
        return [
            code_bytes(int(key), self.long_codes).decode(self.encoding)
            for key in self.columns[column].keys_in_order()
        ]

    def settle_encoding(self) -> bool:
        """Latin-1 from now on if a code is not UTF-8; True if the encoding changed."""
        if self.encoding != "utf-8":
            return False
        try:
            for column in range(len(self.columns)):
                self.texts(column)
        except UnicodeDecodeError:
            self.encoding = "latin-1"
            return True
        return False


def numbered(texts: list[str], known: list[str]) -> np.ndarray:
    """Each text's place in `known` (-1: not there)."""
    places = {text: n for n, text in enumerate(known)}
    return np.array([places.get(t, -1) for t in texts] or [-1], dtype=np.int64)


class Facts:
    """Arrays of facts per code number (arrays()[n] indexed by the numbers of code column
    INDEXED_BY[n]), recomputed when codes are added. Numbers only grow, so an earlier code's
    facts stay where they were unless the encoding changed."""

    INDEXED_BY: tuple[int, ...] = ()

    def __init__(self) -> None:
        self.known: list[int] = []  # each code column's codes when the facts were last made

    def arrays(self) -> tuple[np.ndarray, ...]:
        raise NotImplementedError

    def update(self, codes: TableCodes) -> None:
        raise NotImplementedError

    def refresh(self, codes: TableCodes) -> None:
        """The facts of every code so far; codes.changed if an earlier code's facts moved."""
        switched = codes.settle_encoding()
        before = self.arrays() if switched else ()
        self.update(codes)
        for column, old, new in zip(self.INDEXED_BY, before, self.arrays(), strict=False):
            earlier = self.known[column]
            if not np.array_equal(old[:earlier], new[:earlier]):
                codes.changed = True
        self.known = [column.count for column in codes.columns]


class ProceedingFacts(Facts):
    """Per code number: a case type's place in rules.CASE_TYPES (as written, else once
    normalised; -1: out of scope), whether a DEC_CODE is empty once normalised, and, per case
    type, whether an OTHER_COMP moves the case elsewhere (venue[type place, number])."""

    INDEXED_BY = (0, 1, 2)

    def __init__(self, lookups: Lookups) -> None:
        super().__init__()
        self.venue_pairs = venue_codes(lookups)

    def update(self, codes: TableCodes) -> None:
        types, decisions, others = (codes.texts(n) for n in range(3))
        scope = list(rules.CASE_TYPES)
        self.in_scope = numbered([t if t in scope else normal(t) for t in types], scope)
        self.blank_decision = np.array([normal(d) == "" for d in decisions] or [False], dtype=bool)
        self.venue = np.array(
            [
                [(t, normal(o)) in self.venue_pairs for o in others or [""]]
                for t in rules.CASE_TYPES
            ],
            dtype=bool,
        )

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.in_scope, self.blank_decision, self.venue.T)


class ApplicationFacts(Facts):
    """Per code number: whether an APPL_CODE is ASYL once normalised; an APPL_DEC's priority
    (its group's place in PRIORITY) and the number of its normalised code in `decisions`
    (numbered in the order they appear)."""

    INDEXED_BY = (0, 1, 1)

    def __init__(self, lookups: Lookups) -> None:
        super().__init__()
        self.priorities = application_priorities(lookups)

    def update(self, codes: TableCodes) -> None:
        self.asylum = np.array(
            [normal(c) == rules.ASYLUM_APPLICATION for c in codes.texts(0)] or [False], dtype=bool
        )
        written = [normal(d) for d in codes.texts(1)]
        self.decisions = list(dict.fromkeys(written))
        self.priority = np.array(
            [self.priorities.get(d, PRIORITY[rules.UNDECODED]) for d in written] or [0],
            dtype=np.int64,
        )
        self.decision = numbered(written, self.decisions)

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (self.asylum, self.priority, self.decision)
