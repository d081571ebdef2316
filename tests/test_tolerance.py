"""Ratios at the precision they were reported: half up is right, truncation is noted."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from egov_xl.core.tolerance import Agreement, agreement, round_half_up, unit_of

counts = st.integers(min_value=1, max_value=10**6)


@given(counts, counts, st.integers(min_value=0, max_value=4))
def test_rounded_half_up_agrees(a, b, decimals):
    num, den = min(a, b), max(a, b)
    exact = Decimal(num) * 100 / Decimal(den)
    assert agreement(round_half_up(exact, decimals), decimals, exact) is Agreement.ROUNDED


@given(counts, counts, st.integers(min_value=0, max_value=4))
def test_truncated_is_noticed(a, b, decimals):
    num, den = min(a, b), max(a, b)
    exact = Decimal(num) * 100 / Decimal(den)
    truncated = exact.quantize(unit_of(decimals), rounding=ROUND_DOWN)
    assume(truncated != round_half_up(exact, decimals))
    assert agreement(truncated, decimals, exact) is Agreement.TRUNCATED


@given(counts, counts, st.integers(min_value=0, max_value=4), st.integers(min_value=2, max_value=50))
def test_further_off_is_a_mismatch(a, b, decimals, steps):
    num, den = min(a, b), max(a, b)
    exact = Decimal(num) * 100 / Decimal(den)
    off = round_half_up(exact, decimals) + steps * unit_of(decimals)
    assert agreement(off, decimals, exact) is Agreement.MISMATCH
    below = round_half_up(exact, decimals) - steps * unit_of(decimals)
    assert agreement(below, decimals, exact) is Agreement.MISMATCH


def test_half_up_boundary():
    exact = Decimal("98.645")
    assert agreement(Decimal("98.65"), 2, exact) is Agreement.ROUNDED
    assert agreement(Decimal("98.64"), 2, exact) is Agreement.TRUNCATED
    assert agreement(Decimal("99"), 0, Decimal("98.5")) is Agreement.ROUNDED
    assert agreement(Decimal("98"), 0, Decimal("98.5")) is Agreement.TRUNCATED


def test_exact_counts_have_no_tolerance():
    assert agreement(Decimal(25), None, Decimal(25)) is Agreement.ROUNDED
    assert agreement(Decimal(25), None, Decimal("25.001")) is Agreement.MISMATCH
