"""The counted cases once every proceeding is read, and what the asylum applications add to
them, in compiled code.

The cases stay in the slots of the table that found their first completions (cases.py); their
counted proceedings are indexed so that each asylum application, as it is read, finds the case
whose counted completion it is on: per case, the best decision on that proceeding (the lowest
rank: its group's priority, then the application id) and the first proceeding with an asylum
application (an asylum filer's). `Endings.columns` then gives one row of numbers per case for
counting.py.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bot.data.importers.eoir.cases import (
    DAY_OFFSET,
    ORDER_FACTOR,
    FirstCompletions,
    direct_size,
    found_at,
    hashed_size,
    shift_of,
)
from bot.data.importers.eoir.codes import EMPTY, slot_for
from bot.data.importers.eoir.scan import DAYS_1970_FROM_1900

NO_RANK = np.iinfo(np.int64).max
# The columns of Endings.columns: a case's fiscal year, its breakdown codes' numbers, its outcome,
# asylum decision code and priority (-1: none), and, for an asylum filer, the priority of its
# merits decision (-1: none; NOT_FILED: not a filer).
CASE_COLUMNS = ("fiscal_year", "nat", "court", "custody", "oid", "code", "priority", "merits")
FISCAL_YEAR, NAT, COURT, CUSTODY, OID, CODE, PRIORITY, MERITS = range(len(CASE_COLUMNS))
NOT_FILED = -2
OUTCOME_BITS = 21  # Endings.columns' outcomes: case type, DEC_CODE, OTHER_COMP, 21 bits each


@njit(cache=True, nogil=True)
def _largest_proceeding(keys: np.ndarray, orders: np.ndarray) -> int:
    """The largest counted proceeding id among the table's cases."""
    largest = 0
    for slot in range(keys.shape[0]):
        if keys[slot] != EMPTY:
            largest = max(largest, orders[slot] % ORDER_FACTOR)
    return largest


@njit(cache=True, nogil=True)
def _index_proceedings(
    keys: np.ndarray,
    orders: np.ndarray,
    index_keys: np.ndarray,
    index: np.ndarray,
    shift: int,
    chain: np.ndarray,
) -> None:
    """index_keys/index: each counted proceeding id -> the first slot of a case it ends;
    chain: slot -> the next slot whose case it also ends (-1: none)."""
    for slot in range(keys.shape[0]):
        if keys[slot] == EMPTY:
            continue
        proceeding = orders[slot] % ORDER_FACTOR
        place = slot_for(index_keys, proceeding, shift)
        if index_keys[place] == EMPTY:
            index_keys[place] = proceeding
        else:
            chain[slot] = index[place]
        index[place] = slot


