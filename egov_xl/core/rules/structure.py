"""The table against the edition: missing, extra, duplicated and out-of-order rows (rules
about the table)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..grid import CellRef
from ..text import strip_tags
from .context import Context
from .registry import Needs, Rule


def _first(ctx: Context) -> CellRef | None:
    rows = ctx.form.table.rows
    return rows[0].label_ref if rows else None


def unrecognised(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised:
        yield ctx.finding("form.unrecognised", None, _first(ctx))


def missing_rows(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised:
        return
    first, name = _first(ctx), ctx.edition.short_title
    for spec in ctx.form.missing():
        yield ctx.finding("structure.missing-row", spec.code, first, label=spec.label, form=name)


def extra_rows(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised:
        return
    for row in ctx.form.extra:
        rule = "structure.extra-hidden-row" if row.hidden else "structure.extra-row"
        yield ctx.finding(rule, row.code, row.label_ref, label=strip_tags(row.label), form=ctx.edition.short_title)


def meaning(ctx: Context) -> Iterator[Finding]:
    """Rows whose label names another level or object than their code's definition."""
    for row, spec, (printed, expected) in ctx.form.mismatched:
        yield ctx.finding("structure.meaning-mismatch", spec.code, row.label_ref, (row.label_ref, row.value_ref),
                          label=strip_tags(row.label), printed_code=row.printed_code or row.code,
                          printed_word=printed, expected=spec.label, expected_word=expected,
                          form=ctx.edition.short_title)


def by_label(ctx: Context) -> Iterator[Finding]:
    """Rows paired with a defined row by label rather than by their printed code: the whole
    table (numbering unlike the edition's), or one row (renumbered by an older edition)."""
    form = ctx.form
    if not form.recognised:
        return
    name = ctx.edition.short_title
    if form.by_label:
        yield ctx.finding("form.recognised-by-label", None, _first(ctx), form=name, paired=len(form.rows),
                          rows=len(form.table.rows))
        return
    for row in form.repaired():
        cells = row.cells
        yield ctx.finding("structure.paired-by-label", row.code, cells.label_ref, (cells.label_ref, cells.value_ref),
                          defined=row.code, printed_code=cells.printed_code or cells.code, label=strip_tags(cells.label),
                          expected=row.spec.label, form=name)


def duplicates(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised:
        return
    for code, rows in ctx.form.duplicates.items():
        refs = tuple(r.value_ref for r in rows)
        yield ctx.finding("structure.duplicate-code", code, rows[-1].label_ref, refs,
                          addresses=", ".join(r.label_ref.a1 for r in rows))


def order(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised:
        return
    form = ctx.form
    positions = form.edition.order
    placed = list(form.rows.values())  # in table order
    best = -1
    for row in placed:
        index = positions[row.code]
        if index < best:
            after = max((r.code for r in placed if positions[r.code] < index), key=positions.get, default="—")
            yield ctx.finding("structure.order", row.code, row.cells.label_ref, after=after)
        best = max(best, index)


RULES: tuple[Rule, ...] = (
    Rule("form.unrecognised", "structure", Needs.TABLE, unrecognised),
    Rule("structure.missing-row", "structure", Needs.TABLE, missing_rows, version=2),
    Rule("structure.extra-row", "structure", Needs.TABLE, extra_rows, version=2),
    Rule("structure.extra-hidden-row", "structure", Needs.TABLE, extra_rows),
    Rule("structure.meaning-mismatch", "structure", Needs.TABLE, meaning),
    Rule("structure.duplicate-code", "structure", Needs.TABLE, duplicates),
    Rule("form.recognised-by-label", "structure", Needs.TABLE, by_label),
    Rule("structure.paired-by-label", "structure", Needs.TABLE, by_label),
    Rule("structure.order", "structure", Needs.TABLE, order),
)
