"""A comparison with prior reports as text (rich) and as data (JSON)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from ..core.messages import Catalogue
from ..core.prior import Reference
from ..core.tolerance import display, signed
from .rows import finding_row


def _num(value: Decimal | None, decimals: int | None = None) -> str:
    return "" if value is None else display(value, decimals)


def _signed(value: Decimal | None, decimals: int | None = None) -> str:
    return "" if value is None else signed(value, decimals)


def _reference_dict(ref: Reference | None) -> dict | None:
    if ref is None:
        return None
    return {"period": ref.window.key, "period_label": ref.window.label, "form": ref.edition_id,
            "revision": ref.revision, "mapping": ref.mapping}


def comparison_dict(result, unit: str, period, catalogue: Catalogue) -> dict:
    comparison = result.comparison
    report = result.checked.report
    return {
        "path": report.path, "sheet": report.sheet, "form": report.form, "unit": unit, "period": period.key,
        "previous": _reference_dict(comparison.previous),
        "last_year": _reference_dict(comparison.last_year),
        "unmapped": [{"period": s.period.key, "form": s.edition_id, "revision": s.revision} for s in result.unmapped],
        "rows": [
            {"code": r.code, "label": r.label, "current": _plain(r.current), "basis": r.basis,
             "prior": _plain(r.prior), "change": _plain(r.change),
             "change_pct": _plain(None if r.change_pct is None else round(r.change_pct, 2)),
             "previous": _plain(r.previous), "last_year": _plain(r.last_year)}
            for r in comparison.rows
        ],
        "findings": [finding_row(f, catalogue) for f in comparison.findings],
    }


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def emit_comparison(console: Console, result, period, catalogue: Catalogue) -> None:
    comparison = result.comparison
    none = catalogue.text("compare_none")
    label = (lambda ref: f"{ref.window.label} ({ref.edition_id}, {catalogue.text('col_revision').lower()} "
             f"{ref.revision})" if ref else none)
    console.print(catalogue.text("compare_basis", period=period.label, previous=label(comparison.previous),
                                 last_year=label(comparison.last_year)), highlight=False)
    for ref in (comparison.previous, comparison.last_year):
        if ref and ref.mapping:
            console.print(catalogue.text("compare_mapping", period=ref.window.label, form=ref.edition_id,
                                         mapping=ref.mapping), highlight=False)
    for stored in result.unmapped:
        console.print(catalogue.text("compare_unmapped", period=stored.period.label, form=stored.edition_id),
                      highlight=False)
    table = Table()
    for key in ("forms_id", "forms_label", "col_current", "col_prior", "col_change", "col_change_pct"):
        table.add_column(catalogue.text(key), overflow="fold")
    for row in comparison.rows:
        basis = catalogue.word(row.basis) if row.basis else ""
        table.add_row(row.code, row.label, _num(row.current), f"{_num(row.prior)} ({basis})" if row.prior is not None
                      else "", _signed(row.change), _signed(row.change_pct, 1))
    console.print(table)
    for finding in comparison.findings:
        console.print(f"[{catalogue.severity(finding.severity)}] {finding.cell.a1 if finding.cell else ''} "
                      f"{catalogue.message(finding)}", highlight=False)
