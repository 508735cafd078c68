"""The exact reading of a field scan.py could not read with certainty: rare, so done in Python.

An id is digits, with an optional sign and spaces around them (a negative one is then refused as
an id by the rules); a completion date is YYYY-MM-DD in its first ten characters, as written or
once spaces are trimmed, or M/D/YYYY as its first word, and spaces only are no date; a code too
long to pack into an integer is numbered here (`LongCodes`).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.data.importers.eoir import scan

INTEGER = re.compile(rb" *[+-]?[0-9]+ *")
ISO_DATE = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DAY_ZERO = date(1900, 1, 1)


class LongCodes:
    """Codes too long to pack, numbered by reading.py with negative keys (codes.code_bytes)."""

    def __init__(self) -> None:
        self.keys: dict[bytes, int] = {}
        self.texts: dict[int, bytes] = {}

    def key(self, text: bytes) -> int:
        if text not in self.keys:
            self.keys[text] = -1 - len(self.keys)
            self.texts[self.keys[text]] = text
        return self.keys[text]


def slow_value(text: bytes, kind: int, long_codes: LongCodes) -> int:
    """A field the scan could not read with certainty, read exactly."""
    if kind == scan.CODE:
        return long_codes.key(text)
    if kind == scan.ID:
        if not INTEGER.fullmatch(text):
            return scan.UNREADABLE
        number = int(text)
        return number if -(2**61) < number < 2**63 else scan.UNREADABLE
    return _day(text)


def _day(text: bytes) -> int:
    """A completion date: YYYY-MM-DD in its first ten characters (as written or once spaces
    are trimmed), or a first word M/D/YYYY; spaces only: BLANK_TEXT."""
    trimmed = text.strip(b" ")
    if not trimmed:
        return scan.BLANK_TEXT
    for first_ten in (text[:10], trimmed[:10]):
        if ISO_DATE.fullmatch(first_ten):
            try:
                return (date(*map(int, first_ten.split(b"-"))) - DAY_ZERO).days
            except ValueError:
                pass
    try:
        written = trimmed.split(b" ", 1)[0].decode("ascii")
        return (datetime.strptime(written, "%m/%d/%Y").date() - DAY_ZERO).days
    except (UnicodeDecodeError, ValueError):
        return scan.UNREADABLE
