"""`egov-xl rules …`: the golden cases of the rules, and the rule registry (thin commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import definitions
from .core.golden import Outcome
from .definitions import FormFileError

rules_app = typer.Typer(help="Quy tắc kiểm tra: danh sách và các ca mẫu.", no_args_is_help=True)
_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2


@rules_app.command("test")
def test(
    form: Annotated[Path | None, typer.Option("--form", help="Tệp định nghĩa biểu mẫu (.yaml) đang sửa: "
                                              "chạy các ca mẫu của biểu mẫu đó với tệp này.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="vi hoặc en.")] = "vi",
) -> None:
    """Chạy các ca mẫu: giá trị vào, phát hiện ra, cho từng quy tắc (không cần tệp Excel)."""
    catalogue = definitions.catalogue(lang)
    cases, extra = definitions.golden_cases(), ()
    if form is not None:
        try:
            edition = definitions.load_edition_file(form)
        except FormFileError as exc:
            for line in exc.render(catalogue):
                _err.print(line, style="bold red", highlight=False)
            raise typer.Exit(EXIT_UNREADABLE) from None
        except OSError as exc:
            _err.print(catalogue.text("file_unreadable", path=form, reason=exc.strerror or exc), style="bold red")
            raise typer.Exit(EXIT_UNREADABLE) from None
        cases, extra = [c for c in cases if c.edition == edition.id], (edition,)
        if not cases:
            _err.print(catalogue.text("golden_no_cases", form=edition.id), style="yellow", highlight=False)
    outcomes = definitions.run_golden(cases, extra)
    for outcome in outcomes:
        _report(outcome, catalogue)
    passed = sum(o.passed for o in outcomes)
    _out.print(catalogue.text("golden_summary", passed=passed, total=len(outcomes)), highlight=False)
    raise typer.Exit(EXIT_OK if passed == len(outcomes) else EXIT_FAILED)


def _report(outcome: Outcome, catalogue) -> None:
    case = outcome.case
    where = {"source": case.source, "name": case.name}
    if outcome.error:
        _err.print(catalogue.text("golden_case_error", error=outcome.error, **where), style="bold red", highlight=False)
    elif not outcome.passed:
        _err.print(catalogue.text("golden_fail", expected=_listing(case.expect, catalogue),
                                  found=_listing(outcome.found, catalogue), **where), style="bold red", highlight=False)
    else:
        _out.print(catalogue.text("golden_pass", **where), highlight=False)


def _listing(findings, catalogue) -> str:
    return "; ".join(f"{rule} {code or '—'} ({severity})" for rule, code, severity in sorted(findings, key=str)) \
        or catalogue.text("golden_none")


@rules_app.command("list")
def list_rules() -> None:
    """Các quy tắc đã đăng ký: mã, nhóm, mức độ mặc định, dữ liệu cần, phiên bản."""
    for rule in definitions.registry().rules:
        severity = rule.severity.value if rule.severity else "?"
        typer.echo(f"{rule.id}\t{rule.family}\t{severity}\t{rule.needs.value}\tv{rule.version}")
