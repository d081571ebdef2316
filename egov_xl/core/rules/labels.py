"""The printed row against its definition: unit and label."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..match import LABEL_DRIFT, label_score
from ..spec import Kind
from ..text import fold_label, strip_tags
from ..units import Measure, measure_of, unit_agrees
from .context import Context
from .source import undecided_text

_COUNT_WORDS = ("tong so ", "so luong ", "so ")


def check(ctx: Context) -> Iterator[Finding]:
    if undecided_text(ctx):
        return
    if not ctx.form.recognised:
        yield from _count_as_percent(ctx)
        return
    for row in ctx.form.rows.values():
        spec, cells = row.spec, row.cells
        if spec.kind is not Kind.HEADER and not unit_agrees(spec, cells.unit):
            yield ctx.finding("unit.mismatch", spec.code, cells.unit_ref or cells.value_ref,
                              expected=spec.unit, actual=cells.unit)
        if label_score(spec, cells.label) < LABEL_DRIFT:
            yield ctx.finding("label.drift", spec.code, cells.label_ref,
                              expected=spec.label, actual=strip_tags(cells.label))


def _count_as_percent(ctx: Context) -> Iterator[Finding]:
    for row in ctx.form.rows.values():
        label = fold_label(row.cells.label) + " "
        if measure_of(row.cells.unit) is Measure.PERCENT and label.startswith(_COUNT_WORDS):
            yield ctx.finding("label.count-as-percent", row.code, row.cells.label_ref,
                              label=strip_tags(row.cells.label))
