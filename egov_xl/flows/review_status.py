"""Where a unit's report of one period stands: not archived, waiting for review, accepted, or
returned for correction with the receiving office's reason (the latest review of the current
revision is in force; reviews are written in the web console, egov_xl/web)."""

from __future__ import annotations

from dataclasses import dataclass

from ..archive import overview
from ..archive.overview import Review, Revision
from ..core.periods import Period
from ..archive.store import Archive


@dataclass(frozen=True, slots=True)
class Standing:
    revision: Revision | None  # the current revision, None when nothing is archived
    review: Review | None  # the review in force on it

    @property
    def state(self) -> str:
        """"none", "pending", "accepted" or "returned"."""
        if self.revision is None:
            return "none"
        return "pending" if self.review is None else self.review.decision


def standing(archive: Archive, unit: str, period: Period) -> Standing:
    current = [r for r in overview.revisions(archive, [unit]) if r.period.key == period.key]
    if not current:
        return Standing(None, None)
    revision = max(current, key=lambda r: r.revision)
    reviews = overview.reviews(archive, [revision.id]).get(revision.id, [])
    return Standing(revision, reviews[-1] if reviews else None)


def returned_twin(archive: Archive, unit: str, period: Period, content_hash: str) -> int | None:
    """The number of the returned revision this very content repeats (a report sent back
    unchanged after a return for correction), None otherwise: the one check the web upload,
    the CLI `archive put` and the add-in's save make, each saying it with "archive_unchanged"."""
    return overview.returned_twin(archive, unit, period, content_hash)
