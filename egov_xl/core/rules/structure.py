"""The table against the edition: missing, extra, duplicated and out-of-order rows."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..text import strip_tags
from .context import Context


def check(ctx: Context) -> Iterator[Finding]:
    form = ctx.form
    first = form.table.rows[0].label_ref if form.table.rows else None
    if not form.recognised:
        yield ctx.finding("form.unrecognised", None, first)
        return
    name = form.edition.short_title
    for spec in form.missing():
        yield ctx.finding("structure.missing-row", spec.code, first, label=spec.label, form=name)
    for row in form.extra:
        rule = "structure.extra-hidden-row" if row.hidden else "structure.extra-row"
        yield ctx.finding(rule, row.code, row.label_ref, label=strip_tags(row.label), form=name)
    for row, spec, (printed, expected) in form.mismatched:
        yield ctx.finding("structure.meaning-mismatch", spec.code, row.label_ref, (row.label_ref, row.value_ref),
                          label=strip_tags(row.label), printed_code=row.code, printed_word=printed,
                          expected=spec.label, expected_word=expected, form=name)
    for code, rows in form.duplicates.items():
        refs = tuple(r.value_ref for r in rows)
        yield ctx.finding("structure.duplicate-code", code, rows[-1].label_ref, refs,
                          addresses=", ".join(r.label_ref.a1 for r in rows))
    yield from _order(ctx)


def _order(ctx: Context) -> Iterator[Finding]:
    order = ctx.form.edition.order
    placed = [r for r in ctx.form.table.rows if r.code in ctx.form.rows and ctx.form.rows[r.code].cells is r]
    best = -1
    for row in placed:
        index = order[row.code]
        if index < best:
            after = max((r.code for r in placed if order[r.code] < index), key=order.get, default="—")
            yield ctx.finding("structure.order", row.code, row.label_ref, after=after)
        best = max(best, index)
