"""Finding the form table in a sheet, wherever it is.

The table is found by its header (STT | Chỉ tiêu | Kết quả thống kê → Đơn vị tính | Số liệu |
Ghi chú, on one or two rows, merged or not), or, failing that, by a column of indicator codes.
Location works on raw values only, so a reader can fetch number formats and formulas for the
located rows alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grid import CellRef, SheetGrid
from .infer import is_introduced_part
from .numbering import dotted_codes, is_marker, styles_shown
from .numbers import Reading, decide_decimal, decimal_of_evidence, file_evidence, read_value, share_as_percent
from .row_hints import CODE_SEARCH_ROWS, MAX_GAP, TITLE_ROWS, may_head_table
from .row_hints import HEADER_HINT as _HEADER_HINT
from .text import fold, parse_code, split_leading_code
from .periods import Period
from .title_period import title_period
from .unit_name import unit_names
from .units import Measure, measure_of, unit_of

_ROLE_WORDS = {
    "code": ("stt", "tt", "so tt", "ma so", "ma", "ma chi tieu", "so thu tu"),
    "unit": ("don vi tinh", "dvt", "don vi"),
    "value": ("so lieu", "gia tri", "thuc hien", "ket qua thong ke", "ket qua", "so lieu bao cao"),
    "note": ("ghi chu",),
}
_VALUE_PREFERENCE = ("so lieu", "gia tri", "thuc hien", "ket qua")
_MIN_CODE_ROWS = 3


@dataclass(frozen=True, slots=True)
class Columns:
    code: int | None  # None: the code is written at the start of the label
    label: int
    unit: int | None
    value: int
    note: int | None


@dataclass(frozen=True, slots=True)
class Region:
    """Where a table is: its columns and the sheet rows that carry an indicator code."""

    sheet: str
    header_row: int | None
    columns: Columns
    code_rows: tuple[int, ...]
    title: str  # folded text above the header, used to recognise the edition
    unit_name: str | None = None  # the reporting unit named in the title rows (core/unit_name.py)
    title_period: Period | None = None  # the period named there (core/title_period.py)
    title_units: tuple[str, ...] = ()  # every unit named there (a letterhead: superior body, then the unit)

    @classmethod
    def titled(cls, grid: SheetGrid, header_row: int | None, columns: Columns, code_rows: tuple[int, ...],
               title_row: int, first: int = 0, end: int | None = None) -> Region:
        """A region with what its title rows (those above `title_row`) say."""
        units = unit_names(grid, title_row, TITLE_ROWS, first, end)
        return cls(grid.name, header_row, columns, code_rows, _title(grid, title_row), units[0] if units else None,
                   title_period(grid, title_row, TITLE_ROWS, first, end), units)


@dataclass(slots=True)
class TableRow:
    code: str
    row: int
    label: str
    unit: str
    note: str
    value: Reading
    value_ref: CellRef
    label_ref: CellRef
    unit_ref: CellRef | None
    hidden: bool = False  # the row is hidden in the sheet
    printed_code: str | None = None  # the numbering as printed when it is not a dotted code (II, a))


@dataclass(slots=True)
class Table:
    region: Region
    rows: list[TableRow]
    typed: bool = True  # the source can hold numbers as numbers (not CSV or Word)
    decimal: str | None = None  # the decimal separator the values were read with (reading_decimal)
    notes: list[tuple[str, dict]] = field(default_factory=list)  # what the reader observed

    @property
    def sheet(self) -> str:
        return self.region.sheet


def find_regions(grid: SheetGrid) -> list[Region]:
    """Every form table in the sheet found by its header: stacked, or side by side (each
    header's columns end where the next header to its right begins)."""
    regions = []
    start = 0
    while True:
        found = _next_regions(grid, start)
        if not found:
            break
        regions.extend(found)
        start = max(region.code_rows[-1] for region in found) + 1
    return regions


def find_regions_by_codes(grid: SheetGrid) -> list[Region]:
    """A table without a recognisable header, found by its column of indicator codes."""
    region = _region_by_codes(grid)
    return [region] if region else []


def _next_regions(grid: SheetGrid, start: int) -> list[Region]:
    for row in range(start, grid.height):
        line = grid.values[row]
        if not line or not may_head_table(line):  # a row the reader dropped is ()
            continue
        heads = [col for col, value in enumerate(line)
                 if isinstance(value, str) and len(value) < 300 and _HEADER_HINT.search(value)]
        if len(heads) == 1:
            spans = [(0, None)]
        else:  # side by side: each table from its STT column to just before the next one's
            spans = [(max(0, h - 1), n - 1) for h, n in zip(heads, heads[1:])] + [(max(0, heads[-1] - 1), None)]
        regions = [r for head, (first, end) in zip(heads, spans)
                   if (r := _region_from_header(grid, row, head, first, end))]
        if regions:
            return regions
    return []


def _role_of(text: str) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    for role, words in _ROLE_WORDS.items():
        if folded in words or any(folded.startswith(w + " ") for w in words if len(w) > 3):
            return role
    return None


def _region_from_header(
    grid: SheetGrid, row: int, label_col: int, first: int = 0, end: int | None = None
) -> Region | None:
    """The table whose label header is at (row, label_col), within columns first..end-1
    (a table beside another ends where the next one's STT column begins)."""
    roles: dict[str, list[tuple[int, int, str]]] = {}
    left = first  # the span's first column (`first` is reused below)
    header_rows = [row]
    for r in (row, row + 1):
        found = False
        width = len(grid.values[r]) if r < grid.height else 0
        for c in range(first, width if end is None else min(width, end)):
            text = grid.text(r, c)
            if c == label_col and r == row:
                continue
            role = _role_of(text) if text else None
            if role:
                roles.setdefault(role, []).append((r, c, fold(text)))
                found = True
        if r > row and found:
            header_rows.append(r)
    value_col = _pick_value_column(roles.get("value", []))
    unit_col = _first_col(roles.get("unit", []), prefer_row=header_rows[-1])
    if value_col is None and unit_col is not None:
        value_col = unit_col + 1
    if value_col is None:
        return None
    code_col = _first_col([x for x in roles.get("code", []) if x[1] < label_col])
    note_col = _first_col(roles.get("note", []))
    columns = Columns(code_col, label_col, unit_col, value_col, note_col)
    first = header_rows[-1] + 1
    code_rows = _code_rows(grid, columns, first)
    if len(code_rows) < _MIN_CODE_ROWS and code_col is not None:
        columns = Columns(None, label_col, unit_col, value_col, note_col)
        code_rows = _code_rows(grid, columns, first)
    if len(code_rows) < _MIN_CODE_ROWS:
        return None
    return Region.titled(grid, row, columns, tuple(code_rows), row, left, end)


def _pick_value_column(candidates: list[tuple[int, int, str]]) -> int | None:
    for word in _VALUE_PREFERENCE:
        hits = [c for r, c, text in sorted(candidates, key=lambda x: -x[0]) if text.startswith(word)]
        if hits:
            return hits[0]
    return None


def _first_col(candidates: list[tuple[int, int, str]], prefer_row: int | None = None) -> int | None:
    if not candidates:
        return None
    if prefer_row is not None:
        preferred = [c for r, c, _ in candidates if r == prefer_row]
        if preferred:
            return preferred[0]
    return candidates[0][1]


def row_code(grid: SheetGrid, row: int, columns: Columns) -> str | None:
    """The row's dotted code, or its printed numbering marker (II, a), -) for read_table to
    turn into a code; None for a row without either."""
    if columns.code is not None:
        value = grid.value(row, columns.code)
        code = parse_code(value)
        if value is None and _part_without_number(grid, row, columns):
            return DASH  # "- Trực tuyến" with no number of its own: a part of the row above
        return code if code is not None or not is_marker(value) else str(value).strip()
    code, _ = split_leading_code(grid.text(row, columns.label))
    return code if code is not None or not _DASHED.match(grid.text(row, columns.label)) else DASH


DASH = "-"
_PART_MARK = "Trong đó"  # shown beside the code made for a "Trong đó: …" row, which prints none
_DASHED = re.compile(r"^[-–+]\s+\S")


def _part_without_number(grid: SheetGrid, row: int, columns: Columns) -> bool:
    """A row with no number of its own introduced as a part: "- Trực tuyến", or "Trong đó: …"
    carrying a value (a bare "Trong đó:" only heads the parts below it)."""
    label = grid.text(row, columns.label)
    if _DASHED.match(label):
        return True
    return is_introduced_part(label) and len(fold(label).split()) > 2 and grid.value(row, columns.value) is not None


def number_dashes(rows: list[TableRow]) -> None:
    """In a table numbered with dotted codes, a part with no number of its own ("- …",
    "Trong đó: …") belongs to the coded row above it: it gets that row's code and its place
    under it (1 → 1.1, 1.2), the dash kept as printed."""
    if not any(row.code == DASH for row in rows) or any(row.code != DASH and is_marker(row.code) for row in rows):
        return
    above, count = None, 0
    for row in rows:
        if row.code != DASH:
            above, count = row.code, 0
        elif above is not None:
            count += 1
            row.printed_code = _PART_MARK if fold(row.label).startswith(("trong do", "trong so")) else DASH
            row.code = f"{above}.{count}"


def _code_rows(grid: SheetGrid, columns: Columns, first: int) -> list[int]:
    rows: list[int] = []
    gap = 0
    for row in range(first, grid.height):
        if row_code(grid, row, columns) is not None:
            rows.append(row)
            gap = 0
            continue
        if rows and _HEADER_HINT.search(grid.text(row, columns.label)):
            break  # the next table starts here
        gap += 1
        if rows and gap > MAX_GAP:
            break
    return rows


def _title(grid: SheetGrid, header_row: int) -> str:
    parts = [grid.caption]
    for r in range(max(0, header_row - TITLE_ROWS), header_row):
        parts.extend(grid.text(r, c) for c in range(len(grid.values[r])))
    return fold(" ".join(p for p in parts if p))


def _region_by_codes(grid: SheetGrid) -> Region | None:
    """No header: take the column with most indicator codes, and the label beside it."""
    counts: dict[int, int] = {}
    for line in grid.values[:CODE_SEARCH_ROWS]:
        for col, value in enumerate(line):
            if value.__class__ is str and 0 < len(value) <= 16 and value[0].isdigit() \
                    and parse_code(value) is not None:
                counts[col] = counts.get(col, 0) + 1
    if not counts:
        return None
    code_col, hits = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    if hits < _MIN_CODE_ROWS:
        return None
    label_col = code_col + 1
    probe = Columns(code_col, label_col, None, label_col + 1, None)
    code_rows = _code_rows(grid, probe, 0)
    unit_like = sum(1 for r in code_rows if grid.text(r, label_col + 1)
                    and (unit_of(grid.text(r, label_col + 1)) is not None
                         or measure_of(grid.text(r, label_col + 1)) is not Measure.OTHER))
    if unit_like >= max(1, len(code_rows) // 3):
        columns = Columns(code_col, label_col, label_col + 1, label_col + 2, None)
    else:
        columns = probe
    first = code_rows[0] if code_rows else 0
    return Region.titled(grid, None, columns, tuple(code_rows), first)


def decide_separators(located: list[tuple[SheetGrid, Region]], evidence: tuple[int, int] | None = None) -> None:
    """One decision per file about "." and ",": from the value columns of every table the file
    holds (each Word table, each sheet), kept by every grid whose source declared none (a CSV
    declares its own). No decision (no evidence, or tables that contradict each other) leaves
    each table to decide from its own value column, as read_table does. `evidence`: the
    separator_evidence of `located`, when added up as they were read."""
    undecided = [grid for grid, _ in located if grid.decimal is None]
    if not undecided:
        return
    decision = decimal_of_evidence(*(separator_evidence(located) if evidence is None else evidence))
    for grid in undecided:
        grid.decimal = decision


def separator_evidence(located: list[tuple[SheetGrid, Region]]) -> tuple[int, int]:
    """What the value columns of located tables show about "." and "," (numbers.file_evidence):
    it adds up, so a file read sheet by sheet can decide as far as it has read."""
    return file_evidence([grid.value(r, region.columns.value) for r in region.code_rows] for grid, region in located)


def table_decimal(grid: SheetGrid, region: Region) -> str | None:
    """The decimal separator a table is read with: the one its source declares or the file
    decided (decide_separators), failing that the one its own value column shows."""
    return grid.decimal or decide_decimal(grid.value(r, region.columns.value) for r in region.code_rows)


def reading_decimal(grid: SheetGrid, region: Region) -> str | None:
    """The decimal separator the reading of a table depends on: its table_decimal, or None
    when no value is a text holding "." or "," (numbers, and texts without a separator, read
    alike whatever the separator)."""
    return table_decimal(grid, region) if _separator_read(grid, region) else None


def _separator_read(grid: SheetGrid, region: Region) -> bool:
    """Whether a value of the table is a text holding "." or ","."""
    col = region.columns.value
    return any((value := grid.value(r, col)).__class__ is str and ("." in value or "," in value)
               for r in region.code_rows)


def read_table(grid: SheetGrid, region: Region) -> Table:
    """Read the located rows: label, unit, note and the value as typed, with the decimal
    separator the source declares or, failing that, the one the value column shows."""
    cols = region.columns
    decimal = table_decimal(grid, region)
    rows = []
    for r in region.code_rows:
        code = row_code(grid, r, cols)
        label = grid.text(r, cols.label)
        if cols.code is None:
            _, label = split_leading_code(label)
        value = read_value(grid.value(r, cols.value), grid.number_format(r, cols.value),
                           grid.formula(r, cols.value), grid.computed(r, cols.value), decimal,
                           (r, cols.value) in grid.recalculated)
        unit = grid.text(r, cols.unit) if cols.unit is not None else ""
        if measure_of(unit) is Measure.PERCENT:  # "2/25" on a % row is 8%
            value = share_as_percent(value)
        rows.append(
            TableRow(
                code=code or "",
                row=r,
                label=label.strip(),
                unit=unit,
                note=grid.text(r, cols.note) if cols.note is not None else "",
                value=value,
                value_ref=grid.ref(r, cols.value),
                label_ref=grid.ref(r, cols.label),
                unit_ref=grid.ref(r, cols.unit) if cols.unit is not None else None,
                hidden=r in grid.hidden_rows,
            )
        )
    number_dashes(rows)
    table = Table(region, rows, typed=grid.typed, decimal=decimal if _separator_read(grid, region) else None,
                  notes=list(grid.notes))  # the decimal as reading_decimal gives it
    renumber(table)
    return table


RENUMBERED = "structure.renumbered"


def renumber(table: Table) -> None:
    """A table numbered I, II / 1, 2 / a), b): dotted codes by level, the print kept beside."""
    markers = [row.code for row in table.rows]
    if not any(is_marker(m) for m in markers):
        return
    for row, code in zip(table.rows, dotted_codes(markers)):
        row.printed_code, row.code = row.code, code
    table.notes.append((RENUMBERED, {"styles": styles_shown(markers)}))
