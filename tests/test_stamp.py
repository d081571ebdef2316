"""The validation stamp: the values hash, the stamp as custom document properties, `validate
--stamp`, `stamp verify`, a LibreOffice round trip, and what `archive put` records."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.packaging.custom import StringProperty
from typer.testing import CliRunner

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.findings import FormReport
from egov_xl.core.report import from_values
from egov_xl.core.stamp import (PREFIX, PROPERTY_LIMIT, canonical_values, changes, from_properties, make_stamp,
                                to_properties, values_hash)
from egov_xl.flows.stamp import read_stamp, stamp_of
from egov_xl.output.doc_props import read_properties, write_properties
from egov_xl.template.recalc import RecalcError, recalculate, soffice
from egov_xl.flows.check import check_file
from tests.fixtures.renditions import bm7_correct, bm7_seed, write_csv

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamped(samples, tmp_path, name="bieu-mau-7-dung.xlsx") -> Path:
    out = tmp_path / f"stamped-{name}"
    result = run("validate", samples[name], "--stamp", out)
    assert result.exit_code in (0, 1), result.output
    assert out.exists()
    return out


def cell_of(path: Path, code: str) -> str:
    return check_file(path)[0].form.report.cell(code).a1


# the values hash ---------------------------------------------------------------------------------


def test_hash_follows_its_documented_recipe():
    report = from_values("bm7-2025", {"4.1.1": "8.334", "4.1": "98,64%", "2": "trên 84%", "3": " Có ", "1": None})
    recipe = json.dumps({"edition": "bm7-2025", "values": [["1", ""], ["2", ">84"], ["3", "Có"], ["4.1", "98.64"],
                                                           ["4.1.1", "8334"]]},
                        ensure_ascii=False, separators=(",", ":"))
    assert values_hash(report) == "sha256:" + hashlib.sha256(recipe.encode()).hexdigest()
    assert values_hash(from_values("pl7-2022", {"4.1.1": "8.334"})) != values_hash(from_values("bm7-2025", {"4.1.1": "8.334"}))


def test_same_values_same_hash_whatever_the_reader(samples, tmp_path):
    """Numbers typed as numbers in .xlsx, and as Vietnamese text in a CSV: one hash."""
    numeric = check_file(samples["bieu-mau-7-dung.xlsx"])[0].form.report
    as_text = check_file(write_csv(tmp_path / "bm7.csv", bm7_correct()))[0].form.report
    assert numeric.reading("4.1").raw == 98.33 and as_text.reading("4.1").raw == "98,33"
    assert values_hash(numeric) == values_hash(as_text)
    seed = check_file(write_csv(tmp_path / "seed.csv", bm7_seed()))[0].form.report
    assert values_hash(seed) == values_hash(check_file(samples["bieu-mau-7-seed.xlsx"])[0].form.report)
    assert values_hash(seed) != values_hash(numeric)


def test_properties_round_trip_within_excels_limit():
    codes = {f"{i}.{j}.{k}": f"{i * j * k},{k}" for i in range(1, 6) for j in range(1, 6) for k in range(1, 5)}
    codes["9.9"] = "một đoạn ghi chú dài hơn hai mươi tư ký tự; có dấu chấm phẩy"
    report = from_values("bm7-2025", codes)
    stamp = stamp_of_report(report, FormReport("x.xlsx", "Sheet", "bm7-2025", "t", [], {"ratio": 1, "sum": 2}))
    props = to_properties(stamp)
    assert all(len(value) <= PROPERTY_LIMIT for value in props.values())
    assert int(props[PREFIX + "ValueParts"]) > 1
    back = from_properties(props)
    assert back == stamp and back.rule_count == 2
    assert back.values["9.9"].startswith("#")  # too long to keep: a digest
    assert changes(back, report) == []
    edited = from_values("bm7-2025", {**codes, "1.1.1": "2", "9.9": "khác"})
    found = {c.code: c for c in changes(back, edited)}
    assert set(found) == {"1.1.1", "9.9"}
    assert (found["1.1.1"].before, found["1.1.1"].after) == ("1.1", "2")
    assert not found["9.9"].before_known and found["9.9"].after == "khác"


def stamp_of_report(report, form_report):
    return make_stamp(report, form_report, rules_version="r", version="v", checked_at="2025-01-01T00:00:00Z")


# writing and verifying ---------------------------------------------------------------------------


def test_stamp_then_verify_intact_and_input_untouched(samples, tmp_path):
    source = samples["bieu-mau-7-seed.xlsx"]
    before = digest(source)
    out = stamped(samples, tmp_path, "bieu-mau-7-seed.xlsx")
    assert digest(source) == before
    assert read_stamp(source) is None
    result = run("stamp", "verify", out)
    assert result.exit_code == 0, result.output
    errors = sum(1 for f in check_file(source)[0].report.findings if f.severity.value == "error")
    assert errors > 0 and "bm7-2025" in result.stdout and f"{errors} lỗi" in result.stdout
    data = json.loads(run("stamp", "verify", out, "--format", "json").stdout)
    from datetime import datetime, timedelta, timezone
    checked = datetime.fromisoformat(data["stamp"]["checked_at"]).astimezone(timezone(timedelta(hours=7)))
    said = " ".join(result.stdout.split())  # the terminal's line breaks aside
    assert f"lúc kiểm tra {checked:%d/%m/%Y %H:%M} (UTC+7)" in said  # the office's clock, not ISO UTC
    assert data["status"] == "intact" and data["stamp"]["errors"] == errors
    assert data["stamp"]["values_hash"] == values_hash(check_file(source)[0].form.report) == data["values_hash"]


def test_every_other_part_is_copied_byte_for_byte(samples, tmp_path):
    source = samples["bieu-mau-7-dung.xlsx"]
    out = stamped(samples, tmp_path)
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
        assert changed <= {"[Content_Types].xml", "_rels/.rels"}
        assert set(b.namelist()) - set(a.namelist()) == {"docProps/custom.xml"}


def test_changed_value_is_named(samples, tmp_path):
    out = stamped(samples, tmp_path)
    edited = tmp_path / "edited.xlsx"
    book = load_workbook(out)
    cell = book["Biểu mẫu 7"][cell_of(out, "4.1.1")]
    old = cell.value
    cell.value = old + 1
    book.save(edited)
    result = run("stamp", "verify", edited)
    assert result.exit_code == 1, result.output
    assert f"Chỉ tiêu 4.1.1: {old} → {old + 1}" in result.stdout
    data = json.loads(run("stamp", "verify", edited, "--format", "json", "--lang", "en").stdout)
    assert data["status"] == "changed"
    assert data["changes"] == [{"code": "4.1.1", "before": str(old), "after": str(old + 1), "before_known": True}]


def test_no_stamp_damaged_stamp_unreadable(samples, tmp_path):
    result = run("stamp", "verify", samples["bieu-mau-7-dung.xlsx"])
    assert result.exit_code == 2 and "không có dấu kiểm tra" in result.stdout
    assert json.loads(run("stamp", "verify", samples["bieu-mau-7-dung.xlsx"], "--format", "json").stdout)[
        "status"] == "none"
    out = stamped(samples, tmp_path)
    damaged = tmp_path / "damaged.xlsx"
    write_properties(out, damaged, {PREFIX + "Stamp": "1", PREFIX + "ValueParts": "x"}, lambda name: True)
    result = run("stamp", "verify", damaged)
    assert result.exit_code == 2 and "bị hỏng" in result.output
    assert run("stamp", "verify", tmp_path / "missing.xlsx").exit_code == 2


def test_refusals_leave_the_input_alone(samples, tmp_path):
    source = samples["bieu-mau-7-dung.xlsx"]
    before = digest(source)
    result = run("validate", source, "--stamp", source)
    assert result.exit_code == 2 and "trùng tệp đầu vào" in result.output
    assert digest(source) == before and read_stamp(source) is None
    csv_file = write_csv(tmp_path / "bm7.csv", bm7_correct())
    result = run("validate", csv_file, "--stamp", tmp_path / "bm7.xlsx")
    assert result.exit_code == 2 and "Chỉ đóng dấu kiểm tra được vào tệp .xlsx/.xlsm;" in result.output
    assert not (tmp_path / "bm7.xlsx").exists()


def test_restamp_replaces_ours_and_keeps_other_properties(samples, tmp_path):
    source = tmp_path / "own.xlsx"
    book = load_workbook(samples["bieu-mau-7-dung.xlsx"])
    book.custom_doc_props.append(StringProperty(name="Phòng", value="Văn phòng UBND"))
    book.save(source)
    first = tmp_path / "first.xlsx"
    assert run("validate", source, "--stamp", first).exit_code == 0
    second = tmp_path / "second.xlsx"
    assert run("validate", first, "--stamp", second).exit_code == 0
    props = read_properties(second)
    assert props["Phòng"] == "Văn phòng UBND"
    names = [p.get("name") for p in _property_elements(second)]
    assert len(names) == len(set(names))
    assert run("stamp", "verify", second).exit_code == 0


def _property_elements(path):
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as package:
        return list(ElementTree.fromstring(package.read("docProps/custom.xml")))


def test_stamp_survives_libreoffice(samples, tmp_path):
    if soffice() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice is required under CI=true")
        pytest.skip("LibreOffice not installed")
    out = stamped(samples, tmp_path, "bieu-mau-7-seed.xlsx")
    saved = tmp_path / "saved-by-libreoffice.xlsx"
    try:
        recalculate(out, saved)
    except RecalcError as exc:
        pytest.fail(str(exc))
    assert zipfile.ZipFile(saved).read("xl/workbook.xml") != zipfile.ZipFile(out).read("xl/workbook.xml")
    result = run("stamp", "verify", saved)
    assert result.exit_code == 0, result.output


# archive put -------------------------------------------------------------------------------------


def test_archive_put_records_the_stamp(samples, tmp_path):
    store = Archive(f"sqlite:///{tmp_path / 'archive.sqlite3'}")
    store.init()
    out = stamped(samples, tmp_path)
    edited = tmp_path / "edited.xlsx"
    book = load_workbook(out)
    book["Biểu mẫu 7"][cell_of(out, "4.5.1")].value = 109
    book.save(edited)
    answers = {}
    for name, path, period in (("plain", samples["bieu-mau-7-dung.xlsx"], "Q1/2025"), ("stamped", out, "6T/2025"),
                               ("edited", edited, "9T/2025")):
        result = put_file(store, path, "HCM", parse_period(period), "clerk", force_reason="thử")
        answers[name] = store.get("HCM", parse_period(period)).meta.summary["stamp"]
        assert answers[name]["values_hash"] == values_hash(check_file(path)[0].form.report)
        assert result.stored is not None
    assert answers["plain"]["status"] == "none"
    assert answers["stamped"]["status"] == "intact"
    assert answers["stamped"]["stamp_hash"] == answers["stamped"]["values_hash"]
    assert answers["edited"]["status"] == "changed"
    assert answers["edited"]["stamp_hash"] == answers["stamped"]["values_hash"] != answers["edited"]["values_hash"]


def test_stamp_of_a_checked_form_counts_its_findings(samples):
    checked = check_file(samples["bieu-mau-7-seed.xlsx"])[0]
    stamp = stamp_of(checked)
    assert (stamp.errors, stamp.warnings, stamp.infos) == tuple(
        sum(1 for f in checked.report.findings if f.severity.value == s) for s in ("error", "warning", "info"))
    assert stamp.rule_count == len(checked.report.scope) > 0
    assert set(stamp.values) == set(canonical_values(checked.form.report))


def _with_custom_part(source: Path, target: Path, data: bytes) -> Path:
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            out.writestr(info, data if info.filename == "docProps/custom.xml" else package.read(info))
    return target


def test_hostile_custom_properties_are_refused_quickly(samples, tmp_path):
    """An oversized custom-properties part (a zip bomb) and nested entities (billion laughs)
    end in one sentence, exit 2, without expanding them."""
    out = stamped(samples, tmp_path)
    bomb = _with_custom_part(out, tmp_path / "bomb.xlsx", b"<Properties>" + b" " * (16 << 20) + b"</Properties>")
    assert bomb.stat().st_size < 1 << 20
    result = run("stamp", "verify", bomb)
    assert result.exit_code == 2 and "docProps/custom.xml" in result.output and "giới hạn" in result.output
    laughs = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)) + \
        b']><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">' \
        b'<property name="EgovXL.Stamp"><x>&j;</x></property></Properties>'
    result = run("stamp", "verify", _with_custom_part(out, tmp_path / "laughs.xlsx", laughs))
    assert result.exit_code == 2 and "bị hỏng" in result.output and "Traceback" not in result.output
