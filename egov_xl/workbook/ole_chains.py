"""Sanity of an OLE compound file (.xls) before a reader follows its sector chains.

An .xls is a small file system (MS-CFB): a sector allocation table (FAT) chains the sectors of
each stream. A 2 KB file whose chain loops makes python-calamine allocate until the process
aborts, and xlrd's mini-stream walk never ends. Here every chain a reader follows (the FAT's
own sectors, the directory, the mini-stream and its table, every stream) is walked once, with
each sector allowed once: a loop, an index outside the file, or a stream declaring more bytes
than its chain holds is a damaged file. Cost: one pass over the tables, no stream is read.
"""

from __future__ import annotations

import struct

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END, FREE, FAT_SECTOR, DIFAT_SECTOR = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFC
_STREAM, _ROOT = 2, 5


class ChainError(ValueError):
    """The compound file's chains are not sane; the text says where (for the reason)."""


def check_chains(data: bytes) -> None:
    """Raise ChainError when a chain of the compound file `data` loops or leaves the file."""
    if len(data) < 512 or not data.startswith(SIGNATURE):
        return  # not a compound file: the reader will say so
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if shift not in (9, 12) or mini_shift != 6:
        raise ChainError(f"sector size 2^{shift}")
    size = 1 << shift
    sectors = (len(data) - 512 + size - 1) // size
    fat = _fat(data, size, sectors)
    bound = min(len(fat), sectors)
    directory = _chain(fat, struct.unpack_from("<I", data, 0x30)[0], "directory", bound)
    entries = b"".join(_sector(data, size, s) for s in directory)
    cutoff = struct.unpack_from("<I", data, 0x38)[0]
    mini_fat_chain = _chain(fat, struct.unpack_from("<I", data, 0x3C)[0], "mini FAT", bound, allow_empty=True)
    mini_fat = _entries(b"".join(_sector(data, size, s) for s in mini_fat_chain))
    for at in range(0, len(entries) - 127, 128):
        kind = entries[at + 66]
        if kind not in (_STREAM, _ROOT):
            continue
        start, length = struct.unpack_from("<IQ", entries, at + 116)
        if size == 512:
            length &= 0xFFFFFFFF  # version 3 files: the high half is undefined
        small = kind == _STREAM and length < cutoff
        table, unit, most = (mini_fat, 64, len(mini_fat)) if small else (fat, size, bound)
        chain = _chain(table, start, f"stream {at // 128}", most, allow_empty=length == 0)
        if length > len(chain) * unit:
            raise ChainError(f"stream {at // 128} declares {length:,} bytes, its chain holds {len(chain) * unit:,}")


def _fat(data: bytes, size: int, sectors: int) -> list[int]:
    count, difat_start, difat_count = struct.unpack_from("<I", data, 0x2C)[0], *struct.unpack_from("<II", data, 0x44)
    where = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < FAT_SECTOR]
    seen, s = set(), difat_start
    while s < DIFAT_SECTOR and len(seen) < difat_count:
        if s in seen or s >= sectors:
            raise ChainError(f"DIFAT sector {s}")
        seen.add(s)
        table = _entries(_sector(data, size, s))
        where += [e for e in table[:-1] if e < FAT_SECTOR]
        s = table[-1]
    if len(where) < min(count, sectors) or any(s >= sectors for s in where):
        raise ChainError("FAT sectors")
    return _entries(b"".join(_sector(data, size, s) for s in where[:count]))


def _chain(table: list[int], start: int, name: str, bound: int, allow_empty: bool = False) -> list[int]:
    """The sectors of one chain, each once and each below `bound`."""
    chain, seen, s = [], set(), start
    if s in (END, FREE) and allow_empty:
        return chain
    while s != END:
        if s >= bound or s in seen:
            raise ChainError(f"{name}: sector {s} {'repeated' if s in seen else 'outside the table'}")
        seen.add(s)
        chain.append(s)
        s = table[s]
    return chain


def _sector(data: bytes, size: int, index: int) -> bytes:
    at = 512 + index * size
    if at >= len(data):
        raise ChainError(f"sector {index} outside the file")
    return data[at:at + size]


def _entries(raw: bytes) -> list[int]:
    return list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))
