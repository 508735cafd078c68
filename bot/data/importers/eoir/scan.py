"""The byte-level reader of a core table: one compiled pass over a chunk of whole lines that
splits each line at its tabs and turns the columns the import needs into numbers as it goes.

DuckDB's reader parsed every row into text values before a query could look at them: about 5
CPU-seconds for the benchmark's 11 million rows, all the time the issue allows for the whole
import. This pass does only what the counting rules need: an id becomes an integer, a completion
date its day number, and a code one integer holding its bytes, so that the reduction
compares numbers. A field the fast path cannot read with certainty (an id that is not plain
digits, a date not written YYYY-MM-DD, a code longer than CODE_BYTES) is flagged, and
exact.py reads it the slow, exact way. Numba compiles the loop once (cached on disk) and runs
it without the GIL.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.cpython.unsafe.numbers import leading_zeros, trailing_zeros
from numba.extending import intrinsic

ID, DATE, CODE = 0, 1, 2  # how a column is read (its kind)
NO_NUMBER = -(2**62)  # an empty id or date field
UNREADABLE = NO_NUMBER + 1  # an id or date the slow path could not read (exact.py)
BLANK_TEXT = NO_NUMBER + 2  # a date field of spaces only (exact.py)
CODE_BYTES = 7  # codes up to this long are packed whole into one non-negative int64
TAB, NEWLINE, RETURN, SPACE = 9, 10, 13, 32
DAYS_1970_FROM_1900 = 25_567  # 1900-01-01 is day 0 (tests compare with datetime.date)


@intrinsic
def _load_word(typingctx, buf, index):  # noqa: ARG001 - numba passes the typing context
    """The eight bytes of buf from `index` as one little-endian uint64 (one unaligned load)."""

    def codegen(context, builder, signature, args):
        array = context.make_array(signature.args[0])(context, builder, args[0])
        pointer = builder.bitcast(builder.gep(array.data, [args[1]]), ir.IntType(64).as_pointer())
        return builder.load(pointer, align=1)

    return types.uint64(buf, index), codegen


ONES = np.uint64(0x0101010101010101)
LOW7 = np.uint64(0x7F7F7F7F7F7F7F7F)
TABS = np.uint64(TAB) * ONES
NEWLINES = np.uint64(NEWLINE) * ONES
WORD = 8  # bytes read at once; a buffer must have WORD readable bytes past the end scanned
ZEROS = np.uint64(ord("0")) * ONES
SIXES = np.uint64(6) * ONES
HIGH_NIBBLES = np.uint64(0xF0) * ONES
PAIRS = np.uint64(0x00FF00FF00FF00FF)
FOURS = np.uint64(0x0000FFFF0000FFFF)
EIGHTS = np.uint64(0x00000000FFFFFFFF)


@njit(cache=True, nogil=True)
def day_number(year: int, month: int, day: int) -> int:
    """Days from 1900-01-01 to a date of the proleptic Gregorian calendar (Hinnant's
    days_from_civil, shifted)."""
    y = year - 1 if month <= 2 else year
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468 + DAYS_1970_FROM_1900


@njit(cache=True, nogil=True)
def _month_days(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@njit(cache=True, nogil=True)
def _digits(buf: np.ndarray, start: int, count: int) -> int:
    """The number the `count` bytes from `start` spell, or -1 if one is not a digit."""
    value = 0
    for i in range(start, start + count):
        digit = buf[i] - 48
        if digit < 0 or digit > 9:
            return -1
        value = value * 10 + digit
    return value


@njit(cache=True, nogil=True)
def _read_date(buf: np.ndarray, start: int, end: int) -> tuple[int, bool]:
    """(day number, read): a field whose first ten bytes are YYYY-MM-DD, a real date."""
    if end - start < 10 or buf[start + 4] != 45 or buf[start + 7] != 45:
        return 0, False
    year, month, day = (
        _digits(buf, start, 4),
        _digits(buf, start + 5, 2),
        _digits(buf, start + 8, 2),
    )
    if year < 1 or month < 1 or month > 12 or day < 1 or day > _month_days(year, month):
        return 0, False
    return day_number(year, month, day), True


@njit(cache=True, nogil=True)
def _read_rest(buf: np.ndarray, start: int, end: int, kind: int) -> tuple[int, bool]:
    """(value, read) of a non-empty field scan_lines does not read itself: a date, an id of more
    than eight digits, a code too long to pack (not read: the slow path reads it)."""
    if kind == DATE:
        return _read_date(buf, start, end)
    if kind == CODE or end - start > 18:
        return 0, False
    value = _digits(buf, start, end - start)
    return value, value >= 0


@njit(cache=True, nogil=True)
def _eight_digits(word: np.uint64, length: int) -> tuple[int, bool]:
    """(value, read) of the first `length` (1 to 8) bytes of `word` if all are ASCII digits:
    they are moved to the top, zeros ('0') put before them, and the eight digits combined in
    three multiplications (each byte's digit, then pairs, fours, eights)."""
    if length < WORD:
        word = (word << np.uint64(8 * (WORD - length))) | (ZEROS >> np.uint64(8 * length))
    if (word & HIGH_NIBBLES) != ZEROS or ((word + SIXES) & HIGH_NIBBLES) != ZEROS:
        return 0, False
    word -= ZEROS
    word = (word * np.uint64(10) + (word >> np.uint64(8))) & PAIRS
    word = (word * np.uint64(100) + (word >> np.uint64(16))) & FOURS
    word = (word * np.uint64(10000) + (word >> np.uint64(32))) & EIGHTS
    return np.int64(word), True


@njit(cache=True, nogil=True)
def count_lines(buf: np.ndarray) -> int:
    """Newlines in buf (a loop the compiler vectorises: no temporary array, unlike numpy)."""
    lines = 0
    for i in range(buf.shape[0]):
        lines += buf[i] == NEWLINE
    return lines


@njit(cache=True, nogil=True)
def _spaces_only(buf: np.ndarray, start: int, end: int) -> bool:
    for i in range(start, end):  # noqa: SIM110 - numba compiles this loop, not all()
        if buf[i] != SPACE:
            return False
    return True


@njit(cache=True, nogil=True)
def _zero_bytes(word: np.uint64) -> np.uint64:
    """The top bit of each byte of `word` that is zero, exactly (no false positives)."""
    return ~(((word & LOW7) + LOW7) | word | LOW7)


@njit(cache=True, nogil=True)
def _byte_count(marks: np.uint64) -> int:
    """How many bytes a mask of top bits marks."""
    return np.int64(((marks >> np.uint64(7)) * ONES) >> np.uint64(56))


@njit(cache=True, nogil=True)
def _first_byte(marks: np.uint64) -> int:
    return np.int64(trailing_zeros(marks)) >> 3


@njit(cache=True, nogil=True)
def _last_byte(marks: np.uint64) -> int:
    return (63 - np.int64(leading_zeros(marks))) >> 3


@njit(cache=True, nogil=True)
def scan_lines(
    buf: np.ndarray,
    start: int,
    end: int,
    slot_of: np.ndarray,
    kinds: np.ndarray,
    values: np.ndarray,
    slow: np.ndarray,
    fields: np.ndarray,
    starts: np.ndarray,
) -> tuple[int, int]:
    """Reads the lines of buf[start:end], each ended by a newline (buf[end - 1] is one), into
    values[row, slot] for the columns slot_of maps (-1: not read), setting bit `slot` of
    slow[row] for a field the fast path could not read. fields[row] is the line's number of
    fields (0 for a line that is empty or spaces only), starts[row] where it begins; a carriage
    return before the newline is not part of the line. The slots of a line too short to have
    them read as empty fields. Returns (rows, NUL bytes).

    Eight bytes are looked at at once: the tabs, newlines and NUL bytes among them found by bit
    arithmetic, and the tabs before the next column to read skipped by their count."""
    assert buf.shape[0] >= end + WORD
    width = slot_of.shape[0]
    next_read = np.full(width + 1, NO_NUMBER, dtype=np.int64)  # the next column read from here
    next_read[width] = -NO_NUMBER  # none: a field number never reached
    for column in range(width - 1, -1, -1):
        next_read[column] = column if slot_of[column] >= 0 else next_read[column + 1]
    row = 0
    nul_bytes = 0
    position = start
    while position < end:
        starts[row] = position
        field = 0
        field_start = position
        target = next_read[0]
        flags = 0
        at = position
        while position == starts[row]:  # until the line's newline is met
            word = _load_word(buf, at)
            stops = _zero_bytes(word ^ TABS)  # where fields end: tabs, then the newline
            newline = _zero_bytes(word ^ NEWLINES)
            within = ~np.uint64(0)
            if newline:
                newline &= ~newline + np.uint64(1)  # the first one ends the line
                within = newline - np.uint64(1)
                stops = (stops & within) | newline
            nul_bytes += _byte_count(_zero_bytes(word) & within)
            while stops:
                tabs = stops & within
                passed = _byte_count(tabs)
                if passed and field + passed <= target:  # none ends the column read next
                    field += passed
                    field_start = at + _last_byte(tabs) + 1
                    stops &= ~within
                    continue
                stop = at + _first_byte(stops)
                field_end = stop
                line_end = (stops & (stops - np.uint64(1))) == 0 and newline != 0
                if line_end and field_end > field_start and buf[field_end - 1] == RETURN:
                    field_end -= 1
                if field == target:  # read here, not in a function: calls cost more than this
                    slot = slot_of[field]
                    kind = kinds[slot]
                    length = field_end - field_start
                    value = NO_NUMBER
                    read = True
                    if kind == CODE and length <= CODE_BYTES:
                        kept = (np.uint64(1) << np.uint64(8 * length)) - np.uint64(1)
                        value = np.int64(_load_word(buf, field_start) & kept) | (length << 56)
                    elif kind == ID and 0 < length <= WORD:
                        value, read = _eight_digits(_load_word(buf, field_start), length)
                    elif length:  # a date, a long id or code (an empty id or date: NO_NUMBER)
                        value, read = _read_rest(buf, field_start, field_end, kind)
                    values[row, slot] = value
                    if not read:
                        flags |= 1 << slot
                    target = next_read[min(field + 1, width)]
                field += 1
                field_start = stop + 1
                stops &= stops - np.uint64(1)
                if line_end:
                    if field == 1 and _spaces_only(buf, starts[row], field_end):
                        field = 0
                    position = stop + 1
            at += WORD
        for column in range(field, width):  # a short line: its missing fields are empty
            if slot_of[column] >= 0:
                values[row, slot_of[column]] = 0 if kinds[slot_of[column]] == CODE else NO_NUMBER
        fields[row] = field
        slow[row] = flags
        row += 1
    return row, nul_bytes
