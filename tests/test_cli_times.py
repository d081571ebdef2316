"""The CLI's listings show a stored moment in the office's clock (the calendar's UTC offset,
from the settings), written as the console writes it: 20/03/2025 14:05 (UTC+7)."""

from __future__ import annotations

from datetime import datetime, timedelta

from typer.testing import CliRunner

from egov_xl.cli import app
from egov_xl.server.tokens import entries, issue


def test_token_list_shows_issue_time_in_the_office_clock(tmp_path):
    tokens_file = tmp_path / "tokens.yaml"
    calendar = tmp_path / "lich.yaml"
    calendar.write_text("utc_offset_hours: 9\n", encoding="utf-8")  # a province's own clock, not the default +7
    issue(tokens_file, "Nguyễn Văn A", ["SO-A"])
    stamp = entries(tokens_file)[0].created
    env = {"EGOV_TOKENS_FILE": str(tokens_file), "EGOV_CALENDAR_FILE": str(calendar), "COLUMNS": "300"}

    listed = CliRunner().invoke(app, ["token", "list"], env=env)

    assert listed.exit_code == 0, listed.output
    utc = datetime.fromisoformat(stamp)
    shown = (utc.replace(tzinfo=None) + timedelta(hours=9)).strftime("%d/%m/%Y %H:%M")
    assert f"{shown} (UTC+9)" in listed.output and "Cấp lúc" in listed.output
    assert stamp not in listed.output and "+00:00" not in listed.output  # no UTC ISO text left
