"""The reporting period named in the title rows above a table ("Quý I năm 2025", "BÁO CÁO 6
THÁNG ĐẦU NĂM 2026", "Báo cáo năm 2025", "Kỳ báo cáo: Quý III/2026", "9 tháng năm 2026"), or in
the template's labelled input cells ("Kỳ báo cáo:" | "Quý I" and "Năm:" | 2025, the cells named
EGOV_KY_BAO_CAO and EGOV_NAM), read with core/periods.py's parser.

Dates are not periods: "ngày 15 tháng 6 năm 2020" and "15/12/2025" are dropped before looking.
A bare "năm 2025" names the year report only where the cell says "báo cáo" or starts with it
("Kế hoạch năm 2025" names none). When the title names two different periods, it states none.
"""

from __future__ import annotations

import re

from .grid import SheetGrid
from .periods import Period, PeriodError, parse_period
from .text import fold

_DATES = re.compile(r"\bngay\s+(?:\S+\s+){0,4}?nam\s+(?:19|20)\d{2}\b|\b\d{1,2}\s+\d{1,2}\s+(?:19|20)\d{2}\b")
_YEAR = r"(?:\s+nam)?\s+(?:19|20)\d{2}\b"
_PHRASE = re.compile(
    r"\b(?:(?:quy|q)\s*(?:iv|i{1,3}|[1-4])|(?:6|sau|9|chin)\s*(?:thang|t)(?:\s+dau)?|thang\s+\d{1,2})" + _YEAR)
_YEAR_REPORT = re.compile(r"\bnam\s+(?:19|20)\d{2}\b")
_PERIOD_LABEL = re.compile(r"^ky(?:\s+bao\s+cao)?$")
_YEAR_LABEL = re.compile(r"^nam(?:\s+bao\s+cao)?$")


def title_period(grid: SheetGrid, header_row: int, rows: int, first: int = 0, end: int | None = None) -> Period | None:
    """The one period the `rows` rows above the header name (within columns first..end-1), or
    the grid's caption (the paragraphs above a Word table); None when none or several."""
    lines = [_row_cells(grid, r, first, end) for r in range(max(0, header_row - rows), header_row)]
    if grid.caption:
        lines.append(grid.caption.splitlines())
    found = set(_labelled(lines))
    for cells in lines:
        found.update(p for cell in cells if (p := period_in(cell)) is not None)
    return found.pop() if len(found) == 1 else None


def period_in(text: str) -> Period | None:
    """The period one title cell or line names, if it names one."""
    folded = _DATES.sub(" ", fold(text))
    match = _PHRASE.search(folded)
    if match is None:
        year = _YEAR_REPORT.search(folded)
        if year is None or not (year.start() == 0 or "bao cao" in folded[:year.start()]):
            return None
        match = year
    try:
        return parse_period(match.group(0))
    except PeriodError:  # Quý II, Quý IV, Tháng 13: no reporting period of the calendar
        return None


def _row_cells(grid: SheetGrid, row: int, first: int, end: int | None) -> list[str]:
    line = grid.values[row]
    stop = len(line) if end is None else min(len(line), end)
    return [grid.text(row, c) for c in range(first, stop)]


def _labelled(lines: list[list[str]]):
    """The template's "Kỳ báo cáo:" | "Quý I" with "Năm:" | 2025 (each label's value after its
    colon or in the next cell that is not empty)."""
    kind = year = None
    for cells in lines:
        for index, cell in enumerate(cells):
            head, colon, rest = cell.partition(":")
            if not colon:
                continue
            value = rest.strip() or next((c for c in cells[index + 1:] if c.strip()), "")
            label = fold(head)
            if _PERIOD_LABEL.match(label):
                kind = kind or value
            elif _YEAR_LABEL.match(label):
                year = year or value
    if kind and year:
        try:
            yield parse_period(f"{kind} {year}")
        except PeriodError:
            pass
