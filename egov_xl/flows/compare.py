"""Compare a checked form with the archive: the previous report and the same period last year,
translated into the form's edition where they were archived under another."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Archive, Stored
from ..core.periods import Period
from ..core.prior import Comparison, Reference, compare, reference_from
from ..core.report import report_from_archive
from ..settings import Limits
from .check import Checked, pick_form


def reference(stored: Stored | None, target_edition: str) -> tuple[Reference | None, Stored | None]:
    """The archived report in the current edition's codes; (None, stored) when it cannot be
    translated (no mapping between the two editions)."""
    if stored is None:
        return None, None
    report = report_from_archive(stored.edition_id, stored.values.values(), stored.unit, stored.period.key,
                                 stored.revision)
    mapping = None if stored.edition_id == target_edition else \
        definitions.mapping_between(stored.edition_id, target_edition)
    found = reference_from(report, stored.period, stored.revision, target_edition, mapping)
    return found, (None if found else stored)


@dataclass(slots=True)
class CompareResult:
    checked: Checked
    comparison: Comparison
    unmapped: list[Stored]


def compare_form(archive: Archive, checked: Checked, unit: str, period: Period) -> CompareResult:
    edition = checked.form.edition.id
    previous, lost_previous = reference(archive.previous(unit, period), edition)
    last_year, lost_last_year = reference(archive.same_period_last_year(unit, period), edition)
    comparison = compare(checked.form, period, previous, last_year, definitions.rulebook())
    unmapped = [s for s in (lost_previous, lost_last_year) if s is not None]
    return CompareResult(checked, comparison, unmapped)


def compare_file(archive: Archive, path: str | Path, unit: str, period: Period,
                 sheet: str | None = None, limits: Limits | None = None) -> CompareResult:
    return compare_form(archive, pick_form(path, sheet, limits=limits), unit, period)
