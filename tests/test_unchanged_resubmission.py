"""A returned report sent back unchanged: `archive put` says so as the web upload and the
add-in's save do (one check, flows.review_status.returned_twin, through flows.archive)."""

from __future__ import annotations

from typer.testing import CliRunner

from egov_xl.archive import overview
from egov_xl.archive.store import Archive
from egov_xl.cli import app
from egov_xl.core.periods import parse_period
from egov_xl.flows.review_status import standing
from tests.fixtures.renditions import Layout, bm7_correct, corrected, write_form

UNCHANGED = 'Tệp này giống hệt lần nộp 1 đã bị trả lại để sửa: đơn vị nhận sẽ thấy "nộp lại, chưa sửa".'


def _return_current(url: str, unit: str, period: str) -> None:
    store = Archive(url)
    current = standing(store, unit, parse_period(period)).revision
    overview.add_review(store, current.id, "returned", "Chỉ tiêu 4.2.2 thiếu số liệu xã", "Cán bộ Tỉnh")


def test_archive_put_warns_a_returned_report_sent_back_unchanged(archive_url, samples, tmp_path):
    runner = CliRunner()
    env = {"EGOV_ARCHIVE_URL": archive_url, "COLUMNS": "200"}

    def put(*files):
        return runner.invoke(app, ["archive", "put", *map(str, files), "--unit", "HCM", "--period", "Q1/2025",
                                   "--create-unit"], env=env)

    assert runner.invoke(app, ["archive", "init"], env=env).exit_code == 0
    path = samples["bieu-mau-7-dung.xlsx"]
    first = put(path)
    assert first.exit_code == 0 and "lần nộp thứ 1" in first.output and "giống hệt" not in first.output
    _return_current(archive_url, "HCM", "Q1/2025")
    again = put(path)
    assert again.exit_code == 0 and "lần nộp thứ 2" in again.output
    assert UNCHANGED in " ".join(again.output.split())  # rich may wrap the line
    fixed = write_form(tmp_path / "sua.xlsx", corrected(bm7_correct(), {"4.3.1": "413", "4.3": "45,28"}),
                       Layout(numeric=True))
    batch = put(fixed, path)  # many files: one line each, the unchanged one flagged by its name
    assert batch.exit_code == 0
    lines = batch.output.splitlines()
    assert any(line.startswith(f"{fixed}: ") and "lần nộp thứ 3" in line for line in lines)
    assert any(line.startswith(f"{path}: ") and "lần nộp thứ 4" in line for line in lines)
    assert f"{path}: Tệp này giống hệt lần nộp 1 đã bị trả lại" in batch.output
    assert f"{fixed}: Tệp này" not in batch.output
