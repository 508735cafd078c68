"""The EOIR import's compiled reader and reduction, each part against a plain-Python account.

scan.py reads eight bytes at a time and takes fast paths; these tests compare it with a
reference written the obvious way (split at newlines and tabs) on generated lines full of the
release's defects, so a mistake in the bit arithmetic shows as a difference. The tables that
keep each case's first completion, number codes and count combinations are compared the same
way, in their direct and hashed forms.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date, timedelta

import numpy as np
import pytest

from bot.data.importers.eoir import cases, codes, counting, endings, reading, scan
from bot.data.importers.eoir.exact import LongCodes, slow_value
from bot.data.importers.eoir.importer import run_eoir_import
from bot.data.importers.eoir.reading import Rows
from tests.fixtures.eoir.synthetic import generate, write_folder

KINDS = (scan.ID, scan.CODE, scan.DATE, scan.CODE, scan.ID)  # the slots read, in order
SLOT_OF = np.array([0, -1, 1, 2, -1, -1, 3, 4], dtype=np.int64)  # 8 columns, 5 read
PIECES = (
    [b"\t"] * 6
    + [b"\n", b"\r\n", b"\r", b" ", b"\0", b"\x08", b"\xc9", b"-5", b"+7", b" 12 "]
    + [b"1", b"0042", b"12345678", b"123456789", b"9" * 19, b"MX", b"rmv ", b"ABCDEFGH"]
    + [b"2020-01-02", b"2020-02-30 00:00", b"2024-02-29 00:00:00.000", b"0000-01-01"]
    + [b"05/04/2007", b"2007-5-4", b"   "]
)
ISO = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def expected_field(text: bytes, kind: int) -> int | None:
    """What the fast path must give for a field, or None: it must flag it for the slow path."""
    if kind == scan.CODE:
        return int.from_bytes(text, "little") | len(text) << 56 if len(text) <= 7 else None
    if not text:
        return scan.NO_NUMBER
    if kind == scan.ID:
        return int(text) if len(text) <= 18 and text.isdigit() and text.isascii() else None
    if len(text) >= 10 and ISO.fullmatch(text[:10]):
        try:
            day = date(*map(int, text[:10].split(b"-")))
        except ValueError:
            return None
        return (day - date(1900, 1, 1)).days
    return None


def reference(blob: bytes) -> list[tuple[int, int, list[int | None]]]:
    """(start, number of fields, values by slot) per line, read the obvious way."""
    rows, start = [], 0
    for line in blob.split(b"\n")[:-1]:
        text = line[:-1] if line.endswith(b"\r") else line
        cells = text.split(b"\t")
        count = 0 if len(cells) == 1 and not cells[0].strip(b" ") else len(cells)
        values = [None] * len(KINDS)
        for column, slot in enumerate(SLOT_OF.tolist()):
            if slot >= 0:
                cell = cells[column] if column < len(cells) and count else b""
                values[slot] = expected_field(cell, KINDS[slot])
        rows.append((start, count, values))
        start += len(line) + 1
    return rows


def scanned(blob: bytes) -> tuple[Rows, int, int]:
    buffer = np.zeros(len(blob) + scan.WORD, dtype=np.uint8)
    buffer[: len(blob)] = np.frombuffer(blob, dtype=np.uint8)
    rows = Rows.allocate(blob.count(b"\n") + 1, len(KINDS))
    kinds = np.array(KINDS, dtype=np.int64)
    found, nul_bytes = scan.scan_lines(
        buffer, 0, len(blob), SLOT_OF, kinds, rows.values, rows.slow, rows.fields, rows.starts
    )
    return rows, found, nul_bytes


@pytest.mark.parametrize("seed", range(40))
def test_the_scan_reads_every_line_as_a_plain_split_does(seed):
    rng = random.Random(seed)
    blob = b"".join(rng.choice(PIECES) for _ in range(rng.randint(1, 300)))
    blob = blob if blob.endswith(b"\n") else blob + b"\n"
    rows, found, nul_bytes = scanned(blob)
    wanted = reference(blob)
    assert found == len(wanted)
    assert nul_bytes == blob.count(b"\0")
    for row, (start, count, values) in enumerate(wanted):
        assert (rows.starts[row], rows.fields[row]) == (start, count)
        if count != len(SLOT_OF):
            continue  # a row of the wrong width: its values are never used
        for slot, value in enumerate(values):
            flagged = bool(rows.slow[row] >> slot & 1)
            assert flagged == (value is None), (row, slot, blob[start : start + 80])
            if value is not None:
                assert rows.values[row, slot] == value


def test_the_slow_path_reads_what_the_fast_path_leaves():
    long_codes = LongCodes()
    assert slow_value(b" 12 ", scan.ID, long_codes) == 12
    assert slow_value(b"-5", scan.ID, long_codes) == -5  # read, then refused as an id
    assert slow_value(b"12a", scan.ID, long_codes) == scan.UNREADABLE
    assert slow_value(b"9" * 19, scan.ID, long_codes) == scan.UNREADABLE
    assert slow_value(b"   ", scan.DATE, long_codes) == scan.BLANK_TEXT
    may_4 = (date(2007, 5, 4) - date(1900, 1, 1)).days
    assert slow_value(b" 2007-05-04", scan.DATE, long_codes) == may_4
    assert slow_value(b"05/04/2007 00:00", scan.DATE, long_codes) == may_4
    assert slow_value(b"2007-5-4", scan.DATE, long_codes) == scan.UNREADABLE
    first = slow_value(b"ABCDEFGH", scan.CODE, long_codes)
    assert first < 0 and slow_value(b"ABCDEFGH", scan.CODE, long_codes) == first
    assert codes.code_bytes(first, long_codes.texts) == b"ABCDEFGH"


def test_day_numbers_and_fiscal_years_agree_with_the_calendar():
    rng = random.Random(3)
    for _ in range(2000):
        day = date(1, 1, 1) + timedelta(days=rng.randrange(3_650_000))
        number = (day - date(1900, 1, 1)).days
        assert scan.day_number(day.year, day.month, day.day) == number
        assert endings.fiscal_year(number) == day.year + (day.month >= 10)


@pytest.mark.parametrize("packed", [True, False])
def test_codes_keep_their_numbers_as_the_table_grows(packed):
    """More codes than the first table holds, short and long ones, numbered in order of first
    appearance, each number the same every time its code comes back."""
    rng = random.Random(5)
    distinct = [rng.randrange(1 << 40) for _ in range(3000)]
    if packed:  # codes as scan.py packs them: one or two bytes go through the direct table
        texts = [bytes([b]) for b in range(256)] + [bytes([a, 66]) for a in range(65, 91)]
        texts += [rng.randbytes(rng.randint(3, 7)) for _ in range(3000)]
        distinct = [int.from_bytes(t, "little") | len(t) << 56 for t in texts]
    column = codes.CodeColumn(packed=packed)
    seen: dict[int, int] = {}
    for _ in range(4):
        chunk = np.array([[rng.choice(distinct)] for _ in range(5000)], dtype=np.int64)
        expected = [seen.setdefault(int(key), len(seen)) for key in chunk[:, 0]]
        column.number(chunk, 0, len(chunk))
        assert chunk[:, 0].tolist() == expected
    assert column.keys_in_order().tolist() == list(seen)


@pytest.mark.parametrize("spread", [1, 10**7])
def test_each_case_keeps_its_first_completion_in_direct_and_hashed_tables(spread):
    """Case ids in sequence (a direct table) or far apart (hashed, after growing): the lowest
    order wins, the first read of equal ones."""
    rng = random.Random(spread)
    first = cases.FirstCompletions()
    best: dict[int, tuple[int, int]] = {}
    for _ in range(6):
        ids = np.array([rng.randrange(1, 30_000) * spread for _ in range(20_000)], np.int64)
        orders = np.array([rng.randrange(50) for _ in range(20_000)], dtype=np.int64)
        place = np.array([[rng.randrange(99)] * cases.PLACE_CODES for _ in ids], np.int32)
        for case, order, code in zip(
            ids.tolist(), orders.tolist(), place[:, 0].tolist(), strict=True
        ):
            if case not in best or order < best[case][0]:
                best[case] = (order, code)
        first.add(ids, orders, place)
    assert (first.shift == 0) == (spread == 1)
    used = first.keys != cases.EMPTY
    kept = zip(first.orders[used].tolist(), first.codes[used, 0].tolist(), strict=True)
    found = dict(zip(first.keys[used].tolist(), kept, strict=True))
    assert found == best


def test_an_application_on_a_proceeding_two_cases_end_counts_for_both():
    """Ids should make it impossible; the rule (a join on the proceeding) still says both."""
    first = cases.FirstCompletions()
    day = (40_000 + cases.DAY_OFFSET) * cases.ORDER_FACTOR
    first.add(
        np.array([1, 2, 3], dtype=np.int64),
        np.array([day + 77, day + 77, day + 78], dtype=np.int64),
        np.zeros((3, cases.PLACE_CODES), dtype=np.int32),
    )
    found = endings.Endings(first)
    found.add_applications(
        np.array([77, 78], dtype=np.int64),
        np.array([1, -1], dtype=np.int64),
        np.array([5, 9], dtype=np.int64),
        np.array([4, 6], dtype=np.int32),
    )
    by_case = {int(k): s for s, k in enumerate(found.keys.tolist()) if k != cases.EMPTY}
    assert [found.best_code[by_case[c]] for c in (1, 2, 3)] == [4, 4, 6]
    assert [found.first_filed[by_case[c]] for c in (1, 2, 3)] == [
        77,
        endings.NO_RANK,
        endings.NO_RANK,
    ]


@pytest.mark.parametrize("width", [5, 10**6])
def test_combinations_are_counted_as_a_counter_counts_them(width):
    """Few possible combinations (bincount) or many (the hashed count), rows skipped by value."""
    rng = np.random.default_rng(width)
    table = rng.integers(0, width, size=(20_000, 4)).astype(np.int32)
    table[:, 3] = rng.integers(-2, 2, size=20_000)
    lows, highs = counting.column_ranges(table)
    assert (
        lows.tolist() == table.min(axis=0).tolist() and highs.tolist() == table.max(axis=0).tolist()
    )
    counted = counting.count_by(table, [[0, 1], [2, 3]], lows, highs, (3, -2))
    kept = table[table[:, 3] != -2]
    for columns, (values, counts) in zip(([0, 1], [2, 3]), counted, strict=True):
        found = Counter({tuple(int(v[i]) for v in values): int(n) for i, n in enumerate(counts)})
        assert found == Counter(tuple(map(int, row)) for row in kept[:, columns])


def test_a_release_read_in_small_chunks_gives_the_same_tables(monkeypatch, tmp_path):
    """Chunks shorter than some lines (a line longer than a chunk waits for the next) and parts
    cut anywhere: the reader's bookkeeping must not depend on where the bytes are cut."""
    files, _ = generate(cases=400, seed=4)
    release = write_folder(files, tmp_path / "release-2026-04-01")
    tables = {}
    for chunk in (reading.CHUNK_BYTES, 301):
        monkeypatch.setattr(reading, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(reading, "SPLIT_SEARCH", min(reading.SPLIT_SEARCH, chunk))
        data = tmp_path / f"data-{chunk}"
        data.mkdir()
        run_eoir_import(str(release), data, lambda _: None)
        tables[chunk] = {p.name: p.read_bytes() for p in sorted(data.iterdir())}
    assert tables[301] == tables[reading.CHUNK_BYTES]
