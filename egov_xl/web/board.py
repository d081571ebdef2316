"""Tình hình nộp báo cáo: which units under a consolidating unit reported for which periods,
on time or late, clean or with errors, how the office reviewed the current revision, and who
sent a returned report back unchanged. Counted over every unit below the root (for the summary
on top); shown a page at a time, filtered by status in one period, searched, sorted and grouped
by kind of unit."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from functools import lru_cache
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from ..archive.calendar import Calendar
from ..archive.store import Archive
from ..core import unit_kinds
from ..core.periods import Period, PeriodError, parse_period
from ..flows import board as reads
from ..flows.board import Review, Revision, TreeUnit

PAGE_SIZE = 50
# the summary's groups (a unit may be in several), in the order shown, with their URL words
STATES = {"submitted": "da-nop", "on_time": "dung-han", "late": "tre-han", "errors": "co-loi",
          "returned": "tra-lai", "pending": "cho-danh-gia", "missing": "chua-nop"}
SORTS = ("ma", "ten", "trang-thai")
_WORST_FIRST = ("missing", "returned", "errors", "late", "pending")


@dataclass(frozen=True)
class Cell:
    revisions: int
    first: Revision
    current: Revision
    on_time: bool
    review: Review | None  # the review in force for the current revision
    unchanged: int | None = None  # the current revision is identical to this returned one

    @property
    def errors(self) -> int:
        return int(self.current.summary.get("errors", 0) or 0)

    @property
    def warnings(self) -> int:
        return int(self.current.summary.get("warnings", 0) or 0)

    @property
    def states(self) -> set[str]:
        found = {"submitted", "on_time" if self.on_time else "late"}
        if self.errors:
            found.add("errors")
        if self.unchanged is not None or (self.review and self.review.decision == "returned"):
            found.add("returned")
        if self.review is None:
            found.add("pending")
        return found

    @property
    def clean_pending(self) -> bool:
        """Waiting for review, no error, not an unchanged copy of a returned revision."""
        return self.review is None and not self.errors and self.unchanged is None


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
    _states: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def states(self, period: Period) -> frozenset[str]:
        key = period.key
        if key not in self._states:  # rows are kept between requests (_rows): worked out once
            cell = self.cells.get(key)
            self._states[key] = frozenset({"missing"} if cell is None else cell.states)
        return self._states[key]

    @property
    def contact(self) -> str:
        """Who last submitted for the unit (the person a reminder reaches), if anyone did."""
        latest = [c.current for c in self.cells.values() if c is not None]
        return max(latest, key=lambda r: r.archived_at).archived_by if latest else ""


@dataclass
class Board:
    root: TreeUnit
    periods: list[Period]  # the columns
    all_periods: list[Period]
    focus: Period | None  # the period the summary counts and the status filter look at
    units: int  # units below the root of the chosen kind and matching the search
    counts: dict[str, int]
    rates: list[Rate]
    matched: list[Row]  # every row passing the filters, in order
    page: int = 1
    page_size: int = PAGE_SIZE
    tree: dict[str, TreeUnit] = field(default_factory=dict, repr=False)  # the unit tree it was built from

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.matched) // self.page_size))

    @property
    def rows(self) -> list[Row]:
        start = (self.page - 1) * self.page_size
        return self.matched[start:start + self.page_size]

    def clean_pending(self) -> list[Cell]:
        """The focus period's revisions waiting for review without errors, among the matched rows."""
        if self.focus is None:
            return []
        cells = (row.cells.get(self.focus.key) for row in self.matched)
        return [cell for cell in cells if cell is not None and cell.clean_pending]


