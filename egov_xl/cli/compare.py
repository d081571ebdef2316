"""`egov-xl compare FILE`: a form against the previous period and the same period last year."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import (EXIT_ERRORS, EXIT_OK, Format, LangOption, Lang, PeriodOption, UnitOption, UrlOption,
                     archive_call, catalogue_for, open_archive, out, period as parse_period)


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
    from ..flows.compare import compare_file
    from ..settings import Settings
    from ..core.findings import Summary
    from ..output.compare import comparison_dict, emit_comparison

    catalogue = catalogue_for(lang)
    when = parse_period(period, catalogue)
    archive = open_archive(url, catalogue)
    result = archive_call(catalogue, compare_file, archive, file, unit, when, sheet, Settings.from_env().limits)
    if format is Format.json:
        data = comparison_dict(result, unit, when, catalogue)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        emit_comparison(out(), result, when, catalogue)
    errors = Summary.of(result.comparison.findings).errors
    raise typer.Exit(EXIT_ERRORS if errors else EXIT_OK)
