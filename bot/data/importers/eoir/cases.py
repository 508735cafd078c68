"""Each case's first counted completion, kept as the proceedings are read, in compiled code.

A case's first counted completion is the one with the lowest order (its day number, then its
proceeding id: `order`), kept in an open-addressing table keyed by IDNCASE with the completion's
codes (as numbered by codes.py): direct (the id is the slot) while the ids are dense, as EOIR's
are, else hashed. endings.py then adds the asylum applications to the same slots. Which rows
count, and why the others do not, is passes.py's: these loops apply its rules to numbers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bot.data.importers.eoir.codes import EMPTY, hash_shift, slot_for

ORDER_FACTOR = 10**10  # ids below it are counted; day numbers times it plus an id fit an int64
DAY_OFFSET = 700_000  # day numbers from 0001-01-01 on are positive once shifted
LOAD = 0.7  # the share of a hashed table's slots in use before it grows
DIRECT_FLOOR = 1 << 22  # a direct table may have this many slots whatever the number of cases
DIRECT_SPREAD = 4  # or this many per case
PLACE_CODES = 6  # case type, DEC_CODE, OTHER_COMP, NAT, BASE_CITY_CODE, CUSTODY (numbered)
CODE_TYPE = np.int16  # a code's number, kept per case (codes.MOST_CODES per column at most)


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
    return 0 if direct else hash_shift(size)


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
            self._allocate(max(direct, min(4 * len(keys), DIRECT_FLOOR)), direct=True)
            self.keys[: len(keys)], self.orders[: len(keys)], self.codes[: len(keys)] = (
                keys, orders, codes,
            )  # fmt: skip
            self.count[:] = count
            return
        used = keys != EMPTY
        self._allocate(direct or hashed_size(2 * int(count[0]) + 1), direct=bool(direct))
        self._keep(keys[used], orders[used], codes[used], 0)
