"""The built-in editions read without the schema library are the schema's own output, and the
catalogues read without a YAML parser are what their YAML reads."""

from __future__ import annotations

import json
import subprocess
import sys

from egov_xl import definitions


def test_prepared_json_is_current():
    """forms/prepared.json was written from the shipped form files by the schema (run
    `python -m egov_xl.prepare` after changing a form file)."""
    prepared = json.loads((definitions._package_dir("forms") / definitions.PREPARED).read_text(encoding="utf-8"))
    assert prepared == definitions.prepared_editions()


def test_prepared_messages_are_current():
    """messages/prepared.json holds what messages/*.yaml read (run `python -m egov_xl.prepare`
    after changing a catalogue or rules.yaml)."""
    prepared = json.loads((definitions._package_dir("messages") / definitions.PREPARED).read_text(encoding="utf-8"))
    assert prepared == definitions.prepared_messages()
    assert set(prepared["files"]) == {path.stem for path in definitions.message_files()} >= {"vi", "en", "rules"}
    for path in definitions.message_files():
        assert prepared["files"][path.stem] == definitions.load_yaml(path)


def test_a_check_reads_no_yaml_while_the_prepared_catalogues_are_current():
    code = ("import sys; from egov_xl import definitions; "
            "definitions.catalogue('vi'), definitions.catalogue('en'), definitions.rulebook(), definitions.editions(); "
            "print('yaml' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_prepared_editions_equal_the_checked_files():
    checked = tuple(definitions.load_edition_file(path) for path in definitions.edition_files())
    assert definitions.editions() == checked
    assert [e.id for e in checked] == ["bm7-2025", "pl7-2022"]


def test_validate_imports_no_schema_library(samples):
    code = ("import sys; from egov_xl.flows.check import validate_file; "
            f"validate_file({str(samples['bieu-mau-7-seed.xlsx'])!r}); "
            "print(sorted(m for m in ('pydantic', 'openpyxl', 'rich', 'sqlalchemy', 'docx', 'lxml', 'xlrd') "
            "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
