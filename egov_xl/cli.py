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
archive_app = typer.Typer(
    no_args_is_help=True,
    help="Kho lưu trữ số liệu đã nộp: SQLite trên máy (mặc định) hoặc PostgreSQL dùng chung (EGOV_ARCHIVE_URL).",
)
app.add_typer(archive_app, name="archive")
templates_app = typer.Typer(no_args_is_help=True, help="Tệp mẫu biểu mẫu (.xlsx) sinh từ định nghĩa biểu mẫu.")
app.add_typer(templates_app, name="templates")

out = Console(soft_wrap=False)
err = Console(stderr=True)


def _error(text: object) -> None:
    """One line for the clerk on standard error, in red."""
    err.print(f"[bold red]{text}[/]", highlight=False)


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
            _error(message)
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
        _error(catalogue.text("annotate_same", out=target))
        return False
    except OSError as exc:
        _error(catalogue.text("file_unreadable", path=target, reason=exc.strerror or exc))
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
        raise _fail(catalogue, "unknown_form_id", form=form_id, known=known)
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
                _error(line)
        except OSError as exc:
            failed = True
            _error(catalogue.text("file_unreadable", path=path, reason=exc.strerror or exc))
        else:
            out.print(f"{path}: {edition.id} – {len(edition.rows)} OK", highlight=False)
    raise typer.Exit(EXIT_UNREADABLE if failed else EXIT_OK)


# archive ------------------------------------------------------------------------------------

UrlOption = Annotated[str | None, typer.Option("--url", envvar="EGOV_ARCHIVE_URL", show_envvar=True,
                                               help="Địa chỉ kho lưu trữ (mặc định: tệp SQLite trên máy).")]
