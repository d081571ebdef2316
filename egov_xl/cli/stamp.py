"""`egov-xl stamp verify FILE`: are the file's values those that were checked?

Exit codes: 0 intact (the values are those checked), 1 changed since (the indicators named),
2 no stamp, a damaged stamp, or an unreadable file. `validate FILE --stamp OUT` writes the
stamp (write_stamp below).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..sources.formats import listed
from .common import EXIT_ERRORS, EXIT_OK, EXIT_UNREADABLE, Format, Lang, catalogue_for, error, note, out, write_output

app = typer.Typer(no_args_is_help=True, help="Dấu kiểm tra trong tệp (ghi bằng 'egov-xl validate --stamp').")


@app.command("verify")
def verify(
    file: Annotated[Path, typer.Argument(help=f"Tệp {listed(lambda f: f.stamp, last=' hoặc ')} có dấu kiểm tra.")],
    format: Annotated[Format, typer.Option("--format", help="Định dạng kết quả: text hoặc json.")] = Format.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Ngôn ngữ thông báo: vi (mặc định) hoặc en.")] = Lang.vi,
) -> None:
    """Kiểm tra số liệu trong tệp có còn đúng như lúc đóng dấu kiểm tra không."""
    from ..flows.stamp import CHANGED, INTACT, verify_file
    from ..settings import Settings
    from ..workbook import ReadError

    catalogue = catalogue_for(lang)
    settings = Settings.from_env()
    try:
        verdict = verify_file(file, settings.limits)
    except ReadError as exc:
        message = catalogue.text(exc.key, **exc.params)
        _emit_failure(format, file, message)
        raise typer.Exit(EXIT_UNREADABLE) from None
    if format is Format.json:
        sys.stdout.write(json.dumps(_as_dict(file, verdict), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in _lines(file, verdict, catalogue, _office_clock(settings)):
            out().print(line, highlight=False, markup=False)
    raise typer.Exit({INTACT: EXIT_OK, CHANGED: EXIT_ERRORS}.get(verdict.status, EXIT_UNREADABLE))


def _emit_failure(format: Format, file: Path, message: str) -> None:
    if format is Format.json:
        sys.stdout.write(json.dumps({"path": str(file), "status": "unreadable", "error": message},
                                    ensure_ascii=False, indent=2) + "\n")
    error(message)


def _as_dict(file: Path, verdict) -> dict:
    from dataclasses import asdict

    stamp = None if verdict.stamp is None else asdict(verdict.stamp)
    if stamp is not None:
        stamp.pop("values")
    return {"path": str(file), "status": verdict.status, "stamp": stamp, "values_hash": verdict.values_hash,
            "changes": [{"code": c.code, "before": c.before if c.before_known else None, "after": c.after,
                         "before_known": c.before_known} for c in verdict.changes]}


def _office_clock(settings):
    """The office's clock (the calendar's UTC offset), as the console and `token list` use."""
    from ..archive.calendar import load_calendar

    return load_calendar(settings.calendar_file).zone


def _lines(file: Path, verdict, catalogue, zone) -> list[str]:
    from ..core.clock import local_text
    from ..flows.stamp import INTACT, NONE

    stamp = verdict.stamp
    if verdict.status == NONE:
        return [catalogue.text("stamp_none", path=file)]
    facts = dict(path=file, checked_at=local_text(stamp.checked_at, zone), edition=stamp.edition, sheet=stamp.sheet,
                 rules_version=stamp.rules_version, rule_count=stamp.rule_count, errors=stamp.errors,
                 warnings=stamp.warnings, infos=stamp.infos)
    if verdict.status == INTACT:
        return [catalogue.text("stamp_intact", **facts)]
    lines = [catalogue.text("stamp_changed", count=len(verdict.changes), **facts)]
    for change in verdict.changes:
        before = _shown(change.before, catalogue) if change.before_known else catalogue.text("stamp_unknown")
        key = "stamp_change_line" if change.code else "stamp_form_changed"
        lines.append(catalogue.text(key, code=change.code, before=before, after=_shown(change.after, catalogue)))
    return lines


def _shown(value: str | None, catalogue) -> str:
    """A canonical value as a clerk reads it: 8.334 ; 98,64; "(trống)" for a blank."""
    from decimal import Decimal, InvalidOperation

    from ..core.tolerance import display

    if value is None:
        return catalogue.text("stamp_absent")
    if value == "":
        return catalogue.text("stamp_blank")
    sign = value[:len(value) - len(value.lstrip("<>=~"))]
    try:
        number = Decimal(value[len(sign):])
    except InvalidOperation:
        number = None
    if number is not None and number.is_finite():
        return sign + display(number)
    return json.dumps(value, ensure_ascii=False)  # text, quoted, control characters escaped


def write_stamp(path: Path, target: Path, files: list[Path], catalogue, limits) -> bool:
    """`validate FILE… --stamp OUT`: a copy of FILE carrying the stamp of its check. Never over
    any of the inputs `files`; False (after one sentence to the clerk) when it could not be written."""
    from ..flows.stamp import stamp_copy, stamped_path
    from ..flows.check import check_file

    target = stamped_path(path, target, len(files) > 1 or target.is_dir())
    stamp = write_output(catalogue, target, lambda: stamp_copy(path, target, check_file(path, limits=limits)), files)
    if stamp is None:
        return False
    note(catalogue.text("stamp_written", out=target, sheet=stamp.sheet, edition=stamp.edition))
    return True