class Endings:
    """The counted cases, in the slots of the table that found their first completions (slot
    for slot: its keys, orders and codes), and, by the same slots, what the applications add:
    the best asylum decision on that completion (rank, numbered code) and the first proceeding
    with an asylum application. Its proceedings are indexed so that an application finds the
    case whose counted completion it is on."""

    def __init__(self, first: FirstCompletions) -> None:
        self.keys, self.orders, self.codes, self.shift = (
            first.keys, first.orders, first.codes, first.shift,
        )  # fmt: skip
        self.count = int(first.count[0])
        direct = direct_size(_largest_proceeding(self.keys, self.orders), self.count)
        size = direct or hashed_size(self.count)
        self.proceeding_keys = np.full(size, EMPTY, dtype=np.int64)
        self.proceeding_index = np.full(size, -1, dtype=np.int32)
        self.proceeding_chain = np.full(len(self.keys), -1, dtype=np.int32)
        self.proceeding_shift = shift_of(size, bool(direct))
        _index_proceedings(
            self.keys, self.orders, self.proceeding_keys, self.proceeding_index,
            self.proceeding_shift, self.proceeding_chain,
        )  # fmt: skip
        self.forget_applications()

    def forget_applications(self) -> None:
        """No application read yet (again, when the table is read a second time)."""
        self.best_rank = np.full(len(self.keys), NO_RANK, dtype=np.int64)
        self.best_code = np.full(len(self.keys), -1, dtype=np.int32)
        self.first_filed = np.full(len(self.keys), NO_RANK, dtype=np.int64)

    def add_applications(
        self, proceeding_ids: np.ndarray, case_ids: np.ndarray, ranks: np.ndarray, codes: np.ndarray
    ) -> None:
        """Asylum applications counted: their proceeding, case (-1: unreadable), rank, code."""
        _applications(
            self.proceeding_keys, self.proceeding_index, self.proceeding_chain,
            self.proceeding_shift, self.keys, self.shift,
            proceeding_ids, case_ids, ranks, codes,
            self.best_rank, self.best_code, self.first_filed,
        )  # fmt: skip

    def columns(
        self, merit_ranks: np.ndarray, places: list[np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """One row per case (CASE_COLUMNS; OID left empty; a breakdown code's number as written
        turned into places[n][number]) and each case's (case type, DEC_CODE, OTHER_COMP) as one
        number. Once the applications are all read: their index is dropped first, to make room."""
        del self.proceeding_keys, self.proceeding_index, self.proceeding_chain
        table = np.empty((self.count, len(CASE_COLUMNS)), dtype=np.int32)
        outcomes = np.empty(self.count, dtype=np.int64)
        _case_rows(
            self.keys, self.orders, self.codes, self.best_rank, self.best_code,
            self.first_filed, merit_ranks, *places, table, outcomes,
        )  # fmt: skip
        return table, outcomes


@njit(cache=True, nogil=True)
def _applications(
    proceeding_keys: np.ndarray,
    proceeding_index: np.ndarray,
    proceeding_chain: np.ndarray,
    proceeding_shift: int,
    case_keys: np.ndarray,
    case_shift: int,
    proceeding_ids: np.ndarray,
    case_ids: np.ndarray,
    ranks: np.ndarray,
    codes: np.ndarray,
    best_rank: np.ndarray,
    best_code: np.ndarray,
    first_filed: np.ndarray,
) -> None:
    for i in range(proceeding_ids.shape[0]):
        place = found_at(proceeding_keys, proceeding_ids[i], proceeding_shift)
        if place >= 0:
            slot = proceeding_index[place]
            while slot >= 0:
                if ranks[i] < best_rank[slot]:
                    best_rank[slot] = ranks[i]
                    best_code[slot] = codes[i]
                slot = proceeding_chain[slot]
        slot = found_at(case_keys, case_ids[i], case_shift)
        if slot >= 0 and proceeding_ids[i] < first_filed[slot]:
            first_filed[slot] = proceeding_ids[i]


@njit(cache=True, nogil=True)
def fiscal_year(day_number: int) -> int:
    """The federal fiscal year of a day (FY2024: October 2023 to September 2024): Hinnant's
    civil_from_days, from 1900-01-01 as day 0."""
    days = day_number - DAYS_1970_FROM_1900 + 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153  # 0 is March
    year = year_of_era + era * 400 + (1 if shifted_month >= 10 else 0)
    return year + (1 if 7 <= shifted_month <= 9 else 0)


@njit(cache=True, nogil=True)
def _case_rows(
    keys: np.ndarray,
    orders: np.ndarray,
    codes: np.ndarray,
    best_rank: np.ndarray,
    best_code: np.ndarray,
    first_filed: np.ndarray,
    merit_ranks: np.ndarray,
    nationalities: np.ndarray,
    courts: np.ndarray,
    custody: np.ndarray,
    table: np.ndarray,
    outcomes: np.ndarray,
) -> None:
    row = 0
    for slot in range(keys.shape[0]):
        if keys[slot] == EMPTY:
            continue
        table[row, FISCAL_YEAR] = fiscal_year(orders[slot] // ORDER_FACTOR - DAY_OFFSET)
        table[row, NAT] = nationalities[codes[slot, 3]]
        table[row, COURT] = courts[codes[slot, 4]]
        table[row, CUSTODY] = custody[codes[slot, 5]]
        outcomes[row] = (
            np.int64(codes[slot, 0]) << (2 * OUTCOME_BITS)
            | np.int64(codes[slot, 1]) << OUTCOME_BITS
            | codes[slot, 2]
        )
        priority = -1
        if best_rank[slot] != NO_RANK:
            priority = best_rank[slot] // ORDER_FACTOR
        table[row, CODE] = best_code[slot]
        table[row, PRIORITY] = priority
        merits = NOT_FILED
        if first_filed[slot] <= orders[slot] % ORDER_FACTOR:
            merits = -1
            for rank in merit_ranks:
                if priority == rank:
                    merits = priority
        table[row, MERITS] = merits
        row += 1
