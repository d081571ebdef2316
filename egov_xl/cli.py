"""The command line: `egov-xl validate FILE…` for batch work, `egov-xl forms` for definitions.

Exit codes of `validate`: 0 no errors, 1 errors found, 2 an input could not be read.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import definitions
from .core.findings import FormReport, Severity
from .core.messages import Catalogue
from .definitions import FormFileError
from .output.annotate import SameFileError, annotate
from .output.rows import FIELDS, failure_dict, finding_row, form_name, report_dict, summary
from .validate import validate_file
from .workbook import ReadError

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="egov-xl: kiểm tra Biểu mẫu 7 / Phụ lục VII (Chính quyền điện tử, Chính quyền số) trong tệp Excel.",
)
forms_app = typer.Typer(no_args_is_help=True, help="Các biểu mẫu đã định nghĩa (form definitions).")
app.add_typer(forms_app, name="forms")

out = Console(soft_wrap=False)
err = Console(stderr=True)


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class Lang(StrEnum):
    vi = "vi"
    en = "en"


SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Tệp .xlsx, .xlsm hoặc .csv cần kiểm tra.")],
    form: Annotated[str | None, typer.Option("--form", help="Mã biểu mẫu (xem 'egov-xl forms list'); mặc định tự nhận.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Định dạng kết quả: text, json, csv.")] = Format.text,
    annotate_to: Annotated[Path | None, typer.Option("--annotate", help="Ghi bản sao có đánh dấu vào tệp này (nhiều tệp: một thư mục).")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ thông báo: vi (mặc định) hoặc en.")] = Lang.vi,
) -> None:
    """Kiểm tra biểu mẫu: tỷ lệ, quan hệ chỉ tiêu, đơn vị tính, giá trị mã hoá, ô bắt buộc."""
    catalogue = definitions.catalogue(lang.value)
    results: list[dict] = []
    reports: list[FormReport] = []
    unreadable = False
    for path in files:
        try:
            file_reports = validate_file(path, form)
        except ReadError as exc:
            unreadable = True
            message = catalogue.text(exc.key, **exc.params)
            err.print(f"[bold red]{message}[/]", highlight=False)
            results.append(failure_dict(str(path), message))
            continue
        reports.extend(file_reports)
        results.extend(report_dict(r, catalogue) for r in file_reports)
        if annotate_to is not None:
            if not _annotate(path, annotate_to, len(files) > 1, file_reports, catalogue):
                unreadable = True
    _emit(format, results, reports, catalogue)
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_ERRORS if any(r.has_errors for r in reports) else EXIT_OK)


def _annotate(path: Path, target: Path, many: bool, reports: list[FormReport], catalogue: Catalogue) -> bool:
    if many or target.is_dir():
        target = target / f"{path.stem}.kiem-tra{path.suffix}"
    try:
        annotate(path, target, reports, catalogue)
    except SameFileError:
        err.print(f"[bold red]{catalogue.text('annotate_same', out=target)}[/]", highlight=False)
        return False
    except OSError as exc:
        err.print(f"[bold red]{catalogue.text('file_unreadable', path=target, reason=exc.strerror or exc)}[/]",
                  highlight=False)
        return False
    err.print(catalogue.text("annotate_written", out=target), highlight=False)
    return True


def _emit(format: Format, results: list[dict], reports: list[FormReport], catalogue: Catalogue) -> None:
    if format is Format.json:
        sys.stdout.write(json.dumps({"files": results}, ensure_ascii=False, indent=2) + "\n")
    elif format is Format.csv:
        _emit_csv(reports, catalogue)
    else:
        for report in reports:
            _emit_text(report, catalogue)


def _emit_csv(reports: list[FormReport], catalogue: Catalogue) -> None:
    writer = csv.writer(sys.stdout)
    writer.writerow(("path", "sheet", "form", *FIELDS))
    for report in reports:
        for finding in report.findings:
            row = finding_row(finding, catalogue)
            writer.writerow((report.path, report.sheet, report.form, *(row[f] for f in FIELDS)))


def _emit_text(report: FormReport, catalogue: Catalogue) -> None:
    counts = summary(report)
    out.print(
        catalogue.text("summary", path=report.path, sheet=report.sheet, form=form_name(report, catalogue),
                       errors=counts["errors"], warnings=counts["warnings"], infos=counts["infos"]),
        style="bold", highlight=False,
    )
    if not report.findings:
        out.print(catalogue.text("clean"), style="green")
        return
    table = Table(show_lines=False, expand=False)
    for key in ("col_severity", "col_code", "col_cell", "col_message"):
        table.add_column(catalogue.text(key), overflow="fold")
    for finding in report.findings:
        table.add_row(
            f"[{SEVERITY_STYLE[finding.severity]}]{catalogue.severity(finding.severity)}[/]",
            finding.code or "",
            finding.cell.a1 if finding.cell else "",
            catalogue.message(finding),
        )
    out.print(table)


@forms_app.command("list")
def forms_list(lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Liệt kê các biểu mẫu đã định nghĩa."""
    catalogue = definitions.catalogue(lang.value)
    table = Table()
    for key in ("forms_id", "forms_title", "forms_rows", "forms_periods"):
        table.add_column(catalogue.text(key))
    for edition in definitions.editions():
        table.add_row(edition.id, edition.title, str(len(edition.rows)), ", ".join(edition.periods))
    out.print(table)


@forms_app.command("show")
def forms_show(form_id: str, lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Hiển thị các dòng của một biểu mẫu."""
    catalogue = definitions.catalogue(lang.value)
    edition = definitions.edition(form_id)
    if edition is None:
        known = ", ".join(e.id for e in definitions.editions())
        err.print(f"[bold red]{catalogue.text('unknown_form_id', form=form_id, known=known)}[/]", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE)
    out.print(f"[bold]{edition.title}[/] ({edition.id}) – {edition.source}", highlight=False)
    table = Table()
    for key in ("forms_id", "forms_label", "forms_kind", "forms_unit", "forms_nature", "forms_parts"):
        table.add_column(catalogue.text(key), overflow="fold")
    for row in edition.rows:
        parts = f"{row.numerator} / {row.denominator}" if row.numerator else ""
        table.add_row(row.code, row.label, row.kind.value, row.unit or "", row.nature or "", parts)
    out.print(table)


@forms_app.command("check")
def forms_check(files: list[Path], lang: Annotated[Lang, typer.Option("--lang")] = Lang.vi) -> None:
    """Kiểm tra tệp định nghĩa biểu mẫu (.yaml) theo lược đồ."""
    catalogue = definitions.catalogue(lang.value)
    failed = False
    for path in files:
        try:
            edition = definitions.load_edition_file(path)
        except FormFileError as exc:
            failed = True
            for line in exc.render(catalogue):
                err.print(f"[bold red]{line}[/]", highlight=False)
        except OSError as exc:
            failed = True
            err.print(catalogue.text("file_unreadable", path=path, reason=exc.strerror or exc), highlight=False)
        else:
            out.print(f"{path}: {edition.id} – {len(edition.rows)} OK", highlight=False)
    raise typer.Exit(EXIT_UNREADABLE if failed else EXIT_OK)


def main() -> None:
    """Entry point: never shows a traceback to a clerk."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a clerk's terminal
        err.print(f"[bold red]Lỗi không mong đợi / Unexpected error: {type(exc).__name__}: {exc}[/]",
                  highlight=False)
        raise SystemExit(EXIT_UNREADABLE) from None
