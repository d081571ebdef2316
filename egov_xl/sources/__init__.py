"""File → grid: one reader per kind of file, each producing the same `WorkbookGrid`.

The long-term layout is file → grid (here) → table (core.locate) → report (core.rules).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..core.grid import WorkbookGrid
from . import calamine_book, csv_text, docx_tables
from .encoding import to_unicode_grids
from .errors import ReadError, reason

_READERS = (calamine_book, csv_text, docx_tables)
READERS = {suffix: module for module in _READERS for suffix in module.SUFFIXES}
SUFFIXES = tuple(READERS)
_ERRORS = (OSError, ValueError, zipfile.BadZipFile, *(e for m in _READERS for e in m.ERRORS))

__all__ = ["ReadError", "SUFFIXES", "read_source"]


def read_source(path: str | Path) -> WorkbookGrid:
    """Read any supported file into grids; one ReadError sentence for anything else."""
    path = Path(path)
    if not path.is_file():
        raise ReadError("file_missing", path=str(path))
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError("file_format", path=str(path))
    try:
        return to_unicode_grids(reader.read(path))
    except ReadError:
        raise
    except _ERRORS as exc:
        raise ReadError("file_unreadable", path=str(path), reason=reason(exc)) from None
