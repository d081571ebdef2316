"""Archive a checked form: validate, then store it as the next revision of its unit and period;
a form with errors is refused unless a reason forces it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Accepted, Archive, NewSubmission, Stored
from ..core.findings import FormReport, Severity
from ..core.messages import kept_params
from ..core.periods import Period
from ..core.report import ArchivedValue, archive_rows
from ..workbook import ReadError
from ..settings import Limits
from .check import Checked, pick_form
from .references import against_archive
from .review_status import returned_twin


@dataclass(slots=True)
class PutResult:
    report: FormReport
    stored: Stored | None  # None: refused because of errors
    offered: dict[tuple[str, str | None], str]  # earlier accepted reasons for warnings firing again
    unchanged: int | None = None  # stored, yet identical to this returned revision (flows.review_status)


def values_of(checked: Checked) -> list[ArchivedValue]:
    """The checked form's values as the archive stores them (core.report, the one conversion)."""
    return archive_rows(checked.form.report, checked.form.edition)


def summary_of(report: FormReport) -> dict:
    return {
        **report.summary.as_dict(),
        "scope": dict(sorted(report.scope.items())),  # the rules that ran (prior.* when compared)
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
    create_unit: bool = True,
    limits: Limits | None = None,
) -> PutResult:
    """Validate, then archive as the next revision; refuse a form with errors unless forced."""
    from .stamp import archive_record  # the file's validation stamp, as found, goes into the summary

    checked = pick_form(path, sheet, limits=limits)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return put_checked(archive, checked, unit, period, archived_by, Path(path).name, digest, accepted, force_reason,
                       stamp=archive_record(path, checked), create_unit=create_unit)


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
    create_unit: bool = True,
) -> PutResult:
    """Archive a validated form (from a file or from Excel), checked again against what the
    unit archived before (the prior-period rules, flows/references.py); refuse errors unless
    forced. `stamp`, when given, is kept in the summary under "stamp". With `create_unit` False,
    a unit the archive does not know is refused (ArchiveError archive_unit_unknown), nothing stored."""
    checked = against_archive(archive, checked, unit, period)
    report = checked.report
    offered = _offered(archive, unit, period, report, accepted)
    if report.has_errors and not force_reason:
        return PutResult(report, None, offered)
    if not checked.form.recognised:
        raise ReadError("no_table", path=source_name)
    edition = checked.form.edition
    twin = returned_twin(archive, unit, period, content_hash)
    stored = archive.put(NewSubmission(
        unit=unit, period=period, edition_id=edition.id, edition_title=edition.title,
        values=values_of(checked), archived_by=archived_by, source_name=source_name,
        content_hash=content_hash, rules_version=definitions.rules_version(),
        summary={**summary_of(report), **({"stamp": stamp} if stamp else {})},
        accepted=list(accepted), forced_reason=force_reason if report.has_errors else None,
        create_unit=create_unit,
    ))
    return PutResult(report, stored, offered, twin)


def _offered(archive, unit, period, report, accepted) -> dict:
    """Reasons accepted in earlier reports for warnings that fire again and are not yet accepted."""
    earlier = archive.accepted_before(unit, period)
    now = {(a.rule, a.code) for a in accepted}
    firing = {(f.rule, f.code) for f in report.findings if f.severity is Severity.WARNING}
    return {key: reason for key, reason in earlier.items() if key in firing and key not in now}
