"""The reduction of each chunk of rows into one entry per case, in compiled code.

Proceedings: a case's first counted completion is the one with the lowest order (its day number,
then its proceeding id: `order`), kept in an open-addressing table keyed by IDNCASE with the
completion's codes (as numbered by codes.py). Once every proceeding is read, the cases become
dense arrays (`Endings`), and their counted proceedings a second table, so that each asylum
application finds the case whose counted completion it is on. Applications: per case, the best
decision on that proceeding (the lowest rank: its group's priority, then the application id) and
the first proceeding with an asylum application (an asylum filer's).

Which rows count, and why the others do not, is passes.py's: these loops apply its rules to
numbers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bot.data.importers.eoir.codes import EMPTY, MIXER
from bot.data.importers.eoir.scan import DAYS_1970_FROM_1900

ORDER_FACTOR = 10**10  # ids below it are counted; day numbers times it plus an id fit an int64
DAY_OFFSET = 700_000  # day numbers from 0001-01-01 on are positive once shifted
NO_RANK = np.iinfo(np.int64).max
LOAD = 0.7  # the share of a hashed table's slots in use before it grows
DIRECT_FLOOR = 1 << 22  # a direct table may have this many slots whatever the number of cases
DIRECT_SPREAD = 4  # or this many per case
PLACE_CODES = 6  # case type, DEC_CODE, OTHER_COMP, NAT, BASE_CITY_CODE, CUSTODY (numbered)
CODE_TYPE = np.int16  # a code's number, kept per case (codes.MOST_CODES per column at most)
# The columns of Endings.columns: a case's fiscal year, its breakdown codes' numbers, its outcome,
# asylum decision code and priority (-1: none), and, for an asylum filer, the priority of its
# merits decision (-1: none; NOT_FILED: not a filer).
CASE_COLUMNS = ("fiscal_year", "nat", "court", "custody", "oid", "code", "priority", "merits")
FISCAL_YEAR, NAT, COURT, CUSTODY, OID, CODE, PRIORITY, MERITS = range(len(CASE_COLUMNS))
NOT_FILED = -2


@njit(cache=True, nogil=True)
def slot_for(keys: np.ndarray, key: int, shift: int) -> int:
    """The slot holding `key`, or the empty one where it would go. shift 0: the table is
    direct (the key is its slot; the caller made room); else hashed (Fibonacci hashing: the top
    bits of key * MIXER, `shift` = 64 - log2(slots); then linear probing)."""
    if shift == 0:
        return key
    mask = keys.shape[0] - 1
    place = ((key * MIXER) >> shift) & mask
    while keys[place] != key and keys[place] != EMPTY:
        place = (place + 1) & mask
    return place


@njit(cache=True, nogil=True)
def found_at(keys: np.ndarray, key: int, shift: int) -> int:
    """The slot holding `key`, or -1."""
    if shift == 0 and (key < 0 or key >= keys.shape[0]):
        return -1
    place = slot_for(keys, key, shift)
    return place if keys[place] == key else -1


def direct_size(largest: int, entries: int) -> int:
    """Slots for a direct table of keys up to `largest`, or 0 if the keys are too sparse for one
    (then the table is hashed): EOIR numbers cases and proceedings in sequence, so a table whose
    slot is the id itself is small, and reads and writes it in order, without probing."""
    size = 1 << max(4, largest.bit_length())
    return size if size <= max(DIRECT_FLOOR, DIRECT_SPREAD * entries) else 0


def hashed_size(entries: int) -> int:
    return 1 << max(4, int(entries / LOAD).bit_length())


def shift_of(size: int, direct: bool) -> int:
    return 0 if direct else 65 - size.bit_length()


@njit(cache=True, nogil=True)
def keep_first(
    keys: np.ndarray,
    orders: np.ndarray,
    codes: np.ndarray,
    count: np.ndarray,
    shift: int,
    case_ids: np.ndarray,
    case_orders: np.ndarray,
    case_codes: np.ndarray,
    start: int,
    limit: int,
) -> int:
    """Each completion from `start` on, kept if it is its case's first so far (the lowest order;
    of equal ones, the first read). Stops before a new case would pass `limit` cases; returns
    the index reached."""
    for i in range(start, case_ids.shape[0]):
        place = slot_for(keys, case_ids[i], shift)
        if keys[place] == EMPTY:
            if count[0] >= limit:
                return i
            keys[place] = case_ids[i]
            count[0] += 1
        elif orders[place] <= case_orders[i]:
            continue
        orders[place] = case_orders[i]
        for column in range(PLACE_CODES):
            codes[place, column] = case_codes[i, column]
    return case_ids.shape[0]


class FirstCompletions:
    """Per case, its first counted completion so far: order and numbered codes, in a table
    direct while the case ids are dense enough, else hashed."""

    def __init__(self) -> None:
        self._allocate(1 << 16, direct=True)

    def _allocate(self, size: int, direct: bool) -> None:
        self.keys = np.full(size, EMPTY, dtype=np.int64)
        self.orders = np.zeros(size, dtype=np.int64)
        self.codes = np.zeros((size, PLACE_CODES), dtype=CODE_TYPE)
        self.count = np.zeros(1, dtype=np.int64)
        self.shift = shift_of(size, direct)

    def add(self, case_ids: np.ndarray, orders: np.ndarray, codes: np.ndarray) -> None:
        if not len(case_ids):
            return
        if self.shift == 0 and (largest := int(case_ids.max())) >= len(self.keys):
            self._resize(direct_size(largest, int(self.count[0]) + len(case_ids)))
        done = 0
        while (done := self._keep(case_ids, orders, codes, done)) < len(case_ids):
            self._resize(0)

    def _keep(self, case_ids: np.ndarray, orders: np.ndarray, codes: np.ndarray, start: int) -> int:
        limit = len(self.keys) if self.shift == 0 else int(len(self.keys) * LOAD)
        return keep_first(
            self.keys, self.orders, self.codes, self.count, self.shift,
            case_ids, orders, codes, start, limit,
        )  # fmt: skip

    def _resize(self, direct: int) -> None:
        """Into a direct table of `direct` slots, or (0) a hashed one twice the cases."""
        keys, orders, codes, count = self.keys, self.orders, self.codes, self.count
        if direct and self.shift == 0:  # direct to direct: every case keeps its slot
            self._allocate(max(direct, 2 * len(keys)), direct=True)
            self.keys[: len(keys)], self.orders[: len(keys)], self.codes[: len(keys)] = (
                keys, orders, codes,
            )  # fmt: skip
            self.count[:] = count
            return
        used = keys != EMPTY
        self._allocate(direct or hashed_size(2 * int(count[0]) + 1), direct=bool(direct))
        self._keep(keys[used], orders[used], codes[used], 0)

    def endings(self) -> Endings:
        """The cases found, for the applications to add to (this table's arrays, not copies)."""
        return Endings(self)


@njit(cache=True, nogil=True)
def _largest_proceeding(keys: np.ndarray, orders: np.ndarray) -> tuple[int, int]:
    """(the largest counted proceeding id, how many cases) among the table's cases."""
    largest, cases = 0, 0
    for slot in range(keys.shape[0]):
        if keys[slot] != EMPTY:
            largest = max(largest, orders[slot] % ORDER_FACTOR)
            cases += 1
    return largest, cases


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
        largest, self.count = _largest_proceeding(self.keys, self.orders)
        direct = direct_size(largest, self.count)
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
            np.int64(codes[slot, 0]) << 42 | np.int64(codes[slot, 1]) << 21 | codes[slot, 2]
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
