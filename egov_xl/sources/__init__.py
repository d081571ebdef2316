"""File → grid: one reader per kind of file, each producing the same `WorkbookGrid`.

The long-term layout is file → grid (here) → table (core.locate) → report (core.rules).
A reader module is imported when a file of its kind is read, so checking an .xlsx never
pays for python-docx (and lxml) or xlrd.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import ReadError, existing_file, reason
from .formats import SUFFIXES, required

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing in a reader's first milliseconds
if TYPE_CHECKING:
    from ..core.grid import SheetGrid, WorkbookGrid
    from ..settings import Limits

# What reads a file is imported when one is read: the package itself (and its formats, which
# the CLI's help and the upload page list) costs no more than its records.

WORD_TABLE = "Bảng {index}"  # the sheet name of a Word document's N-th table

__all__ = ["ReadError", "SUFFIXES", "in_order", "read_sheets", "read_source"]


def read_source(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Read any supported file into grids; one ReadError sentence for anything else. Call it
    through egov_xl/workbook (read_workbook), which runs it in a reader process."""
    from ..core.grid import WorkbookGrid

    return WorkbookGrid(str(Path(path)), in_order(read_sheets(path, limits)))


def in_order(sheets) -> list[SheetGrid]:
    """The grids of `read_sheets` in the workbook's order."""
    return [grid for _, grid in sorted(sheets, key=lambda sheet: sheet[0])]


def read_sheets(path: str | Path, limits: Limits | None = None,
                cells: Mapping[str, int] | None = None) -> Iterator[tuple[int, SheetGrid]]:
    """`read_source` sheet by sheet: (its place among the workbook's sheets, its grid), each
    as soon as its reader has it (a reader module with `sheets(path, limits, cells)`:
    calamine's), otherwise each after the whole file is read. Given the cells each sheet
    declares (workbook.limits.guard), a reader that can reads the smaller sheets first, so that
    a caller checks a workbook's forms while its large data sheet is read. A failure at any
    sheet is the file's ReadError."""
    import zipfile

    from ..core.legacy_text import convert_grid
    from ..settings import Limits

    path = Path(path)
    existing_file(path)
    kind = required(path)  # its record in sources/formats.py names the reader module
    reader = importlib.import_module(f".{kind.reader}", __name__)
    limits = limits or Limits()
    sheets = getattr(reader, "sheets", None) or (lambda path, limits, cells: enumerate(reader.read(path, limits).sheets))
    grids = None
    while True:
        try:
            if grids is None:
                grids = iter(sheets(path, limits, cells or {}))
            sheet = next(grids, None)
        except ReadError:
            raise
        except (OSError, ValueError, zipfile.BadZipFile, *reader.ERRORS) as exc:
            raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
        if sheet is None:
            return
        position, grid = sheet
        if not kind.typed:
            grid.typed = False
        convert_grid(grid)  # text typed with .VnTime or VNI fonts, as Unicode
        yield position, grid
