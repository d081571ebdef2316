"""`egov-xl token add|revoke|list`: clerks' access tokens (the tokens file keeps SHA-256
hashes only; a new token is printed once)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..sources.formats import listed
from .common import Lang, LangOption, UrlOption, archive_call, catalogue_for, err, fail, open_archive, out
from .units import CreateUnitOption, DryRunOption, check_output, report_rows, require_units

app = typer.Typer(no_args_is_help=True, help="Mã truy cập của cán bộ (tệp EGOV_TOKENS_FILE, chỉ lưu mã băm SHA-256).")


def _tokens_file() -> Path:
    from ..settings import Settings

    return Settings.from_env().tokens_file


def token_call(catalogue, func, *args, **kwargs):
    """Run a tokens-file operation; a clear-text or malformed file becomes one sentence."""
    from ..server.tokens import TokensFileError

    try:
        return func(*args, **kwargs)
    except TokensFileError as exc:
        raise fail(catalogue, exc.key, **exc.params) from None


@app.command("add")
def token_add(
    name: Annotated[str, typer.Option("--name", help="Họ tên cán bộ.")],
    unit: Annotated[list[str], typer.Option("--unit", help="Mã đơn vị được báo cáo (lặp lại cho nhiều đơn vị).")],
    consolidates: Annotated[bool, typer.Option("--consolidates", help="Đơn vị tổng hợp: đọc cả các đơn vị cấp dưới.")] = False,
    create_unit: CreateUnitOption = False,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Cấp một mã truy cập mới (hiện một lần; tệp chỉ lưu mã băm)."""
    from ..server.tokens import issue

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    require_units(archive, unit, create_unit, catalogue)
    if create_unit:
        _create_units(archive, unit, catalogue)
    token, entry = token_call(catalogue, issue, _tokens_file(), name, unit, consolidates)
    err().print(catalogue.text("token_issued", id=entry.id, name=name, units=", ".join(sorted(entry.grant.units))),
                highlight=False, soft_wrap=True)
    sys.stdout.write(token + "\n")


@app.command("revoke")
def token_revoke(
    which: Annotated[str, typer.Argument(help="Mã số (xem 'egov-xl token list') hoặc họ tên.")],
    lang: LangOption = Lang.vi,
) -> None:
    """Thu hồi mã truy cập theo mã số hoặc họ tên."""
    from ..server.tokens import revoke

    from ..server.tokens import AmbiguousName

    catalogue = catalogue_for(lang)
    path = _tokens_file()
    try:
        gone = token_call(catalogue, revoke, path, which)
    except AmbiguousName as exc:
        ids = ", ".join(entry.id for entry in exc.entries)
        raise fail(catalogue, "token_ambiguous", name=exc.name, count=len(exc.entries), ids=ids) from None
    if not gone:
        raise fail(catalogue, "token_not_found", which=which, path=path)
    for entry in gone:
        out().print(catalogue.text("token_revoked", id=entry.id, name=entry.grant.name), highlight=False)


@app.command("list")
def token_list(lang: LangOption = Lang.vi) -> None:
    """Liệt kê mã truy cập đã cấp (không hiện mã)."""
    from rich.table import Table

    from ..archive.calendar import load_calendar
    from ..core.clock import local_text
    from ..server.tokens import entries
    from ..settings import Settings

    catalogue = catalogue_for(lang)
    settings = Settings.from_env()
    path = settings.tokens_file
    found = token_call(catalogue, entries, path)
    if not found:
        out().print(catalogue.text("token_none", path=path), highlight=False)
        return
    zone = load_calendar(settings.calendar_file).zone  # the office's clock, as on the console
    table = Table()
    for key in ("token_col_id", "token_col_name", "token_col_units", "token_col_consolidates", "token_col_created"):
        table.add_column(catalogue.text(key), overflow="fold")  # ids and unit codes are never cut short
    for entry in found:
        table.add_row(entry.id, entry.grant.name, ", ".join(sorted(entry.grant.units)),
                      "✓" if entry.grant.consolidates else "", local_text(entry.created, zone))
    out().print(table)


def _create_units(archive, codes: list[str], catalogue) -> None:
    from ..flows.units import create_missing

    missing = archive_call(catalogue, create_missing, archive, codes)
    if missing:
        err().print(catalogue.text("units_created", units=", ".join(missing)), highlight=False)


@app.command("import")
def token_import(
    file: Annotated[Path, typer.Argument(help=f"Tệp {listed(lambda f: f.admin_table, '/')}: cột Họ tên, Đơn vị (một hoặc nhiều mã), Tổng hợp (tuỳ chọn).")],
    output: Annotated[Path | None, typer.Option("--out", help="Tệp CSV mới nhận các mã (tạo với quyền 0600; từ chối nếu đã có).")] = None,
    dry_run: DryRunOption = False,
    create_unit: CreateUnitOption = False,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Cấp mã cho mỗi cán bộ trong bảng chưa có mã; các mã mới ghi một lần vào tệp --out."""
    from ..flows.units import import_clerks

    catalogue = catalogue_for(lang)
    if output is None and not dry_run:
        raise fail(catalogue, "tokens_out_needed")
    if output is not None and not dry_run:
        check_output(output, catalogue)
    archive = open_archive(url, catalogue)
    result = token_call(catalogue, archive_call, catalogue, import_clerks, archive, _tokens_file(), file, output,
                        dry_run, create_unit)
    if result.problems:
        report_rows(catalogue, file, result.problems, "tokens_rejected")
    if result.created_units:
        err().print(catalogue.text("units_created", units=", ".join(result.created_units)), highlight=False)
    if dry_run:
        out().print(catalogue.text("tokens_dry_run", path=file, issued=result.to_issue, kept=len(result.kept)),
                    highlight=False)
    elif not result.issued:
        out().print(catalogue.text("tokens_import_nothing", path=file, kept=len(result.kept), out=output),
                    highlight=False)
    else:
        out().print(catalogue.text("tokens_imported", issued=len(result.issued), kept=len(result.kept), out=output),
                    highlight=False)
