"""Tables of a Word document (.docx), read with python-docx: one grid per table.

The annex often travels as a Word table. Each table becomes a sheet named "Bảng N" whose
cells are the table's cells (row 1, column A is the table's top-left cell), so a finding's
"Bảng 1!D20" is row 20, column 4 of the first table. A merged cell's text stands in its first
grid column and row only, as Excel shows a merged range; the paragraphs just above the table
are its caption (the form's title, the unit's name). Every cell of a Word table is text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..core.grid import SheetGrid, WorkbookGrid
from ..settings import Limits
from . import WORD_TABLE

ERRORS = (zipfile.BadZipFile, KeyError, PackageNotFoundError, SyntaxError)

_CAPTION_PARAGRAPHS = 12


def read(path: Path, limits: Limits) -> WorkbookGrid:
    """The limits guard counted the tables and their cells before python-docx parses the file."""
    document = docx.Document(str(path))
    grids = []
    caption: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = Paragraph(element, document).text.strip()
            if text:
                caption = (caption + [text])[-_CAPTION_PARAGRAPHS:]
        elif element.tag == qn("w:tbl"):
            grid = _grid(Table(element, document), WORD_TABLE.format(index=len(grids) + 1))
            grid.caption = "\n".join(caption)
            grids.append(grid)
            caption = []
    return WorkbookGrid(str(path), grids)


def _grid(table: Table, name: str) -> SheetGrid:
    rows: list[list[object]] = []
    for tr in table._tbl.tr_lst:
        line: list[object] = [""] * tr.grid_before
        for tc in tr.tc_lst:
            continued = tc.vMerge == "continue"
            line.append("" if continued else _text(_Cell(tc, table)))
            line.extend([""] * (tc.grid_span - 1))
        rows.append(line)
    return SheetGrid(name, rows, typed=False)


def _text(cell: _Cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()
