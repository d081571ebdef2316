"""What an .xlsx may cost, checked before any reader (python-calamine, openpyxl) sees it.

A 6 KB workbook whose one cell sits at XFD1048576 makes calamine allocate every cell from A1
to it (512 GB, then an abort); a 4 MB zip can unpack to a 4 GB sheet. Here every part is
streamed through zipfile (which stops at the size the archive declares and checks its CRC),
the zip's claims are compared with the limits, and each worksheet's XML is scanned for the
cell positions it actually uses (the <dimension> tag may lie or be missing).

The scan is bounded: fixed-size chunks, one regular expression for the `r="B12"` attributes.
Sheets whose cells or rows carry no position, or whose elements carry a namespace prefix, are
walked with an incremental XML parser instead, which counts positions as calamine does.

The other kinds: an .ods and a .docx are zips too (same zip checks; the cells an .ods table's
repeated rows and columns expand to, and the grid columns a Word table's spans expand to, are
counted by walking content.xml or word/document.xml). An .xlsb is a zip of binary sheets: the
same zip checks, and the cells its sheets reach, read from their BIFF12 cell records
(xlsb_extents). A .csv and an .xls (an OLE file; BIFF8 holds at most 65,536 × 256 cells) are
bounded by their size.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from ..core.grid import column_index
from ..settings import Limits
from ..sources.errors import ReadError, reason
from .extents import Extent, docx_extents, ods_extents
from .xlsb_extents import xlsb_extents
from .xlsx_details import sheet_parts

CHUNK = 4 * 1024 * 1024
RATIO_FLOOR = 1024 * 1024  # parts smaller than this may compress as well as they like
# One attribute `r="B12"` (`\sr\s*=\s*"…"`), written to start with its literal "r" (the look-behind
# asks for the white space before it) so that the engine jumps from "r" to "r"; two patterns with
# one group each (the same matches) cost less than one with two groups.
_REF_AT = rb'r(?<=\sr)\s*=\s*["\']'
_REF_LETTERS = re.compile(_REF_AT + rb'([A-Za-z]{0,3})\d{1,10}["\']')
_REF_DIGITS = re.compile(_REF_AT + rb'[A-Za-z]{0,3}(\d{1,10})["\']')
_CELL = re.compile(r"([A-Za-z]{1,3})(\d{1,10})")
_XML_ERRORS = (expat.ExpatError, ValueError, SyntaxError)


def guard(path: Path, limits: Limits) -> None:
    """Called before a file is read: a zip by its parts and the cells its sheets reach, any
    other file by its size."""
    kind = _ZIPPED.get(path.suffix.lower())
    if kind is None:
        size = path.stat().st_size
        if size > limits.max_part_bytes:
            raise ReadError("limit_part", path=str(path), part=path.name, size=_mib(size),
                            limit=_mib(limits.max_part_bytes))
        return
    _check_archive(path, limits, *kind)


def check_xlsx(path: Path, limits: Limits) -> None:
    """Raise ReadError (one sentence: file, part or sheet, the limit) if `path` costs too much."""
    _check_archive(path, limits, _xlsx_extents)


def check_annotatable(path: Path, limits: Limits) -> None:
    """openpyxl holds every cell of every sheet in memory (≈ 30 × the sheets' XML): refuse the
    annotated copy of a workbook whose worksheets unzip to more than `max_annotate_bytes`."""
    with zipfile.ZipFile(path) as archive:
        size = sum(archive.getinfo(part).file_size for part in _worksheets(archive))
    if size > limits.max_annotate_bytes:
        raise ReadError("limit_annotate", path=str(path), size=_mib(size), limit=_mib(limits.max_annotate_bytes))


def _check_archive(path: Path, limits: Limits, extents, damaged: str = "file_damaged") -> None:
    """The zip checks, then each sheet's extent; a broken zip is `damaged` (the .xlsx sentence
    says to save it again from Excel; other kinds get the plain one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_zip(path, archive, limits)
            for sheet, extent in extents(archive):
                if extent.cells > limits.max_sheet_cells:
                    raise ReadError("limit_cells", path=str(path), sheet=sheet, rows=f"{extent.rows:,}",
                                    cols=f"{extent.cols:,}", limit=f"{limits.max_sheet_cells:,}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError,
            RuntimeError, *_XML_ERRORS) as exc:
        raise ReadError(damaged, path=str(path), reason=reason(exc)) from None


def _xlsx_extents(archive: zipfile.ZipFile) -> Iterator[tuple[str, Extent]]:
    for part, sheet in _worksheets(archive).items():
        yield sheet, _extent(archive, part)


def _check_zip(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """The sizes the zip declares, and the true sizes, streamed part by part."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise ReadError("file_damaged", path=str(path), reason=f"duplicate part {duplicate}")
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise ReadError("limit_unzipped", path=str(path), size=_mib(total), limit=_mib(limits.max_unzipped_bytes))
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            raise ReadError("limit_part", path=str(path), part=info.filename, size=_mib(info.file_size),
                            limit=_mib(limits.max_part_bytes))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.max_zip_ratio:
            raise ReadError("limit_ratio", path=str(path), part=info.filename, ratio=f"{ratio:,.0f}",
                            limit=f"{limits.max_zip_ratio:,}")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MiB"


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the name a clerk sees (the part's path when the workbook does not say)."""
    try:
        named = {part: sheet for sheet, part in sheet_parts(archive).items()}
    except KeyError as exc:  # workbook.xml or its relationships missing
        raise zipfile.BadZipFile(f"missing part {exc}") from None
    parts = {name: name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")}
    present = set(archive.namelist())
    return {**parts, **{part: sheet for part, sheet in named.items() if part in present}}


def _extent(archive: zipfile.ZipFile, part: str) -> Extent:
    extent = Extent()
    with archive.open(part) as stream:
        tail = b""
        first = True
        while chunk := stream.read(CHUNK):
            data, tail = _complete_tags(tail + chunk)
            if first and b"<worksheet" not in data:
                return _walked_extent(archive, part)  # prefixed elements: walk them
            first = False
            if not _scan_chunk(data, extent):
                return _walked_extent(archive, part)
        _scan_chunk(tail, extent)
    return extent


def _complete_tags(data: bytes) -> tuple[bytes, bytes]:
    cut = data.rfind(b">") + 1
    return data[:cut], data[cut:]


def _scan_chunk(data: bytes, extent: Extent) -> bool:
    """Fold one chunk's positions into `extent`; False when some cell or row has no position."""
    letters = _REF_LETTERS.findall(data)  # b"" for a row's position
    cells = len(letters) - letters.count(b"")
    if cells < data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>"):
        return False
    if len(letters) - cells < data.count(b"<row ") + data.count(b"<row>"):
        return False
    if letters:
        numbers = {d.lstrip(b"0") for d in set(_REF_DIGITS.findall(data))}  # "A0000000001" is row 1, as read
        longest = len(max(numbers, key=len))
        row = int(max(n for n in numbers if len(n) == longest) or b"0")
        names = {name.upper() for name in set(letters) if name}
        col = column_index(max(names, key=lambda b: (len(b), b)).decode()) + 1 if names else 0
        extent.reach(row, col)
    return True


def _walked_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """Positions counted as a reader does: a row or cell without `r` follows the one before.
    expat with handlers only: no tree is kept, memory stays flat however long the sheet."""
    extent = Extent()
    position = {"row": 0, "col": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        tag, ref = name.rpartition(":")[2], attributes.get("r", "")
        if tag == "row":
            position["row"] = int(ref) if ref.isdigit() else position["row"] + 1
            position["col"] = 0
        elif tag == "c":
            match = _CELL.fullmatch(ref)
            if match:
                position["col"] = column_index(match.group(1)) + 1
                extent.reach(int(match.group(2)), position["col"])
            else:
                position["col"] += 1
                extent.reach(max(position["row"], 1), position["col"])

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return extent


# suffix of a zip → (its sheets' extents, the key for a broken zip); other suffixes: their size
_ZIPPED = {
    ".xlsx": (_xlsx_extents, "file_damaged"), ".xlsm": (_xlsx_extents, "file_damaged"),
    ".xlsb": (xlsb_extents, "file_unreadable"), ".ods": (ods_extents, "file_unreadable"),
    ".docx": (docx_extents, "file_unreadable"),
}
