"""What a revision is compared with, fetched from the archive: the previous report and the same
period last year, translated into the form's edition where they were archived under another.

`against_archive` is the one place a checked form meets the prior-period rules when an
archive is at hand (archive put from the CLI, the add-in's save, the web upload, compare), so
"0 lỗi" means the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .. import definitions
from ..archive.store import Archive, Stored
from ..core.engine import check_form
from ..core.periods import Period
from ..core.registry import REGISTRY
from ..core.rules.registry import Needs
from ..core.reference import Prior, Reference, reference_from
from ..core.report import report_from_archive
from .check import Checked


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
class References:
    prior: Prior
    unmapped: list[Stored] = field(default_factory=list)  # archived under an edition with no mapping


def references(archive: Archive, unit: str, period: Period, edition_id: str) -> References:
    """The previous report and the same period last year of `unit`, in `edition_id`'s codes."""
    previous, lost_previous = reference(archive.previous(unit, period), edition_id)
    last_year, lost_last_year = reference(archive.same_period_last_year(unit, period), edition_id)
    unmapped = [s for s in (lost_previous, lost_last_year) if s is not None]
    return References(Prior(period, previous, last_year), unmapped)


def prior_value(archive: Archive, unit: str, period: Period, code: str, last_year: bool = False) -> Decimal | None:
    """One indicator's archived value before `period` (the previous report, or the same period
    last year), in the codes of the edition `unit` reported `period` on (else its own)."""
    stored = archive.same_period_last_year(unit, period) if last_year else archive.previous(unit, period)
    if stored is None:
        return None
    current = archive.get(unit, period, with_meta=False)  # only its edition is needed
    translated, _ = reference(stored, current.edition_id if current else stored.edition_id)
    return translated.values.get(code) if translated else None


def against_archive(archive: Archive, checked: Checked, unit: str, period: Period) -> Checked:
    """The checked form, checked again with the prior-period rules against what `unit` archived
    before `period` (unchanged when the form is unrecognised or there is nothing to compare with)."""
    if not checked.form.recognised or _compared(checked):
        return checked
    prior = references(archive, unit, period, checked.form.edition.id).prior
    if not prior.present:
        return Checked(checked.form, checked.report, compared=True)  # asked once (the web upload, then its put)
    report = check_form(checked.form, definitions.rulebook(), checked.report.path, prior)
    return Checked(checked.form, report, compared=True)


def _compared(checked: Checked) -> bool:
    """Whether it was compared already: here, or by an adapter that showed the prior-period
    rules' findings before archiving."""
    return checked.compared or any(rule.id in checked.report.scope for rule in REGISTRY.select((Needs.PRIOR,)))
