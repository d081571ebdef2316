"""Formula results kept in an annotated copy. openpyxl loads a workbook's formulas, not their
results, and saves every formula cell as `<f>…</f><v></v>`: the copy of a calculated file
would read as "no computed result" (value.uncomputed). The results are read from the source's
sheet parts and written back into the copy's formula cells that have none, with the result's
type (`t="str"`, `"b"`, `"e"`) as the source had it. Only `<v>` and `t` change, never a
formula; a result is XML-escaped text, so a clerk's text cannot become markup or a formula.
The cells rewritten are the ones openpyxl itself writes (lxml or ElementTree), so a pattern
over them is exact."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from ..workbook.xlsx_details import sheet_parts

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TYPES = ("str", "b", "e")  # a number has no type attribute
# a formula cell as openpyxl writes it without a result: attributes (no t), <f>, <v></v> or <v/>
_EMPTY_RESULT = re.compile(
    r'<c r="(?P<ref>[A-Z]{1,3}[0-9]{1,7})"(?P<attrs>(?:\s+(?!t=)[a-z]+="[^"]*")*)>'
    r"(?P<f><f(?:\s[^>]*)?(?:/>|>[^<]*</f>))<v\s*(?:/>|></v>)</c>"
)

Results = dict[str, dict[str, tuple[str, str | None]]]  # sheet → cell → (result text, type)


def source_results(source: Path) -> Results:
    """The saved result of every formula cell of each sheet of an .xlsx/.xlsm."""
    results: Results = {}
    with zipfile.ZipFile(source) as archive:
        for sheet, part in sheet_parts(archive).items():
            if part in archive.namelist():
                with archive.open(part) as stream:
                    results[sheet] = _results(stream)
    return results


def _results(stream) -> dict[str, tuple[str, str | None]]:
    found = {}
    for _, element in ElementTree.iterparse(stream):
        if element.tag != f"{_NS}c":
            continue
        value, kind = element.find(f"{_NS}v"), element.get("t")
        if element.find(f"{_NS}f") is not None and value is not None and (value.text or kind == "str"):
            found[element.get("r", "")] = (value.text or "", kind if kind in _TYPES else None)
        element.clear()
    return found


def save_with_results(book, target: Path, results: Results) -> None:
    """Save the openpyxl workbook `book` to `target`, its formula cells given `results`."""
    buffer = BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as written, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        parts = {part: results[sheet] for sheet, part in sheet_parts(written).items() if results.get(sheet)}
        for info in written.infolist():
            data = written.read(info)
            if info.filename in parts:
                data = _patch(data.decode("utf-8"), parts[info.filename]).encode("utf-8")
            out.writestr(info, data)


def _patch(xml: str, cells: dict[str, tuple[str, str | None]]) -> str:
    def fill(match: re.Match) -> str:
        saved = cells.get(match["ref"])
        if saved is None:
            return match[0]
        text, kind = saved
        typed = f' t="{kind}"' if kind else ""
        return f'<c r="{match["ref"]}"{match["attrs"]}{typed}>{match["f"]}<v>{escape(text)}</v></c>'

    return _EMPTY_RESULT.sub(fill, xml)
