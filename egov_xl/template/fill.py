"""Carrying the values of a form found in any workbook into a clean template.

Counts, percentages and codes go into their input cells as typed numbers (text that is no
number is kept as text, so the validator still flags it). Ratio rows keep their formulas;
where the source printed something else, the fill report says so. Rows that have no place in
the template (headings with a value, rows the edition does not have, repeated codes) are
listed in the report too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from ..core.locate import TableRow
from ..core.match import LocatedForm
from ..core.numbers import Entry, shown
from ..core.rules.ratios import exact_ratio
from ..core.spec import Kind
from ..core.tolerance import display, round_half_up
from ..output.files import write_file
from ..output.safe_text import set_text
from .build import VALUE, build_template, row_of


@dataclass(slots=True)
class Unplaced:
    code: str
    label: str
    value: str
    reason: str  # "header", "extra", "duplicate", "ratio"
    computed: str = ""  # for a ratio: what the template's formula gives ("" when blank)


@dataclass(slots=True)
class FillResult:
    book: Workbook
    placed: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)


def _cell_value(row) -> object:
    reading = row.value
    if reading.number is not None and reading.entry not in (Entry.BOUND,):
        number = reading.number
        return int(number) if number == number.to_integral_value() else float(number)
    return None if reading.raw is None else str(reading.raw)


def _computed(form: LocatedForm, spec) -> Decimal | None:
    num, den = form.value(spec.numerator).number, form.value(spec.denominator).number
    if num is None or not den:
        return None
    return round_half_up(exact_ratio(num, den), spec.decimals)


def fill_template(form: LocatedForm) -> FillResult:
    edition = form.edition
    result = FillResult(build_template(edition))
    sheet = result.book.active
    rows = row_of(edition)
    for row in form.rows.values():
        spec, text = row.spec, shown(row.value)
        if spec.kind is Kind.HEADER:
            if not row.value.is_blank:
                result.unplaced.append(Unplaced(spec.code, spec.label, text, "header"))
            continue
        if spec.kind is Kind.RATIO:
            printed, computed = row.value.number, _computed(form, spec)
            if not row.value.is_blank and (printed is None or printed != computed):
                result.unplaced.append(Unplaced(spec.code, spec.label, text, "ratio",
                                                "" if computed is None else display(computed, spec.decimals)))
            continue
        value = _cell_value(row)
        if value is not None:
            set_text(sheet.cell(rows[spec.code], VALUE), value)  # a clerk's "=…" stays text
            result.placed += 1
    for extra in form.extra:
        result.unplaced.append(_unplaced(extra, "extra"))
    for rows_of_code in form.duplicates.values():
        result.unplaced.extend(_unplaced(dup, "duplicate") for dup in rows_of_code[1:])
    return result


def _unplaced(row: TableRow, reason: str) -> Unplaced:
    return Unplaced(row.code, row.label, shown(row.value), reason)


def save_filled(result: FillResult, target: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """Save the filled template; raises SameFileError when `target` is one of `inputs`."""
    return write_file(target, result.book.save, inputs=inputs)
