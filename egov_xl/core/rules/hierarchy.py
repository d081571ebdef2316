"""Parts and wholes: a part never exceeds its whole, defined sums hold, and a percentage
without parts lies within the range of its child percentages."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..findings import Finding
from ..infer import INFERRED_ID
from ..spec import Kind, RowSpec
from ..tolerance import interval
from .context import Context, number, shown
from .registry import Needs, Rule, family


def exceeds(ctx: Context) -> Iterator[Finding]:
    for spec in ctx.edition.rows:
        if spec.kind is Kind.RATIO:
            yield from _not_above(ctx, spec.numerator, spec.denominator, ratio=spec)
        for whole in spec.not_above:
            yield from _not_above(ctx, spec.code, whole, ratio=None)


def sums(ctx: Context) -> Iterator[Finding]:
    for spec in ctx.edition.rows:
        if spec.equals_sum:
            yield from _sum(ctx, spec)


def within_children(ctx: Context) -> Iterator[Finding]:
    for spec in ctx.edition.rows:
        if spec.kind is Kind.PERCENT:
            yield from _within_children(ctx, spec)


def parts_exceed(ctx: Context) -> Iterator[Finding]:
    """On a table of no known form, the rows it introduces as parts of a total (sub-codes of the
    same unit, "Trong đó", "- ") added up against that total. Parts need not be exhaustive, so
    only a sum above the total is reported, never a sum below it."""
    if ctx.edition.id != INFERRED_ID:
        return
    parts: dict[str, list[str]] = {}
    for spec in ctx.edition.rows:
        for whole in spec.not_above:
            parts.setdefault(whole, []).append(spec.code)
    for whole, codes in parts.items():
        total = ctx.numeric(whole)
        given = [(code, ctx.numeric(code)) for code in codes if ctx.numeric(code) is not None]
        if total is None or len(given) < 2 or any(value > total for _, value in given):
            continue  # one part above the total alone is hierarchy.exceeds
        added = sum((value for _, value in given), Decimal(0))
        if added > total:
            arithmetic = " + ".join(number(v) for _, v in given) + f" = {number(added)}"
            yield ctx.finding("hierarchy.parts-exceed", whole, ctx.ref(whole),
                              (ctx.ref(whole), *(ctx.ref(code) for code, _ in given)),
                              expected=f"≥ {number(added)}", actual=number(total), value=number(total),
                              parts=", ".join(ctx.shown_code(code) for code, _ in given), arithmetic=arithmetic)


def _not_above(ctx: Context, part: str, whole: str, ratio: RowSpec | None) -> Iterator[Finding]:
    part_value, whole_value = ctx.numeric(part), ctx.numeric(whole)
    if part_value is None or whole_value is None or part_value <= whole_value:
        return
    blame_part = _suspect(ctx, part, part_value, ratio) == part
    yield ctx.finding(
        "hierarchy.exceeds", part, ctx.ref(part if blame_part else whole), (ctx.ref(part), ctx.ref(whole)),
        expected=f"≤ {number(whole_value)}" if blame_part else f"≥ {number(part_value)}",
        actual=number(part_value if blame_part else whole_value),
        value=number(part_value), parent_code=whole, parent_value=number(whole_value),
    )


def _suspect(ctx: Context, part: str, part_value: Decimal, ratio: RowSpec | None) -> str:
    """The code of the cell most likely wrong. When the printed ratio agrees with the part over
    some other whole number (8% of what is 2? 25), the whole is the odd one out; else the part."""
    if ratio is not None:
        printed = ctx.numeric(ratio.code)
        if printed and 0 < printed <= 100:
            implied = part_value * 100 / printed
            if implied >= part_value and abs(implied - implied.to_integral_value()) < Decimal("0.01"):
                return ratio.denominator
    return part


def _sum(ctx: Context, spec: RowSpec) -> Iterator[Finding]:
    total = ctx.numeric(spec.code)
    parts = [ctx.numeric(code) for code in spec.equals_sum]
    if total is None or any(p is None for p in parts):
        return
    expected = sum(parts, Decimal(0))
    if total != expected:
        cells = (ctx.ref(spec.code), *(ctx.ref(code) for code in spec.equals_sum))
        yield ctx.finding("hierarchy.sum", spec.code, ctx.ref(spec.code), cells,
                          expected=number(expected), actual=number(total), value=number(total),
                          parts=" + ".join(spec.equals_sum))


def _within_children(ctx: Context, spec: RowSpec) -> Iterator[Finding]:
    reading = ctx.reading(spec.code)
    if spec.code not in ctx.report or reading.number is None:
        return
    children = ctx.percent_children(spec.code)
    if not children:
        return
    cell = ctx.ref(spec.code)
    blank = [c for c in children if c.reading.number is None]
    if blank:
        yield ctx.finding("hierarchy.child-blank", spec.code, cell,
                          (cell, *(c.ref for c in blank)),
                          value=shown(reading), children=", ".join(c.code for c in blank))
        return
    bounds = [interval(c.reading.number, c.reading.decimals) for c in children]
    low, high = min(b[0] for b in bounds), max(b[1] for b in bounds)
    own_low, own_high = interval(reading.number, reading.decimals)
    if own_high < low or own_low > high:
        lowest = min(c.reading.number for c in children)
        highest = max(c.reading.number for c in children)
        yield ctx.finding("hierarchy.outside-children", spec.code, cell,
                          (cell, *(c.ref for c in children)),
                          expected=f"{number(lowest)}–{number(highest)}", actual=shown(reading),
                          value=shown(reading), children=", ".join(c.code for c in children),
                          low=number(lowest), high=number(highest))


RULES: tuple[Rule, ...] = (
    Rule("hierarchy.exceeds", "hierarchy", Needs.REPORT, exceeds),
    Rule("hierarchy.sum", "hierarchy", Needs.REPORT, sums),
    Rule("hierarchy.parts-exceed", "hierarchy", Needs.REPORT, parts_exceed),
    *family("hierarchy", Needs.REPORT, within_children, ("hierarchy.child-blank", "hierarchy.outside-children")),
)
