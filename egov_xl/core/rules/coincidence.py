"""Suspicious coincidences, reported as information: equal values across unrelated measures,
and a denominator that is exactly the sum of two numerators."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

from ..findings import Finding
from ..spec import Kind
from ..units import Measure, measure_of
from .context import Context, number
from .registry import Needs, Rule

_MIN_VALUE = 10  # small counts (0, 1, 2…) coincide by chance


def _counts(ctx: Context, measure: Measure) -> list[tuple[str, object]]:
    return [
        (spec.code, ctx.numeric(spec.code))
        for spec in ctx.edition.rows
        if spec.kind is Kind.COUNT and measure_of(spec.unit) is measure
        and ctx.numeric(spec.code) is not None and ctx.numeric(spec.code) >= _MIN_VALUE
    ]


def equal_counts(ctx: Context) -> Iterator[Finding]:
    procedures = _counts(ctx, Measure.PROCEDURE)
    for code, value in _counts(ctx, Measure.DOSSIER):
        same = [other for other, other_value in procedures if other_value == value]
        if same:
            spec = ctx.edition.by_code
            yield ctx.finding("coincidence.equal-count", code, ctx.ref(code),
                              (ctx.ref(code), *(ctx.ref(o) for o in same)),
                              value=number(value), unit=spec[code].unit, other_code=", ".join(same),
                              other_unit=spec[same[0]].unit)


def denominator_sums(ctx: Context) -> Iterator[Finding]:
    by_code = ctx.edition.by_code
    ratios = [s for s in ctx.edition.rows if s.kind is Kind.RATIO]
    numerators = [(s.numerator, ctx.numeric(s.numerator)) for s in ratios]
    numerators = [(code, value) for code, value in numerators if value]
    for spec in ratios:
        total = ctx.numeric(spec.denominator)
        denominator = by_code[spec.denominator]
        if not total or total < _MIN_VALUE:
            continue
        measure = measure_of(denominator.unit)
        alike = [(c, v) for c, v in numerators if measure_of(by_code[c].unit) is measure]
        for (first, a), (second, b) in combinations(alike, 2):
            if a + b == total and {first, second} != set(denominator.equals_sum):
                yield ctx.finding("coincidence.denominator-sum", spec.denominator, ctx.ref(spec.denominator),
                                  (ctx.ref(spec.denominator), ctx.ref(first), ctx.ref(second)),
                                  value=number(total), first_code=first, second_code=second,
                                  first=number(a), second=number(b))


RULES: tuple[Rule, ...] = (
    Rule("coincidence.equal-count", "coincidence", Needs.REPORT, equal_counts),
    Rule("coincidence.denominator-sum", "coincidence", Needs.REPORT, denominator_sums),
)
