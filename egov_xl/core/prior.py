"""Comparing this period's form with archived reports, with period semantics.

- Stock indicators (a level at the cut-off) are compared with the previous report ("kỳ trước").
- Flow indicators (accumulated over a window) are compared only with a like window: the same
  kind of report a year earlier ("cùng kỳ năm trước").
- Within a year, a count over a window can only grow when the window grows: Năm ≥ 6 tháng ≥
  Quý I, Năm ≥ Quý III. A decrease is an error.
- Ratios are never added up across periods; a row whose basis changed (communes merged on
  1/7/2025) is reported as not comparable instead of compared.
Pure logic: the archive supplies the references; both sides are Reports, so decimals and
how a value was typed travel with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from .findings import Finding
from .match import LocatedForm
from .messages import RuleBook, Word
from .numbers import BLANK, Entry, Reading
from .periods import Period
from .report import Report, Value
from .rules.context import Context, number, shown
from .rules.registry import Needs, Rule
from .spec import Edition, Kind, Nature, RowSpec
from .tolerance import signed

if TYPE_CHECKING:
    from .mapping import EditionMapping  # pydantic: only where a mapping file is read


@dataclass(frozen=True, slots=True, init=False)
class Reference:
    """An archived report, its values already in the current edition's codes.

    `report` keeps every value as typed (decimals included); `values` is its numbers only.
    Built with a Report (`reference_of`), or, for callers not yet switched, a dict of numbers."""

    window: Period
    edition_id: str  # the edition it was archived under
    revision: int
    report: Report
    mapping: str | None  # the edition mapping used to translate its codes

    def __init__(self, window: Period, edition_id: str, revision: int,
                 values: Report | Mapping[str, Decimal | None], mapping: str | None = None):
        if not isinstance(values, Report):
            values = Report(edition_id, {
                code: Value(BLANK if n is None else Reading(raw=n, entry=Entry.NUMBER, number=n))
                for code, n in values.items()
            })
        for name, value in (("window", window), ("edition_id", edition_id), ("revision", revision),
                            ("report", values), ("mapping", mapping)):
            object.__setattr__(self, name, value)

    @property
    def values(self) -> dict[str, Decimal | None]:
        return self.report.numbers()


def reference_from(report: Report, window: Period, revision: int, target: str,
                   mapping: EditionMapping | None = None) -> Reference | None:
    """An archived report as a comparison basis in the `target` edition's codes, through
    `mapping` when it was archived under another edition; None when it cannot be translated."""
    if report.edition_id == target:
        return Reference(window, report.edition_id, revision, report)
    if mapping is None:
        return None
    return Reference(window, report.edition_id, revision, mapping.translate_report(report), mapping.id)


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


def _basis(spec: RowSpec) -> str:
    return "last_year" if spec.nature is Nature.FLOW else "previous"


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
    ctx = Context(edition, current, rulebook)
    refs = {"previous": previous, "last_year": last_year}
    rows, findings = [], []
    for spec in edition.rows:
        if spec.kind is Kind.HEADER or spec.code not in current:
            continue
        value = ctx.numeric(spec.code)
        basis = _basis(spec)
        reference = refs[basis]
        prior = reference.report.number(spec.code) if reference else None
        change = value - prior if value is not None and prior is not None else None
        rows.append(ComparedRow(
            code=spec.code, label=spec.label, current=value, basis=basis if reference else None,
            prior=prior, change=change, change_pct=change_percent(change, prior),
            previous=previous.report.number(spec.code) if previous else None,
            last_year=last_year.report.number(spec.code) if last_year else None,
        ))
        findings.extend(judge(ctx, spec, window, reference, basis, value, prior, change))
        findings.extend(year_to_date(ctx, spec, window, previous, value))
    findings.sort(key=Finding.sort_key)
    return Comparison(rows, findings, previous, last_year)


def change_percent(change: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """The change as a percentage of the prior value; None over a zero or unknown prior."""
    if change is None or not prior:
        return None
    return change * 100 / abs(prior)


def judge(ctx, spec, window, reference, basis, current, prior, change):
    """prior.not-comparable, prior.coded-regress, prior.change for one row."""
    if reference is None or current is None or prior is None:
        return
    cell = ctx.ref(spec.code)
    where = {"prior_label": reference.window.label, "basis": Word(basis), "prior": number(prior),
             "value": shown(ctx.reading(spec.code))}
    if spec.comparable_from and reference.window.end < spec.comparable_from <= window.end:
        yield ctx.finding("prior.not-comparable", spec.code, cell,
                          since=spec.comparable_from.strftime("%d/%m/%Y"), **where)
        return
    if spec.kind is Kind.CODED:
        if current < prior:
            meanings = spec.values or {}
            yield ctx.finding("prior.coded-regress", spec.code, cell, expected=f"≥ {number(prior)}",
                              actual=number(current), prior_meaning=meanings.get(int(prior), ""),
                              meaning=meanings.get(int(current), ""), **where)
        return
    threshold = ctx.edition.threshold(spec)
    if threshold is not None and threshold.exceeded(prior, change):
        pct = change_percent(change, prior)
        yield ctx.finding("prior.change", spec.code, cell, actual=number(current), expected=number(prior),
                          change=signed(change), change_pct=signed(pct, 1) + "%" if pct is not None else "—",
                          **where)


def year_to_date(ctx, spec, window, previous, current):
    """A count over a window inside this one, in the same year, cannot be larger."""
    if (previous is None or current is None or spec.kind is not Kind.COUNT
            or spec.nature is not Nature.FLOW or previous.window.year != window.year):
        return
    inside = window.start <= previous.window.start and previous.window.end <= window.end
    prior = previous.report.number(spec.code)
    if inside and prior is not None and current < prior:
        yield ctx.finding("prior.ytd-decrease", spec.code, ctx.ref(spec.code), expected=f"≥ {number(prior)}",
                          actual=number(current), prior=number(prior), prior_label=previous.window.label,
                          value=number(current))


RULES: tuple[Rule, ...] = (
    Rule("prior.not-comparable", "prior", Needs.PRIOR, judge),
    Rule("prior.coded-regress", "prior", Needs.PRIOR, judge),
    Rule("prior.change", "prior", Needs.PRIOR, judge),
    Rule("prior.ytd-decrease", "prior", Needs.PRIOR, year_to_date),
)
