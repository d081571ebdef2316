"""One located table → one report: match the edition, run the checks."""

from __future__ import annotations

from .findings import FormReport
from .grid import SheetGrid
from .locate import Region, read_table
from .match import LocatedForm, match
from .messages import RuleBook
from .reread import reread
from .rules import run_checks
from .spec import Edition


def locate_form(
    grid: SheetGrid, region: Region, editions: tuple[Edition, ...], form_id: str | None = None
) -> LocatedForm:
    form = match(read_table(grid, region), editions, form_id)
    reread(form)
    return form


def check_form(form: LocatedForm, rulebook: RuleBook, path: str) -> FormReport:
    edition = form.edition
    return FormReport(
        path=path,
        sheet=form.sheet,
        form=edition.id if form.recognised else None,
        form_title=edition.title if form.recognised else None,
        findings=run_checks(form, rulebook),
    )
