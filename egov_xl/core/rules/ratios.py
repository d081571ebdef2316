"""Ratio rows: the printed % against numerator ÷ denominator × 100, at its own precision."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..findings import Finding
from ..spec import Kind, RowSpec
from ..tolerance import Agreement, agreement, round_half_up
from ..amounts import Word
from .context import Context, number, shown
from .registry import Needs, family


def exact_ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    return numerator * 100 / denominator


def check(ctx: Context) -> Iterator[Finding]:
    for spec in ctx.edition.rows:
        if spec.kind is Kind.RATIO and spec.code in ctx.report:
            yield from _check_ratio(ctx, spec)


def _check_ratio(ctx: Context, spec: RowSpec) -> Iterator[Finding]:
    ratio = ctx.reading(spec.code)
    if ratio.number is None:
        return
    cell = ctx.ref(spec.code)
    num, den = ctx.numeric(spec.numerator), ctx.numeric(spec.denominator)
    cells = tuple(c for c in (cell, ctx.ref(spec.numerator), ctx.ref(spec.denominator)) if c)
    words = {"numerator_code": spec.numerator, "denominator_code": spec.denominator, "value": shown(ratio)}
    if den is None or den == 0:
        state = Word("zero" if den == 0 else "blank")
        suspect = ctx.ref(spec.denominator) if den == 0 and num and num > 0 else cell
        yield ctx.finding("ratio.zero-denominator", spec.code, suspect or cell, cells,
                          expected="", actual=shown(ratio), denominator_state=state, **words)
        return
    if num is None:
        yield ctx.finding("ratio.unchecked", spec.code, cell, cells, actual=shown(ratio), **words)
        return
    exact = exact_ratio(num, den)
    verdict = agreement(ratio.number, ratio.decimals, exact)
    if verdict is Agreement.ROUNDED:
        return
    params = dict(words, numerator=number(num), denominator=number(den))
    if verdict is Agreement.TRUNCATED:
        expected = number(round_half_up(exact, ratio.decimals or 0))
        yield ctx.finding("ratio.truncated", spec.code, cell, cells, expected=expected, actual=shown(ratio),
                          exact=number(round_half_up(exact, 4)), **params)
        return
    expected = number(round_half_up(exact, max(ratio.decimals or 0, spec.decimals)))
    yield ctx.finding("ratio.mismatch", spec.code, cell, cells, expected=expected, actual=shown(ratio), **params)


# one decision per ratio row ends in at most one of these
RULES = family("ratio", Needs.REPORT, check,
               ("ratio.zero-denominator", "ratio.unchecked", "ratio.truncated", "ratio.mismatch"))
