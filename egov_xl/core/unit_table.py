"""An administrator's tables, as read from a sheet or a CSV: the reporting units (code, name,
parent, kind) and the clerks to issue tokens to (name, units, consolidates). Each bad row
becomes one RowProblem (the row's number in the file and what is wrong with which value);
nothing is written while any row is bad. Pure: rows in, records and problems out."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import UserError
from .text import fold
from .unit_codes import UnitCodeError, check_code
from .unit_kinds import kind_of, listed

UNIT_HEADERS = {
    "code": ("ma", "ma don vi", "ma dv", "code"),
    "name": ("ten", "ten don vi", "name"),
    "parent": ("cap tren", "ma cap tren", "don vi cap tren", "ma don vi cap tren", "parent"),
    "kind": ("loai", "loai don vi", "kind"),
}
CLERK_HEADERS = {
    "name": ("ho ten", "ho va ten", "ten", "can bo", "ten can bo", "name"),
    "units": ("don vi", "ma don vi", "cac don vi", "unit", "units"),
    "consolidates": ("tong hop", "don vi tong hop", "consolidates"),
}
LABELS = {"code": "Mã đơn vị", "name": "Tên đơn vị", "parent": "Cấp trên", "kind": "Loại đơn vị"}
CLERK_LABELS = {"name": "Họ tên", "units": "Đơn vị", "consolidates": "Tổng hợp"}
_YES = {"x", "co", "1", "true", "yes", "c"}
_NO = {"", "khong", "0", "false", "no", "k"}
_SEPARATORS = str.maketrans({";": ",", "\n": ",", "\r": ","})


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int  # 1-based, as Excel numbers the file's rows
    error: UserError


@dataclass(frozen=True, slots=True)
class UnitRow:
    row: int
    code: str
    name: str
    parent: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class ClerkRow:
    row: int
    name: str
    units: tuple[str, ...]
    consolidates: bool


def cell_text(value: object) -> str:
    """A cell as the admin wrote it: a whole number without ".0"; nothing else changed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header(rows: list[list[object]], wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]):
    """(index of the header row, {field: column}) of the first non-empty row, or a UserError
    naming the columns it lacks."""
    for index, line in enumerate(rows):
        texts = [fold(cell_text(v)) for v in line]
        if not any(texts):
            continue
        columns = {}
        for name, spellings in wanted.items():
            found = next((c for c, text in enumerate(texts) if text in spellings), None)
            if found is not None:
                columns[name] = found
        missing = [name for name in required if name not in columns]
        if missing:
            labels = CLERK_LABELS if wanted is CLERK_HEADERS else LABELS
            raise UserError("import_header_missing", row=index + 1,
                            columns=", ".join(f'"{labels[name]}"' for name in missing))
        return index, columns
    raise UserError("import_empty")


def _at(line: list[object], column: int | None) -> str:
    return cell_text(line[column]) if column is not None and column < len(line) else ""


def unit_rows(rows: list[list[object]], known: set[str]) -> tuple[list[UnitRow], list[RowProblem]]:
    """The units of an admin's table; `known` holds the codes the archive already has (a
    parent may be one of them or a row of the same file)."""
    start, columns = header(rows, UNIT_HEADERS, ("code", "name", "kind"))
    found: list[UnitRow] = []
    problems: list[RowProblem] = []
    first: dict[str, int] = {}
    for index in range(start + 1, len(rows)):
        line, number = rows[index], index + 1
        code, name = _at(line, columns["code"]), _at(line, columns["name"]).strip()
        parent, kind_text = _at(line, columns.get("parent")), _at(line, columns["kind"]).strip()
        if not (code or name or parent or kind_text):
            continue  # an empty row
        try:
            check_code(code)
            if parent:
                check_code(parent)
        except UnitCodeError as exc:
            problems.append(RowProblem(number, exc))
            continue
        kind = kind_of(kind_text)
        if code in first:
            problems.append(RowProblem(number, UserError("units_row_duplicate", unit=code, first=first[code])))
        elif not name:
            problems.append(RowProblem(number, UserError("units_row_name", unit=code)))
        elif kind is None:
            problems.append(RowProblem(number, UserError("units_row_kind", unit=code, value=kind_text, kinds=listed())))
        elif parent == code:
            problems.append(RowProblem(number, UserError("units_row_parent_self", unit=code)))
        else:
            first[code] = number
            found.append(UnitRow(number, code, name, parent or None, kind))
    problems += _parents(found, known)
    return found, sorted(problems, key=lambda p: p.row)


def _parents(found: list[UnitRow], known: set[str]) -> list[RowProblem]:
    """A parent neither in the file nor in the archive; a loop of parents within the file."""
    problems = []
    parent_of = {row.code: row.parent for row in found}
    for row in found:
        if row.parent and row.parent not in parent_of and row.parent not in known:
            problems.append(RowProblem(row.row, UserError("units_row_parent", unit=row.code, parent=row.parent)))
            continue
        chain, code = [row.code], row.parent
        while code in parent_of and code not in chain:
            chain.append(code)
            code = parent_of[code]
        if code == row.code:
            problems.append(RowProblem(row.row, UserError("units_row_loop", unit=row.code,
                                                          chain=" → ".join([*chain, row.code]))))
    return problems


def clerk_rows(rows: list[list[object]]) -> tuple[list[ClerkRow], list[RowProblem]]:
    """The clerks of an admin's table: a name, one or more unit codes (separated by "," ";" or
    a line break), and whether they consolidate ("có"/"x", or empty)."""
    start, columns = header(rows, CLERK_HEADERS, ("name", "units"))
    found: list[ClerkRow] = []
    problems: list[RowProblem] = []
    for index in range(start + 1, len(rows)):
        line, number = rows[index], index + 1
        name, units_text = _at(line, columns["name"]).strip(), _at(line, columns["units"])
        flag = _at(line, columns.get("consolidates")).strip()
        if not (name or units_text.strip() or flag):
            continue
        units = tuple(part.strip(" \t") for part in units_text.translate(_SEPARATORS).split(",") if part.strip(" \t"))
        if not name:
            problems.append(RowProblem(number, UserError("tokens_row_name")))
            continue
        if not units:
            problems.append(RowProblem(number, UserError("tokens_row_units", name=name)))
            continue
        if fold(flag) not in _YES | _NO:
            problems.append(RowProblem(number, UserError("tokens_row_consolidates", name=name, value=flag)))
            continue
        try:
            for unit in units:
                check_code(unit)
        except UnitCodeError as exc:
            problems.append(RowProblem(number, exc))
            continue
        found.append(ClerkRow(number, name, units, fold(flag) in _YES))
    return found, problems
