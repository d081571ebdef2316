"""One unit's page: its revisions per period (who, when, file hash, findings, reviews), the
difference between two revisions, and each indicator over the periods beside its peers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from ..archive import overview
from ..archive.calendar import Calendar
from ..archive.overview import Review, Revision
from ..core.periods import Period
from ..archive.store import Archive, Stored
from ..core.prior import change_percent


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
    found = overview.revisions(archive, [unit])
    reviewed = overview.reviews(archive, [r.id for r in found])
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

    @property
    def percent(self) -> Decimal | None:
        if self.old is None or self.new is None:
            return None
        return change_percent(self.new - self.old, self.old)


def difference(old: Stored, new: Stored) -> list[Change]:
    """Indicators whose value differs between two revisions, in the form's order."""
    codes = list(dict.fromkeys([*old.values, *new.values]))
    changes = []
    for code in codes:
        a, b = old.values.get(code), new.values.get(code)
        before, after = a.number if a else None, b.number if b else None
        if before != after:
            changes.append(Change(code, before, after))
    return changes


@dataclass(frozen=True)
class Series:
    code: str
    periods: list[Period]
    own: list[Decimal | None]
    median: list[Decimal | None]
    low: list[Decimal | None]
    high: list[Decimal | None]
    changes: list[Decimal | None]  # change in percent against the period before


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


def peer_view(peers: list[str], readable) -> PeerView:
    """`readable(unit)`: may the visitor read that unit."""
    if all(readable(p) for p in peers):
        return PeerView(peers, True)
    return PeerView(peers if len(peers) >= MIN_MEDIAN_PEERS else [], False)


def series(own: dict[Period, dict], peers: list[dict[Period, dict]], spread: bool = True) -> list[Series]:
    """Each indicator over the periods, beside its peers' median (and lowest and highest,
    with `spread`: peers the visitor may read). Without `spread` the median is shown only
    over at least MIN_MEDIAN_PEERS figures of that indicator and period."""
    periods = sorted(own, key=lambda p: (p.end, p.key))
    codes = list(dict.fromkeys(code for period in periods for code in own[period]))
    result = []
    for code in codes:
        values = [own[p].get(code) for p in periods]
        spreads = [[v for peer in peers if (v := peer.get(p, {}).get(code)) is not None] for p in periods]
        changes = [None] + [None if a is None or b is None else change_percent(b - a, a)
                            for a, b in zip(values, values[1:])]
        enough = 1 if spread else MIN_MEDIAN_PEERS  # figures, not peers: silent peers hide nothing
        result.append(Series(code, periods, values, [median(s) if len(s) >= enough else None for s in spreads],
                             [min(s) if s and spread else None for s in spreads],
                             [max(s) if s and spread else None for s in spreads], changes))
    return [s for s in result if any(v is not None for v in s.own)]
