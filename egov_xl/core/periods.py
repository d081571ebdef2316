"""The reporting-period calendar of the periodic CCHC report (581/BNV-CCHC, NĐ 09/2019).

Data is cut off on the 14th: Quý I runs 15/12 of the previous year to 14/3, 6 tháng 15/12 to
14/6 (year to date), Quý III 15/6 to 14/9 (one quarter), Năm 15/12 to 14/12 (year to date).
Some provinces also use monthly and 9-month reports (15/12 to 14/9). Pure logic, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import UserError
from .spec import PeriodKind
from .text import fold

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_KEY = re.compile(r"^(\d{4})-(Q1|H1|Q3|M9|Y|M(0[1-9]|1[0-2]))$")

KEY_PART = {PeriodKind.Q1: "Q1", PeriodKind.H1: "H1", PeriodKind.Q3: "Q3", PeriodKind.M9: "M9", PeriodKind.YEAR: "Y"}
LABEL_VI = {
    PeriodKind.Q1: "Quý I năm {year}",
    PeriodKind.H1: "6 tháng đầu năm {year}",
    PeriodKind.Q3: "Quý III năm {year}",
    PeriodKind.M9: "9 tháng năm {year}",
    PeriodKind.YEAR: "Năm {year}",
    PeriodKind.MONTH: "Tháng {month} năm {year}",
}
_END_MONTH = {PeriodKind.Q1: 3, PeriodKind.H1: 6, PeriodKind.Q3: 9, PeriodKind.M9: 9, PeriodKind.YEAR: 12}
CUT_OFF_DAY = 14


class PeriodError(UserError, ValueError):
    """Text that names no reporting period."""

    def __init__(self, text: str):
        super().__init__("period_invalid", text=text)
        self.text = text


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    kind: PeriodKind
    month: int | None = None  # for monthly reports only

    @property
    def key(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-M{self.month:02d}"
        return f"{self.year}-{KEY_PART[self.kind]}"

    @property
    def label(self) -> str:
        return LABEL_VI[self.kind].format(year=self.year, month=self.month)

    @property
    def end(self) -> date:
        """The cut-off date: the last day whose data the report covers."""
        month = self.month if self.kind is PeriodKind.MONTH else _END_MONTH[self.kind]
        return date(self.year, month, CUT_OFF_DAY)

    @property
    def start(self) -> date:
        if self.kind is PeriodKind.Q3:
            return date(self.year, 6, CUT_OFF_DAY + 1)
        if self.kind is PeriodKind.MONTH and self.month > 1:
            return date(self.year, self.month - 1, CUT_OFF_DAY + 1)
        return date(self.year - 1, 12, CUT_OFF_DAY + 1)

    @property
    def year_to_date(self) -> bool:
        return self.start == date(self.year - 1, 12, CUT_OFF_DAY + 1)

    def within(self, other: Period) -> bool:
        """Is this window inside `other`'s? (Q1 ⊆ 6 tháng ⊆ Năm; Quý III ⊆ Năm.)"""
        return other.start <= self.start and self.end <= other.end

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.month)

    def __str__(self) -> str:
        return self.key


def parse_period(text: str) -> Period:
    """What clerks write: 'Q1/2025', 'Quý I năm 2025', '6T/2025', '6 tháng đầu năm 2025',
    '9 tháng 2025', 'Năm 2024', 'Tháng 3/2025', and the keys themselves ('2025-Q1')."""
    raw = text.strip()
    key = _KEY.match(raw.upper())
    if key:
        return _from_key(key)
    folded = fold(raw)
    year_match = re.search(r"(19|20)\d{2}", folded)
    if not year_match:
        raise PeriodError(text)
    year = int(year_match.group(0))
    rest = (folded[: year_match.start()] + " " + folded[year_match.end():]).strip()
    kind, month = _kind_of(rest)
    if kind is None:
        raise PeriodError(text)
    return Period(year, kind, month)


def _from_key(match: re.Match) -> Period:
    year, part = int(match.group(1)), match.group(2)
    if part.startswith("M") and part != "M9":
        return Period(year, PeriodKind.MONTH, int(part[1:]))
    kind = next(k for k, v in KEY_PART.items() if v == part)
    return Period(year, kind)


_PATTERNS: tuple[tuple[re.Pattern, object], ...] = (
    (re.compile(r"^(?:quy|q)\s*(i{1,3}|iv|[1-4])\b"), "quarter"),
    (re.compile(r"^(?:6|sau)\s*(?:t|thang)\b"), PeriodKind.H1),
    (re.compile(r"^(?:9|chin)\s*(?:t|thang)\b"), PeriodKind.M9),
    (re.compile(r"^(?:thang|t)\s*(\d{1,2})\b"), "month"),
    (re.compile(r"^(?:nam|ca nam|bao cao nam)\b"), PeriodKind.YEAR),
)


def _kind_of(rest: str) -> tuple[PeriodKind | None, int | None]:
    rest = re.sub(r"^(?:bao cao|ky|ky bao cao)\s+", "", rest)
    for pattern, kind in _PATTERNS:
        match = pattern.match(rest)
        if not match:
            continue
        if kind == "quarter":
            quarter = _ROMAN.get(match.group(1)) or int(match.group(1))
            return {1: PeriodKind.Q1, 3: PeriodKind.Q3}.get(quarter), None
        if kind == "month":
            month = int(match.group(1))
            return (PeriodKind.MONTH, month) if 1 <= month <= 12 else (None, None)
        return kind, None
    return None, None
