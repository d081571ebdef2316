"""`egov-xl archive units import|list`: the province's reporting units in bulk, and the check
every command that names a unit makes (`archive put`, `token add|import`): a unit the archive
does not know is refused unless the admin asks for it (--create-unit)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..sources.formats import listed
from .common import Lang, LangOption, UrlOption, archive_call, catalogue_for, error, fail, open_archive, out

app = typer.Typer(no_args_is_help=True, help="Đơn vị báo cáo của tỉnh: nhập hàng loạt từ tệp Excel/CSV, liệt kê.")

CreateUnitOption = Annotated[bool, typer.Option(
    "--create-unit", help="Tạo đơn vị chưa có trong kho (mặc định: từ chối, để không sinh đơn vị lạ do gõ nhầm).")]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Chạy thử: kiểm tra và báo sẽ làm gì, không ghi gì.")]


def require_units(archive, codes: list[str], create: bool, catalogue) -> None:
    """Each code valid; unless `create`, each one a unit the archive holds (else one sentence, exit 2)."""
    from ..archive.store import unit_code
    from ..flows.units import known as known_units

    for code in codes:
        archive_call(catalogue, unit_code, code)
    if create:
        return
    known = archive_call(catalogue, known_units, archive, codes)
    for code in codes:
        if code not in known:
            raise fail(catalogue, "archive_unit_unknown", unit=code)


def report_rows(catalogue, path: Path, problems, rejected_key: str) -> None:
    """One sentence per bad row (file, row, what and which value), then why nothing was written."""
    for problem in problems:
        error(catalogue.text("import_row", path=path, row=problem.row, reason=problem.error.render(catalogue)))
    raise fail(catalogue, rejected_key, path=path, bad=len(problems))


@app.command("import")
def units_import(
    file: Annotated[Path, typer.Argument(help=f"Tệp {listed(lambda f: f.admin_table, '/')}: cột Mã đơn vị, Tên đơn vị, Cấp trên, Loại đơn vị.")],
    dry_run: DryRunOption = False,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Nhập (tạo hoặc cập nhật) các đơn vị báo cáo từ một bảng; nhập lại tệp cũ không đổi gì."""
    from ..flows.units import import_units

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    result = archive_call(catalogue, import_units, archive, file, dry_run)
    if result.problems:
        report_rows(catalogue, file, result.problems, "units_rejected")
    done = result.written
    out().print(catalogue.text("units_dry_run" if dry_run else "units_imported", path=file, total=result.rows,
                               created=len(done.created), changed=len(done.changed),
                               unchanged=len(done.unchanged)), highlight=False)


@app.command("list")
def units_list(url: UrlOption = None, lang: LangOption = Lang.vi) -> None:
    """Liệt kê các đơn vị trong kho: mã, tên, cấp trên, loại."""
    from rich.table import Table

    from ..flows.units import listed
    from ..core.unit_kinds import label_of

    catalogue = catalogue_for(lang)
    archive = open_archive(url, catalogue)
    found = archive_call(catalogue, listed, archive)
    if not found:
        out().print(catalogue.text("units_none", url=archive.url), highlight=False)
        return
    table = Table(title=catalogue.text("units_count", count=len(found)))
    for key in ("units_col_code", "units_col_name", "units_col_parent", "units_col_kind"):
        table.add_column(catalogue.text(key), overflow="fold")  # a code an admin types is never cut short
    for unit in found:
        table.add_row(unit.code, unit.name, unit.parent or "", label_of(unit.kind))
    out().print(table)


def check_output(path: Path, catalogue) -> None:
    if path.exists():
        raise fail(catalogue, "tokens_out_exists", out=path)
    if not path.parent.is_dir():
        error(catalogue.text("write_failed", out=path, reason="thư mục không tồn tại"))
        raise typer.Exit(2)
