"""Archiving and comparing forms: the engine's located forms in, the archive's revisions out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..core.findings import FormReport, Severity
from ..core.messages import kept_params
from ..core.prior import Comparison, Reference, compare
from ..core.spec import Kind
from ..validate import Checked, check_file
from ..workbook import ReadError
from .periods import Period
from .store import Accepted, Archive, NewSubmission, Stored, ValueIn


class ChoiceError(Exception):
    """The file holds several forms and none was chosen."""

    def __init__(self, path: str, sheets: list[str]):
        self.path, self.sheets = path, sheets
        super().__init__(path)


@dataclass(slots=True)
class PutResult:
    report: FormReport
    stored: Stored | None  # None: refused because of errors
    offered: dict[tuple[str, str | None], str]  # earlier accepted reasons for warnings firing again


def pick_form(path: str | Path, sheet: str | None = None, form_id: str | None = None) -> Checked:
    checked = check_file(path, form_id)
    if sheet is not None:
        checked = [c for c in checked if c.form.sheet == sheet]
        if not checked:
            raise ReadError("no_table", path=f"{path} [{sheet}]")
    if len(checked) > 1:
        raise ChoiceError(str(path), [c.form.sheet for c in checked])
    return checked[0]


def values_of(checked: Checked) -> list[ValueIn]:
    values = []
    for row in checked.form.rows.values():
        if row.spec.kind is Kind.HEADER:
            continue
        reading = row.value
        values.append(ValueIn(
            code=row.code, number=reading.number, decimals=reading.decimals,
            typed=None if reading.raw is None else str(reading.raw), unit=row.cells.unit or None,
        ))
    return values


def summary_of(report: FormReport) -> dict:
    return {
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "infos": report.count(Severity.INFO),
        "findings": [{"rule": f.rule, "severity": f.severity.value, "code": f.code,
                      "cell": str(f.cell) if f.cell else None, "params": kept_params(f.params)}
                     for f in report.findings],
    }


def put_file(
    archive: Archive,
    path: str | Path,
    unit: str,
    period: Period,
    archived_by: str,
    accepted: list[Accepted] = (),
    force_reason: str | None = None,
    sheet: str | None = None,
) -> PutResult:
    """Validate, then archive as the next revision; refuse a form with errors unless forced.
    The file's validation stamp, as found, is recorded in the summary (flows/stamp.py)."""
    from ..flows.stamp import archive_record

    checked = pick_form(path, sheet)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return put_checked(archive, checked, unit, period, archived_by, Path(path).name, digest, accepted, force_reason,
                       stamp=archive_record(path, checked))


def put_checked(
    archive: Archive,
    checked: Checked,
    unit: str,
    period: Period,
    archived_by: str,
    source_name: str,
    content_hash: str,
    accepted: list[Accepted] = (),
    force_reason: str | None = None,
    stamp: dict | None = None,
) -> PutResult:
    """Archive a validated form (from a file or from Excel); refuse errors unless forced.
    `stamp`, when given, is kept in the summary under "stamp"."""
    report = checked.report
    offered = _offered(archive, unit, period, report, accepted)
    if report.has_errors and not force_reason:
        return PutResult(report, None, offered)
    if not checked.form.recognised:
        raise ReadError("no_table", path=source_name)
    edition = checked.form.edition
    stored = archive.put(NewSubmission(
        unit=unit, period=period, edition_id=edition.id, edition_title=edition.title,
        values=values_of(checked), archived_by=archived_by, source_name=source_name,
        content_hash=content_hash, rules_version=definitions.rules_version(),
        summary={**summary_of(report), **({"stamp": stamp} if stamp else {})},
        accepted=list(accepted), forced_reason=force_reason if report.has_errors else None,
    ))
    return PutResult(report, stored, offered)


def _offered(archive, unit, period, report, accepted) -> dict:
    """Reasons accepted in earlier reports for warnings that fire again and are not yet accepted."""
    earlier = archive.accepted_before(unit, period)
    now = {(a.rule, a.code) for a in accepted}
    firing = {(f.rule, f.code) for f in report.findings if f.severity is Severity.WARNING}
    return {key: reason for key, reason in earlier.items() if key in firing and key not in now}


def reference(stored: Stored | None, target_edition: str) -> tuple[Reference | None, Stored | None]:
    """The archived report in the current edition's codes; (None, stored) when it cannot be."""
    if stored is None:
        return None, None
    numbers = {code: value.number for code, value in stored.values.items()}
    if stored.edition_id == target_edition:
        return Reference(stored.period, stored.edition_id, stored.revision, numbers), None
    mapping = definitions.mapping_between(stored.edition_id, target_edition)
    if mapping is None:
        return None, stored
    return Reference(stored.period, stored.edition_id, stored.revision, mapping.translate(numbers), mapping.id), None


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
                 sheet: str | None = None) -> CompareResult:
    return compare_form(archive, pick_form(path, sheet), unit, period)
