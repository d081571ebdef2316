"""`egov-xl archive init|put|show|history|export|unit`: the archive of submitted forms.

`archive put` takes one file (its report as a table) or many (one process, one connection,
one answer line a file, for an office loading a folder)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, Format, Lang, LangOption, PeriodOption, UnitOption,
                     UrlOption, archive_call, catalogue_for, error, fail, note, open_archive, out,
                     period as parse_period)

app = typer.Typer(
    no_args_is_help=True,
    help="Kho lưu trữ số liệu đã nộp: SQLite trên máy (mặc định) hoặc PostgreSQL dùng chung (EGOV_ARCHIVE_URL).",
)


def _accepted(texts: list[str], catalogue):
    from ..archive.store import Accepted

    accepted = []
    for text in texts:
        head, sep, reason = text.partition("=")
        rule, colon, code = head.partition(":")
        if not sep or not colon or not rule.strip() or not reason.strip():
            raise fail(catalogue, "archive_accept_format", text=text)
        accepted.append(Accepted(rule.strip(), code.strip().rstrip(".") or None, reason.strip()))
    return accepted


@app.command("init")
def archive_init(
    url: UrlOption = None,
    app_role: Annotated[str | None, typer.Option("--app-role", help="PostgreSQL: vai trò của máy chủ (chỉ đọc và lưu mới).")] = None,
    app_password: Annotated[str | None, typer.Option("--app-password", help="Mật khẩu đặt cho vai trò đó.")] = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Tạo hoặc nâng cấp lược đồ kho lưu trữ (PostgreSQL: chạy bằng vai trò chủ sở hữu)."""
    from ..archive.roles import grant_app_role

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    revision = archive_call(catalogue, archive.init)
    out().print(catalogue.text("archive_initialised", url=archive.url, revision=revision), highlight=False)
    if app_role:
        archive_call(catalogue, grant_app_role, archive.engine, app_role, app_password)
        out().print(catalogue.text("archive_role_ready", role=app_role, url=archive.url), highlight=False)


@app.command("verify")
def archive_verify(url: UrlOption = None, lang: LangOption = Lang.vi) -> None:
    """Kiểm tra chuỗi mã băm của mọi lần nộp; báo mắt xích hỏng đầu tiên (mã thoát 1)."""
    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    verdict = archive_call(catalogue, archive.verify)
    if verdict.broken is not None:
        b = verdict.broken
        raise fail(catalogue, "archive_broken", EXIT_ERRORS, url=archive.url, unit=b.unit, period=b.period,
                   revision=b.revision, what=catalogue.text(b.what, **b.params))
    out().print(catalogue.text("archive_intact", url=archive.url, revisions=verdict.revisions, chains=verdict.chains,
                               fingerprint=verdict.fingerprint), highlight=False)


