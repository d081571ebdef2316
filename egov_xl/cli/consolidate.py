"""`egov-xl consolidate`: a receiving office's form from its units' current revisions."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (Format, Lang, LangOption, PeriodOption, UrlOption, archive_call, catalogue_for, fail,
                     open_archive, period as parse_period)


def consolidate_command(
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị tổng hợp (ví dụ TINH).")],
    period: PeriodOption,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi biểu mẫu tổng hợp (.xlsx) vào tệp này.")] = None,
    format: Annotated[Format, typer.Option("--format", help="Định dạng kết quả: text, json, csv.")] = Format.text,
    form: Annotated[str | None, typer.Option("--form", help="Biểu mẫu tổng hợp; mặc định biểu mẫu đa số đơn vị dùng.")] = None,
    skip_errors: Annotated[bool, typer.Option("--skip-errors", help="Không cộng các bản nộp còn lỗi.")] = False,
    url: UrlOption = None,
    lang: LangOption = Lang.vi,
) -> None:
    """Tổng hợp biểu mẫu của đơn vị từ bản nộp hiện hành của các đơn vị cấp dưới."""
    from ..archive.calendar import load_calendar
    from ..flows.consolidate import consolidate_unit
    from ..output import consolidation as out
    from ..settings import Settings
    from ..output.files import SameFileError

    catalogue = catalogue_for(lang)
    when = parse_period(period, catalogue)
    store = open_archive(url, catalogue)
    calendar = load_calendar(Settings.from_env().calendar_file)  # its kinds of unit: the outliers' peers
    result = archive_call(catalogue, consolidate_unit, store, unit, when, form, skip_errors, calendar=calendar)
    if output is not None:
        try:
            _write(out.filled_book(result, catalogue), output, store.url)
        except SameFileError:
            raise fail(catalogue, "output_is_archive", out=output) from None
        except OSError as exc:
            raise fail(catalogue, "write_failed", out=output, reason=exc.strerror or exc) from None
        _recalculate(output)
    if format is Format.json:
        json.dump(out.as_dict(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif format is Format.csv:
        _csv(out.as_dict(result))
    else:
        _text(result, catalogue)
    if output is not None:
        print(catalogue.text("consolidate_written", form=result.edition.short_title, unit=unit,
                             period=when.label, path=output), file=sys.stderr if format is not Format.text else sys.stdout)


def _write(book, target: Path, archive_url: str) -> None:
    """Through output/files.py: never over the archive's own files, never half a file."""
    from ..archive.db import sqlite_files
    from ..output.files import write_file

    write_file(target, book.save, inputs=sqlite_files(archive_url))


def _recalculate(path: Path) -> None:
    """Where LibreOffice is installed, the template's ratio formulas get computed values."""
    from ..template.recalc import RecalcError, recalculate, soffice

    if soffice():
        try:
            recalculate(path, path)
        except (RecalcError, OSError):
            pass  # Excel computes them on opening; the engine says `value.uncomputed` meanwhile


def _csv(data: dict) -> None:
    from ..output.safe_text import as_typed_text

    writer = csv.writer(sys.stdout)
    writer.writerow(["code", "method", "value", "unit", "revision", "contribution"])
    for total in data["totals"]:
        for part in total["contributions"]:
            writer.writerow([total["code"], total["method"], total["value"], as_typed_text(part["unit"]),
                             part["revision"], part["value"]])


def _text(result, catalogue) -> None:
    from decimal import Decimal

    from ..core.tolerance import display
    from ..flows.consolidate import shown_value
    from ..output.consolidation import gap_lines, note

    for line in gap_lines(result, catalogue):
        print(line)
    for row in result.edition.rows:
        total = result.consolidation.totals[row.code]
        value = shown_value(total, row)
        if value is not None:
            print("\t".join((row.code, display(Decimal(value)), note(total, catalogue, row))).rstrip())
