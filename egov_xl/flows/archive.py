"""Archive a checked form: validate, then store it as the next revision of its unit and period;
a form with errors is refused unless a reason forces it, a form whose title names another unit
or period (core/title_check.py) unless the caller confirms it (recorded in the summary)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Accepted, Archive, NewSubmission, Stored
from ..core.errors import UserError
from ..core.findings import FormReport, Severity
from ..core.messages import kept_params
from ..core.periods import Period
from ..core.report import ArchivedValue, archive_rows
from ..core.title_check import TitleCheck, check_title
from ..workbook import ReadError
from ..settings import Limits
from .check import Checked, pick_form
from .references import against_archive


@dataclass(slots=True)
class PutResult:
    report: FormReport
    stored: Stored | None  # None: refused because of errors
    offered: dict[tuple[str, str | None], str]  # earlier accepted reasons for warnings firing again


class TitleMismatch(UserError):
    """The file's title names another unit or period than the one chosen; not archived."""

    def __init__(self, path: str, check: TitleCheck, unit: str, period: Period):
        super().__init__("archive_title_mismatch", path=path, title=check.stated, unit=unit, period=period.label)
        self.check = check

    def worded(self, key: str) -> UserError:
        """The same refusal in an adapter's own words (the add-in's checkbox, the page's)."""
        return UserError(key, **self.params)


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
    confirm_mismatch: bool = False,
) -> PutResult:
    """Validate, then archive as the next revision; refuse a form with errors unless forced,
    one whose title names another unit or period unless confirmed (TitleMismatch)."""
    from .stamp import archive_record  # the file's validation stamp, as found, goes into the summary

    checked = pick_form(path, sheet, limits=limits)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return put_checked(archive, checked, unit, period, archived_by, Path(path).name, digest, accepted, force_reason,
                       stamp=archive_record(path, checked), create_unit=create_unit,
                       confirm_mismatch=confirm_mismatch)


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
    confirm_mismatch: bool = False,
) -> PutResult:
    """Archive a validated form (from a file or from Excel), checked again against what the
    unit archived before (the prior-period rules, flows/references.py); refuse errors unless
    forced, and a title naming another unit or period unless confirmed (TitleMismatch; a
    confirmed one is kept in the summary under "title_mismatch"). `stamp`, when given, is kept
    in the summary under "stamp". With `create_unit` False, a unit the archive does not know is
    refused (ArchiveError archive_unit_unknown), nothing stored."""
    named = checked.report.title_units
    listed = _listed_name(archive, unit) if named else None  # nothing to compare: no query
    title = check_title(named, checked.report.title_period, unit, listed, period)
    if title.mismatch and not confirm_mismatch:
        raise TitleMismatch(source_name, title, f"{unit} ({listed})" if listed and listed != unit else unit, period)
    checked = against_archive(archive, checked, unit, period)
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
        summary={**summary_of(report), **({"stamp": stamp} if stamp else {}),
                 **({"title_mismatch": title.as_dict()} if title.mismatch else {})},
        accepted=list(accepted), forced_reason=force_reason if report.has_errors else None,
        create_unit=create_unit,
    ))
    return PutResult(report, stored, offered)


def _listed_name(archive: Archive, unit: str) -> str | None:
    """The unit's name in the archive's unit list (its code when only the code is known)."""
    from ..archive.overview import units

    listed = units(archive).get(unit)
    return listed.name if listed else None


def _offered(archive, unit, period, report, accepted) -> dict:
    """Reasons accepted in earlier reports for warnings that fire again and are not yet accepted."""
    earlier = archive.accepted_before(unit, period)
    now = {(a.rule, a.code) for a in accepted}
    firing = {(f.rule, f.code) for f in report.findings if f.severity is Severity.WARNING}
    return {key: reason for key, reason in earlier.items() if key in firing and key not in now}
