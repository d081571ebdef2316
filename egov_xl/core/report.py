"""The waist of the flow: a Report is one edition's values by indicator code, and where each
value came from.

Everything after matching reads values from a Report, never from a spreadsheet: a value
typed in a cell, a value stored in the archive and a sum of many units' values look alike;
only their origin differs (a `Cell` of a sheet of a file, a stored `Revision` of a unit, or a
`Sum` of those). The conversions from a matched table, to the archive's value rows and back
live here, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .grid import CellRef
from .locate import TableRow
from .numbers import BLANK, Entry, Reading, parse_number_text, read_value
from .spec import Edition, Kind

# where a value came from --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of a sheet of a file (`file` None when the caller did not say which)."""

    ref: CellRef
    file: str | None = None

    def __str__(self) -> str:
        return f"{self.file}: {self.ref}" if self.file else str(self.ref)


@dataclass(frozen=True, slots=True)
class Revision:
    """A value stored in the archive: unit, period key, revision, and its code in the edition
    it was stored under."""

    unit: str
    period: str
    revision: int
    edition_id: str
    code: str

    def __str__(self) -> str:
        return f"{self.unit} {self.period} r{self.revision} {self.edition_id}:{self.code}"


@dataclass(frozen=True, slots=True)
class Sum:
    """A value added up from others (consolidation, or rows mapped across editions)."""

    parts: tuple[Origin, ...]

    def __str__(self) -> str:
        return " + ".join(str(p) for p in self.parts)


Origin = Cell | Revision | Sum


# the report ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """One indicator's value: as typed (the Reading), where it came from, the printed unit."""

    reading: Reading
    origin: Origin | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """An edition's values by code, in the order they were reported. A code that is absent
    was not on the form at all; a code whose reading is blank was on it, left empty."""

    edition_id: str
    values: Mapping[str, Value] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.values

    def reading(self, code: str | None) -> Reading:
        value = self.values.get(code) if code else None
        return value.reading if value else BLANK

    def number(self, code: str | None) -> Decimal | None:
        return self.reading(code).number

    def cell(self, code: str | None) -> CellRef | None:
        """The cell the value was typed in, when it came from one."""
        value = self.values.get(code) if code else None
        return value.origin.ref if value and isinstance(value.origin, Cell) else None

    def numbers(self) -> dict[str, Decimal | None]:
        return {code: value.reading.number for code, value in self.values.items()}


def from_table(edition_id: str, rows: Iterable[tuple[str, TableRow]], file: str | None = None) -> Report:
    """A matched table's rows as (defined code, printed row), one per code, in table order →
    a Report with cell origins (a row paired by label is reported under its defined code)."""
    return Report(edition_id, {
        code: Value(row.value, Cell(row.value_ref, file), row.unit or None) for code, row in rows
    })


def from_values(edition_id: str, typed: Mapping[str, object]) -> Report:
    """Values as a clerk would type them (numbers or text), with no origin: for tests and
    golden cases. A mapping value may also be a Reading already."""
    return Report(edition_id, {
        code: Value(raw if isinstance(raw, Reading) else read_value(raw)) for code, raw in typed.items()
    })


# the archive's value rows ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchivedValue:
    """One value as the archive keeps it: the rows archive/store.py inserts and reads back.

    `entry` and `percent` say how it was typed; the archive does not store them yet (it gives
    None/False), and `report_from_archive` then infers them from the text as typed."""

    code: str
    number: Decimal | None
    decimals: int | None = None
    typed: str | None = None
    unit: str | None = None
    entry: str | None = None
    percent: bool = False


def archive_rows(report: Report, edition: Edition) -> list[ArchivedValue]:
    """A report's values as the archive stores them (headings, which hold none, left out)."""
    skipped = {spec.code for spec in edition.rows if spec.kind is Kind.HEADER}
    return [
        ArchivedValue(code=code, number=value.reading.number, decimals=value.reading.decimals,
                      typed=None if value.reading.raw is None else str(value.reading.raw), unit=value.unit,
                      entry=value.reading.entry.value, percent=value.reading.percent)
        for code, value in report.values.items() if code not in skipped
    ]


def report_from_archive(edition_id: str, rows: Iterable, unit: str = "", period: str = "",
                        revision: int = 0) -> Report:
    """Archived value rows (ArchivedValue, or anything with code, number, decimals, typed,
    unit) of one revision → a Report whose origins name that revision."""
    return Report(edition_id, {
        row.code: Value(reading_of_archived(row), Revision(unit, period, revision, edition_id, row.code),
                        row.unit or None)
        for row in rows
    })


def reading_of_archived(row) -> Reading:
    """The Reading back from a stored row; how it was typed is inferred when not stored."""
    number, typed = row.number, row.typed
    entry = getattr(row, "entry", None)
    percent = bool(getattr(row, "percent", False)) or (isinstance(typed, str) and typed.rstrip().endswith("%"))
    parsed = parse_number_text(typed) if isinstance(typed, str) and number is not None else None
    bound = parsed.bound if parsed else None
    if entry is None:
        entry = _inferred_entry(number, typed, parsed)
    if Entry(entry) is Entry.BLANK:
        return BLANK
    return Reading(raw=typed, entry=Entry(entry), number=number, decimals=row.decimals, percent=percent,
                   bound=bound)


def _inferred_entry(number: Decimal | None, typed: str | None, parsed) -> Entry:
    if number is None:
        if typed is None:
            return Entry.BLANK
        return Entry.FORMULA if typed.lstrip().startswith("=") else Entry.UNREADABLE
    if parsed is not None and parsed.bound:
        return Entry.BOUND
    if typed is not None and typed.lstrip().startswith("="):
        return Entry.FORMULA_TEXT if parsed is not None else Entry.FORMULA
    return Entry.NUMBER