UnitOption = Annotated[str, typer.Option("--unit", help="Mã đơn vị báo cáo.")]
PeriodOption = Annotated[str, typer.Option("--period", help="Kỳ báo cáo: Q1/2025, 6T/2025, Quý III năm 2025, Năm 2024…")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ thông báo: vi hoặc en.")]


def _fail(catalogue: Catalogue, key: str, code: int = EXIT_UNREADABLE, **params) -> typer.Exit:
    _error(catalogue.text(key, **params))
    return typer.Exit(code)


def _period(text: str, catalogue: Catalogue):
    from .archive.periods import PeriodError, parse_period

    try:
        return parse_period(text)
    except PeriodError:
        raise _fail(catalogue, "period_invalid", text=text) from None


def _open_archive(url: str | None, catalogue: Catalogue):
    from .archive.db import ArchiveError
    from .archive.store import Archive

    try:
        return Archive(url)
    except ArchiveError as exc:
        raise _fail(catalogue, exc.key, **exc.params) from None


def _archive_call(catalogue: Catalogue, func, *args, **kwargs):
    """Run an archive or file operation; its failures become one Vietnamese sentence."""
    from .archive.db import ArchiveError
    from .archive.service import ChoiceError

    try:
        return func(*args, **kwargs)
    except ArchiveError as exc:
        raise _fail(catalogue, exc.key, **exc.params) from None
    except ReadError as exc:
        raise _fail(catalogue, exc.key, **exc.params) from None
    except ChoiceError as exc:
        raise _fail(catalogue, "archive_many_forms", path=exc.path, count=len(exc.sheets),
                    sheets=", ".join(exc.sheets)) from None


def _accepted(texts: list[str], catalogue: Catalogue):
    from .archive.store import Accepted

    accepted = []
    for text in texts:
        head, sep, reason = text.partition("=")
        rule, colon, code = head.partition(":")
        if not sep or not colon or not rule.strip() or not reason.strip():
            raise _fail(catalogue, "archive_accept_format", text=text)
        accepted.append(Accepted(rule.strip(), code.strip().rstrip(".") or None, reason.strip()))
    return accepted


@archive_app.command("init")
def archive_init(url: UrlOption = None, lang: LangOption = Lang.vi) -> None:
    """Tạo hoặc nâng cấp lược đồ kho lưu trữ."""
    catalogue = definitions.catalogue(lang.value)
    archive = _open_archive(url, catalogue)
    revision = _archive_call(catalogue, archive.init)
    out.print(catalogue.text("archive_initialised", url=archive.url, revision=revision), highlight=False)


@archive_app.command("put")
def archive_put(
    file: Path,
    unit: UnitOption,
    period: PeriodOption,
    by: Annotated[str | None, typer.Option("--by", help="Người lưu (mặc định: tên đăng nhập).")] = None,
    accept: Annotated[list[str] | None, typer.Option("--accept", help="Chấp nhận cảnh báo: QUY_TAC:MA=Lý do.")] = None,
    force: Annotated[str | None, typer.Option("--force", help="Lý do buộc lưu dù còn lỗi.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Trang tính chứa biểu mẫu.")] = None,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Kiểm tra rồi lưu biểu mẫu vào kho (mỗi lần lưu là một lần nộp mới, không ghi đè)."""
    import getpass

    from .archive.service import put_file

    catalogue = definitions.catalogue(lang.value)
    when = _period(period, catalogue)
    accepted = _accepted(accept or [], catalogue)
    archive = _open_archive(url, catalogue)
    result = _archive_call(catalogue, put_file, archive, file, unit, when, by or getpass.getuser(),
                           accepted, force, sheet)
    _emit_text(result.report, catalogue)
    for (rule, code), reason in result.offered.items():
        err.print(catalogue.text("archive_accepted_before", rule=rule, code=code, reason=reason), highlight=False)
    if result.stored is None:
        raise _fail(catalogue, "archive_refused", EXIT_ERRORS, path=file, errors=result.report.count(Severity.ERROR))
    stored = result.stored
    out.print(catalogue.text("archive_stored", form=result.report.form_title, unit=unit, period=stored.period.label,
                             revision=stored.revision), style="bold green", highlight=False)


@archive_app.command("show")
def archive_show(
    unit: UnitOption,
    period: PeriodOption,
    revision: Annotated[int | None, typer.Option("--revision", help="Lần nộp (mặc định: mới nhất).")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Xem số liệu một lần nộp (mặc định lần mới nhất)."""
    catalogue = definitions.catalogue(lang.value)
    when = _period(period, catalogue)
    archive = _open_archive(url, catalogue)
    stored = _archive_call(catalogue, archive.get, unit, when, revision)
    if stored is None:
        raise _fail(catalogue, "archive_not_found", unit=unit, period=when.label)
    if format is Format.json:
        sys.stdout.write(json.dumps(_stored_dict(stored), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    meta = stored.meta
    out.print(f"[bold]{unit} – {stored.period.label} – {stored.edition_id}[/] · "
              f"{catalogue.text('col_revision')} {stored.revision} · {meta.archived_by} · "
              f"{meta.archived_at:%d/%m/%Y %H:%M} · {meta.source_name}", highlight=False)
    table = Table()
    for key in ("forms_id", "col_actual", "forms_unit"):
        table.add_column(catalogue.text(key))
    for value in stored.values.values():
        table.add_row(value.code, value.typed or "", value.unit or "")
    out.print(table)


def _stored_dict(stored) -> dict:
    meta = stored.meta
    return {
        "unit": stored.unit, "period": stored.period.key, "period_label": stored.period.label,
        "form": stored.edition_id, "revision": stored.revision, "archived_by": meta.archived_by,
        "archived_at": meta.archived_at.isoformat(), "source_name": meta.source_name,
        "content_hash": meta.content_hash, "rules_version": meta.rules_version,
        "summary": meta.summary, "forced_reason": meta.forced_reason,
        "values": [{"code": v.code, "number": None if v.number is None else str(v.number), "typed": v.typed,
                    "unit": v.unit} for v in stored.values.values()],
        "accepted": [{"rule": a.rule, "code": a.code, "reason": a.reason} for a in meta.accepted],
    }


@archive_app.command("history")
def archive_history(unit: UnitOption, url: UrlOption = None, lang: LangOption = Lang.vi) -> None:
    """Liệt kê mọi lần nộp của một đơn vị."""
    catalogue = definitions.catalogue(lang.value)
    archive = _open_archive(url, catalogue)
    rows = _archive_call(catalogue, archive.history, unit)
    if not rows:
        raise _fail(catalogue, "archive_no_history", code=EXIT_OK, unit=unit)
    table = Table()
    for key in ("col_period", "col_revision", "forms_id", "col_by", "col_at", "col_file", "col_summary"):
        table.add_column(catalogue.text(key))
    for stored in rows:
        meta = stored.meta
        summary_text = catalogue.text("summary", path="", sheet="", form="", errors=meta.summary.get("errors", 0),
                                      warnings=meta.summary.get("warnings", 0),
                                      infos=meta.summary.get("infos", 0)).split(": ", 1)[-1]
        table.add_row(stored.period.label, str(stored.revision), stored.edition_id, meta.archived_by,
                      f"{meta.archived_at:%d/%m/%Y %H:%M}", meta.source_name, summary_text)
    out.print(table)


@archive_app.command("export")
def archive_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp kết quả.")],
    format: Annotated[str, typer.Option("--format", help="csv hoặc parquet.")] = "csv",
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Xuất mọi số liệu đã lưu (mọi lần nộp, cột current đánh dấu lần mới nhất)."""
    import pandas as pd

    catalogue = definitions.catalogue(lang.value)
    archive = _open_archive(url, catalogue)
    frame = pd.DataFrame(_archive_call(catalogue, archive.export_rows))
    if not frame.empty:
        frame["number"] = pd.to_numeric(frame["number"])
    output.parent.mkdir(parents=True, exist_ok=True)
    if format == "parquet":
        frame.to_parquet(output, index=False)
    else:
        frame.to_csv(output, index=False, encoding="utf-8-sig")
    out.print(catalogue.text("archive_exported", rows=len(frame), out=output), highlight=False)


@archive_app.command("unit")
def archive_unit(
    code: str,
    name: Annotated[str, typer.Option("--name", help="Tên đơn vị.")],
    parent: Annotated[str | None, typer.Option("--parent", help="Mã đơn vị cấp trên.")] = None,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Đăng ký hoặc đổi tên một đơn vị báo cáo."""
    catalogue = definitions.catalogue(lang.value)
    archive = _open_archive(url, catalogue)
    _archive_call(catalogue, archive.set_unit, code, name, parent)


@app.command("compare")
def compare_command(
    file: Path,
    unit: UnitOption,
    period: PeriodOption,
    sheet: Annotated[str | None, typer.Option("--sheet")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """So sánh biểu mẫu với kỳ trước và cùng kỳ năm trước trong kho lưu trữ."""
    from .archive.service import compare_file
    from .output.compare import comparison_dict, emit_comparison

    catalogue = definitions.catalogue(lang.value)
    when = _period(period, catalogue)
    archive = _open_archive(url, catalogue)
    result = _archive_call(catalogue, compare_file, archive, file, unit, when, sheet)
    if format is Format.json:
        data = comparison_dict(result, unit, when, catalogue)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        emit_comparison(out, result, when, catalogue)
    errors = any(f.severity is Severity.ERROR for f in result.comparison.findings)
    raise typer.Exit(EXIT_ERRORS if errors else EXIT_OK)


# templates ----------------------------------------------------------------------------------

TEMPLATES_DIR = Path("workbook_templates")


@templates_app.command("build")
def templates_build(
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi tệp mẫu.")] = TEMPLATES_DIR,
    lang: LangOption = Lang.vi,
) -> None:
    """Sinh tệp mẫu cho mọi biểu mẫu đã định nghĩa."""
    from .template.build import write_templates

    catalogue = definitions.catalogue(lang.value)
    for path in write_templates(definitions.editions(), output):
        out.print(catalogue.text("template_written", path=path), highlight=False)


@templates_app.command("fill")
def templates_fill(
    source: Path,
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp mẫu đã điền.")],
    form: Annotated[str | None, typer.Option("--form", help="Mã biểu mẫu; mặc định tự nhận.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet")] = None,
    recalc: Annotated[bool, typer.Option("--recalc/--no-recalc",
                                         help="Tính lại công thức bằng LibreOffice (nếu có cài).")] = True,
    lang: LangOption = Lang.vi,
) -> None:
    """Chuyển số liệu của biểu mẫu trong một tệp bất kỳ sang tệp mẫu sạch."""
    from .archive.service import pick_form
    from .template.fill import fill_template, save_filled
    from .template.recalc import RecalcError, recalculate, soffice

    catalogue = definitions.catalogue(lang.value)
    if source.resolve() == output.resolve():
        raise _fail(catalogue, "annotate_same", out=output)
    checked = _archive_call(catalogue, pick_form, source, sheet, form)
    if not checked.form.recognised:
        raise _fail(catalogue, "template_unknown_form", path=source)
    result = fill_template(checked.form)
    save_filled(result, output)
    if recalc and soffice():
        try:
            recalculate(output, output)
        except (RecalcError, OSError) as exc:
            err.print(catalogue.text("template_recalc_failed", reason=exc), highlight=False)
    out.print(catalogue.text("template_filled", path=output, placed=result.placed,
                             form=checked.form.edition.short_title), highlight=False)
    for item in result.unplaced:
        out.print(catalogue.text(f"template_unplaced_{item.reason}", code=item.code, value=item.value,
                                 label=item.label, computed=item.computed or catalogue.word("blank")),
                  highlight=False)


# add-in server ------------------------------------------------------------------------------

ADDIN_DIR = Path(__file__).resolve().parents[1] / "addin"
SHUTDOWN_GRACE_S = 5  # on SIGTERM, calls in flight get this long; an archive write is all or nothing


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Địa chỉ lắng nghe.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    https: Annotated[bool, typer.Option("--https/--http", help="HTTPS (Excel chỉ nạp phần bổ trợ qua HTTPS).")] = True,
    cert: Annotated[Path | None, typer.Option("--cert", help="Chứng chỉ TLS (PEM); mặc định tự tạo cho localhost.")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Khoá riêng của chứng chỉ (PEM).")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Số tiến trình phục vụ.")] = 1,
    hostname: Annotated[str | None, typer.Option("--hostname", help="Tên máy chủ trong manifest (sau proxy).")] = None,
    url: UrlOption = None,
    project: Annotated[Path, typer.Option("--project", help="Thư mục dự án xlwings Server.")] = ADDIN_DIR,
    lang: LangOption = Lang.vi,
) -> None:
    """Chạy máy chủ phần bổ trợ Excel (xlwings Server) với kho lưu trữ SQLite hoặc PostgreSQL."""
    import os

    import uvicorn

    from .settings import Settings

    catalogue = definitions.catalogue(lang.value)
    settings = Settings.from_env(archive_url=url, lang=lang.value)
    archive = _open_archive(settings.archive_url, catalogue)
    _archive_call(catalogue, archive.init)
    xlwings = {
        "XLWINGS_PROJECT_DIR": str(project.resolve()), "XLWINGS_LICENSE_KEY": "noncommercial",
        "XLWINGS_ENVIRONMENT": "prod", "XLWINGS_ENABLE_SOCKETIO": "false", "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLWINGS_ENABLE_EXAMPLES": "false", "XLWINGS_FUNCTIONS_NAMESPACE": "EGOV",
        "XLWINGS_LOG_LEVEL": "WARNING",  # not a line per request: a full stderr pipe stalls every worker
    }
    if hostname:
        xlwings["XLWINGS_HOSTNAME"] = hostname
    # uvicorn starts each worker afresh: the one place settings travel to them is the environment
    worker_env = {**{k: v for k, v in xlwings.items() if k not in os.environ or k == "XLWINGS_HOSTNAME"},
                  **settings.to_env()}
    os.environ.update(worker_env)
    ssl = {}
    scheme = "http"
    if https:
        if cert is None or key is None:
            cert, key = _dev_certificate(project / "certs")
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        scheme = "https"
    shown_host = hostname or ("localhost" if host in ("127.0.0.1", "0.0.0.0") else host)
    out.print(catalogue.text("serve_ready", manifest=f"{scheme}://{shown_host}:{port}/manifest.xml",
                             archive=archive.url, licence=os.environ["XLWINGS_LICENSE_KEY"]), highlight=False)
    uvicorn.run("egov_xl.server.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", timeout_graceful_shutdown=SHUTDOWN_GRACE_S, **ssl)


def _dev_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost (development and single-PC use only)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    cert_path, key_path = folder / "localhost.pem", folder / "localhost-key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    folder.mkdir(parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(private, hashes.SHA256())
    )
    key_path.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def main() -> None:
    """Entry point: never shows a traceback to a clerk."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a clerk's terminal
        _error(f"Lỗi không mong đợi / Unexpected error: {type(exc).__name__}: {exc}")
        raise SystemExit(EXIT_UNREADABLE) from None
