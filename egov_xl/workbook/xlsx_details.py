"""Number formats and formula text of chosen rows, straight from the .xlsx parts.

openpyxl would give the same, but it loads the shared strings and every style of the whole
workbook first; here only the chosen sheets are streamed, and streaming stops after the last
wanted row. The parts read (workbook.xml, its relationships, styles.xml, the sheets) are the
ones every SpreadsheetML producer writes (ECMA-376 Part 1, §18).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..core.grid import column_index

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL = re.compile(r"([A-Z]+)(\d+)")

# Built-in number formats (ECMA-376 §18.8.30) that matter for decimals and percentages.
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
    11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)",
    39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)", 48: "##0.0E+0", 49: "@",
}


def _int(text: str | None) -> int:
    """An id or index attribute; a damaged one ("x", missing) counts as 0 (General, no style)."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else 0


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_NS}sheet"):
        target = targets.get(sheet.get(_REL), "")
        if target.startswith("/"):
            parts[sheet.get("name")] = target.lstrip("/")
        else:
            parts[sheet.get("name")] = posixpath.normpath(posixpath.join("xl", target))
    return parts


def _style_formats(archive: zipfile.ZipFile) -> list[str]:
    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    custom = {_int(n.get("numFmtId")): n.get("formatCode") for n in styles.iter(f"{_NS}numFmt")}
    cell_xfs = styles.find(f"{_NS}cellXfs")
    if cell_xfs is None:
        return []
    formats = []
    for xf in cell_xfs.iter(f"{_NS}xf"):
        fmt_id = _int(xf.get("numFmtId"))
        formats.append(custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General"))
    return formats


def read_details(
    path: Path, wanted: dict[str, set[int]]
) -> dict[str, tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]]:
    """For each sheet: the non-General formats, the formulas, the formula cells that carry
    no computed value, and the hidden rows, among the wanted 0-based rows."""
    with SheetDetails(path) as details:
        return {sheet: found for sheet, rows in wanted.items() if (found := details.of(sheet, rows)) is not None}


class SheetDetails:
    """`read_details` one sheet at a time, the workbook's parts and styles read once (a
    reader streaming its sheets asks for each as it finishes it)."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        try:
            self.parts = sheet_parts(self.archive)
            self.formats = _CellFormats(_style_formats(self.archive))
        except BaseException:
            self.archive.close()
            raise

    def of(self, sheet: str, rows: set[int]):
        """(formats, formulas, uncomputed, hidden) among `rows` of `sheet`, or None for a sheet
        the workbook does not list or no rows."""
        part = self.parts.get(sheet)
        if not part or not rows:
            return None
        return _read_sheet(self.archive, part, rows, self.formats)

    def close(self) -> None:
        self.archive.close()

    def __enter__(self) -> SheetDetails:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_WHOLE_PART_LIMIT = 2 * 1024 * 1024  # parse smaller sheet parts in one C call


class _CellFormats(dict):
    """A cell's `s` attribute (its text, or None) → its number format when not General, else
    None; worked out once per attribute text, as a workbook's cells share a few styles."""

    def __init__(self, formats: list[str]) -> None:
        super().__init__()
        self.formats = formats

    def __missing__(self, text: str | None) -> str | None:
        style = _int(text)
        found = self.formats[style] if 0 < style < len(self.formats) and self.formats[style] != "General" else None
        self[text] = found
        return found


def _read_sheet(archive: zipfile.ZipFile, part: str, rows: set[int], formats: _CellFormats):
    cell_formats: dict[tuple[int, int], str] = {}
    formulas: dict[tuple[int, int], str] = {}
    uncomputed: set[tuple[int, int]] = set()
    hidden: set[int] = set()
    row_tag, formula_tag = f"{_NS}row", f"{_NS}f"
    for element in _cells(archive, part, max(rows)):
        if element.tag == row_tag:
            if element.get("hidden") in ("1", "true") and _int(element.get("r")) - 1 in rows:
                hidden.add(_int(element.get("r")) - 1)
            continue
        number_format, formula = formats[element.get("s")], element.find(formula_tag)
        if number_format is None and formula is None:  # nothing to keep, wherever it is
            continue
        match = _CELL.match(element.get("r", ""))
        if not match:
            continue
        row = int(match.group(2)) - 1
        if row not in rows:
            continue
        col = column_index(match.group(1))
        if number_format is not None:
            cell_formats[(row, col)] = number_format
        if formula is not None:  # a shared formula's followers carry no text
            formulas[(row, col)] = "=" + (formula.text or "")
            if not _has_result(element):  # saved by a program that does not calculate
                uncomputed.add((row, col))
    return cell_formats, formulas, uncomputed, hidden


def _has_result(cell) -> bool:
    """A formula cell carries its result: a non-empty <v>, or a typed string result, which may
    be empty (="" over a zero denominator). openpyxl writes <v/> with no type: no result."""
    value = cell.find(f"{_NS}v")
    return (value is not None and bool(value.text)) or cell.get("t") in ("str", "e")


def _cells(archive: zipfile.ZipFile, part: str, last_row: int):
    """The <row> and <c> elements of a sheet part (each row before its cells), stopping after
    `last_row` (0-based) when streaming."""
    if archive.getinfo(part).file_size <= _WHOLE_PART_LIMIT:
        for row in ElementTree.fromstring(archive.read(part)).iter(f"{_NS}row"):
            yield row
            yield from row.iter(f"{_NS}c")
        return
    with archive.open(part) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == f"{_NS}row":
                    yield element  # its attributes are complete at its start
                continue
            if element.tag == f"{_NS}row":
                if _int(element.get("r")) - 1 > last_row:
                    return
                element.clear()
            elif element.tag == f"{_NS}c":
                yield element
