"""`egov-xl validate FILE…`: exit 0 no errors, 1 errors found, 2 an input could not be read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..sources.formats import listed
from .common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, Format, Lang, catalogue_for, error, note, write_output


def validate(
    files: Annotated[list[Path], typer.Argument(help=f"Tệp {listed(last=' hoặc ')} cần kiểm tra.")],
    form: Annotated[str | None, typer.Option("--form", help="Mã biểu mẫu (xem 'egov-xl forms list'); mặc định tự nhận.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Định dạng kết quả: text, json, csv.")] = Format.text,
    annotate_to: Annotated[Path | None, typer.Option("--annotate", help="Ghi bản sao có đánh dấu vào tệp này (nhiều tệp: một thư mục).")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ thông báo: vi (mặc định) hoặc en.")] = Lang.vi,
    stamp_to: Annotated[Path | None, typer.Option("--stamp", help=f"Ghi bản sao có dấu kiểm tra ({listed(lambda f: f.stamp, '/')}) vào tệp này (nhiều tệp: một thư mục).")] = None,
) -> None:
    """Kiểm tra biểu mẫu: tỷ lệ, quan hệ chỉ tiêu, đơn vị tính, giá trị mã hoá, ô bắt buộc."""
    from ..output.rows import failure_dict, report_dict
    from ..settings import Settings
    from ..flows.check import validate_each
    from .reports import emit

    catalogue = catalogue_for(lang)
    limits = Settings.from_env().limits
    results: list[dict] = []
    reports = []
    unreadable = False
    for path, file_reports, failure in validate_each(files, form, limits):
        if failure is not None:
            unreadable = True
            message = failure.render(catalogue)
            error(message)
            if format is Format.json:
                results.append(failure_dict(str(path), message))
            continue
        reports.extend(file_reports)
        if format is Format.json:  # the dictionaries only JSON prints
            results.extend(report_dict(r, catalogue) for r in file_reports)
        if annotate_to is not None:
            if not _annotate(path, annotate_to, files, file_reports, catalogue, limits):
                unreadable = True
        if stamp_to is not None:
            from .stamp import write_stamp

            if not write_stamp(path, stamp_to, files, catalogue, limits):
                unreadable = True
    emit(format, results, reports, catalogue)
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_ERRORS if any(r.has_errors for r in reports) else EXIT_OK)


def _annotate(path: Path, target: Path, files: list[Path], reports, catalogue, limits) -> bool:
    """The annotated copy of `path`, never over any of the command's `files` (a folder may
    hold another input named like a copy)."""
    from ..output.annotate import annotate, annotated_path  # openpyxl: only when asked

    target = annotated_path(path, target, len(files) > 1 or target.is_dir())
    write = lambda: annotate(path, target, reports, catalogue, limits) or target  # noqa: E731
    if write_output(catalogue, target, write, files) is None:
        return False
    note(catalogue.text("annotate_written", out=target))
    return True
