"""Which rows count, applied to each chunk as it is read: compiled loops over the numbers scan.py
and codes.py made of a chunk's rows.

A proceeding counts if it is of a case type in scope, was completed (a readable date), has
readable ids below ORDER_FACTOR, and its completion does not move the case to another court
(rule 3): each such row is handed on as (case id, order, codes) for cases.py to keep its case's
first. An asylum application counts if its APPL_CODE is ASYL (once normalised) and its ids are
readable: handed on as (proceeding id, case id, rank, decision code). Every other row is tallied
by why it does not count; rows of the wrong width are reading.py's and never reach these rules.
What a code is (in scope, blank, a change of venue, ASYL, a decision's rank) is decided once per
distinct code in Python (Facts) and looked up here by its number.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bot.data.importers.eoir import scan
from bot.data.importers.eoir.cases import DAY_OFFSET, ORDER_FACTOR, PLACE_CODES

# What each slot of a chunk's values holds, in this order (scan.py reads the header's columns
# into these slots); the kinds say how.
PROCEEDING_FIELDS = (
    ("IDNPROCEEDING", scan.ID),
    ("IDNCASE", scan.ID),
    ("COMP_DATE", scan.DATE),
    ("CASE_TYPE", scan.CODE),
    ("DEC_CODE", scan.CODE),
    ("OTHER_COMP", scan.CODE),
    ("NAT", scan.CODE),
    ("BASE_CITY_CODE", scan.CODE),
    ("CUSTODY", scan.CODE),
)
APPLICATION_FIELDS = (
    ("IDNPROCEEDINGAPPLN", scan.ID),
    ("IDNPROCEEDING", scan.ID),
    ("IDNCASE", scan.ID),
    ("APPL_CODE", scan.CODE),
    ("APPL_DEC", scan.CODE),
)
PROCEEDING, CASE, COMP_DATE, CASE_TYPE, DEC_CODE, OTHER_COMP = range(6)  # proceeding slots
APPLICATION, APPL_PROCEEDING, APPL_CASE, APPL_CODE, APPL_DEC = range(5)  # application slots
FIRST_CODE = CASE_TYPE  # proceeding slots from here on are codes, in PLACE_CODES order
# Why a row of the right width does not count (tally indexes); COUNTED: it does.
COUNTED, NOT_COUNTED, BAD_ID, BAD_DATE, MOVES = range(5)
REASONS = 5


@njit(cache=True, nogil=True)
def proceeding_rows(
    values: np.ndarray,
    fields: np.ndarray,
    width: int,
    in_scope: np.ndarray,
    blank_decision: np.ndarray,
    venue: np.ndarray,
    tally: np.ndarray,
    case_ids: np.ndarray,
    orders: np.ndarray,
    codes: np.ndarray,
) -> int:
    """The completions that count among the rows, into case_ids/orders/codes (codes[:, 0]: the
    case type's place in rules.CASE_TYPES); returns how many. in_scope: case type number ->
    that place or -1; blank_decision: DEC_CODE number -> empty once normalised; venue[type
    place, OTHER_COMP number]: a change of venue or transfer for that case type."""
    counted = 0
    for row in range(fields.shape[0]):
        if fields[row] != width:
            continue
        day = values[row, COMP_DATE]
        kind = in_scope[values[row, CASE_TYPE]]
        proceeding, case = values[row, PROCEEDING], values[row, CASE]
        if day == scan.NO_NUMBER or kind < 0 or day == scan.BLANK_TEXT:
            reason = NOT_COUNTED
        elif proceeding < 0 or case < 0:
            reason = BAD_ID
        elif day == scan.UNREADABLE:
            reason = BAD_DATE
        elif proceeding >= ORDER_FACTOR:
            reason = NOT_COUNTED
        elif blank_decision[values[row, DEC_CODE]] and venue[kind, values[row, OTHER_COMP]]:
            reason = MOVES
        else:
            reason = COUNTED
            case_ids[counted] = case
            orders[counted] = (day + DAY_OFFSET) * ORDER_FACTOR + proceeding
            codes[counted, 0] = kind
            for column in range(1, PLACE_CODES):
                codes[counted, column] = values[row, FIRST_CODE + column]
            counted += 1
        tally[reason] += 1
    return counted


@njit(cache=True, nogil=True)
def application_rows(
    values: np.ndarray,
    fields: np.ndarray,
    width: int,
    asylum: np.ndarray,
    priority: np.ndarray,
    decision: np.ndarray,
    tally: np.ndarray,
    proceeding_ids: np.ndarray,
    case_ids: np.ndarray,
    ranks: np.ndarray,
    codes: np.ndarray,
) -> int:
    """The asylum applications that count, into the arrays (case id -1: unreadable); returns how
    many. asylum: APPL_CODE number -> ASYL once normalised; priority, decision: APPL_DEC number
    -> its group's place in decode.PRIORITY, the number of its normalised code."""
    counted = 0
    for row in range(fields.shape[0]):
        if fields[row] != width:
            continue
        application, proceeding = values[row, APPLICATION], values[row, APPL_PROCEEDING]
        if not asylum[values[row, APPL_CODE]] or proceeding < 0 or application < 0:
            tally[NOT_COUNTED] += 1
            continue
        if application >= ORDER_FACTOR:
            tally[NOT_COUNTED] += 1
            continue
        code = values[row, APPL_DEC]
        proceeding_ids[counted] = proceeding
        case_ids[counted] = max(values[row, APPL_CASE], -1)
        ranks[counted] = priority[code] * ORDER_FACTOR + application
        codes[counted] = decision[code]
        counted += 1
        tally[COUNTED] += 1
    return counted
