"""The reporting unit's name in the title above a table ("UBND xã Hòa Phong", "Sở Nội vụ",
"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH …", "Đơn vị báo cáo: …"), so several tables (one per
unit, side by side or in sheets) are told apart in the report.

The title rows above the header are read within the columns of the table's own span (a merged
title cell stands in its first column); failing a name there, the paragraphs just above a Word
table (its caption). Of a cell or caption of several lines (ỦY BAN NHÂN DÂN TỈNH X / SỞ NỘI
VỤ), the last line naming a unit is the reporting one. A name ends where the title goes on
with something else ("… – Báo cáo quý I", "…    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").
"""

from __future__ import annotations

import re
import unicodedata
from itertools import islice

from .grid import SheetGrid

# how a unit's name begins (casefolded, NFC); data, so a new kind of unit is one entry
UNIT_PREFIXES = (
    "ubnd ", "ủy ban nhân dân", "uỷ ban nhân dân", "sở ", "bộ ", "ban ", "văn phòng ", "trung tâm ",
    "công an ", "bảo hiểm xã hội", "bhxh ", "cục ", "chi cục ", "tổng cục ", "kho bạc ", "cơ quan ",
)
NOT_UNITS = ("ban hành", "bộ chỉ tiêu", "bộ tiêu chí", "cơ quan báo cáo", "cơ quan nhận")  # words, not units
LABELLED = ("đơn vị báo cáo", "cơ quan báo cáo", "đơn vị")  # "Đơn vị báo cáo: …"
NOT_LABELS = ("đơn vị tính",)  # "Đơn vị tính: người" names a measure
ADDRESSED = ("kính gửi",)  # "Kính gửi:" | "Sở Nội vụ": the recipient, not the reporting unit
# where a title cell goes on after the name: a gap, a dash before other words, the state motto
_NAME_ENDS = re.compile(r"\s{3,}|\t|;|\s[-–—]\s|\bcộng hòa\b|\bcộng hoà\b|\bbáo cáo\b|\bbiểu\b|\bphụ lục\b",
                        re.IGNORECASE)
_MAX_WORDS = 16  # a line longer than this is a sentence, not a name
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip(" :-–")


def unit_name(grid: SheetGrid, header_row: int, rows: int, first: int = 0, end: int | None = None) -> str | None:
    """The first unit's name in the `rows` rows above the header, within columns first..end-1,
    or else the last one in the grid's caption (the paragraphs above a Word table)."""
    names = unit_names(grid, header_row, rows, first, end)
    return names[0] if names else None


def unit_names(grid: SheetGrid, header_row: int, rows: int, first: int = 0, end: int | None = None) -> tuple[str, ...]:
    """Every unit's name in those rows, top to bottom, each once (a letterhead on two rows names
    the superior body, then the reporting unit), or else the last one in the caption."""
    found = []
    for r in range(max(0, header_row - rows), header_row):
        line = grid.values[r]
        stop = len(line) if end is None else min(len(line), end)
        previous = ""
        for c in range(first, stop):
            text = grid.text(r, c)
            addressed = previous.casefold().startswith(ADDRESSED)
            if not addressed and (name := _named(text, islice(line, c + 1, stop))) is not None:  # lazy: no copy
                found.append(name)
            previous = text or previous
    if not found and grid.caption and (name := _named(grid.caption, ())) is not None:
        found.append(name)
    return tuple(dict.fromkeys(found))


def _named(text: str, after) -> str | None:
    found = None
    for raw in text.splitlines():
        part = _clean(raw)
        folded = part.casefold()
        label = next((w for w in LABELLED if folded.startswith(w) and ":" in raw
                      and not folded.startswith(NOT_LABELS)), None)
        if label is not None:  # the colon may end the cell ("Đơn vị báo cáo:" | "UBND xã A")
            value = raw.split(":", 1)[1].strip() or next((_clean(str(v)) for v in after if str(v).strip()), "")
            found = _cut(value) or found
        elif folded.startswith(UNIT_PREFIXES) and not folded.startswith(NOT_UNITS):
            found = _cut(part) or found
    return found


def _cut(text: str) -> str | None:
    """The name alone, without what the same title cell or line goes on to say."""
    name = _clean(_NAME_ENDS.split(text, 1)[0])
    return name if name and len(name.split()) <= _MAX_WORDS else None
