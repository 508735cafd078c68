"""How a core table of the release is read: in chunks of whole lines, each scanned by scan.py in
two halves on two threads while the previous chunk is reduced, and rows of the wrong width
counted, never dropped silently.

The release writes tab-delimited rows with no quoting; some have a field too many or too few
("shifted rows"): a row with one field more than the header is LONG, fewer SHORT, more than one
more is refused and listed by its line number (the header is line 1), and an empty line or a
line of spaces only is BLANK. NUL bytes are counted. Fields the compiled scan could not read
with certainty are read again exactly (`read_slow`, exact.py); such fields are rare.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import BinaryIO

import numpy as np

from bot.data.importers.common import ImportFailed
from bot.data.importers.eoir import scan
from bot.data.importers.eoir.exact import LongCodes, slow_value
from bot.data.importers.eoir.release import Progress, SourceTable

LONG, SHORT, BLANK = "long", "short", "blank"
SHOWN_REFUSED = 20
CHUNK_BYTES = 16 * 1024 * 1024
SPLIT_SEARCH = 1 << 16  # how far from a chunk's middle a newline is looked for
AHEAD = 2  # chunks scanned ahead of the one being reduced
Consume = Callable[["Rows"], None]


@dataclass
class Refused:
    """Rows with more than one field too many: how many, and the first lines."""

    rows: int = 0
    lines: list[str] = field(default_factory=list)


@dataclass
class Shapes:
    """A table's rows by shape: read, too long, too short, blank, refused."""

    total: int  # rows of any width but refused ones
    columns: int
    by_kind: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)  # kind -> a row's first field
    refused: Refused = field(default_factory=Refused)
    nul_bytes: int = 0

    @property
    def set_aside(self) -> int:
        return self.by_kind.get(LONG, 0) + self.by_kind.get(SHORT, 0) + self.refused.rows

    @property
    def kept(self) -> int:
        return self.total - sum(self.by_kind.values())


@dataclass
class Rows:
    """One scanned part of a chunk: per row its values by slot (scan.py), number of fields,
    slow fields (bits by slot) and where its line begins in `buffer`. Views of the first rows
    of `whole`, whose arrays are reused for a later part."""

    values: np.ndarray
    fields: np.ndarray
    slow: np.ndarray
    starts: np.ndarray
    whole: Rows | None = None
    buffer: np.ndarray | None = None  # the chunk's, holding the lines from starts[0] to end
    end: int = 0
    width: int = 0  # the header's number of columns
    first_line: int = 0  # the line number of its first row, set in order

    @staticmethod
    def allocate(capacity: int, slots: int) -> Rows:
        return Rows(
            np.empty((capacity, slots), dtype=np.int64),
            np.empty(capacity, dtype=np.int32),
            np.empty(capacity, dtype=np.int64),
            np.empty(capacity, dtype=np.int64),
        )

    @property
    def capacity(self) -> int:
        return len(self.fields)

    def first(self, count: int) -> Rows:
        return Rows(
            self.values[:count], self.fields[:count], self.slow[:count], self.starts[:count], self
        )


def columns_of(header: bytes) -> tuple[str, ...]:
    return tuple(
        c.strip() for c in header.replace(b"\0", b"").decode("latin-1").rstrip("\r\n").split("\t")
    )


def slots(columns: tuple[str, ...], fields: tuple[tuple[str, int], ...], name: str) -> np.ndarray:
    """Header position -> slot of `fields` (-1: not read); the first column of a name counts."""
    if missing := [c for c, _ in fields if c not in columns]:
        raise ImportFailed(f"{name}: no column {', '.join(missing)} in its header")
    slot_of = np.full(len(columns), -1, dtype=np.int64)
    for slot, (column, _) in enumerate(fields):
        slot_of[columns.index(column)] = slot
    return slot_of


