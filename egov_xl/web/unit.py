"""One unit's page: its revisions per period (who, when, file hash, findings, reviews), the
difference between two revisions, a period's indicators against the previous report and the
same period last year, and each indicator over the periods beside its peers. Changes follow the
indicator's nature as core/rules/prior.py does (a stock against the previous report, a flow,
accumulated within the year, only against the same window of another year)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from .. import definitions
from ..archive.calendar import Calendar
from ..core.periods import Period
from ..archive.store import Archive, Stored
from ..core.prior import change_percent
from ..core.rules.prior import basis, comparable
from ..core.spec import Kind, Nature, RowSpec
from ..flows import board as reads
from ..flows.board import Review, Revision
from ..flows.compare import compare_archived


@dataclass
class PeriodBlock:
    period: Period
    due: object
    revisions: list[tuple[Revision, list[Review]]]

    @property
    def returned(self) -> Review | None:
        """The current revision's review in force, when it is a return for correction."""
        reviews = self.revisions[-1][1]
        return reviews[-1] if reviews and reviews[-1].decision == "returned" else None


def blocks(archive: Archive, unit: str, calendar: Calendar) -> list[PeriodBlock]:
    found = reads.revisions(archive, [unit])
    reviewed = reads.reviews(archive, [r.id for r in found])
    by_period: dict[str, PeriodBlock] = {}
    for revision in found:
        block = by_period.setdefault(revision.period.key,
                                     PeriodBlock(revision.period, calendar.due(revision.period), []))
        block.revisions.append((revision, reviewed.get(revision.id, [])))
    return sorted(by_period.values(), key=lambda b: b.period.end, reverse=True)


@dataclass(frozen=True)
class Change:
    code: str
    old: Decimal | None
    new: Decimal | None
    ratio: bool = False  # a ratio or a percentage: its change is in percentage points

    @property
    def percent(self) -> Decimal | None:
        """The change: in percentage points for a ratio, else in percent of the old value."""
        return step(self.old, self.new, self.ratio)


def step(old: Decimal | None, new: Decimal | None, ratio: bool) -> Decimal | None:
    if old is None or new is None:
        return None
    return new - old if ratio else change_percent(new - old, old)


def ratio_codes(edition_id: str | None = None) -> frozenset[str]:
    """The codes whose value is a ratio or a percentage (in this edition, or in any)."""
    found = [definitions.edition(edition_id)] if edition_id else list(definitions.editions())
    return frozenset(row.code for edition in found if edition for row in edition.rows
                     if row.kind in (Kind.RATIO, Kind.PERCENT))


def difference(old: Stored, new: Stored) -> list[Change]:
    """Indicators whose value differs between two revisions, in the form's order."""
    codes = list(dict.fromkeys([*old.values, *new.values]))
    ratios = ratio_codes(new.edition_id)
    changes = []
    for code in codes:
        a, b = old.values.get(code), new.values.get(code)
        before, after = a.number if a else None, b.number if b else None
        if before != after:
            changes.append(Change(code, before, after, code in ratios))
    return changes


@dataclass(frozen=True)
class Against:
    """One side of an indicator's comparison: the value compared with and the change (percentage
    points for a ratio, percent of it else), or the catalogue key of why there is no change."""

    value: Decimal | None = None
    change: Decimal | None = None
    why: str | None = None


@dataclass(frozen=True)
class IndicatorChange:
    code: str
    label: str
    nature: Nature | None
    value: Decimal | None
    ratio: bool
    basis: str  # "previous" (a stock) or "last_year" (a flow): the comparison the rules judge by
    previous: Against
    last_year: Against


@dataclass(frozen=True)
class PeriodComparison:
    period: Period
    previous: Period | None  # the windows compared with: the previous report's, last year's
    last_year: Period | None
    rows: list[IndicatorChange]


