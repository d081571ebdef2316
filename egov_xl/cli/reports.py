"""Validation reports on standard output: JSON, CSV, a table for one report, plain lines for a
batch (a table per file costs more than checking it)."""

from __future__ import annotations

import csv
import json
import sys

from ..core.findings import FormReport, Severity
from ..core.messages import Catalogue
from ..output.rows import FIELDS, finding_row, form_name, summary
from ..output.safe_text import as_typed_text
from .common import Format, out

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def emit(format: Format, results: list[dict], reports: list[FormReport], catalogue: Catalogue) -> None:
    """`results`, the files' dictionaries (output/rows.py), are what JSON prints; the other
    formats print the `reports`."""
    if format is Format.json:
        sys.stdout.write(json.dumps({"files": results}, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.csv:
        emit_csv(reports, catalogue)
    elif len(reports) == 1:
        emit_table(reports[0], catalogue)
    else:
        sys.stdout.writelines(line + "\n" for report in reports for line in plain_lines(report, catalogue))


def emit_csv(reports: list[FormReport], catalogue: Catalogue) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(("path", "sheet", "form", *FIELDS))
    for report in reports:
        for finding in report.findings:
            row = finding_row(finding, catalogue)
            fields = (report.path, report.sheet, report.form, *(row[f] for f in FIELDS))
            writer.writerow([as_typed_text(field) for field in fields])


def summary_line(report: FormReport, catalogue: Catalogue) -> str:
    counts = summary(report)
    key, unit = ("summary_unit", {"unit": report.unit_name}) if report.unit_name else ("summary", {})
    return catalogue.text(key, path=report.path, sheet=report.sheet, form=form_name(report, catalogue),
                          errors=counts["errors"], warnings=counts["warnings"], infos=counts["infos"], **unit)


def plain_lines(report: FormReport, catalogue: Catalogue) -> list[str]:
    """The report as text lines: the summary, then one indented line per finding."""
    lines = [summary_line(report, catalogue)]
    if not report.findings:
        return [*lines, catalogue.text("clean")]
    for finding in report.findings:
        cells = (catalogue.severity(finding.severity), finding.code or "", finding.cell.a1 if finding.cell else "",
                 catalogue.message(finding))
        lines.append("  " + "\t".join(cells))
    return lines


def emit_table(report: FormReport, catalogue: Catalogue) -> None:
    """One report as a rich table (a single file at a terminal)."""
    from rich.markup import escape
    from rich.table import Table

    console = out()
    console.print(escape(summary_line(report, catalogue)), style="bold", highlight=False)
    if not report.findings:
        console.print(catalogue.text("clean"), style="green")
        return
    table = Table(show_lines=False, expand=False)
    for key in ("col_severity", "col_code", "col_cell", "col_message"):
        table.add_column(catalogue.text(key), overflow="fold")
    for finding in report.findings:
        table.add_row(
            f"[{SEVERITY_STYLE[finding.severity]}]{catalogue.severity(finding.severity)}[/]",
            escape(finding.code or ""),
            finding.cell.a1 if finding.cell else "",
            escape(catalogue.message(finding)),  # a clerk's "[/]" is text, not markup
        )
    console.print(table)
