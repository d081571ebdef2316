"""Results for formulas a file carries without them (written by a program that does not
calculate: openpyxl, a report generator). Only a file whose located form rows hold such
formulas pays for this: a temporary copy is recalculated with LibreOffice, read again, and its
results fill the grids; the cells are marked `recalculated` (rule `value.recalculated`, info)
instead of `uncomputed` (`value.uncomputed`, warning). The input file is never written.
Without LibreOffice, or when it fails, the cells stay uncomputed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..core.grid import WorkbookGrid
from ..core.locate import Region
from ..settings import Limits
from ..sources.errors import ReadError
from ..template.recalc import RecalcError, recalculate, soffice
from ..workbook import load_details, read_workbook


def fill_results(path: Path, workbook: WorkbookGrid, regions: list[Region], limits: Limits) -> None:
    """Give the uncomputed formula cells of the located rows the results LibreOffice computes."""
    if not limits.recalculate or not any(grid.uncomputed for grid in workbook.sheets) or soffice() is None:
        return
    with tempfile.TemporaryDirectory(prefix="egov-recalc-") as work:
        copy = Path(work) / f"copy{path.suffix.lower()}"
        shutil.copyfile(path, copy)  # LibreOffice names its output after the input's stem
        try:
            computed = recalculate(copy, Path(work) / "recalculated.xlsx")
            again = read_workbook(computed, limits)
            load_details(computed, again, regions, limits)
        except (RecalcError, ReadError, OSError, subprocess.SubprocessError):
            return
    sheets = {grid.name: grid for grid in again.sheets}
    for grid in workbook.sheets:
        other = sheets.get(grid.name)
        if other is not None:
            _take(grid, other)


def _take(grid, other) -> None:
    for row, col in sorted(grid.uncomputed - other.uncomputed):
        if (row, col) not in other.formulas:
            continue  # not the same cell any more: keep the warning
        while len(grid.values) <= row:
            grid.values.append([])
        line = grid.values[row]
        line.extend([""] * (col + 1 - len(line)))
        line[col] = other.value(row, col) if other.value(row, col) is not None else ""
        grid.uncomputed.discard((row, col))
        grid.recalculated.add((row, col))