def period_comparison(archive: Archive, unit: str, period: Period) -> PeriodComparison | None:
    """The current revision of `period` against the previous report and the same period last
    year, per indicator with a value (core.prior's comparison, through flows.compare); None
    when nothing is archived for it, or nothing to compare with."""
    found = compare_archived(archive, unit, period)
    if found is None or not (found.comparison.previous or found.comparison.last_year):
        return None
    previous, last_year = found.comparison.previous, found.comparison.last_year
    specs = found.edition.by_code
    rows = [_indicator(specs[row.code], row.current, period,
                       (previous.window if previous else None, row.previous),
                       (last_year.window if last_year else None, row.last_year))
            for row in found.comparison.rows if row.current is not None]
    return PeriodComparison(period, previous.window if previous else None,
                            last_year.window if last_year else None, rows)


def _indicator(spec: RowSpec, value: Decimal, period: Period, previous: tuple, last_year: tuple) -> IndicatorChange:
    ratio = spec.kind in (Kind.RATIO, Kind.PERCENT)
    flow = spec.nature is Nature.FLOW  # compared only with a like window: last year's
    sides = [_against(spec, value, period, window, prior, ratio, like=name == "last_year" or not flow)
             for name, (window, prior) in (("previous", previous), ("last_year", last_year))]
    return IndicatorChange(spec.code, spec.label, spec.nature, value, ratio, basis(spec), *sides)


def _against(spec: RowSpec, value: Decimal, period: Period, window: Period | None, prior: Decimal | None,
             ratio: bool, like: bool) -> Against:
    """`value` against `prior` over `window`: no change for a flow against another window
    (`like` false), across a change of basis, or for a coded status (0/1/2)."""
    if window is None or prior is None:
        return Against()
    if not like:
        return Against(prior, why="web_cmp_flow")
    if not comparable(spec, window, period):
        return Against(prior, why="web_cmp_basis")
    if spec.kind is Kind.CODED:
        return Against(prior)
    return Against(prior, step(prior, value, ratio))


@dataclass(frozen=True)
class Series:
    code: str
    periods: list[Period]
    own: list[Decimal | None]
    median: list[Decimal | None]
    low: list[Decimal | None]
    high: list[Decimal | None]
    changes: list[Decimal | None]  # change against the basis (percentage points for a ratio)
    ratio: bool = False
    basis: str = "previous"  # the period before (a stock), or the same period last year (a flow)


MIN_MEDIAN_PEERS = 5  # a median over fewer units tells too much about each


@dataclass(frozen=True)
class PeerView:
    """Which peers' figures a unit's page may use: all of them with their spread (the visitor
    may read every peer), or only their median over at least MIN_MEDIAN_PEERS, or nothing."""

    peers: list[str]
    spread: bool  # lowest and highest shown

    @property
    def key(self) -> str | None:
        """The catalogue key of the sentence that says what the page compares with."""
        return None if not self.peers else "web_peers" if self.spread else "web_peers_median"


def same_kind_siblings(tree: dict[str, reads.TreeUnit], unit: str, calendar: Calendar) -> list[str]:
    """The unit's peers: the units beside it (same parent) of the same kind, a commune beside
    communes; the kind imported with each unit first, the guess from its name otherwise."""
    info = tree[unit]
    kind = calendar.kind_of(info.name, info.kind)
    return [c for c, i in tree.items() if i.parent and i.parent == info.parent and c != unit
            and calendar.kind_of(i.name, i.kind) == kind]


def peer_view(peers: list[str], readable) -> PeerView:
    """`readable(unit)`: may the visitor read that unit."""
    if all(readable(p) for p in peers):
        return PeerView(peers, True)
    return PeerView(peers if len(peers) >= MIN_MEDIAN_PEERS else [], False)


