"""One place for the shape of a finding as data (JSON, CSV and the report sheet share it)."""

from __future__ import annotations

from typing import Any

from ..core.findings import Finding, FormReport, Summary
from ..core.messages import Catalogue

FIELDS = ("rule", "severity", "code", "cell", "message", "expected", "actual")


def finding_row(finding: Finding, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "code": finding.code,
        "cell": str(finding.cell) if finding.cell else None,
        "message": catalogue.message(finding),
        "expected": finding.expected,
        "actual": finding.actual,
    }


def summary(report: FormReport) -> dict[str, int]:
    return report.summary.as_dict()


def form_name(report: FormReport, catalogue: Catalogue) -> str:
    return report.form_title or catalogue.word("form_unknown")


def report_dict(report: FormReport, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "path": report.path,
        "sheet": report.sheet,
        "form": report.form,
        "form_title": report.form_title,
        "unit_name": report.unit_name,
        "summary": summary(report),
        "findings": [finding_row(f, catalogue) for f in report.findings],
    }


def failure_dict(path: str, message: str) -> dict[str, Any]:
    """An input that could not be read: no findings, the reason instead."""
    return {"path": path, "sheet": None, "form": None, "form_title": None, "unit_name": None, "error": message,
            "summary": Summary().as_dict(), "findings": []}
