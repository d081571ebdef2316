"""Prior-period comparison: stock vs flow, year-to-date growth, breaks, thresholds, mappings."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from egov_xl.core.periods import parse_period
from egov_xl.flows.archive import put_file
from egov_xl.flows.compare import compare_file
from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.definitions import catalogue
from tests.fixtures.renditions import Layout, bm7_correct, corrected, pl7_correct, write_form


@pytest.fixture
def archive(tmp_path):
    store = Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    store.init()
    return store


def form(tmp_path, name, seed=None, **changes):
    values = {code.replace("_", "."): value for code, value in changes.items()}
    return write_form(tmp_path / f"{name}.xlsx", corrected(seed or bm7_correct(), values), Layout(numeric=True))


def archived(archive, tmp_path, period, seed=None, **changes):
    stored = put_file(archive, form(tmp_path, period.replace("/", "-"), seed, **changes), "HCM",
                      parse_period(period), "clerk").stored
    assert stored is not None
    return stored


def findings(result):
    return {(f.rule, f.code) for f in result.comparison.findings}


def test_stock_is_compared_with_the_previous_report(archive, tmp_path):
    archived(archive, tmp_path, "Q1/2025")
    # 4.5.1/4.5.2 are stock counts: 108 → 150 is +42 (39%) – below 50% relative: no warning
    result = compare_file(archive, form(tmp_path, "now", **{"4_5_1": "150", "4_5_2": "150"}), "HCM",
                          parse_period("6T/2025"))
    row = next(r for r in result.comparison.rows if r.code == "4.5.1")
    assert (row.basis, row.prior, row.change) == ("previous", 108, 42)
    assert findings(result) == set()
    result = compare_file(archive, form(tmp_path, "now2", **{"4_5_1": "250", "4_5_2": "250"}), "HCM",
                          parse_period("6T/2025"))
    assert findings(result) == {("prior.change", "4.5.1"), ("prior.change", "4.5.2")}
    change = next(f for f in result.comparison.findings if f.code == "4.5.1")
    assert catalogue("vi").message(change) == (
        "Chỉ tiêu 4.5.1: 250 so với kỳ trước (Quý I năm 2025) là 108, thay đổi +142 (+131,5%); "
        "đề nghị kiểm tra lại.")


def test_flows_only_against_the_same_period_last_year(archive, tmp_path):
    archived(archive, tmp_path, "6T/2024", **{"4_3_1": "100", "4_3_2": "45", "4_3": "45"})
    archived(archive, tmp_path, "Q1/2025")
    result = compare_file(archive, form(tmp_path, "now"), "HCM", parse_period("6T/2025"))
    row = next(r for r in result.comparison.rows if r.code == "4.3.1")
    assert (row.basis, row.prior, row.previous) == ("last_year", 100, 412)
    assert ("prior.change", "4.3.1") in findings(result)  # 100 → 412 dossiers a year on
    assert ("prior.change", "4.1.1") not in findings(result)


def test_year_to_date_counts_never_fall(archive, tmp_path):
    archived(archive, tmp_path, "6T/2025")
    result = compare_file(archive, form(tmp_path, "year", **{"4_3_1": "400", "4_3": "46,75"}), "HCM",
                          parse_period("Năm 2025"))
    assert ("prior.ytd-decrease", "4.3.1") in findings(result)
    decrease = next(f for f in result.comparison.findings if f.rule == "prior.ytd-decrease")
    assert catalogue("vi").message(decrease) == (
        "Chỉ tiêu 4.3.1 là số cộng dồn từ đầu năm nhưng giảm từ 412 (6 tháng đầu năm 2025) xuống 400.")
    # Quý III is one quarter, not a year-to-date window containing 6 tháng: no such check
    result = compare_file(archive, form(tmp_path, "q3", **{"4_3_1": "400", "4_3": "46,75"}), "HCM",
                          parse_period("Q3/2025"))
    assert ("prior.ytd-decrease", "4.3.1") not in findings(result)


def test_commune_rows_across_two_level_government(archive, tmp_path):
    archived(archive, tmp_path, "Q1/2025")
    result = compare_file(archive, form(tmp_path, "q3", **{"3_1_2": "60"}), "HCM", parse_period("Q3/2025"))
    assert ("prior.not-comparable", "3.1.2") in findings(result)
    assert ("prior.change", "3.1.2") not in findings(result)
    archived(archive, tmp_path, "Q3/2025")
    result = compare_file(archive, form(tmp_path, "y", **{"3_1_2": "60"}), "HCM", parse_period("Năm 2025"))
    assert ("prior.change", "3.1.2") in findings(result)  # both after 1/7/2025: compared


def test_small_base_guard_and_coded_regress(archive, tmp_path):
    archived(archive, tmp_path, "Q1/2025", seed=pl7_correct(), **{"6_5_1": "5", "6_5_2": "2", "6_5": "40"})
    result = compare_file(archive, form(tmp_path, "h1", pl7_correct(), **{"6_5_1": "12", "6_5_2": "2",
                                                                          "6_5": "16,67", "5_1": "0"}),
                          "HCM", parse_period("6T/2025"))
    assert ("prior.change", "6.5.1") not in findings(result)  # 5 → 12: +140% but only +7
    assert ("prior.change", "6.5") in findings(result)  # 40% → 16,67%: 23 points
    assert ("prior.coded-regress", "5.1") in findings(result)


def test_old_edition_is_mapped(archive, tmp_path):
    archived(archive, tmp_path, "Năm 2024", seed=pl7_correct())
    result = compare_file(archive, form(tmp_path, "q1"), "HCM", parse_period("Q1/2025"))
    assert result.comparison.previous.mapping == "pl7-2022__bm7-2025"
    rows = {r.code: r for r in result.comparison.rows}
    assert rows["4.1.1"].prior == 25  # 6.2.1
    assert rows["4.2.2"].previous == 29  # 6.1.3 + 6.2.3 = 20 + 9 (a flow: compared with last year, shown)
    assert rows["4.3"].previous is None  # 6.4 was split: not mapped


def test_no_mapping_back(archive, tmp_path):
    archived(archive, tmp_path, "Q1/2025")
    result = compare_file(archive, form(tmp_path, "pl7", pl7_correct()), "HCM", parse_period("6T/2025"))
    assert result.comparison.previous is None
    assert [s.edition_id for s in result.unmapped] == ["bm7-2025"]


def test_archive_cli_end_to_end(archive_url, samples, tmp_path):
    runner = CliRunner()
    env = {"EGOV_ARCHIVE_URL": archive_url, "COLUMNS": "200"}

    def run(*args):
        return runner.invoke(app, [str(a) for a in args], env=env)

    assert run("archive", "init").exit_code == 0
    unknown = run("archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "HCM", "--period", "Q1/2025")
    assert unknown.exit_code == 2 and 'Kho lưu trữ chưa có đơn vị "HCM"' in unknown.output  # no orphan unit
    assert run("archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "HCM", "--period", "Q1/2025",
               "--by", "Nguyễn Văn A", "--create-unit").exit_code == 0
    refused = run("archive", "put", samples["bieu-mau-7-seed.xlsx"], "--unit", "HCM", "--period", "6T/2025")
    # the form's 7 errors and 2 year-to-date counts below Quý I's (the prior rules run at submission)
    assert refused.exit_code == 1 and "biểu mẫu còn 9 lỗi" in refused.output
    assert refused.output.count("là số cộng dồn từ đầu năm nhưng giảm") == 2
    forced = run("archive", "put", samples["bieu-mau-7-seed.xlsx"], "--unit", "HCM", "--period", "6T/2025",
                 "--force", "Nộp đúng hạn", "--accept", "label.drift:4.4=Biểu mẫu của tỉnh in sai tên")
    assert forced.exit_code == 0 and "lần nộp thứ 1" in forced.output
    again = run("archive", "put", samples["bieu-mau-7-seed.xlsx"], "--unit", "HCM", "--period", "6T/2025",
                "--force", "Bản sửa")
    assert "lần nộp thứ 2" in again.output
    later = run("archive", "put", samples["bieu-mau-7-seed.xlsx"], "--unit", "HCM", "--period", "Năm 2025",
                "--force", "x")
    assert 'đã được chấp nhận kỳ trước với lý do: "Biểu mẫu của tỉnh in sai tên"' in later.output
    shown = json.loads(run("archive", "show", "--unit", "HCM", "--period", "6T/2025", "--revision", "1",
                           "--format", "json").stdout)
    assert (shown["revision"], shown["forced_reason"]) == (1, "Nộp đúng hạn")
    assert shown["accepted"] == [{"rule": "label.drift", "code": "4.4", "reason": "Biểu mẫu của tỉnh in sai tên"}]
    history = run("archive", "history", "--unit", "HCM")
    assert "Quý I năm 2025" in history.stdout and "Nguyễn Văn A" in history.stdout
    compared = run("compare", samples["bieu-mau-7-dung.xlsx"], "--unit", "HCM", "--period", "Q3/2025",
                   "--format", "json")
    data = json.loads(compared.stdout)
    assert data["previous"]["period"] == "2025-H1" and data["previous"]["revision"] == 2
    row = next(r for r in data["rows"] if r["code"] == "4.1.1")
    assert (row["current"], row["prior"], row["change"]) == ("180", "177", "3")
    out = tmp_path / "export.parquet"
    assert run("archive", "export", "--format", "parquet", "-o", out).exit_code == 0
    import pandas as pd

    frame = pd.read_parquet(out)
    assert set(frame["period"]) == {"2025-Q1", "2025-H1", "2025-Y"}
    assert frame[frame["period"] == "2025-H1"]["revision"].max() == 2
    bad = run("archive", "put", samples["bieu-mau-7-dung.xlsx"], "--unit", "HCM", "--period", "Quý V/2025")
    assert bad.exit_code == 2 and 'Không hiểu kỳ báo cáo "Quý V/2025"' in bad.output


# the prior-period rules at submission: the same verdict as `compare` ---------------------------

YTD_DECREASE = {"4_3_1": "400", "4_3": "46,75"}  # 412 dossiers in Quý I, 400 for the whole 6 months


def test_ytd_decrease_refused_at_archive_put(archive_url, tmp_path):
    runner = CliRunner()
    env = {"EGOV_ARCHIVE_URL": archive_url, "COLUMNS": "200"}

    def run(*args):
        return runner.invoke(app, [str(a) for a in args], env=env)

    assert run("archive", "init").exit_code == 0
    assert run("archive", "put", form(tmp_path, "q1"), "--unit", "HCM", "--period", "Q1/2025", "--create-unit").exit_code == 0
    refused = run("archive", "put", form(tmp_path, "h1", **YTD_DECREASE), "--unit", "HCM", "--period", "6T/2025")
    assert refused.exit_code == 1, refused.output
    assert "biểu mẫu còn 1 lỗi" in refused.output
    assert "giảm từ 412 (Quý I năm 2025) xuống 400" in refused.output
    compared = run("compare", form(tmp_path, "h1b", **YTD_DECREASE), "--unit", "HCM", "--period", "6T/2025")
    assert "giảm từ 412 (Quý I năm 2025) xuống 400" in compared.output
    history = run("archive", "history", "--unit", "HCM")
    assert "6 tháng" not in history.output  # nothing stored for the 6 months


def test_scope_names_the_prior_rules_when_compared(archive, tmp_path):
    first = put_file(archive, form(tmp_path, "q1"), "HCM", parse_period("Q1/2025"), "clerk")
    assert not any(rule.startswith("prior.") for rule in first.report.scope)  # nothing to compare with
    second = put_file(archive, form(tmp_path, "h1", **YTD_DECREASE), "HCM", parse_period("6T/2025"), "clerk",
                      force_reason="Số liệu đã rà soát")
    assert {"prior.ytd-decrease", "prior.change", "prior.not-comparable", "prior.coded-regress"} <= set(second.report.scope)
    assert [(f.rule, f.code) for f in second.report.findings if f.severity.value == "error"] == \
        [("prior.ytd-decrease", "4.3.1")]
    stored = archive.get("HCM", parse_period("6T/2025"))
    assert stored.meta.forced_reason == "Số liệu đã rà soát"
    assert stored.meta.summary["scope"]["prior.ytd-decrease"] == 1  # the archive can say they ran
    assert "prior.ytd-decrease" not in archive.get("HCM", parse_period("Q1/2025")).meta.summary["scope"]


def test_ytd_decrease_reported_by_the_web_upload(archive, tmp_path):
    from egov_xl.web.upload import Archiving, check_upload

    put_file(archive, form(tmp_path, "q1"), "HCM", parse_period("Q1/2025"), "clerk")
    data = form(tmp_path, "h1", **YTD_DECREASE).read_bytes()
    result = check_upload("h1.xlsx", data, archive, Archiving("HCM", parse_period("6T/2025"), "clerk"))
    assert result.stored is None and result.refused.startswith('Chưa lưu "h1.xlsx": biểu mẫu còn 1 lỗi.')
    rules = [(row["rule"], row["code"]) for found in result.forms for row in found["findings"]]
    assert ("prior.ytd-decrease", "4.3.1") in rules
    assert archive.get("HCM", parse_period("6T/2025")) is None
