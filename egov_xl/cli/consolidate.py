"""`egov-xl consolidate`: a receiving office's form from its units' current revisions."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def consolidate_command(
    unit: Annotated[str, typer.Option("--unit", help="Mã đơn vị tổng hợp (ví dụ TINH).")],
    period: Annotated[str, typer.Option("--period", help="Kỳ báo cáo, ví dụ \"Năm 2025\", \"Q1/2025\".")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Ghi biểu mẫu tổng hợp (.xlsx) vào tệp này.")] = None,
    format: Annotated[str, typer.Option("--format", help="text, json hoặc csv.")] = "text",
    form: Annotated[str | None, typer.Option("--form", help="Biểu mẫu tổng hợp; mặc định biểu mẫu đa số đơn vị dùng.")] = None,
    skip_errors: Annotated[bool, typer.Option("--skip-errors", help="Không cộng các bản nộp còn lỗi.")] = False,
    url: Annotated[str | None, typer.Option("--url", help="Địa chỉ kho lưu trữ.")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "vi",
) -> None:
    """Tổng hợp biểu mẫu của đơn vị từ bản nộp hiện hành của các đơn vị cấp dưới."""
    from .. import definitions
    from ..archive.store import Archive
    from ..core.errors import UserError
    from ..core.periods import parse_period
    from ..flows.consolidate import consolidate_unit
    from ..output import consolidation as out
    from ..output.files import SameFileError
    from ..settings import Settings

    catalogue = definitions.catalogue(lang)
    if format not in ("text", "json", "csv"):
        _fail(catalogue.text("export_bad_format", format=format) if "export_bad_format" in catalogue.texts
              else f"--format {format}?")
    try:
        when = parse_period(period)
        store = Archive(Settings.from_env(archive_url=url).archive_url)
        result = consolidate_unit(store, unit, when, form, skip_errors)
        if output is not None:
            _write(out.filled_book(result, catalogue), output, store.url)
            _recalculate(output)
    except UserError as exc:
        _fail(exc.render(catalogue))
    except SameFileError:
        _fail(catalogue.text("output_is_archive", out=output))
    except OSError as exc:
        _fail(catalogue.text("write_failed", out=output, reason=exc.strerror or exc))
    if format == "json":
        json.dump(out.as_dict(result), sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif format == "csv":
        _csv(out.as_dict(result))
    else:
        _text(result, catalogue)
    if output is not None:
        print(catalogue.text("consolidate_written", form=result.edition.short_title, unit=unit,
                             period=when.label, path=output), file=sys.stderr if format != "text" else sys.stdout)


def _fail(sentence: str) -> None:
    print(sentence, file=sys.stderr)
    raise typer.Exit(2)


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
    writer = csv.writer(sys.stdout)
    writer.writerow(["code", "method", "value", "unit", "revision", "contribution"])
    for total in data["totals"]:
        for part in total["contributions"]:
            writer.writerow([total["code"], total["method"], total["value"], _safe(part["unit"]),
                             part["revision"], part["value"]])


def _safe(text: str) -> str:
    """A spreadsheet reads a CSV field starting with = + - @ tab or CR as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
