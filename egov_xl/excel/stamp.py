"""The validation stamp in the open workbook, after Kiểm tra.

xlwings' remote API has no document properties, so the stamp's properties (egov_xl/core/stamp.py)
go to Excel as a `runMacro` action naming a JavaScript callback of ours (addin/static/js/stamp.js,
`egovStamp`), which xlwings Server's client calls with the request's Excel context. The action is
appended to the request's own book (not through `book.app.macro`: xlwings' remote App is one per
process, see scripts._say). Excel keeps the properties when the clerk saves the workbook.
"""

from __future__ import annotations

import json

import xlwings as xw

from ..flows.stamp import stamp_properties
from ..flows.check import Checked

CALLBACK = "egovStamp"  # the JavaScript function's name (addin/static/js/stamp.js)


def send_stamp(book: xw.Book, checked: list[Checked]) -> bool:
    """Ask Excel to write the stamp of this check into the workbook; False when no form of a
    known edition was checked (nothing is stamped then)."""
    if not any(item.form.recognised and item.form.report is not None for item in checked):
        return False
    props = stamp_properties(checked, book.name)
    book.impl.append_json_action(func="runMacro", args=[CALLBACK, json.dumps(props, ensure_ascii=False)])
    return True
