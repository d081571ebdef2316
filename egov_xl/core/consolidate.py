"""Consolidation: one unit's form from the current revisions of the units below it.

Counts are summed. A ratio is recomputed from its summed parts, never averaged. A percentage
reported without parts cannot be summed: it gets the min, median and max across units and is
marked as not consolidable exactly. A coded status becomes counts per code. Every value keeps
its contributions (unit, revision, value), so a total can be explained cell by cell, and a
finding on a total can be drilled down to the units behind it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from statistics import median

from .numbers import BLANK, Entry, Reading
from .report import Report, Revision, Sum, Value
from .spec import Edition, Kind, RowSpec
from .tolerance import round_half_up



class Method(StrEnum):
    SUM = "sum"  # counts: the sum of the units' values
    RATIO = "ratio"  # recomputed from the summed numerator and denominator
    SPREAD = "spread"  # a percentage without parts: min, median, max (not exact)
    CODES = "codes"  # a coded status: how many units reported each code
    NONE = "none"  # a heading


@dataclass(frozen=True, slots=True)
class UnitForm:
    """One unit's current revision, in the codes of the edition being consolidated."""

    unit: str
    revision: int
    edition_id: str
    values: Mapping[str, Decimal | None]
    errors: int = 0
    mapped_from: str | None = None  # the edition it was reported on, when carried over


@dataclass(frozen=True, slots=True)
class Contribution:
    unit: str
    revision: int
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class Spread:
    low: Decimal
    middle: Decimal
    high: Decimal


@dataclass(slots=True)
class Total:
    code: str
    method: Method
    value: Decimal | None
    contributions: tuple[Contribution, ...]
    reported: int  # units with a value for this code
    spread: Spread | None = None
    codes: dict[int, int] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.method in (Method.SUM, Method.RATIO)


@dataclass(slots=True)
class Consolidation:
    edition: Edition
    unit: str
    expected: tuple[str, ...]
    included: tuple[UnitForm, ...]
    missing: tuple[str, ...]
    with_errors: tuple[str, ...]
    totals: dict[str, Total]

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def value(self, code: str) -> Decimal | None:
        total = self.totals.get(code)
        return total.value if total else None

    def values(self) -> dict[str, Decimal | None]:
        return {code: total.value for code, total in self.totals.items()}


def method_of(row: RowSpec) -> Method:
    return {Kind.COUNT: Method.SUM, Kind.RATIO: Method.RATIO, Kind.PERCENT: Method.SPREAD,
            Kind.CODED: Method.CODES}.get(row.kind, Method.NONE)


def consolidate(edition: Edition, unit: str, expected: Sequence[str], forms: Iterable[UnitForm],
                skip_errors: bool = False, left_out: Collection[str] = ()) -> Consolidation:
    """The consolidated form of `unit` from its units' `forms`; `expected` lists every unit
    that should have reported. With `skip_errors`, forms whose revision has errors are left
    out of the totals (and listed either way); so are the forms of the units in `left_out`
    (reports returned for correction, when the office chooses so)."""
    forms = tuple(sorted(forms, key=lambda f: f.unit))
    with_errors = tuple(f.unit for f in forms if f.errors)
    included = tuple(f for f in forms if not (skip_errors and f.errors) and f.unit not in left_out)
    reported = {f.unit for f in forms}
    missing = tuple(code for code in expected if code not in reported)
    totals: dict[str, Total] = {}
    for row in edition.rows:
        if row.kind is not Kind.RATIO:
            totals[row.code] = _total(row, included)
    for row in edition.rows:
        if row.kind is Kind.RATIO:
            totals[row.code] = _ratio(row, included, totals)
    ordered = {row.code: totals[row.code] for row in edition.rows}
    return Consolidation(edition, unit, tuple(expected), included, missing, with_errors, ordered)


def _contributions(code: str, forms: Sequence[UnitForm]) -> tuple[Contribution, ...]:
    return tuple(Contribution(f.unit, f.revision, f.values.get(code)) for f in forms)


def _total(row: RowSpec, forms: Sequence[UnitForm]) -> Total:
    parts = _contributions(row.code, forms)
    numbers = [c.value for c in parts if c.value is not None]
    method = method_of(row)
    total = Total(row.code, method, None, parts, len(numbers))
    if not numbers or method is Method.NONE:
        return total
    if method is Method.SUM:
        total.value = sum(numbers, Decimal(0))
    elif method is Method.SPREAD:
        ordered = sorted(numbers)
        total.spread = Spread(ordered[0], Decimal(median(ordered)), ordered[-1])
    elif method is Method.CODES:
        total.codes = dict(sorted(Counter(int(n) for n in numbers).items()))
    return total