def read_table(
    table: SourceTable,
    fields: tuple[tuple[str, int], ...],
    consume: Consume,
    report: Callable,
    long_codes: LongCodes,
) -> Shapes:
    """Every row of the table scanned and handed to `consume` in order, chunk by chunk; the
    rows of the wrong width counted, and codes too long to pack numbered in `long_codes`."""
    with table.open() as stream:
        header = stream.readline()
        columns = columns_of(header)
        if len(columns) < 2:
            raise ImportFailed(f"{table.name}: its header is not the release's ({columns[:3]})")
        reader = _Reader(table.name, slots(columns, fields, table.name), fields, long_codes)
        reader.shapes.nul_bytes = header.count(b"\0")
        progress = Progress(table.name, table.size, report)
        progress.advance(len(header))
        with ThreadPoolExecutor(max_workers=2) as pool:
            waiting: deque[tuple[np.ndarray, list[Future]]] = deque()
            for chunk in reader.chunks(stream, progress):  # a view of the start of a buffer
                parts = [pool.submit(reader.scan, chunk.base, *part) for part in _halves(chunk)]
                waiting.append((chunk.base, parts))
                while len(waiting) > AHEAD:
                    reader.hand_on(*waiting.popleft(), consume)
            while waiting:
                reader.hand_on(*waiting.popleft(), consume)
        progress.done()
    return reader.shapes


class _Reader:
    """One table's reading: its columns' slots and kinds, what it counted, and the buffers it
    reuses (fresh memory for every chunk cost more in page faults than the scan itself)."""

    def __init__(
        self,
        name: str,
        slot_of: np.ndarray,
        fields: tuple[tuple[str, int], ...],
        long_codes: LongCodes,
    ) -> None:
        self.name, self.slot_of, self.long_codes = name, slot_of, long_codes
        self.kinds = np.array([kind for _, kind in fields], dtype=np.int64)
        self.shapes = Shapes(total=0, columns=len(slot_of))
        self.line = 2  # the header is line 1
        self.spare_chunks: SimpleQueue[np.ndarray] = SimpleQueue()
        self.spare_rows: SimpleQueue[Rows] = SimpleQueue()

    def chunks(self, stream: BinaryIO, progress: Progress) -> Iterator[np.ndarray]:
        """Whole lines, about CHUNK_BYTES at a time, the last ended by a newline if it was not."""
        tail = b""
        while True:
            buffer = self._chunk_buffer(len(tail) + CHUNK_BYTES + 1 + scan.WORD)
            buffer[: len(tail)] = np.frombuffer(tail, dtype=np.uint8)
            end = len(tail) + _fill(stream, memoryview(buffer)[len(tail) : len(tail) + CHUNK_BYTES])
            progress.advance(end - len(tail))
            if end == len(tail):  # the end of the file
                if end:
                    buffer[end] = scan.NEWLINE
                    yield buffer[: end + 1] if buffer[end - 1] != scan.NEWLINE else buffer[:end]
                return
            if (cut := _after_last_newline(buffer, end)) == 0:  # a line longer than a chunk
                tail = buffer[:end].tobytes()
                continue
            tail = buffer[cut:end].tobytes()
            yield buffer[:cut]

    def _chunk_buffer(self, size: int) -> np.ndarray:
        """A spare buffer if one is large enough. New ones have room for the usual tail (less
        than SPLIT_SEARCH bytes), so that they can be used again whatever the next tail is:
        fresh memory is paid for in page faults as the file is read into it."""
        while not self.spare_chunks.empty():
            if len(buffer := self.spare_chunks.get()) >= size:
                return buffer
        return np.empty(max(size, CHUNK_BYTES + SPLIT_SEARCH + 1 + scan.WORD), dtype=np.uint8)

    def scan(self, buffer: np.ndarray, start: int, end: int) -> tuple[Rows, int]:
        """The lines of buffer[start:end] scanned into reused arrays (run on a worker thread);
        the buffer has scan.WORD bytes to spare after the chunk's end."""
        lines = scan.count_lines(buffer[start:end])
        rows = self._rows(lines)
        rows.buffer, rows.end = buffer, end
        found, nul_bytes = scan.scan_lines(
            rows.buffer, start, end, self.slot_of, self.kinds,
            rows.values, rows.slow, rows.fields, rows.starts,
        )  # fmt: skip
        assert found == lines
        return rows, nul_bytes

    def _rows(self, lines: int) -> Rows:
        while not self.spare_rows.empty():
            rows = self.spare_rows.get()
            if rows.capacity >= lines:
                return rows.first(lines)
        return Rows.allocate(int(lines * 1.25) + 16, len(self.kinds)).first(lines)

    def hand_on(self, buffer: np.ndarray, parts: list[Future], consume: Consume) -> None:
        """A chunk's parts, in order: counted, their slow fields read, consumed; then their
        buffers are free again."""
        for future in parts:
            rows, nul_bytes = future.result()
            rows.first_line, rows.width = self.line, self.shapes.columns
            self.shapes.nul_bytes += nul_bytes
            _count_shapes(rows, self.shapes, self.name)
            read_slow(rows, self.slot_of, self.kinds, self.long_codes)
            consume(rows)
            self.line += len(rows.fields)
            self.spare_rows.put(rows.whole)
        self.spare_chunks.put(buffer)


