"""The printed row against its definition: unit and label (rules about the table)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from ..match import LABEL_DRIFT, label_score
from ..spec import Kind
from ..text import fold_label, strip_tags
from ..units import Measure, measure_of, unit_agrees
from .context import Context
from .registry import Needs, Rule
from .source import undecided_text

_COUNT_WORDS = ("tong so ", "so luong ", "so ")


def units(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised or undecided_text(ctx):
        return
    for row in ctx.form.rows.values():
        spec, cells = row.spec, row.cells
        if spec.kind is not Kind.HEADER and not unit_agrees(spec, cells.unit):
            yield ctx.finding("unit.mismatch", spec.code, cells.unit_ref or cells.value_ref,
                              expected=spec.unit, actual=cells.unit)


def drift(ctx: Context) -> Iterator[Finding]:
    if not ctx.form.recognised or undecided_text(ctx):
        return
    for row in ctx.form.rows.values():
        spec, cells = row.spec, row.cells
        if label_score(spec, cells.label) < LABEL_DRIFT:
            yield ctx.finding("label.drift", spec.code, cells.label_ref,
                              expected=spec.label, actual=strip_tags(cells.label))


def count_as_percent(ctx: Context) -> Iterator[Finding]:
    if ctx.form.recognised or undecided_text(ctx):
        return
    for row in ctx.form.rows.values():
        label = fold_label(row.cells.label) + " "
        if measure_of(row.cells.unit) is Measure.PERCENT and label.startswith(_COUNT_WORDS):
            yield ctx.finding("label.count-as-percent", row.code, row.cells.label_ref,
                              label=strip_tags(row.cells.label))


RULES: tuple[Rule, ...] = (
    Rule("unit.mismatch", "label", Needs.TABLE, units, version=2),  # 2: silent on undecodable text
    Rule("label.drift", "label", Needs.TABLE, drift, version=2),
    Rule("label.count-as-percent", "label", Needs.TABLE, count_as_percent, version=2),
)
