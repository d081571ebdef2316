"""Readings corrected by what the row means, once the table is matched to its definition.

- A count typed "12,450" (thousands comma, en-US) that the file's separators read as 12,45:
  a count is whole, so it is read as 12 450 and the clerk is shown both readings.
- A % row whose cell carries no percent format (a value from Office.js whose format could not
  be read, a file that lost it) holding a fraction that matches its computed ratio (1 for
  100 %, 0.9865 for 98,65 %): read as that percentage, with a note.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from .numbers import Entry, whole_alternative
from .spec import Kind
from .tolerance import Agreement, agreement
from .units import holds_amounts

if TYPE_CHECKING:
    from .match import LocatedForm

THOUSANDS = "thousands"
FRACTION = "fraction"


def reread(form: LocatedForm) -> None:
    for row in form.rows.values():
        if row.spec.kind is Kind.COUNT and not holds_amounts(row.spec.unit):  # 90,615 Điểm is no 90 615
            _count(row)
        elif row.spec.kind is Kind.RATIO:
            _fraction(form, row)


def _count(row) -> None:
    reading = row.value
    if reading.number is None or (reading.number == reading.number.to_integral_value() and not reading.decimals):
        return  # "50.000" read as 50,000 (decimals shown) may still be fifty thousand
    whole = whole_alternative(reading)
    if whole is not None:
        row.cells.value = replace(reading, number=whole, decimals=0, reread=THOUSANDS,
                                  alternative=reading.number)


def _fraction(form: LocatedForm, row) -> None:
    reading, spec = row.value, row.spec
    if reading.percent or reading.entry not in (Entry.NUMBER, Entry.FORMULA) or reading.number is None \
            or not 0 < reading.number <= 1:
        return
    num, den = form.value(spec.numerator).number, form.value(spec.denominator).number
    if num is None or not den:
        return
    as_percent = (reading.number * 100).normalize()
    decimals = max(0, (reading.decimals or 0) - 2)
    if agreement(as_percent, decimals, num * 100 / den) is Agreement.MISMATCH:
        return
    if as_percent == as_percent.to_integral_value():
        as_percent = as_percent.quantize(Decimal(1))
    row.cells.value = replace(reading, number=as_percent, decimals=decimals, percent=True,
                              reread=FRACTION, alternative=reading.number)