@dataclass(frozen=True)
class Query:
    """What the reader asked of the board (the page's URL parameters, checked)."""

    period: str | None = None
    kind: str | None = None
    state: str | None = None  # a key of STATES
    search: str = ""
    sort: str = "ma"
    page: int = 1

    @classmethod
    def of(cls, period=None, kind=None, state=None, search=None, sort=None, page=None) -> Query:
        words = {word: key for key, word in STATES.items()}
        kind = unit_kinds.kind_of(kind) or kind  # a bookmark's old key: the one key, shown selected
        return cls(period or None, kind or None, words.get(state or ""), (search or "").strip()[:100],
                   sort if sort in SORTS else "ma", max(1, page or 1))


@dataclass
class _Built:
    """A board's cells as of an archive state, with what they were made from (to bring up to date)."""

    stamp: tuple[int, int]
    grouped: dict[tuple[str, str], list[Revision]]
    in_force: dict[int, Review]
    periods: list[Period]
    all_periods: list[Period]
    rows: list[Row]


_BUILT: OrderedDict[tuple, _Built] = OrderedDict()  # recent boards, by what they were built from
_KEEP = 16
_LOCK = threading.Lock()


def build_board(archive: Archive, calendar: Calendar, root: str, query: Query | None = None,
                tree: dict[str, TreeUnit] | None = None) -> Board:
    """The board below `root` as `query` asks; `tree` is the unit tree when already read."""
    query = query or Query()
    tree = tree if tree is not None else reads.unit_tree(archive)
    kinds = {c: calendar.kind_of(tree[c].name, tree[c].kind) for c in reads.below(tree, root)}
    wanted = unit_kinds.kind_of(query.kind) or query.kind  # a bookmark's old key ("so-nganh") is the one key
    codes = [c for c, kind in kinds.items() if (not wanted or kind == wanted) and _found(tree[c], query.search)]
    periods, all_periods, rows = _rows(archive, calendar, tree, kinds, codes, _key(query.period))
    focus = periods[-1] if periods else None
    focused = [(row, row.states(focus)) for row in rows] if focus else []
    counts = {key: sum(1 for _, states in focused if key in states) for key in STATES} if focus else {}
    rates = [Rate(p, sum(1 for r in rows if r.cells[p.key]),
                  sum(1 for r in rows if r.cells[p.key] and r.cells[p.key].on_time), len(rows)) for p in periods]
    if query.state:
        matched = [row for row, states in focused if query.state in states]
    else:
        matched = list(rows)
    matched.sort(key=_order(query.sort, focus, [k.key for k in calendar.kinds]))
    board = Board(tree[root], periods, all_periods, focus, len(rows), counts, rates, matched, tree=tree)
    board.page = min(query.page, board.pages)
    return board


def _rows(archive: Archive, calendar: Calendar, tree: dict[str, TreeUnit], kinds: dict[str, str | None],
          codes: list[str], chosen: str | None) -> tuple[list[Period], list[Period], list[Row]]:
    """Every unit's cells. Revisions and reviews are append-only, so their newest ids
    (flows.board.stamp) tell whether a board built before is current; if not, only the revisions
    and reviews added since are read and only their units' rows built again (a deadline day's
    stream of revisions does not rebuild 3,400 rows each time). A new period rebuilds all."""
    key = (archive.url, id(calendar), chosen, hash(tuple((c, tree[c].name, kinds[c]) for c in codes)))
    stamp = reads.stamp(archive)
    with _LOCK:
        built = _BUILT.get(key)
    if built is None or built.stamp != stamp:  # built outside the lock: _update never changes `built`
        built = _update(built, archive, calendar, tree, kinds, codes, chosen, stamp)
    with _LOCK:  # requests run on worker threads
        if key not in _BUILT or _BUILT[key].stamp < built.stamp:
            _BUILT[key] = built
        _BUILT.move_to_end(key)
        while len(_BUILT) > _KEEP:
            _BUILT.popitem(last=False)
    return built.periods, built.all_periods, built.rows


