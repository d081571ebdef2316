"""A file a reader cannot open: the clerk's sentence names the file and says why in a short
Vietnamese phrase (the catalogue's reason_* words), never the reader's English; the server's
log keeps the reader's own words for a developer."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from egov_xl import definitions
from egov_xl.cli import app
from egov_xl.server.observe import unreadable
from egov_xl.sources.errors import ReadError, reason, recognised
from egov_xl.workbook import read_workbook

VI = definitions.catalogue("vi")


def _good(path: Path) -> bytes:
    Workbook().save(path)
    return path.read_bytes()


def _with_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item.filename, data if item.filename == part else old.read(item.filename))
    return target


def _broken(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Real broken files, each with the word its reader's failure must be shown as."""
    good = tmp_path / "tot.xlsx"
    data = _good(good)
    renamed = tmp_path / "doi-ten.xlsx"
    renamed.write_bytes(b"this is not a zip file")
    cut = tmp_path / "cat-ngang.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    fake = tmp_path / "gia.xls"
    fake.write_bytes(b"not an OLE2 compound file " * 40)
    xml = _with_part(good, tmp_path / "xml-loi.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row")
    return {"renamed": (renamed, "reason_not_zip"), "cut": (cut, "reason_not_zip"),
            "fake_xls": (fake, "reason_not_ole"), "bad_xml": (xml, "reason_bad_xml")}


def test_each_unreadable_file_is_named_with_a_vietnamese_reason(tmp_path):
    files = _broken(tmp_path)
    done = CliRunner().invoke(app, ["validate", *[str(p) for p, _ in files.values()], "--format", "json"],
                              env={"COLUMNS": "300"})
    assert done.exit_code == 2
    said = {Path(entry["path"]): entry["error"] for entry in json.loads(done.stdout)["files"]}
    for path, word in files.values():
        assert said[path].startswith(f'Không đọc được tệp "{path}"'), said[path]
        assert f"({VI.word(word)})" in said[path] or said[path].endswith(f": {VI.word(word)}"), said[path]
    english = ("zip file", "Cfb", "OLE (", "syntax error", "unclosed token", "not found before")
    assert not any(word in text for text in said.values() for word in english), said


@pytest.mark.parametrize("text, word", [
    ("File is not a zip file", "reason_not_zip"),
    ("Workbook is password protected", "reason_encrypted"),
    ("Workbook is encrypted", "reason_encrypted"),
    ("Compressed file ended before the end-of-stream marker was reached", "reason_truncated"),
    ("Cfb error: Invalid OLE (signature \\x67 invalid, not an office document?)", "reason_not_ole"),
    ("Unsupported format, or corrupt file: Expected BOF record; found b'garb'", "reason_not_ole"),
    ("syntax error: tag not closed: `>` not found before end of input", "reason_bad_xml"),
    ("not well-formed (invalid token): line 1, column 5", "reason_bad_xml"),
    ("directory: sector 3 repeated", "reason_other"),
])
def test_what_readers_say_is_recognised(text, word):
    assert recognised(text) == word
    assert VI.word(word) and definitions.catalogue("en").word(word)  # both catalogues say it


def test_the_log_keeps_the_readers_own_words(tmp_path, caplog):
    path, _ = _broken(tmp_path)["renamed"]
    with pytest.raises(ReadError) as refused:
        read_workbook(path)
    assert refused.value.params["reason"] == "File is not a zip file"  # as the reader said it
    with caplog.at_level(logging.INFO, logger="egov_xl.server"):
        unreadable(path.name, refused.value)
    assert "File is not a zip file" in caplog.text and path.name in caplog.text
    assert "File is not a zip file" not in refused.value.render(VI)


def test_a_reason_crosses_a_process_with_its_word():
    import pickle

    kept = pickle.loads(pickle.dumps(ReadError("file_damaged", path="a.xlsx", reason=reason(ValueError("Bad zip")))))
    assert kept.render(VI) == VI.text("file_damaged", path="a.xlsx", reason=VI.word("reason_not_zip"))
