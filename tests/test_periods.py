"""The reporting-period calendar and what clerks write for a period."""

from __future__ import annotations

from datetime import date

import pytest

from egov_xl.core.periods import Period, PeriodError, parse_period
from egov_xl.core.spec import PeriodKind

WRITTEN = {
    "Q1/2025": "2025-Q1", "Quý I năm 2025": "2025-Q1", "quý 1/2025": "2025-Q1", "2025-Q1": "2025-Q1",
    "6T/2025": "2025-H1", "6 tháng đầu năm 2025": "2025-H1", "6 tháng 2025": "2025-H1",
    "Quý III/2025": "2025-Q3", "Q3/2025": "2025-Q3",
    "9 tháng 2025": "2025-M9", "9T/2025": "2025-M9",
    "Năm 2024": "2024-Y", "Báo cáo năm 2024": "2024-Y",
    "Tháng 3/2025": "2025-M03", "T12/2025": "2025-M12",
    # the template's period drop-down followed by its year cell ("6 tháng 2025", "9 tháng 2025" above)
    "Quý I 2025": "2025-Q1", "Quý III 2025": "2025-Q3", "Năm 2025": "2025-Y",
}


@pytest.mark.parametrize("text, key", WRITTEN.items())
def test_what_clerks_write(text, key):
    assert parse_period(text).key == key


@pytest.mark.parametrize("text", ["Quý II/2025", "Q4/2025", "2025", "sáu tháng", "Tháng 13/2025", ""])
def test_not_a_period(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_windows():
    q1, h1, q3, year = (parse_period(t) for t in ("Q1/2025", "6T/2025", "Q3/2025", "Năm 2025"))
    assert (q1.start, q1.end) == (date(2024, 12, 15), date(2025, 3, 14))
    assert (h1.start, h1.end) == (date(2024, 12, 15), date(2025, 6, 14))
    assert (q3.start, q3.end) == (date(2025, 6, 15), date(2025, 9, 14))
    assert (year.start, year.end) == (date(2024, 12, 15), date(2025, 12, 14))
    assert [p.year_to_date for p in (q1, h1, q3, year)] == [True, True, False, True]
    assert q1.within(h1) and h1.within(year) and q3.within(year)
    assert not q3.within(h1) and not h1.within(q3)
    assert parse_period("T3/2025").start == date(2025, 2, 15)


def test_labels_and_last_year():
    assert parse_period("6T/2025").label == "6 tháng đầu năm 2025"
    assert parse_period("Q3/2025").same_period_last_year() == Period(2024, PeriodKind.Q3)
