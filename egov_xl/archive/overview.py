"""What a receiving office reads across many units at once: the unit tree, every revision's
metadata (no values), and the reviews it wrote. Reviews are appended, never edited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, insert, select

from . import models
from .db import Database, no_nul
from ..core.periods import Period, parse_period
from .tree import TreeUnit

DECISIONS = ("accepted", "returned")


@dataclass(frozen=True, slots=True)
class Revision:
    """One archived revision without its values."""

    id: int
    unit: str
    period: Period
    revision: int
    archived_by: str
    archived_at: datetime
    source_name: str
    content_hash: str
    summary: dict
    forced_reason: str | None
    accepted: int  # warnings accepted with a reason


@dataclass(frozen=True, slots=True)
class Review:
    submission_id: int
    decision: str
    reason: str | None
    reviewed_by: str
    reviewed_at: datetime


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def units(db: Database) -> dict[str, TreeUnit]:
    parent = models.units.alias("parent")
    query = (select(models.Unit.code, models.Unit.name, parent.c.code, models.Unit.kind)
             .outerjoin(parent, models.Unit.parent_id == parent.c.id).order_by(models.Unit.code))
    with db.read() as conn:
        return {code: TreeUnit(code, name, up, kind=kind) for code, name, up, kind in conn.execute(query)}


def below(tree: dict[str, TreeUnit], root: str) -> list[str]:
    """Every unit under `root` (not `root` itself), depth first, each once."""
    children = _children(tree)
    found: dict[str, None] = {}  # ordered, and a set for the test
    stack = sorted(children.get(root, []), reverse=True)
    while stack:
        code = stack.pop()
        if code in found or code == root:
            continue
        found[code] = None
        stack.extend(sorted(children.get(code, []), reverse=True))
    return list(found)


def revisions(db: Database, unit_codes: list[str], findings: bool = True,
              ids: tuple[int, int | None] = (0, None)) -> list[Revision]:
    """Every revision of these units, oldest first within each unit-period. Without `findings`
    the summary holds only the error and warning counts (read in SQL: no JSON decoded per row),
    which is what the board needs for thousands of units. `ids` (after, up to) bounds the
    revisions' ids: the table is append-only, so a reader may fetch only what is new."""
    if not unit_codes:
        return []
    s, u, p, a = models.Submission, models.Unit, models.Period, models.AcceptedWarning
    # accepted warnings counted in one pass, joined (accepted_warnings has no index on submission_id:
    # a correlated count would scan it once per revision)
    counted = (select(a.submission_id, func.count(a.id).label("n")).where(a.submission_id > ids[0])
               .group_by(a.submission_id).subquery())
    summary = (s.summary,) if findings else (s.summary["errors"].as_integer(), s.summary["warnings"].as_integer())
    query = (select(s.id, u.code, p.key, s.revision, s.archived_by, s.archived_at, s.source_name,
                    s.content_hash, s.forced_reason, func.coalesce(counted.c.n, 0), *summary)
             .join(u, s.unit_id == u.id).join(p, s.period_id == p.id)
             .outerjoin(counted, counted.c.submission_id == s.id)
             .where(u.code.in_(unit_codes), *_bounded(s.id, ids)).order_by(u.code, p.end, s.revision))
    periods: dict[str, Period] = {}
    found = []
    with db.read() as conn:
        rows = conn.execute(query).all()
    for row in rows:
        kept = (row[10] or {}) if findings else {"errors": row[10] or 0, "warnings": row[11] or 0}
        period = periods.get(row[2]) or periods.setdefault(row[2], parse_period(row[2]))
        found.append(Revision(row[0], row[1], period, row[3], row[4], _utc(row[5]), row[6], row[7],
                              kept, row[8], row[9]))
    return found


def _bounded(column, ids: tuple[int, int | None]) -> list:
    after, upto = ids
    return [column > after] + ([column <= upto] if upto is not None else [])


def reviews_in_force(db: Database, unit_codes: list[str],
                     ids: tuple[int, int | None] = (0, None)) -> dict[int, Review]:
    """The review in force (the latest) of every reviewed revision of these units, one query;
    `ids` (after, up to) bounds the reviews' ids (append-only, like revisions)."""
    if not unit_codes:
        return {}
    r, s, u = models.Review, models.Submission, models.Unit
    query = (select(r.submission_id, r.decision, r.reason, r.reviewed_by, r.reviewed_at)
             .join(s, r.submission_id == s.id).join(u, s.unit_id == u.id)
             .where(u.code.in_(unit_codes), *_bounded(r.id, ids)).order_by(r.id))
    with db.read() as conn:
        rows = conn.execute(query).all()  # one fetch: far cheaper than row by row at thousands of units
    return {row[0]: Review(row[0], row[1], row[2], row[3], _utc(row[4])) for row in rows}  # the last one wins


