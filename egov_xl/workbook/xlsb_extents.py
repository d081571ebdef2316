"""How far an .xlsb's binary sheets reach, read from their BIFF12 records before calamine
allocates every cell from A1 to the farthest one (a 10 KB file whose one cell sits at
XFD1048576 would ask for 17 billion).

A BIFF12 part is a stream of records: a type and a size (each a little-endian base-128
number of at most 2 and 4 bytes), then the payload. Only two kinds are read: BrtRowHdr (the
row of the cells that follow) and the cell records (their column first); everything else,
BrtWsDim included (it may lie, as an .xlsx <dimension> may), is skipped by its size. Blank
cells (BrtCellBlank) are skipped too: calamine keeps no value for them. Memory stays flat:
the part is streamed, a large record skipped in fixed-size reads.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator

from .extents import Extent

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:
    from typing import BinaryIO

CHUNK = 1 << 20
ROW_HEADER = 0x0000  # BrtRowHdr: rw (u32) first
CELLS = frozenset({0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x3E})  # col (u32) first
BUNDLE_SHEET = 0x009C  # BrtBundleSh in workbook.bin: hsState, iTabID, strRelID, strName
_TARGET = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|'
                     rb'<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')


class _Stream:
    """Buffered reads of a zip member: whole small payloads, large ones skipped."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.buffer, self.pos = raw, b"", 0

    def _fill(self, need: int) -> bool:
        while len(self.buffer) - self.pos < need:
            chunk = self.raw.read(CHUNK)
            if not chunk:
                return False
            self.buffer = self.buffer[self.pos:] + chunk
            self.pos = 0
        return True

    def varint(self, most: int) -> int | None:
        value = 0
        for shift in range(0, 7 * most, 7):
            if not self._fill(1):
                return None
            byte = self.buffer[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value
        return value

    def take(self, size: int, keep: int) -> bytes:
        """The first `keep` bytes of a `size`-byte payload; the rest is skipped."""
        kept = b""
        if keep:
            self._fill(min(size, keep))
            kept = self.buffer[self.pos:self.pos + min(size, keep)]
        left = size
        while left:
            available = len(self.buffer) - self.pos
            if not available and not self._fill(1):
                break
            step = min(left, len(self.buffer) - self.pos)
            self.pos += step
            left -= step
        return kept


def records(raw: BinaryIO, keep: int = 8) -> Iterator[tuple[int, bytes]]:
    """(record type, the payload's first `keep` bytes) for each record of a BIFF12 part."""
    stream = _Stream(raw)
    while (kind := stream.varint(2)) is not None:
        size = stream.varint(4)
        if size is None:
            return
        yield kind, stream.take(size, keep)


def sheet_extent(raw: BinaryIO) -> Extent:
    """Rows × columns from A1 to the farthest cell holding something (1-based)."""
    extent, row = Extent(), 0
    for kind, payload in records(raw):
        if len(payload) < 4:
            continue
        if kind == ROW_HEADER:
            row = struct.unpack_from("<I", payload)[0]
        elif kind in CELLS:
            extent.reach(row + 1, struct.unpack_from("<I", payload)[0] + 1)
    return extent


def _wide(payload: bytes, at: int) -> tuple[str | None, int]:
    """An XLWideString (u32 count of UTF-16 units, then the units) at `at`; None for a null one."""
    if at + 4 > len(payload):
        return None, len(payload)
    count = struct.unpack_from("<I", payload, at)[0]
    if count == 0xFFFFFFFF:
        return None, at + 4
    end = at + 4 + 2 * count
    return payload[at + 4:end].decode("utf-16-le", "replace"), end


def sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name, from workbook.bin and its relationships; parts the
    workbook does not name keep their path."""
    names = archive.namelist()
    parts = {n: n for n in names if n.startswith("xl/worksheets/") and n.endswith(".bin")}
    if "xl/workbook.bin" not in names or "xl/_rels/workbook.bin.rels" not in names:
        return parts
    targets = {}
    for match in _TARGET.finditer(archive.read("xl/_rels/workbook.bin.rels")):
        rel, target = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        target = target.decode("utf-8", "replace")
        targets[rel.decode("utf-8", "replace")] = target.lstrip("/") if target.startswith("/") \
            else posixpath.normpath(posixpath.join("xl", target))
    with archive.open("xl/workbook.bin") as raw:
        for kind, payload in records(raw, keep=1024):
            if kind != BUNDLE_SHEET:
                continue
            rel, at = _wide(payload, 8)
            name, _ = _wide(payload, at)
            part = targets.get(rel or "")
            if part in parts and name:
                parts[part] = name
    return parts


def xlsb_extents(archive: zipfile.ZipFile) -> Iterator[tuple[str, Extent]]:
    for part, sheet in sheet_names(archive).items():
        with archive.open(part) as raw:
            yield sheet, sheet_extent(raw)