@app.command("put")
def archive_put(
    files: Annotated[list[Path], typer.Argument(help="Tệp biểu mẫu (một hoặc nhiều).")],
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
    from functools import partial

    from ..flows.archive import put_file
    from ..settings import Settings

    catalogue = catalogue_for(lang)
    when = parse_period(period, catalogue)
    accepted = _accepted(accept or [], catalogue)
    archive = open_archive(url, catalogue)
    put = partial(put_file, archive, unit=unit, period=when, archived_by=by or getpass.getuser(),
                  accepted=accepted, force_reason=force, sheet=sheet, limits=Settings.from_env().limits)
    if len(files) == 1:
        _put_one(files[0], put, unit, catalogue)
    codes = [_put_line(file, put, unit, catalogue) for file in files]
    raise typer.Exit(max(codes))


def _put_one(file: Path, put, unit: str, catalogue) -> None:
    """One file: its report as a table, then the answer."""
    from ..core.findings import Severity
    from .reports import emit_table

    result = archive_call(catalogue, put, file)
    emit_table(result.report, catalogue)
    for (rule, code), reason in result.offered.items():
        note(catalogue.text("archive_accepted_before", rule=rule, code=code, reason=reason))
    if result.stored is None:
        raise fail(catalogue, "archive_refused", EXIT_ERRORS, path=file, errors=result.report.count(Severity.ERROR))
    stored = result.stored
    out().print(catalogue.text("archive_stored", form=result.report.form_title, unit=unit, period=stored.period.label,
                               revision=stored.revision), style="bold green", highlight=False)
    raise typer.Exit(EXIT_OK)


def _put_line(file: Path, put, unit: str, catalogue) -> int:
    """One file of many: one answer line (stored on standard output, refused or unreadable on
    standard error); returns its exit code. A failing archive stops the batch."""
    from ..archive.db import ArchiveError
    from ..core.errors import UserError
    from ..core.findings import Severity

    try:
        result = put(file)
    except UserError as exc:
        if isinstance(exc, ArchiveError):  # the archive, not the file: stop the batch
            raise fail(catalogue, exc.key, **exc.params) from None
        error(exc.render(catalogue))
        return EXIT_UNREADABLE
    for (rule, code), reason in result.offered.items():
        note(f"{file}: " + catalogue.text("archive_accepted_before", rule=rule, code=code, reason=reason))
    if result.stored is None:
        error(catalogue.text("archive_refused", path=file, errors=result.report.count(Severity.ERROR)))
        return EXIT_ERRORS
    stored = result.stored
    print(f"{file}: " + catalogue.text("archive_stored", form=result.report.form_title, unit=unit,
                                       period=stored.period.label, revision=stored.revision), flush=True)
    return EXIT_OK


@app.command("show")
def archive_show(
    unit: UnitOption,
    period: PeriodOption,
    revision: Annotated[int | None, typer.Option("--revision", help="Lần nộp (mặc định: mới nhất).")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Xem số liệu một lần nộp (mặc định lần mới nhất)."""
    catalogue = catalogue_for(lang)
    when = parse_period(period, catalogue)
    archive = open_archive(url, catalogue)
    stored = archive_call(catalogue, archive.get, unit, when, revision)
    if stored is None:
        raise fail(catalogue, "archive_not_found", unit=unit, period=when.label)
    if format is Format.json:
        sys.stdout.write(json.dumps(_stored_dict(stored), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    from rich.table import Table

    meta = stored.meta
    out().print(f"[bold]{unit} – {stored.period.label} – {stored.edition_id}[/] · "
                f"{catalogue.text('col_revision')} {stored.revision} · {meta.archived_by} · "
                f"{meta.archived_at:%d/%m/%Y %H:%M} · {meta.source_name}", highlight=False)
    table = Table()
    for key in ("forms_id", "col_actual", "forms_unit"):
        table.add_column(catalogue.text(key))
    for value in stored.values.values():
        table.add_row(value.code, value.typed or "", value.unit or "")
    out().print(table)


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


@app.command("history")
def archive_history(unit: UnitOption, url: UrlOption = None, lang: LangOption = Lang.vi) -> None:
    """Liệt kê mọi lần nộp của một đơn vị."""
    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    rows = archive_call(catalogue, archive.history, unit)
    if not rows:
        raise fail(catalogue, "archive_no_history", code=EXIT_OK, unit=unit)
    from rich.table import Table

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
    out().print(table)


@app.command("export")
def archive_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="Tệp kết quả.")],
    format: Annotated[str | None, typer.Option("--format", help="csv, xlsx hoặc parquet; mặc định theo đuôi tệp kết quả, không thì csv.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Ghi đè tệp kết quả đã có.")] = False,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Xuất mọi số liệu đã lưu (mọi lần nộp, cột current đánh dấu lần mới nhất)."""
    from ..archive.db import sqlite_files
    from ..output.export import FORMATS, write_export
    from ..output.files import OutputExistsError, SameFileError

    catalogue = catalogue_for(lang)
    format = format or (output.suffix.lower().lstrip(".") if output.suffix.lower().lstrip(".") in FORMATS else "csv")
    if format not in FORMATS:
        raise fail(catalogue, "export_format", format=format, known=", ".join(FORMATS))
    archive = open_archive(url, catalogue)
    rows = archive_call(catalogue, archive.export_rows)
    try:
        count = write_export(rows, output, format, overwrite, inputs=sqlite_files(archive.url))
    except OutputExistsError:
        raise fail(catalogue, "output_exists", out=output) from None
    except SameFileError:
        raise fail(catalogue, "output_is_archive", out=output) from None
    except OSError as exc:
        raise fail(catalogue, "write_failed", out=output, reason=exc.strerror or exc) from None
    out().print(catalogue.text("archive_exported", rows=count, out=output), highlight=False)


@app.command("unit")
def archive_unit(
    code: str,
    name: Annotated[str, typer.Option("--name", help="Tên đơn vị.")],
    parent: Annotated[str | None, typer.Option("--parent", help="Mã đơn vị cấp trên.")] = None,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Đăng ký hoặc đổi tên một đơn vị báo cáo."""
    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    archive_call(catalogue, archive.set_unit, code, name, parent)


