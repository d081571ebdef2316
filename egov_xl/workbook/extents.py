"""How far a sheet's cells reach, counted before a reader expands them, for the kinds whose
XML repeats or spans cells: an OpenDocument table (rows and cells carry repeat counts, which
calamine expands) and a Word table (cells span grid columns, which the Word reader pads out).

Both walks use expat with handlers only: no tree is kept, memory stays flat however long the
part. A table nested in another is counted apart and does not disturb the outer one.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from ..sources import WORD_TABLE

CHUNK = 4 * 1024 * 1024
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class TooManyTables(Exception):
    """A Word document holds more top-level tables than allowed (the walk stops there)."""


@dataclass(slots=True)
class Extent:
    """The bottom-right corner a sheet's cells reach, 1-based (what a reader allocates from A1)."""

    rows: int = 0
    cols: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def reach(self, row: int, col: int) -> None:
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)


def _count(text: str | None) -> int:
    """A repeat or span attribute; a missing or damaged one counts as 1."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1


def _walk(archive: zipfile.ZipFile, part: str, start, end) -> None:
    if part not in archive.namelist():
        return  # the reader will say the file is not a spreadsheet or document
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def ods_extents(archive: zipfile.ZipFile) -> Iterator[tuple[str, Extent]]:
    """Each table of content.xml: rows × columns up to its last cell holding a value, with
    repeated rows and cells counted as the reader expands them."""
    done: list[tuple[str, Extent]] = []
    stack: list[dict] = []

    def start(name: str, attrs: dict) -> None:
        uri, _, tag = name.rpartition(" ")
        if uri != _TABLE:
            return
        if tag == "table":
            stack.append({"name": attrs.get(f"{_TABLE} name", ""), "extent": Extent(), "row": 0, "col": 0,
                          "repeat": 1, "valued": 0})
        elif stack and tag == "table-row":
            stack[-1].update(col=0, valued=0, repeat=_count(attrs.get(f"{_TABLE} number-rows-repeated")))
        elif stack and tag in ("table-cell", "covered-table-cell"):
            table = stack[-1]
            table["col"] += _count(attrs.get(f"{_TABLE} number-columns-repeated"))
            if attrs.get(f"{_OFFICE} value-type"):
                table["valued"] = table["col"]

    def end(name: str) -> None:
        uri, _, tag = name.rpartition(" ")
        if uri != _TABLE or not stack:
            return
        table = stack[-1]
        if tag == "table-row":
            if table["valued"]:
                table["extent"].reach(table["row"] + table["repeat"], table["valued"])
            table["row"] += table["repeat"]
        elif tag == "table":
            done.append((stack.pop()["name"], table["extent"]))

    _walk(archive, "content.xml", start, end)
    return iter(done)


def docx_extents(archive: zipfile.ZipFile, most_tables: int | None = None) -> Iterator[tuple[str, Extent]]:
    """Each top-level table of word/document.xml: its rows × the widest row's grid columns
    (cells skipped before the row, plus each cell's span). More than `most_tables` tables raise
    TooManyTables as soon as the walk meets one more."""
    done: list[tuple[str, Extent]] = []
    stack: list[dict] = []
    top = 0

    def start(name: str, attrs: dict) -> None:
        uri, _, tag = name.rpartition(" ")
        if uri != _WORD:
            return
        if tag == "tbl":
            stack.append({"extent": Extent(), "col": 0})
        elif not stack:
            return
        elif tag == "tr":
            stack[-1]["col"] = 0
            stack[-1]["extent"].rows += 1
        elif tag == "tc":
            stack[-1]["col"] += 1
        elif tag in ("gridBefore", "gridSpan"):
            stack[-1]["col"] += _count(attrs.get(f"{_WORD} val")) - (tag == "gridSpan")

    def end(name: str) -> None:
        nonlocal top
        uri, _, tag = name.rpartition(" ")
        if uri != _WORD or not stack:
            return
        table = stack[-1]
        if tag == "tr":
            table["extent"].cols = max(table["extent"].cols, table["col"])
        elif tag == "tbl":
            stack.pop()
            if not stack:
                top += 1
                if most_tables is not None and top > most_tables:
                    raise TooManyTables(top)
                done.append((WORD_TABLE.format(index=top), table["extent"]))

    _walk(archive, "word/document.xml", start, end)
    return iter(done)
