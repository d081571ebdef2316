"""Tình hình nộp báo cáo: which units under a consolidating unit reported for which periods,
on time or late, clean or with errors, and how the office reviewed the current revision."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..archive import overview
from ..archive.calendar import Calendar
from ..archive.overview import Review, Revision
from ..archive.tree import TreeUnit
from ..core.periods import Period, PeriodError, parse_period
from ..archive.store import Archive


@dataclass(frozen=True)
class Cell:
    revisions: int
    first: Revision
    current: Revision
    on_time: bool
    review: Review | None  # the review in force for the current revision

    @property
    def errors(self) -> int:
        return int(self.current.summary.get("errors", 0))

    @property
    def warnings(self) -> int:
        return int(self.current.summary.get("warnings", 0))


@dataclass(frozen=True)
class Rate:
    period: Period
    submitted: int
    on_time: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.submitted / self.total if self.total else 0.0


@dataclass
class Row:
    unit: TreeUnit
    kind: str | None
    cells: dict[str, Cell | None] = field(default_factory=dict)


@dataclass
class Board:
    root: str
    periods: list[Period]
    rows: list[Row]
    rates: list[Rate]
    all_periods: list[Period]


def in_force(found: dict[int, list[Review]], revision: Revision) -> Review | None:
    return (found.get(revision.id) or [None])[-1]


def build_board(archive: Archive, calendar: Calendar, root: str, period_key: str | None = None,
                kind: str | None = None) -> Board:
    tree = overview.units(archive)
    codes = [c for c in overview.below(tree, root) if not kind or calendar.kind_of(tree[c].name) == kind]
    revisions = overview.revisions(archive, codes)
    grouped: dict[tuple[str, str], list[Revision]] = {}
    for revision in revisions:
        grouped.setdefault((revision.unit, revision.period.key), []).append(revision)
    all_periods = sorted({r.period for r in revisions}, key=lambda p: (p.end, p.key))
    periods = [p for p in all_periods if p.key == _key(period_key)] if period_key else all_periods
    found = overview.reviews(archive, [group[-1].id for group in grouped.values()])
    rows = []
    for code in codes:
        row = Row(tree[code], calendar.kind_of(tree[code].name))
        for period in periods:
            group = grouped.get((code, period.key))
            row.cells[period.key] = None if not group else Cell(
                len(group), group[0], group[-1], calendar.on_time(period, group[0].archived_at),
                in_force(found, group[-1]))
        rows.append(row)
    rates = [Rate(p, sum(1 for r in rows if r.cells[p.key]),
                  sum(1 for r in rows if r.cells[p.key] and r.cells[p.key].on_time), len(rows)) for p in periods]
    return Board(root, periods, rows, rates, all_periods)


def _key(text: str | None) -> str | None:
    try:
        return parse_period(text).key if text else None
    except PeriodError:
        return None
