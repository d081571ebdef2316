"""File → grid: one reader per kind of file, each producing the same `WorkbookGrid`.

The long-term layout is file → grid (here) → table (core.locate) → report (core.rules).
A reader module is imported when a file of its kind is read, so checking an .xlsx never
pays for python-docx (and lxml) or xlrd.
"""

from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

from ..core.grid import WorkbookGrid
from ..core.legacy_text import convert_workbook
from ..settings import Limits
from .errors import ReadError, reason
from .formats import SUFFIXES, required

WORD_TABLE = "Bảng {index}"  # the sheet name of a Word document's N-th table

__all__ = ["ReadError", "SUFFIXES", "read_source"]


def read_source(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Read any supported file into grids; one ReadError sentence for anything else. Call it
    through egov_xl/workbook (read_workbook), which runs it in a reader process."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    kind = required(path)  # its record in sources/formats.py names the reader module
    reader = importlib.import_module(f".{kind.reader}", __name__)
    try:
        workbook = reader.read(path, limits or Limits())
    except ReadError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile, *reader.ERRORS) as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
    if not kind.typed:
        for sheet in workbook.sheets:
            sheet.typed = False
    return convert_workbook(workbook)  # text typed with .VnTime or VNI fonts, as Unicode
