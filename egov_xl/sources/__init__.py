"""File → grid: one reader per kind of file, each producing the same `WorkbookGrid`.

The long-term layout is file → grid (here) → table (core.locate) → report (core.rules).
A reader module is imported when a file of its kind is read, so checking an .xlsx never
pays for python-docx (and lxml) or xlrd.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReadError, reason
from .formats import SUFFIXES, required

if TYPE_CHECKING:
    from ..core.grid import WorkbookGrid
    from ..settings import Limits

# What reads a file is imported when one is read: the package itself (and its formats, which
# the CLI's help and the upload page list) costs no more than its records.

WORD_TABLE = "Bảng {index}"  # the sheet name of a Word document's N-th table

__all__ = ["ReadError", "SUFFIXES", "read_source"]


def read_source(path: str | Path, limits: Limits | None = None) -> WorkbookGrid:
    """Read any supported file into grids; one ReadError sentence for anything else. Call it
    through egov_xl/workbook (read_workbook), which runs it in a reader process."""
    import zipfile

    from ..core.legacy_text import convert_workbook
    from ..settings import Limits

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
