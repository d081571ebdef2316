"""Comparing this period's form with archived reports: the table of changes (this value, the
one it is compared with, the change) and the prior-period rules' findings (core/rules/prior.py,
run through the registry like every rule). Pure logic: the archive supplies the references;
both sides are Reports, so decimals and how a value was typed travel with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .findings import Finding
from .match import LocatedForm
from .messages import RuleBook
from .periods import Period
from .reference import Prior, Reference, reference_from
from .report import Report
from .rules.context import Context
from .rules.prior import RULES, basis, change_percent, compared_rows
from .rules.registry import Registry
from .spec import Edition

__all__ = ["Comparison", "ComparedRow", "Reference", "change_percent", "compare", "compare_reports",
           "reference_from"]

PRIOR_RULES = Registry(RULES)


@dataclass(slots=True)
class ComparedRow:
    code: str
    label: str
    current: Decimal | None
    basis: str | None  # "previous", "last_year" or None
    prior: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    previous: Decimal | None
    last_year: Decimal | None


@dataclass(slots=True)
class Comparison:
    rows: list[ComparedRow]
    findings: list[Finding]
    previous: Reference | None
    last_year: Reference | None
    unmapped: list[Reference] = field(default_factory=list)


def compare(
    form: LocatedForm,
    window: Period,
    previous: Reference | None,
    last_year: Reference | None,
    rulebook: RuleBook,
) -> Comparison:
    """A matched form against archived reports (see compare_reports)."""
    return compare_reports(form.edition, form.report, window, previous, last_year, rulebook)


def compare_reports(
    edition: Edition,
    current: Report,
    window: Period,
    previous: Reference | None,
    last_year: Reference | None,
    rulebook: RuleBook,
) -> Comparison:
    """This period's values against the previous report and the same period last year."""
    ctx = Context(edition, current, rulebook, prior=Prior(window, previous, last_year))
    rows = [_row(ctx, spec) for spec in compared_rows(ctx)]
    findings, _ = PRIOR_RULES.run(ctx)
    return Comparison(rows, findings, previous, last_year)


def _row(ctx: Context, spec) -> ComparedRow:
    previous, last_year = ctx.prior.previous, ctx.prior.last_year
    value, name = ctx.numeric(spec.code), basis(spec)
    reference = ctx.prior.basis(name)
    prior = reference.report.number(spec.code) if reference else None
    change = value - prior if value is not None and prior is not None else None
    return ComparedRow(
        code=spec.code, label=spec.label, current=value, basis=name if reference else None,
        prior=prior, change=change, change_pct=change_percent(change, prior),
        previous=previous.report.number(spec.code) if previous else None,
        last_year=last_year.report.number(spec.code) if last_year else None,
    )
