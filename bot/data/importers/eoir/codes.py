"""Codes as written, numbered: each column's distinct values get small numbers as they appear.

scan.py packs a code into one integer; this turns those integers into numbers 0, 1, 2 … per
column with a small open-addressing table in compiled code, so the reduction indexes arrays of
facts about each code (its normal form, its group) instead of comparing texts. The few hundred
distinct values are decoded to text here, in Python, once each. A code too long to pack was given
a negative key by exact.py, which keeps its bytes (`LongCodes`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

EMPTY = np.iinfo(np.int64).min
START_CAPACITY = 1024
MOST_CODES = 2**15 - 1  # numbers are kept per case as int16: a release has a few hundred a column
SHORT_BYTES = 2  # codes this long or shorter are also found by their bytes, without hashing
SHORT_MASK = (1 << (8 * SHORT_BYTES)) - 1
MIXER = -7_046_029_254_386_353_131  # 0x9E3779B97F4A7C15 as a signed int64 (Fibonacci hashing)


@njit(cache=True, nogil=True)
def slot_for(keys: np.ndarray, key: int, shift: int) -> int:
    """The slot holding `key`, or the empty one where it would go, in any of the import's
    open-addressing tables (`keys`, EMPTY where free). shift 0: the table is direct (the key is
    its slot; the caller made room); else hashed (Fibonacci hashing: the top bits of
    key * MIXER, `shift` = 64 - log2(slots); then linear probing)."""
    if shift == 0:
        return key
    mask = keys.shape[0] - 1
    place = ((key * MIXER) >> shift) & mask
    while keys[place] != key and keys[place] != EMPTY:
        place = (place + 1) & mask
    return place


def hash_shift(slots: int) -> int:
    """slot_for's shift for a hashed table of `slots` (a power of two) slots."""
    return 65 - slots.bit_length()


@njit(cache=True, nogil=True)
def _number_column(
    keys: np.ndarray,
    numbers: np.ndarray,
    found: np.ndarray,
    short: np.ndarray,
    values: np.ndarray,
    slot: int,
    rows: int,
    start: int,
    limit: int,
    shift: int,
) -> int:
    """Replaces values[row, slot] (a packed code) by its number from row `start` on, adding
    new codes to the table and to `found` (keys in order of number). Stops before a new code
    would take the table past `limit` codes; returns the row it stopped at. Codes of up to
    SHORT_BYTES bytes, most of the release's, are looked up in `short` first, by their bytes."""
    count = found[0]
    for row in range(start, rows):
        key = values[row, slot]
        length = key >> 56
        direct = -1
        if 0 <= length <= SHORT_BYTES and short.shape[0]:
            direct = (length << (8 * SHORT_BYTES)) | (key & SHORT_MASK)
            if short[direct] >= 0:
                values[row, slot] = short[direct]
                continue
        place = slot_for(keys, key, shift)
        if keys[place] == EMPTY:
            if count >= limit:
                found[0] = count
                return row
            keys[place] = key
            numbers[place] = count
            found[count + 1] = key
            count += 1
        values[row, slot] = numbers[place]
        if direct >= 0:
            short[direct] = numbers[place]
    found[0] = count
    return rows


class CodeColumn:
    """The numbering of one column's codes (packed by scan.py; packed=False: any integers >= 0),
    grown as new ones appear."""

    def __init__(self, packed: bool = True) -> None:
        self.keys = np.full(START_CAPACITY, EMPTY, dtype=np.int64)
        self.numbers = np.zeros(START_CAPACITY, dtype=np.int64)
        self.found = np.zeros(START_CAPACITY // 2 + 1, dtype=np.int64)  # count, then keys
        self.short = np.full((SHORT_BYTES + 1) << (8 * SHORT_BYTES) if packed else 0, -1)

    @property
    def count(self) -> int:
        return int(self.found[0])

    def number(self, values: np.ndarray, slot: int, rows: int) -> None:
        """values[:rows, slot] from packed codes to their numbers."""
        row = 0
        while (
            row := _number_column(
                self.keys,
                self.numbers,
                self.found,
                self.short,
                values,
                slot,
                rows,
                row,
                self.keys.shape[0] // 2,
                hash_shift(self.keys.shape[0]),
            )
        ) < rows:
            self._grow()

    def keys_in_order(self) -> np.ndarray:
        return self.found[1 : self.count + 1]

    def _grow(self) -> None:
        """Twice the room, the codes keeping their numbers."""
        keys = self.keys_in_order().copy()
        capacity = self.keys.shape[0] * 2
        self.keys = np.full(capacity, EMPTY, dtype=np.int64)
        self.numbers = np.zeros(capacity, dtype=np.int64)
        self.found = np.zeros(capacity // 2 + 1, dtype=np.int64)
        self.short[:] = -1  # refilled as the codes are added again
        again = keys.reshape(-1, 1).copy()
        _number_column(
            self.keys, self.numbers, self.found, self.short, again, 0, len(keys), 0,
            capacity // 2, hash_shift(capacity),
        )  # fmt: skip


def code_bytes(key: int, long_codes: dict[int, bytes]) -> bytes:
    """The bytes of a packed code (its length in the top byte, then its bytes from the low end)."""
    if key < 0:
        return long_codes[key]
    length = key >> 56
    return int(key & ((1 << 56) - 1)).to_bytes(7, "little")[:length]
