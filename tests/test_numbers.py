"""Vietnamese number reading: examples from real forms, and properties over generated values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov_xl.core.numbers import Entry, format_decimals, read_value
from egov_xl.core.tolerance import display

EXAMPLES = [
    ("8.334", Decimal("8334"), 0, Entry.TEXT_NUMBER, False),
    ("59,26", Decimal("59.26"), 2, Entry.TEXT_NUMBER, False),
    ("=98,64%", Decimal("98.64"), 2, Entry.FORMULA_TEXT, True),
    ("98,64%", Decimal("98.64"), 2, Entry.TEXT_NUMBER, True),
    ("100", Decimal("100"), 0, Entry.TEXT_NUMBER, False),
    ("1.234,5", Decimal("1234.5"), 1, Entry.TEXT_NUMBER, False),
    ("10,18 ngàn", Decimal("10180"), -1, Entry.TEXT_NUMBER, False),
    ("10,18 nghìn", Decimal("10180"), -1, Entry.TEXT_NUMBER, False),
    ("1,488 triệu", Decimal("1488000"), -3, Entry.TEXT_NUMBER, False),
    ("1.234.567", Decimal("1234567"), 0, Entry.TEXT_NUMBER, False),
    ("0.5", Decimal("0.5"), 1, Entry.TEXT_NUMBER, False),
    (" 177 ", Decimal("177"), 0, Entry.TEXT_NUMBER, False),
    ("1 234", Decimal("1234"), 0, Entry.TEXT_NUMBER, False),
]


@pytest.mark.parametrize("text, number, decimals, entry, percent", EXAMPLES)
def test_examples(text, number, decimals, entry, percent):
    reading = read_value(text)
    assert (reading.number, reading.decimals, reading.entry, reading.percent) == (number, decimals, entry, percent)


def test_bound_is_not_a_value():
    reading = read_value("trên 84%")
    assert (reading.entry, reading.bound, reading.number, reading.percent) == (Entry.BOUND, ">", Decimal(84), True)
    assert read_value("không quá 10").bound == "<="
    assert read_value("≥ 90%").bound == ">="


@pytest.mark.parametrize("raw", ["abc", "12 thủ tục", "1,2,3", date(2025, 3, 14), True, "--5"])
def test_unreadable_is_a_finding_not_a_crash(raw):
    assert read_value(raw).entry is Entry.UNREADABLE


def test_numeric_cells_and_formats():
    assert read_value(0.9864, "0.00%").number == Decimal("98.64")
    assert read_value(0.9864, "0.00%").decimals == 2
    assert read_value(1.0, "0%").number == Decimal(100)
    assert read_value(177.0).number == Decimal(177)
    assert read_value(45.26).decimals == 2
    assert read_value(45.2, "0.00").decimals == 2
    assert read_value(98.648648, "#,##0.0").decimals == 1
    assert read_value(None).entry is Entry.BLANK
    assert read_value("", "General", "=D5/D6", computed=False).entry is Entry.FORMULA
    assert read_value("", "General", "=D5/D6", computed=True).entry is Entry.BLANK  # ="" over a zero
    assert read_value(98.5, "General", "=D5/D6*100").entry is Entry.FORMULA


def test_format_decimals():
    assert format_decimals("General") == (None, False)
    assert format_decimals("0.00%") == (2, True)
    assert format_decimals('#,##0.0" hồ sơ"') == (1, False)
    assert format_decimals("[Red]0.000;-0.000") == (3, False)


def vietnamese(value: Decimal, decimals: int) -> str:
    """Write a number the way the forms do: '.' between thousands, ',' before decimals."""
    text = f"{value:,.{decimals}f}"
    integer, _, fraction = text.partition(".")
    integer = integer.replace(",", ".")
    return f"{integer},{fraction}" if decimals else integer


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(amounts, st.integers(min_value=0, max_value=2))
def test_written_numbers_read_back(value, decimals):
    value = value.quantize(Decimal(1).scaleb(-decimals))
    text = vietnamese(value, decimals)
    reading = read_value(text)
    assert reading.number == value
    assert reading.decimals == decimals


@given(amounts, st.integers(min_value=0, max_value=2), st.booleans())
def test_percent_and_formula_text(value, decimals, formula):
    value = value.quantize(Decimal(1).scaleb(-decimals))
    text = ("=" if formula else "") + vietnamese(value, decimals) + "%"
    reading = read_value(text)
    assert (reading.number, reading.percent) == (value, True)
    assert reading.entry is (Entry.FORMULA_TEXT if formula else Entry.TEXT_NUMBER)


@given(st.decimals(min_value=0, max_value=999, places=2, allow_nan=False), st.sampled_from(["ngàn", "triệu"]))
def test_multipliers(value, word):
    text = vietnamese(value, 2) + " " + word
    assert read_value(text).number == value * (1000 if word == "ngàn" else 1_000_000)


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False))
def test_display_round_trips(value):
    assert read_value(display(value)).number == value.normalize()


# issue #21: "x/y", one decision per file about "." and "," -------------------------------------

@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_x_of_y_reads_as_x_with_base_y_and_as_its_percentage(x, y):
    from egov_xl.core.numbers import share_as_percent
    from egov_xl.core.tolerance import Agreement, agreement

    reading = read_value(f"{display(Decimal(x))}/{display(Decimal(y))}")
    assert (reading.entry, reading.number, reading.base) == (Entry.SHARE, x, y)
    percent = share_as_percent(reading)
    assert percent.percent and agreement(percent.number, percent.decimals, Decimal(x) * 100 / y) is Agreement.ROUNDED


@given(st.integers(min_value=1000, max_value=10**9), st.sampled_from([",", "."]), st.booleans())
def test_a_whole_number_written_the_files_way_reads_back_bound_or_not(value, decimal, bound):
    written = f"{value:,}" if decimal == "." else f"{value:,}".replace(",", ".")
    reading = read_value(("gần " if bound else "") + written, decimal=decimal)
    assert reading.number == value and reading.entry is (Entry.BOUND if bound else Entry.TEXT_NUMBER)


@given(st.decimals(min_value=0, max_value=999, places=2, allow_nan=False), st.sampled_from([",", "."]))
def test_a_value_that_cannot_be_the_files_way_is_read_its_own_way(value, decimal):
    value = value.quantize(Decimal("0.01"))
    own = "." if decimal == "," else ","  # "90.61" in a "," file: two digits after the dot are no group
    text = f"{value:f}".replace(".", own)
    assert read_value(text, decimal=decimal).number == value
