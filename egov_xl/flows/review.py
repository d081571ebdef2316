"""The receiving office's decision on an archived revision: accepted, or returned for
correction with a reason. Reviews are appended; the latest on the current revision is in force
(flows/review_status.py reads it)."""

from __future__ import annotations

from ..archive import overview
from ..archive.store import Archive
from ..core.periods import Period

DECISIONS = overview.DECISIONS


def valid(decision: str, reason: str) -> bool:
    """A known decision, and a reason whenever the revision is returned."""
    return decision in DECISIONS and (decision != "returned" or bool(reason.strip()))


def review(archive: Archive, unit: str, period: Period, revision: int, decision: str, reason: str,
           by: str) -> bool:
    """Record `decision` on revision `revision` of `unit` for `period`; False when there is no
    such revision. A decision that is not `valid` is a ValueError (the caller asks first)."""
    if not valid(decision, reason):
        raise ValueError(decision)
    target = [r for r in overview.revisions(archive, [unit]) if r.period == period and r.revision == revision]
    if not target:
        return False
    overview.add_review(archive, target[0].id, decision, reason.strip(), by)
    return True


def accept_all(archive: Archive, revision_ids: list[int], by: str) -> None:
    """Accept many revisions in one transaction (the board's bulk accept of clean reports)."""
    overview.accept_all(archive, revision_ids, by)
