"""Text from a workbook stays text in every file egov-xl writes.

A clerk's cell, a sheet name or a file name may begin with "=", "+", "-", "@", a tab or a
carriage return. A spreadsheet program that opens our output (the annotated copy, a CSV
report, the add-in's report sheet) would take it for a formula: `=WEBSERVICE(…)`,
`=cmd|' /C calc'!A0`. One rule, used by every writer:

* openpyxl: the cell is typed as a string (`data_type = "s"`), never as a formula;
* CSV and the add-in (values Excel parses as if typed): a leading apostrophe, which Excel
  reads as "this is text" (OWASP's CSV injection rule). A plain number ("-5", "+3,5") is
  left alone: it is no formula, and the apostrophe would only turn it into text.
* the add-in only (`as_excel_text`): text that Excel would turn into a number or a date as it
  parses it (an indicator code "4.1", a unit code "001", "1/7") gets the apostrophe too, so a
  code stays the code in every locale.
* openpyxl (`xml_text`): a character XML 1.0 forbids (a CSV's or a reason's control character,
  the vertical tab Word puts in a pasted line break) becomes U+FFFD; openpyxl would refuse the
  whole file for it.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d.,]*%?$")


def formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value)


def as_typed_text(value: object) -> object:
    """A value for a CSV field or for Excel to parse: formula-like text gets a leading apostrophe."""
    return "'" + value if formula_like(value) else value


_NUMBER_OR_DATE = re.compile(r"^[\s\d.,/:%+-]+$")


def as_excel_text(value: object) -> object:
    """A text value for Excel to parse (the add-in's actions): it stays that text, never a
    formula, a number or a date. Numbers (int, float) pass unchanged."""
    if isinstance(value, str) and value and (formula_like(value) or _NUMBER_OR_DATE.match(value)):
        return "'" + value
    return value


def xml_text(value: object) -> object:
    """`value`, its characters XML 1.0 forbids replaced by U+FFFD when it is text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # here: the CSV and text writers import no openpyxl (≈ 120 ms)

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def set_text(cell, value: object) -> None:
    """Put `value` into an openpyxl cell; text is stored as text even when it starts with "="."""
    value = xml_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def append_text(sheet, values: list[object]) -> None:
    """openpyxl's `sheet.append`, with every text stored as text."""
    values = [xml_text(value) for value in values]
    sheet.append(values)
    row = sheet.max_row
    for col, value in enumerate(values, start=1):
        if isinstance(value, str):
            sheet.cell(row, col).data_type = "s"