def _after_last_newline(buffer: np.ndarray, end: int) -> int:
    """Where the bytes after buffer[:end]'s last newline begin (0: it has none)."""
    start = max(0, end - SPLIT_SEARCH)
    newlines = np.flatnonzero(buffer[start:end] == scan.NEWLINE)
    if not len(newlines):
        start, newlines = 0, np.flatnonzero(buffer[:end] == scan.NEWLINE)
    return start + int(newlines[-1]) + 1 if len(newlines) else 0


def _fill(stream: BinaryIO, target: memoryview) -> int:
    """Bytes read into `target` (a zip member may return fewer than asked before its end)."""
    filled = 0
    while filled < len(target) and (count := stream.readinto(target[filled:])):
        filled += count
    return filled


def _halves(chunk: np.ndarray) -> list[tuple[int, int]]:
    """The chunk cut in two at a newline near its middle (one part if none is near)."""
    middle = len(chunk) // 2
    found = np.flatnonzero(chunk[middle : middle + SPLIT_SEARCH] == scan.NEWLINE)
    if not len(found) or middle + int(found[0]) + 1 >= len(chunk):
        return [(0, len(chunk))]
    cut = middle + int(found[0]) + 1
    return [(0, cut), (cut, len(chunk))]


def _line(rows: Rows, row: int) -> bytes:
    start = int(rows.starts[row])
    end = int(rows.starts[row + 1]) - 1 if row + 1 < len(rows.starts) else rows.end - 1
    text = rows.buffer[start:end].tobytes()
    return text[:-1] if text.endswith(b"\r") else text


def _count_shapes(rows: Rows, shapes: Shapes, name: str) -> None:
    """Rows of the wrong width counted by kind, with an example each (the least first field)."""
    width = shapes.columns
    wrong = np.flatnonzero(rows.fields != width)
    shapes.total += len(rows.fields)
    for row in wrong.tolist():
        count = int(rows.fields[row])
        if count > width + 1:
            shapes.total -= 1
            shapes.refused.rows += 1
            if len(shapes.refused.lines) < SHOWN_REFUSED:
                number = rows.first_line + row
                shapes.refused.lines.append(f"{name} line {number}: {count} fields, not {width}")
            continue
        kind = LONG if count == width + 1 else BLANK if count == 0 else SHORT
        shapes.by_kind[kind] = shapes.by_kind.get(kind, 0) + 1
        first = _line(rows, row).split(b"\t", 1)[0].decode("latin-1")  # the release's encoding
        if kind not in shapes.examples or first < shapes.examples[kind]:
            shapes.examples[kind] = first


def read_slow(rows: Rows, slot_of: np.ndarray, kinds: np.ndarray, long_codes: LongCodes) -> None:
    """The fields the scan flagged, read exactly, on rows of the right width."""
    width = len(slot_of)
    column_of = {int(slot): column for column, slot in enumerate(slot_of.tolist()) if slot >= 0}
    for row in np.flatnonzero((rows.slow != 0) & (rows.fields == width)).tolist():
        flags = int(rows.slow[row])
        cells = _line(rows, row).split(b"\t")
        for slot, kind in enumerate(kinds.tolist()):
            if flags >> slot & 1:
                rows.values[row, slot] = slow_value(cells[column_of[slot]], kind, long_codes)
