"""The reporting unit's name in the title rows above a table ("UBND xã Hòa Phong", "Sở Nội
vụ", "Đơn vị báo cáo: …"), so several tables (one per unit, side by side or in sheets) are
told apart in the report. Only the columns of the table's own span are read."""

from __future__ import annotations

import re
import unicodedata

from .grid import SheetGrid

# how a unit's name begins (casefolded, NFC); data, so a new kind of unit is one entry
UNIT_PREFIXES = ("ubnd ", "ủy ban nhân dân", "uỷ ban nhân dân", "sở ", "bộ ", "ban quản lý", "văn phòng ")
LABELLED = ("đơn vị báo cáo", "cơ quan báo cáo", "đơn vị")  # "Đơn vị báo cáo: …"
_SPACE = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip(" :-–")


def unit_name(grid: SheetGrid, header_row: int, rows: int, first: int = 0, end: int | None = None) -> str | None:
    """The first unit's name in the `rows` rows above the header, within columns first..end-1;
    of a cell holding several lines (UBND TỈNH X / SỞ NỘI VỤ), the last one naming a unit."""
    for r in range(max(0, header_row - rows), header_row):
        line = grid.values[r]
        stop = len(line) if end is None else min(len(line), end)
        for c in range(first, stop):
            if (name := _named(grid.text(r, c), line[c + 1:stop])) is not None:
                return name
    return None


def _named(text: str, after) -> str | None:
    found = None
    for part in (_clean(p) for p in text.splitlines()):
        folded = part.casefold()
        label = next((w for w in LABELLED if folded.startswith(w) and ":" in part), None)
        if label is not None:
            value = part.split(":", 1)[1].strip() or next((_clean(str(v)) for v in after if str(v).strip()), "")
            found = value or found
        elif folded.startswith(UNIT_PREFIXES):
            found = part
    return found
