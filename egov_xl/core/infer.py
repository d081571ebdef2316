"""A definition inferred from an unknown table: hierarchy from the codes, kinds from units.

A percentage row with count children becomes a ratio whose denominator is the child named
"Tổng số …" (or the first count child) and whose numerator is the next count child. A count
row under a count parent in the same unit ("Số hồ sơ trực tuyến" under "Tổng số hồ sơ") is a
part of it: not above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .spec import PERCENT_UNIT, Edition, Kind, RowSpec
from .text import fold, fold_label, parent_code
from .units import Measure, coded_values, measure_of, unit_of

if TYPE_CHECKING:
    from .locate import Table, TableRow

INFERRED_ID = "unknown"


def _kind(row: TableRow, has_children: bool) -> Kind:
    measure = measure_of(row.unit)
    if measure is Measure.PERCENT:
        return Kind.PERCENT
    if measure is Measure.CODED:
        return Kind.CODED
    if measure in (Measure.PROCEDURE, Measure.DOSSIER, Measure.OTHER):
        return Kind.COUNT
    if has_children or row.value.is_blank:
        return Kind.HEADER
    return Kind.COUNT


def _ratio_parts(children: list[RowSpec]) -> tuple[str, str] | None:
    counts = [c for c in children if c.kind is Kind.COUNT]
    if len(counts) < 2:
        return None
    total = next((c for c in counts if fold_label(c.label).startswith("tong so")), counts[0])
    part = next(c for c in counts if c is not total)
    return part.code, total.code


def _same_count(child: RowSpec, parent: RowSpec) -> bool:
    """Both counts of the same thing: the same measure, and for units the measures do not
    name (Cuộc, Văn bản), the same unit as printed."""
    if child.kind is not Kind.COUNT or parent.kind is not Kind.COUNT or not child.unit or not parent.unit:
        return False
    measure = measure_of(child.unit)
    if measure is not measure_of(parent.unit):
        return False
    known = unit_of(child.unit)
    if known is not None and known is unit_of(parent.unit):  # "Người" and "người (lượt)"
        return True
    return measure is not Measure.OTHER or fold(child.unit) == fold(parent.unit)


_PART_WORDS = ("trong do ", "trong so ", "bao gom ", "gom ")
_PART_DASHES = ("-", "–", "+")


def is_introduced_part(label: str) -> bool:
    """A row the table introduces as a part of the row above: "Trong đó: …", "- …"."""
    text = label.lstrip()
    return text.startswith(_PART_DASHES) or (fold_label(text) + " ").startswith(_PART_WORDS)


def _introduced_under(specs: dict[str, RowSpec], code: str) -> RowSpec | None:
    """For a row introduced as a part but numbered as a sibling ("2. Trong đó: trực tuyến"
    after "1. Tổng số hồ sơ"): the nearest row above at its level that is not such a part."""
    if not is_introduced_part(specs[code].label):
        return None
    above = None
    for other, spec in specs.items():
        if other == code:
            return above
        if parent_code(other) == parent_code(code) and not is_introduced_part(spec.label):
            above = spec
    return None


def infer_edition(table: Table) -> Edition:
    codes = {row.code for row in table.rows}
    parents = {parent_code(code) for code in codes}
    specs: dict[str, RowSpec] = {}
    for row in table.rows:
        if row.code in specs:
            continue
        kind = _kind(row, row.code in parents)
        values = {v: str(v) for v in sorted(coded_values(row.unit))} if kind is Kind.CODED else None
        specs[row.code] = RowSpec.model_construct(
            code=row.code, label=row.label or row.code, kind=kind, unit=row.unit or None,
            nature=None, numerator=None, denominator=None, values=values, required=False,
            not_above=(), equals_sum=(), aliases=(), note=None,
        )
    for code, spec in list(specs.items()):
        if spec.kind is not Kind.PERCENT:
            continue
        children = [s for c, s in specs.items() if parent_code(c) == code]
        parts = _ratio_parts(children)
        if parts:
            specs[code] = spec.model_copy(update={
                "kind": Kind.RATIO, "numerator": parts[0], "denominator": parts[1], "unit": PERCENT_UNIT,
            })
    for code, spec in list(specs.items()):
        whole = specs.get(parent_code(code)) or _introduced_under(specs, code)
        if whole is not None and _same_count(spec, whole):
            specs[code] = spec.model_copy(update={"not_above": (whole.code,)})
    return Edition.model_construct(
        id=INFERRED_ID, title="", short_title="", issuer="", vocabulary="", name_prefix="X",
        periods=(), valid_from=None, valid_to=None, source="inferred", title_keywords=(),
        severities={}, rows=tuple(specs.values()),
    )
