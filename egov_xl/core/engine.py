"""One located table → one report: match the edition, run the registered rules."""

from __future__ import annotations

from .findings import FormReport
from .grid import SheetGrid
from .locate import Region, read_table
from .match import LocatedForm, match
from .messages import RuleBook
from .reference import Prior
from .report import Report
from .registry import REGISTRY
from .rules.context import Context
from .spec import Edition


def locate_form(
    grid: SheetGrid, region: Region, editions: tuple[Edition, ...], form_id: str | None = None,
    file: str | None = None,
) -> LocatedForm:
    return match(read_table(grid, region), editions, form_id, file)


def check_form(form: LocatedForm, rulebook: RuleBook, path: str, prior: Prior | None = None) -> FormReport:
    """Every report and table rule on one matched form (and the prior-period rules when `prior`
    has archived reports to compare with); the report records which ran."""
    edition = form.edition
    findings, scope = REGISTRY.run(Context.of(form, rulebook, prior))
    return FormReport(
        path=path,
        sheet=form.sheet,
        form=edition.id if form.recognised else None,
        form_title=edition.title if form.recognised else None,
        findings=findings,
        scope=scope,
        unit_name=form.table.region.unit_name,
        title_period=form.table.region.title_period,
        title_units=form.table.region.title_units,
    )


def check_report(edition: Edition, report: Report, rulebook: RuleBook, path: str) -> FormReport:
    """Every report rule on values that have no table (a consolidated total)."""
    findings, scope = REGISTRY.run(Context(edition, report, rulebook))
    return FormReport(path=path, sheet=None, form=edition.id, form_title=edition.title, findings=findings,
                      scope=scope)
