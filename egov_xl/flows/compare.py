"""Compare a checked form, or a report already archived, with the archive: the previous report
and the same period last year, translated into the form's edition where they were archived
under another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Archive, Stored
from ..core.periods import Period
from ..core.prior import Comparison, compare, compare_reports
from ..core.report import report_from_archive
from ..core.spec import Edition
from ..settings import Limits
from .check import Checked, pick_form
from .references import reference, references

__all__ = ["ArchivedComparison", "CompareResult", "compare_archived", "compare_file", "compare_form", "reference"]


@dataclass(slots=True)
class CompareResult:
    checked: Checked
    comparison: Comparison
    unmapped: list[Stored]


def compare_form(archive: Archive, checked: Checked, unit: str, period: Period) -> CompareResult:
    found = references(archive, unit, period, checked.form.edition.id)
    comparison = compare(checked.form, period, found.prior.previous, found.prior.last_year, definitions.rulebook())
    return CompareResult(checked, comparison, found.unmapped)


def compare_file(archive: Archive, path: str | Path, unit: str, period: Period,
                 sheet: str | None = None, limits: Limits | None = None) -> CompareResult:
    return compare_form(archive, pick_form(path, sheet, limits=limits), unit, period)


@dataclass(slots=True)
class ArchivedComparison:
    """A period's current revision against the unit's previous report and the same period last
    year (core.prior: a stock against the previous, a flow against last year's like window)."""

    edition: Edition
    comparison: Comparison


def compare_archived(archive: Archive, unit: str, period: Period) -> ArchivedComparison | None:
    """The current revision of `unit`'s `period` compared like a form being archived; None when
    nothing is archived for it or its edition is no longer shipped."""
    stored = archive.get(unit, period, with_meta=False)
    edition = definitions.edition(stored.edition_id) if stored else None
    if edition is None:
        return None
    report = report_from_archive(stored.edition_id, stored.values.values(), unit, period.key, stored.revision)
    found = references(archive, unit, period, edition.id).prior
    comparison = compare_reports(edition, report, period, found.previous, found.last_year, definitions.rulebook())
    return ArchivedComparison(edition, comparison)