def returned_twin(db: Database, unit: str, period: Period, content_hash: str) -> int | None:
    """The number of an earlier revision of `unit` for `period` with this very content whose
    review in force is a return for correction: the same file sent back unchanged."""
    found = [r for r in revisions(db, [unit], findings=False) if r.period == period]
    if not found:
        return None
    in_force = reviews_in_force(db, [unit])
    for revision in reversed(found):
        review = in_force.get(revision.id)
        if revision.content_hash == content_hash and review is not None and review.decision == "returned":
            return revision.revision
    return None


def current_values(db: Database, unit_codes: list[str]) -> dict[str, dict[Period, dict[str, Decimal | None]]]:
    """The numbers of the current (latest) revision of every period each unit reported, for
    many units in one round trip: unit → period → code → number."""
    if not unit_codes:
        return {}
    s, u, p, v = models.Submission, models.Unit, models.Period, models.Value
    latest = (select(s.unit_id, s.period_id, func.max(s.revision).label("revision"))
              .join(u, s.unit_id == u.id).where(u.code.in_(unit_codes))
              .group_by(s.unit_id, s.period_id).subquery())
    query = (select(u.code, p.key, v.code, v.number).select_from(s)
             .join(latest, (latest.c.unit_id == s.unit_id) & (latest.c.period_id == s.period_id)
                   & (latest.c.revision == s.revision))
             .join(u, s.unit_id == u.id).join(p, s.period_id == p.id).join(v, v.submission_id == s.id)
             .order_by(u.code, p.end, v.id))
    found: dict[str, dict[Period, dict[str, Decimal | None]]] = {}
    periods: dict[str, Period] = {}
    with db.read() as conn:
        for unit, key, code, number in conn.execute(query):
            period = periods.get(key) or periods.setdefault(key, parse_period(key))
            found.setdefault(unit, {}).setdefault(period, {})[code] = None if number is None else Decimal(number)
    return found


def children_in(tree: dict[str, TreeUnit]):
    """`children_of` for the access checks, answered from a tree already read (no query per unit)."""
    children = _children(tree)
    return lambda code: children.get(code, [])


def _children(tree: dict[str, TreeUnit]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for info in tree.values():
        if info.parent:
            children.setdefault(info.parent, []).append(info.code)
    return children


def reviews(db: Database, submission_ids: list[int]) -> dict[int, list[Review]]:
    """Reviews of these revisions, oldest first: the last one is in force."""
    if not submission_ids:
        return {}
    r = models.Review
    query = (select(r.submission_id, r.decision, r.reason, r.reviewed_by, r.reviewed_at)
             .where(r.submission_id.in_(submission_ids)).order_by(r.id))
    found: dict[int, list[Review]] = {}
    with db.read() as conn:
        for row in conn.execute(query):
            found.setdefault(row[0], []).append(Review(row[0], row[1], row[2], row[3], _utc(row[4])))
    return found


def add_review(db: Database, submission_id: int, decision: str, reason: str | None, by: str) -> None:
    if decision not in DECISIONS:
        raise ValueError(decision)
    with db.write() as conn:
        conn.execute(insert(models.reviews).values(submission_id=submission_id, decision=decision,
                                                   reason=no_nul(reason) or None, reviewed_by=no_nul(by),
                                                   reviewed_at=datetime.now(UTC)))


def accept_all(db: Database, submission_ids: list[int], by: str) -> None:
    """Accept many revisions in one transaction (the board's bulk accept of clean reports)."""
    if not submission_ids:
        return
    moment = datetime.now(UTC)
    with db.write() as conn:
        conn.execute(insert(models.reviews), [dict(submission_id=i, decision="accepted", reason=None,
                                                   reviewed_by=no_nul(by), reviewed_at=moment) for i in submission_ids])


def stamp(db: Database) -> tuple[int, int]:
    """The newest revision's and the newest review's ids: both tables are append-only, so the
    pair changes whenever anything the board shows about revisions and reviews changes."""
    query = select(select(func.max(models.Submission.id)).scalar_subquery(),
                   select(func.max(models.Review.id)).scalar_subquery())
    with db.read() as conn:
        newest, reviewed = conn.execute(query).one()
    return newest or 0, reviewed or 0
