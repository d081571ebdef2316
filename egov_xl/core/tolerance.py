"""Precision-aware comparison, after XBRL Calculations 1.1.

A reported value is not a point: "98,64" stands for every true value that rounds to it
(round half up: [98.635, 98.645)) or, if the clerk truncated, every value that truncates to
it ([98.64, 98.65)). A check passes when the exact value lies in the rounding interval; a
value that lies only in the truncation interval is reported as information.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, getcontext
from enum import StrEnum


class Agreement(StrEnum):
    ROUNDED = "rounded"  # the reported value is the exact one rounded half up
    TRUNCATED = "truncated"  # the reported value is the exact one cut at its precision
    MISMATCH = "mismatch"


def unit_of(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def quantize(value: Decimal, unit: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`value.quantize(unit)` for a value of any size: the default context refuses a result of more
    than 28 digits (InvalidOperation), and a hostile cell can hold 1E+300 or a million digits."""
    digits = max(value.adjusted(), 0) - min(unit.as_tuple().exponent, 0) + 2
    context = Context(prec=max(getcontext().prec, digits), Emax=MAX_EMAX, Emin=MIN_EMIN)
    return value.quantize(unit, rounding=rounding, context=context)


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return quantize(value, unit_of(decimals))


def rounding_interval(reported: Decimal, decimals: int) -> tuple[Decimal, Decimal]:
    """Half-open [low, high) of exact values that round half up to `reported` (values ≥ 0)."""
    half = unit_of(decimals) / 2
    return reported - half, reported + half


def truncation_interval(reported: Decimal, decimals: int) -> tuple[Decimal, Decimal]:
    """Half-open [low, high) of non-negative exact values that truncate to `reported`."""
    return reported, reported + unit_of(decimals)


def agreement(reported: Decimal, decimals: int | None, exact: Decimal) -> Agreement:
    """How `reported`, shown with `decimals`, relates to the `exact` value."""
    if decimals is None:
        return Agreement.ROUNDED if reported == exact else Agreement.MISMATCH
    low, high = rounding_interval(reported, decimals)
    if low <= exact < high:
        return Agreement.ROUNDED
    low, high = truncation_interval(reported, decimals)
    if low <= exact < high:
        return Agreement.TRUNCATED
    return Agreement.MISMATCH


def interval(reported: Decimal, decimals: int | None) -> tuple[Decimal, Decimal]:
    """Closed bounds of the values a reported figure may stand for (rounding or truncation)."""
    if decimals is None:
        return reported, reported
    low, _ = rounding_interval(reported, decimals)
    _, high = truncation_interval(reported, decimals)
    return low, high


def display(value: Decimal, decimals: int | None = None) -> str:
    """A number the way a Vietnamese reader writes it: 8.334 ; 98,64."""
    if decimals is not None and decimals >= 0:
        value = round_half_up(value, decimals)
    text = f"{value:,f}" if value == value.to_integral_value() and decimals in (None, 0) else f"{value:,}"
    if "E" in text or "e" in text:
        text = f"{value:,f}"
    integer, _, fraction = text.partition(".")
    integer = integer.replace(",", ".")
    if decimals is None and fraction:
        fraction = fraction.rstrip("0")
    if decimals is None or decimals > 0:
        return f"{integer},{fraction}" if fraction else integer
    return integer


def signed(value: Decimal, decimals: int | None = None) -> str:
    """A change written with its sign: +142, -3,5."""
    text = display(abs(value), decimals)
    return f"+{text}" if value > 0 else (f"-{text}" if value < 0 else text)
