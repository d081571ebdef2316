"""Rules against archived reports, with period semantics (the context's `prior`).

- Stock indicators (a level at the cut-off) are compared with the previous report ("kỳ trước").
- Flow indicators (accumulated over a window) are compared only with a like window: the same
  kind of report a year earlier ("cùng kỳ năm trước").
- Within a year, a count over a window can only grow when the window grows: Năm ≥ 6 tháng ≥
  Quý I, Năm ≥ Quý III. A decrease is an error.
- A row whose basis changed (communes merged on 1/7/2025) is reported as not comparable
  instead of compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..findings import Finding
from ..amounts import Word
from ..periods import Period
from ..spec import Kind, Nature, RowSpec
from ..tolerance import signed
from .context import Context, number, shown
from .registry import Needs, Rule


def basis(spec: RowSpec) -> str:
    """Which reference a row is compared with: "last_year" for a flow, "previous" for a stock."""
    return "last_year" if spec.nature is Nature.FLOW else "previous"


def change_percent(change: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """The change as a percentage of the prior value; None over a zero or unknown prior."""
    if change is None or not prior:
        return None
    return change * 100 / abs(prior)


def comparable(spec: RowSpec, before: Period, window: Period) -> bool:
    """Whether `spec`'s value over `window` may be compared with the one over `before`: not when
    its basis changed between the two (communes merged on 1/7/2025: `comparable_from`)."""
    return not (spec.comparable_from and before.end < spec.comparable_from <= window.end)


def compared_rows(ctx: Context) -> Iterator[RowSpec]:
    """The edition's rows that hold a value on this report (headings left out)."""
    return (spec for spec in ctx.edition.rows if spec.kind is not Kind.HEADER and spec.code in ctx.report)


def changes(ctx: Context) -> Iterator[Finding]:
    """prior.not-comparable, prior.coded-regress, prior.change: each row against its basis."""
    for spec in compared_rows(ctx):
        yield from _judge(ctx, spec, basis(spec))


def _judge(ctx: Context, spec: RowSpec, name: str) -> Iterator[Finding]:
    reference = ctx.prior.basis(name)
    current = ctx.numeric(spec.code)
    prior = reference.report.number(spec.code) if reference else None
    if reference is None or current is None or prior is None:
        return
    change, window = current - prior, ctx.prior.window
    cell = ctx.ref(spec.code)
    where = {"prior_label": reference.window.label, "basis": Word(name), "prior": number(prior),
             "value": shown(ctx.reading(spec.code))}
    if not comparable(spec, reference.window, window):
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


def year_to_date(ctx: Context) -> Iterator[Finding]:
    """A count over a window inside this one, in the same year, cannot be larger."""
    previous, window = ctx.prior.previous, ctx.prior.window
    if previous is None or previous.window.year != window.year \
            or not (window.start <= previous.window.start and previous.window.end <= window.end):
        return
    for spec in compared_rows(ctx):
        current, prior = ctx.numeric(spec.code), previous.report.number(spec.code)
        if spec.kind is not Kind.COUNT or spec.nature is not Nature.FLOW or current is None or prior is None:
            continue
        if current < prior:
            yield ctx.finding("prior.ytd-decrease", spec.code, ctx.ref(spec.code), expected=f"≥ {number(prior)}",
                              actual=number(current), prior=number(prior), prior_label=previous.window.label,
                              value=number(current))


RULES: tuple[Rule, ...] = (
    Rule("prior.not-comparable", "prior", Needs.PRIOR, changes),
    Rule("prior.coded-regress", "prior", Needs.PRIOR, changes),
    Rule("prior.change", "prior", Needs.PRIOR, changes),
    Rule("prior.ytd-decrease", "prior", Needs.PRIOR, year_to_date),
)