def _ratio(row: RowSpec, forms: Sequence[UnitForm], totals: Mapping[str, Total]) -> Total:
    parts = _contributions(row.code, forms)
    reported = sum(1 for c in parts if c.value is not None)
    numerator, denominator = totals[row.numerator].value, totals[row.denominator].value
    value = None
    if numerator is not None and denominator:
        value = round_half_up(numerator / denominator * 100, row.decimals)  # as the template's ROUND
    return Total(row.code, Method.RATIO, value, parts, reported)


def shown_value(total: Total, row: RowSpec) -> Decimal | int | None:
    """What goes into the consolidated form's value cell: the exact total, or for a value that
    cannot be consolidated exactly the conservative stand-in the detail sheet explains (the
    median of a percentage without parts; the lowest status of a coded row)."""
    if total.method in (Method.SUM, Method.RATIO):
        return total.value
    if total.method is Method.SPREAD and total.spread is not None:
        return round_half_up(total.spread.middle, row.decimals)
    if total.method is Method.CODES and total.codes:
        return min(total.codes)
    return None


def total_report(consolidation: Consolidation, period: str) -> Report:
    """The consolidated form's values (what its value cells show) as a Report, each value's
    origin the sum of the units' revisions (of period key `period`) that reported it, so it
    is checked like any unit's form without a workbook in between."""
    edition = consolidation.edition
    values = {}
    for row in edition.rows:
        total = consolidation.totals[row.code]
        parts = tuple(Revision(c.unit, period, c.revision, edition.id, row.code)
                      for c in total.contributions if c.value is not None)
        values[row.code] = Value(_reading(shown_value(total, row)), Sum(parts), row.unit or None)
    return Report(edition.id, values)


def _reading(value: Decimal | int | None) -> Reading:
    if value is None:
        return BLANK
    number = Decimal(value)
    exponent = number.normalize().as_tuple().exponent if number else 0
    return Reading(raw=number, entry=Entry.NUMBER, number=number, decimals=max(0, -exponent))


# ----------------------------------------------------------------------------------- drill-down

@dataclass(frozen=True, slots=True)
class Blame:
    """One unit's share in a finding on a total: its own gap (part minus limit) and whether
    the same rule fails in the unit's own form."""

    unit: str
    revision: int
    gap: Decimal
    fails_itself: bool


def drill_not_above(consolidation: Consolidation, part: str, limit: str) -> list[Blame]:
    """For `part ≤ limit` broken on the total: every unit with a positive gap, largest
    first (those that make the difference), each marked when the rule fails in its own form."""
    blames = []
    for form in consolidation.included:
        a, b = form.values.get(part), form.values.get(limit)
        if a is None or b is None:
            continue
        gap = a - b
        if gap > 0:
            blames.append(Blame(form.unit, form.revision, gap, True))
    return sorted(blames, key=lambda item: (-item.gap, item.unit))


def drill_sum(consolidation: Consolidation, total: str, parts: Sequence[str]) -> list[Blame]:
    """For `total = sum(parts)` broken on the total: units whose own sum differs."""
    blames = []
    for form in consolidation.included:
        whole = form.values.get(total)
        pieces = [form.values.get(code) for code in parts]
        if whole is None or any(p is None for p in pieces):
            continue
        gap = sum(pieces, Decimal(0)) - whole
        if gap:
            blames.append(Blame(form.unit, form.revision, gap, True))
    return sorted(blames, key=lambda item: (-abs(item.gap), item.unit))


def drill_change(current: Consolidation, code: str, prior_by_unit: Mapping[str, Decimal | None]) -> list[Blame]:
    """For a change of a summed total from the prior period: the units reported in both
    periods, ordered by their own change, largest in the direction of their total change first."""
    changes = []
    for form in current.included:
        now, before = form.values.get(code), prior_by_unit.get(form.unit)
        if now is not None and before is not None:
            changes.append(Blame(form.unit, form.revision, now - before, False))
    sign = -1 if sum((b.gap for b in changes), Decimal(0)) < 0 else 1
    return sorted((b for b in changes if b.gap), key=lambda item: (-sign * item.gap, item.unit))