def series(own: dict[Period, dict], peers: list[dict[Period, dict]], spread: bool = True,
           ratios: frozenset[str] = frozenset(), specs: dict[str, RowSpec] | None = None) -> list[Series]:
    """Each indicator over the periods, beside its peers' median (and lowest and highest,
    with `spread`: peers the visitor may read); a ratio's change in percentage points, each
    change against the indicator's basis (`specs`: its nature; a stock when unknown). Without
    `spread` the median is shown only over at least MIN_MEDIAN_PEERS figures of that indicator
    and period."""
    periods = sorted(own, key=lambda p: (p.end, p.key))
    codes = list(dict.fromkeys(code for period in periods for code in own[period]))
    result = []
    for code in codes:
        values = [own[p].get(code) for p in periods]
        spreads = [[v for peer in peers if (v := peer.get(p, {}).get(code)) is not None] for p in periods]
        spec = (specs or {}).get(code)
        changes = _changes(periods, values, spec, code in ratios)
        enough = 1 if spread else MIN_MEDIAN_PEERS  # figures, not peers: silent peers hide nothing
        result.append(Series(code, periods, values, [median(s) if len(s) >= enough else None for s in spreads],
                             [min(s) if s and spread else None for s in spreads],
                             [max(s) if s and spread else None for s in spreads], changes, code in ratios,
                             basis(spec) if spec else "previous"))
    return [s for s in result if any(v is not None for v in s.own)]


def _changes(periods: list[Period], values: list, spec: RowSpec | None, ratio: bool) -> list[Decimal | None]:
    """Each period's change against its basis among the periods shown: the period before for a
    stock, the same period a year earlier for a flow; none across a change of basis or for a
    coded status."""
    flow = spec is not None and spec.nature is Nature.FLOW
    where = {p: i for i, p in enumerate(periods)}
    found = []
    for i, period in enumerate(periods):
        j = where.get(period.same_period_last_year()) if flow else (i - 1 if i else None)
        if j is None or (spec is not None and (spec.kind is Kind.CODED or not comparable(spec, periods[j], period))):
            found.append(None)
            continue
        found.append(step(values[j], values[i], ratio))
    return found


@dataclass(frozen=True)
class FormLine:
    """One line of the form as the unit submitted it: code, label, value, and what the check said."""

    code: str
    label: str
    value: Decimal | None
    typed: str | None
    findings: list[dict]
    header: bool = False


def submitted_form(stored: Stored | None, findings: list[dict]) -> list[FormLine]:
    """The current revision of a period laid out in its edition's order, each line with the
    findings kept for its code (the page reads them as sentences)."""
    if stored is None:
        return []
    edition = definitions.edition(stored.edition_id)
    by_code: dict[str, list[dict]] = {}
    for entry in findings:
        by_code.setdefault(str(entry.get("code") or ""), []).append(entry)
    if edition is None:  # an edition no longer shipped: the values in archive order, without labels
        return [FormLine(code, "", v.number, v.typed, by_code.get(code, [])) for code, v in stored.values.items()]
    lines = []
    for row in edition.rows:
        kept = stored.values.get(row.code)
        lines.append(FormLine(row.code, row.label, kept.number if kept else None, kept.typed if kept else None,
                              by_code.get(row.code, []), row.kind is Kind.HEADER))
    return lines


def missed_periods(due_periods: list[Period], blocks: list[PeriodBlock],
                   calendar: Calendar) -> list[tuple[Period, object]]:
    """The periods the unit's peers reported and it did not, newest first, with their due dates."""
    reported = {b.period.key for b in blocks}
    return [(p, calendar.due(p)) for p in due_periods if p.key not in reported]


def row_specs() -> dict[str, RowSpec]:
    """Each indicator code's definition (label, kind, nature), from the newest edition that has it."""
    found: dict[str, RowSpec] = {}
    for edition in definitions.editions():
        for row in edition.rows:
            found.setdefault(row.code, row)
    return found


def row_names() -> dict[str, tuple[str, Kind]]:
    """Each indicator code's label and kind, from the newest edition that has it."""
    return {code: (row.label, row.kind) for code, row in row_specs().items()}
