"""`egov-xl rules …`: the golden cases of the rules, and the rule registry (thin commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_ERRORS as EXIT_FAILED
from .common import EXIT_OK, EXIT_UNREADABLE, err, out

app = typer.Typer(help="Quy tắc kiểm tra: danh sách và các ca mẫu.", no_args_is_help=True)


@app.command("test")
def test(
    form: Annotated[Path | None, typer.Option("--form", help="Tệp định nghĩa biểu mẫu (.yaml) đang sửa: "
                                              "chạy các ca mẫu của biểu mẫu đó với tệp này.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="vi hoặc en.")] = "vi",
) -> None:
    """Chạy các ca mẫu: giá trị vào, phát hiện ra, cho từng quy tắc (không cần tệp Excel)."""
    from .. import definitions
    from ..definitions import FormFileError

    catalogue = definitions.catalogue(lang)
    problems = _registry_problems()
    for problem in problems:
        err().print(problem, style="bold red", highlight=False)
    cases, extra = definitions.golden_cases(), ()
    if form is not None:
        try:
            edition = definitions.load_edition_file(form)
        except FormFileError as exc:
            for line in exc.render(catalogue):
                err().print(line, style="bold red", highlight=False)
            raise typer.Exit(EXIT_UNREADABLE) from None
        except OSError as exc:
            err().print(catalogue.text("file_unreadable", path=form, reason=exc.strerror or exc), style="bold red")
            raise typer.Exit(EXIT_UNREADABLE) from None
        cases, extra = [c for c in cases if c.edition == edition.id], (edition,)
        if not cases:
            err().print(catalogue.text("golden_no_cases", form=edition.id), style="yellow", highlight=False)
    outcomes = definitions.run_golden(cases, extra)
    for outcome in outcomes:
        _report(outcome, catalogue)
    passed = sum(o.passed for o in outcomes)
    out().print(catalogue.text("golden_summary", passed=passed, total=len(outcomes)), highlight=False)
    raise typer.Exit(EXIT_OK if passed == len(outcomes) and not problems else EXIT_FAILED)


def _registry_problems() -> list[str]:
    """Rules registered without a sentence in a catalogue, or the other way round."""
    from .. import definitions
    from ..core.registry import REGISTRY

    catalogued = definitions.load_yaml(definitions._package_dir("messages") / "rules.yaml")
    messages = {lang: definitions.catalogue(lang).rules for lang in definitions.LANGUAGES}
    return REGISTRY.problems(catalogued, messages)


def _report(outcome, catalogue) -> None:
    case = outcome.case
    where = {"source": case.source, "name": case.name}
    if outcome.error:
        err().print(catalogue.text("golden_case_error", error=outcome.error, **where), style="bold red", highlight=False)
    elif not outcome.passed:
        err().print(catalogue.text("golden_fail", expected=_listing(case.expect, catalogue),
                                  found=_listing(outcome.found, catalogue), **where), style="bold red", highlight=False)
    else:
        out().print(catalogue.text("golden_pass", **where), highlight=False)


def _listing(findings, catalogue) -> str:
    return "; ".join(f"{rule} {code or '—'} ({severity})" for rule, code, severity in sorted(findings, key=str)) \
        or catalogue.text("golden_none")


@app.command("list")
def list_rules() -> None:
    """Các quy tắc đã đăng ký: mã, nhóm, mức độ mặc định, dữ liệu cần, phiên bản."""
    from .. import definitions

    for rule in definitions.registry().rules:
        severity = rule.severity.value if rule.severity else "?"
        typer.echo(f"{rule.id}\t{rule.family}\t{severity}\t{rule.needs.value}\tv{rule.version}")
