"""Archive a checked form: validate, then store it as the next revision of its unit and period;
a form with errors is refused unless a reason forces it, a form whose title names another unit
or period (core/title_check.py) unless the caller confirms it (recorded in the summary).

Every entry point (CLI `archive put`, the web upload, the add-in's save) archives through
`put_checked` with `content_hash(checked)`: the hash of the form's values (core/stamp.py's
values hash, without its "sha256:" prefix), so the same form sent from Excel or from a file
hashes alike. A file's own bytes (CLI, web) go beside it: `source_file=` keeps them in the
archive's source_files under their SHA-256, which the revision's summary names under "file"."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import definitions
from ..archive.store import Accepted, Archive, NewSubmission, SourceFile, Stored
from ..core.errors import UserError
from ..core.findings import FormReport, Severity
from ..core.messages import kept_params
from ..core.periods import Period
from ..core.report import ArchivedValue, archive_rows
from ..core.stamp import values_hash
from ..core.title_check import TitleCheck, check_title
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


def content_hash(checked: Checked) -> str:
    """The one content hash of a form, whatever it came from: its values' hash (64 hex); ""
    for a table of no known edition (never archived)."""
    report = checked.form.report
    return values_hash(report).removeprefix("sha256:") if report is not None else ""


def file_record(file: SourceFile, limits: Limits) -> dict:
    """What a revision's summary says of its file: SHA-256, size, and whether its bytes are kept
    (up to the request body limit, EGOV_MAX_BODY_BYTES)."""
    return {"sha256": file.sha256, "size": len(file.data), "kept": len(file.data) <= limits.max_body_bytes}


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
    return put_checked(archive, checked, unit, period, archived_by, Path(path).name, content_hash(checked),
                       accepted, force_reason, stamp=archive_record(path, checked), create_unit=create_unit,
                       confirm_mismatch=confirm_mismatch, source_file=Path(path).read_bytes(), limits=limits)


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
    source_file: bytes | None = None,
    limits: Limits | None = None,
) -> PutResult:
    """Archive a validated form (from a file or from Excel), checked again against what the
    unit archived before (the prior-period rules, flows/references.py); refuse errors unless
    forced, and a title naming another unit or period unless confirmed (TitleMismatch; a
    confirmed one is kept in the summary under "title_mismatch"). `stamp`, when given, is kept
    in the summary under "stamp". With `create_unit` False, a unit the archive does not know is
    refused (ArchiveError archive_unit_unknown), nothing stored. `source_file`, the bytes of the
    file archived (none from Excel), is named in the summary under "file" and kept beside the
    revision when within `limits`' body size."""
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
    kept = SourceFile.of(source_file) if source_file is not None else None  # hashed once
    file = file_record(kept, limits or Limits()) if kept is not None else None
    twin = returned_twin(archive, unit, period, content_hash)
    stored = archive.put(NewSubmission(
        unit=unit, period=period, edition_id=edition.id, edition_title=edition.title,
        values=values_of(checked), archived_by=archived_by, source_name=source_name,
        content_hash=content_hash, rules_version=definitions.rules_version(),
        summary={**summary_of(report), **({"stamp": stamp} if stamp else {}), **({"file": file} if file else {}),
                 **({"title_mismatch": title.as_dict()} if title.mismatch else {})},
        accepted=list(accepted), forced_reason=force_reason if report.has_errors else None,
        create_unit=create_unit, source_file=kept if file and file["kept"] else None,
    ))
    return PutResult(report, stored, offered, twin)


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


def original_file(archive: Archive, unit: str, period: Period, revision: int) -> tuple[str, bytes] | None:
    """(file name, bytes) of the file a revision was archived from, when its bytes are kept and
    still have the SHA-256 its sealed summary names (revisions from the add-in, or archived
    before migration 0007, have none)."""
    stored = archive.get(unit, period, revision)
    file = (stored.meta.summary.get("file") or {}) if stored is not None and stored.meta else {}
    if not file.get("kept"):
        return None
    data = archive.source_file(file["sha256"])
    if data is None or hashlib.sha256(data).hexdigest() != file["sha256"]:  # never bytes the seal does not name
        return None
    return stored.meta.source_name, data