def _update(built: _Built | None, archive: Archive, calendar: Calendar, tree: dict[str, TreeUnit],
            kinds: dict[str, str | None], codes: list[str], chosen: str | None, stamp: tuple[int, int]) -> _Built:
    since = built.stamp if built else (0, 0)
    new = reads.revisions(archive, codes, findings=False, ids=(since[0], stamp[0]))
    reviewed = reads.reviews_in_force(archive, codes, ids=(since[1], stamp[1]))
    if built is None or any(r.period not in built.all_periods for r in new):
        built = _Built(stamp, {}, {}, [], [], [])
        if since != (0, 0):  # a new period: read everything again
            new = reads.revisions(archive, codes, findings=False, ids=(0, stamp[0]))
            reviewed = reads.reviews_in_force(archive, codes, ids=(0, stamp[1]))
        changed = None
    else:
        owner = {r.id: r.unit for group in built.grouped.values() for r in group} | {r.id: r.unit for r in new}
        changed = {r.unit for r in new} | {owner[i] for i in reviewed if i in owner}
    grouped = dict(built.grouped)
    for revision in new:
        grouped[(revision.unit, revision.period.key)] = [*grouped.get((revision.unit, revision.period.key), []),
                                                          revision]
    in_force = {**built.in_force, **reviewed}
    all_periods = sorted({key[1]: group[0].period for key, group in grouped.items()}.values(),
                         key=lambda p: (p.end, p.key))
    periods = [p for p in all_periods if p.key == chosen] if chosen else all_periods
    due = {p.key: calendar.deadline(p) for p in periods}  # one moment per period, compared per revision
    kept = {row.unit.code: row for row in built.rows} if changed is not None else {}
    rows = [kept[code] if code in kept and code not in changed else _row(tree[code], kinds[code], grouped, due,
                                                                          calendar, in_force)
            for code in codes]
    return _Built(stamp, grouped, in_force, periods, all_periods, rows)


def _row(unit: TreeUnit, kind: str | None, grouped, due: dict, calendar: Calendar, in_force) -> Row:
    row = Row(unit, kind)
    for period_key, day in due.items():
        group = grouped.get((unit.code, period_key))
        row.cells[period_key] = _cell(group, calendar, day, in_force) if group else None
    return row


def _cell(group: list[Revision], calendar: Calendar, due: datetime, in_force: dict[int, Review]) -> Cell:
    current = group[-1]
    review = in_force.get(current.id)
    unchanged = None
    if review is None and len(group) > 1:
        twins = [r for r in group[:-1] if r.content_hash == current.content_hash
                 and (seen := in_force.get(r.id)) is not None and seen.decision == "returned"]
        unchanged = twins[-1].revision if twins else None
    on_time = group[0].archived_at < due
    return Cell(len(group), group[0], current, on_time, review, unchanged)


def _order(sort: str, focus: Period | None, kinds: list[str]):
    """Rows grouped by kind (the calendar's order, unclassified last), then by the chosen key."""
    def kind_rank(row: Row) -> int:
        return kinds.index(row.kind) if row.kind in kinds else len(kinds)

    def status_rank(row: Row) -> int:
        states = row.states(focus) if focus else set()
        return next((i for i, key in enumerate(_WORST_FIRST) if key in states), len(_WORST_FIRST))

    if sort == "ten":
        return lambda row: (kind_rank(row), folded(row.unit.name), natural(row.unit.code))
    if sort == "trang-thai":
        return lambda row: (kind_rank(row), status_rank(row), natural(row.unit.code))
    return lambda row: (kind_rank(row), natural(row.unit.code))


@lru_cache(maxsize=65536)
def natural(code: str) -> tuple:
    """XA-2 before XA-10."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", code))


def folded(text: str) -> str:
    """Lower case without diacritics, so "ninh binh" finds "Ninh Bình" and "đ" matches "d"."""
    text = unicodedata.normalize("NFD", (text or "").casefold().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _found(unit: TreeUnit, search: str) -> bool:
    if not search:
        return True
    wanted = folded(search)
    return wanted in folded(unit.code) or wanted in folded(unit.name)


def _key(text: str | None) -> str | None:
    try:
        return parse_period(text).key if text else None
    except PeriodError:
        return None
