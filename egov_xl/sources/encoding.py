"""Text typed in TCVN3 or VNI fonts, converted to Unicode in the grid before anything matches
it, with a note naming the encoding (one per sheet); undecidable text is left as it is, with
one note instead of a label finding per row."""

from __future__ import annotations

from ..core.grid import SheetGrid, WorkbookGrid
from ..core.legacy_text import FONTS, detect, to_unicode

ENCODED = "source.legacy-encoding"
UNDECIDED = "source.encoding-undecided"


def to_unicode_grids(workbook: WorkbookGrid) -> WorkbookGrid:
    for grid in workbook.sheets:
        _grid(grid)
    return workbook


def _grid(grid: SheetGrid) -> None:
    encoding = detect(value for line in grid.values for value in line)
    if encoding is None:
        return
    if encoding is False:
        grid.notes.append((UNDECIDED, {}))
        return
    grid.values = [[to_unicode(v, encoding) if v.__class__ is str else v for v in line] for line in grid.values]
    grid.caption = to_unicode(grid.caption, encoding)
    grid.notes.append((ENCODED, {"encoding": encoding.value, "fonts": FONTS[encoding]}))
