"""A sheet as a grid of cells: what the clerk typed, its number format and formula text."""

from __future__ import annotations

from dataclasses import dataclass, field


def column_letter(col: int) -> str:
    """0-based column index → Excel letters (0 → A, 27 → AB)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters → 0-based column index (A → 0, AB → 27)."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass(frozen=True, slots=True, order=True)
class CellRef:
    """A cell position; row and col are 0-based, text is Excel's A1 style."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row + 1}"

    def __str__(self) -> str:
        return f"{self.sheet}!{self.a1}"

    @classmethod
    def from_a1(cls, sheet: str, a1: str) -> CellRef:
        """'Sheet', 'D21' (or '$D$21') → CellRef; the sheet may come quoted ('Phụ lục VII')."""
        a1 = a1.replace("$", "")
        letters = "".join(ch for ch in a1 if ch.isalpha())
        return cls(sheet.strip("'"), int(a1[len(letters):]) - 1, column_index(letters))

    @property
    def excel(self) -> str:
        """The reference as an Excel formula or hyperlink writes it ('Sheet 1'!D21). The name is
        always quoted (quotes inside doubled): Excel accepts it for every name, and a name such
        as "=cmd", "A1" or "2024" is wrong without."""
        name = self.sheet.replace("'", "''")
        return f"'{name}'!{self.a1}"


@dataclass(slots=True)
class SheetGrid:
    """Values from A1 (row-major, 0-based), plus number formats and formulas where known."""

    name: str
    values: list[list[object]]
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    uncomputed: set[tuple[int, int]] = field(default_factory=set)  # formulas with no result saved
    recalculated: set[tuple[int, int]] = field(default_factory=set)  # …whose result egov-xl computed
    hidden_rows: set[int] = field(default_factory=set)
    typed: bool = True  # False: the source holds text only (CSV, Word), so "type it as a number" is moot
    decimal: str | None = None  # decimal separator the source declares ("." en-US CSV), None: decide from cells
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (rule, params) the reader observed
    caption: str = ""  # text above the grid that is not in it (the paragraphs above a Word table)
    # rows that may be table rows under a header (core.row_hints.table_rows of `values`) as the
    # reader found them in its one pass over the rows; None: not known (work them out)
    near: set[int] | None = field(default=None, compare=False, repr=False)

    @property
    def height(self) -> int:
        return len(self.values)

    def value(self, row: int, col: int) -> object:
        if 0 <= row < len(self.values):
            line = self.values[row]
            if 0 <= col < len(line):
                value = line[col]
                return None if value == "" else value
        return None

    def text(self, row: int, col: int) -> str:
        value = self.value(row, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "General")

    def formula(self, row: int, col: int) -> str | None:
        return self.formulas.get((row, col))

    def computed(self, row: int, col: int) -> bool:
        return (row, col) not in self.uncomputed

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.name, row, col)


@dataclass(slots=True)
class WorkbookGrid:
    """Every sheet of one input file, in workbook order."""

    path: str
    sheets: list[SheetGrid]
