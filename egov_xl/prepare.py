"""`python -m egov_xl.prepare`: write forms/prepared.json, the built-in editions as the schema
checked them, so that checking a workbook needs no schema library. Run it after changing a
form file (tests/test_forms.py fails until it is current; until then the files are checked
afresh at every start)."""

from __future__ import annotations

import json

from . import definitions


def write() -> str:
    path = definitions._package_dir("forms") / definitions.PREPARED
    text = json.dumps(definitions.prepared_editions(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return str(path)


if __name__ == "__main__":
    print(write())
