"""`egov-xl rules test` and `rules list` (egov_xl/cli/rules.py)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from egov_xl.cli.rules import app as rules_app
from egov_xl.core.registry import REGISTRY

FORMS = Path(__file__).resolve().parent.parent / "egov_xl" / "forms"
runner = CliRunner()


def test_rules_test_passes_on_the_shipped_forms():
    result = runner.invoke(rules_app, ["test"])
    assert result.exit_code == 0, result.output
    assert "ca mẫu đạt" in result.output


def test_rules_test_with_an_edited_form_catches_a_changed_rule(tmp_path):
    data = yaml.safe_load((FORMS / "pl7-2022.yaml").read_text(encoding="utf-8"))
    for row in data["rows"]:
        if row["code"] == "6.3.1":
            row.pop("equals_sum")  # the editor drops the sum 6.3.1 = 6.1.2 + 6.2.2
    edited = tmp_path / "pl7-2022.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(rules_app, ["test", "--form", str(edited)])
    assert result.exit_code == 1
    assert "Không đạt: hierarchy.yaml – 6.3.1 ≠ 6.1.2 + 6.2.2" in result.output


def test_rules_test_names_a_broken_form_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\ntitle: y\nrows:\n  - code: 1\n    kind: nonsense\n", encoding="utf-8")
    result = runner.invoke(rules_app, ["test", "--form", str(broken)])
    assert result.exit_code == 2
    assert "Tệp định nghĩa biểu mẫu" in result.output


def test_rules_list_names_every_registered_rule():
    result = runner.invoke(rules_app, ["list"])
    assert result.exit_code == 0
    assert {line.split("\t")[0] for line in result.output.splitlines()} == set(REGISTRY.ids)
