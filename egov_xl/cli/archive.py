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
from .units import CreateUnitOption, require_units
from .units import app as units_app

app = typer.Typer(
    no_args_is_help=True,
    help="Kho lưu trữ số liệu đã nộp: SQLite trên máy (mặc định) hoặc PostgreSQL dùng chung (EGOV_ARCHIVE_URL).",
)
app.add_typer(units_app, name="units")


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
    app_role: Annotated[str | None, typer.Option("--app-role", help="PostgreSQL: vai trò của máy chủ (chỉ đọc và lưu mới); chủ sở hữu cần quyền CREATEROLE để tạo nó. Mật khẩu: biến EGOV_APP_PASSWORD hoặc nhập khi được hỏi.")] = None,
    app_password: Annotated[str | None, typer.Option("--app-password", hidden=True)] = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Tạo hoặc nâng cấp lược đồ kho lưu trữ (PostgreSQL: chạy bằng vai trò chủ sở hữu)."""
    from ..archive.roles import grant_app_role

    catalogue = catalogue_for(lang)
    if app_password is not None:
        raise fail(catalogue, "archive_app_password_option")
    archive = open_archive(url, catalogue)
    revision = archive_call(catalogue, archive.init)
    out().print(catalogue.text("archive_initialised", url=archive.url, revision=revision), highlight=False)
    if app_role:
        password = _app_password(catalogue, app_role) if archive.dialect == "postgresql" else None
        archive_call(catalogue, grant_app_role, archive, app_role, password)
        out().print(catalogue.text("archive_role_ready", role=app_role, url=archive.url), highlight=False)


def _app_password(catalogue, role: str) -> str | None:
    """The app role's password: EGOV_APP_PASSWORD (through the settings), else asked once in a
    terminal (empty: keep the role's password); None when neither (the role keeps its own)."""
    from ..settings import Settings

    password = Settings.from_env().app_password
    if password is None and sys.stdin.isatty():
        password = typer.prompt(catalogue.text("archive_app_password_prompt", role=role), default="",
                                hide_input=True, confirmation_prompt=True, show_default=False) or None
    return password


@app.command("verify")
def archive_verify(
    url: UrlOption = None,
    against: Annotated[str | None, typer.Option("--against", help="Đối chiếu bản sao (--url) với kho đang chạy ở địa chỉ này.")] = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Kiểm tra chuỗi mã băm của mọi lần nộp; báo mắt xích hỏng đầu tiên (mã thoát 1).
    Với --against: bản sao có đủ mọi lần nộp của kho đang chạy không."""
    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue, read_only=True)  # a backup is never changed by checking it
    verdict = archive_call(catalogue, archive.verify)
    if verdict.broken is not None:
        b = verdict.broken
        raise fail(catalogue, "archive_broken", EXIT_ERRORS, url=archive.url, unit=b.unit, period=b.period,
                   revision=b.revision, what=catalogue.text(b.what, **b.params))
    out().print(catalogue.text("archive_intact", url=archive.url, revisions=verdict.revisions, chains=verdict.chains,
                               fingerprint=verdict.fingerprint), highlight=False)
    taken = _check_backup_record(catalogue, archive, verdict)
    if against is not None:
        _compare_with_live(catalogue, archive, against, taken)


def _when(moment) -> str:
    return f"{moment.astimezone():%d/%m/%Y %H:%M:%S}"


def _check_backup_record(catalogue, archive, verdict):
    """A copy made by `archive backup` still holds what it recorded of itself; its time, or None
    for any other archive."""
    from ..archive.backup import record

    found = archive_call(catalogue, record, archive)
    if found is None:
        return None
    grown = verdict.revisions > found.revisions  # restored and used as the live archive since
    if not grown and (verdict.revisions, verdict.fingerprint) != (found.revisions, found.fingerprint):
        raise fail(catalogue, "archive_copy_altered", EXIT_ERRORS, url=archive.url, taken=_when(found.taken_at),
                   revisions=found.revisions, recorded=found.fingerprint, found=verdict.fingerprint)
    if not grown:
        out().print(catalogue.text("archive_copy_recorded", taken=_when(found.taken_at), revisions=found.revisions),
                    highlight=False)
    return found.taken_at


def _compare_with_live(catalogue, copy, live_url: str, taken) -> None:
    from ..archive.backup import compare

    live = open_archive(live_url, catalogue, read_only=True)
    found = archive_call(catalogue, compare, copy, live)
    if found.diverged is not None:
        unit, key, revision = found.diverged
        raise fail(catalogue, "archive_copy_diverged", EXIT_ERRORS, url=copy.url, live=live.url, unit=unit,
                   period=_period_label(key), revision=revision)
    if not found.missing:
        fingerprint = archive_call(catalogue, live.verify).fingerprint
        out().print(catalogue.text("archive_copy_matches", url=copy.url, live=live.url, fingerprint=fingerprint),
                    highlight=False)
    elif taken is None:  # not made by archive backup: nothing says it was complete when made
        raise fail(catalogue, "archive_copy_behind", EXIT_ERRORS, url=copy.url, live=live.url,
                   missing=found.missing, newest=_when(found.newest_missing))
    else:
        out().print(catalogue.text("archive_copy_newer", url=copy.url, live=live.url, taken=_when(taken),
                                   missing=found.missing), highlight=False)


def _period_label(key: str) -> str:
    from ..core.periods import PeriodError, parse_period

    try:
        return parse_period(key).label
    except PeriodError:
        return key


@app.command("backup")
def archive_backup(
    target: Annotated[Path, typer.Argument(help="Tệp bản sao lưu mới (không ghi đè tệp đã có).")],
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Sao lưu kho đang chạy: SQLite bằng API sao lưu trực tuyến (một tệp tự đủ, kèm dấu vân
    tay); PostgreSQL bằng pg_dump --format=custom (khôi phục: docs/admin/backup.md)."""
    from ..archive.backup import pg_backup, sqlite_backup

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    archive_call(catalogue, archive.count_submissions)  # an archive at the newest schema, or a sentence
    if archive.dialect == "postgresql":
        command = archive_call(catalogue, pg_backup, archive.url, target)
        out().print(catalogue.text("archive_backup_pg_done", url=archive.url, path=target,
                                   command=" ".join(command)), highlight=False)
        return
    verdict = archive_call(catalogue, sqlite_backup, archive, target)
    out().print(catalogue.text("archive_backup_done", url=archive.url, path=target, revisions=verdict.revisions,
                               chains=verdict.chains, fingerprint=verdict.fingerprint), highlight=False)


@app.command("put")
def archive_put(
    files: Annotated[list[Path], typer.Argument(help="Tệp biểu mẫu (một hoặc nhiều).")],
    unit: UnitOption,
    period: PeriodOption,
    by: Annotated[str | None, typer.Option("--by", help="Người lưu (mặc định: tên đăng nhập).")] = None,
    accept: Annotated[list[str] | None, typer.Option("--accept", help="Chấp nhận cảnh báo: QUY_TAC:MA=Lý do.")] = None,
    force: Annotated[str | None, typer.Option("--force", help="Lý do buộc lưu dù còn lỗi.")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Trang tính chứa biểu mẫu.")] = None,
    create_unit: CreateUnitOption = False,
    confirm: Annotated[bool, typer.Option("--confirm", help="Vẫn lưu dù tiêu đề tệp ghi đơn vị hoặc kỳ khác (ghi lại trong kho).")] = False,
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
    require_units(archive, [unit], create_unit, catalogue)
    put = partial(put_file, archive, unit=unit, period=when, archived_by=by or getpass.getuser(),
                  accepted=accepted, force_reason=force, sheet=sheet, create_unit=create_unit,
                  limits=Settings.from_env().limits, confirm_mismatch=confirm)
    if len(files) == 1:
        _put_one(files[0], put, unit, catalogue)
    codes = [_put_line(file, put, unit, catalogue) for file in files]
    raise typer.Exit(max(codes))


def _put_one(file: Path, put, unit: str, catalogue) -> None:
    """One file: its report as a table, then the answer."""
    from ..core.findings import Severity
    from .reports import emit_table

    result = archive_call(catalogue, _put_titled, put, file, catalogue)
    emit_table(result.report, catalogue)
    for (rule, code), reason in result.offered.items():
        note(catalogue.text("archive_accepted_before", rule=rule, code=code, reason=reason))
    if result.stored is None:
        raise fail(catalogue, "archive_refused", EXIT_ERRORS, path=file, errors=result.report.count(Severity.ERROR))
    stored = result.stored
    out().print(catalogue.text("archive_stored", form=result.report.form_title, unit=unit, period=stored.period.label,
                               revision=stored.revision), style="bold green", highlight=False)
    if result.unchanged is not None:  # stored, but the very content the office returned
        note(catalogue.text("archive_unchanged", revision=result.unchanged))
    raise typer.Exit(EXIT_OK)


def _put_titled(put, file: Path, catalogue):
    """`put(file)`; a title naming another unit or period is a refusal (exit 1), as errors are."""
    from ..flows.archive import TitleMismatch

    try:
        return put(file)
    except TitleMismatch as exc:
        raise fail(catalogue, exc.key, EXIT_ERRORS, **exc.params) from None


def _put_line(file: Path, put, unit: str, catalogue) -> int:
    """One file of many: one answer line (stored on standard output, refused or unreadable on
    standard error); returns its exit code. A failing archive stops the batch."""
    from ..archive.db import ArchiveError
    from ..core.errors import UserError
    from ..core.findings import Severity
    from ..flows.archive import TitleMismatch

    try:
        result = put(file)
    except TitleMismatch as exc:  # refused, as a form with errors is
        error(exc.render(catalogue))
        return EXIT_ERRORS
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
    if result.unchanged is not None:
        note(f"{file}: " + catalogue.text("archive_unchanged", revision=result.unchanged))
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


