"""`archive export`: every archived value as a table file (CSV, Parquet or .xlsx).

Typed values, file names and unit names come from clerks' workbooks: in CSV and .xlsx they are
kept as text (output/safe_text.py); Parquet holds data, not formulas. The file is written
through output/files.py: an existing file is replaced only when asked."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from .files import write_file
from .safe_text import append_text, as_typed_text

FORMATS = ("csv", "parquet", "xlsx")


def write_export(rows: list[dict], target: Path, fmt: str, overwrite: bool, inputs: Iterable[Path] = ()) -> int:
    """Write `rows` to `target` in `fmt` (one of FORMATS), never over one of `inputs` (the
    archive's own files); returns the number of rows."""
    columns = list(rows[0]) if rows else []
    writers = {"csv": _csv, "parquet": _parquet, "xlsx": _xlsx}
    write_file(target, lambda path: writers[fmt](rows, columns, path), inputs=inputs, overwrite=overwrite)
    return len(rows)


def _csv(rows: list[dict], columns: list[str], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)


def _cell(value: object) -> object:
    return "" if value is None else as_typed_text(str(value) if not isinstance(value, str | int | float) else value)


def _parquet(rows: list[dict], columns: list[str], path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame["number"] = pd.to_numeric(frame["number"])
    frame.to_parquet(path, index=False)


def _xlsx(rows: list[dict], columns: list[str], path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "export"
    append_text(sheet, columns)
    for row in rows:
        append_text(sheet, [_xlsx_cell(c, row.get(c)) for c in columns])
    book.save(path)


def _xlsx_cell(column: str, value: object) -> object:
    if column == "number" and value is not None:
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # Decimal numbers, datetimes: as written in the CSV
