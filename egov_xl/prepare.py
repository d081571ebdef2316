"""`python -m egov_xl.prepare`: write forms/prepared.json, the built-in editions as the schema
checked them, so that checking a workbook needs no schema library, and messages/prepared.json,
the catalogues and rule severities as their YAML reads, so that a start needs no YAML parser.
Run it after changing a form or a messages file (tests/test_prepared.py fails until both are
current; until then the files are read afresh at every start)."""

from __future__ import annotations

import json

from . import definitions


def write() -> str:
    return _write("forms", definitions.prepared_editions())


def write_messages() -> str:
    return _write("messages", definitions.prepared_messages())


def _write(folder: str, prepared: dict) -> str:
    path = definitions._package_dir(folder) / definitions.PREPARED
    text = json.dumps(prepared, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    return str(path)


if __name__ == "__main__":
    print(write())
    print(write_messages())
