"""What a file may cost, checked cheaply before its reader runs (in a reader process with its
own memory and time limits, egov_xl/workbook/isolated.py, which catches whatever gets past).

Only cheap checks, none of which reads a sheet's cells: the sizes a zip declares and the true
sizes of its parts as zipfile streams them (it stops at the declared size and checks the CRC),
each part's compression ratio, and the cells each sheet may expand to, against the limits for a
sheet and for the whole file:
- an .xlsx/.xlsm declares its extent in `<dimension ref="A1:D10"/>` before its cells (Excel
  always writes it); a missing or lying tag is the reader process's memory limit's business;
- an .ods and a .docx: the cells repeated rows and columns expand to, and the grid columns a
  Word table's spans expand to, counted by walking content.xml or word/document.xml with expat
  (a Word file's tables are counted too, and the walk stops past the limit);
- an .xlsb: the cells its sheets reach, from their BIFF12 cell records (xlsb_extents);
- an .xls (an OLE file; BIFF8 holds at most 65,536 × 256 cells): its size, and its sector chains
  walked once (ole_chains: a loop makes the readers allocate until the process aborts);
- a .csv: its size (its reader counts the cells before keeping any).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from ..core.grid import column_index
from ..core.amounts import Amount, mib
from ..settings import Limits
from ..sources.budget import CellBudget
from ..sources.errors import ReadError, reason
from ..sources.formats import required
from .extents import Extent, TooManyTables, docx_extents, ods_extents
from .xlsx_details import sheet_parts

RATIO_FLOOR = 1024 * 1024  # parts smaller than this may compress as well as they like
DIMENSION_HEAD = 64 * 1024  # a sheet part's <dimension> comes before its cells
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*["\']([^"\']{0,40})["\']')
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,10})")
_XML_ERRORS = (expat.ExpatError, ValueError, SyntaxError)


def guard(path: Path, limits: Limits) -> dict[str, int]:
    """Called before a file is read: a zip by its parts and the cells its sheets reach, any
    other file by its size (an .xls by its sector chains too). Answers the cells each sheet of
    a zip declares (by the name a clerk sees; none for other files): what its read will cost,
    so that a reader may read the smaller sheets first."""
    kind = required(path)  # its record in sources/formats.py names its check
    extents = _ZIPPED.get(kind.precheck)
    if extents is not None:
        return _check_archive(path, limits, extents, kind.damaged)
    size = path.stat().st_size
    if size > limits.max_part_bytes:
        raise ReadError("limit_part", path=str(path), part=path.name, size=mib(size),
                        limit=mib(limits.max_part_bytes))
    if kind.precheck == "ole":
        from .ole_chains import ChainError, check_chains  # an .xls's own check, imported for one

        try:
            check_chains(path.read_bytes())
        except (ChainError, struct.error) as exc:
            raise ReadError("file_damaged", path=str(path), reason=reason(exc)) from None
    return {}


def check_xlsx(path: Path, limits: Limits) -> None:
    """Raise ReadError (one sentence: file, part or sheet, the limit) if `path` costs too much."""
    _check_archive(path, limits, _xlsx_extents)


def check_annotatable(path: Path, limits: Limits) -> None:
    """openpyxl holds every cell of every sheet in memory (≈ 30 × the sheets' XML): refuse the
    annotated copy of a workbook whose worksheets unzip to more than `max_annotate_bytes`."""
    with zipfile.ZipFile(path) as archive:
        size = sum(archive.getinfo(part).file_size for part in _worksheets(archive))
    if size > limits.max_annotate_bytes:
        raise ReadError("limit_annotate", path=str(path), size=mib(size), limit=mib(limits.max_annotate_bytes))


def _check_archive(path: Path, limits: Limits, extents, damaged: str = "file_damaged") -> dict[str, int]:
    """The zip checks, then each sheet's extent against the budget of a sheet and of the file;
    a broken zip is `damaged` (the .xlsx sentence says to save it again from Excel; other kinds
    get the plain one). Answers each sheet's cells."""
    budget = CellBudget(path, limits)
    cells: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            _check_zip(path, archive, limits)
            for sheet, extent in extents(archive, limits):
                budget.take(sheet, extent.rows, extent.cols)
                cells[sheet] = extent.cells
    except TooManyTables:
        raise ReadError("limit_word_tables", path=str(path), limit=Amount(limits.max_word_tables)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError,
            RuntimeError, *_XML_ERRORS) as exc:
        raise ReadError(damaged, path=str(path), reason=reason(exc)) from None
    return cells


def _xlsx_extents(archive: zipfile.ZipFile, limits: Limits | None = None) -> Iterator[tuple[str, Extent]]:
    for part, sheet in _worksheets(archive).items():
        yield sheet, _declared_extent(archive, part)


def _declared_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """The bottom-right corner of the sheet's `<dimension ref="A1:D10"/>` (none: nothing)."""
    with archive.open(part) as stream:
        head = stream.read(DIMENSION_HEAD)
    cut = head.find(b"sheetData")
    match = _DIMENSION.search(head if cut < 0 else head[:cut])
    extent = Extent()
    if match:
        corner = _CELL.fullmatch(match.group(1).decode("ascii", "replace").rpartition(":")[2].strip())
        if corner:
            extent.reach(int(corner.group(2)), column_index(corner.group(1).upper()) + 1)
    return extent


def _check_zip(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """The sizes the zip declares, and the true sizes, streamed part by part."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise ReadError("file_damaged", path=str(path), reason=f"duplicate part {duplicate}")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ReadError("limit_unzipped", path=str(path), size=mib(total), limit=mib(limits.max_unzipped_bytes))
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            raise ReadError("limit_part", path=str(path), part=info.filename, size=mib(info.file_size),
                            limit=mib(limits.max_part_bytes))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_zip_ratio:
            raise ReadError("limit_ratio", path=str(path), part=info.filename, ratio=Amount(round(ratio)),
                            limit=Amount(limits.max_zip_ratio))


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the name a clerk sees (the part's path when the workbook does not say)."""
    try:
        named = {part: sheet for sheet, part in sheet_parts(archive).items()}
    except KeyError as exc:  # workbook.xml or its relationships missing
        raise zipfile.BadZipFile(f"missing part {exc}") from None
    parts = {name: name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    present = set(archive.namelist())
    return {**parts, **{part: sheet for part, sheet in named.items() if part in present}}


def _xlsb_extents(archive: zipfile.ZipFile, limits: Limits | None = None) -> Iterator[tuple[str, Extent]]:
    from .xlsb_extents import xlsb_extents  # an .xlsb's own reader of BIFF12 records, imported for one

    return xlsb_extents(archive)


# a record's `precheck` (sources/formats.py) → its sheets' extents, for a zip; "ole" (an .xls:
# its size and its sector chains) and "size" (its size) are not zips
_ZIPPED = {
    "xlsx": _xlsx_extents,
    "xlsb": _xlsb_extents,
    "ods": lambda archive, limits: ods_extents(archive),
    "docx": lambda archive, limits: docx_extents(archive, limits.max_word_tables),
}
PRECHECKS = (*_ZIPPED, "ole", "size")
