"""One Summary of counts on every report; the precision of percentage rows comes from the form
definition (`decimals:`), read by the ratio rule, the template, its filling and consolidation."""

from __future__ import annotations

from decimal import Decimal as D

from egov_xl import definitions
from egov_xl.core.consolidate import UnitForm, consolidate, total_report
from egov_xl.core.findings import Finding, FormReport, Severity, Summary
from egov_xl.core.golden import report_of
from egov_xl.core.rules.context import Context
from egov_xl.core.registry import REGISTRY
from egov_xl.flows.archive import summary_of
from egov_xl.output.rows import failure_dict, summary
from egov_xl.template.build import build_template, row_of


def _finding(severity: Severity) -> Finding:
    return Finding(rule="x", severity=severity, code=None, cell=None)


def test_one_summary_of_counts_everywhere():
    findings = [_finding(Severity.ERROR), _finding(Severity.WARNING), _finding(Severity.WARNING),
                _finding(Severity.INFO)]
    report = FormReport("f.xlsx", "S", "bm7-2025", "Biểu mẫu 7", findings)
    assert report.summary == Summary(errors=1, warnings=2, infos=1)
    assert report.count(Severity.WARNING) == 2
    expected = {"errors": 1, "warnings": 2, "infos": 1}
    assert summary(report) == expected
    assert {k: summary_of(report)[k] for k in expected} == expected
    assert failure_dict("f.xlsx", "không đọc được")["summary"] == Summary().as_dict() == {
        "errors": 0, "warnings": 0, "infos": 0}


def _edition(decimals: int):
    path = next(p for p in definitions.edition_files() if p.stem == "bm7-2025")
    text = path.read_text(encoding="utf-8")
    assert "\ndecimals: 2\n" in text  # the form file states its precision
    return definitions.parse_edition(text.replace("\ndecimals: 2\n", f"\ndecimals: {decimals}\n"), str(path))


def test_shipped_forms_have_two_decimals():
    for edition in definitions.editions():
        assert {row.decimals for row in edition.rows if row.is_percentage} == {2}


def test_the_ratio_rule_shows_the_expected_value_at_the_form_precision():
    wrong = {"4.2": "90", "4.2.1": "148", "4.2.2": "146"}  # 146 / 148 = 98,6486…
    for decimals, expected in ((1, "98,6"), (2, "98,65"), (3, "98,649")):
        edition = _edition(decimals)
        found, _ = REGISTRY.run(Context(edition, report_of(edition.id, wrong), definitions.rulebook()),
                                ["ratio.mismatch"])
        assert [f.expected for f in found] == [expected]


def test_template_and_consolidation_follow_the_form_precision():
    edition = _edition(1)
    sheet = build_template(edition).active
    cell = sheet.cell(row_of(edition)["4.2"], 4)
    assert cell.value.endswith("*100,1))") and cell.number_format == "0.0"
    forms = [UnitForm("A", 1, edition.id, {"4.2.1": D(148), "4.2.2": D(146)}),
             UnitForm("B", 1, edition.id, {"4.2.1": D(3), "4.2.2": D(1)})]
    total = consolidate(edition, "TINH", ["A", "B"], forms)
    assert total.value("4.2") == D("97.4")  # 147 / 151 = 97,35…
    report = total_report(total, "2025-Y")
    assert report.number("4.2") == D("97.4") and report.reading("4.2").decimals == 1
    assert str(report.values["4.2.1"].origin) == "A 2025-Y r1 bm7-2025:4.2.1 + B 2025-Y r1 bm7-2025:4.2.1"
