"""Checks on single values: readable, typed as numbers, in range, allowed codes, required."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..findings import Finding
from ..amounts import Word
from ..numbers import Entry
from ..reread import FRACTION, THOUSANDS
from ..spec import Kind
from ..tolerance import display
from ..units import is_whole_unit
from .context import Context, number, shown, shown_with_unit
from .registry import Needs, family

_TYPED_AS = {Entry.TEXT_NUMBER: "value.text-number", Entry.FORMULA_TEXT: "value.formula-text"}


def check(ctx: Context) -> Iterator[Finding]:
    for code, value in ctx.report.values.items():
        spec, reading, cell = ctx.edition.by_code.get(code), value.reading, ctx.ref(code)
        if spec is None:
            continue
        if spec.kind is Kind.HEADER:
            if not reading.is_blank:
                yield ctx.finding("header.value", spec.code, cell, value=shown(reading), actual=shown(reading))
            continue
        if reading.entry is Entry.FORMULA and reading.number is None:
            yield ctx.finding("value.uncomputed", spec.code, cell, raw=reading.raw, actual=str(reading.raw))
            continue
        if reading.recalculated:
            yield ctx.finding("value.recalculated", spec.code, cell, value=shown(reading) or "—",
                              actual=shown(reading))
        if reading.is_blank:
            if spec.is_required and not _ratio_must_be_blank(ctx, spec.code):
                yield ctx.finding("required.missing", spec.code, cell, label=spec.label)
            continue
        if reading.entry is Entry.UNREADABLE:
            yield ctx.finding(_unreadable(reading), spec.code, cell, raw=reading.raw, actual=str(reading.raw))
            continue
        if reading.entry is Entry.BOUND:
            yield ctx.finding("value.bound", spec.code, cell, raw=reading.raw, bound=reading.bound,
                              value=shown_with_unit(reading), actual=str(reading.raw))
            continue
        if reading.entry in _TYPED_AS and (ctx.typed or reading.entry is not Entry.TEXT_NUMBER):
            yield ctx.finding(_TYPED_AS[reading.entry], spec.code, cell, raw=reading.raw,
                              value=shown_with_unit(reading), actual=str(reading.raw))
        yield from _reread(ctx, spec, reading, cell)
        if reading.number is not None:
            yield from _range(ctx, spec, reading, cell)


def _reread(ctx: Context, spec, reading, cell) -> Iterator[Finding]:
    """Say so when the row's meaning changed how its value was read (core.reread)."""
    if reading.reread == THOUSANDS:
        mark = _separator(str(reading.raw))
        yield ctx.finding("value.thousands-ambiguous", spec.code, cell, raw=reading.raw, value=shown(reading),
                          other=display(reading.alternative), unit=spec.unit, actual=str(reading.raw),
                          separator=Word(mark), plain=plain_digits(reading.number))
    elif reading.reread == FRACTION:
        yield ctx.finding("value.fraction-percent", spec.code, cell, raw=number(reading.alternative),
                          value=shown(reading), actual=number(reading.alternative))


def _unreadable(reading) -> str:
    """Formula text no number can be read from ("=2/25" kept as text: nothing computed it, and
    egov-xl evaluates no formula) is said to be one; anything else cannot be read."""
    text = reading.raw.strip() if isinstance(reading.raw, str) else ""
    return "value.formula-text-uncomputed" if text.startswith("=") and len(text) > 1 else "value.unreadable"


def _separator(raw: str) -> str:
    """The catalogue word for the separator a clerk wrote between digits ("dot", "comma")."""
    return "comma" if "," in raw and "." not in raw else "dot"


def plain_digits(value: Decimal) -> str:
    """A whole number with no separator at all ("7529"): no reader can misread it."""
    return f"{value:f}"


def _ratio_must_be_blank(ctx: Context, code: str) -> bool:
    spec = ctx.edition.by_code[code]
    if spec.kind is not Kind.RATIO:
        return False
    denominator = ctx.numeric(spec.denominator)
    return denominator is None or denominator == 0


def _range(ctx: Context, spec, reading, cell) -> Iterator[Finding]:
    value = reading.number
    if spec.is_percentage and not (0 <= value <= 100):
        yield ctx.finding("value.range", spec.code, cell, value=shown(reading), range="0–100%",
                          actual=shown(reading))
    elif spec.kind is Kind.COUNT:
        if value < 0:
            yield ctx.finding("value.range", spec.code, cell, value=shown(reading), range="≥ 0",
                              actual=shown(reading))
        elif not is_whole(value) and is_whole_unit(spec.unit):
            yield ctx.finding("value.not-integer", spec.code, cell, value=shown(reading),
                              unit=spec.unit, actual=shown(reading))
    elif spec.kind is Kind.CODED:
        allowed = spec.values or {}
        if not is_whole(value) or int(value) not in allowed:
            listing = ", ".join(f"{k} ({v})" for k, v in allowed.items())
            yield ctx.finding("coded.value", spec.code, cell, value=shown(reading), allowed=listing,
                              expected=" / ".join(str(k) for k in allowed), actual=shown(reading))


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


RULES = family("value", Needs.REPORT, check, (
    "header.value", "value.uncomputed", "value.recalculated", "required.missing", "value.unreadable",
    "value.formula-text-uncomputed", "value.bound",
    "value.text-number", "value.formula-text", "value.range", "value.not-integer", "coded.value",
    "value.thousands-ambiguous", "value.fraction-percent",
))
