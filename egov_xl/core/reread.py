"""Readings corrected by what the row means, once the table is matched to its definition.

- A count typed "12,450" (thousands comma, en-US) that the file's separators read as 12,45:
  a count is whole, so it is read as 12 450 and the clerk is shown both readings.
- A % row whose cell carries no percent format (a value from Office.js whose format could not
  be read, a file that lost it) holding a fraction that matches its computed ratio (1 for
  100 %, 0.9865 for 98,65 %): read as that percentage, with a note.

Pure and in two passes over the report: the counts first, then the ratios against the counts
as re-read, so the verdict does not depend on the order the rows were printed in. The matched
table is left as read.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .numbers import Entry, Reading, whole_alternative
from .report import Report
from .spec import Edition, Kind, RowSpec
from .tolerance import Agreement, agreement, quantize
from .units import holds_amounts

THOUSANDS = "thousands"
FRACTION = "fraction"


def reread(report: Report, edition: Edition) -> Report:
    """The report with its counts, then its ratios, read by what each row means."""
    counts = _pass(report, edition, Kind.COUNT, lambda spec, reading, _: _count(spec, reading))
    return _pass(counts, edition, Kind.RATIO, _fraction)


def _pass(report: Report, edition: Edition, kind: Kind, read) -> Report:
    values = dict(report.values)
    for code, value in report.values.items():
        spec = edition.by_code.get(code)
        if spec is not None and spec.kind is kind:
            reading = read(spec, value.reading, report)
            if reading is not value.reading:
                values[code] = replace(value, reading=reading)
    return Report(report.edition_id, values)


def _count(spec: RowSpec, reading: Reading) -> Reading:
    if holds_amounts(spec.unit):  # 90,615 Điểm is no 90 615
        return reading
    if reading.number is None or (reading.number == reading.number.to_integral_value() and not reading.decimals):
        return reading  # "50.000" read as 50,000 (decimals shown) may still be fifty thousand
    whole = whole_alternative(reading)
    if whole is None:
        return reading
    return replace(reading, number=whole, decimals=0, reread=THOUSANDS, alternative=reading.number)


def _fraction(spec: RowSpec, reading: Reading, report: Report) -> Reading:
    if reading.percent or reading.entry not in (Entry.NUMBER, Entry.FORMULA) or reading.number is None \
            or not 0 < reading.number <= 1:
        return reading
    num, den = report.number(spec.numerator), report.number(spec.denominator)
    if num is None or not den:
        return reading
    as_percent = (reading.number * 100).normalize()
    decimals = max(0, (reading.decimals or 0) - 2)
    if agreement(as_percent, decimals, num * 100 / den) is Agreement.MISMATCH:
        return reading
    if as_percent == as_percent.to_integral_value():
        as_percent = quantize(as_percent, Decimal(1))
    return replace(reading, number=as_percent, decimals=decimals, percent=True,
                   reread=FRACTION, alternative=reading.number)
